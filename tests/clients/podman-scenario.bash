# podman on a pure cgroup v2 host: the steps of the VM legs
# (tests/vm/clients/podman.bats with cgroupfs, tests/vm/clients-systemd/
# with POD_SYSTEMD=1: --cgroup-manager systemd, systemd as PID 1). They run
# in order on one long-lived container d1; limits are read from the files
# of the cgroup its init really is in, and with systemd from its scope.

load "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/podman-helpers"

# d1's id and cgroup directory, kept between the steps.
d1_cid() { cat "$POD_DIR/d1.cid"; }
d1_dir() { echo "/sys/fs/cgroup$(pod_cgroup "$(d1_cid)")"; }

pod_step_run_exit() {
  run prun --rm "$IMAGE" sh -c 'echo out; echo err >&2; exit 4'
  [ "$status" -eq 4 ] || { show "$output"; false; }
  [[ "$output" == *out* ]]
  [[ "$output" == *err* ]]
  # --rm: nothing left in podman nor in the runtime's state
  run podman_ ps -aq
  [ -z "$output" ]
}

pod_step_limits() {
  run prun -d --name d1 --memory 64m --cpus 0.5 --pids-limit 50 "$IMAGE" \
    sh -c 'trap "exit 0" TERM; while :; do sleep 0.2; done'
  [ "$status" -eq 0 ] || { show "$output"; false; }
  local cid=${lines[-1]} pid d
  echo "$cid" >"$POD_DIR/d1.cid"
  [ "$(podman_ inspect -f '{{.State.Status}}' d1)" = running ]
  pid=$(podman_ inspect -f '{{.State.Pid}}' d1)
  # the init is in the cgroup the config names (v2: one line)
  grep -qx "0::$(pod_cgroup "$cid")" "/proc/$pid/cgroup" || { show "$(cat "/proc/$pid/cgroup")"; false; }
  d=$(d1_dir)
  is "$(cat "$d/memory.max")" 67108864 memory.max
  is "$(cat "$d/cpu.max")" "50000 100000" cpu.max
  is "$(cat "$d/pids.max")" 50 pids.max
  if [ -n "${POD_SYSTEMD:-}" ]; then
    local u=libpod-$cid.scope
    is "$(unit_prop "$u" ActiveState)" active ActiveState
    is "$(unit_prop "$u" Slice)" machine.slice Slice
    is "$(unit_prop "$u" Delegate)" yes Delegate
    is "$(unit_prop "$u" MemoryMax)" 67108864 MemoryMax
    is "$(unit_prop "$u" TasksMax)" 50 TasksMax
    is "$(unit_prop "$u" CPUQuotaPerSecUSec)" 500ms CPUQuotaPerSecUSec
  fi
}

pod_step_exec() {
  run podman_ exec d1 sh -c 'echo in-exec; exit 9'
  [ "$status" -eq 9 ]
  [ "$output" = in-exec ]
  # a detached exec joins the container's cgroup
  run podman_ exec -d d1 sleep 300
  [ "$status" -eq 0 ]
  local p found=
  for p in $(cat "$(d1_dir)/cgroup.procs"); do
    [ "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" = "sleep 300 " ] && found=$p
  done
  [ -n "$found" ] || { show "$(cat "$(d1_dir)/cgroup.procs")"; false; }
}

pod_step_stats() {
  # podman reads the container's cgroup v2 files itself
  run podman_ stats --no-stream --format '{{.PIDs}} {{.MemLimit}}' d1
  [ "$status" -eq 0 ] || { show "$output"; false; }
  read -r pids limit <<<"${lines[-1]}"
  [ "$pids" -ge 2 ]
  is "$limit" 67108864 MemLimit
}

pod_step_update() {
  run podman_ update --memory 128m --cpus 0.25 d1
  [ "$status" -eq 0 ] || { show "$output"; false; }
  local d
  d=$(d1_dir)
  is "$(cat "$d/memory.max")" 134217728 memory.max
  is "$(cat "$d/cpu.max")" "25000 100000" cpu.max
  is "$(cat "$d/pids.max")" 50 pids.max
  if [ -n "${POD_SYSTEMD:-}" ]; then
    local u=libpod-$(d1_cid).scope
    is "$(unit_prop "$u" MemoryMax)" 134217728 MemoryMax
    is "$(unit_prop "$u" CPUQuotaPerSecUSec)" 250ms CPUQuotaPerSecUSec
  fi
  # (not stats' MemLimit: podman 4.3 still reports 64 MB there after the
  # update, with memory.max at 128 MB: not read from the cgroup)
}

pod_step_stop_rm() {
  local cid d
  cid=$(d1_cid)
  d=$(d1_dir)
  # SIGTERM reaches the container's init: its trap exits 0 (no SIGKILL)
  run podman_ stop -t 30 d1
  [ "$status" -eq 0 ]
  [ "$(podman_ inspect -f '{{.State.Status}} {{.State.ExitCode}}' d1)" = "exited 0" ]
  run podman_ rm d1
  [ "$status" -eq 0 ]
  [ ! -e "$d" ]
  run "$CLIENT_RUNTIME" state "$cid"
  [ "$status" -ne 0 ]
  if [ -n "${POD_SYSTEMD:-}" ]; then
    unit_gone "libpod-$cid.scope"
    # conmon's scope (podman's) goes when conmon has exited
    wait_for unit_gone "libpod-conmon-$cid.scope"
  fi
}

pod_step_nothing_left() {
  run podman_ ps -aq
  [ -z "$output" ]
  [ -z "$(procs_with "$POD_DIR/")" ]
  local id n=0
  for id in $(podman_ events --stream=false --filter event=create --format '{{.ID}}'); do
    n=$((n + 1))
    run "$CLIENT_RUNTIME" state "$id"
    [ "$status" -ne 0 ] || { show "left in the runtime: $id"; false; }
    [ ! -e "/sys/fs/cgroup$(pod_cgroup "$id")" ]
  done
  [ "$n" -ge 2 ]
  [ -z "$(findmnt -rn -o TARGET | grep -F "$POD_DIR/storage/overlay/" | grep /merged)" ]
  [ -z "${POD_SYSTEMD:-}" ] || [ -z "$(pod_units)" ]
}
