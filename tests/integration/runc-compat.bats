#!/usr/bin/env bats
# What a runc user (containerd, podman, a shell) notices: runc's words in
# errors (clients match them), errors on stderr also with --log, exit codes,
# runc's flag spellings, kill 0. runc itself is not needed (runc-diff.bats
# compares the two side by side when runc is installed).
load helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

setup() { bundle_setup; }

teardown() { bundle_teardown; }

sleeper() {
  update_config "$B" '.process.args = ["sleep", "600"]'
  hull create --bundle "$B" "$1" </dev/null >/dev/null 2>&1
  [ -z "${2:-}" ] || hull start "$1"
}

stopped() {
  sleeper "$1" start
  hull kill "$1" KILL
  wait_status "$1" stopped
}

@test "errors carry runc's words: container not running / not paused, start twice, delete running" {
  stopped s1
  run hull kill s1 TERM
  [ "$status" -eq 1 ]
  [[ "$output" == *'"s1"'*"container not running"* ]]
  run hull pause s1
  [ "$status" -eq 1 ]
  [[ "$output" == *"container not running"* ]]
  run hull update --memory 32m s1
  [ "$status" -eq 1 ]
  [[ "$output" == *"container not running"* ]]
  run hull events --stats s1
  [ "$status" -eq 1 ]
  [[ "$output" == *"is not running"* ]]
  run hull start s1
  [ "$status" -eq 1 ]
  [[ "$output" == *"cannot start a container that has stopped"* ]]
  sleeper r1 start
  run hull start r1
  [ "$status" -eq 1 ]
  [[ "$output" == *"cannot start an already running container"* ]]
  run hull resume r1
  [ "$status" -eq 1 ]
  [[ "$output" == *"container not paused"* ]]
  run hull delete r1
  [ "$status" -eq 1 ]
  [[ "$output" == *'cannot delete container "r1" that is not stopped: running'* ]]
  run hull kill nosuch
  [ "$status" -eq 1 ]
  [[ "$output" == *"does not exist"* ]]
}

@test "exec failures exit 255 (runc's code), the process's own status otherwise" {
  stopped e1
  run hull exec e1 true
  [ "$status" -eq 255 ]
  [[ "$output" == *"cannot exec in a stopped container"* ]]
  sleeper e2 start
  run hull exec e2 sh -c 'exit 1'
  [ "$status" -eq 1 ]
  run hull exec e2 no-such-binary
  [ "$status" -eq 255 ]
  [[ "$output" == *"executable file not found in \$PATH"* ]]
  hull pause e2
  run hull exec e2 true
  [ "$status" -eq 255 ]
  [[ "$output" == *"cannot exec in a paused container"*"--ignore-paused"* ]]
  hull resume e2
}

@test "exec --process F runs F as it is: --tty, --env, --cwd beside it are ignored (runc)" {
  sleeper p1 start
  jq -n '{terminal: false, user: {uid: 0, gid: 0}, cwd: "/", env: ["PATH=/bin", "FROM=file"],
          args: ["sh", "-c", "[ -t 0 ] && echo tty; echo \"$FROM $PWD\""]}' >"$B/process.json"
  run hull exec --process "$B/process.json" --tty --env FROM=flag --cwd /tmp p1
  [ "$status" -eq 0 ]
  [ "$output" = "file /" ]
}

@test "kill 0 checks the init is alive; names with and without SIG, any case, numbers" {
  # pid 1 of its namespace gets only signals it handles: TERM ends it, WINCH not
  update_config "$B" '.process.args = ["sh", "-c", "trap \"exit 7\" TERM; trap \"\" WINCH; while :; do sleep 0.1; done"]'
  hull create --bundle "$B" k1 </dev/null >/dev/null 2>&1
  hull start k1
  hull kill k1 0
  for s in WINCH SIGWINCH winch sigwinch 28; do hull kill k1 "$s"; done
  [ "$(status_of k1)" = running ]
  run hull kill k1 SIG0
  [ "$status" -eq 1 ]
  [[ "$output" == *'unknown signal "SIG0"'* ]]
  run hull kill k1 -9
  [ "$status" -eq 1 ]
  # no signal: TERM
  hull kill k1
  wait_status k1 stopped
  run hull kill k1 0
  [ "$status" -eq 1 ]
  [[ "$output" == *"container not running"* ]]
}

