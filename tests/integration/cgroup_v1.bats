#!/usr/bin/env bats
# cgroup v1 backend on this (hybrid) host, driven through the backend's
# own test driver: real cgroups under /hull-test/<unique>, real processes
# moved in, limits read back from cgroupfs and seen to bite. Every test
# removes what it made (teardown).
load helpers

DRIVER=${HULL_BUILDDIR:-.}/tests/integration/cgroup_driver

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

setup() {
  require_root
  [ "$(stat -fc %T /sys/fs/cgroup)" = tmpfs ] || skip "not a cgroup v1 host"
  NAME=cgv1-$$-$RANDOM
  CG=/hull-test/$NAME
  ST=$BATS_TEST_TMPDIR/state
  PIDS_TO_KILL=""
}

teardown() {
  local p
  for p in $PIDS_TO_KILL; do kill -9 "$p" 2>/dev/null || true; done
  for p in $PIDS_TO_KILL; do wait "$p" 2>/dev/null || true; done
  # what the processes forked dies too, so the cgroups can go
  [ -f "$ST" ] && "$DRIVER" kill "$ST" 9 2>/dev/null
  [ -f "$ST" ] && "$DRIVER" destroy "$ST" || true
  [ -n "${PARENT_ST:-}" ] && [ -f "$PARENT_ST" ] && "$DRIVER" destroy "$PARENT_ST" || true
  [ -n "${UNIFIED_DIR:-}" ] && rmdir "$UNIFIED_DIR" 2>/dev/null || true
  for c in /sys/fs/cgroup/*/hull-test/"$NAME"; do [ -d "$c" ] && rmdir "$c" 2>/dev/null; done
  return 0
}


dir_of() { awk -v c="$1" '$2 ~ "(^|,)"c"(,|$)" { print $3 }' "$ST"; }

@test "v1: detection reports v1 on this hybrid host (unified mount ignored)" {
  run "$DRIVER" detect
  [ "$status" -eq 0 ]
  [ "$output" = v1 ]
}

@test "v1: create makes the cgroup in every hierarchy, destroy removes exactly those" {
  run "$DRIVER" create "$ST" "$CG"
  [ "$status" -eq 0 ]
  for h in cpu cpuacct cpuset memory devices freezer blkio pids systemd; do
    [ -d /sys/fs/cgroup/$h/hull-test/$NAME ]
  done
  grep -q "^1 name=systemd /sys/fs/cgroup/systemd/hull-test/$NAME\$" "$ST"
  # a new cpuset got its parent's cpus and mems, or nothing could join it
  [ "$(cat /sys/fs/cgroup/cpuset/hull-test/$NAME/cpuset.cpus)" = "$(cat /sys/fs/cgroup/cpuset/hull-test/cpuset.cpus)" ]
  [ -n "$(cat /sys/fs/cgroup/cpuset/hull-test/$NAME/cpuset.mems)" ]
  run "$DRIVER" destroy "$ST"
  [ "$status" -eq 0 ]
  run ls -d /sys/fs/cgroup/*/hull-test/$NAME
  [ "$status" -ne 0 ]
  # the shared parent stays: other containers use it
  [ -d /sys/fs/cgroup/memory/hull-test ]
}

@test "v1: destroy leaves a pre-existing cgroup alone" {
  mkdir /sys/fs/cgroup/pids/hull-test/$NAME
  run "$DRIVER" create "$ST" "$CG"
  [ "$status" -eq 0 ]
  grep -q "^0 pids " "$ST"
  grep -q "^1 memory " "$ST"
  "$DRIVER" destroy "$ST"
  [ -d /sys/fs/cgroup/pids/hull-test/$NAME ]
  [ ! -d /sys/fs/cgroup/memory/hull-test/$NAME ]
  rmdir /sys/fs/cgroup/pids/hull-test/$NAME
}

@test "v1: memory limit, swap, reservation, swappiness, OOM killer read back" {
  run "$DRIVER" create "$ST" "$CG" --memory 67108864 --swap 134217728 --reservation 33554432 \
    --swappiness 10 --oom-kill-disable --kernel 1000000
  [ "$status" -eq 0 ]
  [[ "$output" == *"memory.kernel is deprecated and ignored"* ]]
  d=$(dir_of memory)
  [ "$(cat $d/memory.limit_in_bytes)" = 67108864 ]
  [ "$(cat $d/memory.memsw.limit_in_bytes)" = 134217728 ]
  [ "$(cat $d/memory.soft_limit_in_bytes)" = 33554432 ]
  [ "$(cat $d/memory.swappiness)" = 10 ]
  grep -qx "oom_kill_disable 1" $d/memory.oom_control
}

