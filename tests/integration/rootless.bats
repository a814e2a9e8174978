#!/usr/bin/env bats
# Rootless hull: every container here is made by an unprivileged test user
# (rootless_helpers.bash) with its state under its XDG_RUNTIME_DIR. This
# host has cgroup v1 and no delegation, so these containers run without
# cgroups; delegated cgroup v2 is tested in tests/vm/cgroup2/rootless.bats.

load helpers
load rootless_helpers

setup_file() {
  common_setup_file
  rl_setup_file
}

# A failed test leaves nothing running for the next one.
teardown() {
  local id
  for id in $(rl_hull list -q 2>/dev/null); do rl_hull delete --force "$id" >/dev/null 2>&1; done
}

teardown_file() {
  rl_teardown_file
  common_teardown_file
}

# hostID of the line of /proc/PID/uid_map-style text whose containerID is C.
map_host() {
  awk -v c="$2" '$1 == c { print $2 }' <<<"$1"
}

@test "rootless run: own id mapped directly, state under XDG_RUNTIME_DIR, no cgroup warning" {
  b=$(rl_make_bundle single)
  rl_update_config "$b" '.process.args = ["sh", "-c", "id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map; cat /proc/self/setgroups; exit 7"]'
  run rl_hull run --bundle "$b" rl-single
  echo "$output"
  [ "$status" -eq 7 ]
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = 0 ]
  [ "$(echo "${lines[2]}" | awk '{print $1, $2, $3}')" = "0 $RL_UID 1" ]
  [ "$(echo "${lines[3]}" | awk '{print $1, $2, $3}')" = "0 $RL_GID 1" ]
  # An unprivileged gid map is only possible after setgroups "deny".
  [ "${lines[4]}" = deny ]
  # No limits were asked for: running without cgroups is not worth a word.
  [[ "$output" != *warning* ]]
  # run removed its state; the root was the user's XDG_RUNTIME_DIR/hull.
  [ -d "$RL_DIR/run/hull" ]
  [ "$(stat -c %u "$RL_DIR/run/hull")" = "$RL_UID" ]
  [ -z "$(ls -A "$RL_DIR/run/hull")" ]
}

@test "rootless run: several ranges through newuidmap/newgidmap (subuid/subgid)" {
  command -v newuidmap >/dev/null || skip "newuidmap (uidmap) missing"
  b=$(rl_make_bundle ranges ranges)
  read -r us _ < <(rl_subid_range /etc/subuid)
  read -r gs _ < <(rl_subid_range /etc/subgid)
  rl_update_config "$b" '.root.readonly = false |
    .process.capabilities |= map_values(. + ["CAP_CHOWN"]) |
    .process.args = ["sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; touch /f; chown 1000:1001 /f; ls -ln /f"]'
  run rl_hull run --bundle "$b" rl-ranges
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(map_host "$(sed -n 1,2p <<<"$output")" 0)" = "$RL_UID" ]
  [ "$(map_host "$(sed -n 1,2p <<<"$output")" 1)" = "$us" ]
  [ "$(map_host "$(sed -n 3,4p <<<"$output")" 1)" = "$gs" ]
  [ "$(awk '{print $3, $4}' <<<"${lines[4]}")" = "1000 1001" ]
  # The file belongs, on the host, to the subordinate ids (1000 -> us+999).
  [ "$(stat -c '%u %g' "$b/rootfs/f")" = "$((us + 999)) $((gs + 1000))" ]
}

