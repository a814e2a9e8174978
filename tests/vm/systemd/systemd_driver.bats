#!/usr/bin/env bats
# The systemd cgroup driver (--systemd-cgroup) against a real systemd:
# tests/vm/run.sh boots the VM with systemd 252 as PID 1 on pure cgroup v2
# (tests/vm/systemd-image.sh) and runs these from a oneshot unit. Each
# container is a transient scope; limits must show in `systemctl show`
# and in cgroupfs; nothing (unit, cgroup, state) may be left behind.
load ../systemd-helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

setup() {
  sd_setup sd
  SCOPE=/sys/fs/cgroup/system.slice/$UNIT
}
teardown() { sd_teardown hulltest.slice "-$NAME.scope"; }

@test "systemd: create puts the init in a delegated transient scope before it runs" {
  sdhull create --bundle "$B" "$ID"
  [ "$(prop "$UNIT" ActiveState)" = active ]
  [ "$(prop "$UNIT" Delegate)" = yes ]
  [ "$(prop "$UNIT" Slice)" = system.slice ]
  [ "$(prop "$UNIT" DefaultDependencies)" = no ]
  [ "$(prop "$UNIT" MemoryAccounting)" = yes ]
  [ "$(prop "$UNIT" TasksAccounting)" = yes ]
  pid=$(init_pid "$ID")
  [ "$(prop "$UNIT" MainPID)" = "$pid" ] || grep -qx "$pid" "$SCOPE/cgroup.procs"
  grep -qx "0::/system.slice/$UNIT" /proc/$pid/cgroup
  hull state "$ID" | jq -e '.status == "created"'
  jq -e '.cgroupManager == "systemd"' "$HULL_TEST_ROOT/$ID/state.json"
  grep -q "$UNIT" "$HULL_TEST_ROOT/$ID/state.json"
  sdhull start "$ID"
  wait_status "$ID" running
  sdhull delete --force "$ID"
  gone "$UNIT" "$SCOPE"
}

@test "systemd: limits in systemctl show and in cgroupfs; update changes both, daemon-reload keeps them" {
  update_config "$B" '.linux.resources = {"memory": {"limit": 67108864, "reservation": 33554432},
    "cpu": {"shares": 1024, "quota": 50000, "period": 100000}, "pids": {"limit": 42}}'
  sdhull run -d --bundle "$B" "$ID"
  [ "$(prop "$UNIT" MemoryMax)" = 67108864 ]
  [ "$(prop "$UNIT" MemoryLow)" = 33554432 ]
  [ "$(prop "$UNIT" TasksMax)" = 42 ]
  [ "$(prop "$UNIT" CPUQuotaPerSecUSec)" = 500ms ]
  [ "$(prop "$UNIT" CPUWeight)" = 100 ]
  [ "$(cat "$SCOPE/memory.max")" = 67108864 ]
  [ "$(cat "$SCOPE/memory.low")" = 33554432 ]
  [ "$(cat "$SCOPE/pids.max")" = 42 ]
  [ "$(cat "$SCOPE/cpu.max")" = "50000 100000" ]
  [ "$(cat "$SCOPE/cpu.weight")" = 100 ]
  sdhull update --memory 128m --pids-limit 50 --cpu-quota 20000 "$ID"
  [ "$(prop "$UNIT" MemoryMax)" = 134217728 ]
  [ "$(prop "$UNIT" TasksMax)" = 50 ]
  [ "$(prop "$UNIT" CPUQuotaPerSecUSec)" = 200ms ]
  [ "$(cat "$SCOPE/memory.max")" = 134217728 ]
  [ "$(cat "$SCOPE/pids.max")" = 50 ]
  [ "$(cat "$SCOPE/cpu.max")" = "20000 100000" ]
  systemctl daemon-reload
  [ "$(cat "$SCOPE/memory.max")" = 134217728 ]
  [ "$(cat "$SCOPE/pids.max")" = 50 ]
  [ "$(prop "$UNIT" MemoryMax)" = 134217728 ]
}

