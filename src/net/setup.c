/* hull_net_setup / hull_net_teardown: loopback, veth + bridge, addresses,
 * routes, netDevices, then NAT/ports and user-mode networking. */
#include "net/netpriv.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <string.h>

static int open_netns(pid_t pid, struct hull_err **err) {
  char path[64];
  if (pid > 0) snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
  else snprintf(path, sizeof(path), "/proc/self/ns/net");
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return hull_err_sys(err, "open %s", path);
  return fd;
}

static int link_up(struct hull_rtnl *r, const char *name, struct hull_err **err) {
  char buf[HULL_NL_BUFSIZE];
  struct hull_nl_link l = {.name = name, .up = true, .netns_fd = -1};
  if (hull_rtnl_talk(r, hull_nl_link_set(buf, hull_rtnl_seq(r), &l), err) < 0)
    return hull_err_prefix(err, "set %s up", name);
  return 0;
}

/* Adds an address; one that is there already is fine (a bridge shared by
 * containers created concurrently). */
static int addr_add(struct hull_rtnl *r, int ifindex, const char *ifname,
                    const struct hull_ip *ip, unsigned len, bool exist_ok,
                    struct hull_err **err) {
  char buf[HULL_NL_BUFSIZE];
  struct hull_err *e = NULL;
  if (hull_rtnl_talk(r, hull_nl_addr_new(buf, hull_rtnl_seq(r), ifindex, ip, len), &e) == 0)
    return 0;
  if (exist_ok && e->errnum == EEXIST) return hull_err_free(&e), 0;
  char s[HULL_IP_STRLEN];
  hull_ip_format(ip, s, sizeof(s));
  *err = e;
  return hull_err_prefix(err, "add address %s/%u to %s", s, len, ifname);
}

static int route_default(struct hull_rtnl *r, int ifindex, const struct hull_ip *gw,
                         struct hull_err **err) {
  char buf[HULL_NL_BUFSIZE];
  if (hull_rtnl_talk(r, hull_nl_route_default(buf, hull_rtnl_seq(r), ifindex, gw), err) < 0) {
    char s[HULL_IP_STRLEN];
    hull_ip_format(gw, s, sizeof(s));
    return hull_err_prefix(err, "add default route via %s", s);
  }
  return 0;
}

/* The bridge with the gateway addresses, created when missing. */
static int ensure_bridge(struct hull_rtnl *host, const struct hull_net_opts *o,
                         struct hull_err **err) {
  char buf[HULL_NL_BUFSIZE];
  struct hull_err *e = NULL;
  int index = hull_rtnl_ifindex(host, o->bridge, &e);
  if (index > 0) return index;
  if (e->errnum != ENODEV) return *err = e, hull_err_prefix(err, "look up bridge");
  hull_err_free(&e);
  if (hull_rtnl_talk(host, hull_nl_bridge_new(buf, hull_rtnl_seq(host), o->bridge, 0), &e) < 0) {
    if (e->errnum != EEXIST) return *err = e, hull_err_prefix(err, "create bridge %s", o->bridge);
    hull_err_free(&e); /* another create made it meanwhile */
  }
  index = hull_rtnl_ifindex(host, o->bridge, err);
  if (index <= 0) return -1;
  if (addr_add(host, index, o->bridge, &o->gateway, o->subnet.len, true, err) < 0) return -1;
  if (o->ipv6 && addr_add(host, index, o->bridge, &o->gateway6, o->subnet6.len, true, err) < 0)
    return -1;
  if (link_up(host, o->bridge, err) < 0) return -1;
  return index;
}

/* IPv4 (and IPv6) addresses: static ones are leased too, so a later
 * allocation never hands them out. */
