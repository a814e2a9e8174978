#!/usr/bin/env bats
# cgroup v2 backend on a pure cgroup v2 kernel, through the backend's test
# driver (cgroup_driver, next to HULL_BINARY in a build tree, or
# CG_DRIVER): every resource written and read back from cgroupfs, and the
# limits seen to bite. Skips when the driver or cgroup2 is missing.
load ../../integration/cgroup2_helpers

setup() {
  cg2_setup
  [ -n "$CG_DRIVER" ] && [ -x "$CG_DRIVER" ] || skip "cgroup_driver not shipped (set CG_DRIVER)"
  ST=$BATS_TEST_TMPDIR/state
}
teardown() { cg2_teardown; }

drv() { "$CG_DRIVER" "$@"; }

@test "cg2 backend: detection says v2" {
  run drv detect
  [ "$status" -eq 0 ]
  [ "$output" = v2 ]
}

@test "cg2 backend: create enables controllers down the path, destroy removes the leaf" {
  run drv create "$ST" "$CG"
  [ "$status" -eq 0 ]
  [ -d "$CGDIR" ]
  for c in $(cat /sys/fs/cgroup/cgroup.controllers); do
    grep -qw "$c" /sys/fs/cgroup/hull-test/cgroup.subtree_control
    grep -qw "$c" "$CGDIR/cgroup.controllers"
  done
  run drv destroy "$ST"
  [ "$status" -eq 0 ]
  [ ! -d "$CGDIR" ]
  [ -d /sys/fs/cgroup/hull-test ]
}

@test "cg2 backend: memory resources read back (max, low, swap = swap - limit)" {
  require_controller memory
  run drv create "$ST" "$CG" --memory 67108864 --reservation 33554432 --swap 100663296
  [ "$status" -eq 0 ]
  [ "$(cat $CGDIR/memory.max)" = 67108864 ]
  [ "$(cat $CGDIR/memory.low)" = 33554432 ]
  if [ -f $CGDIR/memory.swap.max ]; then
    [ "$(cat $CGDIR/memory.swap.max)" = 33554432 ]
  fi
  run drv apply "$ST" --update --memory -1
  [ "$status" -eq 0 ]
  [ "$(cat $CGDIR/memory.max)" = max ]
}

@test "cg2 backend: cpu weight from shares, cpu.max, cpuset read back" {
  require_controller cpu
  run drv create "$ST" "$CG" --shares 1024 --quota 50000 --period 100000
  [ "$status" -eq 0 ]
  [ "$(cat $CGDIR/cpu.weight)" = 100 ]
  [ "$(cat $CGDIR/cpu.max)" = "50000 100000" ]
  drv apply "$ST" --update --shares 2 --quota -1 --period 200000
  [ "$(cat $CGDIR/cpu.weight)" = 1 ]
  [ "$(cat $CGDIR/cpu.max)" = "max 200000" ]
  if grep -qw cpuset /sys/fs/cgroup/cgroup.controllers; then
    drv apply "$ST" --update --cpus 0 --mems 0
    [ "$(cat $CGDIR/cpuset.cpus)" = 0 ]
    [ "$(cat $CGDIR/cpuset.mems)" = 0 ]
  fi
}

@test "cg2 backend: cpu burst and idle, hugetlb limits read back" {
  require_controller cpu
  drv create "$ST" "$CG" --quota 50000 --period 100000 --burst 10000
  [ "$(cat $CGDIR/cpu.max.burst)" = 10000 ]
  if [ -f $CGDIR/cpu.idle ]; then
    drv apply "$ST" --update --idle 1
    [ "$(cat $CGDIR/cpu.idle)" = 1 ]
  fi
  if grep -qw hugetlb /sys/fs/cgroup/cgroup.controllers && [ -f $CGDIR/hugetlb.2MB.max ]; then
    drv apply "$ST" --update --hugetlb 2MB:4194304
    [ "$(cat $CGDIR/hugetlb.2MB.max)" = 4194304 ]
  fi
  run drv apply "$ST" --update --hugetlb 2MB/../x:1
  [ "$status" -ne 0 ]
  [[ "$output" == *pageSize* ]]
}

@test "cg2 backend: io weight converted (or bfq as is)" {
  require_controller io
  drv create "$ST" "$CG" --blkio-weight 500
  if [ -f $CGDIR/io.bfq.weight ]; then
    grep -q "500" $CGDIR/io.bfq.weight
  else
    grep -q "default 4950" $CGDIR/io.weight
  fi
}

@test "cg2 backend: pids.max stops a fork bomb" {
  require_controller pids
  drv create "$ST" "$CG" --pids 8
  [ "$(cat $CGDIR/pids.max)" = 8 ]
  gated "$BATS_TEST_TMPDIR/gate" sh -c 'for i in $(seq 30); do sleep 30 & done; echo started; sleep 30'
  drv enter "$ST" "$GATED"
  release "$BATS_TEST_TMPDIR/gate"
  for _ in $(seq 100); do grep -q started "$BATS_TEST_TMPDIR/out" && break; sleep 0.1; done
  [ "$(cat $CGDIR/pids.current)" -le 8 ]
  [ "$(keyed $CGDIR/pids.events max)" -gt 0 ]
  drv kill "$ST" 9
}

