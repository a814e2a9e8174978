# Shared helpers for the client tests (containerd via ctr, podman).
# The runtime under test is $CLIENT_RUNTIME: hull by default (HULL_BINARY from
# `make check`), runc for `make check-clients-runc` (proves the tests right).

CLIENT_RUNTIME=${CLIENT_RUNTIME:-${HULL_BINARY:-$(command -v hull)}}
SRCDIR=${HULL_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# Debian's python3 has python3-grpcio; a pyenv python on PATH does not.
PYTHON=/usr/bin/python3

# A busybox-static rootfs tree in DIR (PATH=/bin works for every applet).
make_rootfs() {
  local t=$1 a
  mkdir -p "$t"/{bin,sbin,etc,proc,sys,dev,tmp,root,var,run,usr/bin,usr/sbin}
  cp /bin/busybox "$t/bin/busybox"
  for a in $(/bin/busybox --list); do
    [ -e "$t/bin/$a" ] || ln -s busybox "$t/bin/$a"
  done
  echo "root:x:0:0:root:/root:/bin/sh" >"$t/etc/passwd"
  echo "nobody:x:65534:65534:nobody:/:/bin/false" >>"$t/etc/passwd"
  printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' >"$t/etc/group"
  # A file that is there but not executable: podman's 126 case.
  printf '#!/bin/sh\necho never\n' >"$t/bin/not-executable"
  chmod 0644 "$t/bin/not-executable"
  chmod 1777 "$t/tmp"
}

# make_rootfs_tar OUT: the rootfs as a plain tar (podman import, image layer).
make_rootfs_tar() {
  local out=$1 tree
  tree=$(mktemp -d "$BATS_FILE_TMPDIR/rootfs.XXXXXX")
  make_rootfs "$tree"
  tar -C "$tree" --numeric-owner --owner=0 --group=0 -cf "$out" .
  rm -rf "$tree"
}

# make_docker_archive OUT REF: a docker-archive (what `docker save` writes)
# with one layer, the busybox rootfs, tagged REF; `ctr image import` reads it.
make_docker_archive() {
  local out=$1 ref=$2 dir layer_sha cfg cfg_sha
  dir=$(mktemp -d "$BATS_FILE_TMPDIR/archive.XXXXXX")
  make_rootfs_tar "$dir/layer.tar"
  layer_sha=$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)
  mkdir "$dir/$layer_sha"
  mv "$dir/layer.tar" "$dir/$layer_sha/layer.tar"
  cfg=$(jq -cn --arg diff "sha256:$layer_sha" '{
    architecture: "amd64", os: "linux",
    config: {Env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["/bin/sh"]},
    rootfs: {type: "layers", diff_ids: [$diff]},
    history: [{created_by: "hull tests/clients: busybox-static"}]}')
  cfg_sha=$(printf '%s' "$cfg" | sha256sum | cut -d' ' -f1)
  printf '%s' "$cfg" >"$dir/$cfg_sha.json"
  jq -cn --arg c "$cfg_sha.json" --arg l "$layer_sha/layer.tar" --arg r "$ref" \
    '[{Config: $c, RepoTags: [$r], Layers: [$l]}]' >"$dir/manifest.json"
  tar -C "$dir" -cf "$out" manifest.json "$cfg_sha.json" "$layer_sha"
  rm -rf "$dir"
}

# A container command printing "size:ROWS COLS" once its terminal is 33x111:
# clients (ctr, conmon) resize the terminal after start, racing the
# container's first look (with runc as with hull), so it polls up to 3 s.
WAIT_SIZE='for i in $(seq 30); do s=$(stty size 2>/dev/null) && [ "$s" = "33 111" ] && break; sleep 0.1; done; echo size:$s'

# show TEXT...: TEXT as TAP comment lines (bats prints fd 3 as it is; the VM
# legs keep only the "# " lines of a test's output).
show() {
  printf '%s\n' "$@" | sed 's/^/# /' >&3
}

# is ACTUAL EXPECTED WHAT: ACTUAL = EXPECTED, else WHAT and both are shown.
# EXPECTED "-" takes anything.
is() {
  [ "$2" = - ] || [ "$1" = "$2" ] || { show "$3: \"$1\", expected \"$2\""; return 1; }
}

# client_missing REASON: an engine that is not there or does not start.
# On the host a skip (a machine without containerd or podman); in the VM
# legs (HULL_IN_VM) a failure: the image is built to carry them, so a
# missing one is a broken leg, never a silent skip.
client_missing() {
  if [ -n "${HULL_IN_VM:-}" ]; then
    show "$1"
    return 1
  fi
  skip "$1"
}

# Seconds wait_for retries: Go daemons start ~20x slower under the VM's
# software emulation (TCG) than here.
CLIENT_WAIT=${CLIENT_WAIT:-$([ -n "${HULL_IN_VM:-}" ] && echo 90 || echo 10)}

# wait_for CMD...: retries CMD for up to CLIENT_WAIT seconds.
wait_for() {
  local i
  for i in $(seq $((CLIENT_WAIT * 10))); do
    "$@" && return 0
    sleep 0.1
  done
  "$@"
}

# cg_v2: the host (or VM) has a pure cgroup v2 hierarchy.
cg_v2() {
  [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]
}

# cg_dir CGROUP V1CTRL: the directory of CGROUP (a path as /proc/PID/cgroup
# shows it): on v1 in V1CTRL's hierarchy.
cg_dir() {
  if cg_v2; then echo "/sys/fs/cgroup$1"; else echo "/sys/fs/cgroup/$2$1"; fi
}

# unit_prop UNIT PROPERTY: a property of a systemd unit (systemctl show).
unit_prop() {
  systemctl show -P "$2" "$1"
}

# unit_gone UNIT: systemd has no such unit loaded (not even failed).
unit_gone() {
  [ "$(unit_prop "$1" LoadState)" = not-found ]
}

# Every cgroup directory (any hierarchy, or v2's one) named PREFIX* under
# /hull-test.
test_cgroups() {
  local prefix=$1
  find /sys/fs/cgroup/ -mindepth 2 -maxdepth 6 -type d -path "*/hull-test/$prefix*" 2>/dev/null
}

# Removes leftover cgroups PREFIX* under /hull-test (only ours), deepest first.
remove_cgroups() {
  local c
  for c in $(test_cgroups "$1" | sort -r); do
    rmdir "$c" 2>/dev/null || true
  done
}

# remove_cgroups, retried for up to 5 s: a conmon or shim still exiting
# keeps its cgroup busy for a moment.
remove_cgroups_wait() {
  local i
  for i in $(seq 50); do
    remove_cgroups "$1"
    [ -z "$(test_cgroups "$1")" ] && return 0
    sleep 0.1
  done
  return 0
}

# Mount points under DIR (containerd's overlays, podman's storage).
mounts_under() {
  findmnt -rn -o TARGET | grep -F "$1" || true
}

# Processes whose command line mentions STRING (our temp dir), not us.
procs_with() {
  local p
  for p in /proc/[0-9]*; do
    [ "${p#/proc/}" = "$$" ] && continue
    tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -qF -- "$1" && echo "${p#/proc/}"
  done
  return 0
}

# kill_pid PID: TERM, wait up to 10 s, then KILL.
kill_pid() {
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for i in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
}
