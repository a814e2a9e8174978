#!/usr/bin/env bats
# Hooks, containerd's exact argv sequences, update/events/features, and
# 100 containers created and deleted concurrently.
load helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

setup() { bundle_setup; }

teardown() {
  local d
  bundle_teardown
  for d in "$BATS_TEST_TMPDIR"/many/b*; do [ -d "$d" ] && remove_test_cgroups "$d"; done
  return 0
}

# hook KIND DIR: a hook writing its stdin to DIR/KIND.json and its name
# to DIR/order.
hook() {
  jq -n --arg k "$1" --arg d "$2" \
    '{path: "/bin/sh", args: ["sh", "-c", ("cat > " + $d + "/" + $k + ".json; echo " + $k + " >> " + $d + "/order")]}'
}

@test "hooks: all six kinds run in order with the state on stdin" {
  L=$BATS_TEST_TMPDIR/hooklog
  mkdir -p "$L"
  update_config "$B" '.process.args = ["sleep", "60"]'
  # startContainer runs inside the container: its log dir is bind-mounted
  update_config "$B" '.mounts += [{"destination": "/hooklog", "type": "bind", "source": $l, "options": ["rbind", "rw"]}]' --arg l "$L"
  for k in prestart createRuntime createContainer poststart poststop; do
    update_config "$B" '.hooks[$k] = [$h]' --arg k "$k" --argjson h "$(hook "$k" "$L")"
  done
  update_config "$B" '.hooks.startContainer = [$h]' --argjson h "$(hook startContainer /hooklog)"
  hull create --bundle "$B" h1 </dev/null >/dev/null 2>&1
  [ "$(cat "$L/order" | tr '\n' ' ')" = "prestart createRuntime createContainer " ]
  pid=$(hull state h1 | jq -r .pid)
  for k in prestart createRuntime createContainer; do
    [ "$(jq -r .id "$L/$k.json")" = h1 ]
    [ "$(jq -r .status "$L/$k.json")" = creating ]
    [ "$(jq -r .pid "$L/$k.json")" = "$pid" ]
    [ "$(jq -r .bundle "$L/$k.json")" = "$B" ]
  done
  hull start h1
  for i in $(seq 100); do [ -e "$L/poststart.json" ] && break; sleep 0.05; done
  [ "$(cat "$L/order" | tr '\n' ' ')" = "prestart createRuntime createContainer startContainer poststart " ]
  [ "$(jq -r .status "$L/poststart.json")" = running ]
  [ "$(jq -r .id "$L/startContainer.json")" = h1 ]
  hull delete --force h1
  [ "$(cat "$L/order" | tr '\n' ' ')" = "prestart createRuntime createContainer startContainer poststart poststop " ]
  [ "$(jq -r .status "$L/poststop.json")" = stopped ]
  [ "$(jq -r .id "$L/poststop.json")" = h1 ]
}

@test "hooks: a failing createRuntime hook aborts create and undoes it" {
  update_config "$B" '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 3"]}]'
  run hull create --bundle "$B" h2
  [ "$status" -eq 1 ]
  [[ "$output" == *"createRuntime hook /bin/sh: exited with status 3"* ]]
  [ ! -e "$HULL_TEST_ROOT/h2" ]
  ! ls -d /sys/fs/cgroup/*/hull-test/"$(cat "$B/.cgname")" 2>/dev/null
}

@test "hooks: the mounts come after createRuntime (a bind source the hook makes is there)" {
  M=$BATS_TEST_TMPDIR/made
  update_config "$B" '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", ("mkdir -p " + $m + " && echo from-hook > " + $m + "/x")]}]' --arg m "$M"
  update_config "$B" '.mounts += [{"destination": "/made", "type": "bind", "source": $m, "options": ["rbind", "ro"]}]' --arg m "$M"
  update_config "$B" '.process.args = ["cat", "/made/x"]'
  run hull run --bundle "$B" h6
  [ "$status" -eq 0 ]
  [ "$output" = from-hook ]
}

@test "without hooks a mount before the cgroup mount fails cleanly (made before the join)" {
  update_config "$B" '(.mounts[] | select(.destination == "/dev/shm") | .options) += ["bogusopt=1"]'
  run hull run --bundle "$B" h7
  [ "$status" -eq 1 ]
  [[ "$output" == *"/dev/shm"*"bogusopt"* ]]
  [ ! -e "$HULL_TEST_ROOT/h7" ]
  ! ls -d /sys/fs/cgroup/*/hull-test/"$(cat "$B/.cgname")" 2>/dev/null
}

