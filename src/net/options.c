/* run.hull.net* annotations -> struct hull_net_opts. Pure: every bad value
 * is reported with the annotation it came from. */
#include "net/netpriv.h"

#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#define ANN "run.hull.net"

const char *hull_net_annotation(const struct hull_spec *spec, const char *key) {
  if (spec == NULL) return NULL;
  for (size_t i = 0; i < spec->n_annotations; i++)
    if (spec->annotations[i].key != NULL && strcmp(spec->annotations[i].key, key) == 0)
      return spec->annotations[i].value;
  return NULL;
}

bool hull_net_ifname_valid(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n >= IFNAMSIZ || strcmp(s, ".") == 0 || strcmp(s, "..") == 0) return false;
  for (const char *c = s; *c; c++)
    if (*c == '/' || *c == ':' || isspace((unsigned char)*c) || !isprint((unsigned char)*c))
      return false;
  return true;
}

int hull_net_parse_mac(const char *s, uint8_t mac[6]) {
  if (strlen(s) != 17) return -1;
  for (int i = 0; i < 6; i++) {
    const char *p = s + (size_t)i * 3;
    if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1])) return -1;
    if (i < 5 && p[2] != ':') return -1;
    char hex[3] = {p[0], p[1], 0};
    mac[i] = (uint8_t)strtoul(hex, NULL, 16);
  }
  if (mac[0] & 1) return -1; /* multicast bit: not a unicast address */
  return 0;
}

static int parse_bool(const char *key, const char *v, bool *out, struct hull_err **err) {
  if (strcmp(v, "true") == 0) *out = true;
  else if (strcmp(v, "false") == 0) *out = false;
  else return hull_err_set(err, EINVAL, "%s: expected true or false, got \"%s\"", key, v);
  return 0;
}

static int parse_dns(const char *v, struct hull_net_opts *o, struct hull_err **err) {
  _cleanup_free_ char *copy = hull_xstrdup(v);
  char *save = NULL;
  for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    o->dns = hull_xrealloc(o->dns, (o->n_dns + 1) * sizeof(*o->dns));
    if (hull_ip_parse(tok, 0, &o->dns[o->n_dns]) < 0)
      return hull_err_set(err, EINVAL, ANN ".dns: \"%s\" is not an IP address", tok);
    o->n_dns++;
  }
  if (o->n_dns == 0) return hull_err_set(err, EINVAL, ANN ".dns: empty list");
  return 0;
}

/* subnet (IPv4 network, no host bits), then address and gateway inside it. */
static int parse_v4(const struct hull_spec *spec, struct hull_net_opts *o, struct hull_err **err) {
  const char *v = hull_net_annotation(spec, ANN ".subnet");
  if (v == NULL) v = HULL_NET_DEFAULT_SUBNET;
  if (hull_prefix_parse(v, AF_INET, &o->subnet) < 0 || o->subnet.len > 30)
    return hull_err_set(err, EINVAL, ANN ".subnet: \"%s\" is not an IPv4 subnet "
                        "with a prefix length of at most 30 (like 10.213.0.0/16)", v);
  if (hull_prefix_has_host_bits(&o->subnet))
    return hull_err_set(err, EINVAL, ANN ".subnet: \"%s\" has host bits set", v);
  v = hull_net_annotation(spec, ANN ".gateway");
  if (v == NULL) {
    hull_prefix_nth(&o->subnet, 1, &o->gateway);
  } else {
    uint64_t off;
    if (hull_ip_parse(v, AF_INET, &o->gateway) < 0)
      return hull_err_set(err, EINVAL, ANN ".gateway: \"%s\" is not an IPv4 address", v);
    if (hull_prefix_offset(&o->subnet, &o->gateway, &off) < 0 || off == 0 ||
        off > hull_prefix_last_host(&o->subnet))
      return hull_err_set(err, EINVAL, ANN ".gateway: %s is not a host address of the subnet", v);
  }
  v = hull_net_annotation(spec, ANN ".address");
  if (v != NULL) {
    uint64_t off;
    if (hull_ip_parse(v, AF_INET, &o->address) < 0)
      return hull_err_set(err, EINVAL, ANN ".address: \"%s\" is not an IPv4 address", v);
    if (hull_prefix_offset(&o->subnet, &o->address, &off) < 0 || off == 0 ||
        off > hull_prefix_last_host(&o->subnet))
      return hull_err_set(err, EINVAL, ANN ".address: %s is not a host address of the subnet", v);
    if (hull_ip_equal(&o->address, &o->gateway))
      return hull_err_set(err, EINVAL, ANN ".address: %s is the gateway address", v);
    o->has_address = true;
  }
  return 0;
}

