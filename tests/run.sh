#!/bin/sh
# The whole test suite, from a fresh Debian 12 machine (as root):
# installs what is missing, builds in ./build with warnings as errors, runs
# `make check` (unit + integration), and prints "N passed, N failed".
# Also compiles everything with clang in ./build-clang (warnings as errors,
# nothing run): DESIGN.md promises gcc and clang builds; that keeps it true.
set -e
cd "$(dirname "$0")/.."
top=$(pwd)

# Compile-only clang build of hull and of every test program; its result is
# written as build/clang-build.trs so the summary line counts it.
clang_build() (
  rc=0
  mkdir -p "$top/build-clang"
  cd "$top/build-clang"
  { CC=clang "$top/configure" -q --enable-werror &&
    make -s -j"$(nproc)" check TESTS=; } >clang.log 2>&1 || rc=$?
  if [ "$rc" -eq 0 ]; then r=PASS; else r=FAIL; fi
  echo ":test-result: $r" >"$top/build/clang-build.trs"
  echo "$r: clang-build"
  [ "$rc" -eq 0 ] || { tail -n 40 clang.log; return 1; }
)
sh tests/deps.sh
./autogen.sh >/dev/null 2>&1
mkdir -p build
cd build
"$top/configure" -q --enable-werror
make -s -j"$(nproc)"
status=0
clang_build || status=$?
make -s -j"$(nproc)" check >check.out 2>&1 || status=$?
grep -E '^(PASS|FAIL|SKIP|ERROR|XPASS|XFAIL):' check.out || true
if [ "$status" -ne 0 ]; then
  echo "---- logs of failed tests ----"
  grep -lE '^:test-result: (FAIL|ERROR|XPASS)' $(find . -name '*.trs') 2>/dev/null |
    while read -r trs; do echo "== ${trs%.trs}.log"; tail -n 60 "${trs%.trs}.log"; done
fi
sh "$top/tests/summary.sh" .
exit "$status"
