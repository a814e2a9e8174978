#!/usr/bin/env bats
# Port forwards and NAT beyond the IPv4 basics, through real containers:
# IPv6 masquerade and forwards, hairpin (a container on the bridge to the
# host's address:port), the host's 127.0.0.1:PORT (route_localnet on the
# bridge, guarded), udp, ranges, host IPs, and teardown after a dead init
# or a killed create. Everything runs in private network namespaces made
# here ($HOSTNS the "host", $OUTNS the outside world).

load helpers
load net_helpers
load net_run_helpers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

setup() {
  net_run_setup
  command -v nft >/dev/null || skip "nft (nftables) not installed"
  mkdir -p "$B/rootfs/www"
  echo hello-from-container >"$B/rootfs/www/index.html"
}
teardown() { net_run_teardown; }

# refused CMD...: one try gets no HTTP answer.
no_answer() {
  local out
  out=$(printf 'GET /index.html HTTP/1.0\r\n\r\n' | "$@" 2>/dev/null) || true
  [[ "$out" != *hello-from-container* ]]
}

localnet() { hostns cat /proc/sys/net/ipv4/conf/hull0/route_localnet; }

@test "net-ports: IPv6: a port forward reaches the container, masquerade applies to its IPv6 traffic" {
  make_outside hullpt-out
  update_config "$B" '.annotations = {"run.hull.net": "veth", "run.hull.net.ipv6": "true",
    "run.hull.net.nat": "true", "run.hull.net.ports": "8080:80/tcp,[2001:db8:1::1]:9092:80"}
    | .process.args = ["httpd", "-f", "-p", "80", "-h", "/www"]'
  start v6
  # outside -> host's IPv6 address:8080 -> [fd68:756c:6c00::2]:80
  out=$(http_get /index.html ip netns exec "$OUTNS" busybox nc -w 3 2001:db8:1::1 8080)
  [[ "$out" == *"HTTP/1.1 200 OK"*hello-from-container* ]]
  # an IPv6 host IP: that address only (not the host's IPv4 one)
  out=$(http_get /index.html ip netns exec "$OUTNS" busybox nc -w 3 2001:db8:1::1 9092)
  [[ "$out" == *"HTTP/1.1 200 OK"*hello-from-container* ]]
  no_answer ip netns exec "$OUTNS" busybox nc -w 1 192.0.2.1 9092
  # the container -> outside over IPv6: the outside has no route back to
  # fd68:756c:6c00::/64, so an answer proves the source was the host's
  outside_peer_server
  local peer
  peer=$(http_get /cgi-bin/peer h exec v6 nc -w 3 2001:db8:1::2 7000)
  [[ "$peer" == *"peer=2001:db8:1::1"* ]] || [[ "$peer" == *"peer=[2001:db8:1::1]"* ]]
  run hostns nft list ruleset
  [[ "$output" == *'ip6 saddr fd68:756c:6c00::2 oifname != "hull0" masquerade'* ]]
  [[ "$output" == *"tcp dport 8080 dnat ip6 to [fd68:756c:6c00::2]:80"* ]]
  [[ "$output" == *"ip6 daddr 2001:db8:1::1 tcp dport 9092 dnat ip6 to [fd68:756c:6c00::2]:80"* ]]
  [ "$(hostns cat /proc/sys/net/ipv6/conf/all/forwarding)" = 1 ]
  h delete --force v6
  [ -z "$(hostns nft list tables)" ]
  [ -z "$(leases)" ]
  [ -z "$(host_veths)" ]
}

