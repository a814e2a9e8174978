/* net/ internals shared by its files: addresses, options, netlink message
 * builders, the rtnetlink socket, the lease store, nftables. Not for other
 * modules (they use net.h). */
#ifndef HULL_NETPRIV_H
#define HULL_NETPRIV_H

#include "net/net.h"

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

/* ---- addresses (addr.c, pure) ------------------------------------------ */
struct hull_ip {
  int family;           /* AF_INET or AF_INET6 */
  uint8_t a[16];        /* network byte order; IPv4 uses a[0..3] */
};

struct hull_prefix {
  struct hull_ip ip;
  unsigned len;         /* prefix length */
};

#define HULL_IP_STRLEN 46 /* INET6_ADDRSTRLEN */

size_t hull_ip_bytes(int family);
/* Parses "10.0.0.1" or "fd00::1". family 0: either. */
int hull_ip_parse(const char *s, int family, struct hull_ip *out);
/* Parses "10.0.0.0/24" (host bits kept as written). */
int hull_prefix_parse(const char *s, int family, struct hull_prefix *out);
void hull_ip_format(const struct hull_ip *ip, char *buf, size_t size);
bool hull_ip_equal(const struct hull_ip *a, const struct hull_ip *b);
/* The prefix with host bits cleared. */
void hull_prefix_network(const struct hull_prefix *p, struct hull_prefix *out);
bool hull_prefix_has_host_bits(const struct hull_prefix *p);
bool hull_prefix_contains(const struct hull_prefix *p, const struct hull_ip *ip);
/* Network address + n. -1 when n is outside the prefix. */
int hull_prefix_nth(const struct hull_prefix *p, uint64_t n, struct hull_ip *out);
/* Offset of ip from the network address; -1 when not inside or too far. */
int hull_prefix_offset(const struct hull_prefix *p, const struct hull_ip *ip, uint64_t *off);
/* Number of usable host offsets: for IPv4, excludes network and broadcast
 * (offsets 1 .. size-2); capped at 2^32 for big IPv6 prefixes. */
uint64_t hull_prefix_last_host(const struct hull_prefix *p);

/* ---- options (options.c, pure) ------------------------------------------ */
enum hull_net_kind { HULL_NET_NONE, HULL_NET_VETH, HULL_NET_PASTA, HULL_NET_SLIRP };

#define HULL_NET_DEFAULT_BRIDGE "hull0"
/* Neither docker (172.17.0.0/16, user networks in 172.18-31 and 192.168)
 * nor podman (10.88.0.0/16, user networks from 10.89.0.0/24 up). */
#define HULL_NET_DEFAULT_SUBNET "10.213.0.0/16"
/* ULA prefix; "68:756c:6c" spells "hull". */
#define HULL_NET_DEFAULT_SUBNET6 "fd68:756c:6c00::/64"
#define HULL_NET_DEFAULT_MTU 1500

struct hull_net_port {
  uint16_t host_port, container_port;
  uint8_t proto;        /* IPPROTO_TCP or IPPROTO_UDP */
  bool has_host_ip;     /* only traffic to host_ip; else any local address */
  struct hull_ip host_ip;
};
/* Ranges are expanded to one entry per port: bounds the nft batch. */
#define HULL_NET_MAX_PORTS 1024u

struct hull_net_opts {
  enum hull_net_kind kind;
  char bridge[IFNAMSIZ];
  struct hull_prefix subnet;      /* network, host bits clear */
  bool has_address;
  struct hull_ip address;         /* static IPv4 */
  struct hull_ip gateway;         /* default: first host of subnet */
  bool ipv6;
  struct hull_prefix subnet6;
  bool has_address6;
  struct hull_ip address6;
  struct hull_ip gateway6;
  unsigned mtu;
  bool has_mac;
  uint8_t mac[6];
  struct hull_ip *dns;
  size_t n_dns;
  struct hull_net_port *ports;
  size_t n_ports;
  bool nat;
};

/* Reads run.hull.net (mode overrides it when non-NULL) and run.hull.net.*.
 * Every bad value gives an error naming the annotation. */
int hull_net_opts_parse(const struct hull_spec *spec, const char *mode,
                        struct hull_net_opts *out, struct hull_err **err);
void hull_net_opts_free(struct hull_net_opts *o);
int hull_net_parse_mac(const char *s, uint8_t mac[6]);
/* ports.c: run.hull.net.ports, ranges expanded, errors name the item. */
int hull_net_parse_ports(const char *s, struct hull_net_port **out, size_t *n,
                         struct hull_err **err);
bool hull_net_ifname_valid(const char *s);
const char *hull_net_annotation(const struct hull_spec *spec, const char *key);
/* "hl" + 12 hex digits of a hash of the id: the host end of the veth. */
void hull_net_host_ifname(const char *id, char buf[IFNAMSIZ]);
/* resolv.conf text for the nameservers (malloc'd). */
char *hull_net_resolv_conf(const struct hull_ip *dns, size_t n);

/* ---- netlink message builders (nlmsg.c, pure) ----------------------------- */
/* Buffer size for one request or one batch of replies (libmnl's own
 * MNL_SOCKET_BUFFER_SIZE is a run-time value, so not usable for arrays). */
#define HULL_NL_BUFSIZE 8192
struct nlmsghdr;

/* What RTM_NEWLINK changes on an existing link; zero/NULL fields unchanged. */
struct hull_nl_link {
  int index;            /* target by index, or ... */
  const char *name;     /* ... by name */
  const char *new_name;
  bool up;
  unsigned mtu;
  const uint8_t *mac;
  int netns_fd;         /* -1: stay */
  int master;           /* ifindex of a bridge, 0: none */
};

