/* rtnetlink request builders: each writes one message into a caller buffer
 * (HULL_NL_BUFSIZE bytes) and returns it. Pure, so the unit tests
 * can parse the attributes back. */
#include "net/netpriv.h"

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <string.h>

static struct nlmsghdr *start(void *buf, uint32_t seq, uint16_t type, uint16_t flags) {
  /* alignment padding and extra headers are not all written by libmnl:
   * no stack garbage goes to the kernel */
  memset(buf, 0, HULL_NL_BUFSIZE);
  struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
  nlh->nlmsg_seq = seq;
  return nlh;
}

static struct ifinfomsg *put_ifinfo(struct nlmsghdr *nlh, int index) {
  struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = index;
  return ifi;
}

struct nlmsghdr *hull_nl_link_set(void *buf, uint32_t seq, const struct hull_nl_link *l) {
  struct nlmsghdr *nlh = start(buf, seq, RTM_NEWLINK, 0);
  struct ifinfomsg *ifi = put_ifinfo(nlh, l->index);
  if (l->index == 0 && l->name != NULL) mnl_attr_put_strz(nlh, IFLA_IFNAME, l->name);
  if (l->new_name != NULL) mnl_attr_put_strz(nlh, IFLA_IFNAME, l->new_name);
  if (l->up) {
    ifi->ifi_flags = IFF_UP;
    ifi->ifi_change = IFF_UP;
  }
  if (l->mtu != 0) mnl_attr_put_u32(nlh, IFLA_MTU, l->mtu);
  if (l->mac != NULL) mnl_attr_put(nlh, IFLA_ADDRESS, 6, l->mac);
  if (l->netns_fd >= 0) mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)l->netns_fd);
  if (l->master != 0) mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)l->master);
  return nlh;
}

/* RTM_NEWLINK of a link named name of kind (mtu 0: the kind's default),
 * its IFLA_LINKINFO nest left open in *linkinfo for the kind's data. */
static struct nlmsghdr *new_link(void *buf, uint32_t seq, const char *name, unsigned mtu,
                                 const char *kind, struct nlattr **linkinfo) {
  struct nlmsghdr *nlh = start(buf, seq, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
  put_ifinfo(nlh, 0);
  mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
  if (mtu != 0) mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
  *linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
  mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
  return nlh;
}

struct nlmsghdr *hull_nl_veth_new(void *buf, uint32_t seq, const char *name,
                                  const char *peer, int peer_netns_fd,
                                  unsigned mtu, const uint8_t *peer_mac) {
  struct nlattr *linkinfo;
  struct nlmsghdr *nlh = new_link(buf, seq, name, mtu, "veth", &linkinfo);
  struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
  struct nlattr *peerinfo = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
  /* the peer's attributes follow its own ifinfomsg inside the nest */
  struct ifinfomsg *pifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifi));
  memset(pifi, 0, sizeof(*pifi));
  pifi->ifi_family = AF_UNSPEC;
  mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
  if (mtu != 0) mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
  if (peer_mac != NULL) mnl_attr_put(nlh, IFLA_ADDRESS, 6, peer_mac);
  if (peer_netns_fd >= 0) mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_netns_fd);
  mnl_attr_nest_end(nlh, peerinfo);
  mnl_attr_nest_end(nlh, data);
  mnl_attr_nest_end(nlh, linkinfo);
  return nlh;
}

struct nlmsghdr *hull_nl_bridge_new(void *buf, uint32_t seq, const char *name, unsigned mtu) {
  struct nlattr *linkinfo;
  struct nlmsghdr *nlh = new_link(buf, seq, name, mtu, "bridge", &linkinfo);
  mnl_attr_nest_end(nlh, linkinfo);
  return nlh;
}

struct nlmsghdr *hull_nl_brport_hairpin(void *buf, uint32_t seq, int ifindex) {
  struct nlmsghdr *nlh = start(buf, seq, RTM_SETLINK, 0);
  struct ifinfomsg *ifi = put_ifinfo(nlh, ifindex);
  ifi->ifi_family = AF_BRIDGE; /* the bridge's own port attributes */
  struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_PROTINFO);
  mnl_attr_put_u8(nlh, IFLA_BRPORT_MODE, 1);
  mnl_attr_nest_end(nlh, info);
  return nlh;
}