@test "net-ports: hairpin from containers on the bridge, and the host's 127.0.0.1, reach a forwarded port" {
  make_outside hullpt-out
  update_config "$B" '.annotations = {"run.hull.net": "veth", "run.hull.net.ipv6": "true",
    "run.hull.net.ports": "8080:80/tcp"}
    | .process.args = ["httpd", "-f", "-p", "80", "-h", "/www"]'
  start srv
  bundle_for "$BATS_TEST_TMPDIR/b2" cli '.annotations = {"run.hull.net": "veth",
    "run.hull.net.ipv6": "true"} | .process.args = ["sleep", "600"]'
  h create --bundle "$BATS_TEST_TMPDIR/b2" cli </dev/null >/dev/null
  h start cli
  local addr out
  # another container, to the host's addresses (outside link, bridge
  # gateway, IPv6 of both); the server sees the bridge as the client
  for addr in 192.0.2.1 10.213.0.1 2001:db8:1::1 fd68:756c:6c00::1; do
    out=$(http_get /index.html h exec cli nc -w 3 "$addr" 8080)
    [[ "$out" == *"HTTP/1.1 200 OK"*hello-from-container* ]] || { echo "cli -> $addr: $out"; false; }
  done
  # the container to itself through the host's port
  for addr in 192.0.2.1 2001:db8:1::1; do
    out=$(http_get /index.html h exec srv nc -w 3 "$addr" 8080)
    [[ "$out" == *"HTTP/1.1 200 OK"*hello-from-container* ]] || { echo "srv -> $addr: $out"; false; }
  done
  # hairpin mode on srv's bridge port (the one with ports) only
  run hostns ip -d -o link show master hull0
  [ "$(echo "$output" | grep -c "hairpin on")" -eq 1 ]
  [ "$(echo "$output" | grep -c "hairpin off")" -eq 1 ]
  # the host's own loopback, as podman/CNI portmap users expect
  [ "$(localnet)" = 1 ]
  out=$(http_get /index.html hostns busybox nc -w 3 127.0.0.1 8080)
  [[ "$out" == *"HTTP/1.1 200 OK"*hello-from-container* ]]
  h delete --force cli
  h delete --force srv
  [ "$(localnet)" = 0 ]
  [ -z "$(hostns nft list tables)" ]
  [ -z "$(leases)" ]
}

@test "net-ports: route_localnet on the bridge does not open the host's 127.0.0.1 to containers" {
  update_config "$B" '.annotations = {"run.hull.net": "veth", "run.hull.net.ports": "8080:80"}'
  start g1
  [ "$(localnet)" = 1 ]
  # a loopback-only service of the host
  local www=$BATS_TEST_TMPDIR/www
  mkdir -p "$www"
  echo host-secret >"$www/index.html"
  # (ip netns exec itself, so that $! is the server)
  ip netns exec "$HOSTNS" busybox httpd -f -p 127.0.0.1:9999 -h "$www" &
  PIDS+=($!)
  for _ in $(seq 1 50); do
    hostns busybox nc -w 1 127.0.0.1 9999 </dev/null >/dev/null 2>&1 && break
    sleep 0.1
  done
  # the container sends to 127.0.0.1 through the bridge (what a process
  # with CAP_NET_ADMIN in its netns can do): loopback leaves by eth0
  in_ctr g1 ip rule del pref 0 lookup local
  in_ctr g1 ip rule add pref 100 lookup local
  in_ctr g1 ip route add 127.0.0.1/32 via 10.213.0.1 dev eth0 table 100
  in_ctr g1 ip rule add pref 10 to 127.0.0.1/32 lookup 100
  in_ctr g1 sh -c 'echo 1 >/proc/sys/net/ipv4/conf/eth0/route_localnet'
  local out
  out=$(printf 'GET /index.html HTTP/1.0\r\n\r\n' | h exec g1 nc -w 2 127.0.0.1 9999 2>/dev/null) || true
  [[ "$out" != *host-secret* ]]
  # the control: without the guard chain the same request gets through,
  # so the guard is what stops it
  local table
  table=$(hostns nft list tables | awk '/hull-/ {print $3}')
  hostns nft flush chain inet "$table" guard-hull0
  out=$(printf 'GET /index.html HTTP/1.0\r\n\r\n' | h exec g1 nc -w 2 127.0.0.1 9999 2>/dev/null) || true
  [[ "$out" == *host-secret* ]]
  h delete --force g1
  [ "$(localnet)" = 0 ]
}

# udp_server ID PORT...: in the container's network namespace (a host
# python, the netns is what matters), answers each datagram on each PORT
# with "port=PORT". Recorded in PIDS.
udp_server() {
  local pid
  pid=$(ctr_pid "$1")
  shift
  nsenter -t "$pid" -n python3 -c '
import select, socket, sys
socks = []
for p in sys.argv[1:]:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", int(p)))
    socks.append(s)
while True:
    for s in select.select(socks, [], [])[0]:
        data, peer = s.recvfrom(100)
        s.sendto(b"port=%d" % s.getsockname()[1], peer)
' "$@" &
  PIDS+=($!)
}

