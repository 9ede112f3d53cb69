#!/usr/bin/env bash
# Checks that every C++ source of the project is formatted as .clang-format says (a CTest test,
# `format_check`, runs it). `scripts/check-format.sh --fix` rewrites the files in place.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find sdk host plugins tests examples benchmarks -type f \
  \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) | sort)
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
  exit 0
fi
if ! clang-format --dry-run --Werror "${files[@]}"; then
  echo "check-format: the files above differ from clang-format's output; run scripts/check-format.sh --fix" >&2
  exit 1
fi
echo "check-format: ${#files[@]} files formatted"