# The user's helpers (newuidmap, pasta) reach /proc/<shim> until the shim
# has its namespaces set up: it stays dumpable, owned by the user. A
# createRuntime hook (run by hull, as the user, at that point) opens the
# shim's ns/user as pasta does. Once the shim mistook itself for privileged
# when the parent's uid map came first (the gid map's open, or pasta's,
# then failed with EACCES): a few creates in a row give that race room.
@test "rootless create: the shim stays reachable by the user's helpers until it runs" {
  b=$(rl_make_bundle reach)
  rl_update_config "$b" '.process.args = ["true"] |
    .hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c",
      "pid=$(sed -n \"s/.*\\\"pid\\\": *\\([0-9]*\\).*/\\1/p\"); [ \"$(stat -c %u /proc/$pid/ns)\" = \"$(id -u)\" ] && exec 3</proc/$pid/ns/user || { echo \"shim $pid: $(stat -c %u /proc/$pid/ns)\" >&2; exit 1; }"]}]'
  for i in $(seq 10); do
    rl_hull create --bundle "$b" "rl-reach-$i" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/err" ||
      { cat "$BATS_TEST_TMPDIR/err"; false; }
    rl_hull delete --force "rl-reach-$i"
  done
}

@test "rootless: a mapping the user does not own is a clear error, nothing left behind" {
  command -v newuidmap >/dev/null || skip "newuidmap (uidmap) missing"
  b=$(rl_make_bundle notmine)
  rl_update_config "$b" '.linux.uidMappings += [{containerID: 1, hostID: 1, size: 10}]'
  run rl_hull run --bundle "$b" rl-notmine
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.uidMappings: "*newuidmap*"0 $RL_UID 1,1 1 10"*"/etc/subuid"* ]]
  [ -z "$(rl_hull list -q)" ]
  [ -z "$(ls -A "$RL_DIR/run/hull")" ]
  # The same for gids.
  b=$(rl_make_bundle notmine-g)
  rl_update_config "$b" '.linux.gidMappings += [{containerID: 1, hostID: 1, size: 10}]'
  run rl_hull run --bundle "$b" rl-notmine-g
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.gidMappings: "*newgidmap*"/etc/subgid"* ]]
  [ -z "$(rl_hull list -q)" ]
}

@test "rootless: no user namespace or no mapping is refused with the reason" {
  b=$(rl_make_bundle nouserns)
  rl_update_config "$b" '.linux.namespaces |= map(select(.type != "user")) |
    del(.linux.uidMappings, .linux.gidMappings)'
  run rl_hull run --bundle "$b" rl-nouserns
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.namespaces: hull runs unprivileged (uid $RL_UID)"*"user namespace"* ]]
  b=$(rl_make_bundle nomap)
  rl_update_config "$b" 'del(.linux.gidMappings)'
  run rl_hull run --bundle "$b" rl-nomap
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.gidMappings: required with a new user namespace"* ]]
  [ -z "$(rl_hull list -q)" ]
}

@test "rootless lifecycle: create, start, state, ps, exec, kill, delete" {
  b=$(rl_make_bundle life)
  rl_update_config "$b" '.process.args = ["sleep", "600"]'
  rl_hull create --bundle "$b" rl-life
  [ -p "$RL_DIR/run/hull/rl-life/exec.fifo" ]
  [ "$(stat -c %u "$RL_DIR/run/hull/rl-life/state.json")" = "$RL_UID" ]
  [ "$(rl_hull state rl-life | jq -r .status)" = created ]
  rl_hull start rl-life
  rl_wait_status rl-life running
  pid=$(rl_hull state rl-life | jq -r .pid)
  # The container's init is the user's process on the host.
  [ "$(stat -c %u "/proc/$pid")" = "$RL_UID" ]
  # No cgroup: ps lists the container's pid namespace.
  rl_hull exec --detach rl-life sleep 500
  run rl_hull ps --format json rl-life
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(jq length <<<"$output")" -eq 2 ]
  [ "$(jq -r "index($pid)" <<<"$output")" != null ]
  epid=$(jq -r "map(select(. != $pid))[0]" <<<"$output")
  [ "$(tr '\0' ' ' <"/proc/$epid/cmdline")" = "sleep 500 " ]
  run rl_hull exec rl-life sh -c 'id -u; cat /proc/1/cmdline | tr "\0" " "'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = "sleep 600 " ]
  run rl_hull exec rl-life sh -c 'exit 3'
  [ "$status" -eq 3 ]
  rl_hull kill --all rl-life KILL
  rl_wait_status rl-life stopped
  for _ in $(seq 50); do [ -e "/proc/$epid" ] || break; sleep 0.1; done
  [ ! -e "/proc/$epid" ]
  rl_hull delete rl-life
  run rl_hull state rl-life
  [ "$status" -ne 0 ]
  [ ! -e "$RL_DIR/run/hull/rl-life" ]
  [ ! -e "/proc/$pid" ] || [ "$(awk '/^State/ {print $2}' "/proc/$pid/status")" = Z ]
}

