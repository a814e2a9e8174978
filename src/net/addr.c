/* IPv4/IPv6 address and prefix arithmetic. Pure: no syscalls. */
#include "net/netpriv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

size_t hull_ip_bytes(int family) {
  return family == AF_INET ? 4 : 16;
}

int hull_ip_parse(const char *s, int family, struct hull_ip *out) {
  memset(out, 0, sizeof(*out));
  if (s == NULL) return -1;
  if ((family == 0 || family == AF_INET) && inet_pton(AF_INET, s, out->a) == 1) {
    out->family = AF_INET;
    return 0;
  }
  if ((family == 0 || family == AF_INET6) && inet_pton(AF_INET6, s, out->a) == 1) {
    out->family = AF_INET6;
    return 0;
  }
  return -1;
}

int hull_prefix_parse(const char *s, int family, struct hull_prefix *out) {
  memset(out, 0, sizeof(*out));
  if (s == NULL) return -1;
  const char *slash = strchr(s, '/');
  if (slash == NULL || slash == s || slash[1] == '\0') return -1;
  char ipbuf[HULL_IP_STRLEN];
  size_t n = (size_t)(slash - s);
  if (n >= sizeof(ipbuf)) return -1;
  memcpy(ipbuf, s, n);
  ipbuf[n] = '\0';
  if (hull_ip_parse(ipbuf, family, &out->ip) < 0) return -1;
  uint64_t len;
  if (hull_parse_uint64(slash + 1, &len) < 0) return -1;
  if (len > hull_ip_bytes(out->ip.family) * 8) return -1;
  out->len = (unsigned)len;
  return 0;
}

void hull_ip_format(const struct hull_ip *ip, char *buf, size_t size) {
  if (inet_ntop(ip->family, ip->a, buf, (socklen_t)size) == NULL && size > 0)
    buf[0] = '\0';
}

bool hull_ip_equal(const struct hull_ip *a, const struct hull_ip *b) {
  return a->family == b->family && memcmp(a->a, b->a, hull_ip_bytes(a->family)) == 0;
}

void hull_prefix_network(const struct hull_prefix *p, struct hull_prefix *out) {
  *out = *p;
  size_t bytes = hull_ip_bytes(p->ip.family);
  for (size_t i = 0; i < bytes; i++) {
    unsigned bit = (unsigned)i * 8;
    if (bit >= p->len)
      out->ip.a[i] = 0;
    else if (bit + 8 > p->len)
      out->ip.a[i] &= (uint8_t)(0xff << (8 - (p->len - bit)));
  }
}

bool hull_prefix_has_host_bits(const struct hull_prefix *p) {
  struct hull_prefix net;
  hull_prefix_network(p, &net);
  return !hull_ip_equal(&net.ip, &p->ip);
}

bool hull_prefix_contains(const struct hull_prefix *p, const struct hull_ip *ip) {
  if (ip->family != p->ip.family) return false;
  struct hull_prefix a = {.ip = *ip, .len = p->len}, na, np;
  hull_prefix_network(&a, &na);
  hull_prefix_network(p, &np);
  return hull_ip_equal(&na.ip, &np.ip);
}

/* Host bits of the prefix, capped to 64 (IPv6 offsets fit in a uint64). */
static unsigned host_bits(const struct hull_prefix *p) {
  unsigned bits = (unsigned)hull_ip_bytes(p->ip.family) * 8;
  /* a length past the address (never parsed, but a caller's struct) has
   * no host bits, rather than wrapping to a 64-bit shift */
  if (p->len >= bits) return 0;
  unsigned h = bits - p->len;
  return h > 64 ? 64 : h;
}

int hull_prefix_nth(const struct hull_prefix *p, uint64_t n, struct hull_ip *out) {
  unsigned h = host_bits(p);
  if (h < 64 && n >> h != 0) return -1;
  struct hull_prefix net;
  hull_prefix_network(p, &net);
  *out = net.ip;
  size_t bytes = hull_ip_bytes(p->ip.family);
  /* add n to the low 64 bits, big-endian; host bits are zero so no carry
   * leaves the host part */
  for (size_t i = bytes; i > 0 && n != 0; i--) {
    out->a[i - 1] |= (uint8_t)(n & 0xff);
    n >>= 8;
  }
  return 0;
}

int hull_prefix_offset(const struct hull_prefix *p, const struct hull_ip *ip, uint64_t *off) {
  if (!hull_prefix_contains(p, ip)) return -1;
  size_t bytes = hull_ip_bytes(p->ip.family);
  unsigned total = (unsigned)bytes * 8;
  /* a host part wider than 64 bits must have its upper bits clear */
  for (unsigned bit = p->len; bit + 64 < total; bit++)
    if (ip->a[bit / 8] & (0x80 >> (bit % 8))) return -1;
  uint64_t v = 0;
  for (size_t i = bytes >= 8 ? bytes - 8 : 0; i < bytes; i++) v = (v << 8) | ip->a[i];
  unsigned h = host_bits(p);
  *off = h == 64 ? v : v & ((UINT64_C(1) << h) - 1);
  return 0;
}

uint64_t hull_prefix_last_host(const struct hull_prefix *p) {
  unsigned h = host_bits(p);
  if (p->ip.family == AF_INET6) return h >= 32 ? UINT64_C(0xffffffff) : (UINT64_C(1) << h) - 1;
  if (h <= 1 || h > 32) return 0; /* /31 and /32: nothing to hand out beside a gateway */
  return (UINT64_C(1) << h) - 2;
}
