/* NAT and port forwarding with nftables through libnftnl (optional at
 * configure time). One table per container, family inet (IPv4 and IPv6 in
 * one place), named after the id hash like the host veth ("hull-hl<hash>"):
 *   chain post (nat, postrouting 100):
 *     nat:   ip saddr ADDR oifname != BR masquerade (and ip6 saddr ADDR6)
 *     ports: ip saddr 127.0.0.0/8 oifname BR ip daddr ADDR masquerade
 *              (the host's 127.0.0.1:PORT: the container answers the bridge)
 *            oifname BR ip saddr SUBNET ip daddr ADDR ct status dnat masquerade
 *              (hairpin: a container on the bridge to HOSTADDR:PORT; the
 *              reply must come back through the host to be un-NATed; and
 *              the same for ip6; clients from elsewhere keep their address)
 *   chain pre  (nat, prerouting -100): [fib daddr type local | ip daddr
 *              HOSTIP] PROTO dport HOST dnat ip to ADDR:PORT, one per port
 *              and family (ip6 to ADDR6 when the container has IPv6)
 *   chain out  (nat, output -100): the same, for connections made on the
 *              host itself (IPv6 skips ::1, which never leaves lo)
 *   chain guard-BR (filter, prerouting -300), when 127.0.0.1 is forwarded:
 *              iifname BR ip daddr 127.0.0.0/8 drop, same for ip saddr.
 * 127.0.0.1 forwards need route_localnet=1 on the bridge (the kernel
 * otherwise refuses to route a 127/8 source out of a non-loopback device).
 * That switch alone would also let containers reach the host's
 * loopback-only services by sending to 127.0.0.1 through the bridge (the
 * kube-proxy CVE-2020-8558 shape): the guard chain drops such packets before
 * conntrack sees them, and route_localnet is only on while some container
 * table holds a guard for that bridge (turned on after the guard exists, off
 * by the teardown that removes the last guard). Set-up and teardown hold an
 * flock on the network namespace's own nsfs inode (/proc/self/ns/net, one
 * per netns): two teardowns that each saw the other's guard would otherwise
 * both leave route_localnet on, unguarded; a lock under --root would not
 * cover containers of another root on the same bridge.
 * Teardown deletes the table; setup replaces it atomically in one batch. */
#include "net/netpriv.h"

#include <errno.h>

#ifndef HAVE_NFTNL

int hull_nft_setup(const char *id, const struct hull_net_opts *o, const struct hull_ip *addr,
                   const struct hull_ip *addr6, struct hull_err **err) {
  return hull_err_set(err, ENOTSUP, "run.hull.net.nat/ports need nftables support: hull "
                      "was built without libnftnl (apt-get install libnftnl-dev, rebuild)");
}

int hull_nft_teardown(const char *id, struct hull_err **err) {
  return 0; /* nothing can have been made */
}

#else

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

struct batch {
  struct mnl_nlmsg_batch *b;
  uint32_t seq;
  unsigned n_acks;      /* messages that will be acked */
  bool overflow;        /* a message did not fit: never sent */
  char table[32];
  char bridge[IFNAMSIZ]; /* zero-padded, as oifname compares it */
};

static void *cur(struct batch *b) {
  return mnl_nlmsg_batch_current(b->b);
}

/* Only tables and chains ask for an ack: a large port range makes
 * thousands of rules, whose acks would overrun the socket's receive
 * buffer. Errors are reported for every message anyway. */
static void next(struct batch *b, bool acked) {
  if (!mnl_nlmsg_batch_next(b->b)) b->overflow = true;
  if (acked) b->n_acks++;
}

static void table_msg(struct batch *b, uint16_t type, uint16_t flags, uint32_t family) {
  struct nftnl_table *t = nftnl_table_alloc();
  nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, family);
  nftnl_table_set_str(t, NFTNL_TABLE_NAME, b->table);
  struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(cur(b), type, (uint16_t)family,
                                               flags | NLM_F_ACK, b->seq++);
  nftnl_table_nlmsg_build_payload(nlh, t);
  nftnl_table_free(t);
  next(b, true);
}

