#!/usr/bin/env bats
# The optional reaper (annotation run.hull.init, --init): PID 1 is the
# static hull-init from a sealed memfd; it reaps zombies, forwards signals
# and exits with the container process's status.
load helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

setup() { bundle_setup; }

teardown() { bundle_teardown; }

# zombies ID: how many children of the container's PID 1 are zombies (a
# zombie has left the cgroup already, so ps cannot see it).
zombies() {
  local init p n=0
  init=$(hull state "$1" | jq -r .pid)
  for p in $(cat "/proc/$init/task/$init/children"); do
    [ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" = Z ] && n=$((n + 1))
  done
  echo "$n"
}

# children ID: how many children the container's PID 1 has.
children() {
  local init
  init=$(hull state "$1" | jq -r .pid)
  wc -w <"/proc/$init/task/$init/children"
}

# orphan ID: an exec'd sh leaves a background sleep behind, which then is
# a child of the container's PID 1 (exec does not reap it).
orphan() {
  hull exec "$1" sh -c 'sleep 0.2 & exit 0'
}

@test "init: PID 1 is hull-init from a sealed memfd; the process is its child" {
  update_config "$B" '.annotations["run.hull.init"] = "true"
    | .process.capabilities |= map_values(. + ["CAP_DAC_OVERRIDE", "CAP_SYS_PTRACE"])
    | .process.args = ["sh", "-c", "echo pid=$$; cat /proc/1/comm; readlink /proc/1/exe; if echo x >/proc/1/exe; then echo WROTE; fi; exit 7"]'
  run hull run --bundle "$B" i1
  [ "$status" -eq 7 ]
  [[ "$output" == *"pid=2"* ]]
  [[ "${lines[1]}" == "hull-init" ]]
  [[ "${lines[2]}" == "/memfd:hull-init (deleted)" ]]
  [[ "$output" != *WROTE* ]]
  [ ! -e "$HULL_TEST_ROOT/i1" ]
}

@test "init: orphans are reaped (without it the same orphan stays a zombie)" {
  update_config "$B" '.process.args = ["sleep", "60"]'
  # control: PID 1 is sleep, which never waits
  hull create --bundle "$B" z0 </dev/null >/dev/null 2>&1
  hull start z0
  orphan z0
  for i in $(seq 100); do [ "$(zombies z0)" -eq 1 ] && break; sleep 0.05; done
  [ "$(zombies z0)" -eq 1 ]
  hull delete --force z0

  update_config "$B" '.annotations["run.hull.init"] = "true"'
  hull create --bundle "$B" z1 </dev/null >/dev/null 2>&1
  hull start z1
  orphan z1
  # hull-init's children: the orphan until it ends, then sleep 60 alone
  for i in $(seq 100); do [ "$(children z1)" -eq 1 ] && break; sleep 0.05; done
  [ "$(children z1)" -eq 1 ]
  [ "$(zombies z1)" -eq 0 ]
  # hull-init and sleep, nothing else
  [ "$(hull ps --format json z1 | jq length)" -eq 2 ]
}

@test "init: signals are forwarded; a signal death becomes 128+N" {
  # sleep as PID 1 would ignore TERM; as hull-init's child it dies of it
  update_config "$B" '.process.args = ["sleep", "60"]'
  "$HULL" --root "$HULL_TEST_ROOT" run --init --bundle "$B" s1 </dev/null >/dev/null 2>&1 &
  runpid=$!
  wait_status s1 running
  hull kill s1 TERM
  wait "$runpid" || rc=$?
  [ "$rc" -eq 143 ]

  update_config "$B" '.process.args = ["sh", "-c", "trap \"echo usr1 >/tmp/got\" USR1; trap \"exit 42\" TERM; while :; do sleep 0.05; done"]
    | .root.readonly = false'
  hull create --init --bundle "$B" s2 </dev/null >/dev/null 2>&1
  hull start s2
  sleep 0.3 # let sh install its traps
  hull kill s2 USR1
  for i in $(seq 100); do hull exec s2 test -e /tmp/got && break; sleep 0.05; done
  hull exec s2 test -e /tmp/got
  [ "$(status_of s2)" = running ]
  hull kill s2 TERM
  wait_status s2 stopped
}

@test "init: run forwards signals through hull-init and returns the exit code" {
  update_config "$B" '.annotations["run.hull.init"] = "true"
    | .process.args = ["sh", "-c", "trap \"exit 42\" USR1; while :; do sleep 0.05; done"]'
  "$HULL" --root "$HULL_TEST_ROOT" run --bundle "$B" f1 </dev/null >/dev/null 2>&1 &
  runpid=$!
  wait_status f1 running
  sleep 0.3
  kill -USR1 "$runpid"
  wait "$runpid" || rc=$?
  [ "$rc" -eq 42 ]
}

@test "init: a bad annotation value is refused, naming it; --init wins over \"false\"" {
  update_config "$B" '.annotations["run.hull.init"] = "yes"'
  run hull create --bundle "$B" b1
  [ "$status" -eq 1 ]
  [[ "$output" == *'run.hull.init: expected "true" or "false", got "yes"'* ]]
  [ ! -e "$HULL_TEST_ROOT/b1" ]
  update_config "$B" '.annotations["run.hull.init"] = "false" | .process.args = ["cat", "/proc/1/comm"]'
  run hull run --bundle "$B" b2
  [ "$status" -eq 0 ]
  [ "$output" = cat ]
  run hull run --init --bundle "$B" b3
  [ "$status" -eq 0 ]
  [ "$output" = hull-init ]
}

@test "init: with a seccomp profile denying memfd_create, the reaper still starts" {
  update_config "$B" '.annotations["run.hull.init"] = "true"
    | .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
        syscalls: [{names: ["memfd_create"], action: "SCMP_ACT_ERRNO"}]}
    | .process.args = ["cat", "/proc/1/comm"]'
  run hull run --bundle "$B" sc1
  [ "$status" -eq 0 ]
  [ "$output" = hull-init ]
}

@test "init with a terminal: the process's group is the terminal's foreground group" {
  update_config "$B" '.annotations["run.hull.init"] = "true" | .process.terminal = true
    | .process.args = ["sh", "-c", "[ -t 0 ] && echo is-a-tty; echo pgrp-tpgid=$(cut -d\" \" -f5,8 /proc/self/stat); read l; echo got-$l"]'
  "$HULL_BUILDDIR/tests/integration/recvtty" "$B/tty.sock" "hi
" >"$B/tty.out" &
  rpid=$!
  for i in $(seq 100); do [ -S "$B/tty.sock" ] && break; sleep 0.05; done
  hull run -d --console-socket "$B/tty.sock" --bundle "$B" tt1 </dev/null >/dev/null 2>&1
  wait "$rpid"
  grep -q is-a-tty "$B/tty.out"
  # sh is pid 2 and leads its own group, which owns the terminal
  grep -q "pgrp-tpgid=2 2" "$B/tty.out"
  grep -q got-hi "$B/tty.out"
}
