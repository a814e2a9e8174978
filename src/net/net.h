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

/* Sets up everything the config and annotations ask for in the netns of
 * ctx->pid. Undoes its own partial work on failure. */
int hull_net_setup(const struct hull_spec *spec, const struct hull_net_ctx *ctx,
                   struct hull_err **err);
/* Removes host veth, nft rules, leases; moves netDevices back. Idempotent
 * (delete --force after a crash calls it with pid 0). */
int hull_net_teardown(const struct hull_spec *spec, const struct hull_net_ctx *ctx,
                      struct hull_err **err);

#endif
