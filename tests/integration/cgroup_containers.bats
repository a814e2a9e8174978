#!/usr/bin/env bats
# Real containers with cgroup v1 on this hybrid host (where crun refuses
# to run): limits from config.json land in every hierarchy, pause/resume,
# kill --all, update, events --stats and delete work through hull itself.
load helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

setup() {
  require_root
  [ "$(stat -fc %T /sys/fs/cgroup)" = tmpfs ] || skip "not a cgroup v1 host"
  B=$BATS_TEST_TMPDIR/b
  make_bundle "$B"
  NAME=$(cat "$B/.cgname")
  CTR=c-$NAME
}

teardown() {
  hull kill --all "$CTR" KILL >/dev/null 2>&1 || true
  hull delete --force "$CTR" >/dev/null 2>&1 || true
  remove_test_cgroups "$B"
}

cgf() { cat "/sys/fs/cgroup/$1/hull-test/$NAME/$2"; }
status_of() { hull state "$CTR" | jq -r .status; }
wait_status() {
  for _ in $(seq 100); do [ "$(status_of)" = "$1" ] && return 0; sleep 0.1; done
  return 1
}

@test "cgroup containers (v1): resources from config.json land in every hierarchy" {
  update_config "$B" '.process.args = ["sleep", "1000"] | del(.linux.namespaces[] | select(.type == "network"))
    | .linux.resources += {"memory": {"limit": 67108864, "reservation": 33554432},
      "cpu": {"shares": 512, "quota": 20000, "period": 100000, "cpus": "0"}, "pids": {"limit": 42}}'
  hull create --bundle "$B" "$CTR"
  [ "$(cgf memory memory.limit_in_bytes)" = 67108864 ]
  [ "$(cgf memory memory.soft_limit_in_bytes)" = 33554432 ]
  [ "$(cgf cpu cpu.shares)" = 512 ]
  [ "$(cgf cpu cpu.cfs_quota_us)" = 20000 ]
  [ "$(cgf cpuset cpuset.cpus)" = 0 ]
  [ "$(cgf pids pids.max)" = 42 ]
  grep -qx "c 1:3 rwm" /sys/fs/cgroup/devices/hull-test/$NAME/devices.list
  # the init process is in all of them before it runs
  pid=$(hull state "$CTR" | jq .pid)
  for h in memory cpu pids devices freezer; do
    grep -q ":$h:/hull-test/$NAME\$" /proc/$pid/cgroup
  done
}

@test "cgroup containers (v1): pause, resume, kill --all, delete leaves no cgroup" {
  update_config "$B" '.process.args = ["sh", "-c", "sleep 1000 & sleep 1000"] | del(.linux.namespaces[] | select(.type == "network"))'
  hull create --bundle "$B" "$CTR"
  hull start "$CTR"
  hull pause "$CTR"
  [ "$(cgf freezer freezer.state)" = FROZEN ]
  [ "$(status_of)" = paused ]
  hull resume "$CTR"
  [ "$(cgf freezer freezer.state)" = THAWED ]
  [ "$(status_of)" = running ]
  hull kill --all "$CTR" KILL
  wait_status stopped
  [ -z "$(cgf pids cgroup.procs)" ]
  hull delete "$CTR"
  run ls -d /sys/fs/cgroup/*/hull-test/$NAME
  [ "$status" -ne 0 ]
}

@test "cgroup containers (v1): update changes the limits of a running container, events --stats sees them" {
  update_config "$B" '.process.args = ["sleep", "1000"] | del(.linux.namespaces[] | select(.type == "network"))
    | .linux.resources += {"memory": {"limit": 67108864}, "pids": {"limit": 50}}'
  hull create --bundle "$B" "$CTR"
  hull start "$CTR"
  echo '{"memory": {"limit": 100663296}, "pids": {"limit": 25}}' >"$BATS_TEST_TMPDIR/res.json"
  hull update --resources "$BATS_TEST_TMPDIR/res.json" "$CTR"
  [ "$(cgf memory memory.limit_in_bytes)" = 100663296 ]
  [ "$(cgf pids pids.max)" = 25 ]
  run hull events --stats "$CTR"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -r .type)" = stats ]
  [ "$(echo "$output" | jq .data.pids.current)" = 1 ]
  [ "$(echo "$output" | jq .data.pids.limit)" = 25 ]
  [ "$(echo "$output" | jq .data.memory.usage.limit)" = 100663296 ]
}

@test "cgroup containers (v1): a memory hog is OOM-killed" {
  update_config "$B" '.process.args = ["sh", "-c", "x=$(head -c 200000000 /dev/zero | tr \"\\0\" a); echo survived"]
    | del(.linux.namespaces[] | select(.type == "network"))
    | .linux.resources += {"memory": {"limit": 33554432, "swap": 33554432}}'
  hull create --bundle "$B" "$CTR"
  hull start "$CTR"
  wait_status stopped
  grep -qx "oom_kill [1-9][0-9]*" /sys/fs/cgroup/memory/hull-test/$NAME/memory.oom_control
}

# The shim makes its namespaces on another CPU than hull's while hull makes
# the cgroup (runtime/create.c: spread_cpu), then takes every CPU back
# before the cpuset join: what the process may run on is its cpuset, as
# without that, whether hull spread or not.
@test "cgroup containers (v1): the process may run on its cpuset's CPUs, all of them" {
  [ "$(nproc)" -ge 2 ] || skip "one CPU"
  update_config "$B" '.process.args = ["sh", "-c", "grep Cpus_allowed_list /proc/self/status"]'
  for _ in 1 2 3 4 5; do
    run hull run --bundle "$B" "$CTR"
    [ "$status" -eq 0 ]
    [ "$(echo "$output" | awk '{print $2}')" = "$(cat /sys/fs/cgroup/cpuset/hull-test/cpuset.cpus)" ]
  done
  update_config "$B" '.linux.resources.cpu.cpus = "1"'
  run hull run --bundle "$B" "$CTR"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | awk '{print $2}')" = 1 ]
  # started from a narrower affinity (no spreading then): the cpuset's
  # CPUs within it, as the kernel makes it on joining
  update_config "$B" 'del(.linux.resources.cpu.cpus)'
  run taskset -c 0 "$HULL" --root "$HULL_TEST_ROOT" run --bundle "$B" "$CTR"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | awk '{print $2}')" = 0 ]
}
