#!/usr/bin/env bats
# The lifecycle: create/start/state/list/kill/delete/run, status
# transitions, exit codes, signals, pid files, errors at create.
load helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

setup() { bundle_setup; }

teardown() { bundle_teardown; }

@test "create, start, stop: created -> running -> stopped, with the OCI state fields" {
  update_config "$B" '.process.args = ["sleep", "60"]'
  update_config "$B" '.annotations = {"org.example.k": "v"}'
  hull create --bundle "$B" --pid-file "$B/init.pid" c1 </dev/null >"$B/out" 2>&1
  run hull state c1
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -r .status)" = created ]
  [ "$(echo "$output" | jq -r .id)" = c1 ]
  [ "$(echo "$output" | jq -r .ociVersion)" = 1.3.0 ]
  [ "$(echo "$output" | jq -r .bundle)" = "$B" ]
  [ "$(echo "$output" | jq -r .rootfs)" = "$B/rootfs" ]
  [ "$(echo "$output" | jq -r .owner)" = root ]
  [ "$(echo "$output" | jq -r '.annotations["org.example.k"]')" = v ]
  [[ "$(echo "$output" | jq -r .created)" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z$ ]]
  pid=$(echo "$output" | jq -r .pid)
  # pid file: decimal, no newline, the init's host pid
  [ "$(cat "$B/init.pid")" = "$pid" ]
  [ "$(tail -c 1 "$B/init.pid" | od -An -c | tr -d ' ')" != '\n' ]
  [ -d "/proc/$pid" ]

  hull start c1
  [ "$(status_of c1)" = running ]
  [ "$(hull state c1 | jq -r .pid)" = "$pid" ]
  # the init is the configured process now
  [ "$(tr '\0' ' ' </proc/$pid/cmdline)" = "sleep 60 " ]

  hull kill c1 KILL
  wait_status c1 stopped
  [ "$(hull state c1 | jq -r .pid)" = 0 ]
  hull delete c1
  run hull state c1
  [ "$status" -eq 1 ]
  [[ "$output" == *"does not exist"* ]]
}

@test "start twice fails; start of a stopped container fails" {
  update_config "$B" '.process.args = ["true"]'
  hull create --bundle "$B" c2 </dev/null >/dev/null 2>&1
  hull start c2
  wait_status c2 stopped
  run hull start c2
  [ "$status" -eq 1 ]
  [[ "$output" == *"stopped"* ]]
}

@test "absent containers: state, kill, delete, start fail with 'does not exist'; delete --force exits 0" {
  for cmd in state kill delete start pause resume ps; do
    run hull $cmd nosuch
    [ "$status" -eq 1 ]
    [[ "$output" == *"does not exist"* ]]
  done
  run hull delete --force nosuch
  [ "$status" -eq 0 ]
  run hull delete -f nosuch
  [ "$status" -eq 0 ]
}

@test "an existing id is refused, and invalid ids are refused" {
  update_config "$B" '.process.args = ["sleep", "60"]'
  hull create --bundle "$B" dup </dev/null >/dev/null 2>&1
  run hull create --bundle "$B" dup
  [ "$status" -eq 1 ]
  [[ "$output" == *"already exists"* ]]
  [ "$(status_of dup)" = created ]
  run hull create --bundle "$B" ../evil
  [ "$status" -eq 1 ]
  [[ "$output" == *"invalid container id"* ]]
}

@test "list: table, json and --quiet; tolerant of half-made entries" {
  update_config "$B" '.process.args = ["sleep", "60"]'
  hull create --bundle "$B" la </dev/null >/dev/null 2>&1
  hull create --bundle "$B" lb </dev/null >/dev/null 2>&1
  hull start lb
  mkdir "$HULL_TEST_ROOT/halfmade"   # a create killed before state.json
  run hull list
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == "ID"*"PID"*"STATUS"*"BUNDLE"*"CREATED"*"OWNER"* ]]
  [[ "$output" == *"la "*"created"* ]]
  [[ "$output" == *"lb "*"running"* ]]
  run hull list --format json
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -r 'map(.id) | sort | join(",")')" = "la,lb" ]
  [ "$(echo "$output" | jq -r '.[] | select(.id=="lb") | .status')" = running ]
  run hull list -q
  [ "$output" = "$(printf 'la\nlb')" ]
  # delete --force removes a half-made entry too
  hull delete --force halfmade
  [ ! -e "$HULL_TEST_ROOT/halfmade" ]
}

