#!/usr/bin/env bats
# --systemd-cgroup on a host without systemd (this one: PID 1 is not
# systemd): a clear error naming the sockets tried and the flag, and
# nothing left behind. The driver itself is tested against a real systemd
# in the VM (tests/vm/systemd/).
load helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

setup() {
  bundle_setup
  [ -S /run/systemd/private ] && skip "systemd runs here"
  [ -S /run/dbus/system_bus_socket ] && skip "a system bus runs here"
  NAME=$(cat "$B/.cgname")
  update_config "$B" '.linux.cgroupsPath = $p' --arg p "system.slice:hull-test:$NAME"
}
teardown() { bundle_teardown; }

no_leftovers() {
  [ -z "$(hull list -q)" ]
  [ -z "$(ls "$HULL_TEST_ROOT")" ]
  ! ls -d /sys/fs/cgroup/*/system.slice/hull-test-"$NAME".scope 2>/dev/null
}

@test "systemd-cgroup: without systemd, create and run fail naming the sockets and the flag" {
  for cmd in create run; do
    run hull --systemd-cgroup "$cmd" --bundle "$B" "c-$NAME"
    [ "$status" -ne 0 ]
    [[ "$output" == *"--systemd-cgroup: cannot reach systemd"* ]]
    [[ "$output" == *"/run/systemd/private"* ]]
    [[ "$output" == *"/run/dbus/system_bus_socket"* ]]
    no_leftovers
  done
  run hull --cgroup-manager systemd run --bundle "$B" "c-$NAME"
  [ "$status" -ne 0 ]
  [[ "$output" == *"cannot reach systemd"* ]]
  no_leftovers
}

@test "systemd-cgroup: DBUS_SYSTEM_BUS_ADDRESS is the bus tried after the private socket" {
  DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent/hull-bus run hull --systemd-cgroup run --bundle "$B" "c-$NAME"
  [ "$status" -ne 0 ]
  [[ "$output" == *"/nonexistent/hull-bus"* ]]
  no_leftovers
}

@test "systemd-cgroup: a cgroupsPath not slice:prefix:name is refused before anything" {
  update_config "$B" '.linux.cgroupsPath = "/hull-test/x"'
  run hull --systemd-cgroup run --bundle "$B" "c-$NAME"
  [ "$status" -ne 0 ]
  [[ "$output" == *'linux.cgroupsPath "/hull-test/x": the systemd cgroup manager expects "slice:prefix:name"'* ]]
  no_leftovers
}

@test "systemd-cgroup: a socket that is not D-Bus fails cleanly" {
  # A listener that answers garbage to the authentication.
  sock=$BATS_TEST_TMPDIR/bus
  python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)
c, _ = s.accept(); c.recv(100); c.sendall(b"REJECTED nope\r\n"); c.close()' "$sock" &
  for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
  DBUS_SYSTEM_BUS_ADDRESS=unix:path=$sock run hull --systemd-cgroup run --bundle "$B" "c-$NAME"
  wait
  [ "$status" -ne 0 ]
  [[ "$output" == *"authentication refused"* ]]
  no_leftovers
}

@test "systemd-cgroup: features and help say the driver is there" {
  hull features | jq -e '.linux.cgroup.systemd == true and .linux.cgroup.systemdUser == true'
  run hull --help
  [[ "$output" == *"--systemd-cgroup"*"transient scope"* ]]
}
