# Helpers for the cgroup v2 tests that tests/vm runs inside a VM booted
# with pure cgroup v2 (every *.bats here, HULL_BINARY set, as root).
# Only busybox tools are assumed (no jq). Every test skips cleanly when
# /sys/fs/cgroup is not cgroup2, so running them on a v1 host is harmless.

HULL=${HULL_BINARY:-$(command -v hull)}
# The backend's test driver (built with hull's tests), if shipped along.
CG_DRIVER=${CG_DRIVER:-}
if [ -z "$CG_DRIVER" ] && [ -n "$HULL" ]; then
  for c in "$(dirname "$HULL")/tests/integration/cgroup_driver" "$(dirname "$HULL")/cgroup_driver"; do
    [ -x "$c" ] && CG_DRIVER=$c && break
  done
fi

require_cgroup2() {
  [ "$(id -u)" -eq 0 ] || skip "needs root"
  grep -q '^[^ ]* /sys/fs/cgroup cgroup2 ' /proc/mounts || skip "/sys/fs/cgroup is not cgroup2"
}

# A controller must be offered at the root for its tests to mean anything.
require_controller() {
  grep -qw "$1" /sys/fs/cgroup/cgroup.controllers || skip "no $1 controller in this kernel"
}

hull() { "$HULL" --root "$CG2_ROOT" "$@"; }

cg2_setup() {
  require_cgroup2
  CG2_ROOT=$(mktemp -d /tmp/hull-cg2-root.XXXXXX)
  NAME=cg2-$$-$RANDOM
  CG=/hull-test/$NAME
  CGDIR=/sys/fs/cgroup$CG
  PIDS_TO_KILL=""
}

cg2_teardown() {
  local p
  for p in $PIDS_TO_KILL; do kill -9 "$p" 2>/dev/null || true; done
  for p in $PIDS_TO_KILL; do wait "$p" 2>/dev/null || true; done
  if [ -n "${CTR:-}" ]; then
    hull kill --all "$CTR" KILL 2>/dev/null || true
    hull delete --force "$CTR" 2>/dev/null || true
  fi
  [ -n "${ST:-}" ] && [ -f "$ST" ] && { "$CG_DRIVER" kill "$ST" 9 2>/dev/null; "$CG_DRIVER" destroy "$ST"; }
  if [ -n "${CGDIR:-}" ] && [ -d "$CGDIR" ]; then
    [ -f "$CGDIR/cgroup.kill" ] && echo 1 >"$CGDIR/cgroup.kill"
    rmdir "$CGDIR"/* "$CGDIR" 2>/dev/null || sleep 0.5
    rmdir "$CGDIR" 2>/dev/null || true
  fi
  [ -n "${CG2_ROOT:-}" ] && rm -rf "$CG2_ROOT"
  return 0
}

# gated FIFO CMD... and release FIFO
. "${BASH_SOURCE[0]%/*}/gate.bash"

# keyed FILE KEY: the value of KEY in a flat-keyed cgroup file.
keyed() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

# json_num JSON KEY: the first "KEY":NUMBER in JSON text (no jq here).
json_num() { printf '%s' "$1" | grep -o "\"$2\":[0-9]*" | head -n 1 | cut -d: -f2; }

# bundle DIR ARGS-JSON RESOURCES-JSON: a busybox bundle whose process runs
# ARGS (a JSON array), in cgroup $CG, with linux.resources RESOURCES.
bundle() {
  local dir=$1 args=$2 res=${3:-"{}"} a
  mkdir -p "$dir/rootfs/bin" "$dir/rootfs/proc" "$dir/rootfs/dev" "$dir/rootfs/tmp" "$dir/rootfs/sys"
  cp "$(command -v busybox)" "$dir/rootfs/bin/busybox"
  for a in sh sleep head tr cat echo mknod true rm dd seq; do ln -sf busybox "$dir/rootfs/bin/$a"; done
  cat >"$dir/config.json" <<JSON
{
  "ociVersion": "1.0.2",
  "process": {"terminal": false, "user": {"uid": 0, "gid": 0}, "args": $args,
    "env": ["PATH=/bin"], "cwd": "/",
    "capabilities": {"bounding": ["CAP_MKNOD","CAP_KILL","CAP_SYSLOG"], "effective": ["CAP_MKNOD","CAP_KILL","CAP_SYSLOG"],
      "permitted": ["CAP_MKNOD","CAP_KILL","CAP_SYSLOG"]}},
  "root": {"path": "rootfs", "readonly": false},
  "hostname": "cg2",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid","mode=755"]},
    {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}
  ],
  "linux": {
    "cgroupsPath": "$CG",
    "resources": $res,
    "namespaces": [{"type": "pid"}, {"type": "mount"}, {"type": "ipc"}, {"type": "uts"}]
  }
}
JSON
}

# Container id for this test; created (not started) from bundle DIR.
create_ctr() {
  CTR=$NAME
  hull create --bundle "$1" "$CTR"
}

state_status() { hull state "$1" | grep -o '"status": *"[a-z]*"' | grep -o '[a-z]*"$' | tr -d '"'; }

# wait_status ID STATUS: up to ~10 s.
wait_status() {
  local i
  for i in $(seq 100); do
    [ "$(state_status "$1")" = "$2" ] && return 0
    sleep 0.1
  done
  return 1
}

# hull must be able to run a container at all for the container tests.
require_hull_run() {
  [ -x "$HULL" ] || skip "no hull binary"
  local d=$BATS_TEST_TMPDIR/probe
  bundle "$d" '["true"]'
  if ! "$HULL" --root "$CG2_ROOT" run --bundle "$d" "probe-$NAME" >/dev/null 2>&1; then
    "$HULL" --root "$CG2_ROOT" delete --force "probe-$NAME" >/dev/null 2>&1
    skip "hull cannot run containers here yet"
  fi
  "$HULL" --root "$CG2_ROOT" delete --force "probe-$NAME" >/dev/null 2>&1 || true
  rm -rf "$d"
}
