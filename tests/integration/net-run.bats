#!/usr/bin/env bats
# Networking through real containers: `hull create/start/run/exec/delete`
# with --net and run.hull.net.* annotations. Every hull command runs inside
# a private network namespace made here (the "host"; nsenter --net keeps
# the mount namespace, so state and cgroups are the usual ones); a second
# namespace plays the outside world for NAT and port forwarding. No host
# interface, address, route or nft rule is touched.

load helpers
load net_helpers
load net_run_helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

setup() { net_run_setup; }
teardown() { net_run_teardown; }

@test "net-run: a new netns has only loopback, up, when no networking is asked for" {
  start lo1
  run in_ctr lo1 ip -o link
  [ "$(echo "$output" | wc -l)" -eq 1 ]
  [[ "$output" == *"lo: <LOOPBACK,UP,LOWER_UP>"* ]]
  h exec lo1 ping -c1 -W2 127.0.0.1
  [ "$(hostns ip -o link | wc -l)" -eq 1 ]
  [ ! -e "$HULL_TEST_ROOT/net" ]
}

@test "net-run: --net veth: address, gateway route, dns, ping to the bridge and between containers (IPv4, IPv6)" {
  update_config "$B" '.annotations = {"run.hull.net.ipv6": "true",
    "run.hull.net.dns": "192.0.2.53,2001:db8::53"}'
  start va --net veth
  start vb --net veth
  [ "$(ctr_ipv4 va)" = 10.213.0.2 ]
  [ "$(ctr_ipv4 vb)" = 10.213.0.3 ]
  run in_ctr va ip -6 -o addr show dev eth0 scope global
  [[ "$output" == *"fd68:756c:6c00::2/64"* ]]
  # what the container itself sees
  run h exec va ip route show default
  [[ "$output" == "default via 10.213.0.1 dev eth0"* ]]
  run h exec va ip -6 route show default
  [[ "$output" == "default via fd68:756c:6c00::1 dev eth0"* ]]
  run h exec va cat /etc/resolv.conf
  [[ "$output" == *$'nameserver 192.0.2.53\nnameserver 2001:db8::53'* ]]
  run hostns ip -o addr show dev hull0
  [[ "$output" == *"10.213.0.1/16"* ]]
  [[ "$output" == *"fd68:756c:6c00::1/64"* ]]
  h exec va ping -c1 -W5 10.213.0.1
  h exec va ping -c1 -W5 10.213.0.3
  h exec vb ping -c1 -W5 10.213.0.2
  h exec va ping -c1 -W5 fd68:756c:6c00::1
  h exec vb ping -c1 -W5 fd68:756c:6c00::2
  [ "$(leases | wc -l)" -eq 4 ]

  h delete --force va
  h delete --force vb
  [ -z "$(leases)" ]
  [ -z "$(host_veths)" ]
  hostns ip link show hull0 # the bridge stays for the next container
}

@test "net-run: annotations give static IPv4/IPv6, subnet, bridge, gateway, MTU and MAC" {
  update_config "$B" '.annotations = {"run.hull.net": "veth", "run.hull.net.bridge": "hbr1",
    "run.hull.net.subnet": "192.168.150.0/24", "run.hull.net.gateway": "192.168.150.254",
    "run.hull.net.address": "192.168.150.77", "run.hull.net.ipv6": "fd00:77::77/64",
    "run.hull.net.mtu": "1280", "run.hull.net.mac": "02:42:c0:a8:96:4d"}'
  start st
  run h exec st ip -o addr show dev eth0
  [[ "$output" == *"inet 192.168.150.77/24"* ]]
  [[ "$output" == *"inet6 fd00:77::77/64"* ]]
  run h exec st ip -o link show eth0
  [[ "$output" == *"mtu 1280 "* ]]
  [[ "$output" == *"link/ether 02:42:c0:a8:96:4d "* ]]
  run h exec st ip route show default
  [[ "$output" == "default via 192.168.150.254 dev eth0"* ]]
  run hostns ip -o link show master hbr1
  [[ "$output" == *"mtu 1280 "* ]]
  h exec st ping -c1 -W5 192.168.150.254
  h exec st ping -c1 -W5 fd00:77::1

  # the same static address for a second container is refused; that
  # failed create leaves nothing of its own
  bundle_for "$BATS_TEST_TMPDIR/b2" st2
  run h create --bundle "$BATS_TEST_TMPDIR/b2" st2 </dev/null
  [ "$status" -ne 0 ]
  [[ "$output" == *"run.hull.net.address: address 192.168.150.77 is leased by container st"* ]]
  [ "$(host_veths | wc -l)" -eq 1 ]
  [ ! -e "$HULL_TEST_ROOT/st2" ]
  [ "$(leases | wc -l)" -eq 2 ]
  h delete --force st
  [ -z "$(leases)" ]
}

