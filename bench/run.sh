#!/bin/bash
# bench/run.sh: hull vs crun vs runc (and a floor), measured side by side in
# the same run, then bench/report.sh turns the raw numbers into the table in
# bench/README.md and the plots in bench/results/. One command:
#
#   sudo bench/run.sh            # 100 iterations, 50 parallel containers
#   sudo bench/run.sh -n 20      # a quick run while developing
#
# Options:
#   -n N          iterations of each sequential benchmark (default 100)
#   -j P          containers started at once in the parallel benchmark (50)
#   -r "LIST"     runtimes, among: hull hull-dynamic crun runc (default: all
#                 that are available). hull is configure's default build
#                 (static where the archives are, as on Debian 12),
#                 hull-dynamic the same tree with --disable-static-binary
#   --hull PATH   use this hull binary instead of building one from this tree
#   --hull-dynamic PATH   same for the dynamically linked hull
#   --no-install  do not apt-get the tools (runc crun hyperfine gnuplot ...)
#   --out DIR     where raw data, table and plots go (default bench/results)
#   --no-readme   do not rewrite the results section of bench/README.md
#   --base B      bundle for create/start/delete, exec and parallel:
#                 default (the default) or minimal (no netns, no resources)
#   --profile     measure nothing: strace -c, strace -tt and perf stat of one
#                 `run` per runtime and bundle, into OUT/profile/summary.md
#   --overlay     measure only `run /bin/true` of hull (and hull-dynamic) with
#                 and without `--overlay` (minimal bundle), alternating; the
#                 medians and their difference go to OUT/overlay.md
#
# Why it runs inside a private mount namespace: this host has hybrid cgroups
# (v1 controllers + an empty cgroup2 at /sys/fs/cgroup/unified) and crun
# refuses such hosts. So all runtimes run inside one `unshare -m` namespace
# where /sys/fs/cgroup/unified is covered by an empty tmpfs: each of them sees
# a plain cgroup v1 host. Nothing is mounted outside that namespace.
#
# Containers get cgroupsPath /hull-test/bench-<tag>-...; those cgroups and the
# containers are removed at the end (and on interrupt). No other cgroup is
# touched. Runtimes alternate inside every iteration (and the one going first
# rotates), so machine drift hits all of them alike.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_DIR=$(dirname "$BENCH_DIR")
N=100
PAR=50
RUNTIMES=""
HULL=""
HULL_DYN=""
INSTALL=1
OUT=$BENCH_DIR/results
README=1
PROFILE=0
OVERLAY=0
BENCH_BASE=default

while [ $# -gt 0 ]; do
  case $1 in
    -n) N=$2; shift 2 ;;
    -j) PAR=$2; shift 2 ;;
    -r) RUNTIMES=$2; shift 2 ;;
    --hull) HULL=$2; shift 2 ;;
    --hull-dynamic) HULL_DYN=$2; shift 2 ;;
    --no-install) INSTALL=0; shift ;;
    --out) OUT=$2; shift 2 ;;
    --no-readme) README=0; shift ;;
    --profile) PROFILE=1; shift ;;
    --overlay) OVERLAY=1; shift ;;
    --base) BENCH_BASE=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

# ---- outside the namespace: tools, builds, then re-exec inside -------------
install_tools() {
  local pkgs="runc crun hyperfine gnuplot-nox jq busybox-static time gcc make
    autoconf automake libtool pkg-config libseccomp-dev libcap-dev libyajl-dev
    libmnl-dev util-linux strace linux-perf" missing="" p
  for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
      missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  say "installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# The default seccomp profile of the containers/* engines, as Debian ships it
# (golang-github-containers-common): the same lineage as containerd's default
# profile. Extracted from the .deb, not installed (its dependencies are big).
fetch_seccomp_profile() {
  local dest=$1 tmp
  [ -s "$dest" ] && return 0
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download golang-github-containers-common >/dev/null 2>&1) ||
    { rm -rf "$tmp"; die "cannot download golang-github-containers-common"; }
  dpkg-deb -x "$tmp"/golang-github-containers-common_*.deb "$tmp/x"
  cp "$tmp/x/usr/share/containers/seccomp.json" "$dest"
  rm -rf "$tmp"
}

# build_hull DIR [CONFIGURE-ARGS...]: prints the path of the built binary.
build_hull() {
  local dir=$1
  shift
  mkdir -p "$dir"
  (cd "$SRC_DIR" && ./autogen.sh >/dev/null 2>&1) || return 1
  (cd "$dir" && "$SRC_DIR"/configure -q "$@" >/dev/null && make -j2 -s hull >/dev/null 2>&1) ||
    return 1
  echo "$dir/hull"
}

# hull as configure builds it by default: static when the archives are
# there (on Debian 12: libyajl_s.a, and src/mnlcompat for the missing
# libmnl.a). LINK_NOTE says how it was linked; hull-dynamic is the same
# tree with --disable-static-binary, for comparison.
link_of() { if readelf -d "$1" 2>/dev/null | grep -q NEEDED; then echo dynamic; else echo static; fi; }
build_hull_dynamic() {
  build_hull "$CACHE/build-dynamic" --disable-static-binary
}

