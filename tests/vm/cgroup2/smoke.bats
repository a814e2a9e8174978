#!/usr/bin/env bats
# Smoke test of the cgroup v2 VM itself (runs inside tests/vm/run.sh): the
# guest is a pure cgroup v2 host and the freshly built hull runs there.
load ../../integration/helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

teardown() {
  [ -n "${ID:-}" ] && hull delete --force "$ID" >/dev/null 2>&1
  [ -n "${BUNDLE:-}" ] && remove_test_cgroups "$BUNDLE"
  ip link del hvm-smokebr 2>/dev/null || true
  ip link del hvm-smoke0 2>/dev/null || true
  rmdir /sys/fs/cgroup/hull-vm-smoke-$$ 2>/dev/null || true
}

@test "vm: /sys/fs/cgroup is cgroup2 and no v1 hierarchy is mounted" {
  [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]
  run awk '$3 == "cgroup" { print $2 }' /proc/mounts
  [ "$status" -eq 0 ]
  [ -z "$output" ]
}

@test "vm: cpu, memory, pids and io controllers are enabled for children" {
  for c in cpu memory pids io; do
    grep -qw "$c" /sys/fs/cgroup/cgroup.controllers
    grep -qw "$c" /sys/fs/cgroup/cgroup.subtree_control
  done
}

@test "vm: a child cgroup gets the controllers' interface files" {
  cg=/sys/fs/cgroup/hull-vm-smoke-$$
  mkdir "$cg"
  run ls "$cg"
  rmdir "$cg"
  [[ "$output" == *memory.max* ]]
  [[ "$output" == *pids.max* ]]
  [[ "$output" == *cpu.max* ]]
  [[ "$output" == *io.max* ]]
}

@test "vm: hull --version runs" {
  run "$HULL" --version
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^hull\ version\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "vm: overlay, veth and bridge are available" {
  grep -qw overlay /proc/filesystems
  ip link add hvm-smoke0 type veth peer name hvm-smoke1
  ip link add hvm-smokebr type bridge
  ip link set hvm-smoke0 master hvm-smokebr
  ip link del hvm-smokebr
  ip link del hvm-smoke0
}

@test "vm: hull runs a busybox container in a v2 cgroup under /hull-test" {
  BUNDLE=$BATS_TEST_TMPDIR/bundle
  ID=vmsmoke-$$-$RANDOM
  make_bundle "$BUNDLE"
  # Host network (veth setup is the net module's business, not this smoke
  # test's), no cgroup namespace so the container sees its real path, and
  # no device rules (the device program is the cgroup suite's business).
  update_config "$BUNDLE" '.process.args = ["sh", "-c", "cat /proc/self/cgroup; echo hello from the vm"]
    | .linux.namespaces |= map(select(.type != "network" and .type != "cgroup"))
    | del(.linux.resources.devices)'
  run hull run --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"hello from the vm"* ]]
  [[ "$output" == *"0::/hull-test/$(cat "$BUNDLE/.cgname")"* ]]
}