/* ipv6: "false" (default), "true" (default subnet, allocated), a subnet
 * ("fd00:1::/64", allocated) or an address with its length ("fd00:1::5/64"). */
static int parse_v6(const struct hull_spec *spec, struct hull_net_opts *o, struct hull_err **err) {
  const char *v = hull_net_annotation(spec, ANN ".ipv6");
  if (v == NULL || strcmp(v, "false") == 0) return 0;
  o->ipv6 = true;
  const char *sub = strcmp(v, "true") == 0 ? HULL_NET_DEFAULT_SUBNET6 : v;
  struct hull_prefix p;
  if (hull_prefix_parse(sub, AF_INET6, &p) < 0 || p.len < 64 || p.len > 126)
    return hull_err_set(err, EINVAL, ANN ".ipv6: \"%s\" is not true, false, an IPv6 "
                        "subnet or address/length with a length from 64 to 126", v);
  hull_prefix_network(&p, &o->subnet6);
  hull_prefix_nth(&o->subnet6, 1, &o->gateway6);
  if (hull_prefix_has_host_bits(&p)) {
    if (hull_ip_equal(&p.ip, &o->gateway6))
      return hull_err_set(err, EINVAL, ANN ".ipv6: %s is the gateway address", v);
    o->address6 = p.ip;
    o->has_address6 = true;
  }
  return 0;
}

static int parse_kind(const char *v, enum hull_net_kind *k, struct hull_err **err) {
  if (v == NULL || strcmp(v, "none") == 0 || strcmp(v, "") == 0) *k = HULL_NET_NONE;
  else if (strcmp(v, "veth") == 0) *k = HULL_NET_VETH;
  else if (strcmp(v, "pasta") == 0) *k = HULL_NET_PASTA;
  else if (strcmp(v, "slirp4netns") == 0) *k = HULL_NET_SLIRP;
  else return hull_err_set(err, EINVAL, ANN ": unknown mode \"%s\" (expected none, veth, "
                           "pasta or slirp4netns)", v);
  return 0;
}