@test "net-run: --net overrides the annotation; a foreground run is torn down when it exits" {
  update_config "$B" '.annotations = {"run.hull.net": "veth"}'
  start ov --net none
  run in_ctr ov ip -o link
  [ "$(echo "$output" | wc -l)" -eq 1 ]
  [ -z "$(host_veths)" ]
  h delete --force ov
  update_config "$B" '.annotations = {} | .process.args = ["ip", "-4", "-o", "addr", "show", "dev", "eth0"]'
  run h run --bundle "$B" --net veth fg </dev/null
  [ "$status" -eq 0 ]
  [[ "$output" == *"inet 10.213.0.2/16"* ]]
  [ -z "$(leases)" ]
  [ -z "$(host_veths)" ]
  [ ! -e "$HULL_TEST_ROOT/fg" ]
}

@test "net-run: NAT: the container reaches the outside with the host's address as source" {
  command -v nft >/dev/null || skip "nft (nftables) not installed"
  make_outside hullrun-out
  update_config "$B" '.annotations = {"run.hull.net.nat": "true"}'
  start nat1 --net veth
  outside_peer_server
  local out
  out=$(http_get /cgi-bin/peer h exec nat1 nc -w 3 192.0.2.2 7000)
  [[ "$out" == *"peer=[::ffff:192.0.2.1]"* ]] || [[ "$out" == *"peer=192.0.2.1"* ]]
  run hostns nft list ruleset
  [[ "$output" == *"ip saddr 10.213.0.2 oifname != \"hull0\" masquerade"* ]]
  h delete --force nat1
  [ -z "$(hostns nft list tables)" ]
  [ -z "$(leases)" ]
}

@test "net-run: a port forward reaches a listener in the container from the outside" {
  command -v nft >/dev/null || skip "nft (nftables) not installed"
  make_outside hullrun-out
  mkdir -p "$B/rootfs/www"
  echo hello-from-container >"$B/rootfs/www/index.html"
  update_config "$B" '.annotations = {"run.hull.net": "veth",
    "run.hull.net.ports": "8080:80/tcp,5353:53/udp"}
    | .process.args = ["httpd", "-f", "-p", "80", "-h", "/www"]'
  start pf1
  local out
  out=$(http_get /index.html ip netns exec "$OUTNS" busybox nc -w 3 192.0.2.1 8080)
  [[ "$out" == *"HTTP/1.1 200 OK"*hello-from-container* ]]
  # and from the host itself, to its own address
  out=$(printf 'GET /index.html HTTP/1.0\r\n\r\n' | hostns busybox nc -w 3 192.0.2.1 8080)
  [[ "$out" == *"HTTP/1.1 200 OK"*hello-from-container* ]]
  run hostns nft list ruleset
  [[ "$output" == *"tcp dport 8080 dnat ip to 10.213.0.2:80"* ]]
  [[ "$output" == *"type nat hook output priority -100"* ]]
  [[ "$output" == *"udp dport 5353 dnat ip to 10.213.0.2:53"* ]]
  h delete --force pf1
  [ -z "$(hostns nft list tables)" ]
  [ -z "$(host_veths)" ]
}

@test "net-run: 50 containers created at once get 50 distinct addresses, all freed at delete" {
  local i
  for i in $(seq 50); do bundle_for "$BATS_TEST_TMPDIR/b$i" many '.annotations = {"run.hull.net": "veth"}'; done
  local jobs=()
  for i in $(seq 50); do
    h create --bundle "$BATS_TEST_TMPDIR/b$i" m$i </dev/null &
    jobs+=($!)
  done
  for i in "${jobs[@]}"; do wait "$i"; done
  [ "$(hull list -q | wc -l)" -eq 50 ]
  local addrs
  addrs=$(for i in $(seq 50); do ctr_ipv4 m$i; done)
  [ "$(echo "$addrs" | grep -c '^10\.213\.')" -eq 50 ]
  [ "$(echo "$addrs" | sort -u | wc -l)" -eq 50 ]
  [ "$(leases | wc -l)" -eq 50 ]
  [ "$(hostns ip -o link show master hull0 | wc -l)" -eq 50 ]
  jobs=()
  for i in $(seq 50); do
    h delete --force m$i &
    jobs+=($!)
  done
  for i in "${jobs[@]}"; do wait "$i"; done
  [ -z "$(hull list -q)" ]
  [ -z "$(leases)" ]
  [ -z "$(host_veths)" ]
}

