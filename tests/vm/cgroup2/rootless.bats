#!/usr/bin/env bats
# Rootless hull on a pure cgroup v2 host with a delegated subtree (runs in
# the VM, tests/vm/run.sh): the test user owns DELEG (as systemd's
# Delegate=yes gives a user), its "login" runs in DELEG/login, and hull
# makes the container's cgroup DELEG/ctr where the limits apply.
load ../../integration/helpers
load ../../integration/rootless_helpers

setup_file() {
  common_setup_file
  rl_setup_file
  export DELEG=/sys/fs/cgroup/hull-test/rl-deleg-$$
  mkdir -p /sys/fs/cgroup/hull-test
  echo "+memory +pids" >/sys/fs/cgroup/hull-test/cgroup.subtree_control
  mkdir "$DELEG" "$DELEG/login"
  # The delegation point: the directory and the files systemd hands over.
  chown "$RL_UID:$RL_GID" "$DELEG" "$DELEG"/cgroup.{procs,subtree_control,threads} \
    "$DELEG/login" "$DELEG/login/cgroup.procs"
}

teardown_file() {
  rl_teardown_file
  rmdir "$DELEG/ctr" "$DELEG/login" "$DELEG" 2>/dev/null || true
  common_teardown_file
}

@test "rootless, delegated cgroup v2: limits apply, ps, exec, pause/resume, delete removes the cgroup" {
  export RL_CGROUP=$DELEG/login
  b=$(rl_make_bundle deleg)
  rl_update_config "$b" '.linux.cgroupsPath = $cg |
    .linux.resources = {memory: {limit: 33554432}, pids: {limit: 32}} |
    .process.args = ["sleep", "600"]' --arg cg "${DELEG#/sys/fs/cgroup}/ctr"
  rc=0
  rl_hull run --detach --bundle "$b" rl-deleg </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/err" || rc=$?
  cat "$BATS_TEST_TMPDIR/err"
  [ "$rc" -eq 0 ]
  ! grep -q warning "$BATS_TEST_TMPDIR/err"
  rl_wait_status rl-deleg running
  pid=$(rl_hull state rl-deleg | jq -r .pid)
  [ "$(stat -c %u "$DELEG/ctr")" = "$RL_UID" ]
  [ "$(cat "$DELEG/ctr/memory.max")" = 33554432 ]
  [ "$(cat "$DELEG/ctr/pids.max")" = 32 ]
  grep -qx "$pid" "$DELEG/ctr/cgroup.procs"
  run rl_hull ps --format json rl-deleg
  [ "$status" -eq 0 ]
  [ "$(jq -r "index($pid)" <<<"$output")" != null ]
  # Inside: its own cgroup at the cgroupns root, read-only as the config
  # (hull spec --rootless) says.
  run rl_hull exec rl-deleg sh -c 'cat /sys/fs/cgroup/memory.max; echo 1 >/sys/fs/cgroup/pids.max'
  echo "$output"
  [ "${lines[0]}" = 33554432 ]
  [[ "$output" == *"Read-only file system"* ]]
  [ "$(cat "$DELEG/ctr/pids.max")" = 32 ]
  rl_hull pause rl-deleg
  [ "$(rl_hull state rl-deleg | jq -r .status)" = paused ]
  [ "$(cat "$DELEG/ctr/cgroup.freeze")" = 1 ]
  rl_hull resume rl-deleg
  [ "$(rl_hull state rl-deleg | jq -r .status)" = running ]
  rl_hull kill rl-deleg KILL
  rl_wait_status rl-deleg stopped
  rl_hull delete rl-deleg
  [ ! -e "$DELEG/ctr" ]
}

@test "rootless, cgroup v2 not delegated: limits asked for are a warning, the container runs" {
  b=$(rl_make_bundle nodeleg)
  rl_update_config "$b" '.linux.resources = {pids: {limit: 32}} |
    .process.args = ["sh", "-c", "echo ran"]'
  run rl_hull run --bundle "$b" rl-nodeleg
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"warning: rootless: cgroup "*"not applied"* ]]
  [ "${lines[-1]}" = ran ]
}
