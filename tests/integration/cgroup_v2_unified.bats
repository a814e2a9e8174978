#!/usr/bin/env bats
# The v2 backend on this hybrid host: inside a private mount namespace a
# cgroup2 directory of our own (under the controller-less unified mount)
# is bind-mounted over /sys/fs/cgroup, so hull sees a pure v2 layout.
# No resource controllers there (those are tested in the VM), but
# detection, creation, joining, cgroup.freeze/cgroup.events, cgroup.kill,
# the device eBPF program, unified keys, update rollback and removal are
# all the real kernel paths. The host's mounts are never touched.
load helpers

DRIVER=${HULL_BUILDDIR:-.}/tests/integration/cgroup_driver

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

setup() {
  require_root
  [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] || skip "no cgroup2 mount at /sys/fs/cgroup/unified"
  NAME=cgv2-$$-$RANDOM
  mkdir -p /sys/fs/cgroup/unified/hull-test
  ROOTDIR=/sys/fs/cgroup/unified/hull-test/$NAME
  mkdir "$ROOTDIR"
  CGDIR=$ROOTDIR/hull-test/ctr
  ST=$BATS_TEST_TMPDIR/state
  PIDS_TO_KILL=""
}

teardown() {
  local p
  for p in $PIDS_TO_KILL; do kill -9 "$p" 2>/dev/null || true; done
  for p in $PIDS_TO_KILL; do wait "$p" 2>/dev/null || true; done
  [ -f "$ST" ] && v2 destroy "$ST"
  rmdir "$CGDIR"/* "$CGDIR" "$ROOTDIR/hull-test" "$ROOTDIR" 2>/dev/null
  [ ! -d "$ROOTDIR" ]
}

# The driver in a private mount namespace where /sys/fs/cgroup is ROOTDIR.
v2() {
  unshare -m --propagation private sh -c 'mount --bind "$0" /sys/fs/cgroup && exec "$@"' \
    "$ROOTDIR" "$DRIVER" "$@"
}

@test "v2 (unified): detection says v2 when /sys/fs/cgroup is cgroup2" {
  run v2 detect
  [ "$status" -eq 0 ]
  [ "$output" = v2 ]
}

@test "v2 (unified): create, enter, pids, destroy" {
  run v2 create "$ST" /hull-test/ctr
  [ "$status" -eq 0 ]
  [ "$(cat "$ST")" = "$(printf 'v2\n1 /sys/fs/cgroup/hull-test/ctr')" ]
  [ -d "$CGDIR" ]
  sleep 60 3>&- &
  PIDS_TO_KILL=$!
  v2 enter "$ST" $!
  grep -q "^0::/hull-test/$NAME/hull-test/ctr\$" /proc/$!/cgroup
  run v2 pids "$ST"
  [ "$output" = "$!" ]
  v2 kill "$ST" 9
  s=0
  wait $! || s=$?
  [ "$s" -eq 137 ]
  run v2 destroy "$ST"
  [ "$status" -eq 0 ]
  [ ! -d "$CGDIR" ]
}

@test "v2 (unified): destroy leaves a pre-existing cgroup alone" {
  mkdir -p "$CGDIR"
  v2 create "$ST" /hull-test/ctr
  grep -qx "0 /sys/fs/cgroup/hull-test/ctr" "$ST"
  v2 destroy "$ST"
  [ -d "$CGDIR" ]
}

@test "v2 (unified): freeze waits for cgroup.events frozen 1, thaw for 0" {
  v2 create "$ST" /hull-test/ctr
  sleep 60 3>&- &
  PIDS_TO_KILL=$!
  v2 enter "$ST" $!
  v2 freeze "$ST"
  grep -qx "frozen 1" "$CGDIR/cgroup.events"
  [ "$(v2 frozen "$ST")" = 1 ]
  v2 thaw "$ST"
  grep -qx "frozen 0" "$CGDIR/cgroup.events"
  [ "$(v2 frozen "$ST")" = 0 ]
}

@test "v2 (unified): kill --all with SIGTERM (freeze, signal, thaw) reaches every process" {
  v2 create "$ST" /hull-test/ctr
  for i in 1 2 3; do
    sleep 60 3>&- &
    PIDS_TO_KILL="$PIDS_TO_KILL $!"
    v2 enter "$ST" $!
  done
  v2 kill "$ST" 15
  for p in $PIDS_TO_KILL; do
    s=0
    wait "$p" || s=$?
    [ "$s" -eq 143 ]
  done
  grep -qx "frozen 0" "$CGDIR/cgroup.events"
}

@test "v2 (unified): device rules as eBPF: deny, allow, and update replaces them" {
  v2 create "$ST" /hull-test/ctr --device allow:c:1:11:r
  mknod "$BATS_TEST_TMPDIR/kmsg" c 1 11
  mknod "$BATS_TEST_TMPDIR/mem" c 1 1
  mkfifo "$BATS_TEST_TMPDIR/gate2"
  gated "$BATS_TEST_TMPDIR/gate" sh -c 'cd "$0"; echo x >/dev/null && echo null-ok; dd if=kmsg of=/dev/null bs=8192 count=1 2>/dev/null && echo kmsg-read-ok; true >>kmsg || echo kmsg-write-denied; head -c0 mem || echo mem-denied; echo phase1; read x <gate2; dd if=kmsg of=/dev/null bs=8192 count=1 2>/dev/null || echo kmsg-read-denied-now; true >>kmsg && echo kmsg-write-ok-now' "$BATS_TEST_TMPDIR"
  v2 enter "$ST" "$GATED"
  release "$BATS_TEST_TMPDIR/gate"
  for _ in $(seq 50); do grep -q phase1 "$BATS_TEST_TMPDIR/out" && break; sleep 0.1; done
  run v2 apply "$ST" --update --device allow:c:1:11:w
  [ "$status" -eq 0 ]
  release "$BATS_TEST_TMPDIR/gate2"
  wait "$GATED" || true
  for w in null-ok kmsg-read-ok kmsg-write-denied mem-denied kmsg-read-denied-now kmsg-write-ok-now; do
    grep -qx $w "$BATS_TEST_TMPDIR/out" || { echo "missing $w"; cat "$BATS_TEST_TMPDIR/out"; false; }
  done
}

@test "v2 (unified): a raw device program can deny mknod too" {
  mkdir -p "$CGDIR"
  run "$DRIVER" devprog "$CGDIR" --device deny:a:-1:-1:rwm --device allow:c:1:3:rwm
  [ "$status" -eq 0 ]
  gated "$BATS_TEST_TMPDIR/gate" sh -c 'mknod "$0/z" c 1 5 || echo mknod-denied; echo x >/dev/null && echo null-ok' "$BATS_TEST_TMPDIR"
  echo "$GATED" >"$CGDIR/cgroup.procs"
  release "$BATS_TEST_TMPDIR/gate"
  wait "$GATED" || true
  grep -qx mknod-denied "$BATS_TEST_TMPDIR/out"
  grep -qx null-ok "$BATS_TEST_TMPDIR/out"
}

@test "v2 (unified): unified keys are written, path tricks refused, failed update rolls back" {
  v2 create "$ST" /hull-test/ctr --unified cgroup.max.descendants=5 --unified cgroup.max.depth=2
  [ "$(cat $CGDIR/cgroup.max.descendants)" = 5 ]
  [ "$(cat $CGDIR/cgroup.max.depth)" = 2 ]
  run v2 apply "$ST" --update --unified ../cgroup.max.depth=1
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.resources.unified"* ]]
  run v2 apply "$ST" --update --unified cgroup.procs=1
  [ "$status" -ne 0 ]
  run v2 apply "$ST" --update --unified cgroup.max.depth=7 --unified cgroup.max.descendants=bogus
  [ "$status" -ne 0 ]
  [[ "$output" == *"cgroup.max.descendants"* ]]
  [ "$(cat $CGDIR/cgroup.max.depth)" = 2 ]
  [ "$(cat $CGDIR/cgroup.max.descendants)" = 5 ]
}

@test "v2 (unified): realtime is refused on v2, swap without limit too" {
  v2 create "$ST" /hull-test/ctr
  run v2 apply "$ST" --rt-runtime 1000 --rt-period 100000
  [ "$status" -ne 0 ]
  [[ "$output" == *"realtime"* ]]
  run v2 apply "$ST" --swap 1000000
  [ "$status" -ne 0 ]
  [[ "$output" == *"memory.swap"* ]]
}

@test "v2 (unified): exec --cgroup joins an existing sub-cgroup" {
  v2 create "$ST" /hull-test/ctr
  mkdir "$CGDIR/sub"
  sleep 60 3>&- &
  PIDS_TO_KILL=$!
  v2 enter "$ST" $! sub
  grep -q "^0::/hull-test/$NAME/hull-test/ctr/sub\$" /proc/$!/cgroup
  run v2 pids "$ST"
  [ "$output" = "$!" ]
  run v2 enter "$ST" $! missing
  [ "$status" -ne 0 ]
  v2 kill "$ST" 9
  wait $! || true
  v2 destroy "$ST"
  [ ! -d "$CGDIR" ]
}

@test "v2 (unified): stats are runc-shaped JSON" {
  v2 create "$ST" /hull-test/ctr
  run v2 stats "$ST"
  [ "$status" -eq 0 ]
  echo "$output" | jq -e '.cpu.usage.total != null'
}
