#!/usr/bin/env bats
# net/: hull_net_setup/teardown through tests/integration/net-driver, against
# `unshare -n sleep` processes standing in for containers. Everything runs in
# a private network namespace made here (the "host"); a second one plays the
# outside world for NAT and port forwarding. No host interface is touched.

load helpers
load net_helpers

DRIVER="$HULL_BUILDDIR/tests/integration/net-driver"

setup_file() {
  common_setup_file
}

teardown_file() {
  common_teardown_file
}

setup() {
  require_root
  HOSTNS=hulltest-$$-$RANDOM
  OUTNS=
  PIDS=()
  ip netns add "$HOSTNS"
  ip netns exec "$HOSTNS" ip link set lo up
  ROOT=$BATS_TEST_TMPDIR/root
  mkdir -p "$ROOT"
}

teardown() {
  local p
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "$OUTNS" ] && ip netns del "$OUTNS" 2>/dev/null
  ip netns del "$HOSTNS" 2>/dev/null
  return 0
}


# start_ctr VAR: a process in a new netns (made from the host ns); its pid
# goes to VAR.
start_ctr() {
  local pid
  ip netns exec "$HOSTNS" unshare -n sleep 1000 &
  pid=$!
  PIDS+=("$pid")
  # wait until unshare has made the netns and exec'd sleep
  while [ "$(readlink /proc/$pid/ns/net)" = "$(ip netns exec "$HOSTNS" readlink /proc/self/ns/net)" ] ||
    [ "$(cat /proc/$pid/comm 2>/dev/null)" != sleep ]; do sleep 0.05; done
  printf -v "$1" '%s' "$pid"
}

# in_ctr PID CMD...: runs CMD in the container's netns.
in_ctr() {
  local pid=$1
  shift
  nsenter -t "$pid" -n "$@"
}

# net ACTION ID PID [driver options]
net() {
  local action=$1 id=$2 pid=$3
  shift 3
  mkdir -p "$ROOT/$id"
  hostns "$DRIVER" "$action" --id "$id" --root "$ROOT" --state "$ROOT/$id" --pid "$pid" "$@"
}

ctr_ipv4() {
  in_ctr "$1" ip -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1
}

@test "net: only loopback comes up without options, nothing on the host" {
  start_ctr c
  run in_ctr "$c" ip -o link show lo
  [[ "$output" != *"UP"* ]]
  run net setup lo1 "$c"
  [ "$status" -eq 0 ]
  run in_ctr "$c" ip -o link show lo
  [[ "$output" == *"<LOOPBACK,UP,LOWER_UP>"* ]]
  run in_ctr "$c" busybox ping -c1 -W2 127.0.0.1
  [ "$status" -eq 0 ]
  [ "$(in_ctr "$c" ip -o link | wc -l)" -eq 1 ]
  [ "$(hostns ip -o link | wc -l)" -eq 1 ] # only the host ns's own lo
  [ ! -e "$ROOT/net" ]
  run net teardown lo1 "$c"
  [ "$status" -eq 0 ]
}

