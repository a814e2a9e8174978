#!/bin/sh
# The whole test suite, from a fresh Debian 12 machine (as root):
# installs what is missing, builds in ./build with warnings as errors, runs
# `make check` (unit + integration), and prints "N passed, N failed".
set -e
cd "$(dirname "$0")/.."
top=$(pwd)
sh tests/deps.sh
./autogen.sh >/dev/null 2>&1
mkdir -p build
cd build
"$top/configure" -q --enable-werror
make -s -j"$(nproc)"
status=0
make -s -j"$(nproc)" check >check.out 2>&1 || status=$?
grep -E '^(PASS|FAIL|SKIP|ERROR|XPASS|XFAIL):' check.out || true
if [ "$status" -ne 0 ]; then
  echo "---- logs of failed tests ----"
  grep -lE '^:test-result: (FAIL|ERROR|XPASS)' $(find . -name '*.trs') 2>/dev/null |
    while read -r trs; do echo "== ${trs%.trs}.log"; tail -n 60 "${trs%.trs}.log"; done
fi
sh "$top/tests/summary.sh" .
exit "$status"