# udp_ask NETNS HOST PORT: one datagram, the answer (or nothing in 1 s).
udp_ask() {
  ip netns exec "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1)
s.sendto(b"hi", (sys.argv[1], int(sys.argv[2])))
try:
    print(s.recv(100).decode())
except socket.timeout:
    pass
' "$2" "$3"
}

@test "net-ports: udp, port ranges mapped one to one, and host IPs" {
  make_outside hullpt-out
  update_config "$B" '.annotations = {"run.hull.net": "veth",
    "run.hull.net.ports": "7000-7002:8000-8002/udp,192.0.2.1:9091:80,127.0.0.1:9090:80/tcp"}
    | .process.args = ["httpd", "-f", "-p", "80", "-h", "/www"]'
  start rg
  udp_server rg 8000 8001 8002
  local i out
  for i in 0 1 2; do
    out=
    for _ in $(seq 1 30); do
      out=$(udp_ask "$OUTNS" 192.0.2.1 700$i) && [ -n "$out" ] && break
    done
    [ "$out" = "port=800$i" ] || { echo "700$i/udp -> $out"; false; }
  done
  # 7000-7002 are udp only
  no_answer ip netns exec "$OUTNS" busybox nc -w 1 192.0.2.1 7000
  # 9091 only on 192.0.2.1: not on the bridge address, nor on 127.0.0.1
  out=$(http_get /index.html ip netns exec "$OUTNS" busybox nc -w 3 192.0.2.1 9091)
  [[ "$out" == *"HTTP/1.1 200 OK"*hello-from-container* ]]
  no_answer hostns busybox nc -w 1 10.213.0.1 9091
  no_answer hostns busybox nc -w 1 127.0.0.1 9091
  # 9090 only on the host's 127.0.0.1, not from the outside
  out=$(http_get /index.html hostns busybox nc -w 3 127.0.0.1 9090)
  [[ "$out" == *"HTTP/1.1 200 OK"*hello-from-container* ]]
  no_answer ip netns exec "$OUTNS" busybox nc -w 1 192.0.2.1 9090
  run hostns nft list ruleset
  [[ "$output" == *"ip daddr 192.0.2.1 tcp dport 9091 dnat ip to 10.213.0.2:80"* ]]
  [[ "$output" == *"udp dport 7002 dnat ip to 10.213.0.2:8002"* ]]
  h delete --force rg
  [ -z "$(hostns nft list tables)" ]
}

@test "net-ports: bad port specs fail at create naming the item, and leave nothing" {
  local spec want
  while IFS='|' read -r spec want; do
    update_config "$B" '.annotations = {"run.hull.net": "veth", "run.hull.net.ports": $p}' --arg p "$spec"
    run h create --bundle "$B" bad </dev/null
    [ "$status" -ne 0 ]
    [[ "$output" == *"$want"* ]] || { echo "$spec: $output"; false; }
  done <<'LIST'
8080-8081:80|run.hull.net.ports: "8080-8081:80": the host range has 2 ports, the container range 1
80:80/sctp|run.hull.net.ports: "80:80/sctp": protocol "sctp" is not tcp or udp
80:0|run.hull.net.ports: "80:0": container port must be 1-65535
fd00::1:80:80|(IPv6 goes in brackets)
[fd00::1]:80:80|run.hull.net.ports: host IP fd00::1 is IPv6: needs run.hull.net.ipv6
[::1]:80:80|::1 cannot be forwarded
80:80,80:81/tcp|run.hull.net.ports: host port 80/tcp given twice
LIST
  [ -z "$(hull list -q)" ]
  [ ! -e "$HULL_TEST_ROOT/bad" ]
  [ -z "$(host_veths)" ]
  [ -z "$(hostns nft list tables)" ]
}

# nothing_left: no veth, nft table, lease, state dir; route_localnet off.
nothing_left() {
  [ -z "$(host_veths)" ] || { echo "veths: $(host_veths)"; return 1; }
  [ -z "$(hostns nft list tables)" ] || { echo "tables: $(hostns nft list tables)"; return 1; }
  [ -z "$(leases)" ] || { echo "leases: $(leases)"; return 1; }
  [ -z "$(hull list -q)" ] || { echo "containers: $(hull list -q)"; return 1; }
  [ "$(localnet)" = 0 ] || { echo "route_localnet still on"; return 1; }
}

