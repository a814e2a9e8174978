#!/usr/bin/env bats
# fd hygiene with real containers: the container's process, exec'd
# processes and hooks see only the fds they are meant to (0, 1, 2, the
# hook's state on stdin, --preserve-fds, LISTEN_FDS), never one of hull's
# (rootfs dirfd, cgroup files, state dir, exec.fifo, sync socket, the
# reaper's memfd) nor a stray one of hull's caller; and hull itself leaks
# no fd across create, start, exec, pause and delete.
load helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

setup() { bundle_setup; }

teardown() { bundle_teardown; }

# What a shell has open: `ls -l` of its /proc/PID/fd (ls runs as a child,
# so its own dirfd is not in the list; `; true` keeps busybox sh from
# exec'ing it). No command substitution: its pipe would show.
LIST_FDS='ls -l /proc/$$/fd; true'

# fd_numbers: the fd numbers of `ls -l` lines on stdin, space-separated.
fd_numbers() { awk '/ -> / {print $(NF-2)}' | sort -n | tr '\n' ' ' | sed 's/ $//'; }

@test "the container's process sees exactly 0 1 2, even with the caller's stray fds open" {
  update_config "$B" '.process.args = ["sh", "-c", $s]' --arg s "$LIST_FDS"
  # fds 5 and 9 open without close-on-exec in hull's caller
  run hull run --bundle "$B" f1 5</etc/hostname 9<>"$BATS_TEST_TMPDIR/stray" </dev/null
  [ "$status" -eq 0 ]
  echo "$output"
  [ "$(echo "$output" | fd_numbers)" = "0 1 2" ]
}

@test "--preserve-fds N adds exactly fds 3..3+N-1, the caller's own files" {
  echo preserved-a >"$BATS_TEST_TMPDIR/a"
  echo preserved-b >"$BATS_TEST_TMPDIR/b"
  update_config "$B" '.process.args = ["sh", "-c", ($s + "; cat <&3; cat <&4")]' --arg s "$LIST_FDS"
  run hull run --preserve-fds 2 --bundle "$B" f2 3<"$BATS_TEST_TMPDIR/a" 4<"$BATS_TEST_TMPDIR/b" \
    7<"$BATS_TEST_TMPDIR/a" </dev/null
  [ "$status" -eq 0 ]
  echo "$output"
  [ "$(echo "$output" | fd_numbers)" = "0 1 2 3 4" ]
  [[ "$output" == *"preserved-a"*"preserved-b"* ]]
}

@test "LISTEN_FDS=2 passes fds 3 and 4 and sets LISTEN_FDS/LISTEN_PID for the container" {
  update_config "$B" '.process.args = ["sh", "-c", ($s + "; echo fds=$LISTEN_FDS pid=$LISTEN_PID")]' \
    --arg s "$LIST_FDS"
  LISTEN_FDS=2 run hull run --bundle "$B" f3 3</etc/hostname 4</etc/hostname 6</etc/hostname </dev/null
  [ "$status" -eq 0 ]
  echo "$output"
  [ "$(echo "$output" | fd_numbers)" = "0 1 2 3 4" ]
  [[ "$output" == *"fds=2 pid=1"* ]]
}

@test "exec'd processes see exactly 0 1 2 (and their --preserve-fds), nothing of hull's" {
  update_config "$B" '.process.args = ["sleep", "60"]'
  hull run -d --bundle "$B" f4 </dev/null
  run hull exec f4 sh -c "$LIST_FDS" 5</etc/hostname 9</etc/hostname </dev/null
  [ "$status" -eq 0 ]
  echo "$output"
  [ "$(echo "$output" | fd_numbers)" = "0 1 2" ]
  run hull exec --preserve-fds 1 f4 sh -c "$LIST_FDS" 3</etc/hostname 9</etc/hostname </dev/null
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | fd_numbers)" = "0 1 2 3" ]
  # the container's init (started by create + start) too
  pid=$(hull state f4 | jq -r .pid)
  [ "$(ls /proc/"$pid"/fd | sort -n | tr '\n' ' ')" = "0 1 2 " ]
}

