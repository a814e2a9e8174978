#!/usr/bin/env bats
# Rootless --systemd-cgroup through a user's own systemd (systemd --user,
# started here as a service of the VM's systemd with Delegate=yes, as
# user@.service is): the container is a scope of the user manager in its
# user.slice, limits and removal as for root. hull runs from a cgroup in
# the user's delegated tree (a login session would be in one the user
# manager can move processes out of).
load ../../integration/helpers
load ../../integration/rootless_helpers

setup_file() {
  common_setup_file
  rl_setup_file
  [ -S /run/systemd/private ] || skip "no systemd here"
  export UM=hull-test-user-$$.service
  mkdir -p /run/systemd/system
  cat >/run/systemd/system/$UM <<UNIT
[Service]
User=$RL_UID
Group=$RL_GID
Environment=XDG_RUNTIME_DIR=$RL_DIR/run
ExecStart=/lib/systemd/systemd --user
Delegate=yes
Type=notify
UNIT
  systemctl daemon-reload
  systemctl start "$UM"
  for _ in $(seq 100); do [ -S "$RL_DIR/run/systemd/private" ] && break; sleep 0.1; done
  export UMCG=/sys/fs/cgroup/system.slice/$UM
  rl_run mkdir "$UMCG/login"
}

teardown_file() {
  rl_teardown_file
  systemctl stop "$UM" 2>/dev/null
  rm -f "/run/systemd/system/$UM"
  systemctl daemon-reload
  common_teardown_file
}

@test "systemd user manager: a rootless container is a scope in the user's user.slice" {
  [ -S "$RL_DIR/run/systemd/private" ] || { systemctl status "$UM"; false; }
  export RL_CGROUP=$UMCG/login
  b=$(rl_make_bundle sdu)
  rl_update_config "$b" '.linux.cgroupsPath = "" |
    .linux.resources = {memory: {limit: 33554432}, pids: {limit: 32}} |
    .process.args = ["sleep", "600"]'
  rc=0
  rl_hull --systemd-cgroup run --detach --bundle "$b" sdu </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/err" || rc=$?
  cat "$BATS_TEST_TMPDIR/err"
  [ "$rc" -eq 0 ]
  pid=$(rl_hull state sdu | jq -r .pid)
  scope=$UMCG/user.slice/hull-sdu.scope
  grep -qx "0::${scope#/sys/fs/cgroup}" /proc/$pid/cgroup
  [ "$(cat "$scope/memory.max")" = 33554432 ]
  [ "$(cat "$scope/pids.max")" = 32 ]
  run rl_run systemctl --user show -P MemoryMax hull-sdu.scope
  [ "$output" = 33554432 ]
  rl_hull --systemd-cgroup update --pids-limit 40 sdu
  [ "$(cat "$scope/pids.max")" = 40 ]
  rl_hull --systemd-cgroup delete --force sdu
  [ ! -e "$scope" ]
  run rl_run systemctl --user show -P LoadState hull-sdu.scope
  [ "$output" = not-found ]
}
