#!/usr/bin/env bats
# create/run with a terminal: the pty comes from the container's own devpts
# (as with runc and crun), owned by process.user, sized by consoleSize;
# stdio pipes are handed to process.user as runc does.
load helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

setup() {
  bundle_setup
  RECVTTY=$HULL_BUILDDIR/tests/integration/recvtty
  PROBE='tty; ls -l /proc/self/fd/0; stat -c "owner %u:%g mode %a" "$(tty)"; stty size; ls /dev/pts | tr "\n" " "; echo; stat -c "console %t" /dev/console'
}

teardown() {
  [ -n "${RPID:-}" ] && kill "$RPID" 2>/dev/null
  bundle_teardown
  [ -n "${USERNS_DIR:-}" ] && rm -rf "$USERNS_DIR"
  return 0
}

# tty_config: a terminal, process.user 1000:1000, consoleSize 33x111, the probe.
tty_config() {
  update_config "$B" '.process.terminal = true | .process.user = {uid: 1000, gid: 1000}
    | .process.consoleSize = {height: 33, width: 111} | .process.args = ["sh", "-c", $p]' \
    --arg p "$PROBE"
}

# start_recvtty: a --console-socket receiver at $B/tty.sock writing $B/tty.out.
start_recvtty() {
  timeout 20 "$RECVTTY" "$B/tty.sock" >"$B/tty.out" &
  RPID=$!
  for i in $(seq 100); do [ -S "$B/tty.sock" ] && break; sleep 0.05; done
}

# check_probe FILE: what the probe printed through the pty (CR LF lines).
check_probe() {
  local f=$1.lf
  tr -d '\r' <"$1" >"$f"
  cat "$f"
  grep -qx '/dev/pts/0' "$f"
  grep -q '/proc/self/fd/0 -> /dev/pts/0' "$f"
  # the owner is process.user, the group the devpts's gid=5, its mode=0620
  grep -qx 'owner 1000:5 mode 620' "$f"
  grep -qx '33 111' "$f"
  # only the container's own pty is in its devpts
  grep -qx '0 ptmx ' "$f"
  grep -qx 'console 88' "$f"
}

@test "create -t: the console is /dev/pts/0 of the container's devpts, owned by process.user, consoleSize applied" {
  tty_config
  start_recvtty
  hull create --console-socket "$B/tty.sock" --bundle "$B" c1 </dev/null
  # nothing of the host's devpts: the slave hull holds is the container's
  hull start c1
  wait "$RPID"
  RPID=
  check_probe "$B/tty.out"
}

@test "run -d -t with a user namespace: the pty of the container's devpts, owned by the mapped process.user" {
  remove_test_cgroups "$B"
  userns_dir
  B=$USERNS_DIR/bundle
  make_bundle "$B"
  tty_config
  map_userns "$B"
  update_config "$B" '.process.args[2] += "; cat /proc/self/uid_map"'
  start_recvtty
  hull run -d --console-socket "$B/tty.sock" --bundle "$B" u1 </dev/null
  wait "$RPID"
  RPID=
  check_probe "$B/tty.out"
  grep -q '0 *100000 *65536' "$B/tty.out"
}

@test "run -t in the foreground without --console-socket: hull relays the container's pty" {
  tty_config
  run hull run --bundle "$B" f1 </dev/null
  echo "$output"
  [ "$status" -eq 0 ]
  echo "$output" >"$B/out"
  check_probe "$B/out"
}

@test "run -t under a terminal that has no size keeps consoleSize; a sized one wins" {
  command -v script >/dev/null || skip "no script(1)"
  tty_config
  run script -qec "$HULL --root $HULL_TEST_ROOT run --bundle $B s1" /dev/null </dev/null
  [ "$status" -eq 0 ]
  [[ "$output" == *"33 111"* ]]
  run script -qec "stty rows 12 cols 34; $HULL --root $HULL_TEST_ROOT run --bundle $B s2" /dev/null </dev/null
  [ "$status" -eq 0 ]
  [[ "$output" == *"12 34"* ]]
}

@test "a terminal without a devpts at /dev/pts fails naming process.terminal, nothing left" {
  tty_config
  update_config "$B" 'del(.mounts[] | select(.destination == "/dev/pts"))'
  run hull run --bundle "$B" n1 </dev/null
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"process.terminal: no devpts at /dev/pts"* ]]
  [ -z "$(hull list -q)" ]
  [ ! -e "$HULL_TEST_ROOT/n1" ]
  for c in /sys/fs/cgroup/*/hull-test/"$(cat "$B/.cgname")"; do [ ! -d "$c" ]; done
}

@test "stdio pipes belong to process.user (/dev/stdout works as uid 1000); a host fifo is not chowned" {
  update_config "$B" '.process.user = {uid: 1000, gid: 1000}
    | .process.args = ["sh", "-c", "echo to-dev-stdout >/dev/stdout && echo to-dev-stderr >/dev/stderr"]'
  run hull run --bundle "$B" p1 </dev/null
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *to-dev-stdout* ]]
  [[ "$output" == *to-dev-stderr* ]]
  mkfifo "$B/fifo"
  cat "$B/fifo" >"$B/fifo.out" &
  hull run --bundle "$B" p2 </dev/null >"$B/fifo" 2>&1 || true
  wait
  [ "$(stat -c %u "$B/fifo")" = 0 ]
}
