#!/usr/bin/env bats
# The systemd cgroup driver on a cgroup v1 host: the VM boots systemd as
# PID 1 with its hybrid layout (systemd.unified_cgroup_hierarchy=0, v1
# controllers under /sys/fs/cgroup). The scope is systemd's in name=systemd
# and the controllers it manages; hull makes the same path in the others,
# the init joins all before it runs; limits land in each; delete leaves
# no unit and no directory in any hierarchy.
load ../systemd-helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

setup() {
  sd_setup sd1
  [ "$(stat -fc %T /sys/fs/cgroup)" = tmpfs ] || { echo "# not a cgroup v1 layout" >&3; return 1; }
  REL=/system.slice/$UNIT
  update_config "$B" '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 42},
                        "cpu": {"shares": 512, "cpus": "0"}}'
}

teardown() { sd_teardown; }

@test "systemd v1: the init is in the scope in every hierarchy, limits in each, delete leaves nothing" {
  sdhull create --bundle "$B" "$ID"
  pid=$(hull state "$ID" | jq -r .pid)
  [ "$(prop "$UNIT" ActiveState)" = active ]
  # every v1 hierarchy of the init: the scope's path
  run awk -F: '$2 != "" { print $2 " " $3 }' /proc/$pid/cgroup
  echo "$output"
  [ "${#lines[@]}" -gt 3 ]
  for l in "${lines[@]}"; do [ "${l#* }" = "$REL" ]; done
  [ "$(cat /sys/fs/cgroup/memory$REL/memory.limit_in_bytes)" = 67108864 ]
  [ "$(cat /sys/fs/cgroup/pids$REL/pids.max)" = 42 ]
  [ "$(cat /sys/fs/cgroup/cpu$REL/cpu.shares)" = 512 ]
  [ "$(cat /sys/fs/cgroup/cpuset$REL/cpuset.cpus)" = 0 ]
  [ "$(prop "$UNIT" MemoryMax)" = 67108864 ]
  [ "$(prop "$UNIT" TasksMax)" = 42 ]
  sdhull start "$ID"
  sdhull update --memory 128m --pids-limit 50 "$ID"
  [ "$(cat /sys/fs/cgroup/memory$REL/memory.limit_in_bytes)" = 134217728 ]
  [ "$(cat /sys/fs/cgroup/pids$REL/pids.max)" = 50 ]
  [ "$(prop "$UNIT" TasksMax)" = 50 ]
  sdhull pause "$ID"
  [ "$(status_of "$ID")" = paused ]
  sdhull resume "$ID"
  run sdhull exec "$ID" cat /proc/self/cgroup
  [ "$status" -eq 0 ]
  sdhull delete --force "$ID"
  [ "$(prop "$UNIT" LoadState)" = not-found ]
  run ls -d /sys/fs/cgroup/*$REL
  [ "$status" -ne 0 ]
}
