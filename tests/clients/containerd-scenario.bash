# The containerd scenario, shared by containerd.bats (runtime given with
# `ctr run --runc-binary`) and containerd-as-runc.bats (runtime found as
# `runc` first in the PATH of our private containerd). CTR_MODE says which.
# The VM legs (tests/vm/clients*/) run the same steps on pure cgroup v2,
# with CTR_SYSTEMD=1 through systemd's driver (the shim's SystemdCgroup
# option: `ctr run --runc-systemd-cgroup`, the runtime gets
# --systemd-cgroup).
#
# Each test file starts its own containerd from contrib/containerd-config.toml
# (root, state, socket and opt dir rewritten into a temp dir), in its own
# namespace; containers get cgroups under /hull-test/<prefix>-* (with
# systemd: scopes system.slice/hull-test-<prefix>-*.scope); the runtime's
# state root is in the temp dir too (--runc-root). teardown_file stops the
# daemon by pid.

# bats loads relative to the test file; the VM legs' files are elsewhere.
CLIENTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
load "$CLIENTS_DIR/helpers"

IMAGE=hull.test/busybox:latest
NS=hulltest

ctr_() {
  ctr --address "$CTR_DIR/containerd.sock" --namespace "$NS" "$@"
}

# ctr waits forever for a daemon gone away: teardown bounds each call.
ctr_bounded() {
  timeout 20 ctr --address "$CTR_DIR/containerd.sock" --namespace "$NS" "$@"
}

# The runtime options ctr passes to the runc v2 shim for a new container.
runtime_flags() {
  if [ "$CTR_MODE" = binary ]; then
    echo --runc-binary "$CLIENT_RUNTIME" --runc-root "$CTR_DIR/runtime-root"
  else
    echo --runc-root "$CTR_DIR/runtime-root"
  fi
  [ -z "${CTR_SYSTEMD:-}" ] || echo --runc-systemd-cgroup
}

# ctr_cgroup_arg ID: the linux.cgroupsPath ctr writes for container ID.
ctr_cgroup_arg() {
  if [ -n "${CTR_SYSTEMD:-}" ]; then
    echo "system.slice:hull-test:$CG_PREFIX-$1"
  else
    echo "/hull-test/$CG_PREFIX-$1"
  fi
}

# ctr_cgroup ID: where the runtime puts container ID (the path
# /proc/PID/cgroup shows): the scope systemd makes for that cgroupsPath.
ctr_cgroup() {
  if [ -n "${CTR_SYSTEMD:-}" ]; then
    echo "/system.slice/hull-test-$CG_PREFIX-$1.scope"
  else
    echo "/hull-test/$CG_PREFIX-$1"
  fi
}

# ctr_run ID [ctr run flags...] -- CMD...: a container of IMAGE named ID,
# its cgroup ctr_cgroup ID.
ctr_run() {
  local id=$1 flags=()
  shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do flags+=("$1"); shift; done
  shift
  # shellcheck disable=SC2046
  ctr_ run --fifo-dir "$CTR_DIR/fifo" --cgroup "$(ctr_cgroup_arg "$id")" \
    $(runtime_flags) "${flags[@]}" "$IMAGE" "$id" "$@"
}

# The runtime's own view (its state root for our namespace).
runtime_state() {
  "$CLIENT_RUNTIME" --root "$CTR_DIR/runtime-root/$NS" state "$1"
}

task_status() {
  ctr_ task ls | awk -v id="$1" '$1 == id { print $3 }'
}

