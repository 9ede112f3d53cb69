#!/bin/sh
# CTest smoke test of the corpus generator: BULLETIN WORKDIR COUNT. Generates COUNT bulletins,
# checks that the same seed gives byte-identical files, converts them with
# pipelines/cn-bulletin.xml and compares the output with the generator's ground truth.
set -eu
BULLETIN=$1
WORK=$2
COUNT=$3
HERE=$(cd "$(dirname "$0")" && pwd)
rm -rf "$WORK"
python3 "$HERE/corpus/generate.py" --seed 3 --count "$COUNT" --out "$WORK/a" --truth "$WORK/truth"
python3 "$HERE/corpus/generate.py" --seed 3 --count "$COUNT" --out "$WORK/b"
diff -r "$WORK/a" "$WORK/b" >/dev/null || { echo "same seed, different output"; exit 1; }
"$BULLETIN" run "$HERE/../pipelines/cn-bulletin.xml" "$WORK"/a/*.txt -o "$WORK/out" >/dev/null
python3 "$HERE/corpus/check.py" "$WORK/truth" "$WORK/out"
