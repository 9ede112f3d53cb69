#!/usr/bin/env bash
# Runs one libFuzzer harness for a bounded time.
#
#   tests/fuzz/run.sh HARNESS SECONDS [--smoke] [--binary PATH] [-- EXTRA_LIBFUZZER_ARGS...]
#
# HARNESS is one of: text_reader ofd_reader docx_reader html_reader pdf_reader pipeline
# dates_numerals segmenter worker_protocol registry_cache. Build first: cmake --preset fuzz && cmake --build --preset fuzz.
#
# The committed seeds (tests/fuzz/corpus/HARNESS) are read, never written: new inputs go to
# build-fuzz/fuzz/corpus/HARNESS, crashes to build-fuzz/fuzz/artifacts/HARNESS/. Every file in
# tests/fuzz/regressions/HARNESS is replayed first. --smoke (the CTest smoke run) uses a
# throw-away corpus. The final statistics (stat::number_of_executed_units ...) are printed.
# Exit status: 0 when no crash was found.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [[ $# -lt 2 ]]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
harness="$1" seconds="$2"
shift 2
build="${BULLETIN_FUZZ_BUILD:-$root/build-fuzz}"
binary="$build/bin/fuzz_$harness"
smoke=0
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --binary) binary="$2"; shift ;;
    --) shift; extra+=("$@"); break ;;
    *) extra+=("$1") ;;
  esac
  shift
done
if [[ ! -x "$binary" ]]; then
  echo "run.sh: $binary is not built (cmake --preset fuzz && cmake --build --preset fuzz)" >&2
  exit 2
fi
seeds="$here/corpus/$harness"
regressions="$here/regressions/$harness"
if [[ $smoke -eq 1 ]]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  corpus="$work/corpus" artifacts="$work/artifacts/"
else
  corpus="$build/fuzz/corpus/$harness" artifacts="$build/fuzz/artifacts/$harness/"
fi
mkdir -p "$corpus" "$artifacts"

# Leaks in a harness process are reported like crashes; UBSan findings stop the run.
# verify_asan_link_order=0: with -shared-libsan, libFuzzer's link puts libstdc++ before the ASan
# runtime in the needed list; malloc and free are still ASan's (libstdc++ defines neither).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1:verify_asan_link_order=0}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

if [[ -d "$regressions" ]] && compgen -G "$regressions/*" > /dev/null; then
  echo "== replaying $regressions"
  "$binary" -runs=0 "$regressions"
fi
echo "== fuzzing $harness for ${seconds}s (corpus $corpus, seeds $seeds)"
"$binary" -max_total_time="$seconds" -print_final_stats=1 -timeout=30 -rss_limit_mb=2560 \
  -artifact_prefix="$artifacts" "${extra[@]}" "$corpus" "$seeds"
