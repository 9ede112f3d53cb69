#!/usr/bin/env bash
# usage: validate_samples.sh BULLETIN SOURCE_DIR
set -euo pipefail
bulletin=$1
source=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
inputs=()
for f in "$source"/tests/data/samples/*; do
  case "$f" in *.gold.json|*.md) continue ;; esac
  inputs+=("$f")
done
[ ${#inputs[@]} -eq 28 ] || { echo "expected 28 sample inputs, found ${#inputs[@]}"; exit 1; }
# {name} keeps the forms of one issue (a.pdf, a.txt ...) apart.
"$bulletin" -q run "$source/pipelines/cn-bulletin.xml" "${inputs[@]}" -o "$out" \
  --set "json.path={output}/{name}.json" >/dev/null
count=$(ls "$out"/*.json | wc -l)
[ "$count" -eq 28 ] || { echo "expected 28 JSON outputs, found $count"; exit 1; }
"$source/docs/schema/validate.py" "$out"/*.json
echo "28 outputs valid against docs/schema/bulletin-1.schema.json"