static void chain_msg(struct batch *b, const char *name, const char *type, uint32_t hook,
                      int32_t prio) {
  struct nftnl_chain *c = nftnl_chain_alloc();
  nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, b->table);
  nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
  nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
  nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
  nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, type);
  nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
  struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(cur(b), NFT_MSG_NEWCHAIN, NFPROTO_INET,
                                               NLM_F_CREATE | NLM_F_ACK, b->seq++);
  nftnl_chain_nlmsg_build_payload(nlh, c);
  nftnl_chain_free(c);
  next(b, true);
}

static void add_payload(struct nftnl_rule *r, uint32_t base, uint32_t off, uint32_t len) {
  struct nftnl_expr *e = nftnl_expr_alloc("payload");
  nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
  nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
  nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
  nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
  nftnl_rule_add_expr(r, e);
}

static void add_meta(struct nftnl_rule *r, uint32_t key) {
  struct nftnl_expr *e = nftnl_expr_alloc("meta");
  nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
  nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
  nftnl_rule_add_expr(r, e);
}

static void add_cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len) {
  struct nftnl_expr *e = nftnl_expr_alloc("cmp");
  nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
  nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
  nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
  nftnl_rule_add_expr(r, e);
}

static void add_imm(struct nftnl_rule *r, uint32_t reg, const void *data, uint32_t len) {
  struct nftnl_expr *e = nftnl_expr_alloc("immediate");
  nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, reg);
  nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, data, len);
  nftnl_rule_add_expr(r, e);
}

/* meta nfproto FAMILY: an inet table sees both; every ip/ip6 match and
 * every nat to an address needs it first. */
static void add_family(struct nftnl_rule *r, int family) {
  add_meta(r, NFT_META_NFPROTO);
  uint8_t f = family == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
  add_cmp(r, NFT_CMP_EQ, &f, 1);
}

/* ip saddr/daddr (or ip6) OP ADDR. */
static void add_addr(struct nftnl_rule *r, const struct hull_ip *ip, bool src, uint32_t op) {
  bool v6 = ip->family == AF_INET6;
  uint32_t off = v6 ? (src ? 8 : 24) : (src ? 12 : 16);
  add_payload(r, NFT_PAYLOAD_NETWORK_HEADER, off, (uint32_t)hull_ip_bytes(ip->family));
  add_cmp(r, op, ip->a, (uint32_t)hull_ip_bytes(ip->family));
}

/* ip saddr/daddr (or ip6) inside the prefix (network address, host bits
 * clear): masked, then compared. */
static void add_prefix(struct nftnl_rule *r, const struct hull_prefix *p, bool src) {
  uint32_t n = (uint32_t)hull_ip_bytes(p->ip.family);
  bool v6 = p->ip.family == AF_INET6;
  add_payload(r, NFT_PAYLOAD_NETWORK_HEADER, v6 ? (src ? 8 : 24) : (src ? 12 : 16), n);
  uint8_t mask[16] = {0}, zero[16] = {0};
  for (unsigned i = 0; i < p->len; i++) mask[i / 8] |= (uint8_t)(0x80 >> (i % 8));
  struct nftnl_expr *e = nftnl_expr_alloc("bitwise");
  nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
  nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
  nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, n);
  nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, n);
  nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, n);
  nftnl_rule_add_expr(r, e);
  add_cmp(r, NFT_CMP_EQ, p->ip.a, n);
}

/* ip saddr/daddr 127.0.0.0/8: the first byte is 127. */
static void add_loopback4(struct nftnl_rule *r, bool src) {
  add_payload(r, NFT_PAYLOAD_NETWORK_HEADER, src ? 12 : 16, 1);
  uint8_t lo = 127;
  add_cmp(r, NFT_CMP_EQ, &lo, 1);
}

static void add_ifname(struct nftnl_rule *r, struct batch *b, uint32_t key, uint32_t op) {
  add_meta(r, key);
  add_cmp(r, op, b->bridge, sizeof(b->bridge));
}

/* ct status & dnat != 0 */
static void add_ct_dnat(struct nftnl_rule *r) {
  struct nftnl_expr *e = nftnl_expr_alloc("ct");
  nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_STATUS);
  nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
  nftnl_rule_add_expr(r, e);
  uint32_t mask = IPS_DST_NAT, zero = 0;
  e = nftnl_expr_alloc("bitwise");
  nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
  nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
  nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, sizeof(mask));
  nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &mask, sizeof(mask));
  nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &zero, sizeof(zero));
  nftnl_rule_add_expr(r, e);
  add_cmp(r, NFT_CMP_NEQ, &zero, sizeof(zero));
}