@test "rootless delete --force stops a running container" {
  b=$(rl_make_bundle force)
  rl_update_config "$b" '.process.args = ["sleep", "600"]'
  rl_hull run --detach --bundle "$b" rl-force
  rl_wait_status rl-force running
  pid=$(rl_hull state rl-force | jq -r .pid)
  rl_hull delete --force rl-force
  [ ! -e "$RL_DIR/run/hull/rl-force" ]
  for _ in $(seq 50); do [ -e "/proc/$pid" ] || break; sleep 0.1; done
  [ ! -e "/proc/$pid" ]
}

@test "rootless without delegation: limits warn and the container still runs; pause says why not" {
  b=$(rl_make_bundle limits)
  rl_update_config "$b" '.linux.resources = {memory: {limit: 67108864}, pids: {limit: 50}} |
    .process.args = ["sleep", "600"]'
  # (a file, not bats' pipe: the detached container inherits it)
  rl_hull run --detach --bundle "$b" rl-limits </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/err"
  cat "$BATS_TEST_TMPDIR/err"
  grep -q "warning: rootless: cgroup .*unavailable.*linux.resources are not applied" "$BATS_TEST_TMPDIR/err"
  rl_wait_status rl-limits running
  run rl_hull pause rl-limits
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *cgroup* ]]
  [ "$(rl_hull state rl-limits | jq -r .status)" = running ]
  rl_hull delete --force rl-limits
}

# CVE-2023-25809: a rootless container must never get a writable host
# cgroupfs or sysfs, whatever its config says.
@test "rootless: /sys and /sys/fs/cgroup are read-only, even when the config asks for rw" {
  b=$(rl_make_bundle sysro)
  rl_update_config "$b" '.mounts |= map(if .destination == "/sys" or .destination == "/sys/fs/cgroup"
      then .options |= map(select(. != "ro")) else . end) |
    .process.args = ["sh", "-c", "grep -E \" /sys(/fs/cgroup)? \" /proc/self/mountinfo; for f in /sys/fs/cgroup/x /sys/fs/cgroup/pids/x /sys/kernel/x; do touch $f 2>&1; done; true"]'
  run rl_hull run --bundle "$b" rl-sysro
  echo "$output"
  [ "$status" -eq 0 ]
  mi=$(grep -E ' /sys(/fs/cgroup)? ' <<<"$output")
  [ "$(wc -l <<<"$mi")" -ge 2 ]
  # The per-mount options (field 6) of every one start with ro (those
  # stacked under the cgroup mount too).
  while read -r line; do
    [[ "$(awk '{print $6}' <<<"$line")" == ro,* ]]
  done <<<"$mi"
  [ "$(grep -c 'Read-only file system' <<<"$output")" -eq 3 ]
  # Mounts below /sys/fs/cgroup (the v1 hierarchies, bound recursively) are
  # read-only too.
  b2=$(rl_make_bundle sysro2)
  rl_update_config "$b2" '.process.args = ["sh", "-c", "awk \"\\$5 ~ /^\\\\/sys/ {print \\$5, \\$6}\" /proc/self/mountinfo"]'
  run rl_hull run --bundle "$b2" rl-sysro2
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -ge 2 ]
  ! grep -v ' ro' <<<"$output"
}