containerd_setup_file() {
  command -v containerd >/dev/null && command -v ctr >/dev/null ||
    client_missing "containerd is not installed (tests/deps.sh installs it)" || return 1
  export CTR_DIR CG_PREFIX CTR_PID CTR_MADE_RUN
  # The shims put their sockets in /run/containerd/s whatever the config
  # says; if the host has no /run/containerd, teardown removes it again.
  CTR_MADE_RUN=
  [ -e /run/containerd ] || CTR_MADE_RUN=1
  CTR_DIR=$(mktemp -d /tmp/hull-ctr.XXXXXX)
  CG_PREFIX=ctr-$CTR_MODE-$$
  mkdir -p "$CTR_DIR/bin" "$CTR_DIR/fifo"
  sed -e "s|^root = .*|root = \"$CTR_DIR/root\"|" \
    -e "s|^state = .*|state = \"$CTR_DIR/state\"|" \
    -e "s|^  address = .*|  address = \"$CTR_DIR/containerd.sock\"|" \
    -e "s|^  path = \"/opt/containerd\"|  path = \"$CTR_DIR/opt\"|" \
    "$SRCDIR/contrib/containerd-config.toml" >"$CTR_DIR/config.toml"
  local path=$PATH
  if [ "$CTR_MODE" = path ]; then
    # The shim runs the first `runc` in its PATH (inherited from containerd).
    ln -s "$CLIENT_RUNTIME" "$CTR_DIR/bin/runc"
    path=$CTR_DIR/bin:$PATH
  fi
  PATH=$path containerd --config "$CTR_DIR/config.toml" \
    >"$CTR_DIR/containerd.log" 2>&1 </dev/null 3>&- &
  CTR_PID=$!
  if ! wait_for ctr --address "$CTR_DIR/containerd.sock" version >/dev/null 2>&1; then
    show "$(cat "$CTR_DIR/containerd.log")"
    client_missing "containerd did not start (log above)" || return 1
  fi
  make_docker_archive "$CTR_DIR/image.tar" "$IMAGE"
  ctr_ image import "$CTR_DIR/image.tar" >/dev/null
}

containerd_teardown_file() {
  [ -n "${CTR_DIR:-}" ] || return 0
  local id
  if [ -n "${CTR_PID:-}" ] && kill -0 "$CTR_PID" 2>/dev/null; then
    for id in $(ctr_bounded task ls -q 2>/dev/null); do
      ctr_bounded task kill -a -s SIGKILL "$id" >/dev/null 2>&1
      ctr_bounded task delete -f "$id" >/dev/null 2>&1
    done
    for id in $(ctr_bounded container ls -q 2>/dev/null); do
      ctr_bounded container delete "$id" >/dev/null 2>&1
    done
  fi
  kill_pid "$CTR_PID"
  # Shims outlive a killed daemon: stop any of ours (they name our socket).
  for id in $(procs_with "$CTR_DIR/"); do kill_pid "$id"; done
  for id in $(mounts_under "$CTR_DIR/" | sort -r); do umount -l "$id"; done
  if [ -n "${CTR_SYSTEMD:-}" ]; then
    for id in $(systemctl list-units --all --plain --no-legend "hull-test-$CG_PREFIX-*" | awk '{ print $1 }'); do
      systemctl stop "$id"
      systemctl reset-failed "$id" 2>/dev/null
    done
  fi
  remove_cgroups_wait "$CG_PREFIX"
  rm -rf "$CTR_DIR"
  [ -z "${CTR_MADE_RUN:-}" ] || rmdir /run/containerd/s /run/containerd 2>/dev/null || true
}

# ---- the steps -----------------------------------------------------------

scenario_attached() {
  run ctr_run att1 --rm -- sh -c 'echo out; echo err >&2; exit 3'
  [ "$status" -eq 3 ]
  [[ "$output" == *out* ]]
  [[ "$output" == *err* ]]
  # stdin reaches the container (ctr never closes it on EOF: read one line)
  run ctr_run att2 --rm -- sh -c 'read l; echo "got:$l"' <<<piped-in
  [ "$status" -eq 0 ]
  [ "$output" = got:piped-in ]
  # --null-io: the shim hands the runtime a read-only /dev/null as stdio;
  # writing to stdout must still work (runc reopens it read-write)
  run ctr_run att4 --rm --null-io -- sh -c 'echo to-null'
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  # the runtime's error (the last error line of its log.json) reaches ctr
  run ctr_run att5 --rm -- /no/such/binary
  [ "$status" -ne 0 ]
  [[ "$output" == *"OCI runtime create failed"*"/no/such/binary"*"no such file or directory"* ]]
  # the container ran in the cgroup we named (with systemd: its scope)
  run ctr_run att3 --rm -- cat /proc/self/cgroup
  [ "$status" -eq 0 ]
  [[ "$output" == *":$(ctr_cgroup att3)"* ]] || { show "$output"; false; }
}