static void rule_msg(struct batch *b, struct nftnl_rule *r, const char *chain) {
  nftnl_rule_set_str(r, NFTNL_RULE_TABLE, b->table);
  nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
  nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
  struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(cur(b), NFT_MSG_NEWRULE, NFPROTO_INET,
                                               NLM_F_APPEND | NLM_F_CREATE, b->seq++);
  nftnl_rule_nlmsg_build_payload(nlh, r);
  nftnl_rule_free(r);
  next(b, false);
}

/* nat: the container's own traffic leaving through anything but the bridge */
static void masq_rule(struct batch *b, const struct hull_ip *addr) {
  struct nftnl_rule *r = nftnl_rule_alloc();
  add_family(r, addr->family);
  add_addr(r, addr, true, NFT_CMP_EQ);
  add_ifname(r, b, NFT_META_OIFNAME, NFT_CMP_NEQ);
  nftnl_rule_add_expr(r, nftnl_expr_alloc("masq"));
  rule_msg(b, r, "post");
}

/* The host's 127.0.0.1 to a forwarded port: the source becomes the
 * bridge's address, which the container can answer. */
static void localhost_masq_rule(struct batch *b, const struct hull_ip *addr) {
  struct nftnl_rule *r = nftnl_rule_alloc();
  add_family(r, AF_INET);
  add_loopback4(r, true);
  add_ifname(r, b, NFT_META_OIFNAME, NFT_CMP_EQ);
  add_addr(r, addr, false, NFT_CMP_EQ);
  nftnl_rule_add_expr(r, nftnl_expr_alloc("masq"));
  rule_msg(b, r, "post");
}

/* Hairpin: a container of the bridge's subnet, DNATed back onto the bridge
 * to this container. Without it the server would answer the client
 * directly, from an address the client never talked to (and to itself
 * when it is the client). No iifname: with br_netfilter, bridged frames
 * reach postrouting without an input device. */
static void hairpin_rule(struct batch *b, const struct hull_prefix *subnet,
                         const struct hull_ip *addr) {
  struct nftnl_rule *r = nftnl_rule_alloc();
  add_family(r, addr->family);
  add_ifname(r, b, NFT_META_OIFNAME, NFT_CMP_EQ);
  add_prefix(r, subnet, true);
  add_addr(r, addr, false, NFT_CMP_EQ);
  add_ct_dnat(r);
  nftnl_rule_add_expr(r, nftnl_expr_alloc("masq"));
  rule_msg(b, r, "post");
}

static void guard_rule(struct batch *b, const char *chain, bool src) {
  struct nftnl_rule *r = nftnl_rule_alloc();
  add_family(r, AF_INET);
  add_ifname(r, b, NFT_META_IIFNAME, NFT_CMP_EQ);
  add_loopback4(r, src);
  struct nftnl_expr *e = nftnl_expr_alloc("immediate");
  nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
  nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, NF_DROP);
  nftnl_rule_add_expr(r, e);
  rule_msg(b, r, chain);
}

/* One port for one family: to a local address (or the given host IP). */
static void dnat_rule(struct batch *b, const char *chain, const struct hull_ip *addr,
                      const struct hull_net_port *p) {
  struct nftnl_rule *r = nftnl_rule_alloc();
  add_family(r, addr->family);
  if (p->has_host_ip) {
    add_addr(r, &p->host_ip, false, NFT_CMP_EQ);
  } else {
    struct nftnl_expr *e = nftnl_expr_alloc("fib"); /* only traffic to this host */
    nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
    nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
    nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
    nftnl_rule_add_expr(r, e);
    uint32_t local = RTN_LOCAL;
    add_cmp(r, NFT_CMP_EQ, &local, sizeof(local));
    if (addr->family == AF_INET6 && strcmp(chain, "out") == 0) {
      struct hull_ip lo6 = {.family = AF_INET6, .a = {[15] = 1}};
      add_addr(r, &lo6, false, NFT_CMP_NEQ);
    }
  }
  add_meta(r, NFT_META_L4PROTO);
  uint8_t proto = p->proto;
  add_cmp(r, NFT_CMP_EQ, &proto, 1);
  add_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2); /* dport */
  uint16_t hport = htons(p->host_port), cport = htons(p->container_port);
  add_cmp(r, NFT_CMP_EQ, &hport, 2);
  add_imm(r, NFT_REG_1, addr->a, (uint32_t)hull_ip_bytes(addr->family));
  add_imm(r, NFT_REG_2, &cport, 2);
  struct nftnl_expr *e = nftnl_expr_alloc("nat");
  nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
  nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY,
                     addr->family == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
  nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
  nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MAX, NFT_REG_1);
  nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG_2);
  nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MAX, NFT_REG_2);
  nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FLAGS, NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED);
  nftnl_rule_add_expr(r, e);
  rule_msg(b, r, chain);
}