@test "v1: memory update raising limit above the old memsw orders the writes" {
  "$DRIVER" create "$ST" "$CG" --memory 33554432 --swap 33554432
  run "$DRIVER" apply "$ST" --update --memory 100663296 --swap 134217728
  [ "$status" -eq 0 ]
  d=$(dir_of memory)
  [ "$(cat $d/memory.limit_in_bytes)" = 100663296 ]
  [ "$(cat $d/memory.memsw.limit_in_bytes)" = 134217728 ]
  run "$DRIVER" apply "$ST" --update --memory 16777216 --swap 16777216
  [ "$status" -eq 0 ]
  [ "$(cat $d/memory.limit_in_bytes)" = 16777216 ]
  [ "$(cat $d/memory.memsw.limit_in_bytes)" = 16777216 ]
}

@test "v1: a memory hog is OOM-killed under the limit and counted" {
  "$DRIVER" create "$ST" "$CG" --memory 33554432 --swap 33554432
  # tail keeps a line that never ends in memory: it grows until killed
  gated "$BATS_TEST_TMPDIR/gate" sh -c 'head -c 200000000 /dev/zero | tail -n 1 >/dev/null'
  "$DRIVER" enter "$ST" "$GATED"
  release "$BATS_TEST_TMPDIR/gate"
  status=0
  wait "$GATED" || status=$?
  [ "$status" -eq 137 ]
  run "$DRIVER" oom "$ST"
  [ "$status" -eq 0 ]
  [ "$output" -ge 1 ]
}

@test "v1: cpu shares, cfs quota/period, burst, cpuset read back" {
  run "$DRIVER" create "$ST" "$CG" --shares 512 --quota 20000 --period 50000 --cpus 0 --mems 0
  [ "$status" -eq 0 ]
  d=$(dir_of cpu)
  [ "$(cat $d/cpu.shares)" = 512 ]
  [ "$(cat $d/cpu.cfs_quota_us)" = 20000 ]
  [ "$(cat $d/cpu.cfs_period_us)" = 50000 ]
  [ "$(cat $(dir_of cpuset)/cpuset.cpus)" = 0 ]
  [ "$(cat $(dir_of cpuset)/cpuset.mems)" = 0 ]
  # a shorter period than the quota allows goes through (quota first)
  run "$DRIVER" apply "$ST" --update --quota 5000 --period 10000
  [ "$status" -eq 0 ]
  [ "$(cat $d/cpu.cfs_quota_us)" = 5000 ]
  [ "$(cat $d/cpu.cfs_period_us)" = 10000 ]
}

@test "v1: cfs burst and cpu.idle read back, pagesize validated" {
  "$DRIVER" create "$ST" "$CG" --quota 50000 --period 100000 --burst 10000 --idle 1
  d=$(dir_of cpu)
  [ "$(cat $d/cpu.cfs_burst_us)" = 10000 ]
  [ "$(cat $d/cpu.idle)" = 1 ]
  run "$DRIVER" apply "$ST" --update --hugetlb 2MB/../x:1
  if [ -d /sys/fs/cgroup/hugetlb ]; then
    [ "$status" -ne 0 ]
  else
    # no hugetlb hierarchy here: a warning, nothing written
    [[ "$output" == *"no hugetlb hierarchy"* ]]
  fi
}

@test "v1: cfs quota throttles a busy loop (nr_throttled moves)" {
  "$DRIVER" create "$ST" "$CG" --quota 10000 --period 100000
  gated "$BATS_TEST_TMPDIR/gate" sh -c 'i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done'
  "$DRIVER" enter "$ST" "$GATED"
  release "$BATS_TEST_TMPDIR/gate"
  wait "$GATED"
  n=$(awk '$1=="nr_throttled" {print $2}' $(dir_of cpu)/cpu.stat)
  [ "$n" -gt 0 ]
  run "$DRIVER" stats "$ST"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq '.cpu.throttling.throttledPeriods')" -gt 0 ]
  [ "$(echo "$output" | jq '.cpu.usage.total')" -gt 0 ]
}

@test "v1: pids limit stops a fork bomb" {
  "$DRIVER" create "$ST" "$CG" --pids 5
  [ "$(cat $(dir_of pids)/pids.max)" = 5 ]
  gated "$BATS_TEST_TMPDIR/gate" sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do sleep 30 & done; echo started; sleep 30'
  "$DRIVER" enter "$ST" "$GATED"
  release "$BATS_TEST_TMPDIR/gate"
  for _ in $(seq 50); do grep -q started "$BATS_TEST_TMPDIR/out" && break; sleep 0.1; done
  grep -qi "fork\|unavailable" "$BATS_TEST_TMPDIR/out"
  [ "$(cat $(dir_of pids)/pids.current)" -le 5 ]
  run "$DRIVER" pids "$ST"
  [ "${#lines[@]}" -le 5 ]
  [ "${#lines[@]}" -ge 2 ]
  "$DRIVER" kill "$ST" 9
}