scenario_tty() {
  # script gives ctr a pty; -e returns the child's status.
  local cmd
  cmd="stty rows 33 cols 111; ctr --address $CTR_DIR/containerd.sock --namespace $NS run -t --rm"
  cmd+=" --fifo-dir $CTR_DIR/fifo --cgroup $(ctr_cgroup_arg tty1) $(runtime_flags)"
  cmd+=" $IMAGE tty1 sh -c 'tty && $WAIT_SIZE; exit 7'"
  run script -qec "$cmd" /dev/null
  [ "$status" -eq 7 ]
  [[ "$output" == *"/dev/"* ]]
  [[ "$output" != *"not a tty"* ]]
  # ctr passed its window size on to the container's terminal
  [[ "$output" == *"size:33 111"* ]]
}

# The long-running container "det" the next steps use; CTR_DET_FLAGS: more
# ctr run flags (the VM legs give limits).
scenario_detached() {
  # shellcheck disable=SC2086
  run ctr_run det -d ${CTR_DET_FLAGS:-} -- sh -c 'trap "echo usr1 >/tmp/got-signal" USR1; while :; do sleep 0.2; done'
  [ "$status" -eq 0 ]
  [ "$(task_status det)" = RUNNING ]
  run runtime_state det
  [ "$status" -eq 0 ]
  [ "$(jq -r .status <<<"$output")" = running ]
  local pid
  pid=$(ctr_ task ls | awk '$1 == "det" { print $2 }')
  [ "$(jq -r .pid <<<"$output")" = "$pid" ]
  [ -d "$(cg_dir "$(ctr_cgroup det)" memory)" ]
  grep -q ":$(ctr_cgroup det)\$" "/proc/$pid/cgroup" || { show "$(cat "/proc/$pid/cgroup")"; false; }
}

scenario_exec() {
  run ctr_ task exec --fifo-dir "$CTR_DIR/fifo" --exec-id e1 det sh -c 'echo exec-out; exit 5'
  [ "$status" -eq 5 ]
  [ "$output" = exec-out ]
  # a missing binary is an error from the runtime, reported by ctr
  run ctr_ task exec --fifo-dir "$CTR_DIR/fifo" --exec-id e2 det /no/such/binary
  [ "$status" -ne 0 ]
  [[ "$output" == *"no such file or directory"* ]]
}

scenario_exec_tty() {
  local cmd
  cmd="stty rows 33 cols 111; ctr --address $CTR_DIR/containerd.sock --namespace $NS task exec -t"
  cmd+=" --fifo-dir $CTR_DIR/fifo --exec-id et det sh -c 'tty && $WAIT_SIZE; exit 6'"
  run script -qec "$cmd" /dev/null
  [ "$status" -eq 6 ]
  # the exec'd process has a terminal of the container's own /dev/pts
  [[ "$output" == *"/dev/pts/"* ]]
  [[ "$output" != *"not a tty"* ]]
  [[ "$output" == *"size:33 111"* ]]
}

scenario_exec_detached_and_ps() {
  run ctr_ task exec --fifo-dir "$CTR_DIR/fifo" -d --exec-id bg det sleep 1000
  [ "$status" -eq 0 ]
  local pid
  pid=$(ctr_ task ls | awk '$1 == "det" { print $2 }')
  run ctr_ task ps det
  [ "$status" -eq 0 ]
  [[ "$output" == *"$pid"* ]]
  [[ "$output" == *"ExecID:bg"* ]]
  local bgpid
  bgpid=$(awk '/ExecID:bg/ { print $1 }' <<<"$output")
  [ -n "$bgpid" ]
  [ "$(tr '\0' ' ' </proc/"$bgpid"/cmdline)" = "sleep 1000 " ]
  echo "$bgpid" >"$CTR_DIR/bg.pid"
}

scenario_pause_resume() {
  local d
  d=$(cg_dir "$(ctr_cgroup det)" freezer)
  run ctr_ task pause det
  [ "$status" -eq 0 ]
  [ "$(task_status det)" = PAUSED ]
  [ "$(jq -r .status <<<"$(runtime_state det)")" = paused ]
  if cg_v2; then
    grep -qx 'frozen 1' "$d/cgroup.events"
  else
    [ "$(cat "$d/freezer.state")" = FROZEN ]
  fi
  run ctr_ task resume det
  [ "$status" -eq 0 ]
  [ "$(task_status det)" = RUNNING ]
  if cg_v2; then
    grep -qx 'frozen 0' "$d/cgroup.events"
  else
    [ "$(cat "$d/freezer.state")" = THAWED ]
  fi
}