static void nl_closep(struct mnl_socket **nl) {
  if (*nl != NULL) mnl_socket_close(*nl);
}

/* Counts acks in one buffer of replies: 0, or the first error's errno. */
static int read_acks(const char *buf, ssize_t n, unsigned *left) {
  int len = (int)n;
  for (const struct nlmsghdr *h = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(h, len);
       h = mnl_nlmsg_next(h, &len)) {
    if (h->nlmsg_type != NLMSG_ERROR) continue;
    const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);
    if (e->error != 0) return -e->error;
    if (*left > 0) (*left)--;
  }
  return 0;
}

static struct mnl_socket *nft_socket(size_t sndbuf) {
  struct mnl_socket *nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
  if (nl == NULL) return NULL;
  if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
    int saved = errno;
    mnl_socket_close(nl);
    errno = saved;
    return NULL;
  }
  /* one batch is one sendmsg: a long port range outgrows the default
   * buffer (the FORCE variant needs CAP_NET_ADMIN, which veth has) */
  int size = (int)(sndbuf + 65536);
  if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
    setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
  return nl;
}

/* Sends the batch and waits for every ack: 0, or the first error's errno. */
static int send_batch(struct batch *b) {
  if (b->overflow) return EMSGSIZE; /* (a truncated batch would half-apply) */
  size_t size = mnl_nlmsg_batch_size(b->b);
  __attribute__((cleanup(nl_closep))) struct mnl_socket *nl = nft_socket(size);
  if (nl == NULL) return errno;
  if (mnl_socket_sendto(nl, mnl_nlmsg_batch_head(b->b), size) < 0) return errno;
  char buf[HULL_NL_BUFSIZE];
  while (b->n_acks > 0) {
    ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    int rc = read_acks(buf, n, &b->n_acks);
    if (rc != 0) return rc;
  }
  return 0;
}

static void batch_init(struct batch *b, void *buf, size_t size, const char *id) {
  memset(b, 0, sizeof(*b));
  b->b = mnl_nlmsg_batch_start(buf, size);
  b->seq = (uint32_t)time(NULL);
  char h[IFNAMSIZ];
  hull_net_host_ifname(id, h);
  snprintf(b->table, sizeof(b->table), "hull-%s", h);
  nftnl_batch_begin(cur(b), b->seq++);
  next(b, false);
}

static void batch_end(struct batch *b) {
  nftnl_batch_end(cur(b), b->seq++);
  next(b, false);
}

/* Does a forward reach the host's 127.0.0.1 (any IPv4 port without a host
 * IP, or one on 127/8)? */
static bool wants_localnet(const struct hull_net_opts *o) {
  for (size_t i = 0; i < o->n_ports; i++) {
    const struct hull_net_port *p = &o->ports[i];
    if (!p->has_host_ip || (p->host_ip.family == AF_INET && p->host_ip.a[0] == 127)) return true;
  }
  return false;
}

static bool port_has_family(const struct hull_net_port *p, int family) {
  return !p->has_host_ip || p->host_ip.family == family;
}

