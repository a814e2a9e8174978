/* net/: address arithmetic, option parsing, netlink message building, the
 * allocator. */
#include "unit.h"

#include "net/netpriv.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <netinet/in.h>
#include <unistd.h>

/* ---- addresses ---------------------------------------------------------- */

static void fmt(const struct hull_ip *ip, char *buf) {
  hull_ip_format(ip, buf, HULL_IP_STRLEN);
}

static void test_ip_parse(void **state) {
  struct hull_ip ip;
  char s[HULL_IP_STRLEN];
  assert_int_equal(hull_ip_parse("10.213.0.7", 0, &ip), 0);
  assert_int_equal(ip.family, AF_INET);
  fmt(&ip, s);
  assert_string_equal(s, "10.213.0.7");
  assert_int_equal(hull_ip_parse("fd68::1", 0, &ip), 0);
  assert_int_equal(ip.family, AF_INET6);
  assert_int_equal(hull_ip_parse("fd68::1", AF_INET, &ip), -1);
  assert_int_equal(hull_ip_parse("10.0.0.256", 0, &ip), -1);
  assert_int_equal(hull_ip_parse("", 0, &ip), -1);
}

static void test_prefix_parse(void **state) {
  struct hull_prefix p;
  assert_int_equal(hull_prefix_parse("10.213.0.0/16", AF_INET, &p), 0);
  assert_int_equal(p.len, 16);
  assert_false(hull_prefix_has_host_bits(&p));
  assert_int_equal(hull_prefix_parse("10.213.0.5/24", AF_INET, &p), 0);
  assert_true(hull_prefix_has_host_bits(&p));
  assert_int_equal(hull_prefix_parse("10.0.0.0/33", AF_INET, &p), -1);
  assert_int_equal(hull_prefix_parse("10.0.0.0/", AF_INET, &p), -1);
  assert_int_equal(hull_prefix_parse("10.0.0.0", AF_INET, &p), -1);
  assert_int_equal(hull_prefix_parse("/8", AF_INET, &p), -1);
  assert_int_equal(hull_prefix_parse("10.0.0.0/-1", AF_INET, &p), -1);
  assert_int_equal(hull_prefix_parse("fd00::/129", AF_INET6, &p), -1);
  assert_int_equal(hull_prefix_parse("fd00::/64", AF_INET6, &p), 0);
  assert_int_equal(p.len, 64);
}

static void test_prefix_network_contains(void **state) {
  struct hull_prefix p, n;
  struct hull_ip ip;
  char s[HULL_IP_STRLEN];
  hull_prefix_parse("192.168.77.200/20", AF_INET, &p);
  hull_prefix_network(&p, &n);
  fmt(&n.ip, s);
  assert_string_equal(s, "192.168.64.0");
  hull_ip_parse("192.168.79.255", AF_INET, &ip);
  assert_true(hull_prefix_contains(&p, &ip));
  hull_ip_parse("192.168.80.0", AF_INET, &ip);
  assert_false(hull_prefix_contains(&p, &ip));
  hull_ip_parse("fd00::1", AF_INET6, &ip);
  assert_false(hull_prefix_contains(&p, &ip)); /* other family */
  hull_prefix_parse("fd68:756c:6c00:1:ffff::/67", AF_INET6, &p);
  hull_prefix_network(&p, &n);
  fmt(&n.ip, s);
  assert_string_equal(s, "fd68:756c:6c00:1:e000::");
}

static void test_prefix_nth_offset(void **state) {
  struct hull_prefix p;
  struct hull_ip ip;
  char s[HULL_IP_STRLEN];
  uint64_t off;
  hull_prefix_parse("10.213.0.0/16", AF_INET, &p);
  assert_int_equal(hull_prefix_nth(&p, 1, &ip), 0);
  fmt(&ip, s);
  assert_string_equal(s, "10.213.0.1");
  assert_int_equal(hull_prefix_nth(&p, 258, &ip), 0);
  fmt(&ip, s);
  assert_string_equal(s, "10.213.1.2");
  assert_int_equal(hull_prefix_offset(&p, &ip, &off), 0);
  assert_int_equal(off, 258);
  assert_int_equal(hull_prefix_nth(&p, 65536, &ip), -1);
  assert_int_equal(hull_prefix_last_host(&p), 65534);
  hull_prefix_parse("10.0.0.0/31", AF_INET, &p);
  assert_int_equal(hull_prefix_last_host(&p), 0);
  hull_prefix_parse("fd68:756c:6c00::/64", AF_INET6, &p);
  assert_int_equal(hull_prefix_nth(&p, 0x10001, &ip), 0);
  fmt(&ip, s);
  assert_string_equal(s, "fd68:756c:6c00::1:1");
  assert_int_equal(hull_prefix_offset(&p, &ip, &off), 0);
  assert_int_equal(off, 0x10001);
  assert_int_equal(hull_prefix_last_host(&p), 0xffffffff);
  hull_prefix_parse("fd68::/120", AF_INET6, &p);
  assert_int_equal(hull_prefix_last_host(&p), 255);
  assert_int_equal(hull_prefix_nth(&p, 256, &ip), -1);
  hull_ip_parse("fd69::1", AF_INET6, &ip);
  assert_int_equal(hull_prefix_offset(&p, &ip, &off), -1);
}