@test "cg2 backend: a memory hog is OOM-killed under memory.max" {
  require_controller memory
  drv create "$ST" "$CG" --memory 33554432 --swap 33554432
  gated "$BATS_TEST_TMPDIR/gate" sh -c 'x=$(head -c 200000000 /dev/zero | tr "\0" a); echo survived'
  drv enter "$ST" "$GATED"
  release "$BATS_TEST_TMPDIR/gate"
  wait "$GATED" || true
  ! grep -q survived "$BATS_TEST_TMPDIR/out"
  [ "$(keyed $CGDIR/memory.events oom_kill)" -ge 1 ]
  run drv oom "$ST"
  [ "$output" -ge 1 ]
}

@test "cg2 backend: cpu.max throttles a busy loop (nr_throttled moves)" {
  require_controller cpu
  drv create "$ST" "$CG" --quota 10000 --period 100000
  gated "$BATS_TEST_TMPDIR/gate" timeout 2 sh -c 'while :; do :; done'
  drv enter "$ST" "$GATED"
  release "$BATS_TEST_TMPDIR/gate"
  wait "$GATED" || true
  [ "$(keyed $CGDIR/cpu.stat nr_throttled)" -gt 0 ]
  run drv stats "$ST"
  [ "$(json_num "$output" throttledPeriods)" -gt 0 ]
}

@test "cg2 backend: device rules deny open of a denied device, allow an allowed one" {
  drv create "$ST" "$CG" --device allow:c:1:11:r
  mknod "$BATS_TEST_TMPDIR/kmsg" c 1 11
  mknod "$BATS_TEST_TMPDIR/mem" c 1 1
  gated "$BATS_TEST_TMPDIR/gate" sh -c 'cd "$0"; echo x >/dev/null && echo null-ok; dd if=kmsg of=/dev/null bs=8192 count=1 2>/dev/null && echo kmsg-read-ok; true >>kmsg || echo kmsg-write-denied; head -c0 mem || echo mem-denied' "$BATS_TEST_TMPDIR"
  drv enter "$ST" "$GATED"
  release "$BATS_TEST_TMPDIR/gate"
  wait "$GATED" || true
  for w in null-ok kmsg-read-ok kmsg-write-denied mem-denied; do
    grep -qx $w "$BATS_TEST_TMPDIR/out" || { echo "missing $w"; cat "$BATS_TEST_TMPDIR/out"; false; }
  done
}

@test "cg2 backend: a device program without the defaults denies mknod" {
  mkdir -p "$CGDIR"
  run drv devprog "$CGDIR" --device deny:a:-1:-1:rwm --device allow:c:1:3:rwm
  [ "$status" -eq 0 ]
  gated "$BATS_TEST_TMPDIR/gate" sh -c 'mknod "$0/z" c 1 5 || echo mknod-denied; echo x >/dev/null && echo null-ok' "$BATS_TEST_TMPDIR"
  echo "$GATED" >"$CGDIR/cgroup.procs"
  release "$BATS_TEST_TMPDIR/gate"
  wait "$GATED" || true
  grep -qx mknod-denied "$BATS_TEST_TMPDIR/out"
  grep -qx null-ok "$BATS_TEST_TMPDIR/out"
}

@test "cg2 backend: freeze and thaw wait for cgroup.events" {
  drv create "$ST" "$CG"
  sleep 60 3>&- &
  PIDS_TO_KILL=$!
  drv enter "$ST" $!
  drv freeze "$ST"
  [ "$(keyed $CGDIR/cgroup.events frozen)" = 1 ]
  drv thaw "$ST"
  [ "$(keyed $CGDIR/cgroup.events frozen)" = 0 ]
}

@test "cg2 backend: kill --all with cgroup.kill, then destroy leaves nothing" {
  drv create "$ST" "$CG"
  for i in 1 2 3; do
    sleep 60 3>&- &
    PIDS_TO_KILL="$PIDS_TO_KILL $!"
    drv enter "$ST" $!
  done
  drv kill "$ST" 9
  for p in $PIDS_TO_KILL; do
    s=0
    wait "$p" || s=$?
    [ "$s" -eq 137 ]
  done
  drv destroy "$ST"
  [ ! -d "$CGDIR" ]
}

@test "cg2 backend: a failed update keeps the old limits" {
  require_controller pids
  require_controller memory
  drv create "$ST" "$CG" --memory 67108864 --pids 20
  run drv apply "$ST" --update --memory 33554432 --pids 10 --unified pids.max=bogus
  [ "$status" -ne 0 ]
  [ "$(cat $CGDIR/memory.max)" = 67108864 ]
  [ "$(cat $CGDIR/pids.max)" = 20 ]
}

@test "cg2 backend: stats carry live numbers" {
  require_controller memory
  require_controller pids
  drv create "$ST" "$CG" --memory 67108864 --pids 50
  gated "$BATS_TEST_TMPDIR/gate" sleep 60
  drv enter "$ST" "$GATED"
  release "$BATS_TEST_TMPDIR/gate"
  sleep 0.5
  run drv stats "$ST"
  [ "$status" -eq 0 ]
  [ "$(json_num "$output" current)" = 1 ]
  [ "$(json_num "$output" limit)" -gt 0 ]
  [[ "$output" == *'"memory":{'* ]]
  [[ "$output" == *'"limit":67108864'* ]]
}