@test "net: veth with allocated IPv4 and IPv6, container <-> bridge and container <-> container ping" {
  start_ctr a
  start_ctr b
  run net setup va "$a" --net veth --ann run.hull.net.ipv6=true
  [ "$status" -eq 0 ]
  run net setup vb "$b" --ann run.hull.net=veth --ann run.hull.net.ipv6=true
  [ "$status" -eq 0 ]
  [ "$(ctr_ipv4 "$a")" = 10.213.0.2 ]
  [ "$(ctr_ipv4 "$b")" = 10.213.0.3 ]
  run in_ctr "$a" ip -6 -o addr show dev eth0 scope global
  [[ "$output" == *"fd68:756c:6c00::2/64"* ]]
  run in_ctr "$a" ip route show default
  [[ "$output" == "default via 10.213.0.1 dev eth0"* ]]
  run in_ctr "$a" ip -6 route show default
  [[ "$output" == "default via fd68:756c:6c00::1 dev eth0"* ]]
  run hostns ip -o addr show dev hull0
  [[ "$output" == *"10.213.0.1/16"* ]]
  [[ "$output" == *"fd68:756c:6c00::1/64"* ]]
  in_ctr "$a" busybox ping -c1 -W5 10.213.0.1
  in_ctr "$a" busybox ping -c1 -W5 10.213.0.3
  in_ctr "$b" busybox ping -c1 -W5 10.213.0.2
  in_ctr "$a" busybox ping -c1 -W5 fd68:756c:6c00::1
  in_ctr "$a" busybox ping -c1 -W5 fd68:756c:6c00::3
  in_ctr "$b" busybox ping -c1 -W5 fd68:756c:6c00::2
  [ -f "$ROOT/net/leases/10.213.0.2" ]
  [ "$(cat "$ROOT/net/leases/10.213.0.2")" = va ]
  [ "$(cat "$ROOT/net/leases/fd68:756c:6c00::3")" = vb ]

  net teardown va "$a" --net veth --ann run.hull.net.ipv6=true
  net teardown vb "$b" --ann run.hull.net=veth --ann run.hull.net.ipv6=true
  [ -z "$(ls -A "$ROOT/net/leases")" ]
  run hostns ip -o link show type veth
  [ -z "$output" ]
  # the bridge stays for the next container
  hostns ip link show hull0
  run in_ctr "$a" ip link show eth0
  [ "$status" -ne 0 ]
}

@test "net: static address, custom subnet, bridge, gateway, MTU and MAC" {
  start_ctr a
  net setup st "$a" --net veth --ann run.hull.net.bridge=hbr1 \
    --ann run.hull.net.subnet=192.168.150.0/24 --ann run.hull.net.gateway=192.168.150.254 \
    --ann run.hull.net.address=192.168.150.77 --ann run.hull.net.mtu=1280 \
    --ann run.hull.net.mac=02:42:c0:a8:96:4d
  [ "$(ctr_ipv4 "$a")" = 192.168.150.77 ]
  run in_ctr "$a" ip -o link show eth0
  [[ "$output" == *"mtu 1280 "* ]]
  [[ "$output" == *"link/ether 02:42:c0:a8:96:4d "* ]]
  run in_ctr "$a" ip route show default
  [[ "$output" == "default via 192.168.150.254 dev eth0"* ]]
  run hostns ip -o link show master hbr1
  [[ "$output" == *"mtu 1280 "* ]]
  in_ctr "$a" busybox ping -c1 -W5 192.168.150.254

  # the same static address for another container is refused, and that
  # failed setup leaves nothing of its own behind
  start_ctr b
  run net setup st2 "$b" --net veth --ann run.hull.net.bridge=hbr1 \
    --ann run.hull.net.subnet=192.168.150.0/24 --ann run.hull.net.gateway=192.168.150.254 \
    --ann run.hull.net.address=192.168.150.77
  [ "$status" -eq 1 ]
  [[ "$output" == *"run.hull.net.address: address 192.168.150.77 is leased by container st"* ]]
  [ "$(hostns ip -o link show type veth | wc -l)" -eq 1 ]
  [ "$(cat "$ROOT/net/leases/192.168.150.77")" = st ]
  run in_ctr "$b" ip link show eth0
  [ "$status" -ne 0 ]
  net teardown st "$a" --net veth
  [ -z "$(ls -A "$ROOT/net/leases")" ]
}

@test "net: 50 concurrent setups get 50 distinct addresses, all freed at teardown" {
  local pids=() i
  for i in $(seq 1 50); do
    start_ctr p
    pids+=("$p")
  done
  # (wait on the setups only: the sleeps are background jobs too)
  local jobs=()
  for i in $(seq 0 49); do
    net setup "cc$i" "${pids[$i]}" --net veth &
    jobs+=($!)
  done
  for i in "${jobs[@]}"; do wait "$i"; done
  local addrs
  addrs=$(for i in $(seq 0 49); do ctr_ipv4 "${pids[$i]}"; done)
  [ "$(echo "$addrs" | grep -c '^10\.213\.')" -eq 50 ]
  [ "$(echo "$addrs" | sort -u | wc -l)" -eq 50 ]
  [ "$(ls "$ROOT/net/leases" | wc -l)" -eq 50 ]
  [ "$(hostns ip -o link show master hull0 | wc -l)" -eq 50 ]
  jobs=()
  for i in $(seq 0 49); do
    net teardown "cc$i" "${pids[$i]}" --net veth &
    jobs+=($!)
  done
  for i in "${jobs[@]}"; do wait "$i"; done
  [ -z "$(ls -A "$ROOT/net/leases")" ]
  [ -z "$(hostns ip -o link show type veth)" ]
}