/* ---- allocator -------------------------------------------------------- */

static bool in_set(uint64_t off, void *data) {
  const uint64_t *set = data;
  for (size_t i = 0; set[i] != 0; i++)
    if (set[i] == off) return true;
  return false;
}

static void test_lease_pick(void **state) {
  uint64_t none[] = {0};
  assert_int_equal(hull_lease_pick(1, 10, in_set, none), 1);
  uint64_t some[] = {1, 2, 4, 0};
  assert_int_equal(hull_lease_pick(1, 10, in_set, some), 3);
  uint64_t full[] = {1, 2, 3, 0};
  assert_int_equal(hull_lease_pick(1, 3, in_set, full), 0);
  assert_int_equal(hull_lease_pick(1, 0, in_set, none), 0); /* empty range */
}

/* ---- options ----------------------------------------------------------- */

static struct hull_annotation anns[16];
static struct hull_spec spec;

static void set_anns(const char *const *kv) {
  size_t n = 0;
  for (; kv[2 * n]; n++) {
    anns[n].key = (char *)kv[2 * n];
    anns[n].value = (char *)kv[2 * n + 1];
  }
  spec.annotations = anns;
  spec.n_annotations = n;
}

/* Parses, expecting failure with msg containing want; a failed parse
 * holds nothing (callers just return: anything left would leak). */
static void expect_error(const char *const *kv, const char *want) {
  struct hull_net_opts o;
  struct hull_err *err = NULL;
  set_anns(kv);
  assert_int_equal(hull_net_opts_parse(&spec, NULL, &o, &err), -1);
  assert_non_null(err);
  if (strstr(err->msg, want) == NULL) fail_msg("error \"%s\" lacks \"%s\"", err->msg, want);
  hull_err_free(&err);
  assert_null(o.dns);
  assert_null(o.ports);
}

static void test_opts_defaults(void **state) {
  struct hull_net_opts o;
  struct hull_err *err = NULL;
  char s[HULL_IP_STRLEN];
  const char *const none[] = {NULL};
  set_anns(none);
  assert_int_equal(hull_net_opts_parse(&spec, NULL, &o, &err), 0);
  assert_int_equal(o.kind, HULL_NET_NONE);
  assert_int_equal(hull_net_opts_parse(&spec, "veth", &o, &err), 0);
  assert_int_equal(o.kind, HULL_NET_VETH);
  assert_string_equal(o.bridge, "hull0");
  fmt(&o.subnet.ip, s);
  assert_string_equal(s, "10.213.0.0");
  assert_int_equal(o.subnet.len, 16);
  fmt(&o.gateway, s);
  assert_string_equal(s, "10.213.0.1");
  assert_int_equal(o.mtu, 1500);
  assert_false(o.has_address);
  assert_false(o.ipv6);
  assert_false(o.nat);
  hull_net_opts_free(&o);
}