static int parse_veth(const struct hull_spec *spec, struct hull_net_opts *o, struct hull_err **err) {
  const char *v = hull_net_annotation(spec, ANN ".bridge");
  if (v == NULL) v = HULL_NET_DEFAULT_BRIDGE;
  if (!hull_net_ifname_valid(v))
    return hull_err_set(err, EINVAL, ANN ".bridge: \"%s\" is not a valid interface name "
                        "(1-15 characters, no '/', ':' or spaces)", v);
  snprintf(o->bridge, sizeof(o->bridge), "%s", v);
  if (parse_v4(spec, o, err) < 0 || parse_v6(spec, o, err) < 0) return -1;
  o->mtu = HULL_NET_DEFAULT_MTU;
  if ((v = hull_net_annotation(spec, ANN ".mtu")) != NULL) {
    uint64_t mtu;
    if (hull_parse_uint64(v, &mtu) < 0 || mtu < 576 || mtu > 65535)
      return hull_err_set(err, EINVAL, ANN ".mtu: \"%s\" is not a number from 576 to 65535", v);
    if (o->ipv6 && mtu < 1280)
      return hull_err_set(err, EINVAL, ANN ".mtu: %s is below 1280, the IPv6 minimum", v);
    o->mtu = (unsigned)mtu;
  }
  if ((v = hull_net_annotation(spec, ANN ".mac")) != NULL) {
    if (hull_net_parse_mac(v, o->mac) < 0)
      return hull_err_set(err, EINVAL, ANN ".mac: \"%s\" is not a unicast MAC address "
                          "like 02:42:ac:11:00:02", v);
    o->has_mac = true;
  }
  if ((v = hull_net_annotation(spec, ANN ".ports")) != NULL &&
      hull_net_parse_ports(v, &o->ports, &o->n_ports, err) < 0)
    return -1;
  for (size_t i = 0; i < o->n_ports; i++)
    if (o->ports[i].has_host_ip && o->ports[i].host_ip.family == AF_INET6 && !o->ipv6) {
      char ip[HULL_IP_STRLEN];
      hull_ip_format(&o->ports[i].host_ip, ip, sizeof(ip));
      return hull_err_set(err, EINVAL, ANN ".ports: host IP %s is IPv6: needs "
                          ANN ".ipv6 (the container has no IPv6 address)", ip);
    }
  if ((v = hull_net_annotation(spec, ANN ".nat")) != NULL &&
      parse_bool(ANN ".nat", v, &o->nat, err) < 0)
    return -1;
  return 0;
}

/* Options that only make sense with veth. */
static const char *const veth_only[] = {"bridge", "subnet", "address", "gateway", "ipv6",
                                        "mtu", "mac", "ports", "nat", NULL};

static int opts_parse(const struct hull_spec *spec, const char *mode, struct hull_net_opts *o,
                      struct hull_err **err) {
  const char *v = mode != NULL ? mode : hull_net_annotation(spec, ANN);
  if (parse_kind(v, &o->kind, err) < 0) return mode != NULL ? hull_err_prefix(err, "--net") : -1;
  if (o->kind == HULL_NET_VETH && parse_veth(spec, o, err) < 0) return -1;
  if (o->kind != HULL_NET_VETH) {
    for (size_t i = 0; veth_only[i]; i++) {
      _cleanup_free_ char *key = hull_xasprintf(ANN ".%s", veth_only[i]);
      if (hull_net_annotation(spec, key) != NULL)
        return hull_err_set(err, EINVAL, "%s: only valid with " ANN "=veth", key);
    }
  }
  if ((v = hull_net_annotation(spec, ANN ".dns")) != NULL && parse_dns(v, o, err) < 0) return -1;
  return 0;
}

int hull_net_opts_parse(const struct hull_spec *spec, const char *mode,
                        struct hull_net_opts *o, struct hull_err **err) {
  memset(o, 0, sizeof(*o));
  /* A failed parse holds nothing: its callers just return (the ports or
   * DNS list parsed before the bad value leaked; found by fuzz_annotations). */
  if (opts_parse(spec, mode, o, err) < 0) {
    hull_net_opts_free(o);
    return -1;
  }
  return 0;
}

void hull_net_opts_free(struct hull_net_opts *o) {
  free(o->dns);
  free(o->ports);
  o->dns = NULL;
  o->ports = NULL;
  o->n_dns = o->n_ports = 0;
}

void hull_net_host_ifname(const char *id, char buf[IFNAMSIZ]) {
  uint64_t h = UINT64_C(14695981039346656037); /* FNV-1a 64 */
  for (const unsigned char *c = (const unsigned char *)id; *c; c++) {
    h ^= *c;
    h *= UINT64_C(1099511628211);
  }
  snprintf(buf, IFNAMSIZ, "hl%012llx", (unsigned long long)(h & UINT64_C(0xffffffffffff)));
}