@test "net: NAT lets the container reach the outside with the host's address as source" {
  command -v nft >/dev/null || skip "nft (nftables) not installed"
  make_outside hulltest-out
  start_ctr a
  net setup nat1 "$a" --net veth --ann run.hull.net.nat=true
  # the outside answers with the source address it sees (a CGI script of
  # busybox httpd gets it as REMOTE_ADDR)
  outside_peer_server
  local out
  out=$(http_get /cgi-bin/peer in_ctr "$a" busybox nc -w 3 192.0.2.2 7000)
  [[ "$out" == *"peer=[::ffff:192.0.2.1]"* ]] || [[ "$out" == *"peer=192.0.2.1"* ]]
  run hostns nft list ruleset
  [[ "$output" == *"ip saddr 10.213.0.2 oifname != \"hull0\" masquerade"* ]]
  net teardown nat1 "$a" --net veth --ann run.hull.net.nat=true
  [ -z "$(hostns nft list tables)" ]
  [ -z "$(ls -A "$ROOT/net/leases")" ]
}

@test "net: a port forward reaches a listener in the container from the outside" {
  command -v nft >/dev/null || skip "nft (nftables) not installed"
  make_outside hulltest-out
  start_ctr a
  net setup pf1 "$a" --net veth --ann run.hull.net.ports=8080:80/tcp,5353:53/udp
  local www=$BATS_TEST_TMPDIR/www
  mkdir -p "$www"
  echo hello-from-container >"$www/index.html"
  # nsenter directly (not through a function, which would fork a subshell)
  # so that $! is the server and teardown kills it
  nsenter -t "$a" -n busybox httpd -f -p 80 -h "$www" &
  PIDS+=($!)
  local out
  out=$(http_get /index.html ip netns exec "$OUTNS" busybox nc -w 3 192.0.2.1 8080)
  [[ "$out" == *"HTTP/1.1 200 OK"*hello-from-container* ]]
  run hostns nft list ruleset
  [[ "$output" == *"udp dport 5353 dnat ip to 10.213.0.2:53"* ]]
  net teardown pf1 "$a" --net veth --ann run.hull.net.ports=8080:80/tcp,5353:53/udp
  [ -z "$(hostns nft list tables)" ]
}

@test "net: linux.netDevices moves an interface in (renamed, up, addresses kept); teardown leaves it to the kernel" {
  # a dummy interface when the kernel has the driver, else one end of a veth
  hostns ip link add hdummy0 type dummy 2>/dev/null ||
    hostns ip link add hdummy0 type veth peer name hdummy0p
  hostns ip addr add 198.51.100.7/24 dev hdummy0
  hostns ip addr add 2001:db8:7::7/64 nodad dev hdummy0
  start_ctr a
  net setup nd1 "$a" --netdev hdummy0:ctrdev0
  run hostns ip link show hdummy0
  [ "$status" -ne 0 ]
  run in_ctr "$a" ip -o link show ctrdev0
  [ "$status" -eq 0 ]
  [[ "$output" == *"UP"* ]]
  # permanent global addresses survive the move (runtime-spec 1.3)
  run in_ctr "$a" ip -o addr show dev ctrdev0 scope global
  [[ "$output" == *"inet 198.51.100.7/24"* ]]
  [[ "$output" == *"inet6 2001:db8:7::7/64"* ]]
  # teardown does not move it out (the spec forbids it): it stays in the
  # container's netns, and is destroyed with it (a virtual device)
  net teardown nd1 "$a" --netdev hdummy0:ctrdev0
  in_ctr "$a" ip link show ctrdev0
  kill -9 "$a"
  wait "$a" 2>/dev/null || true
  for _ in $(seq 1 50); do hostns ip link show hdummy0 >/dev/null 2>&1 || break; sleep 0.1; done
  run hostns ip link show hdummy0
  [ "$status" -ne 0 ]
  # a missing device is a clear error
  start_ctr b
  run net setup nd2 "$b" --netdev nosuchdev0
  [ "$status" -eq 1 ]
  [[ "$output" == *"linux.netDevices.nosuchdev0: interface nosuchdev0"* ]]
}