static void test_opts_full(void **state) {
  struct hull_net_opts o;
  struct hull_err *err = NULL;
  char s[HULL_IP_STRLEN];
  const char *const kv[] = {"run.hull.net", "veth", "run.hull.net.bridge", "br-test",
                            "run.hull.net.subnet", "192.168.5.0/24",
                            "run.hull.net.address", "192.168.5.9",
                            "run.hull.net.gateway", "192.168.5.254",
                            "run.hull.net.ipv6", "fd00:5::9/64", "run.hull.net.mtu", "1400",
                            "run.hull.net.mac", "02:42:ac:11:00:02",
                            "run.hull.net.dns", "1.1.1.1,2606:4700::1111",
                            "run.hull.net.ports", "8080:80/tcp,53:5353/udp,9000:9000",
                            "run.hull.net.nat", "true", NULL};
  set_anns(kv);
  assert_int_equal(hull_net_opts_parse(&spec, NULL, &o, &err), 0);
  assert_string_equal(o.bridge, "br-test");
  assert_true(o.has_address);
  fmt(&o.address, s);
  assert_string_equal(s, "192.168.5.9");
  fmt(&o.gateway, s);
  assert_string_equal(s, "192.168.5.254");
  assert_true(o.ipv6);
  assert_true(o.has_address6);
  fmt(&o.address6, s);
  assert_string_equal(s, "fd00:5::9");
  fmt(&o.gateway6, s);
  assert_string_equal(s, "fd00:5::1");
  assert_int_equal(o.mtu, 1400);
  assert_true(o.has_mac);
  assert_int_equal(o.mac[0], 0x02);
  assert_int_equal(o.mac[5], 0x02);
  assert_int_equal(o.n_dns, 2);
  assert_int_equal(o.dns[1].family, AF_INET6);
  assert_int_equal(o.n_ports, 3);
  assert_int_equal(o.ports[0].host_port, 8080);
  assert_int_equal(o.ports[0].container_port, 80);
  assert_int_equal(o.ports[0].proto, IPPROTO_TCP);
  assert_int_equal(o.ports[1].proto, IPPROTO_UDP);
  assert_int_equal(o.ports[1].container_port, 5353);
  assert_int_equal(o.ports[2].proto, IPPROTO_TCP);
  assert_true(o.nat);
  hull_net_opts_free(&o);
}

#define BAD(k, v, want)                                       \
  do {                                                        \
    const char *const kv[] = {"run.hull.net", "veth", k, v, NULL}; \
    expect_error(kv, want);                                   \
  } while (0)

static void test_opts_errors(void **state) {
  const char *const mode[] = {"run.hull.net", "bridged", NULL};
  expect_error(mode, "run.hull.net: unknown mode \"bridged\"");
  BAD("run.hull.net.bridge", "a-name-that-is-too-long", "run.hull.net.bridge:");
  BAD("run.hull.net.bridge", "br/0", "run.hull.net.bridge:");
  BAD("run.hull.net.subnet", "10.0.0.0", "run.hull.net.subnet:");
  BAD("run.hull.net.subnet", "10.0.0.1/24", "has host bits set");
  BAD("run.hull.net.subnet", "10.0.0.0/31", "run.hull.net.subnet:");
  BAD("run.hull.net.subnet", "fd00::/64", "run.hull.net.subnet:");
  BAD("run.hull.net.address", "10.0.0.1", "not a host address of the subnet");
  BAD("run.hull.net.address", "10.213.0.1", "is the gateway");
  BAD("run.hull.net.address", "10.213.255.255", "not a host address"); /* broadcast */
  BAD("run.hull.net.address", "nope", "run.hull.net.address: \"nope\" is not an IPv4");
  BAD("run.hull.net.gateway", "10.214.0.1", "run.hull.net.gateway:");
  BAD("run.hull.net.ipv6", "yes", "run.hull.net.ipv6:");
  BAD("run.hull.net.ipv6", "fd00::/48", "run.hull.net.ipv6:");
  BAD("run.hull.net.ipv6", "fd00::1/64", "is the gateway");
  BAD("run.hull.net.mtu", "100", "run.hull.net.mtu:");
  BAD("run.hull.net.mtu", "15x0", "run.hull.net.mtu:");
  BAD("run.hull.net.mac", "01:00:5e:00:00:01", "run.hull.net.mac:"); /* multicast */
  BAD("run.hull.net.mac", "02:42:ac:11:00", "run.hull.net.mac:");
  BAD("run.hull.net.mac", "02-42-ac-11-00-02", "run.hull.net.mac:");
  BAD("run.hull.net.dns", "dns.example", "run.hull.net.dns: \"dns.example\"");
  BAD("run.hull.net.dns", ",", "run.hull.net.dns: empty");
  BAD("run.hull.net.ports", "8080", "run.hull.net.ports: bad item \"8080\"");
  BAD("run.hull.net.ports", "0:80", "run.hull.net.ports:");
  BAD("run.hull.net.ports", "70000:80", "run.hull.net.ports:");
  BAD("run.hull.net.ports", "80:80/sctp", "run.hull.net.ports:");
  BAD("run.hull.net.ports", "80:80,80:81", "host port 80/tcp given twice");
  BAD("run.hull.net.ports", "[fd00::7]:80:80", "run.hull.net.ports: host IP fd00::7 is IPv6: needs run.hull.net.ipv6");
  BAD("run.hull.net.nat", "yes", "run.hull.net.nat: expected true or false");
  /* what was parsed before the bad value is released (fuzz_annotations) */
  BAD("run.hull.net.dns", "1.1.1.1,dns.example", "run.hull.net.dns: \"dns.example\"");
  const char *const late[] = {"run.hull.net", "veth", "run.hull.net.ports", "8080:80",
                              "run.hull.net.dns", "1.1.1.1,x", NULL};
  expect_error(late, "run.hull.net.dns: \"x\"");
  const char *const stray[] = {"run.hull.net.nat", "true", NULL};
  expect_error(stray, "run.hull.net.nat: only valid with run.hull.net=veth");
}