@test "net-ports: delete --force after the container's init died leaves no rules, veth or lease" {
  update_config "$B" '.annotations = {"run.hull.net": "veth", "run.hull.net.ipv6": "true",
    "run.hull.net.nat": "true", "run.hull.net.ports": "8080:80,9000-9001:9000-9001/udp"}'
  start dead1
  local pid
  pid=$(ctr_pid dead1)
  [ "$(localnet)" = 1 ]
  kill -9 "$pid"
  wait_status dead1 stopped
  h delete --force dead1
  nothing_left
}

@test "net-ports: hull killed during a createRuntime hook (network made): a later delete cleans it all" {
  update_config "$B" '.annotations = {"run.hull.net": "veth", "run.hull.net.ipv6": "true",
    "run.hull.net.nat": "true", "run.hull.net.ports": "8080:80"}
    | .hooks.createRuntime = [{"path": "/bin/sleep", "args": ["sleep", "60"]}]'
  nsenter --net="/run/netns/$HOSTNS" "$HULL" --root "$HULL_TEST_ROOT" \
    create --bundle "$B" crash1 </dev/null >/dev/null 2>&1 &
  local cpid=$! hook=
  PIDS+=($cpid)
  # the hook runs once the network is set up: then everything exists
  for _ in $(seq 1 100); do
    hook=$(cat /proc/$cpid/task/*/children 2>/dev/null | tr ' ' '\n' |
      while read -r c; do
        [ -n "$c" ] && [ "$(cat /proc/$c/comm 2>/dev/null)" = sleep ] && echo "$c"
      done || true)
    [ -n "$hook" ] && break
    sleep 0.1
  done
  [ -n "$hook" ]
  PIDS+=($hook)
  [ -n "$(host_veths)" ]
  [ -n "$(hostns nft list tables)" ]
  [ "$(leases | wc -l)" -eq 2 ]
  [ "$(localnet)" = 1 ]
  local kids
  kids=$(cat /proc/$cpid/task/*/children)
  [ "$(echo $kids | wc -w)" -eq 2 ] # the shim and the hook
  kill -9 "$cpid"
  wait "$cpid" || true
  kill -9 "$hook"
  # a plain delete is enough: the container never got past created
  h delete crash1
  nothing_left
  [ ! -e "$HULL_TEST_ROOT/crash1" ]
  # and the shim hull had cloned is gone too (or a zombie of its reaper)
  local k
  for k in $kids; do
    [ "$k" = "$hook" ] && continue
    for _ in $(seq 1 50); do [ -d /proc/$k ] || break; sleep 0.1; done
    [ ! -d /proc/$k ] || [ "$(awk '{print $3}' /proc/$k/stat)" = Z ]
  done
}

@test "net-ports: the largest port list (1024 ports, IPv4 and IPv6) is applied whole" {
  update_config "$B" '.annotations = {"run.hull.net": "veth", "run.hull.net.ipv6": "true",
    "run.hull.net.ports": "20000-21023:30000-31023/udp"}'
  start big
  run hostns nft list ruleset
  # pre and out chains, both families
  [ "$(echo "$output" | grep -c "dnat ip to 10.213.0.2:")" -eq 2048 ]
  [ "$(echo "$output" | grep -c "dnat ip6 to \[fd68:756c:6c00::2\]:")" -eq 2048 ]
  [[ "$output" == *"udp dport 21023 dnat ip6 to [fd68:756c:6c00::2]:31023"* ]]
  h delete --force big
  nothing_left
}

@test "net-ports: route_localnet stays on while another container on the bridge forwards ports" {
  update_config "$B" '.annotations = {"run.hull.net": "veth", "run.hull.net.ports": "8080:80"}'
  start p1
  bundle_for "$BATS_TEST_TMPDIR/b2" p2 '.annotations = {"run.hull.net": "veth",
    "run.hull.net.ports": "8081:80"}'
  h create --bundle "$BATS_TEST_TMPDIR/b2" p2 </dev/null >/dev/null
  # a container on another bridge, and one without ports on this one
  bundle_for "$BATS_TEST_TMPDIR/b3" p3 '.annotations = {"run.hull.net": "veth",
    "run.hull.net.bridge": "hbr3", "run.hull.net.subnet": "10.214.0.0/24",
    "run.hull.net.ports": "8082:80"}'
  h create --bundle "$BATS_TEST_TMPDIR/b3" p3 </dev/null >/dev/null
  bundle_for "$BATS_TEST_TMPDIR/b4" p4 '.annotations = {"run.hull.net": "veth"}'
  h create --bundle "$BATS_TEST_TMPDIR/b4" p4 </dev/null >/dev/null
  [ "$(localnet)" = 1 ]
  [ "$(hostns cat /proc/sys/net/ipv4/conf/hbr3/route_localnet)" = 1 ]
  [ "$(hostns cat /proc/sys/net/ipv4/conf/all/route_localnet)" = 0 ]
  h delete --force p1
  [ "$(localnet)" = 1 ] # p2's forwards still need it, and its guard is there
  [ "$(hostns nft list chains | grep -c "chain guard-hull0")" -eq 1 ]
  h delete --force p4
  [ "$(localnet)" = 1 ]
  h delete --force p2
  [ "$(localnet)" = 0 ]
  [ "$(hostns cat /proc/sys/net/ipv4/conf/hbr3/route_localnet)" = 1 ]
  h delete --force p3
  [ "$(hostns cat /proc/sys/net/ipv4/conf/hbr3/route_localnet)" = 0 ]
  nothing_left
}

