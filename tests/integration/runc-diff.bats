#!/usr/bin/env bats
# hull and runc side by side on the same bundle: exit codes, state and
# stats JSON fields, runc's error words inside hull's, the terminal. Skipped
# when runc is not installed (`apt-get install runc`); the behaviour itself is
# tested without runc in runc-compat.bats and console.bats.
load helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

setup() {
  require_root
  command -v runc >/dev/null || skip "runc is not installed"
  RUNC_ROOT=$BATS_TEST_TMPDIR/runc-root
  HB=$BATS_TEST_TMPDIR/hull-bundle
  RB=$BATS_TEST_TMPDIR/runc-bundle
  make_bundle "$HB"
  make_bundle "$RB"
}

teardown() {
  local id
  for id in $(runc --root "$RUNC_ROOT" list -q 2>/dev/null); do
    runc --root "$RUNC_ROOT" delete --force "$id" >/dev/null 2>&1
  done
  B=$HB delete_all_containers
  remove_test_cgroups "$HB"
  remove_test_cgroups "$RB"
  return 0
}

# both 'JQ-FILTER': the same config edit in both bundles
both_config() {
  update_config "$HB" "$@"
  update_config "$RB" "$@"
}

# rt hull|runc ARGS...: runs one runtime on its bundle (@B in ARGS), stdout
# to $BATS_TEST_TMPDIR/<rt>.out, the error message (hull: stderr; runc: the
# msg of its JSON log) to <rt>.err; returns its exit code.
rt() {
  local which=$1 b out=$BATS_TEST_TMPDIR/$1
  shift
  local args=()
  if [ "$which" = hull ]; then b=$HB; else b=$RB; fi
  for a in "$@"; do args+=("${a//@B/$b}"); done
  rm -f "$out.log"
  if [ "$which" = hull ]; then
    "$HULL" --root "$HULL_TEST_ROOT" "${args[@]}" >"$out.out" 2>"$out.err" </dev/null
  else
    runc --root "$RUNC_ROOT" --log "$out.log" --log-format json "${args[@]}" >"$out.out" 2>/dev/null </dev/null
    local rc=$?
    { [ -s "$out.log" ] && jq -r 'select(.level == "error") | .msg' "$out.log"; } >"$out.err" || :
    return $rc
  fi
}

# same_rc ARGS...: both runtimes exit with the same code; prints them.
same_rc() {
  local h r
  rt hull "$@" && h=0 || h=$?
  rt runc "$@" && r=0 || r=$?
  echo "$* -> hull $h ($(cat "$BATS_TEST_TMPDIR/hull.err")), runc $r ($(cat "$BATS_TEST_TMPDIR/runc.err"))"
  [ "$h" = "$r" ]
}

# runc_words_in_hull PHRASE: runc's error has PHRASE and hull's has it too.
runc_words_in_hull() {
  grep -qF "$1" "$BATS_TEST_TMPDIR/runc.err"
  grep -qF "$1" "$BATS_TEST_TMPDIR/hull.err"
}

@test "runc-diff: the lifecycle gives the same exit codes, statuses and error words" {
  both_config '.process.args = ["sleep", "600"]'
  same_rc state c1
  runc_words_in_hull "does not exist"
  same_rc create --bundle @B c1
  [ "$(rt hull state c1 && jq -r .status "$BATS_TEST_TMPDIR/hull.out")" = created ]
  [ "$(rt runc state c1 && jq -r .status "$BATS_TEST_TMPDIR/runc.out")" = created ]
  same_rc pause c1
  same_rc resume c1
  same_rc resume c1
  runc_words_in_hull "container not paused"
  same_rc start c1
  same_rc start c1
  runc_words_in_hull "cannot start an already running container"
  same_rc kill c1 0
  same_rc kill c1 sigwinch
  same_rc kill c1 NOSUCH
  same_rc delete c1
  same_rc exec c1 sh -c 'exit 3'
  same_rc exec c1 no-such-binary
  runc_words_in_hull 'executable file not found in $PATH'
  same_rc pause c1
  same_rc exec c1 true
  runc_words_in_hull "cannot exec in a paused container"
  same_rc delete c1
  same_rc resume c1
  same_rc kill c1 KILL
  for i in $(seq 50); do
    [ "$(rt runc state c1 && jq -r .status "$BATS_TEST_TMPDIR/runc.out")" = stopped ] && break
    sleep 0.1
  done
  wait_status c1 stopped
  same_rc kill c1 TERM
  runc_words_in_hull "container not running"
  same_rc kill c1 0
  same_rc pause c1
  runc_words_in_hull "container not running"
  same_rc update --memory 32m c1
  runc_words_in_hull "container not running"
  same_rc start c1
  runc_words_in_hull "cannot start a container that has stopped"
  same_rc exec c1 true
  runc_words_in_hull "cannot exec in a stopped container"
  same_rc delete c1
  same_rc delete c1
  same_rc delete --force c1
}

