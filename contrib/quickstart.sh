#!/bin/sh
# hull's quick start, for a fresh Debian 12 machine, as root:
#   1. installs what is missing (apt-get, through tests/deps.sh),
#   2. builds hull in ./build,
#   3. makes a small bundle: a busybox-static rootfs and `hull spec` edited
#      with jq (a 64 MiB memory limit, a cgroup of its own),
#   4. runs a container that shows it is isolated: its hostname, `ps` with
#      its shell as pid 1, its own mount table, the memory limit read from
#      inside its cgroup,
#   5. deletes the container, its cgroup, the bundle and the state root.
#
# Options (for tests and for a hull built elsewhere):
#   --hull PATH   use this hull: no install, no build
set -eu

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; }
HULL=""
while [ $# -gt 0 ]; do
  case $1 in
  --hull) HULL=$2; shift 2 ;;
  -h | --help) usage; exit 0 ;;
  *) echo "quickstart: unknown option $1" >&2; usage >&2; exit 1 ;;
  esac
done

# The bundle steps run in other directories: make a relative path absolute.
case $HULL in /* | "") ;; */*) HULL=$(pwd)/$HULL ;; esac
[ "$(id -u)" -eq 0 ] || { echo "quickstart: run me as root (containers need it)" >&2; exit 1; }
top=$(cd "$(dirname "$0")/.." && pwd)
say() { printf '\n== %s\n' "$*"; }

if [ -z "$HULL" ]; then
  say "installing what is missing (apt-get)"
  # Enough to build hull and make the bundle; tests/run.sh installs the rest.
  HULL_DEPS_PKGS="autoconf automake pkg-config make gcc libseccomp-dev libcap-dev
libyajl-dev libmnl-dev libnftnl-dev libcmocka-dev busybox-static jq" sh "$top/tests/deps.sh"
  say "building hull in $top/build"
  (cd "$top" && ./autogen.sh >/dev/null 2>&1)
  mkdir -p "$top/build"
  log=$top/build/quickstart-build.log
  if ! (cd "$top/build" && { [ -f Makefile ] || "$top/configure"; } && make -j"$(nproc)" hull) >"$log" 2>&1; then
    tail -n 30 "$log"
    echo "quickstart: the build failed (whole log: $log)" >&2
    exit 1
  fi
  HULL=$top/build/hull
fi
[ -x "$HULL" ] || { echo "quickstart: no hull binary at $HULL" >&2; exit 1; }
command -v jq >/dev/null || { echo "quickstart: jq is missing: apt-get install jq" >&2; exit 1; }
[ -x /bin/busybox ] || { echo "quickstart: /bin/busybox is missing: apt-get install busybox-static" >&2; exit 1; }

# Everything this script makes lives under $work or in the cgroup named
# below, and goes at exit, whatever happened.
work=$(mktemp -d /tmp/hull-quickstart.XXXXXX)
id=quickstart-$$
cgparent=hull-quickstart
cleanup() {
  "$HULL" --root "$work/state" delete --force "$id" >/dev/null 2>&1 || true
  for d in /sys/fs/cgroup/*/"$cgparent" /sys/fs/cgroup/"$cgparent"; do
    [ -d "$d/$id" ] && rmdir "$d/$id" 2>/dev/null
    [ -d "$d" ] && rmdir "$d" 2>/dev/null # only when no other quickstart runs
  done
  rm -rf "$work"
}
trap cleanup EXIT
# A signal (Ctrl-C, a closed pipe as in `| head`) still ends through cleanup.
trap 'exit 130' INT TERM HUP PIPE

say "making a bundle in $work/bundle"
bundle=$work/bundle
rootfs=$bundle/rootfs
mkdir -p "$rootfs/bin" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$rootfs/tmp" "$rootfs/etc"
cp /bin/busybox "$rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"
done
echo "root:x:0:0:root:/:/bin/sh" >"$rootfs/etc/passwd"
(cd "$bundle" && "$HULL" spec)

# What the container runs: each section is what a person would look at.
# The memory limit file is memory.max on cgroup v2, memory.limit_in_bytes
# under the memory controller on a v1 host.
script='
echo "hostname: $(hostname)"
echo "-- ps (the shell is pid 1):"
ps -o pid,user,args
echo "-- mounts (its own table, none of the host'"'"'s):"
cat /proc/self/mounts
echo "-- memory limit (read inside the container):"
for f in /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory/memory.limit_in_bytes; do
  [ -r "$f" ] && { echo "$f: $(cat "$f")"; break; }
done
'
printf '%s' "$script" >"$rootfs/show.sh"
jq --arg cg "/$cgparent/$id" '
  .process.terminal = false
  | .process.args = ["sh", "/show.sh"]
  | .hostname = "quickstart"
  | .linux.cgroupsPath = $cg
  | .linux.resources.memory = {limit: 67108864}
' "$bundle/config.json" >"$bundle/config.json.new"
mv "$bundle/config.json.new" "$bundle/config.json"
echo "config.json: hostname quickstart, memory limit 64 MiB, cgroupsPath /$cgparent/$id"

say "hull run $id"
"$HULL" --root "$work/state" run --bundle "$bundle" "$id"

say "cleaning up"
cleanup
trap - EXIT
echo "container, cgroup, bundle and state removed"