static void port_rules(struct batch *b, const struct hull_net_opts *o,
                       const struct hull_ip *addr, const struct hull_ip *addr6) {
  for (size_t i = 0; i < o->n_ports; i++) {
    const struct hull_net_port *p = &o->ports[i];
    if (port_has_family(p, AF_INET)) {
      dnat_rule(b, "pre", addr, p);
      dnat_rule(b, "out", addr, p);
    }
    if (addr6 != NULL && port_has_family(p, AF_INET6)) {
      dnat_rule(b, "pre", addr6, p);
      dnat_rule(b, "out", addr6, p);
    }
  }
}

/* The fd holding the lock, or -1. */
static int lock_netns(struct hull_err **err) {
  _cleanup_close_ int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return hull_err_sys(err, "open /proc/self/ns/net");
  while (flock(fd, LOCK_EX) < 0)
    if (errno != EINTR) return hull_err_sys(err, "flock /proc/self/ns/net");
  return hull_steal_fd(&fd);
}

static int write_localnet(const char *bridge, const char *v, struct hull_err **err) {
  _cleanup_free_ char *path = hull_xasprintf("/proc/sys/net/ipv4/conf/%s/route_localnet", bridge);
  return hull_write_string(path, v, err);
}

int hull_nft_setup(const char *id, const struct hull_net_opts *o, const struct hull_ip *addr,
                   const struct hull_ip *addr6, struct hull_err **err) {
  _cleanup_close_ int lock = lock_netns(err);
  if (lock < 0) return -1;
  /* a rule is 600 bytes at most (IPv6 DNAT); up to 4 per port */
  size_t size = 16384 + o->n_ports * 4 * 1024;
  _cleanup_free_ char *buf = hull_xmalloc(size);
  memset(buf, 0, size); /* (padding libnftnl leaves unwritten) */
  struct batch b;
  batch_init(&b, buf, size, id);
  snprintf(b.bridge, sizeof(b.bridge), "%s", o->bridge);
  bool localnet = wants_localnet(o);
  _cleanup_free_ char *guard = hull_xasprintf("guard-%s", o->bridge);
  /* add + delete + add: replaces leftovers of a crashed create atomically */
  table_msg(&b, NFT_MSG_NEWTABLE, NLM_F_CREATE, NFPROTO_INET);
  table_msg(&b, NFT_MSG_DELTABLE, 0, NFPROTO_INET);
  table_msg(&b, NFT_MSG_NEWTABLE, NLM_F_CREATE, NFPROTO_INET);
  chain_msg(&b, "post", "nat", NF_INET_POST_ROUTING, 100);
  if (o->n_ports > 0) {
    chain_msg(&b, "pre", "nat", NF_INET_PRE_ROUTING, -100);
    chain_msg(&b, "out", "nat", NF_INET_LOCAL_OUT, -100);
  }
  if (localnet) {
    chain_msg(&b, guard, "filter", NF_INET_PRE_ROUTING, -300);
    guard_rule(&b, guard, false);
    guard_rule(&b, guard, true);
  }
  if (o->nat) masq_rule(&b, addr);
  if (o->nat && addr6 != NULL) masq_rule(&b, addr6);
  if (localnet) localhost_masq_rule(&b, addr);
  if (o->n_ports > 0) hairpin_rule(&b, &o->subnet, addr);
  if (o->n_ports > 0 && addr6 != NULL) hairpin_rule(&b, &o->subnet6, addr6);
  port_rules(&b, o, addr, addr6);
  batch_end(&b);
  int rc = send_batch(&b);
  mnl_nlmsg_batch_stop(b.b); /* frees the batch handle, not the buffer */
  if (rc != 0) return hull_err_set(err, rc, "nftables: create table inet %s", b.table);
  /* routing between the bridge and the outside is off by default */
  if (hull_write_string("/proc/sys/net/ipv4/ip_forward", "1", err) < 0) return -1;
  if (addr6 != NULL &&
      hull_write_string("/proc/sys/net/ipv6/conf/all/forwarding", "1", err) < 0)
    return -1;
  /* only now that the guard is in place */
  if (localnet && write_localnet(o->bridge, "1", err) < 0) return -1;
  return 0;
}

struct guards {
  const char *ours;       /* our table's name */
  bool ours_inet, ours_ip; /* it exists in that family (ip: hull before inet) */
  char bridge[IFNAMSIZ];  /* from our guard chain, "" when none */
  char **others;          /* guard chain names of other hull tables */
  size_t n_others;
};

