#!/usr/bin/env bats
# The test harness itself: bats-run.sh's per-file timeout (the sanitizer
# and valgrind legs set HULL_TEST_FILE_TIMEOUT) turns a hang into a
# failure that names the test, and stops what the test started.
load helpers

# The inner bats must not see this one's BATS_* variables, nor its own
# libexec dir, which bats puts first in PATH. Its TMPDIR is this test's
# own: the inner bats the timeout kills cannot remove its run dir, and
# this one removes BATS_TEST_TMPDIR with whatever is left in it.
CLEAN_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

@test "harness: a bats file that hangs is stopped after HULL_TEST_FILE_TIMEOUT, naming the test, nothing left running" {
  local f=$BATS_TEST_TMPDIR/hangs.bats marker=hull-harness-$$-$RANDOM
  # (written so that no line here starts with the test keyword, which
  # bats would take as a test of this file)
  local t='@test'
  {
    echo "$t \"first passes\" { true; }"
    echo "$t \"second \\\"hangs\\\" ignoring TERM\" {"
    echo "  trap '' TERM"
    echo "  exec -a $marker sleep 600"
    echo "}"
    echo "$t \"third never runs\" { true; }"
  } >"$f"
  # 10 s: the first test must have its result before, however slow bats
  # starts on a loaded host
  run env -i PATH="$CLEAN_PATH" TMPDIR="$BATS_TEST_TMPDIR" HULL_TEST_FILE_TIMEOUT=10 sh "$HULL_SRCDIR/tests/integration/bats-run.sh" "$f" 3>&-
  [ "$status" -eq 1 ]
  [[ "$output" == *"ok 1 first passes"* ]]
  [[ "$output" == *'not ok 2 second \"hangs\" ignoring TERM # hung: no result in 10 s'* ]]
  [[ "$output" == *'Bail out! hangs.bats: test 2 (second \"hangs\" ignoring TERM) did not finish in 10 s'* ]]
  [[ "$output" != *"third never runs"* ]]
  run pgrep -f "^$marker"
  [ "$status" -eq 1 ]
}

@test "harness: with HULL_TEST_FILE_TIMEOUT a passing file passes, its TAP unchanged" {
  local f=$BATS_TEST_TMPDIR/passes.bats
  printf '%s "one" { true; }\n%s "two" { true; }\n' @test @test >"$f"
  run env -i PATH="$CLEAN_PATH" TMPDIR="$BATS_TEST_TMPDIR" HULL_TEST_FILE_TIMEOUT=60 sh "$HULL_SRCDIR/tests/integration/bats-run.sh" "$f" 3>&-
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf '1..2\nok 1 one\nok 2 two')" ]
  printf '%s "fails" { false; }\n' @test >"$f"
  run env -i PATH="$CLEAN_PATH" TMPDIR="$BATS_TEST_TMPDIR" HULL_TEST_FILE_TIMEOUT=60 sh "$HULL_SRCDIR/tests/integration/bats-run.sh" "$f" 3>&-
  [ "$status" -eq 1 ]
  [[ "$output" == *"not ok 1 fails"* ]]
  [[ "$output" != *"Bail out!"* ]]
}
