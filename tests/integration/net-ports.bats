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

# get CMD...: CMD is an nc prefix (nc HOST PORT follows); retries an HTTP
# GET of /index.html until an answer comes. Prints the answer.
get() {
  local out= i
  for i in $(seq 1 30); do
    out=$(printf 'GET /index.html HTTP/1.0\r\n\r\n' | "$@" 2>/dev/null) && [ -n "$out" ] && break
    sleep 0.1
  done
  printf '%s' "$out"
}

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
    "run.hull.net.nat": "true", "run.hull.net.ports": "8080:80/tcp"}
    | .process.args = ["httpd", "-f", "-p", "80", "-h", "/www"]'
  start v6
  # outside -> host's IPv6 address:8080 -> [fd68:756c:6c00::2]:80
  out=$(get ip netns exec "$OUTNS" busybox nc -w 3 2001:db8:1::1 8080)
  [[ "$out" == *"HTTP/1.1 200 OK"*hello-from-container* ]]
  # the container -> outside over IPv6: the outside has no route back to
  # fd68:756c:6c00::/64, so an answer proves the source was the host's
  local www=$BATS_TEST_TMPDIR/www
  mkdir -p "$www/cgi-bin"
  printf '#!/bin/sh\necho "Content-Type: text/plain"\necho\necho "peer=$REMOTE_ADDR"\n' \
    >"$www/cgi-bin/peer"
  chmod 755 "$www/cgi-bin/peer"
  ip netns exec "$OUTNS" busybox httpd -f -p 7000 -h "$www" &
  PIDS+=($!)
  local peer=
  for _ in $(seq 1 50); do
    peer=$(printf 'GET /cgi-bin/peer HTTP/1.0\r\n\r\n' |
      h exec v6 nc -w 3 2001:db8:1::2 7000 2>/dev/null) && [ -n "$peer" ] && break
    sleep 0.1
  done
  [[ "$peer" == *"peer=2001:db8:1::1"* ]] || [[ "$peer" == *"peer=[2001:db8:1::1]"* ]]
  run hostns nft list ruleset
  [[ "$output" == *'ip6 saddr fd68:756c:6c00::2 oifname != "hull0" masquerade'* ]]
  [[ "$output" == *"tcp dport 8080 dnat ip6 to [fd68:756c:6c00::2]:80"* ]]
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
    out=$(get h exec cli nc -w 3 "$addr" 8080)
    [[ "$out" == *"HTTP/1.1 200 OK"*hello-from-container* ]] || { echo "cli -> $addr: $out"; false; }
  done
  # the container to itself through the host's port
  for addr in 192.0.2.1 2001:db8:1::1; do
    out=$(get h exec srv nc -w 3 "$addr" 8080)
    [[ "$out" == *"HTTP/1.1 200 OK"*hello-from-container* ]] || { echo "srv -> $addr: $out"; false; }
  done
  # hairpin mode on srv's bridge port (the one with ports) only
  run hostns ip -d -o link show master hull0
  [ "$(echo "$output" | grep -c "hairpin on")" -eq 1 ]
  [ "$(echo "$output" | grep -c "hairpin off")" -eq 1 ]
  # the host's own loopback, as podman/CNI portmap users expect
  [ "$(localnet)" = 1 ]
  out=$(get hostns busybox nc -w 3 127.0.0.1 8080)
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
