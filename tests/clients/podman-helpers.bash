# podman 4.3 with conmon driving the runtime under test, configured by
# contrib/containers.conf (runtime binary path rewritten to $CLIENT_RUNTIME).
# Shared by tests/clients/podman.bats (this host: cgroup v1, cgroupfs) and
# the VM legs (tests/vm/clients*/: pure cgroup v2; POD_SYSTEMD=1: podman
# --cgroup-manager systemd, each container a scope in machine.slice).
# Storage, run root and podman's tmp dir private to the test file;
# with cgroupfs the containers' cgroups go under /hull-test/<prefix>
# (--cgroup-parent).

# bats loads relative to the test file; the VM legs' files are elsewhere.
CLIENTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
load "$CLIENTS_DIR/helpers"

IMAGE=hull.test/busybox

# Storage, run root and podman's tmp dir private to this file. The runtime
# keeps its default state root: podman's own cleanup (the exit command
# conmon runs for --rm) drops --runtime-flag, so a private --root there
# would leave state behind, with runc as with hull.
# POD_SYSTEMD: podman's own --cgroup-manager systemd (the runtime then gets
# --systemd-cgroup from conmon and podman).
podman_() {
  podman --root "$POD_DIR/storage" --runroot "$POD_DIR/run" --tmpdir "$POD_DIR/tmp" \
    ${POD_SYSTEMD:+--cgroup-manager systemd} "$@"
}

# With systemd the default parent, machine.slice (a slice name is what that
# manager takes); else ours under /hull-test.
prun() {
  if [ -n "${POD_SYSTEMD:-}" ]; then
    podman_ run "$@"
  else
    podman_ run --cgroup-parent "/hull-test/$CG_PREFIX" "$@"
  fi
}

# pod_cgroup CID: where the runtime must put container CID (as
# /proc/PID/cgroup shows it): podman's cgroupsPath
# machine.slice:libpod:CID is the scope libpod-CID.scope in machine.slice.
pod_cgroup() {
  if [ -n "${POD_SYSTEMD:-}" ]; then
    echo "/machine.slice/libpod-$1.scope"
  else
    echo "/hull-test/$CG_PREFIX/libpod-$1"
  fi
}

podman_setup_file() {
  command -v podman >/dev/null && command -v conmon >/dev/null ||
    client_missing "podman is not installed (tests/deps.sh installs it)" || return 1
  export POD_DIR CG_PREFIX CONTAINERS_CONF
  POD_DIR=$(mktemp -d /tmp/hull-podman.XXXXXX)
  CG_PREFIX=podman-$$
  CONTAINERS_CONF=$POD_DIR/containers.conf
  sed -e "/^hull = \[/,/^\]/c hull = [\"$CLIENT_RUNTIME\"]" \
    -e "s|^\[engine\]\$|&\nimage_copy_tmp_dir = \"$POD_DIR/tmp\"|" \
    "$SRCDIR/contrib/containers.conf" >"$CONTAINERS_CONF"
  printf '\n[network]\nnetwork_config_dir = "%s/networks"\n' "$POD_DIR" >>"$CONTAINERS_CONF"
  make_rootfs_tar "$POD_DIR/rootfs.tar"
  # podman import writes containers/image's blob-info cache under
  # /var/lib/containers/cache whatever --root says: it runs in a private
  # mount namespace with a temp dir there (the mount point made, and removed
  # at the end, only if the host has none).
  export POD_MADE_VARLIB=
  if [ ! -e /var/lib/containers ]; then
    mkdir /var/lib/containers
    POD_MADE_VARLIB=1
  fi
  mkdir "$POD_DIR/varlib"
  # The runtime's default state root (see podman_): where this file makes
  # it, teardown_file removes it again, with the seccomp cache hull keeps
  # there (podman's default profile fills it).
  export POD_MADE_RUNHULL=
  [ -e /run/hull ] || POD_MADE_RUNHULL=1
  if ! unshare -m --propagation private sh -c \
    'mount --bind "$1/varlib" /var/lib/containers && shift && exec "$@"' sh "$POD_DIR" \
    podman --root "$POD_DIR/storage" --runroot "$POD_DIR/run" --tmpdir "$POD_DIR/tmp" import "$POD_DIR/rootfs.tar" "$IMAGE" >"$POD_DIR/import.log" 2>&1; then
    show "$(cat "$POD_DIR/import.log")"
    client_missing "podman cannot work here (import failed, log above)" || return 1
  fi
}

podman_teardown_file() {
  [ -n "${POD_DIR:-}" ] || return 0
  podman_ rm -af -t 0 >/dev/null 2>&1
  podman_ rmi -af >/dev/null 2>&1
  local p
  for p in $(procs_with "$POD_DIR/"); do kill_pid "$p"; done
  for p in $(mounts_under "$POD_DIR/" | sort -r); do umount -l "$p"; done
  # podman leaves conmon's cgroup (<parent>/conmon) behind: ours, remove it
  remove_cgroups_wait "$CG_PREFIX"
  # systemd: a scope left by a failed test (the container's or conmon's)
  if [ -n "${POD_SYSTEMD:-}" ]; then
    for p in $(pod_units); do
      systemctl stop "$p"
      systemctl reset-failed "$p" 2>/dev/null
    done
  fi
  rm -rf "$POD_DIR"
  [ -z "${POD_MADE_VARLIB:-}" ] || rmdir /var/lib/containers
  if [ -n "${POD_MADE_RUNHULL:-}" ]; then
    rm -rf /run/hull/.seccomp-cache
    rmdir /run/hull 2>/dev/null || true
  fi
}

# pod_units: the scopes of this file's containers and their conmons
# (libpod-CID.scope, libpod-conmon-CID.scope), loaded in any state.
pod_units() {
  local id
  for id in $(podman_ events --stream=false --filter event=create --format '{{.ID}}' 2>/dev/null); do
    systemctl list-units --all --plain --no-legend "libpod-$id.scope" "libpod-conmon-$id.scope" |
      awk '{ print $1 }'
  done
}
