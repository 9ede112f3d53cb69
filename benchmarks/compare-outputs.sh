#!/bin/sh
# Byte-identical outputs of two bulletin builds: compare-outputs.sh OLD_BULLETIN NEW_BULLETIN
# [WORKDIR]. Converts the 28 sample inputs of tests/data/samples and a 1,000-bulletin generated
# corpus (benchmarks/corpus/generate.py, seed 7) with pipelines/cn-bulletin.xml and every
# exporter enabled, with each binary, and compares every output file byte for byte (the
# SQLite database by its dump, export times blanked). Exit 0 when all are identical; otherwise lists what differs.
# Used for refactorings that must not change behaviour (docs/performance.md, issue 17).
set -eu
OLD=$1
NEW=$2
WORK=${3:-$(mktemp -d)}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$HERE/..
rm -rf "$WORK/old" "$WORK/new" "$WORK/corpus"
python3 "$HERE/corpus/generate.py" --seed 7 --count 1000 --out "$WORK/corpus" >/dev/null
SETS="--set json.path={output}/{name}.json --set jsonl.enabled=true --set csv.enabled=true \
--set tei.enabled=true --set markdown.enabled=true --set html-review.enabled=true \
--set sqlite.enabled=true"
for side in old new; do
  if [ "$side" = old ]; then BIN=$OLD; else BIN=$NEW; fi
  for set in samples corpus; do
    if [ "$set" = samples ]; then
      inputs=$(find "$ROOT/tests/data/samples" -type f ! -name '*.gold.json' ! -name '*.md' | sort)
    else
      inputs=$(find "$WORK/corpus" -name '*.txt' | sort)
    fi
    # shellcheck disable=SC2086 # word splitting of the input list and the settings is wanted
    "$BIN" -q run "$ROOT/pipelines/cn-bulletin.xml" $inputs -o "$WORK/$side/$set" $SETS \
      >/dev/null 2>"$WORK/$side-$set.log" || true
  done
  for db in $(find "$WORK/$side" -name '*.sqlite' -o -name '*.db'); do
    # exported_at is the time of the run: the one column that differs by design.
    sqlite3 "$db" .dump | sed -E "s/'[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z'/'TIME'/g" \
      >"$db.dump" && rm "$db"
  done
done
if diff -r "$WORK/old" "$WORK/new" >"$WORK/diff.txt"; then
  files=$(find "$WORK/new" -type f | wc -l)
  echo "identical: $files output files of 28 samples and 1000 generated bulletins"
else
  echo "outputs differ ($WORK/diff.txt):"
  grep -E '^(Only in|diff )' "$WORK/diff.txt" | head -20
  exit 1
fi