struct nlmsghdr *hull_nl_link_set(void *buf, uint32_t seq, const struct hull_nl_link *l);
/* Veth pair: host end `name` here, peer `peer` created directly in the netns
 * of peer_netns_fd with mtu and optional mac. */
struct nlmsghdr *hull_nl_veth_new(void *buf, uint32_t seq, const char *name,
                                  const char *peer, int peer_netns_fd,
                                  unsigned mtu, const uint8_t *peer_mac);
struct nlmsghdr *hull_nl_bridge_new(void *buf, uint32_t seq, const char *name,
                                    unsigned mtu);
/* Bridge port flag: hairpin mode on (frames may leave by the port they came
 * in on: a container reaching itself through a DNATed host port when
 * br_netfilter runs bridged traffic through the IP hooks). */
struct nlmsghdr *hull_nl_brport_hairpin(void *buf, uint32_t seq, int ifindex);
struct nlmsghdr *hull_nl_link_del(void *buf, uint32_t seq, const char *name);
struct nlmsghdr *hull_nl_link_get(void *buf, uint32_t seq, const char *name);
struct nlmsghdr *hull_nl_addr_new(void *buf, uint32_t seq, int ifindex,
                                  const struct hull_ip *ip, unsigned prefixlen);
struct nlmsghdr *hull_nl_route_default(void *buf, uint32_t seq, int ifindex,
                                       const struct hull_ip *gateway);
/* RTM_GETADDR dump of every address (no ack: the dump ends with DONE). */
struct nlmsghdr *hull_nl_addr_dump(void *buf, uint32_t seq);

/* One address of a link, as linux.netDevices keeps it across the move. */
struct hull_nl_addr {
  struct hull_ip ip;
  unsigned prefixlen;
};
/* From one RTM_NEWADDR message: 1 and *out when it is an address of
 * ifindex that the runtime-spec says survives the move (IFA_F_PERMANENT,
 * global scope RT_SCOPE_UNIVERSE), 0 for any other message. */
int hull_nl_addr_keep(const struct nlmsghdr *nlh, int ifindex, struct hull_nl_addr *out);

/* ---- rtnetlink socket (rtnl.c) ------------------------------------------- */
struct hull_rtnl;
/* netns_fd -1: the caller's netns; otherwise the socket is opened inside
 * that netns (by a short-lived thread), so the caller never moves. */
struct hull_rtnl *hull_rtnl_open(int netns_fd, struct hull_err **err);
void hull_rtnl_close(struct hull_rtnl *r);
void hull_rtnl_closep(struct hull_rtnl **r);
#define _cleanup_rtnl_ __attribute__((cleanup(hull_rtnl_closep)))
uint32_t hull_rtnl_seq(struct hull_rtnl *r);
/* Sends one request and waits for its ack. Returns the kernel's errno
 * negated in *kerr (0 ok) and -1 with err set on failure. */
int hull_rtnl_talk(struct hull_rtnl *r, struct nlmsghdr *nlh, struct hull_err **err);
/* ifindex by name; 0 with ENODEV when absent (err set). */
int hull_rtnl_ifindex(struct hull_rtnl *r, const char *name, struct hull_err **err);
/* The kept addresses (hull_nl_addr_keep) of link ifindex; *out malloc'd. */
int hull_rtnl_addrs(struct hull_rtnl *r, int ifindex, struct hull_nl_addr **out, size_t *n,
                    struct hull_err **err);
/* Deletes a link; absent is fine. */
int hull_rtnl_link_del(struct hull_rtnl *r, const char *name, struct hull_err **err);

/* ---- lease store (lease.c) ----------------------------------------------- */
/* First free host offset in [first, last] for which used() is false. 0 when
 * none. Pure. */
uint64_t hull_lease_pick(uint64_t first, uint64_t last,
                         bool (*used)(uint64_t off, void *data), void *data);
/* Allocates (static: when want != NULL, takes exactly that address) an
 * address of p for id under <root>/net/leases, skipping the gateway. */
int hull_lease_take(const char *root, const char *id, const struct hull_prefix *p,
                    const struct hull_ip *gateway, const struct hull_ip *want,
                    struct hull_ip *out, struct hull_err **err);
/* Removes every lease held by id. */
int hull_lease_release(const char *root, const char *id, struct hull_err **err);

/* ---- nftables (nft.c) -------------------------------------------------- */
/* Per-container table "hull-<hash>" (family inet): masquerade for the
 * container's addresses, DNAT for its ports (IPv4, and IPv6 when addr6 is
 * not NULL), hairpin and 127.0.0.1 forwards; see nft.c. Both serialise on
 * the network namespace (route_localnet on a bridge is shared by every
 * container on it, whatever their --root). */
int hull_nft_setup(const char *id, const struct hull_net_opts *o,
                   const struct hull_ip *addr, const struct hull_ip *addr6,
                   struct hull_err **err);
/* Deletes the table; switches route_localnet off the bridge when no other
 * container's table still guards it. */
int hull_nft_teardown(const char *id, struct hull_err **err);

/* ---- user-mode networking (usernet.c) ----------------------------------- */
int hull_usernet_start(const struct hull_net_opts *o, const struct hull_net_ctx *ctx,
                       struct hull_err **err);
int hull_usernet_stop(const struct hull_net_ctx *ctx, struct hull_err **err);

#endif
