/* net: rtnetlink through libmnl. Loopback, veth + bridge, addresses, routes,
 * leases, NAT/ports (nftables), linux.netDevices. runtime/ calls these from
 * the parent while the child waits inside its new network namespace. */
#ifndef HULL_NET_H
#define HULL_NET_H

#include "spec/spec.h"

#include <sys/types.h>

struct hull_net_ctx {
  const char *id;         /* container id */
  const char *state_root; /* --root: the lease store lives under it */
  const char *state_dir;  /* <root>/<id>: per-container files (resolv.conf) */
  const char *net_mode;   /* --net value, overrides annotation run.hull.net */
  pid_t pid;              /* the container's init (its netns is the target) */
};

/* When to call (runtime/):
 *  - hull_net_extra_mounts before clone: append the mounts it returns to the
 *    spec's mounts (bind mounts; today /etc/resolv.conf when
 *    run.hull.net.dns is set, the file lives in ctx->state_dir);
 *  - hull_net_setup in the parent after clone, while the child waits, when
 *    the container got a NEW network namespace (only loopback is brought up
 *    unless run.hull.net / --net or linux.netDevices ask for more);
 *  - hull_net_teardown at delete BEFORE the init is killed (so netDevices can
 *    still be moved back; pid 0 when it is already gone: everything else is
 *    found from the id and config alone), and after a failed create.
 *    Pass pid only when it is verified to be the container's init.
 * Modes (run.hull.net or --net): none, veth, pasta, slirp4netns. veth options
 * are annotations run.hull.net.{bridge,subnet,address,gateway,ipv6,mtu,mac,
 * dns,ports,nat}; defaults: bridge hull0, subnet 10.213.0.0/16 (gateway
 * .0.1 on the bridge), IPv6 fd68:756c:6c00::/64 when ipv6=true, MTU 1500.
 * Leases live in <state_root>/net/. */
int hull_net_extra_mounts(const struct hull_spec *spec, const struct hull_net_ctx *ctx,
                          struct hull_mount **mounts, size_t *n_mounts,
                          struct hull_err **err);
void hull_net_mounts_free(struct hull_mount *mounts, size_t n_mounts);

/* Sets up everything the config and annotations ask for in the netns of
 * ctx->pid. Undoes its own partial work on failure. */
int hull_net_setup(const struct hull_spec *spec, const struct hull_net_ctx *ctx,
                   struct hull_err **err);
/* Removes host veth, nft rules, leases; moves netDevices back. Idempotent
 * (delete --force after a crash calls it with pid 0). */
int hull_net_teardown(const struct hull_spec *spec, const struct hull_net_ctx *ctx,
                      struct hull_err **err);

#endif