@test "v1: freeze and thaw" {
  "$DRIVER" create "$ST" "$CG"
  sleep 60 3>&- &
  PIDS_TO_KILL=$!
  "$DRIVER" enter "$ST" $!
  "$DRIVER" freeze "$ST"
  [ "$(cat $(dir_of freezer)/freezer.state)" = FROZEN ]
  [ "$("$DRIVER" frozen "$ST")" = 1 ]
  "$DRIVER" thaw "$ST"
  [ "$(cat $(dir_of freezer)/freezer.state)" = THAWED ]
  [ "$("$DRIVER" frozen "$ST")" = 0 ]
}

@test "v1: kill --all signals every process, then delete leaves no cgroup" {
  "$DRIVER" create "$ST" "$CG"
  for i in 1 2 3; do
    sleep 60 3>&- &
    PIDS_TO_KILL="$PIDS_TO_KILL $!"
    "$DRIVER" enter "$ST" $!
  done
  run "$DRIVER" pids "$ST"
  [ "${#lines[@]}" -eq 3 ]
  "$DRIVER" kill "$ST" 15
  for p in $PIDS_TO_KILL; do
    s=0
    wait "$p" || s=$?
    [ "$s" -eq 143 ]
  done
  run "$DRIVER" pids "$ST"
  [ -z "$output" ]
  # SIGTERM went out while frozen: the cgroup is thawed again afterwards
  [ "$(cat $(dir_of freezer)/freezer.state)" = THAWED ]
  "$DRIVER" destroy "$ST"
  run ls -d /sys/fs/cgroup/*/hull-test/$NAME
  [ "$status" -ne 0 ]
}

@test "v1: device rules: config rules on a deny-all base, runc's defaults after them" {
  "$DRIVER" create "$ST" "$CG" --device allow:c:1:11:r
  d=$(dir_of devices)
  grep -qx "c 1:11 r" $d/devices.list
  grep -qx "c 1:3 rwm" $d/devices.list
  ! grep -q "^a " $d/devices.list
  # device nodes of our own, so the test does not depend on /dev
  mknod "$BATS_TEST_TMPDIR/kmsg" c 1 11
  mknod "$BATS_TEST_TMPDIR/mem" c 1 1
  gated "$BATS_TEST_TMPDIR/gate" sh -c 'cd "$0"; echo x >/dev/null && echo null-ok; dd if=kmsg of=/dev/null bs=8192 count=1 2>/dev/null && echo kmsg-read-ok; true >>kmsg || echo kmsg-write-denied; head -c0 mem || echo mem-denied' "$BATS_TEST_TMPDIR"
  "$DRIVER" enter "$ST" "$GATED"
  release "$BATS_TEST_TMPDIR/gate"
  wait "$GATED" || true
  for w in null-ok kmsg-read-ok kmsg-write-denied mem-denied; do
    grep -qx $w "$BATS_TEST_TMPDIR/out" || { echo "missing $w"; cat "$BATS_TEST_TMPDIR/out"; false; }
  done
}

@test "v1: a failed update leaves the old limits" {
  "$DRIVER" create "$ST" "$CG" --memory 67108864 --pids 20 --shares 512
  run "$DRIVER" apply "$ST" --update --memory 33554432 --pids 10 --shares 1024 --cpus 4096
  [ "$status" -ne 0 ]
  [[ "$output" == *cpuset.cpus* ]]
  [ "$(cat $(dir_of memory)/memory.limit_in_bytes)" = 67108864 ]
  [ "$(cat $(dir_of pids)/pids.max)" = 20 ]
  [ "$(cat $(dir_of cpu)/cpu.shares)" = 512 ]
  run "$DRIVER" apply "$ST" --update --pids 10
  [ "$status" -eq 0 ]
  [ "$(cat $(dir_of pids)/pids.max)" = 10 ]
  [ "$(cat $(dir_of memory)/memory.limit_in_bytes)" = 67108864 ]
}

@test "v1: unified and realtime-on-v2 style errors name the field" {
  "$DRIVER" create "$ST" "$CG"
  run "$DRIVER" apply "$ST" --unified memory.max=100
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.resources.unified"* ]]
  run "$DRIVER" apply "$ST" --update --swappiness 300
  [ "$status" -ne 0 ]
  [[ "$output" == *"swappiness"* ]]
}

@test "v1: exec --cgroup joins a sub-cgroup; destroy removes it too" {
  "$DRIVER" create "$ST" "$CG"
  mkdir $(dir_of memory)/sub $(dir_of pids)/sub
  sleep 60 3>&- &
  PIDS_TO_KILL=$!
  run "$DRIVER" enter "$ST" $! sub
  [ "$status" -eq 0 ]
  grep -q "memory:$CG/sub\$" /proc/$!/cgroup
  grep -q "pids:$CG/sub\$" /proc/$!/cgroup
  grep -q "freezer:$CG\$" /proc/$!/cgroup
  run "$DRIVER" pids "$ST"
  [ "$output" = "$!" ]
  run "$DRIVER" enter "$ST" $! nosuch
  [ "$status" -ne 0 ]
  run "$DRIVER" enter "$ST" $! ../escape
  [ "$status" -ne 0 ]
  "$DRIVER" kill "$ST" 9
  wait $! || true
  "$DRIVER" destroy "$ST"
  [ ! -d $(dir_of memory) ]
}

@test "v1: a relative cgroupsPath goes below the runtime's own cgroup" {
  PARENT_ST=$BATS_TEST_TMPDIR/parent
  "$DRIVER" create "$PARENT_ST" "$CG"
  # run the driver from inside the parent cgroup
  sh -c "'$DRIVER' enter '$PARENT_ST' \$\$ && exec '$DRIVER' create '$ST' rel/../../child" 3>&-
  grep -q "^1 memory /sys/fs/cgroup/memory$CG/child\$" "$ST"
  [ -d /sys/fs/cgroup/pids$CG/child ]
  "$DRIVER" destroy "$ST"
  [ ! -d /sys/fs/cgroup/pids$CG/child ]
}

@test "v1: stats have runc's shape with live numbers" {
  "$DRIVER" create "$ST" "$CG" --memory 67108864 --pids 50
  # exec after joining: the new image's pages are charged here
  gated "$BATS_TEST_TMPDIR/gate" sleep 60
  "$DRIVER" enter "$ST" "$GATED"
  release "$BATS_TEST_TMPDIR/gate"
  for _ in $(seq 50); do [ "$(cat /proc/$GATED/comm)" = sleep ] && break; sleep 0.1; done
  run "$DRIVER" stats "$ST"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq '.memory.usage.limit')" = 67108864 ]
  [ "$(echo "$output" | jq '.memory.usage.usage')" -gt 0 ]
  [ "$(echo "$output" | jq '.pids.current')" = 1 ]
  [ "$(echo "$output" | jq '.pids.limit')" = 50 ]
  echo "$output" | jq -e '.memory.raw.rss != null and (.cpu.usage.percpu | length) >= 1'
}

@test "v1: disabled manager creates nothing" {
  CG_MANAGER=disabled run "$DRIVER" create "$ST" "$CG" --memory 1000000
  [ "$status" -eq 0 ]
  [[ "$output" == *"not applied"* ]]
  [ "$(cat "$ST")" = disabled ]
  run ls -d /sys/fs/cgroup/*/hull-test/$NAME
  [ "$status" -ne 0 ]
}