@test "systemd: exec, ps, pause/resume, events --stats and kill work on the scope" {
  sdhull run -d --bundle "$B" "$ID"
  run sdhull exec "$ID" sh -c 'echo hi; sleep 0'
  [ "$status" -eq 0 ] && [ "$output" = hi ]
  sdhull exec -d "$ID" sleep 500
  run sdhull ps "$ID"
  [ "$status" -eq 0 ]
  [ "$(grep -c sleep <<<"$output")" -eq 2 ]
  [ "$(wc -l <"$SCOPE/cgroup.procs")" -eq 2 ]
  sdhull pause "$ID"
  [ "$(status_of "$ID")" = paused ]
  [ "$(cat "$SCOPE/cgroup.freeze")" = 1 ]
  sdhull resume "$ID"
  [ "$(status_of "$ID")" = running ]
  run sdhull events --stats "$ID"
  [ "$status" -eq 0 ]
  jq -e '.data.memory.usage.usage > 0 and .data.pids.current == 2' <<<"$output"
  sdhull kill --all "$ID" KILL
  wait_status "$ID" stopped
  sdhull delete "$ID"
  gone "$UNIT" "$SCOPE"
  [ -z "$(hull list -q)" ]
}

@test "systemd: a foreground run exits with the process's status and leaves nothing" {
  update_config "$B" '.process.args = ["sh", "-c", "grep -c . /proc/self/cgroup; exit 7"]'
  run sdhull run --bundle "$B" "$ID"
  [ "$status" -eq 7 ]
  [ "$output" = 1 ]
  # run removes what it made when the process is gone
  [ -z "$(hull list -q)" ]
  gone "$UNIT" "$SCOPE"
}

@test "systemd: empty cgroupsPath is system.slice/hull-ID.scope; nested slices expand" {
  update_config "$B" 'del(.linux.cgroupsPath)'
  sdhull create --bundle "$B" "$ID"
  [ "$(prop "hull-$ID.scope" ActiveState)" = active ]
  [ -d "/sys/fs/cgroup/system.slice/hull-$ID.scope" ]
  sdhull delete --force "$ID"
  gone "hull-$ID.scope" "/sys/fs/cgroup/system.slice/hull-$ID.scope"

  update_config "$B" '.linux.cgroupsPath = $p' --arg p "hulltest-a.slice:hull-test:$NAME"
  sdhull create --bundle "$B" "$ID"
  d=/sys/fs/cgroup/hulltest.slice/hulltest-a.slice/$UNIT
  [ -d "$d" ]
  [ "$(prop "$UNIT" Slice)" = hulltest-a.slice ]
  sdhull delete --force "$ID"
  gone "$UNIT" "$d"
}

@test "systemd: a scope that already exists is a clear error and the first container is untouched" {
  sdhull create --bundle "$B" "$ID"
  run sdhull create --bundle "$B" "$ID-2"
  [ "$status" -ne 0 ]
  [[ "$output" == *"$UNIT already exists"* ]]
  # the second: no state, no shim left waiting; the first's scope holds
  # its init alone
  [ "$(hull list -q)" = "$ID" ]
  [ ! -e "$HULL_TEST_ROOT/$ID-2" ]
  [ -z "$(procs_naming "$ID-2")" ]
  [ "$(cat "$SCOPE/cgroup.procs")" = "$(init_pid "$ID")" ]
  [ "$(prop "$UNIT" ActiveState)" = active ]
  [ "$(status_of "$ID")" = created ]
  sdhull delete --force "$ID"
  gone "$UNIT" "$SCOPE"
}

# nothing_left ID UNIT SLICEDIR: no state dir, no shim, no unit (not even a
# failed one), no cgroup of a create that failed.
nothing_left() {
  [ -z "$(hull list -q)" ]
  [ ! -e "$HULL_TEST_ROOT/$1" ]
  [ -z "$(procs_naming "$1")" ]
  gone "$2" "$3/$2"
}

