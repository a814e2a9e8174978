#!/usr/bin/env bats
# Real containers under pure cgroup v2: hull create/start/pause/resume/
# kill --all/update/events --stats/delete, limits read back from cgroupfs
# and seen to bite. Skips when cgroup2 is missing or hull cannot run a
# container yet.
load ../../integration/cgroup2_helpers

setup() {
  cg2_setup
  require_hull_run
  B=$BATS_TEST_TMPDIR/bundle
}
teardown() { cg2_teardown; }

@test "cg2 containers: every resource set at create is in cgroupfs" {
  require_controller memory
  require_controller cpu
  require_controller pids
  bundle "$B" '["sleep","1000"]' '{"memory": {"limit": 67108864, "reservation": 33554432},
    "cpu": {"shares": 1024, "quota": 50000, "period": 100000}, "pids": {"limit": 42},
    "unified": {"memory.high": "60000000"}}'
  create_ctr "$B"
  [ "$(cat $CGDIR/memory.max)" = 67108864 ]
  [ "$(cat $CGDIR/memory.low)" = 33554432 ]
  [ "$(cat $CGDIR/memory.high)" = 59998208 ] || [ "$(cat $CGDIR/memory.high)" = 60000000 ]
  [ "$(cat $CGDIR/cpu.weight)" = 100 ]
  [ "$(cat $CGDIR/cpu.max)" = "50000 100000" ]
  [ "$(cat $CGDIR/pids.max)" = 42 ]
  # the init process is in the cgroup before it runs a single instruction
  pid=$(hull state "$CTR" | grep -o '"pid": *[0-9]*' | grep -o '[0-9]*$')
  grep -qx "0::$CG" /proc/$pid/cgroup
}

@test "cg2 containers: a memory hog is OOM-killed" {
  require_controller memory
  bundle "$B" '["sh","-c","x=$(head -c 200000000 /dev/zero | tr \"\\\\0\" a); echo survived"]' \
    '{"memory": {"limit": 33554432, "swap": 33554432}}'
  create_ctr "$B"
  hull start "$CTR"
  wait_status "$CTR" stopped
  [ "$(keyed $CGDIR/memory.events oom_kill)" -ge 1 ]
}

@test "cg2 containers: a fork bomb stops at pids.limit" {
  require_controller pids
  bundle "$B" '["sh","-c","for i in $(seq 50); do sleep 100 & done; sleep 100"]' '{"pids": {"limit": 10}}'
  create_ctr "$B"
  hull start "$CTR"
  for _ in $(seq 50); do [ "$(keyed $CGDIR/pids.events max)" -gt 0 ] && break; sleep 0.1; done
  [ "$(keyed $CGDIR/pids.events max)" -gt 0 ]
  [ "$(cat $CGDIR/pids.current)" -le 10 ]
}

@test "cg2 containers: cpu.max throttles" {
  require_controller cpu
  bundle "$B" '["sh","-c","while :; do :; done"]' '{"cpu": {"quota": 10000, "period": 100000}}'
  create_ctr "$B"
  hull start "$CTR"
  for _ in $(seq 50); do [ "$(keyed $CGDIR/cpu.stat nr_throttled)" -gt 0 ] && break; sleep 0.1; done
  [ "$(keyed $CGDIR/cpu.stat nr_throttled)" -gt 0 ]
}

@test "cg2 containers: device rules deny open of a denied device and allow an allowed one" {
  bundle "$B" '["sh","-c","mknod /tmp/k c 1 11; mknod /tmp/m c 1 1; echo x >/dev/null && echo null-ok; dd if=/tmp/k of=/dev/null bs=8192 count=1 2>/dev/null && echo kmsg-read-ok; true >>/tmp/k || echo kmsg-write-denied; head -c0 /tmp/m || echo mem-denied"]' \
    '{"devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 11, "access": "r"}]}'
  CTR=$NAME
  run "$HULL" --root "$CG2_ROOT" run --bundle "$B" "$CTR"
  echo "$output"
  for w in null-ok kmsg-read-ok kmsg-write-denied mem-denied; do
    [[ "$output" == *$w* ]]
  done
}

