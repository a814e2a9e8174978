#!/usr/bin/env bats
# security/: what the container process really gets, read from inside it:
# capabilities, identity, rlimits, oom_score_adj, umask, no_new_privs,
# seccomp (errno and a notify agent on listenerPath).
load helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

setup() {
  require_root
  BUNDLE=$BATS_TEST_TMPDIR/bundle
  ID=sec-$$-$RANDOM
  make_bundle "$BUNDLE"
}

teardown() {
  hull delete --force "$ID" >/dev/null 2>&1 || true
  [ -n "${AGENT_PID:-}" ] && kill "$AGENT_PID" 2>/dev/null && wait "$AGENT_PID" 2>/dev/null
  remove_test_cgroups "$BUNDLE"
}

# run_in CMD: runs CMD with sh -c in the bundle's container, foreground.
run_in() {
  update_config "$BUNDLE" '.process.args = ["sh", "-c", $c]' --arg c "$1"
  run hull run --bundle "$BUNDLE" "$ID"
}

@test "capabilities: a root process gets exactly the configured sets" {
  run_in 'grep ^Cap /proc/self/status'
  [ "$status" -eq 0 ]
  # CAP_KILL(5) CAP_NET_BIND_SERVICE(10) CAP_AUDIT_WRITE(29)
  [[ "$output" == *"CapInh:	0000000000000000"* ]]
  [[ "$output" == *"CapPrm:	0000000020000420"* ]]
  [[ "$output" == *"CapEff:	0000000020000420"* ]]
  [[ "$output" == *"CapBnd:	0000000020000420"* ]]
  [[ "$output" == *"CapAmb:	0000000000000000"* ]]
}

@test "capabilities: a non-root process keeps its ambient set across execve" {
  update_config "$BUNDLE" '.process.user = {"uid": 1000, "gid": 1000}
    | .process.capabilities.inheritable = ["CAP_NET_BIND_SERVICE"]
    | .process.capabilities.ambient = ["CAP_NET_BIND_SERVICE"]'
  run_in 'grep ^Cap /proc/self/status'
  [ "$status" -eq 0 ]
  [[ "$output" == *"CapInh:	0000000000000400"* ]]
  [[ "$output" == *"CapPrm:	0000000000000400"* ]]
  [[ "$output" == *"CapEff:	0000000000000400"* ]]
  [[ "$output" == *"CapBnd:	0000000020000420"* ]]
  [[ "$output" == *"CapAmb:	0000000000000400"* ]]
}

@test "capabilities: an ambient capability outside permitted is refused clearly" {
  update_config "$BUNDLE" '.process.capabilities.inheritable = ["CAP_SYS_ADMIN"]
    | .process.capabilities.bounding += ["CAP_SYS_ADMIN"]
    | .process.capabilities.ambient = ["CAP_SYS_ADMIN"]'
  run_in 'true'
  [ "$status" -ne 0 ]
  [[ "$output" == *"process.capabilities.ambient: CAP_SYS_ADMIN must be in both the permitted and the inheritable sets"* ]]
}

@test "user, group and additionalGids" {
  update_config "$BUNDLE" '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [5, 100]}'
  run_in 'grep -E "^(Uid|Gid|Groups):" /proc/self/status'
  [ "$status" -eq 0 ]
  [[ "$output" == *"Uid:	1000	1000	1000	1000"* ]]
  [[ "$output" == *"Gid:	1001	1001	1001	1001"* ]]
  [[ "$output" == *"Groups:	5 100"* ]]
}

@test "rlimits are applied" {
  update_config "$BUNDLE" '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 1000},
    {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]'
  run_in 'grep -E "^Max (open files|core file size)" /proc/self/limits'
  [ "$status" -eq 0 ]
  [[ "$output" =~ Max\ open\ files\ +512\ +1000\ +files ]]
  [[ "$output" =~ Max\ core\ file\ size\ +0\ +0\ +bytes ]]
}

@test "rlimits: raising the hard nofile limit without CAP_SYS_RESOURCE is a clear error" {
  [ "$(ulimit -Hn)" -lt 1048576 ] || skip "this host allows it"
  update_config "$BUNDLE" '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1048576, "hard": 1048576}]'
  run_in 'true'
  [ "$status" -ne 0 ]
  [[ "$output" == *"process.rlimits RLIMIT_NOFILE: cannot raise the hard limit"*"CAP_SYS_RESOURCE"* ]]
}

@test "oomScoreAdj is written through the verified procfs" {
  update_config "$BUNDLE" '.process.oomScoreAdj = 321'
  run_in 'cat /proc/self/oom_score_adj'
  [ "$status" -eq 0 ]
  [ "$output" = "321" ]
}

@test "umask" {
  update_config "$BUNDLE" '.process.user.umask = 63'
  run_in 'umask'
  [ "$status" -eq 0 ]
  [ "$output" = "0077" ]
}

@test "noNewPrivileges sets NoNewPrivs" {
  run_in 'grep ^NoNewPrivs /proc/self/status'
  [ "$status" -eq 0 ]
  [[ "$output" == *"NoNewPrivs:	1"* ]]
}

