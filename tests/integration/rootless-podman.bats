#!/usr/bin/env bats
# Rootless podman with hull as its OCI runtime, as the unprivileged test
# user: podman makes its user namespace from /etc/subuid through newuidmap
# and runs hull as root inside it (no --root: hull's state goes to the
# user's XDG_RUNTIME_DIR). Storage (vfs) lives in a home of this file's own;
# the image is the tests' busybox rootfs, imported (no registry).

load helpers
load rootless_helpers

setup_file() {
  common_setup_file
  command -v podman >/dev/null || skip "podman missing"
  command -v newuidmap >/dev/null || skip "newuidmap (uidmap) missing"
  rl_setup_file
  # podman's pause process keeps the mount namespace of the first podman
  # command for all later ones: a usable /dev/net/tun (slirp4netns) must
  # be there from the start.
  if [ -c /dev/net/tun ] && ! rl_run sh -c '[ -r /dev/net/tun ] && [ -w /dev/net/tun ]'; then
    export RL_PRIVATE_TUN=1
  fi
  # podman finds its config under HOME: a private one per test file.
  export RL_HOME=$RL_DIR/home
  local c=$RL_HOME/.config/containers
  mkdir -p "$c"
  cat >"$c/containers.conf" <<EOF
[containers]
netns = "none"
[engine]
runtime = "hull"
cgroup_manager = "cgroupfs"
events_logger = "file"
[engine.runtimes]
hull = ["$RL_DIR/bin/hull"]
EOF
  cat >"$c/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$RL_HOME/storage"
runroot = "$RL_DIR/run/containers"
EOF
  tar -C "$(rootfs_template)" -cf "$RL_DIR/rootfs.tar" .
  chown -R "$RL_UID:$RL_GID" "$RL_HOME" "$RL_DIR/rootfs.tar"
  rl_run podman import "$RL_DIR/rootfs.tar" localhost/hull-busybox >/dev/null 2>&1
}

teardown_file() {
  if [ -n "${RL_DIR:-}" ] && [ -d "$RL_DIR/home" ]; then
    rl_run podman rm --all --force >/dev/null 2>&1
    # vfs layers are owned by subordinate ids: removed from inside podman's
    # user namespace.
    rl_run podman unshare rm -rf "$RL_HOME/storage" >/dev/null 2>&1
    # podman's pause process (holds its user namespace between commands)
    local pause
    pause=$(cat "$RL_DIR/run/libpod/tmp/pause.pid" 2>/dev/null)
    [ -n "$pause" ] && kill "$pause" 2>/dev/null
  fi
  rl_teardown_file
  common_teardown_file
}

@test "rootless podman: hull is the runtime" {
  run rl_run podman info --format '{{.Host.OCIRuntime.Name}} {{.Host.OCIRuntime.Path}} {{.Host.Security.Rootless}}'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[-1]}" = "hull $RL_DIR/bin/hull true" ]
}

@test "rootless podman run: ids from the subordinate range, exit status, --rm leaves nothing" {
  read -r us _ < <(rl_subid_range /etc/subuid)
  run rl_run podman run --rm localhost/hull-busybox sh -c 'id -u; cat /proc/self/uid_map; exit 5'
  echo "$output"
  [ "$status" -eq 5 ]
  [ "$(grep -x 0 <<<"$output")" = 0 ]
  # podman's namespace maps 0 to the user and 1.. to its range.
  grep -Eq "^ *0 +$RL_UID +1$" <<<"$output"
  grep -Eq "^ *1 +$us +" <<<"$output"
  [ -z "$(rl_run podman ps -aq)" ]
  # hull ran as root of podman's namespace with its state under XDG.
  [ -d "$RL_DIR/run/hull" ]
}

@test "rootless podman: detached container, exec, stop, rm" {
  id=$(rl_run podman run -d --name rl-pod localhost/hull-busybox sleep 600)
  [ -n "$id" ]
  # hull keeps its state for it under the user's runtime dir.
  [ -d "$RL_DIR/run/hull/$id" ]
  run rl_run podman exec rl-pod sh -c 'echo from-exec; cat /proc/1/cmdline | tr "\0" " "'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = from-exec ]
  [ "${lines[1]}" = "sleep 600 " ]
  run rl_run podman exec rl-pod sh -c 'exit 4'
  [ "$status" -eq 4 ]
  [ "$(rl_run podman inspect --format '{{.State.Status}}' rl-pod)" = running ]
  rl_run podman stop --time 1 rl-pod
  [ "$(rl_run podman inspect --format '{{.State.Status}}' rl-pod)" = exited ]
  rl_run podman rm rl-pod
  [ -z "$(rl_run podman ps -aq)" ]
  [ ! -e "$RL_DIR/run/hull/$id" ]
}

@test "rootless podman: slirp4netns networking" {
  command -v slirp4netns >/dev/null || skip "slirp4netns missing"
  [ -c /dev/net/tun ] || skip "no /dev/net/tun"
  run rl_run podman run --rm --network slirp4netns localhost/hull-busybox ip -4 -o addr show tap0
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"inet 10.0.2.100/24"* ]]
}