@test "--log FILE: an error goes to the file and to stderr once, as runc (go-runc reads stderr)" {
  log=$BATS_TEST_TMPDIR/log.json
  "$HULL" --root "$HULL_TEST_ROOT" --log "$log" --log-format json kill nosuch 2>"$BATS_TEST_TMPDIR/err" && false
  [ "$(cat "$BATS_TEST_TMPDIR/err")" = 'hull: container "nosuch" does not exist' ]
  [ "$(jq -r .msg "$log")" = 'container "nosuch" does not exist' ]
  # text format quotes the message as logrus does
  "$HULL" --root "$HULL_TEST_ROOT" --log "$log.txt" kill nosuch 2>/dev/null && false
  grep -q 'level=error msg="container \\"nosuch\\" does not exist"$' "$log.txt"
  # --log /dev/stderr: once, not twice
  "$HULL" --root "$HULL_TEST_ROOT" --log /dev/stderr kill nosuch 2>"$BATS_TEST_TMPDIR/err2" && false
  [ "$(wc -l <"$BATS_TEST_TMPDIR/err2")" -eq 1 ]
  # warnings stay in the log only
  sleeper w1 start
  "$HULL" --root "$HULL_TEST_ROOT" --log "$log" update --kernel-memory 1m w1 2>"$BATS_TEST_TMPDIR/err3"
  [ ! -s "$BATS_TEST_TMPDIR/err3" ]
}

@test "runc's flag spellings: --criu, update --cpu-share, Intel RDT flags refused by name" {
  sleeper u1 start
  "$HULL" --criu /usr/sbin/criu --root "$HULL_TEST_ROOT" update --cpu-share 256 u1
  cg=/hull-test/$(cat "$B/.cgname")
  [ "$(cat /sys/fs/cgroup/cpu$cg/cpu.shares)" = 256 ]
  # sizes as runc reads them
  hull update --memory 64MiB u1
  [ "$(cat /sys/fs/cgroup/memory$cg/memory.limit_in_bytes)" = 67108864 ]
  hull update --memory 0.5g u1
  [ "$(cat /sys/fs/cgroup/memory$cg/memory.limit_in_bytes)" = 536870912 ]
  run hull update --memory 1.5x u1
  [ "$status" -eq 1 ]
  [[ "$output" == *'--memory: invalid size "1.5x"'* ]]
  run hull update --l3-cache-schema L3:0=f u1
  [ "$status" -eq 1 ]
  [[ "$output" == *"--l3-cache-schema: Intel RDT is not supported"* ]]
  run hull update --mem-bw-schema MB:0=20 u1
  [ "$status" -eq 1 ]
  [[ "$output" == *"--mem-bw-schema: Intel RDT is not supported"* ]]
}

@test "events --stats: per-CPU kernel and user times as runc (cgroup v1)" {
  [ -e /sys/fs/cgroup/cpuacct/cpuacct.usage_percpu_sys ] || skip "no cpuacct.usage_percpu_sys"
  sleeper v1 start
  run hull events --stats v1
  [ "$status" -eq 0 ]
  echo "$output" | jq -e '.data.cpu.usage | (.percpu | length) >= 1
    and (.percpu_kernel | length) == (.percpu | length) and (.percpu_user | length) == (.percpu | length)'
}

@test "a paused container: kill KILL, kill --all KILL and delete --force kill it, no cgroup left" {
  update_config "$B" '.process.args = ["sleep", "600"]'
  cg=/hull-test/$(cat "$B/.cgname")
  for how in kill kill-all delete; do
    hull run -d --bundle "$B" "p-$how" </dev/null >/dev/null 2>&1
    pid=$(hull state "p-$how" | jq -r .pid)
    hull pause "p-$how"
    [ "$(status_of "p-$how")" = paused ]
    # another signal waits for resume: the pause holds
    hull kill "p-$how" TERM
    [ "$(status_of "p-$how")" = paused ]
    case $how in
      kill) hull kill "p-$how" KILL; wait_status "p-$how" stopped; hull delete "p-$how" ;;
      kill-all) hull kill --all "p-$how" KILL; wait_status "p-$how" stopped; hull delete "p-$how" ;;
      delete) hull delete --force "p-$how" ;;
    esac
    # gone, or a zombie the host's init has not reaped yet
    for i in $(seq 50); do
      [ -e "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null || break
      sleep 0.1
    done
    [ ! -e "/proc/$pid" ] || grep -q '^State:.*Z' "/proc/$pid/status"
    for c in /sys/fs/cgroup/*"$cg"; do [ ! -d "$c" ]; done
  done
}