@test "seccomp: a denied syscall returns errnoRet, others work" {
  update_config "$BUNDLE" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
    "syscalls": [{"names": ["mkdir", "mkdirat", "no_such_syscall"], "action": "SCMP_ACT_ERRNO", "errnoRet": 122}]}'
  run_in 'touch /tmp/ok && ls /tmp/ok && mkdir /tmp/x'
  [ "$status" -ne 0 ]
  [[ "$output" == *"/tmp/ok"* ]]
  [[ "$output" == *"Disk quota exceeded"* ]]
}

@test "seccomp: a default errno action denies what is not listed" {
  update_config "$BUNDLE" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["getpid"], "action": "SCMP_ACT_ERRNO"}]}'
  run_in 'grep -E "^Seccomp:" /proc/self/status'
  [ "$status" -eq 0 ]
  [[ "$output" == *"Seccomp:	2"* ]]
}

@test "seccomp: SCMP_ACT_NOTIFY hands the listener and state to the agent" {
  local agent=$HULL_BUILDDIR/src/security/test-seccomp-agent
  local sock=$BATS_TEST_TMPDIR/agent.sock
  "$agent" "$sock" "$BATS_TEST_TMPDIR/state.json" &
  AGENT_PID=$!
  for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
  update_config "$BUNDLE" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
    "listenerPath": $s, "listenerMetadata": "from-the-test",
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}' --arg s "$sock"
  # The agent answers "success" without doing anything: mkdir says yes,
  # but no directory exists.
  run_in 'mkdir /tmp/d && echo mkdir-ok; [ -d /tmp/d ] || echo no-dir'
  [ "$status" -eq 0 ]
  [[ "$output" == *"mkdir-ok"* ]]
  [[ "$output" == *"no-dir"* ]]
  run jq -r '.fds[0], .metadata, .ociVersion, (.pid > 0)' "$BATS_TEST_TMPDIR/state.json"
  [ "${lines[0]}" = "seccompFd" ]
  [ "${lines[1]}" = "from-the-test" ]
  [ "${lines[3]}" = "true" ]
}

@test "seccomp without noNewPrivileges still loads (before the capabilities drop)" {
  update_config "$BUNDLE" '.process.noNewPrivileges = false | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 122}]}'
  run_in 'grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status; mkdir /tmp/x'
  [ "$status" -ne 0 ]
  [[ "$output" == *"Seccomp:	2"* ]]
  [[ "$output" == *"NoNewPrivs:	0"* ]]
  [[ "$output" == *"Disk quota exceeded"* ]]
}

@test "seccomp: exec into a notify container hands its own listener to the agent" {
  local agent=$HULL_BUILDDIR/src/security/test-seccomp-agent
  local sock=$BATS_TEST_TMPDIR/agent.sock
  "$agent" "$sock" "$BATS_TEST_TMPDIR/state.json" &
  AGENT_PID=$!
  for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
  update_config "$BUNDLE" '.process.args = ["sleep", "100"] | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
    "listenerPath": $s, "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}' --arg s "$sock"
  hull run --detach --bundle "$BUNDLE" "$ID"
  run hull exec "$ID" sh -c 'mkdir /tmp/e && echo mkdir-ok; [ -d /tmp/e ] || echo no-dir'
  [ "$status" -eq 0 ]
  [[ "$output" == *"mkdir-ok"* ]]
  [[ "$output" == *"no-dir"* ]]
  [ -s "$BATS_TEST_TMPDIR/state.json.2" ]
  run jq -r '.fds[0]' "$BATS_TEST_TMPDIR/state.json.2"
  [ "$output" = "seccompFd" ]
}

@test "scheduler, ioPriority, personality, execCPUAffinity and memoryPolicy reach the process" {
  [ -d /sys/devices/system/node/node0 ] || skip "no NUMA node 0"
  update_config "$BUNDLE" '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 5}
    | .process.ioPriority = {"class": "IOPRIO_CLASS_IDLE", "priority": 0}
    | .process.execCPUAffinity = {"initial": "0"}
    | .linux.personality = {"domain": "LINUX32"}
    | .linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0"}'
  # stat fields: 19 nice, 41 policy (3 = SCHED_BATCH).
  run_in 'cat /proc/self/personality; grep Cpus_allowed_list /proc/self/status;
          cut -d" " -f19,41 /proc/self/stat; grep -m1 -o "bind:0" /proc/self/numa_maps; ionice -p $$'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "00000008" ]
  [[ "${lines[1]}" =~ Cpus_allowed_list:[[:space:]]+0$ ]]
  [ "${lines[2]}" = "5 3" ]
  [ "${lines[3]}" = "bind:0" ]
  [ "${lines[4]}" = "idle" ]
}

@test "an LSM label the host cannot apply is a clear error, not ignored" {
  [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] || [ ! -d /sys/fs/selinux ] ||
    skip "this host has both AppArmor and SELinux"
  if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
    update_config "$BUNDLE" '.process.apparmorProfile = "hull-test-profile"'
    run_in 'true'
    [ "$status" -ne 0 ]
    [[ "$output" == *'process.apparmorProfile "hull-test-profile": AppArmor is not enabled on this host'* ]]
  fi
  if [ ! -d /sys/fs/selinux ]; then
    update_config "$BUNDLE" 'del(.process.apparmorProfile) | .process.selinuxLabel = "system_u:system_r:container_t:s0"'
    run_in 'true'
    [ "$status" -ne 0 ]
    [[ "$output" == *'process.selinuxLabel "system_u:system_r:container_t:s0": SELinux is not enabled on this host'* ]]
  fi
}