@test "hooks: a timeout is enforced" {
  update_config "$B" '.hooks.prestart = [{"path": "/bin/sleep", "args": ["sleep", "30"], "timeout": 1}]'
  run hull create --bundle "$B" h3
  [ "$status" -eq 1 ]
  [[ "$output" == *"timed out after 1 seconds"* ]]
  [ ! -e "$HULL_TEST_ROOT/h3" ]
}

@test "containerd's argv sequences: create/start/exec/ps/pause/resume/update/kill/delete" {
  R=$HULL_TEST_ROOT
  update_config "$B" '.process.args = ["sleep", "600"]'
  cd "$B"
  # the shim's listening socket leaks into create as fd 3
  "$HULL" --root "$R" --log "$B/log.json" --log-format json create --bundle "$B" --pid-file "$B/init.pid" ctr1 \
    </dev/null >/dev/null 2>&1 3>"$B/fd3"
  "$HULL" --root "$R" --log "$B/log.json" --log-format json start ctr1
  pid=$(cat "$B/init.pid")
  [ "$(hull state ctr1 | jq -r .pid)" = "$pid" ]
  jq '.process | .args = ["sleep", "300"]' "$B/config.json" >"$B/runc-process1"
  "$HULL" --root "$R" --log "$B/log.json" --log-format json exec --process "$B/runc-process1" --detach --pid-file "$B/exec1.pid" ctr1
  epid=$(cat "$B/exec1.pid")
  run "$HULL" --root "$R" --log "$B/log.json" --log-format json ps --format json ctr1
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -c 'sort')" = "$(echo "[$pid,$epid]" | jq -c sort)" ]
  "$HULL" --root "$R" --log "$B/log.json" --log-format json pause ctr1
  [ "$(hull state ctr1 | jq -r .status)" = paused ]
  "$HULL" --root "$R" --log "$B/log.json" --log-format json resume ctr1
  echo '{"memory":{"limit":67108864},"cpu":{"shares":512,"quota":50000,"period":100000},"pids":{"limit":100}}' |
    "$HULL" --root "$R" --log "$B/log.json" --log-format json update --resources - ctr1
  cg=/hull-test/$(cat "$B/.cgname")
  [ "$(cat /sys/fs/cgroup/memory$cg/memory.limit_in_bytes)" = 67108864 ]
  [ "$(cat /sys/fs/cgroup/pids$cg/pids.max)" = 100 ]
  [ "$(cat /sys/fs/cgroup/cpu$cg/cpu.shares)" = 512 ]
  echo '{"pids":{"limit":50}}' |
    "$HULL" --root "$R" --log "$B/log.json" --log-format json update --resources=- ctr1
  [ "$(cat /sys/fs/cgroup/pids$cg/pids.max)" = 50 ]
  "$HULL" --root "$R" --log "$B/log.json" --log-format json kill ctr1 9
  wait_status ctr1 stopped
  "$HULL" --root "$R" --log "$B/log.json" --log-format json delete ctr1
  run "$HULL" --root "$R" --log "$B/log.json" --log-format json delete --force ctr1
  [ "$status" -eq 0 ]
  ! kill -0 "$epid" 2>/dev/null
  [ ! -d "/sys/fs/cgroup/memory$cg" ]
  # no error was logged along the way
  ! grep -q '"level":"error"' "$B/log.json"
}

@test "containerd's kill --all ID 9 kills exec'd processes too" {
  R=$HULL_TEST_ROOT
  update_config "$B" '.process.args = ["sleep", "600"]'
  "$HULL" --root "$R" create --bundle "$B" --pid-file "$B/init.pid" ctr2 </dev/null >/dev/null 2>&1
  "$HULL" --root "$R" start ctr2
  jq '.process | .args = ["sleep", "300"]' "$B/config.json" >"$B/p.json"
  "$HULL" --root "$R" exec --process "$B/p.json" --detach --pid-file "$B/e.pid" ctr2
  epid=$(cat "$B/e.pid")
  "$HULL" --root "$R" kill --all ctr2 9
  wait_status ctr2 stopped
  for i in $(seq 100); do kill -0 "$epid" 2>/dev/null || break; sleep 0.05; done
  ! kill -0 "$epid" 2>/dev/null
  "$HULL" --root "$R" delete ctr2
}

