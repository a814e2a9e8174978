/* NAT and port forwarding with nftables through libnftnl (optional at
 * configure time). One table per container, family ip, named after the id
 * hash like the host veth ("hull-hl<hash>"), holding:
 *   chain post (nat, postrouting 100): ip saddr ADDR oifname != BRIDGE masquerade
 *   chain pre  (nat, prerouting -100): fib daddr type local PROTO dport HOST
 *                                      dnat to ADDR:PORT   (one per port)
 *   chain out  (nat, output -100): the same DNAT rules, for connections made
 *                                  on the host itself to one of its addresses
 * Teardown deletes the table; setup replaces it atomically in one batch. */
#include "net/netpriv.h"

#include <errno.h>

#ifndef HAVE_NFTNL

int hull_nft_setup(const char *id, const struct hull_net_opts *o, const struct hull_ip *addr,
                   struct hull_err **err) {
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
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <time.h>

struct batch {
  struct mnl_nlmsg_batch *b;
  uint32_t seq;
  unsigned n_acks;      /* messages that will be acked */
  char table[32];
};

static void *cur(struct batch *b) {
  return mnl_nlmsg_batch_current(b->b);
}

static void next(struct batch *b, bool acked) {
  mnl_nlmsg_batch_next(b->b);
  if (acked) b->n_acks++;
}

static void table_msg(struct batch *b, uint16_t type, uint16_t flags) {
  struct nftnl_table *t = nftnl_table_alloc();
  nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_IPV4);
  nftnl_table_set_str(t, NFTNL_TABLE_NAME, b->table);
  struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(cur(b), type, NFPROTO_IPV4,
                                               flags | NLM_F_ACK, b->seq++);
  nftnl_table_nlmsg_build_payload(nlh, t);
  nftnl_table_free(t);
  next(b, true);
}

static void chain_msg(struct batch *b, const char *name, uint32_t hook, int32_t prio) {
  struct nftnl_chain *c = nftnl_chain_alloc();
  nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, b->table);
  nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
  nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
  nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
  nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "nat");
  nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
  struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(cur(b), NFT_MSG_NEWCHAIN, NFPROTO_IPV4,
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

static void rule_msg(struct batch *b, struct nftnl_rule *r, const char *chain) {
  nftnl_rule_set_str(r, NFTNL_RULE_TABLE, b->table);
  nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
  nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
  struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(cur(b), NFT_MSG_NEWRULE, NFPROTO_IPV4,
                                               NLM_F_APPEND | NLM_F_CREATE | NLM_F_ACK,
                                               b->seq++);
  nftnl_rule_nlmsg_build_payload(nlh, r);
  nftnl_rule_free(r);
  next(b, true);
}

static void masq_rule(struct batch *b, const struct hull_ip *addr, const char *bridge) {
  struct nftnl_rule *r = nftnl_rule_alloc();
  add_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 12, 4); /* ip saddr */
  add_cmp(r, NFT_CMP_EQ, addr->a, 4);
  add_meta(r, NFT_META_OIFNAME);
  char name[IFNAMSIZ] = {0};
  snprintf(name, sizeof(name), "%s", bridge);
  add_cmp(r, NFT_CMP_NEQ, name, sizeof(name));
  nftnl_rule_add_expr(r, nftnl_expr_alloc("masq"));
  rule_msg(b, r, "post");
}

static void dnat_rule(struct batch *b, const char *chain, const struct hull_ip *addr,
                      const struct hull_net_port *p) {
  struct nftnl_rule *r = nftnl_rule_alloc();
  struct nftnl_expr *e = nftnl_expr_alloc("fib"); /* only traffic to this host */
  nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
  nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
  nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
  nftnl_rule_add_expr(r, e);
  uint32_t local = RTN_LOCAL;
  add_cmp(r, NFT_CMP_EQ, &local, sizeof(local));
  add_meta(r, NFT_META_L4PROTO);
  uint8_t proto = p->proto;
  add_cmp(r, NFT_CMP_EQ, &proto, 1);
  add_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2); /* dport */
  uint16_t hport = htons(p->host_port), cport = htons(p->container_port);
  add_cmp(r, NFT_CMP_EQ, &hport, 2);
  add_imm(r, NFT_REG_1, addr->a, 4);
  add_imm(r, NFT_REG_2, &cport, 2);
  e = nftnl_expr_alloc("nat");
  nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
  nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, NFPROTO_IPV4);
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

/* Sends the batch and waits for every ack: 0, or the first error's errno. */
static int send_batch(struct batch *b) {
  __attribute__((cleanup(nl_closep))) struct mnl_socket *nl =
      mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
  if (nl == NULL) return errno;
  if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) return errno;
  if (mnl_socket_sendto(nl, mnl_nlmsg_batch_head(b->b), mnl_nlmsg_batch_size(b->b)) < 0)
    return errno;
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

int hull_nft_setup(const char *id, const struct hull_net_opts *o, const struct hull_ip *addr,
                   struct hull_err **err) {
  /* worst case per message is well under 512 bytes */
  size_t size = 4096 + o->n_ports * 2 * 512;
  _cleanup_free_ char *buf = hull_xmalloc(size);
  struct batch b;
  batch_init(&b, buf, size, id);
  /* add + delete + add: replaces leftovers of a crashed create atomically */
  table_msg(&b, NFT_MSG_NEWTABLE, NLM_F_CREATE);
  table_msg(&b, NFT_MSG_DELTABLE, 0);
  table_msg(&b, NFT_MSG_NEWTABLE, NLM_F_CREATE);
  chain_msg(&b, "post", NF_INET_POST_ROUTING, 100);
  chain_msg(&b, "pre", NF_INET_PRE_ROUTING, -100);
  chain_msg(&b, "out", NF_INET_LOCAL_OUT, -100);
  if (o->nat) masq_rule(&b, addr, o->bridge);
  for (size_t i = 0; i < o->n_ports; i++) {
    dnat_rule(&b, "pre", addr, &o->ports[i]);
    dnat_rule(&b, "out", addr, &o->ports[i]);
  }
  batch_end(&b);
  int rc = send_batch(&b);
  mnl_nlmsg_batch_stop(b.b); /* frees the batch handle, not the buffer */
  if (rc != 0) return hull_err_set(err, rc, "nftables: create table ip %s", b.table);
  /* routing between the bridge and the outside is off by default */
  if (hull_write_string("/proc/sys/net/ipv4/ip_forward", "1", err) < 0) return -1;
  return 0;
}

int hull_nft_teardown(const char *id, struct hull_err **err) {
  char buf[4096];
  struct batch b;
  batch_init(&b, buf, sizeof(buf), id);
  table_msg(&b, NFT_MSG_DELTABLE, 0);
  batch_end(&b);
  int rc = send_batch(&b);
  mnl_nlmsg_batch_stop(b.b);
  if (rc != 0 && rc != ENOENT) return hull_err_set(err, rc, "nftables: delete table ip %s", b.table);
  return 0;
}

#endif