scenario_metrics() {
  run ctr_ task metrics --format json det
  [ "$status" -eq 0 ]
  # read by the shim from the cgroup it finds the init in (on v2 the
  # cgroup v2 metrics, named otherwise): 2 pids (sh, sleep) + bg
  [ "$(jq -r .pids.current <<<"$output")" -ge 2 ]
  if cg_v2; then
    [ "$(jq -r .memory.usage <<<"$output")" -gt 0 ]
    [ "$(jq -r .cpu.usage_usec <<<"$output")" -gt 0 ]
  else
    [ "$(jq -r .memory.usage.usage <<<"$output")" -gt 0 ]
    [ "$(jq -r .cpu.usage.total <<<"$output")" -gt 0 ]
  fi
}

# cg_limits ID MEM SHARES QUOTA PERIOD PIDS: container ID's cgroup files
# hold these limits (v1 or v2 names; v2's cpu.weight is hull's conversion
# of the shares), and with systemd its scope's properties too. PIDS "-":
# not checked (without a pids limit in the config the systemd driver, as
# runc's, leaves the scope systemd's DefaultTasksMax).
cg_limits() {
  local c cg=/sys/fs/cgroup
  c=$(ctr_cgroup "$1")
  if cg_v2; then
    is "$(cat $cg$c/memory.max)" "$2" memory.max
    is "$(cat $cg$c/cpu.weight)" "$(shares_weight "$3")" cpu.weight
    is "$(cat $cg$c/cpu.max)" "$4 $5" cpu.max
    is "$(cat $cg$c/pids.max)" "$6" pids.max
  else
    is "$(cat $cg/memory$c/memory.limit_in_bytes)" "$2" memory.limit_in_bytes
    is "$(cat $cg/cpu$c/cpu.shares)" "$3" cpu.shares
    is "$(cat $cg/cpu$c/cpu.cfs_quota_us)" "$4" cpu.cfs_quota_us
    is "$(cat $cg/cpu$c/cpu.cfs_period_us)" "$5" cpu.cfs_period_us
    is "$(cat $cg/pids$c/pids.max)" "$6" pids.max
  fi
  if [ -n "${CTR_SYSTEMD:-}" ]; then
    local u=${c##*/}
    is "$(unit_prop "$u" MemoryMax)" "$2" MemoryMax
    is "$(unit_prop "$u" CPUWeight)" "$(shares_weight "$3")" CPUWeight
    is "$(unit_prop "$u" CPUQuotaPerSecUSec)" "$(($4 * 1000 / $5))ms" CPUQuotaPerSecUSec
    is "$(unit_prop "$u" TasksMax)" "$6" TasksMax
  fi
}

# shares_weight SHARES: cgroup v2's cpu.weight for cpu.shares, as hull
# (and runc 1.3, crun 1.23) convert it (the quadratic mapping).
shares_weight() {
  jq -n --argjson s "$1" '$s | log2 as $l | pow(10; ($l * $l + 125 * $l) / 612 - 7 / 34) | ceil'
}

scenario_update() {
  run "$PYTHON" "$CLIENTS_DIR/tasks_update.py" "$CTR_DIR/containerd.sock" "$NS" det \
    '{"memory":{"limit":67108864},"cpu":{"shares":512,"quota":50000,"period":100000},"pids":{"limit":100}}'
  [ "$status" -eq 0 ] || { show "$output"; false; }
  cg_limits det 67108864 512 50000 100000 100
  # the shim now reports the new limit too
  run ctr_ task metrics --format json det
  if cg_v2; then
    is "$(jq -r .memory.usage_limit <<<"$output")" 67108864 usage_limit
  else
    is "$(jq -r .memory.usage.limit <<<"$output")" 67108864 usage.limit
  fi
  # a bad update is refused with the runtime's error, limits unchanged
  run "$PYTHON" "$CLIENTS_DIR/tasks_update.py" "$CTR_DIR/containerd.sock" "$NS" det \
    '{"cpu":{"shares":1}, "memory":{"limit":-5}}'
  [ "$status" -ne 0 ]
  cg_limits det 67108864 512 50000 100000 100
}

scenario_kill() {
  # a signal by name reaches the container's init (its trap writes a file)
  run ctr_ task kill -s SIGUSR1 det
  [ "$status" -eq 0 ]
  wait_for ctr_ task exec --fifo-dir "$CTR_DIR/fifo" --exec-id chk det cat /tmp/got-signal
  [ "$(task_status det)" = RUNNING ]
  # --all kills every process of the container, the exec'd one too
  local bgpid
  bgpid=$(cat "$CTR_DIR/bg.pid")
  run ctr_ task kill -a -s SIGKILL det
  [ "$status" -eq 0 ]
  wait_for sh -c "[ \"\$(ctr --address $CTR_DIR/containerd.sock --namespace $NS task ls | awk '\$1 == \"det\" { print \$3 }')\" = STOPPED ]"
  ! kill -0 "$bgpid" 2>/dev/null
}

scenario_delete() {
  run ctr_ task delete det
  [ "$status" -eq 0 ]
  run ctr_ container delete det
  [ "$status" -eq 0 ]
  run ctr_ container ls -q
  [ -z "$output" ]
  # the runtime forgot it (runc/hull: "does not exist")
  run runtime_state det
  [ "$status" -ne 0 ]
}

scenario_nothing_left() {
  run ctr_ task ls -q
  [ -z "$output" ]
  run ctr_ container ls -q
  [ -z "$output" ]
  # no runtime state, no overlay mounts, no cgroups, no shim or container
  # process (the daemon itself is the one process left that names our dir)
  [ -z "$(ls -A "$CTR_DIR/runtime-root/$NS" 2>/dev/null)" ]
  [ -z "$(mounts_under "$CTR_DIR/")" ]
  wait_for sh -c "[ -z \"\$(find /sys/fs/cgroup/ -mindepth 2 -maxdepth 6 -type d -path '*/hull-test*$CG_PREFIX*')\" ]"
  # with systemd: no scope unit either, not even a failed one
  [ -z "${CTR_SYSTEMD:-}" ] ||
    [ -z "$(systemctl list-units --all --plain --no-legend "hull-test-$CG_PREFIX-*")" ]
  local p left=""
  for p in $(procs_with "$CTR_DIR/"); do
    [ "$p" = "$CTR_PID" ] || left="$left $p"
  done
  [ -z "$left" ] || { show "$(ps -o pid,args -p "${left# }")"; false; }
}

# contrib/containerd-cri.toml: a containerd with the CRI plugin reads hull
# as BinaryName and loads CRI (no pod is run: no crictl, no pause image).
scenario_cri_config() {
  local d=$CTR_DIR/cri pid
  mkdir -p "$d"
  sed -e "s|^root = .*|root = \"$d/root\"|" -e "s|^state = .*|state = \"$d/state\"|" \
    -e "s|^  address = .*|  address = \"$d/containerd.sock\"|" \
    -e "s|^  path = \"/opt/containerd\"|  path = \"$d/opt\"|" \
    -e "s|^  BinaryName = .*|  BinaryName = \"$CLIENT_RUNTIME\"|" \
    -e "s|^  Root = .*|  Root = \"$d/runtime-root\"|" \
    "$SRCDIR/contrib/containerd-cri.toml" >"$d/config.toml"
  run containerd --config "$d/config.toml" config dump
  [ "$status" -eq 0 ]
  [[ "$output" == *"BinaryName = \"$CLIENT_RUNTIME\""* ]]
  containerd --config "$d/config.toml" >"$d/containerd.log" 2>&1 </dev/null 3>&- &
  pid=$!
  wait_for ctr --address "$d/containerd.sock" version >/dev/null 2>&1 || true
  run ctr --address "$d/containerd.sock" plugins ls
  kill_pid "$pid"
  [[ "$output" =~ io.containerd.grpc.v1[[:space:]]+cri[[:space:]].*ok ]] ||
    { show "$output"; show "$(tail -n 20 "$d/containerd.log")"; false; }
}