struct nlmsghdr *hull_nl_link_del(void *buf, uint32_t seq, const char *name) {
  struct nlmsghdr *nlh = start(buf, seq, RTM_DELLINK, 0);
  put_ifinfo(nlh, 0);
  mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
  return nlh;
}

struct nlmsghdr *hull_nl_link_get(void *buf, uint32_t seq, const char *name) {
  struct nlmsghdr *nlh = start(buf, seq, RTM_GETLINK, 0);
  /* NLM_F_ACK kept: the kernel sends the link, then an ack that ends the wait */
  put_ifinfo(nlh, 0);
  mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
  mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
  return nlh;
}

struct nlmsghdr *hull_nl_addr_new(void *buf, uint32_t seq, int ifindex,
                                  const struct hull_ip *ip, unsigned prefixlen) {
  struct nlmsghdr *nlh = start(buf, seq, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
  struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
  ifa->ifa_family = (uint8_t)ip->family;
  ifa->ifa_prefixlen = (uint8_t)prefixlen;
  ifa->ifa_scope = RT_SCOPE_UNIVERSE;
  ifa->ifa_index = (uint32_t)ifindex;
  size_t n = hull_ip_bytes(ip->family);
  mnl_attr_put(nlh, IFA_LOCAL, n, ip->a);
  mnl_attr_put(nlh, IFA_ADDRESS, n, ip->a);
  /* no duplicate address detection: the lease store already guarantees
   * uniqueness, and DAD would leave the address tentative for a second */
  if (ip->family == AF_INET6) mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
  return nlh;
}

struct nlmsghdr *hull_nl_route_default(void *buf, uint32_t seq, int ifindex,
                                       const struct hull_ip *gateway) {
  struct nlmsghdr *nlh = start(buf, seq, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
  struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
  rtm->rtm_family = (uint8_t)gateway->family;
  rtm->rtm_dst_len = 0;
  rtm->rtm_table = RT_TABLE_MAIN;
  rtm->rtm_protocol = RTPROT_BOOT;
  rtm->rtm_scope = RT_SCOPE_UNIVERSE;
  rtm->rtm_type = RTN_UNICAST;
  mnl_attr_put(nlh, RTA_GATEWAY, hull_ip_bytes(gateway->family), gateway->a);
  mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
  return nlh;
}

struct nlmsghdr *hull_nl_addr_dump(void *buf, uint32_t seq) {
  struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
  nlh->nlmsg_type = RTM_GETADDR;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  nlh->nlmsg_seq = seq;
  struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
  ifa->ifa_family = AF_UNSPEC;
  return nlh;
}

static int addr_attr_cb(const struct nlattr *a, void *data) {
  const struct nlattr **tb = data;
  uint16_t type = mnl_attr_get_type(a);
  if (mnl_attr_type_valid(a, IFA_MAX) > 0) tb[type] = a;
  return MNL_CB_OK;
}

int hull_nl_addr_keep(const struct nlmsghdr *nlh, int ifindex, struct hull_nl_addr *out) {
  if (nlh->nlmsg_type != RTM_NEWADDR || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifaddrmsg)))
    return 0;
  const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
  if ((int)ifa->ifa_index != ifindex || ifa->ifa_scope != RT_SCOPE_UNIVERSE) return 0;
  if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) return 0;
  const struct nlattr *tb[IFA_MAX + 1] = {0};
  if (mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, tb) < 0) return 0;
  /* IFA_FLAGS (32 bits) supersedes the 8-bit ifa_flags when present */
  uint32_t flags = tb[IFA_FLAGS] && mnl_attr_get_payload_len(tb[IFA_FLAGS]) >= 4
                       ? mnl_attr_get_u32(tb[IFA_FLAGS]) : ifa->ifa_flags;
  if (!(flags & IFA_F_PERMANENT)) return 0;
  /* IFA_LOCAL is the interface's own address; IFA_ADDRESS the peer on
   * point-to-point links (and the same as IFA_LOCAL otherwise) */
  const struct nlattr *a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
  size_t len = hull_ip_bytes(ifa->ifa_family);
  if (a == NULL || mnl_attr_get_payload_len(a) != len) return 0;
  memset(out, 0, sizeof(*out));
  out->ip.family = ifa->ifa_family;
  memcpy(out->ip.a, mnl_attr_get_payload(a), len);
  out->prefixlen = ifa->ifa_prefixlen;
  return 1;
}