@test "delete: refuses a running container, --force kills it; a created one goes" {
  update_config "$B" '.process.args = ["sleep", "60"]'
  hull create --bundle "$B" d1 </dev/null >/dev/null 2>&1
  hull start d1
  pid=$(hull state d1 | jq -r .pid)
  run hull delete d1
  [ "$status" -eq 1 ]
  [[ "$output" == *"not stopped"* ]]
  [ -d "/proc/$pid" ]
  hull delete --force d1
  ! kill -0 "$pid" 2>/dev/null
  [ ! -e "$HULL_TEST_ROOT/d1" ]

  hull create --bundle "$B" d2 </dev/null >/dev/null 2>&1
  pid=$(hull state d2 | jq -r .pid)
  hull delete --force d2
  ! kill -0 "$pid" 2>/dev/null
  [ ! -e "$HULL_TEST_ROOT/d2" ]
  run hull list -q
  [ -z "$output" ]
}

@test "kill: names, SIG-less names, numbers, default TERM" {
  update_config "$B" '.process.args = ["sh", "-c", "trap \"echo got-usr1 >>/tmp/sig\" USR1; trap \"exit 0\" TERM; while :; do sleep 0.05; done"]'
  update_config "$B" '.root.readonly = false'
  hull create --bundle "$B" k1 </dev/null >/dev/null 2>&1
  hull start k1
  rootfs_tmp() { cat "/proc/$(hull state k1 | jq -r .pid)/root/tmp/sig" 2>/dev/null | wc -l; }
  sleep 0.2 # let sh install its traps
  n=0
  for s in SIGUSR1 USR1 usr1 10; do
    hull kill k1 $s
    n=$((n + 1))
    for i in $(seq 100); do [ "$(rootfs_tmp)" -ge $n ] && break; sleep 0.05; done
    [ "$(rootfs_tmp)" -eq $n ]
  done
  run hull kill k1 NOSUCHSIG
  [ "$status" -eq 1 ]
  [[ "$output" == *"unknown signal"* ]]
  hull kill k1
  wait_status k1 stopped
  run hull kill k1 KILL
  [ "$status" -eq 1 ]
}

@test "kill --all signals every process of the container" {
  update_config "$B" '.process.args = ["sh", "-c", "sleep 60 & sleep 60 & wait"]'
  hull create --bundle "$B" ka </dev/null >/dev/null 2>&1
  hull start ka
  for i in $(seq 100); do [ "$(hull ps --format json ka | jq length)" -ge 3 ] && break; sleep 0.05; done
  pids=$(hull ps --format json ka | jq -r '.[]')
  [ "$(echo "$pids" | wc -l)" -eq 3 ]
  hull kill --all ka 9
  wait_status ka stopped
  for p in $pids; do ! kill -0 "$p" 2>/dev/null; done
}

@test "ps: json is a bare array of host pids; table keeps the ps header" {
  update_config "$B" '.process.args = ["sleep", "60"]'
  hull create --bundle "$B" p1 </dev/null >/dev/null 2>&1
  hull start p1
  pid=$(hull state p1 | jq -r .pid)
  run hull ps --format json p1
  [ "$status" -eq 0 ]
  [ "$output" = "[$pid]" ]
  run hull ps p1
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *PID* ]]
  [[ "${lines[1]}" == *"$pid"*"sleep 60"* ]]
  [ "${#lines[@]}" -eq 2 ]
  run hull ps p1 -o pid,comm
  [ "$status" -eq 0 ]
  [[ "${lines[1]}" == *"$pid sleep"* ]]
}

@test "pause and resume: status paused, exec refused unless --ignore-paused" {
  # 11 hull commands: under check-valgrind on a busy host (12 s each seen)
  # a sleep 60 ended before the last exec, which then found it stopped.
  update_config "$B" '.process.args = ["sleep", "3600"]'
  hull create --bundle "$B" pa </dev/null >/dev/null 2>&1
  hull start pa
  hull pause pa
  [ "$(status_of pa)" = paused ]
  run hull exec pa true
  [ "$status" -eq 255 ]
  [[ "$output" == *"paused"* ]]
  run hull pause pa
  [ "$status" -eq 1 ]
  hull resume pa
  [ "$(status_of pa)" = running ]
  run hull resume pa
  [ "$status" -eq 1 ]
  hull exec pa true
}