@test "before start, the waiting shim's fds (exec.fifo, sync socket) are out of the container's reach" {
  update_config "$B" '.process.args = ["sleep", "60"]'
  hull create --bundle "$B" f9 </dev/null >/dev/null 2>&1
  pid=$(hull state f9 | jq -r .pid)
  # the shim (pid 1 until start) holds the fifo in the state dir
  ls -l /proc/"$pid"/fd | grep -q "$HULL_TEST_ROOT/f9/exec.fifo"
  # it is not dumpable: root in the container can list the numbers but
  # neither resolve nor open any of them
  run hull exec f9 sh -c 'n=0; for f in /proc/1/fd/*; do n=$((n+1)); readlink $f && echo LEAK $f; (exec 3<$f) 2>/dev/null && echo OPENED $f; done; echo fds=$n'
  echo "$output"
  [[ "$output" == *"fds="* ]]
  [[ "$output" != *"fds=0"* ]]
  [[ "$output" != *LEAK* ]]
  [[ "$output" != *OPENED* ]]
}

@test "with --init the reaper (pid 1) and the process hold only 0 1 2: no memfd, no hull fd" {
  update_config "$B" '.process.args = ["sleep", "60"]'
  hull run -d --init --bundle "$B" f5 5</etc/hostname </dev/null
  pid=$(hull state f5 | jq -r .pid)
  [ "$(ls /proc/"$pid"/fd | sort -n | tr '\n' ' ')" = "0 1 2 " ]
  child=$(tr -d ' ' </proc/"$pid"/task/"$pid"/children)
  [ -n "$child" ]
  [ "$(ls /proc/"$child"/fd | sort -n | tr '\n' ' ')" = "0 1 2 " ]
  # pid 1's executable is the sealed memfd, but no fd of it is open
  [[ "$(readlink /proc/"$pid"/exe)" == "/memfd:hull-init"* ]]
}

@test "hooks get the state on stdin and 1, 2 only: no fd of hull's or of its caller" {
  L=$BATS_TEST_TMPDIR/hookfds
  mkdir -p "$L"
  update_config "$B" '.process.args = ["sleep", "60"]
    | .mounts += [{destination: "/hookfds", type: "bind", source: $l, options: ["rbind", "rw"]}]' --arg l "$L"
  # ls exec'd by the hook's shell lists its own fds (/proc/$$ is not the
  # hook's in createContainer: the host's /proc, the container's pid
  # namespace); its dirfd on /proc/PID/fd is dropped when checking.
  for k in prestart createRuntime createContainer poststart poststop; do
    update_config "$B" '.hooks[$k] = [{path: "/bin/sh", args: ["sh", "-c", ("exec > " + $d + "/" + $k + "; exec ls -l /proc/self/fd")]}]' \
      --arg k "$k" --arg d "$L"
  done
  # startContainer runs in the container: /bin/sh and ls are busybox there
  update_config "$B" '.hooks.startContainer = [{path: "/bin/sh", args: ["sh", "-c", "exec > /hookfds/startContainer; exec ls -l /proc/self/fd"]}]'
  hull create --bundle "$B" f6 5</etc/hostname 9<>"$BATS_TEST_TMPDIR/stray" </dev/null >/dev/null 2>&1
  hull start f6 5</etc/hostname
  for i in $(seq 100); do [ -s "$L/poststart" ] && break; sleep 0.05; done
  hull delete --force f6 5</etc/hostname
  for k in prestart createRuntime createContainer startContainer poststart poststop; do
    echo "$k: $(cat "$L/$k")"
    [ "$(grep -v -- '-> /proc/[0-9]*/fd$' "$L/$k" | fd_numbers)" = "0 1 2" ]
    # stdin is the pipe carrying the state
    grep -q ' 0 -> pipe:' "$L/$k"
  done
}

@test "a foreground hull run leaks no fd across exec, pause, resume and kill" {
  update_config "$B" '.process.args = ["sleep", "60"]'
  hull run --bundle "$B" f7 </dev/null >/dev/null 2>&1 &
  runner=$!
  wait_status f7 running
  before=$(ls -l /proc/"$runner"/fd | awk 'NR > 1 {print $9, $10, $11}' | sed 's/\[[0-9]*\]//')
  echo "before: $before"
  for i in 1 2 3; do
    hull exec f7 true
    hull pause f7
    hull resume f7
    hull exec --detach f7 sleep 0
  done
  hull ps f7 >/dev/null
  hull state f7 >/dev/null
  after=$(ls -l /proc/"$runner"/fd | awk 'NR > 1 {print $9, $10, $11}' | sed 's/\[[0-9]*\]//')
  echo "after: $after"
  [ "$before" = "$after" ]
  # the runner holds nothing but stdio, its signalfd and the sync socket
  ! echo "$after" | grep -Eq "$HULL_TEST_ROOT|/sys/fs/cgroup|memfd|exec.fifo|$B"
  hull kill f7 KILL
  wait "$runner" || true
}
