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

@test "vm: hull runs a busybox container: own netns and cgroupns, device rules, v2 cgroup under /hull-test" {
  BUNDLE=$BATS_TEST_TMPDIR/bundle
  ID=vmsmoke-$$-$RANDOM
  make_bundle "$BUNDLE"
  # make_bundle's config: every namespace (network and cgroup included) and
  # a deny-all device list, on which hull adds runc's default devices.
  update_config "$BUNDLE" '.process.args = ["sh", "-c",
    "cat /proc/self/cgroup; readlink /proc/self/ns/net; readlink /proc/self/ns/cgroup; cat /proc/net/dev; echo x >/dev/null && echo null-ok; head -c 4 /dev/zero | wc -c; echo hello from the vm"]'
  hull create --bundle "$BUNDLE" "$ID" >"$BATS_TEST_TMPDIR/out" 2>&1
  local pid
  pid=$(hull state "$ID" | jq -r .pid)
  # seen from the host, the container is in its own cgroup under /hull-test
  [ "$(cat /proc/"$pid"/cgroup)" = "0::/hull-test/$(cat "$BUNDLE/.cgname")" ]
  grep -qx "$pid" "/sys/fs/cgroup/hull-test/$(cat "$BUNDLE/.cgname")/cgroup.procs"
  hull start "$ID"
  local i
  for i in $(seq 50); do
    [ "$(hull state "$ID" | jq -r .status)" = stopped ] && break
    sleep 0.2
  done
  run cat "$BATS_TEST_TMPDIR/out"
  echo "$output"
  [[ "$output" == *"hello from the vm"* ]]
  # inside, its cgroup namespace root is its cgroup
  [ "${lines[0]}" = "0::/" ]
  # its own network and cgroup namespaces
  [ "${lines[1]}" != "$(readlink /proc/self/ns/net)" ]
  [[ "${lines[1]}" == net:* ]]
  [ "${lines[2]}" != "$(readlink /proc/self/ns/cgroup)" ]
  [[ "${lines[2]}" == cgroup:* ]]
  [[ "$output" == *" lo:"* ]]
  # the device program lets the default devices through
  [[ "$output" == *null-ok* ]]
  [[ "$output" == *$'\n4\n'* ]]
}

@test "vm: the README's quick start runs on cgroup v2 (memory.max) and leaves nothing" {
  run "$HULL_SRCDIR/contrib/quickstart.sh" --hull "$HULL"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *$'\nhostname: quickstart\n'* ]]
  echo "$output" | grep -Eq '^ +1 +root +sh /show.sh$'
  echo "$output" | grep -qx '/sys/fs/cgroup/memory.max: 67108864'
  [ ! -e /sys/fs/cgroup/hull-quickstart ]
}