char *hull_net_resolv_conf(const struct hull_ip *dns, size_t n) {
  char *out = hull_xstrdup("# written by hull from run.hull.net.dns\n");
  for (size_t i = 0; i < n; i++) {
    char ip[HULL_IP_STRLEN];
    hull_ip_format(&dns[i], ip, sizeof(ip));
    char *next = hull_xasprintf("%snameserver %s\n", out, ip);
    free(out);
    out = next;
  }
  return out;
}

static const char *mode_name(const struct hull_spec *spec, const struct hull_net_ctx *ctx) {
  return ctx->net_mode ? ctx->net_mode : hull_net_annotation(spec, ANN);
}

int hull_net_check(const struct hull_spec *spec, const struct hull_net_ctx *ctx,
                   enum hull_net_ns ns, struct hull_err **err) {
  struct hull_net_opts o;
  if (hull_net_opts_parse(spec, ctx->net_mode, &o, err) < 0) return -1;
  enum hull_net_kind kind = o.kind;
  hull_net_opts_free(&o);
  if (kind != HULL_NET_NONE && ns != HULL_NET_NS_NEW)
    return hull_err_set(err, EINVAL, "%s %s: needs a new network namespace (a \"network\" "
                        "entry without a path in linux.namespaces)",
                        ctx->net_mode ? "--net" : ANN, mode_name(spec, ctx));
  if (spec->has_linux && spec->linux_.n_net_devices > 0 && ns == HULL_NET_NS_HOST)
    return hull_err_set(err, EINVAL, "linux.netDevices: needs a network namespace of the "
                        "container's own (a \"network\" entry in linux.namespaces)");
  /* veth and netDevices change the caller's netns: root only (root in a
   * user namespace owning its netns counts), told before anything is made */
  if (geteuid() != 0 && kind == HULL_NET_VETH)
    return hull_err_set(err, EPERM, "%s veth: needs root (rootless: pasta or slirp4netns)",
                        ctx->net_mode ? "--net" : ANN);
  if (geteuid() != 0 && spec->has_linux && spec->linux_.n_net_devices > 0)
    return hull_err_set(err, EPERM, "linux.netDevices: moving host interfaces needs root");
  return 0;
}

bool hull_net_wanted(const struct hull_spec *spec, const struct hull_net_ctx *ctx) {
  if (spec->has_linux && spec->linux_.n_net_devices > 0) return true;
  const char *m = mode_name(spec, ctx);
  return m != NULL && *m != '\0' && strcmp(m, "none") != 0;
}

const char *const *hull_net_annotation_docs(void) {
  static const char *const docs[] = {
      ANN, "network of a new netns: none (loopback only), veth (bridge, address, routes), "
           "pasta or slirp4netns (user-mode, for rootless); as create/run --net",
      ANN ".bridge", "veth: bridge for the host end, created when missing (default "
                     HULL_NET_DEFAULT_BRIDGE ", kept when the last container goes)",
      ANN ".subnet", "veth: IPv4 subnet, default " HULL_NET_DEFAULT_SUBNET,
      ANN ".address", "veth: static IPv4 address inside the subnet (default: allocated)",
      ANN ".gateway", "veth: the bridge's address and default route (default: first host)",
      ANN ".ipv6", "veth: true (subnet " HULL_NET_DEFAULT_SUBNET6 "), an IPv6 subnet, or "
                   "address/length for a static address",
      ANN ".mtu", "veth: MTU of both ends, 576-65535 (default 1500)",
      ANN ".mac", "veth: MAC address of the container's eth0",
      ANN ".dns", "comma-separated nameservers written to an /etc/resolv.conf bound "
                  "over the image's",
      ANN ".ports", "veth: forwards [HOSTIP:]HOSTPORT[-END]:CONTAINERPORT[-END][/tcp|/udp],... "
                    "(IPv6 host IP in brackets) for IPv4 and, with ipv6, IPv6 (nftables DNAT); "
                    "also from containers on the bridge and the host's 127.0.0.1",
      ANN ".nat", "veth: true masquerades the container's IPv4 and IPv6 traffic leaving the host",
      NULL};
  return docs;
}