@test "run: foreground exit code, stdout/stderr inherited, deleted after" {
  update_config "$B" '.process.args = ["sh", "-c", "echo to-out; echo to-err >&2; exit 7"]'
  run hull run --bundle "$B" r1
  [ "$status" -eq 7 ]
  [[ "$output" == *"to-out"* ]]
  [[ "$output" == *"to-err"* ]]
  run hull state r1
  [ "$status" -eq 1 ]
  [ ! -e "$HULL_TEST_ROOT/r1" ]
}

@test "run: 128+N when the container is killed by signal N; --keep keeps it" {
  update_config "$B" '.process.args = ["sleep", "60"]'
  hull run --keep --bundle "$B" r2 </dev/null >/dev/null 2>&1 &
  runpid=$!
  for i in $(seq 100); do [ "$(status_of r2 2>/dev/null)" = running ] && break; sleep 0.05; done
  hull kill r2 KILL
  wait "$runpid" || rc=$?
  [ "$rc" -eq 137 ]
  [ "$(status_of r2)" = stopped ]
  hull delete r2
}

@test "run forwards signals to the container" {
  update_config "$B" '.process.args = ["sh", "-c", "trap \"exit 42\" USR1; while :; do sleep 0.05; done"]'
  # the binary itself, not the hull() wrapper: $! must be hull's pid
  "$HULL" --root "$HULL_TEST_ROOT" run --bundle "$B" r3 </dev/null >/dev/null 2>&1 &
  runpid=$!
  for i in $(seq 100); do [ "$(status_of r3 2>/dev/null)" = running ] && break; sleep 0.05; done
  sleep 0.2 # let sh install its trap
  kill -USR1 "$runpid"
  wait "$runpid" || rc=$?
  [ "$rc" -eq 42 ]
  [ ! -e "$HULL_TEST_ROOT/r3" ]
}

@test "run --detach returns at once with the container running" {
  update_config "$B" '.process.args = ["sleep", "60"]'
  hull run -d --pid-file "$B/pid" --bundle "$B" r4 </dev/null >/dev/null 2>&1
  [ "$(status_of r4)" = running ]
  [ "$(cat "$B/pid")" = "$(hull state r4 | jq -r .pid)" ]
}

@test "a missing args[0] fails create with 'no such file or directory', leaving nothing" {
  update_config "$B" '.process.args = ["/no/such/binary"]'
  run hull create --bundle "$B" m1
  [ "$status" -eq 1 ]
  [[ "$output" == *"no such file or directory"* ]]
  update_config "$B" '.process.args = ["nosuchcmd"]'
  run hull create --bundle "$B" m1
  [ "$status" -eq 1 ]
  [[ "$output" == *"no such file or directory"* ]]
  [[ "$output" == *"not found in \$PATH"* ]]
  run hull list -q
  [ -z "$output" ]
  [ ! -e "$HULL_TEST_ROOT/m1" ]
}

@test "a non-executable args[0] fails create with 'permission denied'" {
  update_config "$B" '.process.args = ["/etc/passwd"]'
  run hull create --bundle "$B" m2
  [ "$status" -eq 1 ]
  [[ "$output" == *"permission denied"* ]]
  [ ! -e "$HULL_TEST_ROOT/m2" ]
}