# usernet_run TOOL NAME CMD: `hull run --net TOOL` as the user, of a fresh
# bundle NAME with a network namespace of its own whose process is
# `sh -c CMD`. Its output goes to $BATS_TEST_TMPDIR/out (a file: pasta is a
# daemon that would hold bats' pipe) and is shown.
usernet_run() {
  local tool=$1 name=$2 cmd=$3 b
  rl_need_tun
  b=$(rl_make_bundle "$name")
  rl_update_config "$b" '.linux.namespaces += [{type: "network"}] |
    .process.args = ["sh", "-c", $c]' --arg c "$cmd"
  rl_hull run --net "$tool" --bundle "$b" "rl-$name" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1
  local rc=$?
  cat "$BATS_TEST_TMPDIR/out"
  return "$rc"
}

@test "rootless pasta through hull run: address and route inside, pasta gone when run returns" {
  command -v pasta >/dev/null || skip "pasta (passt) missing"
  usernet_run pasta pasta "ip -4 -o addr show scope global; ip route | grep ^default"
  grep -q ' inet [0-9.]*/[0-9]* ' "$BATS_TEST_TMPDIR/out"
  grep -q '^default via [0-9.]* dev ' "$BATS_TEST_TMPDIR/out"
  [ ! -e "$RL_DIR/run/hull/rl-pasta" ]
  ! pgrep -u "$RL_UID" -f "$RL_DIR/run/hull/rl-pasta/" >/dev/null
}

@test "rootless pasta: a host loopback listener through the gateway; pasta stops at delete" {
  command -v pasta >/dev/null || skip "pasta (passt) missing"
  rl_need_tun
  b=$(rl_make_bundle pasta-d)
  rl_update_config "$b" '.linux.namespaces += [{type: "network"}] | .process.args = ["sleep", "600"]'
  rc=0
  rl_hull run --detach --net pasta --bundle "$b" rl-pasta-d </dev/null >/dev/null \
    2>"$BATS_TEST_TMPDIR/err" || rc=$?
  cat "$BATS_TEST_TMPDIR/err"
  [ "$rc" -eq 0 ]
  rl_wait_status rl-pasta-d running
  tool=$(cat "$RL_DIR/run/hull/rl-pasta-d/usernet.pid")
  [[ "$(cat "/proc/$tool/comm")" == pas* ]]
  # pasta maps the gateway address to the host's loopback: the connection
  # never leaves the machine.
  port=$((20000 + RANDOM % 20000))
  # Neither busybox nc closes on its stdin's end, so both sides are
  # bounded by timeout and only what arrived is checked.
  rl_run sh -c "echo hello-from-host | timeout 15 busybox nc -l -p $port 127.0.0.1" \
    >"$BATS_TEST_TMPDIR/listener" 2>&1 3>&- &
  listener=$!
  for _ in $(seq 50); do ss -ltn | grep -q "127.0.0.1:$port " && break; sleep 0.1; done
  run rl_hull exec rl-pasta-d sh -c "gw=\$(ip route | awk '/^default/ {print \$3}'); timeout 5 nc \$gw $port </dev/null"
  echo "$output"
  kill "$listener" 2>/dev/null || true
  wait "$listener" || true
  [ "${lines[0]}" = hello-from-host ]
  rl_hull delete --force rl-pasta-d
  for _ in $(seq 50); do [ -e "/proc/$tool" ] || break; sleep 0.1; done
  [ ! -e "/proc/$tool" ]
}

@test "rootless slirp4netns through hull run: tap0 with its address and route" {
  command -v slirp4netns >/dev/null || skip "slirp4netns missing"
  usernet_run slirp4netns slirp "ip -4 -o addr show tap0; ip route | grep ^default"
  grep -q ' inet 10.0.2.100/24 ' "$BATS_TEST_TMPDIR/out"
  grep -q '^default via 10.0.2.2 dev tap0' "$BATS_TEST_TMPDIR/out"
  [ ! -e "$RL_DIR/run/hull/rl-slirp" ]
}

