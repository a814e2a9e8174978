/* run.hull.net.ports: "[HOSTIP:]HOSTPORT[-END]:CONTAINERPORT[-END][/tcp|/udp],..."
 * (podman's -p syntax; an IPv6 host IP in brackets: "[fd00::1]:8080:80").
 * Ranges are expanded into one entry per port, so nft maps each host port
 * to its own container port. Pure: every error names the item and why. */
#include "net/netpriv.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#define ANN "run.hull.net.ports"

struct range {
  uint16_t first, last;
};

static int parse_num(const char *s, uint16_t *out) {
  uint64_t v;
  if (hull_parse_uint64(s, &v) < 0 || v == 0 || v > 65535) return -1;
  *out = (uint16_t)v;
  return 0;
}

/* "80" or "8080-8090" */
static int parse_range(const char *item, char *s, const char *what, struct range *r,
                       struct hull_err **err) {
  char *dash = strchr(s, '-');
  if (dash != NULL) *dash = '\0';
  if (parse_num(s, &r->first) < 0 || (dash != NULL && parse_num(dash + 1, &r->last) < 0))
    return hull_err_set(err, EINVAL, ANN ": \"%s\": %s port%s must be 1-65535", item, what,
                        dash ? "s" : "");
  if (dash == NULL) r->last = r->first;
  if (r->last < r->first)
    return hull_err_set(err, EINVAL, ANN ": \"%s\": %s range %u-%u ends before it starts",
                        item, what, r->first, r->last);
  return 0;
}

/* Splits off "[v6]:" or "v4:" when the item has a host IP. */
static int parse_host_ip(const char *item, char **rest, struct hull_net_port *p,
                         struct hull_err **err) {
  char *s = *rest, *ipstr = NULL;
  if (s[0] == '[') {
    char *end = strchr(s, ']');
    if (end == NULL || end[1] != ':')
      return hull_err_set(err, EINVAL, ANN ": \"%s\": expected [IPv6]:HOSTPORT:...", item);
    *end = '\0';
    ipstr = s + 1;
    *rest = end + 2;
  } else {
    char *c1 = strchr(s, ':');
    if (c1 == NULL || strchr(c1 + 1, ':') == NULL) return 0; /* no host IP */
    *c1 = '\0';
    ipstr = s;
    *rest = c1 + 1;
  }
  if (hull_ip_parse(ipstr, 0, &p->host_ip) < 0)
    return hull_err_set(err, EINVAL, ANN ": \"%s\": host IP \"%s\" is not an IP address%s",
                        item, ipstr, s[0] == '[' ? "" : " (IPv6 goes in brackets)");
  static const uint8_t any6[16], lo6[16] = {[15] = 1};
  if ((p->host_ip.family == AF_INET6 && memcmp(p->host_ip.a, any6, 16) == 0) ||
      (p->host_ip.family == AF_INET && memcmp(p->host_ip.a, any6, 4) == 0))
    return hull_err_set(err, EINVAL, ANN ": \"%s\": leave out the host IP to forward every "
                        "address (%s is not one)", item, ipstr);
  if (p->host_ip.family == AF_INET6 && memcmp(p->host_ip.a, lo6, 16) == 0)
    return hull_err_set(err, EINVAL, ANN ": \"%s\": ::1 cannot be forwarded (IPv6 never routes "
                        "loopback traffic out; use 127.0.0.1)", item);
  p->has_host_ip = true;
  return 0;
}

static int parse_proto(const char *item, char *s, uint8_t *proto, struct hull_err **err) {
  *proto = IPPROTO_TCP;
  char *slash = strchr(s, '/');
  if (slash == NULL) return 0;
  *slash = '\0';
  if (strcmp(slash + 1, "tcp") == 0) *proto = IPPROTO_TCP;
  else if (strcmp(slash + 1, "udp") == 0) *proto = IPPROTO_UDP;
  else return hull_err_set(err, EINVAL, ANN ": \"%s\": protocol \"%s\" is not tcp or udp",
                           item, slash + 1);
  return 0;
}

/* Same protocol and host port, and host IPs that overlap (none is every
 * address of the family: an IPv4 entry without one clashes with 127.0.0.1). */
static bool clash(const struct hull_net_port *a, const struct hull_net_port *b) {
  if (a->proto != b->proto || a->host_port != b->host_port) return false;
  if (!a->has_host_ip || !b->has_host_ip) return true;
  return hull_ip_equal(&a->host_ip, &b->host_ip);
}

/* One item, appended to *ports (expanded). */
static int parse_item(const char *item, struct hull_net_port **ports, size_t *n,
                      struct hull_err **err) {
  _cleanup_free_ char *copy = hull_xstrdup(item);
  char *s = copy;
  struct hull_net_port tmpl = {0};
  if (parse_host_ip(item, &s, &tmpl, err) < 0 || parse_proto(item, s, &tmpl.proto, err) < 0)
    return -1;
  char *colon = strchr(s, ':');
  if (colon == NULL || strchr(colon + 1, ':') != NULL)
    return hull_err_set(err, EINVAL, ANN ": bad item \"%s\": expected [HOSTIP:]HOSTPORT"
                        "[-END]:CONTAINERPORT[-END][/tcp|/udp]", item);
  *colon = '\0';
  struct range h, c;
  if (parse_range(item, s, "host", &h, err) < 0 || parse_range(item, colon + 1, "container", &c, err) < 0)
    return -1;
  unsigned count = h.last - h.first + 1u;
  if (c.last - c.first + 1u != count)
    return hull_err_set(err, EINVAL, ANN ": \"%s\": the host range has %u ports, the "
                        "container range %u", item, count, c.last - c.first + 1u);
  if (*n + count > HULL_NET_MAX_PORTS)
    return hull_err_set(err, E2BIG, ANN ": more than %u ports in all", HULL_NET_MAX_PORTS);
  *ports = hull_xrealloc(*ports, (*n + count) * sizeof(**ports));
  for (unsigned i = 0; i < count; i++) {
    struct hull_net_port *p = &(*ports)[*n];
    *p = tmpl;
    p->host_port = (uint16_t)(h.first + i);
    p->container_port = (uint16_t)(c.first + i);
    for (size_t j = 0; j < *n; j++)
      if (clash(&(*ports)[j], p))
        return hull_err_set(err, EINVAL, ANN ": host port %u/%s given twice", p->host_port,
                            p->proto == IPPROTO_UDP ? "udp" : "tcp");
    (*n)++;
  }
  return 0;
}

int hull_net_parse_ports(const char *s, struct hull_net_port **out, size_t *n,
                         struct hull_err **err) {
  _cleanup_free_ char *copy = hull_xstrdup(s);
  _cleanup_free_ struct hull_net_port *ports = NULL;
  size_t count = 0;
  char *save = NULL;
  for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
    if (parse_item(tok, &ports, &count, err) < 0) return -1;
  if (count == 0) return hull_err_set(err, EINVAL, ANN ": empty list");
  *out = hull_steal_ptr(&ports);
  *n = count;
  return 0;
}
