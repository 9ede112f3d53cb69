#!/usr/bin/env bash
# Installs every Debian/Ubuntu package bulletin needs to build, test and run. Idempotent; works
# as root or through sudo. Usage: scripts/setup.sh [--fuzz]
#   --fuzz  also clang and its libFuzzer runtime, for the `fuzz` preset (tests/fuzz/README.md)
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang-format
  # libraries (docs/architecture.md says what each is for)
  libboost-dev libicu-dev libpugixml-dev libspdlog-dev libfmt-dev nlohmann-json3-dev libcli11-dev
  libsqlite3-dev nettle-dev libzip-dev libgumbo-dev libpoppler-private-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # tools the tests drive: XSD/RELAX NG checks, PDF fixtures (qpdf encrypts one), the SQLite
  # shell, a JSON Schema validator, headless Chromium for the HTML review page, cmark (the
  # CommonMark reference) for the Markdown page
  libxml2-utils poppler-utils qpdf sqlite3 python3 python3-jsonschema chromium cmark
)
# The gazetteer of administrative divisions comes from the npm registry at build time. Some
# machines have Node.js with its own npm (nodesource), which conflicts with Debian's npm package:
# only install them when the npm command is missing.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
[ "${1:-}" = "--fuzz" ] && packages+=(clang libclang-rt-14-dev)

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "setup.sh: run as root or install sudo" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup.sh: all ${#packages[@]} packages are installed"
  exit 0
fi
echo "setup.sh: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