# Rootless podman runs the runtime as root of a user namespace it made,
# without --root and with no user namespace in the config.
@test "root in someone else's user namespace: XDG state, sysfs and devices bound, no cgroup needed" {
  b=$(rl_make_bundle inuserns)
  rl_update_config "$b" '.linux.namespaces |= map(select(.type != "user")) |
    del(.linux.uidMappings, .linux.gidMappings) |
    .mounts |= map(if .destination == "/sys" then {destination: "/sys", type: "sysfs",
      source: "sysfs", options: ["nosuid", "noexec", "nodev"]} else . end) |
    .process.args = ["sh", "-c", "id -u; awk \"\\$5 == \\\"/sys\\\" {print \\$6, \\$9}\" /proc/self/mountinfo; awk \"\\$5 == \\\"/dev/null\\\" {print \\$9}\" /proc/self/mountinfo; ls -l /sys/fs/cgroup >/dev/null && echo cgroupfs-visible"]'
  run rl_run unshare --user --map-root-user "$RL_DIR/bin/hull" run --bundle "$b" rl-inuserns
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" != *warning* ]]
  [ "${lines[0]}" = 0 ]
  # /sys: the host's sysfs bound read-only (a fresh one needs a netns).
  [[ "${lines[1]}" == ro,*" sysfs" ]]
  # /dev/null: a bind of the host's node (mknod is not allowed here).
  [ "${lines[2]}" = devtmpfs ] || [ "${lines[2]}" = tmpfs ]
  [ "${lines[3]}" = cgroupfs-visible ]
  # The default root was XDG_RUNTIME_DIR/hull, not /run/hull (where root
  # of that namespace could not write); run removed the container's dir.
  [ -d "$RL_DIR/run/hull" ]
  [ ! -e "$RL_DIR/run/hull/rl-inuserns" ]
  [ ! -e /run/hull/rl-inuserns ]
}

@test "rootless copy-on-write rootfs (run.hull.rootfs.overlay) with subordinate ranges: the image is untouched" {
  command -v newuidmap >/dev/null || skip "newuidmap (uidmap) missing"
  b=$(rl_make_bundle cow ranges)
  rl_update_config "$b" '.root.readonly = false | .annotations["run.hull.rootfs.overlay"] = "true" |
    .process.capabilities |= map_values(. + ["CAP_CHOWN"]) |
    .process.args = ["sh", "-c", "echo hi >/newfile; chown 1000 /newfile; rm /bin/ls; ls -n /newfile; [ -e /bin/ls ] || echo ls-gone; awk \"\\$5 == \\\"/\\\"\" /proc/self/mountinfo"]'
  run rl_hull run --bundle "$b" rl-cow
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(awk '{print $3}' <<<"${lines[0]}")" = 1000 ]
  [ "${lines[1]}" = ls-gone ]
  # Made by the user in its own user namespace: overlay with userxattr.
  [[ "${lines[2]}" == *" - overlay "*userxattr* ]]
  [ ! -e "$b/rootfs/newfile" ]
  [ -L "$b/rootfs/bin/ls" ]
  # The upper layer lived in the state dir, gone with the container.
  [ ! -e "$RL_DIR/run/hull/rl-cow" ]
}

@test "rootless run -t: the pty of the container's own devpts, owned by process.user" {
  b=$(rl_make_bundle tty ranges)
  rl_update_config "$b" '.process.terminal = true | .process.user = {uid: 1000, gid: 1000}
    | .process.consoleSize = {height: 33, width: 111}
    | .process.args = ["sh", "-c", "tty; stat -c \"owner %u mode %a\" \"$(tty)\"; stty size; ls /dev/pts | tr \"\\n\" \" \""]'
  run rl_hull run --bundle "$b" rl-tty </dev/null
  echo "$output"
  [ "$status" -eq 0 ]
  out=$(tr -d '\r' <<<"$output")
  [[ "$out" == *"/dev/pts/0"* ]]
  [[ "$out" == *"owner 1000 mode 620"* ]]
  [[ "$out" == *"33 111"* ]]
  [[ "$out" == *"0 ptmx"* ]]
}
