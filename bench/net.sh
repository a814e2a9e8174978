#!/bin/sh
# What hull's networking costs: wall time of `hull run` of /bin/true (create,
# start, wait, delete) with --net none (loopback only), veth (bridge,
# allocated address, routes, lease) and veth with NAT and a port forward
# (one nftables table per container), alternating modes every iteration.
# Everything runs in a private network namespace made and removed here.
#   sudo bench/net.sh [-n ITERATIONS] [--hull PATH]
# Prints one line per mode: median and p90 in ms.
set -eu
n=50
hull=
while [ $# -gt 0 ]; do
  case $1 in
  -n) n=$2; shift 2 ;;
  --hull) hull=$2; shift 2 ;;
  *) echo "usage: $0 [-n N] [--hull PATH]" >&2; exit 2 ;;
  esac
done
top=$(cd "$(dirname "$0")/.." && pwd)
[ -n "$hull" ] || hull=$top/build/hull
[ -x "$hull" ] || { echo "no hull at $hull (build first or pass --hull)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/hull-bench-net.XXXXXX)
ns=hull-bench-net-$$
cleanup() {
  ip netns del "$ns" 2>/dev/null || true
  for d in /sys/fs/cgroup/*/hull-test/bench-net-$$ /sys/fs/cgroup/hull-test/bench-net-$$; do
    [ -d "$d" ] && rmdir "$d" 2>/dev/null
  done
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
mkdir -p "$tmp/b/rootfs/bin" "$tmp/root"
cp /bin/busybox "$tmp/b/rootfs/bin/busybox"
ln -s busybox "$tmp/b/rootfs/bin/true"
(cd "$tmp/b" && "$hull" spec)
jq --arg cg "/hull-test/bench-net-$$" \
  '.process.terminal = false | .process.args = ["/bin/true"] | .linux.cgroupsPath = $cg' \
  "$tmp/b/config.json" >"$tmp/b/c" && mv "$tmp/b/c" "$tmp/b/config.json"
ip netns add "$ns"

# run_one MODE: one `hull run`, prints its wall time in ns.
run_one() {
  case $1 in
  none) set -- --net none ;;
  veth) set -- --net veth ;;
  veth+nat+port) set -- --net veth ;;
  esac
  t0=$(date +%s%N)
  nsenter --net="/run/netns/$ns" "$hull" --root "$tmp/root" run --bundle "$tmp/$bundle" "$@" \
    bench </dev/null >/dev/null
  t1=$(date +%s%N)
  echo $((t1 - t0))
}

cp -r "$tmp/b" "$tmp/bn"
rm -rf "$tmp/bn/rootfs" && ln -s "$tmp/b/rootfs" "$tmp/bn/rootfs"
jq '.annotations = {"run.hull.net.nat": "true", "run.hull.net.ports": "8080:80/tcp"}' \
  "$tmp/b/config.json" >"$tmp/bn/config.json"
modes="none veth veth+nat+port"
for m in $modes; do : >"$tmp/$m.ns"; done
bundle=b
run_one veth >/dev/null # the bridge is made once; not measured
i=0
while [ "$i" -lt "$n" ]; do
  for m in $modes; do
    bundle=b
    [ "$m" = veth+nat+port ] && bundle=bn
    run_one "$m" >>"$tmp/$m.ns"
  done
  i=$((i + 1))
done
printf '%-14s %8s %8s  (%s runs each, %s)\n' mode median_ms p90_ms "$n" "$("$hull" --version | head -1)"
for m in $modes; do
  sort -n "$tmp/$m.ns" | awk -v m="$m" '{ v[NR] = $1 } END {
    printf "%-14s %8.2f %8.2f\n", m, v[int((NR + 1) / 2)] / 1e6, v[int(NR * 0.9 + 0.5)] / 1e6 }'
done
