#!/usr/bin/env bats
# exec into running containers; terminals through --console-socket; fds.
load helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

setup() {
  require_root
  B=$BATS_TEST_TMPDIR/bundle
  make_bundle "$B"
  RECVTTY=$HULL_BUILDDIR/tests/integration/recvtty
}

teardown() {
  bundle_teardown
  [ -n "${USERNS_DIR:-}" ] && rm -rf "$USERNS_DIR"
  return 0
}

start_sleeper() {
  update_config "$B" '.process.args = ["sleep", "600"]'
  hull create --bundle "$B" "$1" </dev/null >"$B/$1.out" 2>&1 || { cat "$B/$1.out"; return 1; }
  hull start "$1"
}

@test "exec runs in every namespace of the container and returns its exit code" {
  remove_test_cgroups "$B"
  userns_dir
  B=$USERNS_DIR/bundle
  make_bundle "$B"
  map_userns "$B"
  start_sleeper x1
  pid=$(hull state x1 | jq -r .pid)
  run hull exec x1 sh -c 'echo $$; hostname; exit 5'
  [ "$status" -eq 5 ]
  [ "${lines[1]}" = hull ]
  [ "${lines[0]}" != "$$" ]
  # the exec'd process shares every namespace with the init
  run hull exec x1 sh -c 'for n in mnt net ipc uts pid user cgroup; do readlink /proc/self/ns/$n; done'
  [ "$status" -eq 0 ]
  i=0
  for n in mnt net ipc uts pid user cgroup; do
    [ "${lines[$i]}" = "$(readlink /proc/$pid/ns/$n)" ]
    i=$((i + 1))
  done
  # seen from the host it is uid 100000 (the mapping applied)
  run hull exec x1 cat /proc/self/uid_map
  [[ "$output" == *"100000"* ]]
}

@test "exec --user, --env, --cwd, --additional-gids, strictly parsed" {
  start_sleeper x2
  run hull exec --user 1 x2 id -u
  [ "$output" = 1 ]
  run hull exec --user 1000:1001 -g 5 -g 7 x2 id
  [[ "$output" == "uid=1000 gid=1001"*"groups="*"5"*"7"* ]]
  run hull exec -e FOO=bar --env BAZ=qux x2 sh -c 'echo $FOO-$BAZ'
  [ "$output" = bar-qux ]
  run hull exec --cwd /tmp x2 pwd
  [ "$output" = /tmp ]
  run hull exec --user root x2 true
  [ "$status" -eq 255 ]
  [[ "$output" == *"--user"* ]]
  run hull exec --user 1: x2 true
  [ "$status" -eq 255 ]
}

@test "exec --process with an OCI process object; --detach --pid-file" {
  start_sleeper x3
  cat >"$B/process.json" <<'JSON'
{"terminal": false, "user": {"uid": 2, "gid": 3, "additionalGids": [4]},
 "args": ["sh", "-c", "id; echo $ZZ; pwd"], "env": ["PATH=/bin", "ZZ=from-process"],
 "cwd": "/dev", "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"],
 "permitted": ["CAP_KILL"]}, "noNewPrivileges": true}
JSON
  run hull exec --process "$B/process.json" x3
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == "uid=2 gid=3"*"groups="*"4"* ]]
  [ "${lines[1]}" = from-process ]
  [ "${lines[2]}" = /dev ]
  # from stdin, detached, with a pid file (containerd's exec)
  jq '.args = ["sleep", "30"]' "$B/process.json" >"$B/p2.json"
  hull exec --process - --detach --pid-file "$B/exec.pid" x3 <"$B/p2.json"
  epid=$(cat "$B/exec.pid")
  [ "$(tr '\0' ' ' </proc/$epid/cmdline)" = "sleep 30 " ]
  [ "$(awk '/^Uid:/ {print $2}' /proc/$epid/status)" = 2 ]
  hull ps --format json x3 | jq -e "index($epid) != null"
}