@test "runc-diff: state, list and ps JSON have runc's fields; events --stats runc's keys" {
  both_config '.process.args = ["sleep", "600"]'
  rt hull run -d --bundle @B j1
  rt runc run -d --bundle @B j1
  rt hull state j1
  rt runc state j1
  [ "$(jq -S 'keys' "$BATS_TEST_TMPDIR/hull.out")" = "$(jq -S 'keys' "$BATS_TEST_TMPDIR/runc.out")" ]
  rt hull list --format json
  rt runc list --format json
  [ "$(jq -S '.[0] | keys' "$BATS_TEST_TMPDIR/hull.out")" = "$(jq -S '.[0] | keys' "$BATS_TEST_TMPDIR/runc.out")" ]
  rt hull ps --format json j1
  rt runc ps --format json j1
  [ "$(jq -c 'map(type)' "$BATS_TEST_TMPDIR/hull.out")" = "$(jq -c 'map(type)' "$BATS_TEST_TMPDIR/runc.out")" ]
  rt hull events --stats j1
  rt runc events --stats j1
  paths='[paths | map(if type == "number" then "N" else . end) | join(".")] | unique | .[]'
  jq -r "$paths" "$BATS_TEST_TMPDIR/hull.out" >"$BATS_TEST_TMPDIR/hull.paths"
  # what hull leaves out on purpose (README: runc compatibility)
  jq -r "$paths" "$BATS_TEST_TMPDIR/runc.out" | grep -Ev '^data\.(cpuset|intel_rdt|network_interfaces|hugetlb)' \
    >"$BATS_TEST_TMPDIR/runc.paths"
  comm -23 "$BATS_TEST_TMPDIR/runc.paths" "$BATS_TEST_TMPDIR/hull.paths" >"$BATS_TEST_TMPDIR/missing"
  cat "$BATS_TEST_TMPDIR/missing"
  [ ! -s "$BATS_TEST_TMPDIR/missing" ]
}

@test "runc-diff: run -t prints the same tty and owner under a terminal" {
  command -v script >/dev/null || skip "no script(1)"
  both_config '.process.terminal = true | .process.user = {uid: 1000, gid: 1000}
    | .process.consoleSize = {height: 33, width: 111}
    | .process.args = ["sh", "-c", "tty; stat -c %u:%g:%a \"$(tty)\"; ls /dev/pts | tr \"\\n\" \" \""]'
  # (no stty size here: runc sets script's unsized 0x0 over consoleSize, hull
  # keeps consoleSize; the ^@ script makes appears for both, at a racy place)
  (cd "$HB" && script -qec "$HULL --root $HULL_TEST_ROOT run t1" /dev/null </dev/null) |
    tr -d '\r' | sed 's/\^@//g; s/ *$//' | awk NF >"$BATS_TEST_TMPDIR/hull.tty"
  (cd "$RB" && script -qec "runc --root $RUNC_ROOT run t1" /dev/null </dev/null) |
    tr -d '\r' | sed 's/\^@//g; s/ *$//' | awk NF >"$BATS_TEST_TMPDIR/runc.tty"
  cat "$BATS_TEST_TMPDIR/hull.tty" "$BATS_TEST_TMPDIR/runc.tty"
  grep -q '^/dev/pts/0$' "$BATS_TEST_TMPDIR/runc.tty"
  diff "$BATS_TEST_TMPDIR/runc.tty" "$BATS_TEST_TMPDIR/hull.tty"
}