@test "net-ports: delete removes the ip-family table an older hull made" {
  update_config "$B" '.annotations = {"run.hull.net": "veth", "run.hull.net.nat": "true"}'
  start old1
  local table
  table=$(hostns nft list tables | awk '/hull-/ {print $3}')
  [ -n "$table" ]
  # what hull made before the inet family, for the same container
  hostns nft add table ip "$table"
  hostns nft add chain ip "$table" post '{ type nat hook postrouting priority 100; }'
  [ "$(hostns nft list tables | wc -l)" -eq 2 ]
  h delete --force old1
  nothing_left
}

@test "net-ports: 12 containers with forwards, in two state roots, created and deleted at once: route_localnet ends off" {
  # route_localnet is per bridge, so its lock is the netns's, not --root's
  ROOT2=$BATS_TEST_TMPDIR/root2
  mkdir -p "$ROOT2"
  local i jobs=() root
  for i in $(seq 12); do
    bundle_for "$BATS_TEST_TMPDIR/b$i" par ".annotations = {\"run.hull.net\": \"veth\",
      \"run.hull.net.ports\": \"$((8100 + i)):80\"}"
  done
  for i in $(seq 12); do
    root=$HULL_TEST_ROOT
    [ $((i % 2)) -eq 0 ] && root=$ROOT2
    nsenter --net="/run/netns/$HOSTNS" "$HULL" --root "$root" \
      create --bundle "$BATS_TEST_TMPDIR/b$i" par$i </dev/null >/dev/null &
    jobs+=($!)
  done
  for i in "${jobs[@]}"; do wait "$i"; done
  [ "$(hostns nft list tables | grep -c "table inet hull-")" -eq 12 ]
  [ "$(hostns nft list chains | grep -c "chain guard-hull0")" -eq 12 ]
  [ "$(localnet)" = 1 ]
  jobs=()
  for i in $(seq 12); do
    root=$HULL_TEST_ROOT
    [ $((i % 2)) -eq 0 ] && root=$ROOT2
    nsenter --net="/run/netns/$HOSTNS" "$HULL" --root "$root" delete --force par$i &
    jobs+=($!)
  done
  for i in "${jobs[@]}"; do wait "$i"; done
  [ -z "$("$HULL" --root "$ROOT2" list -q)" ]
  [ -z "$(ls -A "$ROOT2/net/leases")" ]
  nothing_left
}

@test "net-ports: hull help features and its man page give every annotation with the ports syntax" {
  run "$HULL" help features
  [ "$status" -eq 0 ]
  [[ "$output" == *"ANNOTATIONS:"* ]]
  local k
  for k in $("$HULL" features | jq -r '.annotations | keys[]'); do
    echo "$output" | grep -q "^   $k  " || { echo "help lacks $k"; false; }
  done
  [[ "$output" == *"run.hull.net.ports"*"[HOSTIP:]HOSTPORT[-END]:CONTAINERPORT[-END][/tcp|/udp]"* ]]
  local page=$HULL_BUILDDIR/man/hull-features.8
  [ -s "$page" ] || skip "man pages not built"
  run grep -A2 '^\.B run\.hull\.net\.ports$' "$page"
  [[ "$output" == *'[HOSTIP:]HOSTPORT[\-END]:CONTAINERPORT[\-END][/tcp|/udp]'* ]]
  grep -q '^\.SH ANNOTATIONS$' "$page"
}