@test "net: nothing is left after a setup killed at any point and a teardown with pid 0" {
  local i a delay
  for i in 0 1 2 3 4 5 6 7; do
    start_ctr a
    delay=$(printf '0.%03d' $((i * 4)))
    mkdir -p "$ROOT/k$i"
    # the driver itself in the background (ip netns exec execs it), so the
    # kill hits the process doing the setup
    ip netns exec "$HOSTNS" "$DRIVER" setup --id k$i --root "$ROOT" --state "$ROOT/k$i" \
      --pid "$a" --net veth --ann run.hull.net.ipv6=true --ann run.hull.net.nat=true &
    local setup_pid=$!
    sleep "$delay"
    kill -9 "$setup_pid" 2>/dev/null || true
    wait "$setup_pid" 2>/dev/null || true
    kill -9 "$a"
    net teardown k$i 0 --net veth --ann run.hull.net.ipv6=true --ann run.hull.net.nat=true
    [ -z "$(ls -A "$ROOT/net/leases" 2>/dev/null)" ]
    [ -z "$(hostns ip -o link show type veth)" ]
    [ -z "$(hostns nft list tables 2>/dev/null)" ]
  done
  # and teardown is idempotent
  net teardown k0 0 --net veth --ann run.hull.net.nat=true
}

@test "net: bad options fail with the annotation named, and leave nothing" {
  start_ctr a
  run net setup bad1 "$a" --net veth --ann run.hull.net.subnet=10.1.2.3/24
  [ "$status" -eq 1 ]
  [[ "$output" == *"run.hull.net.subnet: \"10.1.2.3/24\" has host bits set"* ]]
  run net setup bad2 "$a" --net bogus
  [ "$status" -eq 1 ]
  [[ "$output" == *"--net: run.hull.net: unknown mode \"bogus\""* ]]
  run net setup bad3 "$a" --ann run.hull.net.mtu=1400
  [ "$status" -eq 1 ]
  [[ "$output" == *"run.hull.net.mtu: only valid with run.hull.net=veth"* ]]
  [ -z "$(hostns ip -o link show type veth)" ]
  [ ! -e "$ROOT/net/leases" ] || [ -z "$(ls -A "$ROOT/net/leases")" ]
}

@test "net: dns writes a resolv.conf in the state dir and asks for a bind mount over /etc/resolv.conf" {
  run net mounts dns1 0 --net veth --ann run.hull.net.dns=192.0.2.53,2001:db8::53
  [ "$status" -eq 0 ]
  [ "$output" = "$ROOT/dns1/resolv.conf /etc/resolv.conf" ]
  grep -qx 'nameserver 192.0.2.53' "$ROOT/dns1/resolv.conf"
  grep -qx 'nameserver 2001:db8::53' "$ROOT/dns1/resolv.conf"
  run net mounts dns2 0 --net veth
  [ "$status" -eq 0 ]
  [ -z "$output" ]
}

@test "net: slirp4netns is started for the container and stopped at teardown" {
  command -v slirp4netns >/dev/null || skip "slirp4netns not installed"
  start_ctr a
  net setup sl1 "$a" --net slirp4netns
  local spid
  spid=$(cat "$ROOT/sl1/usernet.pid")
  [ "$(cat /proc/$spid/comm)" = slirp4netns ]
  PIDS+=("$spid")
  run in_ctr "$a" ip -o -4 addr show dev tap0
  [[ "$output" == *"10.0.2.100/24"* ]]
  net teardown sl1 "$a" --net slirp4netns
  [ ! -e "$ROOT/sl1/usernet.pid" ]
  for _ in $(seq 1 50); do [ -d /proc/$spid ] || break; sleep 0.1; done
  [ ! -d "/proc/$spid" ] || [ "$(awk '{print $3}' /proc/$spid/stat)" = Z ]
}