@test "net-run: linux.netDevices: a dummy moves in renamed, up, with its addresses; destroyed with the netns" {
  hostns ip link add hdummy0 type dummy 2>/dev/null ||
    hostns ip link add hdummy0 type veth peer name hdummy0p
  hostns ip addr add 198.51.100.7/24 dev hdummy0
  update_config "$B" '.linux.netDevices = {"hdummy0": {"name": "ctrdev0"}}'
  start nd1
  run hostns ip link show hdummy0
  [ "$status" -ne 0 ]
  run h exec nd1 ip -o addr show dev ctrdev0
  [[ "$output" == *"inet 198.51.100.7/24"* ]]
  run h exec nd1 ip -o link show ctrdev0
  [[ "$output" == *"UP"* ]]
  h exec nd1 ping -c1 -W2 198.51.100.7
  # runtime-spec 1.3: not moved out at delete; the kernel destroys a
  # virtual device with the netns (a physical one would go back to the
  # initial netns)
  h delete --force nd1
  for _ in $(seq 1 50); do hostns ip link show hdummy0 >/dev/null 2>&1 || break; sleep 0.1; done
  run hostns ip link show hdummy0
  [ "$status" -ne 0 ]
  # a missing device: a clear error, nothing left
  run h create --bundle "$B" nd2 </dev/null
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.netDevices.hdummy0: interface hdummy0"* ]]
  [ ! -e "$HULL_TEST_ROOT/nd2" ]
}

@test "net-run: bad options fail at create naming the option and leave nothing" {
  run h create --bundle "$B" --net bogus bad1 </dev/null
  [ "$status" -ne 0 ]
  [[ "$output" == *"--net: run.hull.net: unknown mode \"bogus\""* ]]
  update_config "$B" '.annotations = {"run.hull.net": "veth", "run.hull.net.subnet": "10.1.2.3/24"}'
  run h create --bundle "$B" bad2 </dev/null
  [ "$status" -ne 0 ]
  [[ "$output" == *"run.hull.net.subnet: \"10.1.2.3/24\" has host bits set"* ]]
  update_config "$B" '.annotations = {"run.hull.net.mtu": "1400"}'
  run h create --bundle "$B" bad3 </dev/null
  [ "$status" -ne 0 ]
  [[ "$output" == *"run.hull.net.mtu: only valid with run.hull.net=veth"* ]]
  update_config "$B" '.annotations = {} | .linux.namespaces |= map(select(.type != "network"))'
  run h create --bundle "$B" --net veth bad4 </dev/null
  [ "$status" -ne 0 ]
  [[ "$output" == *"--net veth: needs a new network namespace"* ]]
  update_config "$B" '.linux.netDevices = {"lo": {}}'
  run h create --bundle "$B" bad5 </dev/null
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.netDevices: needs a network namespace"* ]]
  [ -z "$(hull list -q)" ]
  [ -z "$(ls -A "$HULL_TEST_ROOT" | grep -v '^net$')" ]
  [ -z "$(leases)" ]
  [ -z "$(host_veths)" ]
}

@test "net-run: nothing is left after hull create is killed at any point and delete --force" {
  command -v nft >/dev/null || skip "nft (nftables) not installed"
  update_config "$B" '.annotations = {"run.hull.net": "veth", "run.hull.net.ipv6": "true",
    "run.hull.net.nat": "true", "run.hull.net.dns": "192.0.2.53",
    "run.hull.net.ports": "8080:80,9000-9003:9000-9003/udp"}'
  local i cpid
  for i in 0 1 2 3 4 5 6 7 8 9; do
    nsenter --net="/run/netns/$HOSTNS" "$HULL" --root "$HULL_TEST_ROOT" \
      create --bundle "$B" k$i </dev/null >/dev/null 2>&1 &
    cpid=$!
    sleep "$(printf '0.%03d' $((i * 6)))"
    kill -9 "$cpid" 2>/dev/null || true
    wait "$cpid" 2>/dev/null || true
    h delete --force k$i
    [ ! -e "$HULL_TEST_ROOT/k$i" ]
    [ -z "$(leases)" ]
    [ -z "$(host_veths)" ]
    [ -z "$(hostns nft list tables)" ]
    # (no bridge yet when killed early)
    [ "$(hostns cat /proc/sys/net/ipv4/conf/hull0/route_localnet 2>/dev/null || echo 0)" = 0 ]
  done
  remove_test_cgroups "$B"
}

