# Shared helpers for hull's integration tests (bats).
# HULL_BINARY, HULL_SRCDIR and HULL_BUILDDIR come from `make check`.

HULL=${HULL_BINARY:-$(command -v hull)}
# gated FIFO CMD... and release FIFO
. "${BASH_SOURCE[0]%/*}/gate.bash"

# Runs hull with a private state root for this test file.
hull() {
  "$HULL" --root "$HULL_TEST_ROOT" "$@"
}

# A fresh state root per test file; removed in common_teardown_file.
common_setup_file() {
  export HULL_TEST_ROOT
  HULL_TEST_ROOT=$(mktemp -d /tmp/hull-test-root.XXXXXX)
}

common_teardown_file() {
  [ -n "${HULL_TEST_ROOT:-}" ] && rm -rf "$HULL_TEST_ROOT"
}

# Skips a test that needs root.
require_root() {
  [ "$(id -u)" -eq 0 ] || skip "needs root"
}

# ---- bundles -------------------------------------------------------------
# A busybox-static rootfs, built once per test file and shared read-only by
# its bundles (copied with cp -a when a test needs to write to it).
# HULL_ROOTFS_TEMPLATE: a ready one (tests/vm's image has one prebuilt).
rootfs_template() {
  if [ -n "${HULL_ROOTFS_TEMPLATE:-}" ] && [ -x "$HULL_ROOTFS_TEMPLATE/bin/busybox" ]; then
    echo "$HULL_ROOTFS_TEMPLATE"
    return 0
  fi
  local t=$BATS_FILE_TMPDIR/rootfs-template
  [ -x "$t/bin/busybox" ] || sh "$HULL_SRCDIR/tests/integration/rootfs-template.sh" "$t" >&2
  echo "$t"
}

# make_bundle DIR: DIR/rootfs (a copy of the template) + DIR/config.json,
# with cgroupsPath /hull-test/<basename of DIR>-<unique> so every container's
# cgroup stays under the test parent and concurrent runs never collide. The
# cgroup name is kept in DIR/.cgname for remove_test_cgroups.
make_bundle() {
  local dir=$1 name
  name=$(basename "$dir")-$$-$RANDOM
  mkdir -p "$dir"
  echo "$name" >"$dir/.cgname"
  mkdir -p "$dir"
  cp -a "$(rootfs_template)" "$dir/rootfs"
  jq --arg cg "/hull-test/$name" '.linux.cgroupsPath = $cg' \
    "$HULL_SRCDIR/tests/integration/config.json.in" >"$dir/config.json"
}

# update_config DIR JQ-FILTER [jq args...]: edits DIR/config.json in place.
update_config() {
  local dir=$1 filter=$2
  shift 2
  jq "$@" "$filter" "$dir/config.json" >"$dir/config.json.new" &&
    mv "$dir/config.json.new" "$dir/config.json"
}

# remove_test_cgroups DIR: removes the cgroups of DIR's container (only
# ours: under /hull-test).
remove_test_cgroups() {
  local name c
  name=$(cat "$1/.cgname" 2>/dev/null) || return 0
  [ -n "$name" ] || return 0
  for c in /sys/fs/cgroup/*/hull-test/"$name" /sys/fs/cgroup/hull-test/"$name"; do
    [ -d "$c" ] && rmdir "$c" 2>/dev/null
  done
  return 0
}

# userns_dir: sets USERNS_DIR to a 0755 dir under /tmp (made once per test)
# for bundles of containers with a user namespace: the mapped root must
# reach the rootfs, and bats' own tmp dirs are 0700. The test's teardown
# removes it.
userns_dir() {
  [ -n "${USERNS_DIR:-}" ] && return 0
  USERNS_DIR=$(mktemp -d /tmp/hull-userns.XXXXXX) && chmod 755 "$USERNS_DIR"
}

# map_userns DIR: DIR's container gets a user namespace whose root is host
# uid/gid 100000 (65536 ids mapped).
map_userns() {
  update_config "$1" '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
}

# bundle_setup: the usual per-test setup: root required, a fresh bundle in
# $B with a cgroup of its own.
bundle_setup() {
  require_root
  B=$BATS_TEST_TMPDIR/bundle
  make_bundle "$B"
}

# driver_setup: the per-test setup of files whose containers the test
# program storage-driver makes (hull_rootfs_prepare/finish in fresh
# namespaces, no runtime around them): root required, a bundle $B with a
# cgroup of its own, its rootfs $R, the driver $DRIVER (run it with drive).
driver_setup() {
  bundle_setup
  R=$B/rootfs
  DRIVER=$HULL_BUILDDIR/tests/integration/storage-driver
}

# drive ARGS...: storage-driver.
drive() { "$DRIVER" "$@"; }

# delete_all_containers: deletes (--force) every container of this test's
# --root; the usual per-test teardown, with remove_test_cgroups.
delete_all_containers() {
  local id
  for id in $(hull list -q 2>/dev/null); do hull delete --force "$id" >/dev/null 2>&1; done
  return 0
}

# lines_are LINE...: the output of the last `run` starts with exactly these
# lines (bats' ${lines[@]}: blank lines are not counted); else the
# expected lines and the whole output are shown.
lines_are() {
  local want got
  want=$(printf '%s\n' "$@")
  got=$(printf '%s\n' "${lines[@]:0:$#}")
  [ "$want" = "$got" ] && return 0
  printf 'expected lines:\n%s\ngot:\n' "$want"
  printf '%s\n' "${lines[@]}"
  return 1
}

# bundle_teardown: the usual per-test teardown of a bundle_setup test:
# its containers deleted, its cgroups removed.
bundle_teardown() {
  delete_all_containers
  remove_test_cgroups "$B"
}

# status_of ID: the status field of hull state.
status_of() { hull state "$1" | jq -r .status; }

# wait_status ID STATUS: waits (bounded, 5 s) until container ID has STATUS.
wait_status() {
  local i
  for i in $(seq 100); do
    [ "$(status_of "$1")" = "$2" ] && return 0
    sleep 0.05
  done
  echo "status of $1 is $(status_of "$1"), wanted $2" >&2
  return 1
}
