/* hull_net_teardown: best effort and idempotent. Everything it removes is
 * found from the container id and the config alone (host veth name derived
 * from the id, leases tagged with the id, nft table named after the id),
 * so it works after a crash at any point of setup.
 * linux.netDevices are left alone: runtime-spec 1.3 says the runtime MUST
 * NOT move them out; when the container's netns goes, the kernel moves
 * physical devices back to the initial netns and destroys virtual ones
 * (veth, dummy, macvlan, ...), as with runc and crun. */
#include "net/netpriv.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <string.h>

static int remove_host_veth(const char *id, struct hull_err **err) {
  char hname[IFNAMSIZ];
  hull_net_host_ifname(id, hname);
  _cleanup_rtnl_ struct hull_rtnl *host = hull_rtnl_open(-1, err);
  if (host == NULL) return -1;
  return hull_rtnl_link_del(host, hname, err);
}

int hull_net_teardown(const struct hull_spec *spec, const struct hull_net_ctx *ctx,
                      struct hull_err **err) {
  struct hull_net_opts o;
  struct hull_err *e = NULL;
  int rc = 0;
  /* a config that no longer parses still gets everything removed */
  bool parsed = hull_net_opts_parse(spec, ctx->net_mode, &o, &e) == 0;
  hull_err_free(&e);
  if (!parsed || o.kind == HULL_NET_PASTA || o.kind == HULL_NET_SLIRP) {
    hull_usernet_stop(ctx, &e);
    if (hull_err_move(err, &e) < 0) rc = -1;
  }
  if (!parsed || o.kind == HULL_NET_VETH) {
    remove_host_veth(ctx->id, &e);
    if (hull_err_move(err, &e) < 0) rc = -1;
    if (!parsed || o.nat || o.n_ports > 0) {
      hull_nft_teardown(ctx->id, &e);
      if (hull_err_move(err, &e) < 0) rc = -1;
    }
  }
  if (ctx->state_root != NULL) {
    hull_lease_release(ctx->state_root, ctx->id, &e);
    if (hull_err_move(err, &e) < 0) rc = -1;
  }
  if (parsed) hull_net_opts_free(&o);
  if (rc < 0) hull_err_prefix(err, "network teardown");
  return rc;
}