@test "net-run: pasta as root gives the container a working network, stopped with the container" {
  command -v pasta >/dev/null || skip "pasta (passt) not installed"
  # with no external interface to copy, pasta refuses: a clear error and
  # nothing left
  run h create --bundle "$B" --net pasta pa0 </dev/null
  [ "$status" -ne 0 ]
  [[ "$output" == *"run.hull.net=pasta: pasta exited with status 1"* ]]
  [ ! -e "$HULL_TEST_ROOT/pa0" ]
  # pasta copies the host's addresses and routes: the "host" gets them
  # from its link to the outside namespace
  make_outside hullrun-out
  hostns ip route add default via 192.0.2.2 dev hup0
  start pa1 --net pasta
  local ppid
  ppid=$(cat "$HULL_TEST_ROOT/pa1/usernet.pid")
  [[ "$(cat /proc/$ppid/comm)" == pas* ]]
  run h exec pa1 ip -4 -o addr show
  [[ "$output" == *"192.0.2.1/24"* ]]
  run h exec pa1 ip route show default
  [[ "$output" == "default via 192.0.2.2"* ]]
  # traffic flows: pasta carries a TCP connection to the outside (not to
  # the gateway address, which pasta maps to the host itself)
  ip netns exec "$OUTNS" ip addr add 192.0.2.3/24 dev out0
  local www=$BATS_TEST_TMPDIR/www
  mkdir -p "$www"
  echo hello-outside >"$www/index.html"
  ip netns exec "$OUTNS" busybox httpd -f -p 7000 -h "$www" &
  PIDS+=($!)
  # Once nc has half-closed its side (its stdin's end), pasta never passes
  # on the server's close: nc gets the whole answer and then waits forever
  # (with or without -w). timeout ends it; waiting for the exit status
  # (every try ran into its timeout) made this test take 200 s.
  local out
  out=$(http_get -n 20 /index.html timeout 3 "$HULL" --root "$HULL_TEST_ROOT" exec pa1 nc 192.0.2.3 7000)
  [[ "$out" == *"HTTP/1.1 200 OK"*hello-outside* ]]
  h delete --force pa1
  for _ in $(seq 1 50); do [ -d /proc/$ppid ] || break; sleep 0.1; done
  [ ! -d "/proc/$ppid" ] || [ "$(awk '{print $3}' /proc/$ppid/stat)" = Z ]
}

@test "net-run: features lists netDevices and every run.hull.net annotation; help describes --net" {
  run "$HULL" features
  [ "$status" -eq 0 ]
  echo "$output" | jq -e '.linux.netDevices.enabled == true'
  local k
  for k in "" .bridge .subnet .address .gateway .ipv6 .mtu .mac .dns .ports .nat; do
    echo "$output" | jq -e --arg k "run.hull.net$k" '.annotations[$k] | length > 0'
  done
  run "$HULL" help run
  [[ "$output" == *"--net MODE"*"none, veth, pasta or slirp4netns"* ]]
}

@test "net-run: unprivileged, veth and netDevices are refused up front with a clear error" {
  command -v setpriv >/dev/null || skip "setpriv (util-linux) missing"
  # a directory nobody can reach (the build tree and bats' tmp may not be)
  local d
  d=$(mktemp -d /tmp/hull-net-nobody.XXXXXX)
  NOBODY_DIR=$d # removed by teardown
  chmod 755 "$d"
  cp "$HULL" "$d/hull"
  mkdir -m 777 "$d/root"
  cp "$B/config.json" "$d/config.json"
  chmod 644 "$d/config.json"
  mkdir "$d/rootfs" # (never used: the check comes first)
  local nob=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
  run "${nob[@]}" "$d/hull" --root "$d/root" create --bundle "$d" --net veth r1 </dev/null
  [ "$status" -ne 0 ]
  [[ "$output" == *"--net veth: needs root (rootless: pasta or slirp4netns)"* ]]
  jq '.linux.netDevices = {"eth9": {}}' "$B/config.json" >"$d/config.json"
  run "${nob[@]}" "$d/hull" --root "$d/root" create --bundle "$d" r2 </dev/null
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.netDevices: moving host interfaces needs root"* ]]
  [ -z "$(ls -A "$d/root")" ]
}
