#!/bin/sh
# Builds and runs every benchmark (docs/performance.md):
#
#   benchmarks/run.sh            # from the repository root
#
# 1. configures build-bench/ (RelWithDebInfo, -DBULLETIN_BUILD_BENCHMARKS=ON) and builds
#    `bulletin` and `bulletin_benchmarks`;
# 2. runs the Google Benchmark micro-benchmarks (build-bench/benchmarks/micro.json);
# 3. runs the macro benchmarks (benchmarks/macro.py): a 10,000-bulletin corpus from
#    benchmarks/corpus/generate.py (cached in build-bench/bench-work/), its ground truth checked
#    on the first 25, `bulletin batch` with --jobs 1 and 2, an unchanged re-run, cold start,
#    peak RSS for 1,000 vs 10,000 documents, and the PDF pipeline against pdftotext;
# 4. prints a table and writes benchmarks/results.json.
#
# Environment: BUILD_DIR (build-bench), COUNT (10000), SMALL (1000), MICRO_MIN_TIME (0.2),
# SKIP_BUILD=1, SKIP_MICRO=1. hyperfine is used for the cold start when installed.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
COUNT=${COUNT:-10000}
SMALL=${SMALL:-1000}
MICRO_MIN_TIME=${MICRO_MIN_TIME:-0.2}
cd "$ROOT"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DBULLETIN_BUILD_BENCHMARKS=ON >/dev/null
  cmake --build "$BUILD_DIR" --target bulletin bulletin_benchmarks
fi

MICRO_JSON=$BUILD_DIR/benchmarks/micro.json
if [ "${SKIP_MICRO:-0}" != 1 ]; then
  "$BUILD_DIR/bin/bulletin_benchmarks" --benchmark_min_time="$MICRO_MIN_TIME" \
      --benchmark_out="$MICRO_JSON" --benchmark_out_format=json
fi

python3 "$ROOT/benchmarks/macro.py" --bulletin "$BUILD_DIR/bin/bulletin" \
    --work "$BUILD_DIR/bench-work" --out "$ROOT/benchmarks/results.json" \
    --count "$COUNT" --small "$SMALL" --micro "$MICRO_JSON"