@test "v2 device program loads and attaches on this host's cgroup2 mount" {
  [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] || skip "no cgroup2 mount at unified/"
  mkdir -p /sys/fs/cgroup/unified/hull-test
  UNIFIED_DIR=/sys/fs/cgroup/unified/hull-test/$NAME
  mkdir "$UNIFIED_DIR"
  run "$DRIVER" devprog "$UNIFIED_DIR" --device deny:a:-1:-1:rwm --device allow:c:1:3:rwm
  [ "$status" -eq 0 ]
  gated "$BATS_TEST_TMPDIR/gate" sh -c 'echo x >/dev/null && echo null-ok; head -c1 /dev/zero >/dev/null || echo zero-denied; mknod /tmp/hull-never-$$ c 1 5 && echo mknod-ok; rm -f /tmp/hull-never-$$; echo phase1; read x <'"$BATS_TEST_TMPDIR/gate2"'; head -c1 /dev/zero >/dev/null && echo zero-ok-now'
  mkfifo "$BATS_TEST_TMPDIR/gate2"
  echo "$GATED" >"$UNIFIED_DIR/cgroup.procs"
  release "$BATS_TEST_TMPDIR/gate"
  for _ in $(seq 50); do grep -q phase1 "$BATS_TEST_TMPDIR/out" && break; sleep 0.1; done
  # replacing the rules: the old program must be gone, not stacked
  run "$DRIVER" devprog "$UNIFIED_DIR" --device deny:a:-1:-1:rwm --device allow:c:1:3:rwm --device allow:c:1:5:r
  [ "$status" -eq 0 ]
  release "$BATS_TEST_TMPDIR/gate2"
  wait "$GATED" || { cat "$BATS_TEST_TMPDIR/out"; false; }
  grep -qx null-ok "$BATS_TEST_TMPDIR/out"
  grep -qx zero-denied "$BATS_TEST_TMPDIR/out"
  ! grep -qx mknod-ok "$BATS_TEST_TMPDIR/out"
  grep -qx zero-ok-now "$BATS_TEST_TMPDIR/out"
}
