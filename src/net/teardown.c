/* hull_net_teardown: best effort and idempotent. Everything it removes is
 * found from the container id and the config alone (host veth name derived
 * from the id, leases tagged with the id, nft table named after the id),
 * so it works after a crash at any point of setup. */
#include "net/netpriv.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <string.h>

/* Keeps the first error, frees later ones. */
static void keep_first(struct hull_err **err, struct hull_err **e, int *rc) {
  if (*e == NULL) return;
  *rc = -1;
  if (err != NULL && *err == NULL) *err = hull_steal_ptr(e);
  else hull_err_free(e);
}

/* Moves linux.netDevices back out to the caller's netns under their host
 * names. Only possible while the container's netns is alive. */
static int move_devices_out(const struct hull_spec *spec, pid_t pid, struct hull_err **err) {
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
  _cleanup_close_ int nsfd = open(path, O_RDONLY | O_CLOEXEC);
  if (nsfd < 0) return 0; /* gone: the kernel destroyed or returned the devices */
  _cleanup_close_ int hostfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (hostfd < 0) return hull_err_sys(err, "open /proc/self/ns/net");
  _cleanup_rtnl_ struct hull_rtnl *cont = hull_rtnl_open(nsfd, err);
  if (cont == NULL) return -1;
  char buf[HULL_NL_BUFSIZE];
  int rc = 0;
  for (size_t i = 0; i < spec->linux_.n_net_devices; i++) {
    const struct hull_net_device *d = &spec->linux_.net_devices[i];
    const char *inside = d->name ? d->name : d->host_name;
    struct hull_err *e = NULL;
    int index = hull_rtnl_ifindex(cont, inside, &e);
    if (index <= 0) { /* not there (never moved in, or renamed by the container) */
      hull_err_free(&e);
      continue;
    }
    struct hull_nl_link l = {.index = index, .new_name = d->host_name, .netns_fd = hostfd};
    if (hull_rtnl_talk(cont, hull_nl_link_set(buf, hull_rtnl_seq(cont), &l), &e) < 0) {
      hull_err_prefix(&e, "linux.netDevices.%s: move back to the host", d->host_name);
      keep_first(err, &e, &rc);
    }
  }
  return rc;
}

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
  if (ctx->pid > 0 && spec != NULL && spec->has_linux && spec->linux_.n_net_devices > 0) {
    move_devices_out(spec, ctx->pid, &e);
    keep_first(err, &e, &rc);
  }
  if (!parsed || o.kind == HULL_NET_PASTA || o.kind == HULL_NET_SLIRP) {
    hull_usernet_stop(ctx, &e);
    keep_first(err, &e, &rc);
  }
  if (!parsed || o.kind == HULL_NET_VETH) {
    remove_host_veth(ctx->id, &e);
    keep_first(err, &e, &rc);
    if (!parsed || o.nat || o.n_ports > 0) {
      hull_nft_teardown(ctx->id, &e);
      keep_first(err, &e, &rc);
    }
  }
  if (ctx->state_root != NULL) {
    hull_lease_release(ctx->state_root, ctx->id, &e);
    keep_first(err, &e, &rc);
  }
  if (parsed) hull_net_opts_free(&o);
  if (rc < 0) hull_err_prefix(err, "network teardown");
  return rc;
}