static void guards_free(struct guards *g) {
  for (size_t i = 0; i < g->n_others; i++) free(g->others[i]);
  free(g->others);
}

static int chain_cb(const struct nlmsghdr *nlh, void *data) {
  struct guards *g = data;
  struct nftnl_chain *c = nftnl_chain_alloc();
  if (nftnl_chain_nlmsg_parse(nlh, c) == 0) {
    const char *t = nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE);
    const char *n = nftnl_chain_get_str(c, NFTNL_CHAIN_NAME);
    uint32_t family = nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY);
    if (t != NULL && strcmp(t, g->ours) == 0) {
      if (family == NFPROTO_INET) g->ours_inet = true;
      if (family == NFPROTO_IPV4) g->ours_ip = true;
    }
    if (t != NULL && n != NULL && family == NFPROTO_INET && strncmp(t, "hull-", 5) == 0 &&
        strncmp(n, "guard-", 6) == 0) {
      if (strcmp(t, g->ours) == 0) {
        snprintf(g->bridge, sizeof(g->bridge), "%s", n + 6);
      } else {
        g->others = hull_xrealloc(g->others, (g->n_others + 1) * sizeof(*g->others));
        g->others[g->n_others++] = hull_xstrdup(n);
      }
    }
  }
  nftnl_chain_free(c);
  return MNL_CB_OK;
}

/* Every chain of every family: which of our tables exist (every table
 * hull makes has chains), which guard chains exist, ours and the others'. */
static int list_guards(struct guards *g) {
  __attribute__((cleanup(nl_closep))) struct mnl_socket *nl = nft_socket(0);
  if (nl == NULL) return errno;
  char buf[HULL_NL_BUFSIZE] = {0};
  uint32_t seq = (uint32_t)time(NULL);
  struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETCHAIN, NFPROTO_UNSPEC,
                                               NLM_F_DUMP, seq);
  if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) return errno;
  uint32_t portid = mnl_socket_get_portid(nl);
  for (;;) {
    ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    int rc = mnl_cb_run(buf, (size_t)n, seq, portid, chain_cb, g);
    if (rc == MNL_CB_STOP) return 0;
    if (rc < 0) return errno;
  }
}

static int delete_table(const char *id, uint32_t family) {
  char buf[4096] = {0};
  struct batch b;
  batch_init(&b, buf, sizeof(buf), id);
  table_msg(&b, NFT_MSG_DELTABLE, 0, family);
  batch_end(&b);
  int rc = send_batch(&b);
  mnl_nlmsg_batch_stop(b.b);
  return rc == ENOENT ? 0 : rc;
}

int hull_nft_teardown(const char *id, struct hull_err **err) {
  char h[IFNAMSIZ];
  hull_net_host_ifname(id, h);
  _cleanup_free_ char *table = hull_xasprintf("hull-%s", h);
  _cleanup_close_ int lock = lock_netns(err);
  if (lock < 0) return -1;
  struct guards g = {.ours = table};
  int rc = list_guards(&g);
  bool needed = false; /* another container's guard for our bridge */
  for (size_t i = 0; i < g.n_others; i++)
    if (strcmp(g.others[i] + 6, g.bridge) == 0) needed = true;
  guards_free(&g);
  if (rc != 0) return hull_err_set(err, rc, "nftables: list chains");
  /* only tables that exist: a second transaction right after a table's
   * deletion waited ~10 ms here (for the release of the first) */
  if (g.ours_inet && (rc = delete_table(id, NFPROTO_INET)) != 0)
    return hull_err_set(err, rc, "nftables: delete table inet %s", table);
  if (g.ours_ip && (rc = delete_table(id, NFPROTO_IPV4)) != 0)
    return hull_err_set(err, rc, "nftables: delete table ip %s", table);
  if (g.bridge[0] == '\0' || needed) return 0;
  _cleanup_free_ char *path =
      hull_xasprintf("/proc/sys/net/ipv4/conf/%s/route_localnet", g.bridge);
  if (access(path, F_OK) < 0 && errno == ENOENT) return 0; /* gone with the bridge */
  if (hull_write_string(path, "0", err) < 0) return hull_err_prefix(err, "switch off route_localnet");
  return 0;
}

#endif