static void test_opts_mode_override(void **state) {
  struct hull_net_opts o;
  struct hull_err *err = NULL;
  const char *const kv[] = {"run.hull.net", "veth", NULL};
  set_anns(kv);
  assert_int_equal(hull_net_opts_parse(&spec, "none", &o, &err), 0);
  assert_int_equal(o.kind, HULL_NET_NONE);
  assert_int_equal(hull_net_opts_parse(&spec, "pasta", &o, &err), 0);
  assert_int_equal(o.kind, HULL_NET_PASTA);
  assert_int_equal(hull_net_opts_parse(&spec, "slirp4netns", &o, &err), 0);
  assert_int_equal(o.kind, HULL_NET_SLIRP);
  assert_int_equal(hull_net_opts_parse(&spec, "bogus", &o, &err), -1);
  assert_non_null(strstr(err->msg, "--net"));
  hull_err_free(&err);
}

static void test_host_ifname_resolv(void **state) {
  char a[IFNAMSIZ], b[IFNAMSIZ];
  hull_net_host_ifname("ctr-1", a);
  hull_net_host_ifname("ctr-2", b);
  assert_int_equal(strlen(a), 14);
  assert_memory_equal(a, "hl", 2);
  assert_string_not_equal(a, b);
  hull_net_host_ifname("ctr-1", b);
  assert_string_equal(a, b);
  struct hull_ip dns[2];
  hull_ip_parse("9.9.9.9", 0, &dns[0]);
  hull_ip_parse("2620:fe::fe", 0, &dns[1]);
  char *text = hull_net_resolv_conf(dns, 2);
  assert_non_null(strstr(text, "\nnameserver 9.9.9.9\nnameserver 2620:fe::fe\n"));
  free(text);
}

/* ---- run.hull.net.ports ---------------------------------------------------- */

static void ports_ok(const char *list, size_t want_n, struct hull_net_port **out) {
  struct hull_err *err = NULL;
  size_t n = 0;
  *out = NULL;
  int rc = hull_net_parse_ports(list, out, &n, &err);
  if (rc != 0) fail_msg("%s: %s", list, err->msg);
  assert_int_equal(n, want_n);
}

static void ports_bad(const char *list, const char *want) {
  struct hull_err *err = NULL;
  struct hull_net_port *p = NULL;
  size_t n = 0;
  assert_int_equal(hull_net_parse_ports(list, &p, &n, &err), -1);
  assert_null(p);
  assert_non_null(err);
  if (strstr(err->msg, want) == NULL) fail_msg("%s: got \"%s\", want \"%s\"", list, err->msg, want);
  hull_err_free(&err);
}

static void test_ports_parse(void **state) {
  struct hull_net_port *p;
  char s[HULL_IP_STRLEN];
  ports_ok("8080:80", 1, &p);
  assert_int_equal(p[0].proto, IPPROTO_TCP);
  assert_false(p[0].has_host_ip);
  free(p);
  /* ranges expand one to one, per protocol */
  ports_ok("9000-9002:7000-7002/udp,9000:80/tcp", 4, &p);
  for (int i = 0; i < 3; i++) {
    assert_int_equal(p[i].host_port, 9000 + i);
    assert_int_equal(p[i].container_port, 7000 + i);
    assert_int_equal(p[i].proto, IPPROTO_UDP);
  }
  assert_int_equal(p[3].proto, IPPROTO_TCP);
  free(p);
  /* host IPs: IPv4, IPv6 in brackets; the same port on two IPs is fine */
  ports_ok("127.0.0.1:8080:80,[fd00::5]:8080:80/tcp,192.0.2.1:8080:80", 3, &p);
  assert_true(p[0].has_host_ip);
  fmt(&p[0].host_ip, s);
  assert_string_equal(s, "127.0.0.1");
  assert_int_equal(p[1].host_ip.family, AF_INET6);
  fmt(&p[1].host_ip, s);
  assert_string_equal(s, "fd00::5");
  assert_int_equal(p[1].container_port, 80);
  free(p);
  ports_ok("65535:1", 1, &p);
  free(p);
  ports_ok("1-1024:1-1024", 1024, &p);
  free(p);
}

