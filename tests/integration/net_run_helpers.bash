# Shared by net-run.bats and net-ports.bats (real containers through hull
# in a private "host" network namespace, $HOSTNS). Each file's setup and
# teardown call net_run_setup / net_run_teardown.

net_run_setup() {
  require_root
  HOSTNS=hullrun-$$-$RANDOM
  OUTNS=
  ROOT2=
  NOBODY_DIR=
  PIDS=()
  ip netns add "$HOSTNS"
  ip netns exec "$HOSTNS" ip link set lo up
  B=$BATS_TEST_TMPDIR/bundle
  make_bundle "$B"
  # ping needs a raw socket
  update_config "$B" '.process.args = ["sleep", "600"]
    | .process.capabilities |= with_entries(.value += ["CAP_NET_RAW"])'
}

net_run_teardown() {
  local id p d
  for id in $(hull list -q 2>/dev/null); do h delete --force "$id" >/dev/null 2>&1; done
  # a second state root a test used ($ROOT2)
  if [ -n "${ROOT2:-}" ]; then
    for id in $("$HULL" --root "$ROOT2" list -q 2>/dev/null); do
      nsenter --net="/run/netns/$HOSTNS" "$HULL" --root "$ROOT2" delete --force "$id" >/dev/null 2>&1
    done
  fi
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  remove_test_cgroups "$B"
  for d in "$BATS_TEST_TMPDIR"/b*; do [ -d "$d" ] && remove_test_cgroups "$d"; done
  [ -n "$OUTNS" ] && ip netns del "$OUTNS" 2>/dev/null
  ip netns del "$HOSTNS" 2>/dev/null
  [ -n "${NOBODY_DIR:-}" ] && rm -rf "$NOBODY_DIR"
  return 0
}

# h ARGS...: hull in the test's "host" network namespace.
h() {
  nsenter --net="/run/netns/$HOSTNS" "$HULL" --root "$HULL_TEST_ROOT" "$@"
}

# bundle_for DIR NAME [JQ-FILTER]: DIR/config.json from $B's, with its own
# cgroup and $B's rootfs (read-only, shared).
bundle_for() {
  local dir=$1 name=$2-$$-$RANDOM filter=${3:-.}
  mkdir -p "$dir"
  echo "$name" >"$dir/.cgname"
  jq --arg cg "/hull-test/$name" --arg r "$B/rootfs" \
    ".linux.cgroupsPath = \$cg | .root.path = \$r | $filter" "$B/config.json" >"$dir/config.json"
}

# start ID [hull create options...]: create + start a container from $B.
start() {
  local id=$1
  shift
  h create --bundle "$B" "$@" "$id" </dev/null >/dev/null
  h start "$id"
}

ctr_pid() { hull state "$1" | jq -r .pid; }

# in_ctr ID CMD...: a host tool in the container's network namespace.
in_ctr() {
  local pid
  pid=$(ctr_pid "$1")
  shift
  nsenter -t "$pid" -n "$@"
}

ctr_ipv4() {
  in_ctr "$1" ip -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1
}

# hull's host-side veth ends (named hl + 12 hex digits).
host_veths() {
  hostns ip -o link show type veth | awk -F': ' '{print $2}' | grep '^hl' || true
}

leases() {
  ls -A "$HULL_TEST_ROOT/net/leases" 2>/dev/null
}