@test "errors from inside the shim reach the caller (bad cwd) and everything is undone" {
  update_config "$B" '.process.cwd = "/no/such/dir"'
  run hull create --bundle "$B" e1
  [ "$status" -eq 1 ]
  [[ "$output" == *"process.cwd"* ]]
  [ ! -e "$HULL_TEST_ROOT/e1" ]
  ! ls -d /sys/fs/cgroup/*/hull-test/"$(cat "$B/.cgname")" 2>/dev/null
}

@test "--log --log-format json gets the error line containerd shows" {
  update_config "$B" '.process.args = ["nosuchcmd"]'
  run hull --log "$B/log.json" --log-format json create --bundle "$B" l1
  [ "$status" -eq 1 ]
  # every line is one JSON object with level, msg and an RFC 3339 time
  jq -e -s 'all(has("level") and has("msg") and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2})$")))' "$B/log.json"
  [ "$(tail -n1 "$B/log.json" | jq -r .level)" = error ]
  [[ "$(tail -n1 "$B/log.json" | jq -r .msg)" == *"no such file or directory"* ]]
}

@test "delete works when the saved config.json no longer passes the parser; poststop still runs" {
  L=$BATS_TEST_TMPDIR/hooklog
  mkdir -p "$L"
  update_config "$B" '.process.args = ["sleep", "60"]
    | .hooks.poststop = [{path: "/bin/sh", args: ["sh", "-c", ("cat > " + $l + "/poststop.json")]}]' --arg l "$L"
  hull create --bundle "$B" lz </dev/null >/dev/null 2>&1
  hull start lz
  pid=$(hull state lz | jq -r .pid)
  # what a stricter hull might refuse: a wrong type deep inside, a bad hook
  cfg=$HULL_TEST_ROOT/lz/config.json
  jq '.linux.resources.memory.limit = "lots" | .hooks.poststop += [{path: "relative"}]' "$cfg" >"$cfg.new"
  mv "$cfg.new" "$cfg"
  run hull delete --force lz
  [ "$status" -eq 0 ]
  ! kill -0 "$pid" 2>/dev/null
  [ ! -e "$HULL_TEST_ROOT/lz" ]
  [ "$(jq -r .id "$L/poststop.json")" = lz ]
  ! ls -d /sys/fs/cgroup/*/hull-test/"$(cat "$B/.cgname")" 2>/dev/null

  # not even JSON: still deleted, with a warning
  hull create --bundle "$B" lm </dev/null >/dev/null 2>&1
  echo '{"ociVersion": ' >"$HULL_TEST_ROOT/lm/config.json"
  run hull delete --force lm
  [ "$status" -eq 0 ]
  [[ "$output" == *"lm"*"config.json"* ]]
  [ ! -e "$HULL_TEST_ROOT/lm" ]
  ! ls -d /sys/fs/cgroup/*/hull-test/"$(cat "$B/.cgname")" 2>/dev/null
}

@test "kill --all without a pid namespace: the init's death leaves the rest, --all reaches them" {
  update_config "$B" '.linux.namespaces |= map(select(.type != "pid"))
    | .process.args = ["sh", "-c", "sleep 600 & sleep 600 & wait"]'
  hull create --bundle "$B" kn </dev/null >/dev/null 2>&1
  hull start kn
  procs=$(ls -d /sys/fs/cgroup/pids/hull-test/"$(cat "$B/.cgname")")/cgroup.procs
  for i in $(seq 100); do [ "$(wc -l <"$procs")" -ge 3 ] && break; sleep 0.05; done
  [ "$(wc -l <"$procs")" -eq 3 ]
  hull kill kn KILL
  wait_status kn stopped
  # the two sleeps live on in the cgroup
  [ "$(wc -l <"$procs")" -eq 2 ]
  pids=$(cat "$procs")
  hull kill --all kn KILL
  for i in $(seq 100); do [ "$(wc -l <"$procs")" -eq 0 ] && break; sleep 0.05; done
  [ "$(wc -l <"$procs")" -eq 0 ]
  for p in $pids; do ! kill -0 "$p" 2>/dev/null; done
  hull delete kn
}

@test "hull killed with SIGKILL mid-create (parent in a hook, shim waiting): delete --force removes it all" {
  L=$BATS_TEST_TMPDIR/hooklog
  mkdir -p "$L"
  update_config "$B" '.process.args = ["sleep", "60"]
    | .hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", ("echo $$ > " + $l + "/hook.pid; exec sleep 30")]}]' --arg l "$L"
  "$HULL" --root "$HULL_TEST_ROOT" create --bundle "$B" kc </dev/null >/dev/null 2>&1 &
  hpid=$!
  for i in $(seq 200); do [ -s "$L/hook.pid" ] && break; sleep 0.05; done
  [ -s "$L/hook.pid" ]
  shim=$(jq -r .pid "$HULL_TEST_ROOT/kc/state.json")
  [ "$shim" -gt 0 ]
  kill -9 "$hpid"
  wait "$hpid" || true
  kill "$(cat "$L/hook.pid")" 2>/dev/null || true
  # the shim dies with its parent (PDEATHSIG); the entry is left for delete
  for i in $(seq 100); do kill -0 "$shim" 2>/dev/null || break; sleep 0.05; done
  ! kill -0 "$shim" 2>/dev/null
  [ -d "$HULL_TEST_ROOT/kc" ]
  ls -d /sys/fs/cgroup/*/hull-test/"$(cat "$B/.cgname")" >/dev/null
  # a create that died is stopped, not creating forever
  [ "$(status_of kc)" = stopped ]
  hull delete --force kc
  [ ! -e "$HULL_TEST_ROOT/kc" ]
  ! ls -d /sys/fs/cgroup/*/hull-test/"$(cat "$B/.cgname")" 2>/dev/null
  run hull list -q
  [ -z "$output" ]
}