static void test_ports_errors(void **state) {
  ports_bad("8080", "bad item \"8080\": expected [HOSTIP:]HOSTPORT");
  ports_bad("0:80", "\"0:80\": host port must be 1-65535");
  ports_bad("80:70000", "\"80:70000\": container port must be 1-65535");
  ports_bad("80:x", "container port must be");
  ports_bad("80:80/sctp", "protocol \"sctp\" is not tcp or udp");
  ports_bad("80:80/", "protocol \"\" is not tcp or udp");
  ports_bad("80:80,80:81", "host port 80/tcp given twice");
  ports_bad("127.0.0.1:80:80,80:81", "host port 80/tcp given twice");
}

static void test_ports_errors2(void **state) {
  ports_bad("9000-9002:80", "the host range has 3 ports, the container range 1");
  ports_bad("9002-9000:80-82", "host range 9002-9000 ends before it starts");
  ports_bad("9000-:80", "host ports must be 1-65535");
  ports_bad("9000-9001:80-81,9001:90", "host port 9001/tcp given twice");
  ports_bad("1.2.3:80:80", "host IP \"1.2.3\" is not an IP address");
  ports_bad("fd00::1:80:80", "(IPv6 goes in brackets)");
  ports_bad("[fd00::1:80:80", "expected [IPv6]:HOSTPORT");
  ports_bad("[nope]:80:80", "host IP \"nope\"");
  ports_bad("0.0.0.0:80:80", "leave out the host IP");
  ports_bad("[::]:80:80", "leave out the host IP");
  ports_bad("[::1]:80:80", "::1 cannot be forwarded");
  ports_bad("1-1024:1-1024,2000:80", "more than 1024 ports");
  ports_bad("192.0.2.1:1:2:3", "bad item \"192.0.2.1:1:2:3\": expected [HOSTIP:]HOSTPORT");
  ports_bad(",", "empty list");
}

/* ---- netlink messages ------------------------------------------------------ */

struct attrs {
  const struct nlattr *tb[IFLA_MAX + 1];
};

static int collect(const struct nlattr *a, void *data) {
  struct attrs *t = data;
  uint16_t type = mnl_attr_get_type(a);
  if (type <= IFLA_MAX) t->tb[type] = a;
  return MNL_CB_OK;
}

static void test_nl_veth(void **state) {
  char buf[HULL_NL_BUFSIZE];
  uint8_t mac[6] = {2, 0x42, 0xac, 0x11, 0, 9};
  struct nlmsghdr *nlh = hull_nl_veth_new(buf, 7, "hlabc", "eth0", 5, 1400, mac);
  assert_int_equal(nlh->nlmsg_type, RTM_NEWLINK);
  assert_int_equal(nlh->nlmsg_seq, 7);
  assert_true(nlh->nlmsg_flags & NLM_F_CREATE);
  assert_true(nlh->nlmsg_flags & NLM_F_EXCL);
  assert_true(nlh->nlmsg_flags & NLM_F_ACK);
  struct attrs t = {0};
  mnl_attr_parse(nlh, sizeof(struct ifinfomsg), collect, &t);
  assert_string_equal(mnl_attr_get_str(t.tb[IFLA_IFNAME]), "hlabc");
  assert_int_equal(mnl_attr_get_u32(t.tb[IFLA_MTU]), 1400);
  struct attrs li = {0};
  mnl_attr_parse_nested(t.tb[IFLA_LINKINFO], collect, &li);
  assert_string_equal(mnl_attr_get_str(li.tb[IFLA_INFO_KIND]), "veth");
  struct attrs data = {0};
  mnl_attr_parse_nested(li.tb[IFLA_INFO_DATA], collect, &data);
  const struct nlattr *peer = data.tb[VETH_INFO_PEER];
  assert_non_null(peer);
  /* the peer nest starts with an ifinfomsg, then its own attributes */
  const char *p = mnl_attr_get_payload(peer);
  size_t plen = mnl_attr_get_payload_len(peer);
  assert_true(plen > sizeof(struct ifinfomsg));
  struct attrs pa = {0};
  mnl_attr_parse_payload(p + NLMSG_ALIGN(sizeof(struct ifinfomsg)),
                         plen - NLMSG_ALIGN(sizeof(struct ifinfomsg)), collect, &pa);
  assert_string_equal(mnl_attr_get_str(pa.tb[IFLA_IFNAME]), "eth0");
  assert_int_equal(mnl_attr_get_u32(pa.tb[IFLA_NET_NS_FD]), 5);
  assert_int_equal(mnl_attr_get_payload_len(pa.tb[IFLA_ADDRESS]), 6);
  assert_memory_equal(mnl_attr_get_payload(pa.tb[IFLA_ADDRESS]), mac, 6);
  assert_int_equal(mnl_attr_get_u32(pa.tb[IFLA_MTU]), 1400);
}

