#!/bin/sh
# Runs one bats file with TAP output for automake's tap-driver.
# HULL_TEST_FILE_TIMEOUT=SECONDS (the sanitizer and valgrind legs set it):
# a file still running after that long is stopped (TERM to its process
# group, KILL 10 s later) and fails, naming the test that did not finish:
# a hang fails the run instead of stopping it. stdin is /dev/null then:
# timeout(1) runs bats in a process group of its own, which a terminal
# would stop on a read.
[ -n "${HULL_TEST_FILE_TIMEOUT:-}" ] || exec bats --tap "$1"
out=$(mktemp /tmp/hull-bats-out.XXXXXX)
trap 'rm -f "$out"' EXIT
rc=0
# Into a file, not a pipe: a process the test left behind holding the
# pipe would keep its reader waiting after the kill.
timeout -k 10 "$HULL_TEST_FILE_TIMEOUT" bats --tap "$1" >"$out" </dev/null &
group=$!
wait "$group" || rc=$?
cat "$out"
case $rc in
  124 | 137) ;;
  *) exit "$rc" ;;
esac
# timeout(1) made that group and stopped bats; what the hung test started
# may still be in it (a process ignoring TERM).
kill -s KILL -- "-$group" 2>/dev/null
# The test after the last one with a result is the one that hung (bats
# numbers them in file order).
last=$(awk '/^ok [0-9]/ { n = $2 } /^not ok [0-9]/ { n = $3 } END { print n + 0 }' "$out")
n=$((last + 1))
name=$(sed -n 's/^[[:space:]]*@test[[:space:]]*"\(.*\)"[[:space:]]*{.*$/\1/p' "$1" | sed -n "${n}p")
echo "not ok $n $name # hung: no result in $HULL_TEST_FILE_TIMEOUT s"
echo "Bail out! $(basename "$1"): test $n ($name) did not finish in $HULL_TEST_FILE_TIMEOUT s; the file was stopped"
exit 1
