#!/usr/bin/env bats
# Configs as containerd and podman write them (tests/clients drives the real
# clients; these pin down, with hull alone, what they found).
load helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

setup() {
  require_root
  B=$BATS_TEST_TMPDIR/bundle
  ID=compat-$$-$RANDOM
  make_bundle "$B"
  update_config "$B" '.linux.namespaces |= map(select(.type != "network"))'
}

teardown() {
  hull delete --force "$ID" >/dev/null 2>&1 || true
  remove_test_cgroups "$B"
}

@test "linux.devices fileMode with the node's type bits (podman --device: 020666)" {
  # podman copies the host node's st_mode: S_IFCHR | 0666 = 8630
  update_config "$B" '.linux.devices = [{"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 8630, "uid": 0, "gid": 0}]
    | .process.args = ["sh", "-c", "stat -c \"%F %t:%T %a\" /dev/mynull; echo x >/dev/mynull && echo written"]'
  run hull run --bundle "$B" "$ID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "character special file 1:3 666" ]
  [ "${lines[1]}" = written ]
}

@test "linux.devices fileMode with another type's bits is refused, naming the field" {
  # S_IFBLK | 0666 on a char device
  update_config "$B" '.linux.devices = [{"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 25014}]'
  run hull run --bundle "$B" "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.devices[0].fileMode: 60666 has bits beyond 07777"* ]]
  [ ! -e "$HULL_TEST_ROOT/$ID" ]
}

@test "stdio on a read-only /dev/null is reopened read-write inside (containerd --null-io)" {
  # containerd's shim hands create a /dev/null opened O_RDONLY as 0, 1 and 2;
  # writes to it would fail with EBADF (runc reopens it too)
  update_config "$B" '.root.readonly = false | .process.args = ["sh", "-c", "echo out && echo err >&2 && grep ^flags /proc/$$/fdinfo/2 >/root/flags"]'
  run sh -c '"$0" --root "$1" run --bundle "$2" "$3" 0</dev/null 1</dev/null 2</dev/null' \
    "$HULL" "$HULL_TEST_ROOT" "$B" "$ID"
  [ "$status" -eq 0 ]
  # O_RDWR (02) in the octal flags of the shell's fd 2 (its fd 1 is the
  # redirect: busybox runs grep in-process)
  [[ "$(awk '{print $2}' "$B/rootfs/root/flags")" =~ 2$ ]]
}

@test "stdio that is not /dev/null is left alone" {
  update_config "$B" '.process.args = ["sh", "-c", "echo out; echo err >&2"]'
  run hull run --bundle "$B" "$ID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = out ]
  [ "${lines[1]}" = err ]
}

@test "memory limits below -1 are refused, naming the field, at create and update (containerd's Tasks.Update)" {
  # on cgroup v2 a -5 became "max": no limit at all (found by containerd
  # in the VM); runc fails it (EINVAL), as cgroup v1 does
  update_config "$B" '.linux.resources.memory = {"limit": -5}'
  run hull run --bundle "$B" "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.resources.memory.limit: -5 out of range [-1,"* ]]
  [ ! -e "$HULL_TEST_ROOT/$ID" ]
  update_config "$B" '.linux.resources.memory = {"limit": 67108864} | .process.args = ["sleep", "100"]'
  hull run -d --bundle "$B" "$ID"
  run hull update --resources - "$ID" <<<'{"memory": {"swap": -2}}'
  [ "$status" -ne 0 ]
  [[ "$output" == *"memory.swap: -2 out of range [-1,"* ]]
  # unchanged, and -1 still means no limit
  d=/sys/fs/cgroup/memory/hull-test/$(cat "$B/.cgname")
  [ -d "$d" ] || d=/sys/fs/cgroup/hull-test/$(cat "$B/.cgname")
  [ "$(cat "$d/memory.limit_in_bytes" 2>/dev/null || cat "$d/memory.max")" = 67108864 ]
  hull update --resources - "$ID" <<<'{"memory": {"limit": -1}}'
  [[ "$(cat "$d/memory.limit_in_bytes" 2>/dev/null || cat "$d/memory.max")" =~ ^(max|9223372036854771712)$ ]]
}
