#!/usr/bin/env bats
# podman 4.3 (Debian's, root, with conmon) driving the runtime under test,
# configured by contrib/containers.conf (runtime binary path rewritten to
# $CLIENT_RUNTIME). Storage, run root and tmp dir are private to this file;
# containers' cgroups go under /hull-test/<prefix> (--cgroup-parent).

bats_require_minimum_version 1.5.0
load podman-helpers

setup_file() { podman_setup_file; }
teardown_file() { podman_teardown_file; }

@test "podman: the runtime is ours (podman info)" {
  run podman_ info --format '{{.Host.OCIRuntime.Name}} {{.Host.OCIRuntime.Path}}'
  [ "$status" -eq 0 ]
  [ "$output" = "hull $CLIENT_RUNTIME" ]
}

@test "podman: run --rm: output, exit status, cgroup, rlimits" {
  run prun --rm "$IMAGE" sh -c 'echo out; echo err >&2; exit 4'
  [ "$status" -eq 4 ]
  [[ "$output" == *out* ]]
  [[ "$output" == *err* ]]
  run prun --rm "$IMAGE" sh -c 'cat /proc/self/cgroup; ulimit -n'
  [ "$status" -eq 0 ]
  [[ "$output" == *":/hull-test/$CG_PREFIX/libpod-"* ]]
  # default_ulimits from containers.conf
  [ "${lines[-1]}" = 20000 ]
  # --rm: nothing left in podman nor in the runtime's state
  run podman_ ps -aq
  [ -z "$output" ]
}

@test "podman: run -t" {
  run script -qec "stty rows 33 cols 111; $(declare -f podman_ prun); prun --rm -t $IMAGE sh -c 'tty && $WAIT_SIZE; exit 3'" /dev/null
  [ "$status" -eq 3 ]
  [[ "$output" == *"/dev/"* ]]
  [[ "$output" != *"not a tty"* ]]
  [[ "$output" == *"size:33 111"* ]]
}

@test "podman: run -d, exec, exec -t, pause/unpause, stop, rm" {
  run prun -d --name d1 "$IMAGE" sh -c 'trap "exit 0" TERM; while :; do sleep 0.2; done'
  [ "$status" -eq 0 ]
  local cid=$output
  [ "$(podman_ inspect -f '{{.State.Status}}' d1)" = running ]

  run podman_ exec d1 sh -c 'echo in-exec; exit 9'
  [ "$status" -eq 9 ]
  [ "$output" = in-exec ]
  run script -qec "stty rows 33 cols 111; $(declare -f podman_); podman_ exec -t d1 sh -c 'tty && $WAIT_SIZE; exit 3'" /dev/null
  [ "$status" -eq 3 ]
  [[ "$output" == *"/dev/pts/"* ]]
  [[ "$output" == *"size:33 111"* ]]

  run podman_ pause d1
  [ "$status" -eq 0 ]
  [ "$(podman_ inspect -f '{{.State.Status}}' d1)" = paused ]
  [ "$(cat "/sys/fs/cgroup/freezer/hull-test/$CG_PREFIX/libpod-$cid/freezer.state")" = FROZEN ]
  run podman_ unpause d1
  [ "$status" -eq 0 ]
  [ "$(podman_ inspect -f '{{.State.Status}}' d1)" = running ]

  # SIGTERM reaches the container's init: its trap exits 0 (no SIGKILL)
  run podman_ stop -t 20 d1
  [ "$status" -eq 0 ]
  [ "$(podman_ inspect -f '{{.State.Status}} {{.State.ExitCode}}' d1)" = "exited 0" ]
  run podman_ rm d1
  [ "$status" -eq 0 ]
  [ ! -e "/sys/fs/cgroup/memory/hull-test/$CG_PREFIX/libpod-$cid" ]
}

@test "podman: --device, --privileged, limits (--memory --cpus --pids-limit) in cgroupfs" {
  # podman writes the host node's st_mode (type bits too) as fileMode
  run prun --rm --device /dev/null:/dev/mynull "$IMAGE" \
    sh -c 'stat -c "%t:%T %a" /dev/mynull; echo x >/dev/mynull && echo written'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "1:3 666" ]
  [ "${lines[1]}" = written ]
  local plain priv
  plain=$(prun --rm "$IMAGE" grep CapEff /proc/self/status)
  priv=$(prun --rm --privileged "$IMAGE" grep CapEff /proc/self/status)
  [ -n "$plain" ] && [ -n "$priv" ] && [ "$plain" != "$priv" ]
  run prun -d --memory 64m --cpus 0.5 --pids-limit 50 "$IMAGE" sleep 1000
  [ "$status" -eq 0 ]
  local cid=$output d=hull-test/$CG_PREFIX/libpod-$output
  [ "$(cat "/sys/fs/cgroup/memory/$d/memory.limit_in_bytes")" = 67108864 ]
  [ "$(cat "/sys/fs/cgroup/cpu/$d/cpu.cfs_quota_us")" = 50000 ]
  [ "$(cat "/sys/fs/cgroup/pids/$d/pids.max")" = 50 ]
  run podman_ rm -f -t 0 "$cid"
  [ "$status" -eq 0 ]
  [ ! -e "/sys/fs/cgroup/memory/$d" ]
}

@test "podman: --cgroups=disabled" {
  [ "$(basename "$CLIENT_RUNTIME")" != runc ] ||
    skip "runc has no --cgroup-manager disabled (podman refuses --cgroups=disabled with it)"
  run podman_ run --rm --cgroups=disabled "$IMAGE" cat /proc/self/cgroup
  [ "$status" -eq 0 ]
  # still in the caller's cgroup: nothing was made for the container
  [[ "$output" != *libpod* ]]
  [[ "$output" == *"$(grep :memory: /proc/self/cgroup | cut -d: -f3)"* ]]
}

@test "podman: a command not found gives 127, not executable 126" {
  run -127 prun --rm "$IMAGE" /no/such/binary
  [ "$status" -eq 127 ]
  run -127 prun --rm "$IMAGE" no-such-command
  [ "$status" -eq 127 ]
  run -126 prun --rm "$IMAGE" /bin/not-executable
  [ "$status" -eq 126 ]
  run podman_ ps -aq
  [ -z "$output" ]
}

@test "podman: nothing left behind" {
  run podman_ ps -aq
  [ -z "$output" ]
  # no container process, no container mounts, no container cgroups (only
  # the conmon cgroup podman itself leaves under our parent)
  [ -z "$(procs_with "$POD_DIR/")" ]
  # every container podman made is gone from the runtime's state too
  local id n=0
  for id in $(podman_ events --stream=false --filter event=create --format '{{.ID}}'); do
    n=$((n + 1))
    run "$CLIENT_RUNTIME" state "$id"
    [ "$status" -ne 0 ] || { echo "left in the runtime: $id" >&3; false; }
  done
  [ "$n" -ge 5 ]
  [ -z "$(findmnt -rn -o TARGET | grep -F "$POD_DIR/storage/overlay/" | grep /merged)" ]
  [ -z "$(test_cgroups "$CG_PREFIX" | grep libpod-)" ]
}