static void test_nl_link_set(void **state) {
  char buf[HULL_NL_BUFSIZE];
  struct hull_nl_link l = {.index = 12, .new_name = "eth1", .up = true, .netns_fd = 9,
                           .master = 3};
  struct nlmsghdr *nlh = hull_nl_link_set(buf, 1, &l);
  const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
  assert_int_equal(ifi->ifi_index, 12);
  assert_int_equal(ifi->ifi_flags & IFF_UP, IFF_UP);
  assert_int_equal(ifi->ifi_change & IFF_UP, IFF_UP);
  assert_false(nlh->nlmsg_flags & NLM_F_CREATE);
  struct attrs t = {0};
  mnl_attr_parse(nlh, sizeof(*ifi), collect, &t);
  assert_string_equal(mnl_attr_get_str(t.tb[IFLA_IFNAME]), "eth1");
  assert_int_equal(mnl_attr_get_u32(t.tb[IFLA_NET_NS_FD]), 9);
  assert_int_equal(mnl_attr_get_u32(t.tb[IFLA_MASTER]), 3);
  assert_null(t.tb[IFLA_MTU]);
  /* by name, nothing else */
  struct hull_nl_link m = {.name = "lo", .netns_fd = -1};
  nlh = hull_nl_link_set(buf, 2, &m);
  ifi = mnl_nlmsg_get_payload(nlh);
  assert_int_equal(ifi->ifi_index, 0);
  assert_int_equal(ifi->ifi_change, 0);
  struct attrs u = {0};
  mnl_attr_parse(nlh, sizeof(*ifi), collect, &u);
  assert_string_equal(mnl_attr_get_str(u.tb[IFLA_IFNAME]), "lo");
  assert_null(u.tb[IFLA_NET_NS_FD]);
  assert_null(u.tb[IFLA_MASTER]);
}

static int collect_any(const struct nlattr *a, void *data) {
  const struct nlattr **tb = data;
  uint16_t type = mnl_attr_get_type(a);
  if (type < 32) tb[type] = a;
  return MNL_CB_OK;
}

static void test_nl_addr_route(void **state) {
  char buf[HULL_NL_BUFSIZE];
  struct hull_ip ip;
  hull_ip_parse("fd68:756c:6c00::5", 0, &ip);
  struct nlmsghdr *nlh = hull_nl_addr_new(buf, 3, 4, &ip, 64);
  assert_int_equal(nlh->nlmsg_type, RTM_NEWADDR);
  const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
  assert_int_equal(ifa->ifa_family, AF_INET6);
  assert_int_equal(ifa->ifa_prefixlen, 64);
  assert_int_equal(ifa->ifa_index, 4);
  const struct nlattr *tb[32] = {0};
  mnl_attr_parse(nlh, sizeof(*ifa), collect_any, tb);
  assert_int_equal(mnl_attr_get_payload_len(tb[IFA_LOCAL]), 16);
  assert_memory_equal(mnl_attr_get_payload(tb[IFA_LOCAL]), ip.a, 16);
  assert_int_equal(mnl_attr_get_u32(tb[IFA_FLAGS]) & IFA_F_NODAD, IFA_F_NODAD);

  struct hull_ip gw;
  hull_ip_parse("10.213.0.1", 0, &gw);
  nlh = hull_nl_route_default(buf, 4, 2, &gw);
  assert_int_equal(nlh->nlmsg_type, RTM_NEWROUTE);
  const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
  assert_int_equal(rtm->rtm_family, AF_INET);
  assert_int_equal(rtm->rtm_dst_len, 0);
  assert_int_equal(rtm->rtm_table, RT_TABLE_MAIN);
  const struct nlattr *rt[32] = {0};
  mnl_attr_parse(nlh, sizeof(*rtm), collect_any, rt);
  assert_int_equal(mnl_attr_get_payload_len(rt[RTA_GATEWAY]), 4);
  assert_memory_equal(mnl_attr_get_payload(rt[RTA_GATEWAY]), gw.a, 4);
  assert_int_equal(mnl_attr_get_u32(rt[RTA_OIF]), 2);
  assert_null(rt[RTA_DST]);
}

