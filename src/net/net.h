/* net: rtnetlink through libmnl. Loopback, veth + bridge, addresses, routes,
 * leases, NAT/ports (nftables), linux.netDevices. runtime/ calls these from
 * the parent while the child waits inside its new network namespace. */
#ifndef HULL_NET_H
#define HULL_NET_H

#include "spec/spec.h"

#include <stdbool.h>
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
 *  - hull_net_teardown at delete and after a failed create, at any time
 *    (everything is found from the id and config alone; pid unused).
 *    linux.netDevices are not moved back (runtime-spec 1.3 forbids it):
 *    the kernel returns physical ones to the initial netns when the
 *    container's netns dies and destroys virtual ones.
 * Modes (run.hull.net or --net): none, veth, pasta, slirp4netns. veth options
 * are annotations run.hull.net.{bridge,subnet,address,gateway,ipv6,mtu,mac,
 * dns,ports,nat}; defaults: bridge hull0, subnet 10.213.0.0/16 (gateway
 * .0.1 on the bridge), IPv6 fd68:756c:6c00::/64 when ipv6=true, MTU 1500.
 * Leases live in <state_root>/net/. */
/* Where the container's network namespace comes from. */
enum hull_net_ns { HULL_NET_NS_HOST, HULL_NET_NS_NEW, HULL_NET_NS_PATH };

/* Before anything is made: every option is parsed (errors name the
 * annotation or --net); a mode other than none needs a new netns and
 * linux.netDevices need a netns of their own (new or by path). */
int hull_net_check(const struct hull_spec *spec, const struct hull_net_ctx *ctx,
                   enum hull_net_ns ns, struct hull_err **err);
/* Does the container need hull_net_setup (a mode other than none, or
 * linux.netDevices)? Call after hull_net_check succeeded. */
bool hull_net_wanted(const struct hull_spec *spec, const struct hull_net_ctx *ctx);

/* The annotations net/ reads, for `hull features`: key, description,
 * key, description, ..., NULL. */
const char *const *hull_net_annotation_docs(void);

int hull_net_extra_mounts(const struct hull_spec *spec, const struct hull_net_ctx *ctx,
                          struct hull_mount **mounts, size_t *n_mounts,
                          struct hull_err **err);
void hull_net_mounts_free(struct hull_mount *mounts, size_t n_mounts);

/* Sets up everything the config and annotations ask for in the netns of
 * ctx->pid. Undoes its own partial work on failure. */
int hull_net_setup(const struct hull_spec *spec, const struct hull_net_ctx *ctx,
                   struct hull_err **err);
/* Removes host veth, nft rules, leases, stops pasta/slirp4netns.
 * Idempotent (delete --force after a crash calls it again). */
int hull_net_teardown(const struct hull_spec *spec, const struct hull_net_ctx *ctx,
                      struct hull_err **err);

#endif
