#!/usr/bin/env bats
# Isolation through real `hull run`: namespaces joined by path (user first),
# time namespace offsets, rootfsPropagation, sysctl, --no-pivot and
# --no-new-keyring.
load helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

setup() { bundle_setup; }

teardown() {
  bundle_teardown
  [ -n "${B2:-}" ] && remove_test_cgroups "$B2"
  [ -n "${USERNS_DIR:-}" ] && rm -rf "$USERNS_DIR"
  return 0
}

@test "namespaces joined by path: user first, then net/uts/ipc/pid of a running container" {
  remove_test_cgroups "$B"
  userns_dir
  B=$USERNS_DIR/holder
  make_bundle "$B"
  map_userns "$B"
  update_config "$B" '.process.args = ["sleep", "600"] | .hostname = "holder"'
  hull run -d --bundle "$B" holder </dev/null
  hp=$(hull state holder | jq -r .pid)
  B2=$USERNS_DIR/joiner
  make_bundle "$B2"
  update_config "$B2" 'del(.hostname)
    | .process.args = ["sh", "-c", "hostname; cat /proc/self/uid_map; readlink /proc/self/ns/net; readlink /proc/self/ns/ipc; echo pid=$$"]
    | .linux.namespaces = [{type: "user", path: ($p + "/user")}, {type: "network", path: ($p + "/net")},
        {type: "uts", path: ($p + "/uts")}, {type: "ipc", path: ($p + "/ipc")},
        {type: "pid", path: ($p + "/pid")}, {type: "mount"}, {type: "cgroup"}]' --arg p "/proc/$hp/ns"
  run hull run --bundle "$B2" joiner
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = holder ]
  [ "$(echo "${lines[1]}" | tr -s ' ' | sed 's/^ //')" = "0 100000 65536" ]
  [ "${lines[2]}" = "$(readlink /proc/$hp/ns/net)" ]
  [ "${lines[3]}" = "$(readlink /proc/$hp/ns/ipc)" ]
  [ "${lines[4]}" != pid=1 ]
  # a path that is not a namespace of the given type is refused, naming it
  update_config "$B2" '.linux.namespaces[1].path = ($p + "/uts")' --arg p "/proc/$hp/ns"
  run hull run --bundle "$B2" joiner2
  [ "$status" -eq 1 ]
  [[ "$output" == *"linux.namespaces[1]"* ]]
  [ ! -e "$HULL_TEST_ROOT/joiner2" ]
}

@test "time namespace: timeOffsets move monotonic and boottime clocks" {
  update_config "$B" '.linux.namespaces += [{type: "time"}]
    | .linux.timeOffsets = {monotonic: {secs: 864000, nanosecs: 0}, boottime: {secs: 1728000, nanosecs: 0}}
    | .process.args = ["sh", "-c", "cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime"]'
  run hull run --bundle "$B" t1
  [ "$status" -eq 0 ]
  [[ "$output" == *"monotonic"*"864000"* ]]
  [[ "$output" == *"boottime"*"1728000"* ]]
  # uptime is boottime: at least the offset, more than the host's
  [ "${lines[2]}" -ge 1728000 ]
  [ "${lines[2]}" -gt "$(cut -d. -f1 /proc/uptime)" ]
}

@test "rootfsPropagation: shared, slave, private, unbindable and recursive ones reach / in mountinfo" {
  # a slave has a master only when the host mount under the bundle is shared
  host=$(findmnt -no PROPAGATION -T "$B/rootfs")
  root_opts() { awk '$5 == "/" {for (i = 7; $i != "-"; i++) printf "%s ", $i; print ""}' ; }
  for p in shared slave private unbindable runbindable rshared; do
    update_config "$B" '.linux.rootfsPropagation = $p
      | .process.args = ["cat", "/proc/self/mountinfo"]' --arg p "$p"
    run hull run --bundle "$B" "rp-$p"
    [ "$status" -eq 0 ]
    opts=$(echo "$output" | root_opts)
    echo "$p: $opts"
    case $p in
    shared) [[ "$opts" == *shared:* ]] ;;
    slave)
      [[ "$opts" != *shared:* ]]
      if [[ "$host" == shared* ]]; then [[ "$opts" == *master:* ]]; else [[ "$opts" != *master:* ]]; fi ;;
    private) [[ "$opts" != *shared:* && "$opts" != *master:* && "$opts" != *unbindable* ]] ;;
    unbindable | runbindable) [[ "$opts" == *unbindable* ]] ;;
    rshared) [[ "$opts" == *shared:* ]] ;;
    esac
  done
}

@test "sysctl: namespaced keys are written, others refused with the key named" {
  update_config "$B" '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmax": "123456789",
      "kernel.domainname": "hull.example"}
    | .process.args = ["sh", "-c", "cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax /proc/sys/kernel/domainname"]'
  run hull run --bundle "$B" sy1
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf '1\n123456789\nhull.example')" ]
  [ "$(cat /proc/sys/kernel/shmmax)" != 123456789 ]
  update_config "$B" '.linux.sysctl = {"vm.swappiness": "10"}'
  run hull run --bundle "$B" sy2
  [ "$status" -eq 1 ]
  [[ "$output" == *"vm.swappiness"* ]]
  [ ! -e "$HULL_TEST_ROOT/sy2" ]
}

@test "--no-pivot: the container sees its rootfs only" {
  update_config "$B" '.process.args = ["sh", "-c", "ls /; test -e /etc/passwd && test ! -e /work && echo isolated"]'
  run hull run --no-pivot --bundle "$B" np1
  [ "$status" -eq 0 ]
  [[ "$output" == *isolated* ]]
  [[ "$output" == *bin* ]]
}

@test "--no-new-keyring keeps the caller's session keyring; by default it is a new one" {
  K=$HULL_BUILDDIR/tests/integration/sesskey
  cp "$K" "$B/rootfs/bin/sesskey"
  host=$("$K")
  update_config "$B" '.process.args = ["/bin/sesskey"]'
  run hull run --bundle "$B" k1
  [ "$status" -eq 0 ]
  [ "$output" != "$host" ]
  first=$output
  run hull run --bundle "$B" k2
  [ "$output" != "$first" ]
  run hull run --no-new-keyring --bundle "$B" k3
  [ "$status" -eq 0 ]
  [ "$output" = "$host" ]
}
