# Shared by net.bats and net-run.bats: both work in a private "host"
# network namespace named $HOSTNS (made by their setup).

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