@test "update with runc's flags; events --stats prints one stats line" {
  update_config "$B" '.process.args = ["sleep", "600"]'
  hull run -d --bundle "$B" u1 </dev/null >/dev/null 2>&1
  hull update --memory 32m --pids-limit 77 u1
  cg=/hull-test/$(cat "$B/.cgname")
  [ "$(cat /sys/fs/cgroup/memory$cg/memory.limit_in_bytes)" = 33554432 ]
  [ "$(cat /sys/fs/cgroup/pids$cg/pids.max)" = 77 ]
  run hull update --memory lots u1
  [ "$status" -eq 1 ]
  run hull events --stats u1
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [ "$(echo "$output" | jq -r .type)" = stats ]
  [ "$(echo "$output" | jq -r .id)" = u1 ]
  [ "$(echo "$output" | jq -r .data.pids.current)" -ge 1 ]
  [ "$(echo "$output" | jq -r .data.memory.usage.limit)" = 33554432 ]
}

@test "features lists what hull supports as runtime-spec features JSON" {
  run "$HULL" features
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -r .ociVersionMax)" = 1.3.0 ]
  [ "$(echo "$output" | jq -r '.hooks | length')" -eq 6 ]
  echo "$output" | jq -e '.linux.namespaces | index("user") != null and index("time") != null'
  echo "$output" | jq -e '.linux.capabilities | index("CAP_SYS_ADMIN") != null'
  echo "$output" | jq -e '.linux.seccomp.enabled == true and (.linux.seccomp.actions | index("SCMP_ACT_ERRNO") != null)'
  echo "$output" | jq -e '.mountOptions | index("rro") != null'
  echo "$output" | jq -e '.linux.cgroup.v1 == true'
  # exactly the eight namespaces, every run.hull.* extension, and the rest
  [ "$(echo "$output" | jq -r '.linux.namespaces | sort | join(",")')" = cgroup,ipc,mount,network,pid,time,user,uts ]
  echo "$output" | jq -e '.annotations | keys | all(startswith("run.hull."))
    and index("run.hull.init") != null and index("run.hull.net") != null
    and index("run.hull.rootfs.overlay") != null'
  # one key each (yajl would happily write a key twice)
  [ "$(echo "$output" | grep -c '"netDevices"')" -eq 1 ]
  echo "$output" | jq -e '.linux.memoryPolicy.modes | index("MPOL_BIND") != null and index("MPOL_WEIGHTED_INTERLEAVE") != null'
  echo "$output" | jq -e '.linux.memoryPolicy.flags | length == 3'
  echo "$output" | jq -e '.linux.netDevices.enabled == true and .linux.intelRdt.enabled == false'
  echo "$output" | jq -e '.linux.cgroup.systemd == true'
}