static int take_leases(const struct hull_net_opts *o, const struct hull_net_ctx *ctx,
                       struct hull_ip *v4, struct hull_ip *v6, struct hull_err **err) {
  if (hull_lease_take(ctx->state_root, ctx->id, &o->subnet, &o->gateway,
                      o->has_address ? &o->address : NULL, v4, err) < 0)
    return hull_err_prefix(err, "run.hull.net.address");
  if (o->ipv6 && hull_lease_take(ctx->state_root, ctx->id, &o->subnet6, &o->gateway6,
                                 o->has_address6 ? &o->address6 : NULL, v6, err) < 0)
    return hull_err_prefix(err, "run.hull.net.ipv6");
  return 0;
}

/* Inside the container: eth0's addresses, up, default routes. */
static int config_eth0(struct hull_rtnl *cont, const struct hull_net_opts *o,
                       const struct hull_ip *v4, const struct hull_ip *v6,
                       struct hull_err **err) {
  int index = hull_rtnl_ifindex(cont, "eth0", err);
  if (index <= 0) return hull_err_prefix(err, "container");
  if (addr_add(cont, index, "eth0", v4, o->subnet.len, false, err) < 0) return -1;
  if (o->ipv6 && addr_add(cont, index, "eth0", v6, o->subnet6.len, false, err) < 0) return -1;
  if (link_up(cont, "eth0", err) < 0) return -1;
  if (route_default(cont, index, &o->gateway, err) < 0) return -1;
  if (o->ipv6 && route_default(cont, index, &o->gateway6, err) < 0) return -1;
  return 0;
}

/* Port forwards from a container to itself through the host's address
 * come back in by the port they left (see hull_nl_brport_hairpin). */
static int hairpin(struct hull_rtnl *host, const char *hname, struct hull_err **err) {
  char buf[HULL_NL_BUFSIZE];
  int index = hull_rtnl_ifindex(host, hname, err);
  if (index <= 0) return -1;
  if (hull_rtnl_talk(host, hull_nl_brport_hairpin(buf, hull_rtnl_seq(host), index), err) < 0)
    return hull_err_prefix(err, "hairpin mode on bridge port %s", hname);
  return 0;
}

static int setup_veth(const struct hull_net_opts *o, const struct hull_net_ctx *ctx,
                      struct hull_rtnl *host, struct hull_rtnl *cont, int nsfd,
                      struct hull_err **err) {
  char buf[HULL_NL_BUFSIZE];
  int br = ensure_bridge(host, o, err);
  if (br <= 0) return -1;
  struct hull_ip v4, v6;
  if (take_leases(o, ctx, &v4, &v6, err) < 0) return -1;
  char hname[IFNAMSIZ];
  hull_net_host_ifname(ctx->id, hname);
  struct nlmsghdr *nlh = hull_nl_veth_new(buf, hull_rtnl_seq(host), hname, "eth0", nsfd,
                                          o->mtu, o->has_mac ? o->mac : NULL);
  if (hull_rtnl_talk(host, nlh, err) < 0) return hull_err_prefix(err, "create veth %s", hname);
  struct hull_nl_link l = {.name = hname, .up = true, .master = br, .netns_fd = -1};
  if (hull_rtnl_talk(host, hull_nl_link_set(buf, hull_rtnl_seq(host), &l), err) < 0)
    return hull_err_prefix(err, "attach %s to bridge %s", hname, o->bridge);
  if (o->n_ports > 0 && hairpin(host, hname, err) < 0) return -1;
  if (config_eth0(cont, o, &v4, o->ipv6 ? &v6 : NULL, err) < 0) return -1;
  if (o->nat || o->n_ports > 0) return hull_nft_setup(ctx->id, o, &v4, o->ipv6 ? &v6 : NULL, err);
  return 0;
}

/* One linux.netDevices entry: the link moves in (renamed when asked) and
 * comes up there with its permanent global addresses, which the kernel
 * drops on a netns move (runtime-spec: they MUST be preserved). */