if [ -z "${HULL_BENCH_INSIDE:-}" ]; then
  [ "$(id -u)" -eq 0 ] || die "needs root (it creates containers)"
  [ "$INSTALL" -eq 1 ] && install_tools
  CACHE=${HULL_BENCH_CACHE:-/tmp/hull-bench-cache}
  mkdir -p "$CACHE" "$OUT"
  for t in tick floor; do
    gcc -O2 -std=gnu11 -Wall -Wextra -Werror -o "$CACHE/$t" "$BENCH_DIR/$t.c"
  done
  fetch_seccomp_profile "$CACHE/containers-seccomp.json"
  if [ -z "$HULL" ]; then
    say "building hull (configure's default) in $CACHE/build-default"
    HULL=$(build_hull "$CACHE/build-default") ||
      { say "hull does not build from this tree: left out"; HULL=""; }
  fi
  if [ -z "$HULL_DYN" ]; then
    say "building hull (--disable-static-binary) in $CACHE/build-dynamic"
    HULL_DYN=$(build_hull_dynamic) || { say "dynamic hull does not build here: left out"; HULL_DYN=""; }
  fi
  export HULL_BENCH_INSIDE=1 HULL_BENCH_CACHE=$CACHE HULL_BENCH_HULL=$HULL \
    HULL_BENCH_HULL_DYN=$HULL_DYN HULL_BENCH_OUTER_NS \
    HULL_BENCH_LINK_NOTE="hull: $( [ -n "$HULL" ] && link_of "$HULL"); hull-dynamic: $( [ -n "$HULL_DYN" ] && link_of "$HULL_DYN")"
  HULL_BENCH_OUTER_NS=$(readlink /proc/self/ns/mnt)
  args=(-n "$N" -j "$PAR" --out "$OUT")
  [ -n "$RUNTIMES" ] && args+=(-r "$RUNTIMES")
  [ "$README" -eq 0 ] && args+=(--no-readme)
  [ "$PROFILE" -eq 1 ] && args+=(--profile)
  [ "$OVERLAY" -eq 1 ] && args+=(--overlay)
  args+=(--base "$BENCH_BASE")
  exec unshare -m --propagation private "$0" "${args[@]}"
fi

# ---- inside the private mount namespace ------------------------------------
case $BENCH_BASE in default | minimal) ;; *) die "--base: default or minimal, not $BENCH_BASE" ;; esac
[ "$(readlink /proc/self/ns/mnt)" != "$HULL_BENCH_OUTER_NS" ] ||
  die "not in a private mount namespace: refusing to mount anything"
CACHE=$HULL_BENCH_CACHE
HULL=$HULL_BENCH_HULL
HULL_DYN=$HULL_BENCH_HULL_DYN
TICK=$CACHE/tick
FLOOR=$CACHE/floor
CGNOTE="cgroup v1 host as seen by every runtime"
if mountpoint -q /sys/fs/cgroup/unified 2>/dev/null; then
  mount -t tmpfs -o size=16m,mode=755 bench-empty /sys/fs/cgroup/unified
  CGNOTE="hybrid host; /sys/fs/cgroup/unified covered by an empty tmpfs in a private mount namespace, so every runtime sees a cgroup v1 host"
fi
say "$CGNOTE"

TAG=$$-$RANDOM
WORK=$(mktemp -d /tmp/hull-bench.XXXXXX)
RAW=$WORK/raw
mkdir -p "$RAW" "$WORK/log" "$WORK/state"
# State roots on tmpfs, as /run is where engines point them (containerd:
# /run/containerd/runc, podman: /run/...); on this host /tmp is ext4, whose
# inode create/rename costs would otherwise weigh on every state write.
mount -t tmpfs -o size=64m,mode=700 bench-state "$WORK/state"

# rt_cmd RT: the command prefix that runs runtime RT with its private root.
declare -A RT_BIN=([crun]=crun [runc]=runc [hull]=$HULL [hull-dynamic]=$HULL_DYN)
rt_cmd() { CMD=("${RT_BIN[$1]}" --root "$WORK/state/$1"); }

if [ -z "$RUNTIMES" ]; then
  [ -n "$HULL" ] && RUNTIMES="hull"
  [ -n "$HULL_DYN" ] && RUNTIMES="$RUNTIMES hull-dynamic"
  RUNTIMES="$RUNTIMES crun runc"
fi
for rt in $RUNTIMES; do
  [ -n "${RT_BIN[$rt]:-}" ] || die "unknown or unavailable runtime: $rt"
done

# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
trap cleanup EXIT INT TERM

make_bundles
write_env
if [ "$PROFILE" -eq 1 ]; then
  # shellcheck source=bench/profile.sh
  . "$BENCH_DIR/profile.sh"
  profile_all
  exit 0
fi
if [ "$OVERLAY" -eq 1 ]; then
  bench_overlay
  exit 0
fi
say "runtimes: $RUNTIMES; $N iterations; $PAR in parallel; work dir $WORK"
bench_run default run
bench_run minimal minimal
bench_split
bench_exec
bench_run containerd containerd
bench_parallel
bench_startup
collect_results
say "raw data in $OUT/raw; regenerating the table and plots"
report_args=("$OUT")
[ "$README" -eq 1 ] && report_args+=(--readme "$BENCH_DIR/README.md")
"$BENCH_DIR/report.sh" "${report_args[@]}"