static void test_nl_brport_hairpin(void **state) {
  char buf[HULL_NL_BUFSIZE];
  memset(buf, 0xaa, sizeof(buf)); /* the builder clears what it leaves */
  struct nlmsghdr *nlh = hull_nl_brport_hairpin(buf, 9, 42);
  assert_int_equal(nlh->nlmsg_type, RTM_SETLINK);
  assert_true(nlh->nlmsg_flags & NLM_F_ACK);
  const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
  assert_int_equal(ifi->ifi_family, AF_BRIDGE);
  assert_int_equal(ifi->ifi_index, 42);
  assert_int_equal(ifi->ifi_flags, 0);
  assert_int_equal(ifi->ifi_change, 0);
  struct attrs t = {0};
  mnl_attr_parse(nlh, sizeof(struct ifinfomsg), collect, &t);
  assert_non_null(t.tb[IFLA_PROTINFO]);
  assert_true(mnl_attr_get_type(t.tb[IFLA_PROTINFO]) == IFLA_PROTINFO);
  assert_true(((const struct nlattr *)t.tb[IFLA_PROTINFO])->nla_type & NLA_F_NESTED);
  struct attrs p = {0};
  mnl_attr_parse_nested(t.tb[IFLA_PROTINFO], collect, &p);
  assert_int_equal(mnl_attr_get_u8(p.tb[IFLA_BRPORT_MODE]), 1);
}

static void test_nl_bridge_del(void **state) {
  char buf[HULL_NL_BUFSIZE];
  struct nlmsghdr *nlh = hull_nl_bridge_new(buf, 5, "hull0", 0);
  struct attrs t = {0};
  mnl_attr_parse(nlh, sizeof(struct ifinfomsg), collect, &t);
  assert_string_equal(mnl_attr_get_str(t.tb[IFLA_IFNAME]), "hull0");
  assert_null(t.tb[IFLA_MTU]);
  struct attrs li = {0};
  mnl_attr_parse_nested(t.tb[IFLA_LINKINFO], collect, &li);
  assert_string_equal(mnl_attr_get_str(li.tb[IFLA_INFO_KIND]), "bridge");
  nlh = hull_nl_link_del(buf, 6, "hlabc");
  assert_int_equal(nlh->nlmsg_type, RTM_DELLINK);
  struct attrs d = {0};
  mnl_attr_parse(nlh, sizeof(struct ifinfomsg), collect, &d);
  assert_string_equal(mnl_attr_get_str(d.tb[IFLA_IFNAME]), "hlabc");
  nlh = hull_nl_link_get(buf, 7, "eth0");
  assert_int_equal(nlh->nlmsg_type, RTM_GETLINK);
  assert_true(nlh->nlmsg_flags & NLM_F_ACK);
}

static void test_nl_addr_keep(void **state) {
  char buf[HULL_NL_BUFSIZE];
  struct hull_ip ip;
  struct hull_nl_addr a;
  hull_ip_parse("198.51.100.7", 0, &ip);
  struct nlmsghdr *nlh = hull_nl_addr_new(buf, 1, 9, &ip, 24);
  struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
  assert_int_equal(hull_nl_addr_keep(nlh, 9, &a), 0); /* not permanent */
  ifa->ifa_flags = IFA_F_PERMANENT;
  assert_int_equal(hull_nl_addr_keep(nlh, 9, &a), 1);
  assert_true(hull_ip_equal(&a.ip, &ip));
  assert_int_equal(a.prefixlen, 24);
  assert_int_equal(hull_nl_addr_keep(nlh, 8, &a), 0); /* another link */
  ifa->ifa_scope = RT_SCOPE_LINK;
  assert_int_equal(hull_nl_addr_keep(nlh, 9, &a), 0); /* not global */
  /* IFA_FLAGS, when there, is what counts (here: nodad, not permanent) */
  hull_ip_parse("2001:db8::7", 0, &ip);
  nlh = hull_nl_addr_new(buf, 2, 9, &ip, 64);
  ifa = mnl_nlmsg_get_payload(nlh);
  ifa->ifa_flags = IFA_F_PERMANENT;
  assert_int_equal(hull_nl_addr_keep(nlh, 9, &a), 0);
  nlh = hull_nl_addr_dump(buf, 3);
  assert_int_equal(nlh->nlmsg_type, RTM_GETADDR);
  assert_true(nlh->nlmsg_flags & NLM_F_DUMP);
  assert_false(nlh->nlmsg_flags & NLM_F_ACK);
  assert_int_equal(hull_nl_addr_keep(nlh, 0, &a), 0); /* not an address */
}