@test "systemd: a scope in a masked slice: StartTransientUnit refused, naming unit and slice; nothing left" {
  systemctl mask --runtime hulltest-masked.slice
  update_config "$B" '.linux.cgroupsPath = $p' --arg p "hulltest-masked.slice:hull-test:$NAME"
  run sdhull create --bundle "$B" "$ID"
  systemctl unmask --runtime hulltest-masked.slice
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"systemd scope $UNIT in hulltest-masked.slice"*"is masked"* ]]
  nothing_left "$ID" "$UNIT" /sys/fs/cgroup/hulltest.slice/hulltest-masked.slice
}

@test "systemd: a scope whose start job fails (its slice needs a failing service): clear error, nothing left" {
  mkdir -p /run/systemd/system
  printf '[Unit]\nRequires=hulltest-fail.service\nAfter=hulltest-fail.service\n' \
    >/run/systemd/system/hulltest-dep.slice
  printf '[Service]\nType=oneshot\nExecStart=/bin/false\n' >/run/systemd/system/hulltest-fail.service
  systemctl daemon-reload
  update_config "$B" '.linux.cgroupsPath = $p' --arg p "hulltest-dep.slice:hull-test:$NAME"
  run sdhull create --bundle "$B" "$ID"
  rm -f /run/systemd/system/hulltest-dep.slice /run/systemd/system/hulltest-fail.service
  systemctl daemon-reload
  systemctl reset-failed hulltest-fail.service hulltest-dep.slice 2>/dev/null || true
  echo "$output"
  [ "$status" -ne 0 ]
  # the job's result, what it means, the unit and its slice
  [[ "$output" == *"start $UNIT in slice hulltest-dep.slice: systemd job "*' ended with result "dependency"'* ]]
  [[ "$output" == *"did not start"* ]]
  nothing_left "$ID" "$UNIT" /sys/fs/cgroup/hulltest.slice/hulltest-dep.slice
}

@test "systemd: slice::name (no prefix) is the scope -name.scope, as runc and crun name it" {
  update_config "$B" '.linux.cgroupsPath = $p' --arg p "system.slice::$NAME"
  sdhull create --bundle "$B" "$ID"
  [ "$(prop "-$NAME.scope" ActiveState)" = active ]
  grep -qx "0::/system.slice/-$NAME.scope" "/proc/$(init_pid "$ID")/cgroup"
  sdhull delete --force "$ID"
  gone "-$NAME.scope" "/sys/fs/cgroup/system.slice/-$NAME.scope"
}

@test "systemd: a cgroupsPath not slice:prefix:name is refused, naming the form; nothing left" {
  update_config "$B" '.linux.cgroupsPath = "/hull-test/x"'
  run sdhull create --bundle "$B" "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *'"slice:prefix:name"'* ]]
  [ -z "$(hull list -q)" ]
  update_config "$B" '.linux.cgroupsPath = "bad--name.slice:p:n"'
  run sdhull create --bundle "$B" "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *bad--name.slice* ]]
  [ -z "$(hull list -q)" ]
}

@test "systemd: a failed create (bad process) stops its scope" {
  update_config "$B" '.process.args = ["/no/such/binary"]'
  run sdhull run --bundle "$B" "$ID"
  [ "$status" -ne 0 ]
  [ -z "$(hull list -q)" ]
  gone "$UNIT" "$SCOPE"
}

@test "systemd: hull killed mid-create leaves what delete --force removes, scope included" {
  update_config "$B" '.hooks.createRuntime = [{"path": "/bin/sleep", "args": ["sleep", "3"]}]'
  # exec: $! is hull itself, not a subshell around it
  (exec "$HULL" --root "$HULL_TEST_ROOT" --systemd-cgroup create --bundle "$B" "$ID") &
  hpid=$!
  for _ in $(seq 100); do [ "$(prop "$UNIT" ActiveState)" = active ] && break; sleep 0.1; done
  [ "$(prop "$UNIT" ActiveState)" = active ]
  kill -9 "$hpid"
  wait "$hpid" || true
  sdhull delete --force "$ID"
  gone "$UNIT" "$SCOPE"
  [ -z "$(hull list -q)" ]
}

@test "systemd: features report systemd support" {
  hull features | jq -e '.linux.cgroup.systemd == true'
}