static int move_device_in(const struct hull_net_device *d, struct hull_rtnl *host,
                          struct hull_rtnl *cont, int nsfd, struct hull_err **err) {
  char buf[HULL_NL_BUFSIZE];
  const char *inside = d->name ? d->name : d->host_name;
  int index = hull_rtnl_ifindex(host, d->host_name, err);
  if (index <= 0) return -1;
  _cleanup_free_ struct hull_nl_addr *addrs = NULL;
  size_t n = 0;
  if (hull_rtnl_addrs(host, index, &addrs, &n, err) < 0) return -1;
  struct hull_nl_link l = {.index = index, .new_name = inside, .netns_fd = nsfd};
  if (hull_rtnl_talk(host, hull_nl_link_set(buf, hull_rtnl_seq(host), &l), err) < 0)
    return hull_err_prefix(err, "move into the container as %s", inside);
  /* a "%d" template gets its final name from the kernel: then the index
   * (kept when free in the new netns) is all we know */
  if (strchr(inside, '%') == NULL) {
    index = hull_rtnl_ifindex(cont, inside, err);
    if (index <= 0) return hull_err_prefix(err, "after the move");
  }
  for (size_t i = 0; i < n; i++)
    if (addr_add(cont, index, inside, &addrs[i].ip, addrs[i].prefixlen, true, err) < 0)
      return -1;
  struct hull_nl_link up = {.index = index, .up = true, .netns_fd = -1};
  if (hull_rtnl_talk(cont, hull_nl_link_set(buf, hull_rtnl_seq(cont), &up), err) < 0)
    return hull_err_prefix(err, "set %s up", inside);
  return 0;
}

static int move_devices_in(const struct hull_spec *spec, struct hull_rtnl *host,
                           struct hull_rtnl *cont, int nsfd, struct hull_err **err) {
  for (size_t i = 0; spec->has_linux && i < spec->linux_.n_net_devices; i++) {
    const struct hull_net_device *d = &spec->linux_.net_devices[i];
    if (move_device_in(d, host, cont, nsfd, err) < 0)
      return hull_err_prefix(err, "linux.netDevices.%s", d->host_name);
  }
  return 0;
}

static bool has_net_devices(const struct hull_spec *spec) {
  return spec->has_linux && spec->linux_.n_net_devices > 0;
}

static int setup_all(const struct hull_spec *spec, const struct hull_net_ctx *ctx,
                     const struct hull_net_opts *o, struct hull_err **err) {
  /* pasta and slirp4netns configure the netns themselves (lo is up since
   * the shim made it); a rootless parent could not setns into it anyway. */
  if ((o->kind == HULL_NET_PASTA || o->kind == HULL_NET_SLIRP) && !has_net_devices(spec))
    return hull_usernet_start(o, ctx, err);
  _cleanup_close_ int nsfd = open_netns(ctx->pid, err);
  if (nsfd < 0) return -1;
  _cleanup_rtnl_ struct hull_rtnl *cont = hull_rtnl_open(nsfd, err);
  if (cont == NULL) return -1;
  if (link_up(cont, "lo", err) < 0) return -1;
  if (o->kind == HULL_NET_NONE && !has_net_devices(spec)) return 0;
  _cleanup_rtnl_ struct hull_rtnl *host = hull_rtnl_open(-1, err);
  if (host == NULL) return -1;
  if (move_devices_in(spec, host, cont, nsfd, err) < 0) return -1;
  if (o->kind == HULL_NET_VETH) return setup_veth(o, ctx, host, cont, nsfd, err);
  if (o->kind == HULL_NET_PASTA || o->kind == HULL_NET_SLIRP)
    return hull_usernet_start(o, ctx, err);
  return 0;
}

int hull_net_setup(const struct hull_spec *spec, const struct hull_net_ctx *ctx,
                   struct hull_err **err) {
  struct hull_net_opts o;
  if (hull_net_opts_parse(spec, ctx->net_mode, &o, err) < 0) return -1;
  int rc = setup_all(spec, ctx, &o, err);
  hull_net_opts_free(&o);
  if (rc < 0) {
    hull_err_prefix(err, "network setup");
    /* undo what was made; the error that matters is the first one */
    hull_net_teardown(spec, ctx, NULL);
  }
  return rc;
}