static void check_net(const char *mode, enum hull_net_ns ns, const char *want) {
  struct hull_net_ctx ctx = {.id = "c", .net_mode = mode};
  struct hull_err *err = NULL;
  int rc = hull_net_check(&spec, &ctx, ns, &err);
  if (want == NULL) {
    if (rc != 0) fail_msg("unexpected error: %s", err->msg);
    return;
  }
  assert_int_equal(rc, -1);
  if (strstr(err->msg, want) == NULL) fail_msg("error \"%s\" lacks \"%s\"", err->msg, want);
  hull_err_free(&err);
}

static void test_net_check(void **state) {
  const char *veth[] = {"run.hull.net", "veth", NULL};
  set_anns(veth);
  /* veth and netDevices need root: unit tests run as anyone */
  bool root = geteuid() == 0;
  check_net(NULL, HULL_NET_NS_NEW, root ? NULL : "run.hull.net veth: needs root");
  check_net(NULL, HULL_NET_NS_HOST, "run.hull.net veth: needs a new network namespace");
  check_net(NULL, HULL_NET_NS_PATH, "run.hull.net veth: needs a new network namespace");
  check_net("pasta", HULL_NET_NS_HOST, "--net pasta: needs a new network namespace");
  check_net("none", HULL_NET_NS_HOST, NULL);
  check_net("bogus", HULL_NET_NS_NEW, "--net: run.hull.net: unknown mode \"bogus\"");
  struct hull_net_ctx ctx = {.id = "c"};
  assert_true(hull_net_wanted(&spec, &ctx));
  ctx.net_mode = "none";
  assert_false(hull_net_wanted(&spec, &ctx));
  const char *dns[] = {"run.hull.net.dns", "192.0.2.53", NULL};
  set_anns(dns);
  check_net(NULL, HULL_NET_NS_HOST, NULL); /* dns alone is a mount */
  ctx.net_mode = NULL;
  assert_false(hull_net_wanted(&spec, &ctx));
  struct hull_net_device dev = {.host_name = "dummy0"};
  spec.has_linux = true;
  spec.linux_.net_devices = &dev;
  spec.linux_.n_net_devices = 1;
  check_net(NULL, HULL_NET_NS_HOST, "linux.netDevices: needs a network namespace");
  check_net(NULL, HULL_NET_NS_PATH, root ? NULL : "linux.netDevices: moving host interfaces needs root");
  assert_true(hull_net_wanted(&spec, &ctx));
  spec.has_linux = false;
  spec.linux_.net_devices = NULL;
  spec.linux_.n_net_devices = 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ip_parse),
      cmocka_unit_test(test_prefix_parse),
      cmocka_unit_test(test_prefix_network_contains),
      cmocka_unit_test(test_prefix_nth_offset),
      cmocka_unit_test(test_lease_pick),
      cmocka_unit_test(test_opts_defaults),
      cmocka_unit_test(test_opts_full),
      cmocka_unit_test(test_opts_errors),
      cmocka_unit_test(test_ports_parse),
      cmocka_unit_test(test_ports_errors),
      cmocka_unit_test(test_ports_errors2),
      cmocka_unit_test(test_opts_mode_override),
      cmocka_unit_test(test_host_ifname_resolv),
      cmocka_unit_test(test_nl_veth),
      cmocka_unit_test(test_nl_link_set),
      cmocka_unit_test(test_nl_addr_route),
      cmocka_unit_test(test_nl_brport_hairpin),
      cmocka_unit_test(test_nl_bridge_del),
      cmocka_unit_test(test_nl_addr_keep),
      cmocka_unit_test(test_net_check),
  };
  return cmocka_run_group_tests_name("net", tests, NULL, NULL);
}