@test "100 containers created, started and deleted concurrently leave nothing behind" {
  M=$BATS_TEST_TMPDIR/many
  mkdir -p "$M"
  # only mounts of ours: other users of this host mount and unmount too
  ours() { grep -c -e "$BATS_TEST_TMPDIR" -e "$HULL_TEST_ROOT" /proc/self/mountinfo || true; }
  mounts_before=$(ours)
  for i in $(seq 100); do
    mkdir -p "$M/b$i"
    echo "many-$$-$i" >"$M/b$i/.cgname"
    jq --arg cg "/hull-test/many-$$-$i" --arg r "$B/rootfs" \
      '.linux.cgroupsPath = $cg | .root.path = $r | .process.args = ["sleep", "600"]' \
      "$B/config.json" >"$M/b$i/config.json"
  done
  seq 100 | xargs -P 8 -I{} sh -c \
    '"$0" --root "$1" create --bundle "$2/b{}" m{} </dev/null >/dev/null 2>&1 && "$0" --root "$1" start m{}' \
    "$HULL" "$HULL_TEST_ROOT" "$M"
  [ "$(hull list -q | wc -l)" -eq 100 ]
  [ "$(hull list --format json | jq '[.[] | select(.status == "running")] | length')" -eq 100 ]
  pids=$(hull list --format json | jq -r '.[].pid')
  seq 100 | xargs -P 8 -I{} "$HULL" --root "$HULL_TEST_ROOT" delete --force m{}
  [ -z "$(hull list -q)" ]
  [ -z "$(ls -A "$HULL_TEST_ROOT")" ]
  for p in $pids; do ! kill -0 "$p" 2>/dev/null; done
  ! ls -d /sys/fs/cgroup/*/hull-test/many-$$-* 2>/dev/null
  [ "$(ours)" -eq "$mounts_before" ]
}

@test "seccomp filters are cached under --root/.seccomp-cache, which list ignores" {
  update_config "$B" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
      syscalls: [{names: ["mknodat"], action: "SCMP_ACT_ERRNO"}]}
    | .process.args = ["true"]'
  hull run --bundle "$B" sc1 </dev/null
  [ "$(find "$HULL_TEST_ROOT/.seccomp-cache" -type f | wc -l)" -eq 1 ]
  [ "$(stat -c %a "$HULL_TEST_ROOT/.seccomp-cache")" = 700 ]
  # a second run of the same profile hits the cache: still one entry
  hull run --bundle "$B" sc2 </dev/null
  [ "$(find "$HULL_TEST_ROOT/.seccomp-cache" -type f | wc -l)" -eq 1 ]
  run hull list -q
  [ -z "$output" ]
}

@test "events: stats every --interval and an oom line, ending when the container stops" {
  # 3 s before the hog: events must be up first, also when hull runs
  # under valgrind (make check-valgrind: ~1 s per command)
  update_config "$B" '.process.args = ["sh", "-c", "sleep 3; x=$(head -c 200000000 /dev/zero | tr \"\\0\" a); sleep 600"]
    | .linux.resources += {"memory": {"limit": 33554432, "swap": 33554432}}'
  hull create --bundle "$B" ev1 </dev/null >/dev/null 2>&1
  hull start ev1
  run timeout 60 "$HULL" --root "$HULL_TEST_ROOT" events --interval 100ms ev1
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -r 'select(.type == "stats") | .id' | sort -u)" = ev1 ]
  [ "$(echo "$output" | jq -s 'map(select(.type == "stats")) | length')" -ge 2 ]
  echo "$output" | jq -s -e 'map(select(.type == "stats")) | all(.data.memory.usage.limit == 33554432)'
  [ "$(echo "$output" | grep -c '^{"type":"oom","id":"ev1"}$')" -eq 1 ]
  [ "$(hull state ev1 | jq -r .status)" = stopped ]
}

# first_events ARGS...: `hull events ARGS` in the background; waits (up to
# 30 s: hull may run under valgrind) for its first line, then 2 s more, and
# prints what it wrote by then. An interval of 5 s or more allows one line,
# however slow the start was.
first_events() {
  local out=$BATS_TEST_TMPDIR/events.out
  "$HULL" --root "$HULL_TEST_ROOT" events "$@" >"$out" 2>&1 &
  local pid=$!
  for i in $(seq 300); do [ -s "$out" ] && break; sleep 0.1; done
  sleep 2
  kill "$pid" 2>/dev/null
  wait "$pid" || true
  cat "$out"
}

@test "events: the default interval is no busy loop; a bad interval is refused" {
  update_config "$B" '.process.args = ["sleep", "600"]'
  hull run -d --bundle "$B" ev2 </dev/null >/dev/null 2>&1
  # 5s by default: the first line, then nothing for 2s
  run first_events ev2
  [ "${#lines[@]}" -eq 1 ]
  [ "$(echo "${lines[0]}" | jq -r .type)" = stats ]
  run hull events --interval 0 ev2
  [ "$status" -eq 1 ]
  [[ "$output" == *'--interval: invalid duration "0"'* ]]
  run hull events --interval 1x ev2
  [ "$status" -eq 1 ]
  # Go's durations, as runc reads them (the parsing itself: test_runtime)
  run first_events --interval 1m30s ev2
  [ "${#lines[@]}" -eq 1 ]
  run hull events nosuch
  [ "$status" -eq 1 ]
  [[ "$output" == *"does not exist"* ]]
}