@test "exec --cap adds to bounding/effective/permitted, never inheritable or ambient" {
  start_sleeper x4
  run hull exec --cap CAP_SYS_ADMIN --user 1000 x4 cat /proc/self/status
  [ "$status" -eq 0 ]
  capinh=$(echo "$output" | awk '/^CapInh:/ {print $2}')
  capamb=$(echo "$output" | awk '/^CapAmb:/ {print $2}')
  capbnd=$(echo "$output" | awk '/^CapBnd:/ {print $2}')
  [ "$((16#$capinh))" -eq 0 ]
  [ "$((16#$capamb))" -eq 0 ]
  [ $(( 16#$capbnd & (1 << 21) )) -ne 0 ]
}

@test "exec into a stopped container fails; a missing binary says so" {
  start_sleeper x5
  run hull exec x5 /no/such
  [ "$status" -ne 0 ]
  [[ "$output" == *"no such file or directory"* ]]
  hull kill x5 KILL
  for i in $(seq 100); do [ "$(hull state x5 | jq -r .status)" = stopped ] && break; sleep 0.05; done
  run hull exec x5 true
  [ "$status" -eq 255 ]
  [[ "$output" == *"stopped"* ]]
}

@test "terminal: the pty master goes to --console-socket; the container's stdio is the pty" {
  update_config "$B" '.process.terminal = true | .process.args = ["sh", "-c", "[ -t 0 ] && [ -t 1 ] && echo is-a-tty; read line; echo got-$line"]'
  "$RECVTTY" "$B/tty.sock" "hello
" >"$B/tty.out" &
  rpid=$!
  for i in $(seq 100); do [ -S "$B/tty.sock" ] && break; sleep 0.05; done
  hull run -d --console-socket "$B/tty.sock" --bundle "$B" t1 </dev/null >/dev/null 2>&1
  wait "$rpid"
  grep -q is-a-tty "$B/tty.out"
  grep -q got-hello "$B/tty.out"
}

@test "terminal without --console-socket is refused when detached" {
  update_config "$B" '.process.terminal = true'
  run hull create --bundle "$B" t2
  [ "$status" -eq 1 ]
  [[ "$output" == *"console-socket"* ]]
  [ ! -e "$HULL_TEST_ROOT/t2" ]
}

@test "exec --tty --console-socket" {
  start_sleeper t3
  "$RECVTTY" "$B/tty.sock" >"$B/tty.out" &
  rpid=$!
  for i in $(seq 100); do [ -S "$B/tty.sock" ] && break; sleep 0.05; done
  hull exec --tty --detach --console-socket "$B/tty.sock" t3 sh -c '[ -t 1 ] && echo exec-tty'
  wait "$rpid"
  grep -q exec-tty "$B/tty.out"
}

@test "exec --tty: the pty is the container's own /dev/pts/N (containerd/podman exec -t)" {
  start_sleeper t4
  "$RECVTTY" "$B/tty.sock" >"$B/tty.out" &
  rpid=$!
  for i in $(seq 100); do [ -S "$B/tty.sock" ] && break; sleep 0.05; done
  # as containerd's shim calls it: terminal in the process JSON, no --tty
  jq -n '{terminal: true, user: {uid: 0, gid: 0}, cwd: "/", env: ["PATH=/bin"],
          consoleSize: {height: 33, width: 111},
          args: ["sh", "-c", "tty; stty size; ls /dev/pts"]}' >"$B/process.json"
  hull exec --process "$B/process.json" --detach --console-socket "$B/tty.sock" t4
  wait "$rpid"
  cat "$B/tty.out"
  # ttyname finds it in the container's devpts: the host's ptys stay out
  grep -q '^/dev/pts/0' "$B/tty.out"
  grep -q '33 111' "$B/tty.out"
  ! grep -q 'not a tty' "$B/tty.out"
}

@test "exec --tty without a devpts in the container fails naming process.terminal" {
  update_config "$B" 'del(.mounts[] | select(.destination == "/dev/pts"))'
  start_sleeper t5
  run hull exec --tty t5 true
  [ "$status" -ne 0 ]
  [[ "$output" == *"process.terminal"* ]]
  [[ "$output" == *"/dev/pts/ptmx"* ]]
  # the container is unharmed
  [ "$(hull state t5 | jq -r .status)" = running ]
}

@test "an fd 3 inherited by create does not reach the container; --preserve-fds passes it" {
  update_config "$B" '.process.args = ["sh", "-c", "if [ -e /proc/self/fd/3 ]; then echo leaked; else echo clean; fi; ls /proc/1/fd; true"]'
  # bats owns fd 3: redirect it for the one command only
  hull create --bundle "$B" f1 </dev/null >"$B/out" 2>&1 3>"$B/fd3"
  hull start f1
  for i in $(seq 100); do [ "$(hull state f1 | jq -r .status)" = stopped ] && break; sleep 0.05; done
  [ "$(head -n1 "$B/out")" = clean ]
  # only 0, 1, 2 in the init
  [ "$(tail -n +2 "$B/out" | tr '\n' ' ')" = "0 1 2 " ]
  hull delete f1

  update_config "$B" '.process.args = ["sh", "-c", "echo through-fd3 >&3"]'
  hull run --preserve-fds 1 --bundle "$B" f2 </dev/null >/dev/null 2>&1 3>"$B/fd3"
  [ "$(cat "$B/fd3")" = through-fd3 ]
}

@test "LISTEN_FDS: socket-activation fds are passed with LISTEN_PID=1" {
  update_config "$B" '.process.args = ["sh", "-c", "echo $LISTEN_FDS-$LISTEN_PID; echo via-listen >&3"]'
  LISTEN_FDS=1 LISTEN_PID=$$ "$HULL" --root "$HULL_TEST_ROOT" run --bundle "$B" f3 \
    </dev/null >"$B/out" 2>&1 3>"$B/fd3"
  [ "$(cat "$B/out")" = 1-1 ]
  [ "$(cat "$B/fd3")" = via-listen ]
}

@test "the shim is not dumpable: /proc/<init>/exe of a created container is unreadable from inside" {
  update_config "$B" '.process.args = ["sleep", "600"]'
  hull create --bundle "$B" s1 </dev/null >/dev/null 2>&1
  pid=$(hull state s1 | jq -r .pid)
  # before start, the init is still hull's shim: it must be non-dumpable
  [ "$(awk '/^Uid:/ {print $2}' /proc/$pid/status)" = 0 ]
  run hull exec --user 1000 s1 cat /proc/1/exe
  [ "$status" -ne 0 ]
}

# recv_pidfd NAME [SIGNAL]: starts the --pidfd-socket receiver on $B/NAME.sock
# writing to $B/NAME.out; its pid in RPID. Bounded: if hull never connects
# (or the process never exits), `wait $RPID` fails the test instead of
# hanging the suite.
recv_pidfd() {
  timeout 60 "$HULL_BUILDDIR/tests/integration/recvpidfd" "$B/$1.sock" ${2:-} >"$B/$1.out" &
  RPID=$!
  for i in $(seq 100); do [ -S "$B/$1.sock" ] && break; sleep 0.05; done
}

@test "--pidfd-socket: create sends a pidfd of the init; it signals and waits for it" {
  update_config "$B" '.process.args = ["sleep", "600"]'
  recv_pidfd c 9
  hull create --pidfd-socket "$B/c.sock" --pid-file "$B/c.pid" --bundle "$B" pf1 </dev/null >/dev/null 2>&1
  # the receiver SIGKILLs through the pidfd and sees the exit
  wait "$RPID"
  [ "$(head -n1 "$B/c.out")" = "name=pidfd pid=$(cat "$B/c.pid")" ]
  [ "$(tail -n1 "$B/c.out")" = exited ]
  [ "$(hull state pf1 | jq -r .status)" = stopped ]
}

@test "--pidfd-socket: run -d and exec send the process's pidfd; a bad socket is refused first" {
  update_config "$B" '.process.args = ["sleep", "600"]'
  recv_pidfd r
  hull run -d --pidfd-socket "$B/r.sock" --bundle "$B" pf2 </dev/null >/dev/null 2>&1
  wait "$RPID"
  [ "$(cat "$B/r.out")" = "name=pidfd pid=$(hull state pf2 | jq -r .pid)" ]
  recv_pidfd e
  hull exec -d --pid-file "$B/e.pid" --pidfd-socket "$B/e.sock" pf2 sleep 600
  wait "$RPID"
  [ "$(cat "$B/e.out")" = "name=pidfd pid=$(cat "$B/e.pid")" ]
  run hull exec --pidfd-socket "$B/nosuch.sock" pf2 true
  [ "$status" -eq 255 ]
  [[ "$output" == *"--pidfd-socket: connect $B/nosuch.sock"* ]]
  run hull create --pidfd-socket "$B/nosuch.sock" --bundle "$B" pf3
  [ "$status" -eq 1 ]
  [[ "$output" == *"--pidfd-socket: connect $B/nosuch.sock"* ]]
  [ ! -e "$HULL_TEST_ROOT/pf3" ]
}

@test "exec --process - reads the OCI process object from stdin" {
  start_sleeper xs
  echo '{"args": ["sh", "-c", "echo from-stdin $FOO $(id -u); exit 3"], "cwd": "/tmp", "env": ["PATH=/bin", "FOO=bar"], "user": {"uid": 65534, "gid": 65534}}' >"$B/proc.json"
  run hull exec --process - xs <"$B/proc.json"
  [ "$status" -eq 3 ]
  [ "$output" = "from-stdin bar 65534" ]
  run hull exec --process - xs </dev/null
  [ "$status" -eq 255 ]
  echo '{"args": "nope"}' >"$B/bad.json"
  run hull exec --process - xs <"$B/bad.json"
  [ "$status" -eq 255 ]
  [[ "$output" == *"args"* ]]
}

@test "--preserve-fds beyond what the caller passed is refused (hull's own fds would follow)" {
  update_config "$B" '.process.args = ["sleep", "600"]'
  run "$HULL" --root "$HULL_TEST_ROOT" create --preserve-fds 30 --bundle "$B" pv 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
  [ "$status" -eq 1 ]
  [[ "$output" == *"--preserve-fds 30: fd 3 is not open"* ]]
  [ ! -e "$HULL_TEST_ROOT/pv" ]
  run env LISTEN_FDS=2 "$HULL" --root "$HULL_TEST_ROOT" run -d --bundle "$B" pv 3>&- 4>&-
  [ "$status" -eq 1 ]
  [[ "$output" == *"LISTEN_FDS 2: fd 3 is not open"* ]]
  start_sleeper px
  run "$HULL" --root "$HULL_TEST_ROOT" exec --preserve-fds 5 px true 3>&- 4>&- 5>&- 6>&- 7>&-
  [ "$status" -eq 255 ]
  [[ "$output" == *"--preserve-fds 5: fd 3 is not open"* ]]
  # what the caller holds is fine, and reaches the container
  run "$HULL" --root "$HULL_TEST_ROOT" exec --preserve-fds 1 px sh -c 'readlink /proc/self/fd/3' 3<"$B/config.json"
  [ "$status" -eq 0 ]
  [[ "$output" == *config.json ]]
}

# ---- signals to a foreground exec or run ----------------------------------
# A process that traps HUP, INT and TERM and exits 41, 42 or 43 on them
# (marker: /tmp/ready-N once the traps are set).
trapper() {
  echo "trap 'exit 41' HUP; trap 'exit 42' INT; trap 'exit 43' TERM; touch /tmp/ready-$1; while :; do sleep 0.1; done"
}

# alive PID: running, not a zombie.
alive() {
  [ -e "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# bg_hull ARGS...: hull in the background, FG_PID its pid once it is hull
# (not yet the subshell or env, which would take an early signal
# themselves), with default signal dispositions (env: a script's
# background job starts with SIGINT ignored, and hull passes that on).
bg_hull() {
  local comm= i
  ( trap - ERR; exec env --default-signal "$HULL" --root "$HULL_TEST_ROOT" "$@" </dev/null ) &
  FG_PID=$!
  # read: no fork, so the signal can come within microseconds of the exec
  for i in $(seq 100000); do
    read -r comm <"/proc/$FG_PID/comm" 2>/dev/null || break
    [ "$comm" = hull ] && return 0
  done
  echo "hull never started (comm \"$comm\")" >&2
  return 1
}

# fg_signal PID SIG WHEN READY: SIG to the foreground hull PID (not to its
# process), at once (WHEN=early: maybe before hull blocks signals or before
# the traps are set) or once READY exists (running), then SIGCONTs as
# timeout(1) sends after its signal (one of them, while LeakSanitizer's
# exit-time check attached to hull, made a sanitizer build spin forever).
# Sets FG_STATUS to hull's exit status; fails if hull is still there 30 s
# later (a hang, whatever the load), and kills it then.
fg_signal() {
  local p=$1 sig=$2 when=$3 ready=$4 i
  if [ "$when" = running ]; then
    for i in $(seq 300); do [ -e "$(eval echo "$ready")" ] && break; sleep 0.1; done
    [ -e "$(eval echo "$ready")" ] || { echo "the process never set its traps" >&2; return 1; }
  fi
  kill -s "$sig" "$p"
  # timeout(1) signals the child, then its process group (the first one
  # may already have ended hull)
  kill -s "$sig" "$p" 2>/dev/null || true
  for i in $(seq 200); do kill -CONT "$p" 2>/dev/null || break; done
  for i in $(seq 300); do alive "$p" || break; sleep 0.1; done
  if alive "$p"; then
    echo "hull did not exit in 30 s after SIG$sig ($when):" >&2
    ps -eo pid,ppid,pgid,stat,pcpu,wchan:20,args | awk -v p="$p" '$1 == p || $2 == p' >&2
    kill -9 "$p"
    return 1
  fi
  FG_STATUS=0
  wait "$p" || FG_STATUS=$?
}

# expect_status SIG WHEN: the trap's status; early, also 128+N (hull or the
# process killed by SIG before it blocked it or set its trap).
expect_status() {
  local want
  case $1 in HUP) want=41 ;; INT) want=42 ;; TERM) want=43 ;; esac
  [ "$FG_STATUS" -eq "$want" ] && return 0
  [ "$2" = early ] && [ "$FG_STATUS" -eq $((128 + $(kill -l "$1"))) ] && return 0
  echo "SIG$1 ($2): hull exited $FG_STATUS, wanted $want" >&2
  return 1
}

@test "exec in the foreground: a signal to hull reaches the process at any moment, hull exits with its status, nothing left" {
  start_sleeper xsig
  local init sig when n
  init=$(hull state xsig | jq -r .pid)
  for when in early running; do
    for sig in TERM INT HUP; do
      n=$RANDOM
      bg_hull exec xsig sh -c "$(trapper $n)"
      fg_signal "$FG_PID" "$sig" "$when" "/proc/$init/root/tmp/ready-$n"
      expect_status "$sig" "$when"
      # the exec'd shell and its sleep are gone: the init is alone again
      for _ in $(seq 50); do
        [ "$(hull ps --format json xsig | jq length)" = 1 ] && break
        sleep 0.1
      done
      [ "$(hull ps --format json xsig | jq length)" = 1 ]
    done
  done
  [ "$(status_of xsig)" = running ]
}

@test "run in the foreground: a signal to hull reaches the process at any moment, hull exits with its status and deletes the container" {
  local sig when n cg init
  cg=$(cat "$B/.cgname")
  for when in early running; do
    # The process is the container's pid 1, to which the kernel delivers
    # no signal it has no handler for: one that comes before its traps
    # are set is dropped (as with runc). Early, the reaper is pid 1 and
    # passes it on: the shell gets it, trap or not.
    init=
    [ "$when" = early ] && init=--init
    for sig in TERM INT HUP; do
      n=$RANDOM
      update_config "$B" '.process.args = ["sh", "-c", $s]' --arg s "$(trapper $n)"
      rm -f "$B/pid"
      bg_hull run $init --pid-file "$B/pid" --bundle "$B" r$n
      fg_signal "$FG_PID" "$sig" "$when" "/proc/\$(cat $B/pid 2>/dev/null || echo none)/root/tmp/ready-$n"
      expect_status "$sig" "$when"
      [ ! -e "$HULL_TEST_ROOT/r$n" ]
      [ ! -d "/sys/fs/cgroup/pids/hull-test/$cg" ]
    done
  done
}

@test "run in the foreground: a signal that comes after the process exited (in a poststop hook) does not replace its status" {
  # The hook runs while hull tears the container down, the process gone:
  # its SIGTERM has no one to go to and must not kill hull.
  update_config "$B" '.process.args = ["sh", "-c", "exit 7"] |
    .hooks.poststop = [{"path": "/bin/sh", "args": ["sh", "-c", "kill -TERM $PPID; kill -HUP $PPID"]}]'
  run hull run --bundle "$B" late </dev/null
  [ "$status" -eq 7 ]
  [ ! -e "$HULL_TEST_ROOT/late" ]
}
