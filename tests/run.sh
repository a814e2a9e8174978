#!/bin/sh
# The whole test suite, from a fresh Debian 12 machine (as root):
# installs what is missing, builds in ./build with warnings as errors, runs
# `make check` (unit + integration), and prints "N passed, N failed".
# The main build is static (configure's default when the archives are
# there). A second build in ./build-clang uses clang and
# --disable-static-binary (DESIGN.md promises gcc and clang builds,
# configure promises both links): everything is compiled, and the tests
# where the link differs (libmnl against hull's own, NSS against
# /etc/passwd) run against that dynamic hull. Then the hardening legs
# (README: Tests): ASan+UBSan with leak detection, a fixed-seed fuzz
# regression of every libFuzzer target and the valgrind subset.
set -e
cd "$(dirname "$0")/.."
top=$(pwd)
OTHER_LINK_TESTS="tests/unit/test_mnlcompat tests/unit/test_net tests/integration/lifecycle.bats"
OTHER_LINK_TESTS="$OTHER_LINK_TESTS tests/integration/net.bats tests/integration/net-run.bats"
OTHER_LINK_TESTS="$OTHER_LINK_TESTS tests/integration/net-ports.bats"

# The compile's result goes to build-clang/clang-build.trs so the summary
# counts it; its tests write their own .trs files there.
clang_dynamic_build() (
  rc=0
  mkdir -p "$top/build-clang"
  cd "$top/build-clang"
  { CC=clang "$top/configure" -q --enable-werror --disable-static-binary &&
    make -s -j"$(nproc)" check TESTS=; } >clang.log 2>&1 || rc=$?
  if [ "$rc" -eq 0 ]; then r=PASS; else r=FAIL; fi
  echo ":test-result: $r" >clang-build.trs
  echo "$r: clang-build (clang, --disable-static-binary)"
  [ "$rc" -eq 0 ] || { tail -n 40 clang.log; return 1; }
  # a dynamic binary names its shared libraries (NEEDED); a static one has none
  if ! readelf -d hull | grep -q NEEDED; then echo "FAIL: build-clang/hull is not dynamic"; return 1; fi
  make -s -j"$(nproc)" check TESTS="$OTHER_LINK_TESTS" >check.out 2>&1 || rc=$?
  grep -E '^(PASS|FAIL|SKIP|ERROR|XPASS|XFAIL):' check.out | sed 's/^\([A-Z]*\): /\1: dynamic hull: /' || true
  return "$rc"
)

# A hardening leg (README: Tests) in build/hardening: its result is
# NAME.trs for the summary (the tests it runs write their own .trs under
# build/, counted too), its output NAME.log.
hardening_leg() (
  name=$1
  shift
  mkdir -p "$top/build/hardening"
  start=$(date +%s)
  rc=0
  "$@" >"$top/build/hardening/$name.log" 2>&1 || rc=$?
  if [ "$rc" -eq 0 ]; then r=PASS; else r=FAIL; fi
  echo ":test-result: $r" >"$top/build/hardening/$name.trs"
  echo "$r: $name ($(($(date +%s) - start)) s)"
  [ "$rc" -eq 0 ] || { tail -n 80 "$top/build/hardening/$name.log"; return 1; }
)

failed_logs() {
  grep -lE '^:test-result: (FAIL|ERROR|XPASS)' $(find "$@" -name '*.trs') 2>/dev/null |
    while read -r trs; do echo "== ${trs%.trs}.log"; tail -n 60 "${trs%.trs}.log"; done
}

sh tests/deps.sh
# The host as the suite finds it (after deps.sh, whose packages may add
# users): compared with what it leaves at the end.
before=$(mktemp /tmp/hull-leftovers.XXXXXX)
sh tests/leftovers.sh snapshot "$before"
./autogen.sh >/dev/null 2>&1
mkdir -p build
cd build
"$top/configure" -q --enable-werror
make -s -j"$(nproc)"
status=0
readelf -d hull | grep -q NEEDED && echo "note: build/hull is dynamic (static archives missing?)"
clang_dynamic_build || status=$?
make -s -j"$(nproc)" check >check.out 2>&1 || status=$?
grep -E '^(PASS|FAIL|SKIP|ERROR|XPASS|XFAIL):' check.out || true
# Before the leftovers check: these run containers too.
hardening_leg sanitizers make -s check-sanitizers || status=$?
hardening_leg fuzz-regression sh "$top/tests/fuzz/regress.sh" "$top/build/fuzz" || status=$?
hardening_leg valgrind make -s check-valgrind || status=$?
# Tests remove their containers' cgroups; the shared /hull-test parents
# (and the test user, when this run made it) go here, once nothing runs.
# Anything else new on the host is a test's leftover: a failure.
sh "$top/tests/leftovers.sh" clean "$before"
if sh "$top/tests/leftovers.sh" check "$before" >leftovers.log 2>&1; then r=PASS; else r=FAIL; status=1; fi
rm -f "$before"
echo ":test-result: $r" >leftovers.trs
echo "$r: leftovers (the host as the suite found it)"
if [ "$status" -ne 0 ]; then
  echo "---- logs of failed tests ----"
  failed_logs . "$top/build-clang"
fi
sh "$top/tests/summary.sh" . "$top/build-clang"
exit "$status"
