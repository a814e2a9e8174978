#!/usr/bin/env bats
# podman 4.3 (Debian's, root, with conmon) driving the runtime under test,
# configured by contrib/containers.conf (runtime binary path rewritten to
# $CLIENT_RUNTIME). Storage, run root and tmp dir are private to this file;
# containers' cgroups go under /hull-test/<prefix> (--cgroup-parent).

bats_require_minimum_version 1.5.0
load helpers

IMAGE=hull.test/busybox

podman_() {
  podman --root "$POD_DIR/storage" --runroot "$POD_DIR/run" --tmpdir "$POD_DIR/tmp" "$@"
}

prun() {
  podman_ run --cgroup-parent "/hull-test/$CG_PREFIX" "$@"
}

setup_file() {
  command -v podman >/dev/null && command -v conmon >/dev/null ||
    skip "podman is not installed (tests/deps.sh installs it)"
  export POD_DIR CG_PREFIX CONTAINERS_CONF
  POD_DIR=$(mktemp -d /tmp/hull-podman.XXXXXX)
  CG_PREFIX=podman-$$
  CONTAINERS_CONF=$POD_DIR/containers.conf
  sed -e "/^hull = \[/,/^\]/c hull = [\"$CLIENT_RUNTIME\"]" \
    "$SRCDIR/contrib/containers.conf" >"$CONTAINERS_CONF"
  printf '\n[network]\nnetwork_config_dir = "%s/networks"\n' "$POD_DIR" >>"$CONTAINERS_CONF"
  make_rootfs_tar "$POD_DIR/rootfs.tar"
  if ! podman_ import "$POD_DIR/rootfs.tar" "$IMAGE" >"$POD_DIR/import.log" 2>&1; then
    cat "$POD_DIR/import.log" >&3
    skip "podman cannot work here (import failed, log above)"
  fi
}

teardown_file() {
  [ -n "${POD_DIR:-}" ] || return 0
  podman_ rm -af -t 0 >/dev/null 2>&1
  podman_ rmi -af >/dev/null 2>&1
  local p
  for p in $(procs_with "$POD_DIR/"); do kill_pid "$p"; done
  for p in $(mounts_under "$POD_DIR/" | sort -r); do umount -l "$p"; done
  # podman leaves conmon's cgroup (<parent>/conmon) behind: ours, remove it
  remove_cgroups "$CG_PREFIX"
  rm -rf "$POD_DIR"
}

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
  run script -qec "stty rows 33 cols 111; $(declare -f podman_ prun); prun --rm -t $IMAGE sh -c 'tty && stty size; exit 3'" /dev/null
  [ "$status" -eq 3 ]
  [[ "$output" == *"/dev/"* ]]
  [[ "$output" != *"not a tty"* ]]
  [[ "$output" == *"33 111"* ]]
}

@test "podman: run -d, exec, exec -t, pause/unpause, stop, rm" {
  run prun -d --name d1 "$IMAGE" sh -c 'trap "exit 0" TERM; while :; do sleep 0.2; done'
  [ "$status" -eq 0 ]
  local cid=$output
  [ "$(podman_ inspect -f '{{.State.Status}}' d1)" = running ]

  run podman_ exec d1 sh -c 'echo in-exec; exit 9'
  [ "$status" -eq 9 ]
  [ "$output" = in-exec ]
  run script -qec "stty rows 33 cols 111; $(declare -f podman_); podman_ exec -t d1 sh -c 'tty; stty size; exit 3'" /dev/null
  [ "$status" -eq 3 ]
  [[ "$output" == *"/dev/pts/"* ]]
  [[ "$output" == *"33 111"* ]]

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
  [ -z "$(findmnt -rn -o TARGET | grep -F "$POD_DIR/storage/overlay/" | grep /merged)" ]
  [ -z "$(test_cgroups "$CG_PREFIX" | grep libpod-)" ]
}
