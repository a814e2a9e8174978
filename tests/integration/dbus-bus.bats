#!/usr/bin/env bats
# hull's D-Bus client (src/dbus/) against the reference implementation:
# a private dbus-daemon on a socket in the test's dir (nothing of the
# host's). The daemon checks every message we send against its signature,
# so StartTransientUnit's body (the systemd driver's whole property list)
# is validated byte for byte before it finds no systemd to deliver it to.
load helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

setup() {
  command -v dbus-daemon >/dev/null || skip "no dbus-daemon (apt-get install dbus)"
  # A short path: a unix socket's is at most 107 bytes.
  D=$(mktemp -d /tmp/hull-dbus.XXXXXX)
  cat >"$D/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>custom</type>
  <listen>unix:path=$D/bus</listen>
  <auth>EXTERNAL</auth>
  <!-- the session bus policy: a rule with eavesdrop alone also lets
       the replies back --><policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>
CONF
  # --fork returns once the daemon listens (the socket file alone comes
  # before its listen(): a connect could be refused).
  BUSPID=$(dbus-daemon --config-file="$D/bus.conf" --fork --print-pid 2>/dev/null)
  DRIVER=$HULL_BUILDDIR/tests/integration/dbus_driver
}

teardown() {
  [ -n "${BUSPID:-}" ] && kill "$BUSPID" 2>/dev/null
  [ -n "${D:-}" ] && rm -rf "$D"
  return 0
}

@test "dbus: Hello, a reply, AddMatch and a boolean through a real dbus-daemon" {
  run "$DRIVER" "$D/bus"
  [ "$status" -eq 0 ]
  lines_are "hello: ok" "id: 32 chars" "addmatch: ok" "systemd owned: no"
}

@test "dbus: the driver's StartTransientUnit is well-formed (the daemon only finds no systemd)" {
  run "$DRIVER" "$D/bus"
  [ "$status" -eq 0 ]
  [[ "${lines[4]}" == "start: StartTransientUnit: org.freedesktop.DBus.Error.ServiceUnknown: "* ]]
}

@test "dbus: hull --systemd-cgroup through a bus without systemd fails cleanly, nothing left" {
  require_root
  B=$BATS_TEST_TMPDIR/bundle
  make_bundle "$B"
  update_config "$B" '.linux.cgroupsPath = "system.slice:hull-test:x"'
  DBUS_SYSTEM_BUS_ADDRESS=unix:path=$D/bus run hull --systemd-cgroup run --bundle "$B" c1
  [ "$status" -ne 0 ]
  # Hello and AddMatch pass; Subscribe finds no systemd on this bus.
  [[ "$output" == *"Subscribe: org.freedesktop.DBus.Error.ServiceUnknown"* ]]
  [ -z "$(hull list -q)" ]
  remove_test_cgroups "$B"
}

@test "dbus: the client under valgrind leaks nothing" {
  command -v valgrind >/dev/null || skip "no valgrind"
  run valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=9 "$DRIVER" "$D/bus"
  [ "$status" -eq 0 ]
}
