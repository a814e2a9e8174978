# Shared by net.bats, net-run.bats and net-ports.bats: all work in a
# private "host" network namespace named $HOSTNS (made by their setup).

# hostns CMD...: CMD in the test's "host" network namespace.
hostns() {
  ip netns exec "$HOSTNS" "$@"
}

# make_outside PREFIX: an "outside" namespace ($OUTNS, named PREFIX-<unique>)
# linked to the host ns: host 192.0.2.1 and 2001:db8:1::1, outside 192.0.2.2
# and 2001:db8:1::2; the outside has no route to the container subnets.
# The caller's teardown deletes $OUTNS.
make_outside() {
  OUTNS=$1-$$-$RANDOM
  ip netns add "$OUTNS"
  ip netns exec "$OUTNS" ip link set lo up
  hostns ip link add hup0 type veth peer name out0 netns "$OUTNS"
  hostns ip addr add 192.0.2.1/24 dev hup0
  hostns ip link set hup0 up
  ip netns exec "$OUTNS" ip addr add 192.0.2.2/24 dev out0
  ip netns exec "$OUTNS" ip link set out0 up
  hostns ip addr add 2001:db8:1::1/64 dev hup0 nodad
  ip netns exec "$OUTNS" ip addr add 2001:db8:1::2/64 dev out0 nodad
}

# outside_peer_server: busybox httpd on port 7000 of $OUTNS (192.0.2.2,
# 2001:db8:1::2) whose /cgi-bin/peer answers "peer=<the client's address
# as the outside sees it>"; its pid goes to PIDS (the caller's teardown
# kills them).
outside_peer_server() {
  local www=$BATS_TEST_TMPDIR/www
  mkdir -p "$www/cgi-bin"
  printf '#!/bin/sh\necho "Content-Type: text/plain"\necho\necho "peer=$REMOTE_ADDR"\n' \
    >"$www/cgi-bin/peer"
  chmod 755 "$www/cgi-bin/peer"
  ip netns exec "$OUTNS" busybox httpd -f -p 7000 -h "$www" &
  PIDS+=($!)
}

# http_get [-n TRIES] PATH CMD...: sends a GET of PATH to the stdin of CMD
# (an nc towards the server) until an HTTP answer comes back (TRIES times,
# default 50, 0.1 s apart: the server may still be starting); prints it.
# CMD's exit status does not count: an nc ended by timeout after the whole
# answer came is fine. (Plain HTTP over nc: busybox-static's wget crashes
# in its resolver.)
http_get() {
  local tries=50 path out=
  if [ "$1" = -n ]; then tries=$2; shift 2; fi
  path=$1
  shift
  for _ in $(seq 1 "$tries"); do
    out=$(printf 'GET %s HTTP/1.0\r\n\r\n' "$path" | "$@" 2>/dev/null)
    [[ "$out" == HTTP/* ]] && break
    sleep 0.1
  done
  printf '%s\n' "$out"
}
