# Shared helpers for the client tests (containerd via ctr, podman).
# The runtime under test is $CLIENT_RUNTIME: hull by default (HULL_BINARY from
# `make check`), runc for `make check-clients-runc` (proves the tests right).

CLIENT_RUNTIME=${CLIENT_RUNTIME:-${HULL_BINARY:-$(command -v hull)}}
SRCDIR=${HULL_SRCDIR:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
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

# wait_for CMD...: retries CMD for up to 10 s.
wait_for() {
  local i
  for i in $(seq 100); do
    "$@" && return 0
    sleep 0.1
  done
  "$@"
}

# Every cgroup directory (any hierarchy) named PREFIX* under /hull-test.
test_cgroups() {
  local prefix=$1
  find /sys/fs/cgroup/ -mindepth 3 -maxdepth 6 -type d -path "*/hull-test/$prefix*" 2>/dev/null
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
