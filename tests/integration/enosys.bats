#!/usr/bin/env bats
# Syscalls answered with ENOSYS (valgrind 3.19, a seccomp profile such as
# Docker's old default for clone3, an older kernel), through the test
# program tests/integration/enosys:
# - clone3: hull clones the init shim with clone(2) and the same
#   namespace flags; the container still ends up in its cgroup before it
#   makes its cgroup namespace or runs anything (tests/vm/cgroup2/enosys.bats:
#   the same on cgroup v2, where the parent moves the shim);
# - pidfd_open: kill signals by pid once the start time matches, and hook
#   timeouts hold (waitpid polled).
load helpers

ENOSYS=${HULL_BUILDDIR:-.}/tests/integration/enosys

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
setup() { bundle_setup; }
teardown() { bundle_teardown; }

# hull_enosys SYSCALLS ARGS...: hull with SYSCALLS answered by ENOSYS
hull_enosys() {
  local calls=$1
  shift
  "$ENOSYS" "$calls" "$HULL" --root "$HULL_TEST_ROOT" "$@"
}

@test "enosys: the filter answers clone3, pidfd_open, pidfd_send_signal with ENOSYS" {
  "$ENOSYS" clone3,pidfd_open,pidfd_send_signal --check
  run "$ENOSYS" nosuchcall --check
  [ "$status" -eq 2 ]
  [[ "$output" == *"unknown syscall nosuchcall"* ]]
}

@test "clone3 ENOSYS: run works, exit status kept, namespaces made" {
  update_config "$B" '.process.args = ["sh", "-c", "echo pid=$$; hostname; exit 7"]'
  update_config "$B" '.hostname = "fallback"'
  run hull_enosys clone3 run --bundle "$B" c1 </dev/null
  [ "$status" -eq 7 ]
  [[ "$output" == *"pid=1"* ]]
  [[ "$output" == *fallback* ]]
}

@test "clone3 ENOSYS: create puts the shim in the container's cgroup, before its cgroup namespace" {
  update_config "$B" '.process.args = ["sh", "-c", "cat /proc/self/cgroup; sleep 60"]'
  hull_enosys clone3 create --bundle "$B" c2 </dev/null >"$B/out" 2>&1
  pid=$(hull state c2 | jq -r .pid)
  name=$(cat "$B/.cgname")
  run cat /proc/$pid/cgroup
  [[ "$output" == *":pids:/hull-test/$name"* ]]
  [[ "$output" == *":memory:/hull-test/$name"* ]]
  hull start c2
  for i in $(seq 50); do [ -s "$B/out" ] && break; sleep 0.1; done
  # the cgroup namespace's root is the container's cgroup: joined first
  run cat "$B/out"
  echo "$output"
  [ -n "$output" ]
  ! grep -v ':/$' "$B/out"
  hull exec c2 true
  hull kill c2 KILL
  wait_status c2 stopped
  hull delete c2
}

@test "clone3 ENOSYS: the pids limit holds for the container" {
  update_config "$B" '.linux.resources.pids = {"limit": 3}'
  update_config "$B" '.process.args = ["sh", "-c", "sleep 1 & sleep 1 & sleep 1 & sleep 1 & wait"]'
  run hull_enosys clone3 run --bundle "$B" c3 </dev/null
  [[ "$output" == *"fork"* || "$output" == *"Resource temporarily unavailable"* ]]
}

@test "pidfd_open ENOSYS: kill signals the running container; a stopped one is refused" {
  update_config "$B" '.process.args = ["sleep", "60"]'
  hull create --bundle "$B" c4 </dev/null >/dev/null 2>&1
  hull start c4
  run hull_enosys pidfd_open,pidfd_send_signal kill c4 KILL
  [ "$status" -eq 0 ]
  wait_status c4 stopped
  run hull_enosys pidfd_open,pidfd_send_signal kill c4 KILL
  [ "$status" -eq 1 ]
  [[ "$output" == *"container not running"* ]]
  hull delete c4
}

@test "pidfd_open ENOSYS: a hook's timeout is enforced" {
  update_config "$B" '.hooks.prestart = [{"path": "/bin/sleep", "args": ["sleep", "30"], "timeout": 1}]'
  update_config "$B" '.process.args = ["true"]'
  start=$(date +%s)
  run hull_enosys pidfd_open run --bundle "$B" c5 </dev/null
  [ "$status" -ne 0 ]
  [[ "$output" == *"timed out after 1 seconds"* ]]
  # not the hook's 30 s (a generous bound: this is not a timing test)
  [ $(($(date +%s) - start)) -lt 20 ]
}
