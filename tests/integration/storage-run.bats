#!/usr/bin/env bats
# storage/ end to end through `hull run`: the rootfs the container process
# really gets, read from inside it, and attacks from the image refused.
load helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

setup() {
  require_root
  BUNDLE=$BATS_TEST_TMPDIR/bundle
  ID=storage-$$-$RANDOM
  make_bundle "$BUNDLE"
  R=$BUNDLE/rootfs
  H=$BATS_TEST_TMPDIR/host
  mkdir -p "$H"
  # storage does not need a network namespace (and net/ sets it up apart)
  update_config "$BUNDLE" '.linux.namespaces |= map(select(.type != "network"))'
}

teardown() {
  hull delete --force "$ID" >/dev/null 2>&1 || true
  remove_test_cgroups "$BUNDLE"
}

# run_in CMD: runs CMD with sh -c in the bundle's container, foreground.
run_in() {
  update_config "$BUNDLE" '.process.args = ["sh", "-c", $c]' --arg c "$1"
  run hull run --bundle "$BUNDLE" "$ID"
}

MOUNTS='awk "{for(i=1;i<=NF;i++) if(\$i==\"-\") print \$5, \$(i+1), \$6}" /proc/self/mountinfo'

@test "hull run: the default mounts, devices, masked and read-only paths" {
  run_in "$MOUNTS; stat -c '%n %F %t:%T' /dev/null /dev/zero /dev/tty /proc/timer_list; readlink /dev/ptmx; touch /x 2>&1; echo 1 >/proc/sys/kernel/hostname 2>&1; true"
  [ "$status" -eq 0 ]
  [[ "$output" == *"/proc proc rw"* ]]
  [[ "$output" == *"/dev tmpfs rw,nosuid"* ]]
  [[ "$output" == *"/dev/pts devpts rw,nosuid,noexec"* ]]
  [[ "$output" == *"/sys sysfs ro,nosuid,nodev,noexec"* ]]
  [[ "$output" == *"/proc/sys proc ro"* ]]
  [[ "$output" == *"/dev/null character special file 1:3"* ]]
  [[ "$output" == *"/dev/zero character special file 1:5"* ]]
  [[ "$output" == *"/dev/tty character special file 5:0"* ]]
  [[ "$output" == *"/proc/timer_list character special file 1:3"* ]]
  [[ "$output" == *"pts/ptmx"* ]]
  [[ "$output" == *"/x: Read-only file system"* ]]
  [[ "$output" == *"hostname: Read-only file system"* ]]
}

@test "hull run: bind mounts, tmpcopyup and linux.devices from config.json" {
  echo host-data >"$H/f"
  mkdir -p "$R/data" && echo image >"$R/data/img"
  update_config "$BUNDLE" '.mounts += [
      {"destination": "/vol", "type": "bind", "source": $h, "options": ["rbind", "rro"]},
      {"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "nosuid"]}]
    | .linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 416, "uid": 0, "gid": 5}]
    | .linux.resources.devices += [{"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rwm"}]' --arg h "$H"
  run_in "cat /vol/f /data/img; touch /vol/x 2>&1; stat -c '%F %t:%T %a %u:%g' /dev/fuse; stat -f -c %T /data; true"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "host-data" ]
  [ "${lines[1]}" = "image" ]
  [[ "${lines[2]}" == *"Read-only file system"* ]]
  [ "${lines[3]}" = "character special file a:e5 640 0:5" ]
  [ "${lines[4]}" = "tmpfs" ]
}

@test "hull run: /proc in the image as a symlink is refused (CVE-2019-19921)" {
  rm -rf "$R/proc"
  ln -s "$H" "$R/proc"
  run_in true
  [ "$status" -ne 0 ]
  [[ "$output" == *"/proc: is a symlink in the rootfs"* ]]
  [ -z "$(ls -A "$H")" ]
}

@test "hull run: /dev in the image as a symlink creates nothing on the host (CVE-2026-41579)" {
  rm -rf "$R/dev"
  ln -s "$H" "$R/dev"
  run_in true
  [ "$status" -ne 0 ]
  [[ "$output" == *"/dev: is a symlink in the rootfs"* ]]
  [ -z "$(ls -A "$H")" ]
}

@test "hull run: a volume over /proc is refused (CVE-2019-16884)" {
  mkdir -p "$H/fakeproc/self/attr"
  update_config "$BUNDLE" '.mounts += [{"destination": "/proc", "type": "bind", "source": $h, "options": ["rbind"]}]' --arg h "$H/fakeproc"
  run_in true
  [ "$status" -ne 0 ]
  [[ "$output" == *"only procfs may be mounted over /proc"* ]]
}

@test "hull run: run.hull.rootfs.overlay keeps the image untouched, the state dir holds the writes" {
  update_config "$BUNDLE" '.root.readonly = false | .annotations["run.hull.rootfs.overlay"] = "true"'
  update_config "$BUNDLE" '.process.args = ["sh", "-c", "echo w >/etc/written; sleep 30"]'
  hull run --detach --bundle "$BUNDLE" "$ID"
  for i in $(seq 50); do [ -e "$HULL_TEST_ROOT/$ID/rootfs-overlay/upper/etc/written" ] && break; sleep 0.1; done
  [ "$(cat "$HULL_TEST_ROOT/$ID/rootfs-overlay/upper/etc/written")" = "w" ]
  [ ! -e "$R/etc/written" ]
  hull kill "$ID" 9
  for i in $(seq 50); do [ "$(hull state "$ID" | jq -r .status)" = "stopped" ] && break; sleep 0.1; done
  hull delete "$ID"
  [ ! -e "$HULL_TEST_ROOT/$ID" ]
}

@test "hull run: with a terminal, /dev/console is the container's pty" {
  update_config "$BUNDLE" '.process.terminal = true | .process.args = ["sh", "-c", "stat -c \"console %F %t\" /dev/console; [ -t 1 ] && echo is-a-tty"]'
  "$HULL_BUILDDIR/tests/integration/recvtty" "$BUNDLE/tty.sock" "" >"$BUNDLE/tty.out" &
  rpid=$!
  for i in $(seq 100); do [ -S "$BUNDLE/tty.sock" ] && break; sleep 0.05; done
  hull run -d --console-socket "$BUNDLE/tty.sock" --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
  wait "$rpid"
  grep -q "console character special file 88" "$BUNDLE/tty.out"
  grep -q "is-a-tty" "$BUNDLE/tty.out"
}

@test "hull run: a user namespace mapped to 100000: devices bound, sysfs read-only, masks applied" {
  userns_dir
  remove_test_cgroups "$BUNDLE"
  BUNDLE=$USERNS_DIR/bundle
  make_bundle "$BUNDLE"
  update_config "$BUNDLE" '.linux.namespaces |= map(select(.type != "network"))'
  map_userns "$BUNDLE"
  run_in "$MOUNTS | grep -E '^/(sys|dev/null) '; stat -c '%F %t:%T' /dev/null /proc/timer_list; touch /sys/x 2>&1; true"
  rm -rf "$USERNS_DIR"
  [ "$status" -eq 0 ]
  [[ "$output" == *"/sys sysfs ro,nosuid,nodev,noexec"* ]]
  [[ "$output" == *"/dev/null devtmpfs"* ]]
  [[ "$output" == *"character special file 1:3"* ]]
  [[ "$output" == *"/sys/x: Read-only file system"* ]]
}
