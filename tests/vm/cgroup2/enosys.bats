#!/usr/bin/env bats
# cgroup v2 with clone3 answered by ENOSYS (tests/integration/enosys.c):
# hull falls back to clone(2), which has no CLONE_INTO_CGROUP, so the
# parent writes the shim's pid to cgroup.procs before GO. The shim must be
# in the container's cgroup before it makes the cgroup namespace (whose
# root is where it stands) and before the process runs: limits hold.
# tests/integration/enosys.bats is the v1 side.
load ../../integration/cgroup2_helpers

ENOSYS=$(dirname "$HULL")/tests/integration/enosys

setup() {
  cg2_setup
  require_hull_run
  [ -x "$ENOSYS" ] || skip "no enosys beside hull"
  B=$BATS_TEST_TMPDIR/bundle
}
teardown() { cg2_teardown; }

hull_enosys() { "$ENOSYS" clone3 "$HULL" --root "$CG2_ROOT" "$@"; }

@test "cg2 clone3 ENOSYS: the filter answers clone3 with ENOSYS" {
  "$ENOSYS" clone3 --check
}

@test "cg2 clone3 ENOSYS: the init is in the container's cgroup, the cgroup namespace rooted there" {
  require_controller pids
  bundle "$B" '["sh","-c","cat /proc/self/cgroup >/tmp/cg; sleep 1000"]' '{"pids": {"limit": 20}}'
  # a cgroup namespace of its own: made by the shim after the move
  sed -i 's/"namespaces": \[/"namespaces": [{"type": "cgroup"}, /' "$B/config.json"
  CTR=$NAME
  hull_enosys create --bundle "$B" "$CTR"
  pid=$(hull state "$CTR" | grep -o '"pid": *[0-9]*' | grep -o '[0-9]*$')
  grep -qx "0::$CG" /proc/$pid/cgroup
  grep -qx "$pid" "$CGDIR/cgroup.procs"
  [ "$(cat $CGDIR/pids.max)" = 20 ]
  hull start "$CTR"
  run hull exec "$CTR" cat /proc/self/cgroup
  [ "$status" -eq 0 ]
  [ "$output" = "0::/" ]
  run hull exec "$CTR" cat /tmp/cg
  [ "$output" = "0::/" ]
}

@test "cg2 clone3 ENOSYS: run exits with the process's status" {
  bundle "$B" '["sh","-c","exit 3"]'
  CTR=$NAME
  run hull_enosys run --bundle "$B" "$CTR"
  [ "$status" -eq 3 ]
}

@test "cg2 clone3 ENOSYS: the pids limit bites" {
  require_controller pids
  bundle "$B" '["sh","-c","sleep 1 & sleep 1 & sleep 1 & sleep 1 & wait"]' '{"pids": {"limit": 3}}'
  CTR=$NAME
  run hull_enosys run --bundle "$B" "$CTR"
  echo "$output"
  [[ "$output" == *"can't fork"* || "$output" == *"Resource temporarily unavailable"* ]]
}