@test "cg2 containers: pause and resume freeze and thaw" {
  bundle "$B" '["sleep","1000"]'
  create_ctr "$B"
  hull start "$CTR"
  hull pause "$CTR"
  [ "$(keyed $CGDIR/cgroup.events frozen)" = 1 ]
  [ "$(state_status "$CTR")" = paused ]
  hull resume "$CTR"
  [ "$(keyed $CGDIR/cgroup.events frozen)" = 0 ]
  [ "$(state_status "$CTR")" = running ]
}

@test "cg2 containers: SIGKILL to a paused container thaws it and it dies; other signals wait" {
  bundle "$B" '["sleep","1000"]'
  create_ctr "$B"
  hull start "$CTR"
  hull pause "$CTR"
  hull kill "$CTR" TERM
  [ "$(state_status "$CTR")" = paused ]
  hull kill "$CTR" KILL
  wait_status "$CTR" stopped
  [ "$(keyed $CGDIR/cgroup.events frozen)" = 0 ]
  [ -z "$(cat $CGDIR/cgroup.procs)" ]
}

@test "cg2 containers: kill --all stops every process" {
  bundle "$B" '["sh","-c","sleep 1000 & sleep 1000 & sleep 1000"]'
  create_ctr "$B"
  hull start "$CTR"
  for _ in $(seq 50); do [ "$(wc -l <$CGDIR/cgroup.procs)" -ge 3 ] && break; sleep 0.1; done
  hull kill --all "$CTR" KILL
  wait_status "$CTR" stopped
  [ -z "$(cat $CGDIR/cgroup.procs)" ]
}

@test "cg2 containers: update changes the limits of a running container" {
  require_controller memory
  require_controller pids
  bundle "$B" '["sleep","1000"]' '{"memory": {"limit": 67108864}, "pids": {"limit": 50}}'
  create_ctr "$B"
  hull start "$CTR"
  echo '{"memory": {"limit": 100663296}, "pids": {"limit": 25}, "cpu": {"quota": 20000, "period": 100000}}' >"$BATS_TEST_TMPDIR/res.json"
  hull update --resources "$BATS_TEST_TMPDIR/res.json" "$CTR"
  [ "$(cat $CGDIR/memory.max)" = 100663296 ]
  [ "$(cat $CGDIR/pids.max)" = 25 ]
  if [ -f $CGDIR/cpu.max ]; then [ "$(cat $CGDIR/cpu.max)" = "20000 100000" ]; fi
}

@test "cg2 containers: events --stats shows live numbers" {
  require_controller pids
  require_controller memory
  bundle "$B" '["sh","-c","sleep 1000 & sleep 1000 & wait"]' '{"pids": {"limit": 50}}'
  create_ctr "$B"
  hull start "$CTR"
  for _ in $(seq 50); do [ "$(cat $CGDIR/pids.current)" -ge 3 ] && break; sleep 0.1; done
  run hull events --stats "$CTR"
  [ "$status" -eq 0 ]
  echo "$output"
  [ "$(echo "$output" | jq -r .type)" = stats ]
  [ "$(echo "$output" | jq .data.pids.current)" -ge 3 ]
  [ "$(echo "$output" | jq .data.pids.limit)" = 50 ]
  [ "$(echo "$output" | jq .data.memory.usage.usage)" -gt 0 ]
  [ "$(echo "$output" | jq .data.cpu.usage.total)" -gt 0 ]
}

@test "cg2 containers: delete leaves no cgroup" {
  bundle "$B" '["sleep","1000"]'
  create_ctr "$B"
  hull start "$CTR"
  [ -d "$CGDIR" ]
  hull kill "$CTR" KILL
  wait_status "$CTR" stopped
  hull delete "$CTR"
  CTR=
  [ ! -d "$CGDIR" ]
}
