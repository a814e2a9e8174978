#!/bin/sh
# make check-valgrind: hull built dynamically (valgrind replaces malloc
# only in a dynamic binary; under a static glibc it sees no allocation and
# reports hundreds of false uninitialised reads) with -g -O1 in BUILD,
# then the integration files below with HULL_BINARY =
# tests/valgrind-hull.sh: every hull command but create, run and exec
# under memcheck (why those not: valgrind-hull.sh). A log per process in
# BUILD/valgrind-logs; the run fails on any memcheck error (uninitialised
# read, invalid access, definite leak) and on any fd hull opened and left
# open at exit (fds inherited from the test are not counted). A bats file
# still running after HULL_TEST_FILE_TIMEOUT seconds (default 900) is
# stopped and fails, naming the test that hung (tests/integration/bats-run.sh).
# Usage: tests/valgrind.sh BUILD_DIR [TESTS...]   (as root)
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:?usage: $0 BUILD_DIR [TESTS...]}
shift
command -v valgrind >/dev/null || { echo "check-valgrind: valgrind is not installed" >&2; exit 1; }
mkdir -p "$BUILD"
BUILD=$(cd "$BUILD" && pwd)
if [ "$#" -gt 0 ]; then
  TESTS="$*"
else
  TESTS=""
  for f in lifecycle lifecycle-exec lifecycle-compat fd-hygiene console net-run enosys; do
    TESTS="$TESTS tests/integration/$f.bats"
  done
fi
cd "$BUILD"
if [ ! -f Makefile ]; then
  CFLAGS="-g -O1" "$SRC/configure" -q --disable-static-binary
fi
make -s -j2
LOGS=$BUILD/valgrind-logs
rm -rf "$LOGS"
mkdir -p "$LOGS"
HULL_TEST_BINARY=$SRC/tests/valgrind-hull.sh
HULL_VALGRIND_REAL=$BUILD/hull
HULL_VALGRIND_LOGS=$LOGS
HULL_TEST_FILE_TIMEOUT=${HULL_TEST_FILE_TIMEOUT:-900}
export HULL_TEST_BINARY HULL_VALGRIND_REAL HULL_VALGRIND_LOGS HULL_TEST_FILE_TIMEOUT
rc=0
make -j2 check TESTS="$TESTS" || rc=$?
# A finding: an error (valgrind-hull.sh marks each one: a forked child
# that exec'd writes no ERROR SUMMARY), or an fd valgrind saw opened (a
# stack follows its "Open ..." line) rather than "<inherited from parent>".
bad=0
n=0
for log in "$LOGS"/vg.*; do
  [ -f "$log" ] || continue
  n=$((n + 1))
  errs=$(grep -c HULL-VALGRIND-ERROR "$log" || true)
  fds=$(awk '/FILE DESCRIPTORS:/ { s = 1 } s && /Open / { o = $0; next }
             s && o != "" && /^==[0-9]+== +at 0x/ { print o; o = "" } s && /inherited/ { o = "" }' "$log")
  if [ "${errs:-0}" != 0 ] || [ -n "$fds" ]; then
    bad=$((bad + 1))
    echo "== $log: ${errs:-0} errors${fds:+, fds left open}"
    head -n 80 "$log"
  fi
done
echo "valgrind: $n hull processes checked, $bad with findings"
[ "$bad" -eq 0 ] || rc=1
[ "$rc" -eq 0 ] && echo "valgrind: no finding, every test passed"
exit "$rc"
