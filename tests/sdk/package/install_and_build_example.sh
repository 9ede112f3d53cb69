#!/usr/bin/env bash
# usage: install_and_build_example.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

echo "== install into a temporary prefix"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
prefix=$work/prefix
for f in bin/bulletin include/bulletin/module.hpp include/bulletin/version.hpp \
         lib/libbulletin-sdk.so lib/cmake/BulletinSDK/BulletinSDKConfig.cmake \
         lib/cmake/BulletinSDK/BulletinSDKConfigVersion.cmake lib/pkgconfig/bulletin-sdk.pc \
         lib/bulletin/plugins/json.so share/bulletin/pipelines/cn-bulletin.xml; do
  [ -e "$prefix/$f" ] || fail "$f is not installed"
done
pkg-config --with-path="$prefix/lib/pkgconfig" --exists "bulletin-sdk >= 2.0" || fail "pkg-config"

echo "== pkg-config from a prefix moved after installing"
cp -a "$prefix" "$work/moved"
cflags=$(pkg-config --with-path="$work/moved/lib/pkgconfig" --cflags bulletin-sdk)
case "$cflags" in
  *"-I$work/moved/lib/pkgconfig/../../include"*|*"-I$work/moved/include"*) ;;
  *) fail "pkg-config --cflags from the moved prefix says '$cflags'" ;;
esac
libs=$(pkg-config --with-path="$work/moved/lib/pkgconfig" --libs bulletin-sdk)
case "$libs" in *"$work/moved/"*) ;; *) fail "pkg-config --libs from the moved prefix says '$libs'" ;; esac
rm -rf "$work/moved"

echo "== build the example against the prefix alone (a copy outside the source tree)"
cp -r "$source/examples/meeting-tagger" "$work/example"
build_example() {  # build_example DIR [extra cmake args]
  local dir=$1; shift
  cmake -S "$work/example" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_PREFIX_PATH="$prefix" "$@" >/dev/null
  cmake --build "$dir" >/dev/null
}
build_example "$work/ex"
if grep -q "$source/sdk" "$work/ex/build.ninja"; then fail "the example build reaches into the source tree"; fi
ctest --test-dir "$work/ex" --output-on-failure >/dev/null || fail "the example's own unit test"

echo "== find_package version rules (SameMajorVersion)"
for wanted in 1.0 3.0; do
  mkdir -p "$work/v$wanted"
  cat > "$work/v$wanted/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.22)
project(v LANGUAGES CXX)
find_package(BulletinSDK $wanted CONFIG REQUIRED)
CM
  if cmake -S "$work/v$wanted" -B "$work/v$wanted/b" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null 2>&1; then
    fail "find_package(BulletinSDK $wanted) accepted SDK 2.x"
  fi
done

echo "== the installed bulletin lists the example plugin and its parameters"
bulletin=$prefix/bin/bulletin
# Capture first: `grep -q` under pipefail would close the pipe on bulletin early.
listing=$(BULLETIN_PLUGIN_PATH=$work/ex "$bulletin" plugins)
grep -q "tagger     meeting" <<<"$listing" || fail "plugins list: $listing"
help=$(BULLETIN_PLUGIN_PATH=$work/ex "$bulletin" plugins meeting)
grep -q 'suffixes  (list, default' <<<"$help" || fail "plugins meeting: $help"

echo "== a pipeline using it produces its entities"
BULLETIN_PLUGIN_PATH=$work/ex "$bulletin" run "$work/example/meeting.xml" \
  "$source/examples/samples/hunan-xuanren-2023-04-24.txt" -o "$work/out" >/dev/null
python3 - "$work/out/hunan-xuanren-2023-04-24.json" <<'PY' || fail "no meeting entities"
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
meetings = [e["text"] for e in doc["entities"] if e["type"] == "meeting"]
assert "全省人大选举任免联络工作座谈会" in meetings, meetings
PY

echo "== mismatched builds are refused with file, both versions and the fix"
# (keeping the caller's CXXFLAGS, e.g. a sanitizer build's)
build_example "$work/ex-abi" "-DCMAKE_CXX_FLAGS=${CXXFLAGS:-} -DBULLETIN_ABI_VERSION_OVERRIDE=3"
out=$(BULLETIN_PLUGIN_PATH=$work/ex-abi "$bulletin" plugins 2>&1 || true)
grep -q "$work/ex-abi/meeting.so: module ABI version 3 does not match the host's ABI version 2; rebuild the plugin against BulletinSDK" <<<"$out" ||
  fail "ABI mismatch message: $out"
build_example "$work/ex-key" "-DCMAKE_CXX_FLAGS=${CXXFLAGS:-} -DBULLETIN_BUILD_KEY_OVERRIDE=\\\"clang-99\\\""
out=$(BULLETIN_PLUGIN_PATH=$work/ex-key "$bulletin" plugins 2>&1 || true)
grep -q "meeting.so: module build key 'clang-99' does not match the host's" <<<"$out" ||
  fail "build key mismatch message: $out"
grep -q "rebuild the plugin with the toolchain" <<<"$out" || fail "build key fix: $out"

echo "PASS"
