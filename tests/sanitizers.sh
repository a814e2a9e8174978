#!/bin/sh
# make check-sanitizers: hull, its unit tests and test drivers built with
# ASan+UBSan (configure --enable-sanitizers, -O1) in BUILD, then the unit
# tests and the integration files below run against that build with leak
# detection on. Every sanitizer report goes to a file in BUILD/sanitizer-logs
# (the tests' own output stays clean); any report fails the run and is
# printed. A process in a container's mount namespace (the shim after
# pivot_root, a hook it runs) cannot open that file: its report goes to
# its stderr and it goes on, so only a test that checks that output sees
# it (lifecycle-compat's hook test did, for a memcpy from NULL). A hardening leg of tests/run.sh (README: Tests). A bats file
# still running after HULL_TEST_FILE_TIMEOUT seconds (default 900) is
# stopped and fails, naming the test that hung (tests/integration/bats-run.sh).
# Usage: tests/sanitizers.sh BUILD_DIR [TESTS...]   (as root)
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:?usage: $0 BUILD_DIR [TESTS...]}
shift
mkdir -p "$BUILD"
BUILD=$(cd "$BUILD" && pwd)
if [ "$#" -gt 0 ]; then
  TESTS="$*"
else
  UNIT=$(cd "$SRC" && grep -ho 'tests/unit/test_[a-z_0-9]*' src/*/Makefile.inc | sort -u)
  INTEG=""
  for f in cli spec lifecycle lifecycle-exec lifecycle-compat lifecycle-init \
           lifecycle-isolation storage storage-run escape-storage overlay security \
           escape-security cgroup_v1 cgroup_containers net net-run fd-hygiene; do
    INTEG="$INTEG tests/integration/$f.bats"
  done
  TESTS="$(echo $UNIT) $INTEG"
fi
cd "$BUILD"
if [ ! -f Makefile ]; then
  CFLAGS="-g -O1" "$SRC/configure" -q --enable-sanitizers
fi
make -s -j2
LOGS=$BUILD/sanitizer-logs
rm -rf "$LOGS"
mkdir -p "$LOGS"
# LeakSanitizer's exit-time check runs in a forked copy of hull that no
# signal can reach (main.c says why). The caller's options come last and
# win.
ASAN_OPTIONS="detect_leaks=1:log_path=$LOGS/asan${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
UBSAN_OPTIONS="print_stacktrace=1:log_path=$LOGS/ubsan${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export ASAN_OPTIONS UBSAN_OPTIONS
HULL_TEST_FILE_TIMEOUT=${HULL_TEST_FILE_TIMEOUT:-900}
export HULL_TEST_FILE_TIMEOUT
rc=0
make -j2 check TESTS="$TESTS" || rc=$?
reports=$(ls "$LOGS")
if [ -n "$reports" ]; then
  echo "---- sanitizer reports ($(echo "$reports" | wc -l)) ----"
  for r in $reports; do echo "== $r"; head -n 60 "$LOGS/$r"; done
  rc=1
fi
[ "$rc" -eq 0 ] && echo "sanitizers: no report, every test passed"
exit "$rc"
