/* D-Bus wire format, little-endian only (the peer is on this host): the
 * marshalling of method calls and a strict parser for what comes back.
 * Pure: no I/O, unit-tested on hand-built bytes and fuzzed. */
#include "dbus/dbus.h"

#include <errno.h>
#include <string.h>

/* ---- building ----------------------------------------------------------- */

void hull_dbus_buf_free(struct hull_dbus_buf *b) {
  free(b->p);
  *b = (struct hull_dbus_buf){0};
}

static void grow(struct hull_dbus_buf *b, size_t n) {
  if (b->len + n <= b->cap) return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + n) cap *= 2;
  b->p = hull_xrealloc(b->p, cap);
  b->cap = cap;
}

static void put(struct hull_dbus_buf *b, const void *d, size_t n) {
  grow(b, n);
  memcpy(b->p + b->len, d, n);
  b->len += n;
}

void hull_dbus_put_align(struct hull_dbus_buf *b, size_t n) {
  static const uint8_t zero[8];
  size_t pad = (n - b->len % n) % n;
  put(b, zero, pad);
}

void hull_dbus_put_u8(struct hull_dbus_buf *b, uint8_t v) { put(b, &v, 1); }

void hull_dbus_put_u32(struct hull_dbus_buf *b, uint32_t v) {
  uint8_t le[4] = {v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24};
  hull_dbus_put_align(b, 4);
  put(b, le, 4);
}

void hull_dbus_put_u64(struct hull_dbus_buf *b, uint64_t v) {
  uint8_t le[8];
  for (int i = 0; i < 8; i++) le[i] = (uint8_t)(v >> (8 * i));
  hull_dbus_put_align(b, 8);
  put(b, le, 8);
}

void hull_dbus_put_bool(struct hull_dbus_buf *b, bool v) { hull_dbus_put_u32(b, v ? 1 : 0); }

void hull_dbus_put_str(struct hull_dbus_buf *b, const char *s) {
  size_t n = strlen(s);
  hull_dbus_put_u32(b, (uint32_t)n);
  put(b, s, n + 1);
}

void hull_dbus_put_sig(struct hull_dbus_buf *b, const char *s) {
  size_t n = strlen(s);
  if (n > 255) n = 255; /* callers pass short constants */
  hull_dbus_put_u8(b, (uint8_t)n);
  put(b, s, n);
  hull_dbus_put_u8(b, 0);
}

size_t hull_dbus_array_begin(struct hull_dbus_buf *b, size_t elem_align) {
  hull_dbus_put_u32(b, 0);
  size_t mark = b->len - 4;
  hull_dbus_put_align(b, elem_align);
  return mark;
}

void hull_dbus_array_end(struct hull_dbus_buf *b, size_t mark, size_t elem_align) {
  /* The length counts from after the padding that follows it. */
  size_t start = (mark + 4 + elem_align - 1) / elem_align * elem_align;
  uint32_t n = (uint32_t)(b->len - start);
  uint8_t le[4] = {n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >> 24};
  memcpy(b->p + mark, le, 4);
}

static void prop_head(struct hull_dbus_buf *b, const char *name, const char *sig) {
  hull_dbus_put_align(b, 8);
  hull_dbus_put_str(b, name);
  hull_dbus_put_sig(b, sig);
}

void hull_dbus_prop_str(struct hull_dbus_buf *b, const char *name, const char *v) {
  prop_head(b, name, "s");
  hull_dbus_put_str(b, v);
}

void hull_dbus_prop_bool(struct hull_dbus_buf *b, const char *name, bool v) {
  prop_head(b, name, "b");
  hull_dbus_put_bool(b, v);
}

void hull_dbus_prop_u64(struct hull_dbus_buf *b, const char *name, uint64_t v) {
  prop_head(b, name, "t");
  hull_dbus_put_u64(b, v);
}

void hull_dbus_prop_au(struct hull_dbus_buf *b, const char *name, const uint32_t *v, size_t n) {
  prop_head(b, name, "au");
  size_t m = hull_dbus_array_begin(b, 4);
  for (size_t i = 0; i < n; i++) hull_dbus_put_u32(b, v[i]);
  hull_dbus_array_end(b, m, 4);
}

static void field(struct hull_dbus_buf *h, uint8_t code, const char *sig, const char *v) {
  hull_dbus_put_align(h, 8);
  hull_dbus_put_u8(h, code);
  hull_dbus_put_sig(h, sig);
  if (sig[0] == 'g') hull_dbus_put_sig(h, v);
  else hull_dbus_put_str(h, v);
}

void hull_dbus_msg_build(struct hull_dbus_buf *out, uint32_t serial, const struct hull_dbus_call *c,
                         const struct hull_dbus_buf *body) {
  size_t blen = body ? body->len : 0;
  out->len = 0;
  hull_dbus_put_u8(out, 'l');
  hull_dbus_put_u8(out, HULL_DBUS_METHOD_CALL);
  hull_dbus_put_u8(out, 0);
  hull_dbus_put_u8(out, 1);
  hull_dbus_put_u32(out, (uint32_t)blen);
  hull_dbus_put_u32(out, serial);
  size_t m = hull_dbus_array_begin(out, 8);
  field(out, 1, "o", c->path);
  if (c->iface) field(out, 2, "s", c->iface);
  field(out, 3, "s", c->member);
  if (c->dest) field(out, 6, "s", c->dest);
  if (c->sig && *c->sig) field(out, 8, "g", c->sig);
  /* Fields are 8-aligned structs: the length starts at offset 16. */
  uint32_t n = (uint32_t)(out->len - 16);
  uint8_t le[4] = {n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >> 24};
  memcpy(out->p + m, le, 4);
  hull_dbus_put_align(out, 8);
  if (blen) put(out, body->p, blen);
}

/* ---- reading ------------------------------------------------------------ */

static int short_read(struct hull_dbus_rd *r, size_t n, const char *what, struct hull_err **err) {
  return hull_err_set(err, EBADMSG, "D-Bus message: %s of %zu bytes at offset %zu runs past its end (%zu)",
                      what, n, r->pos, r->len);
}

static int align(struct hull_dbus_rd *r, size_t n, struct hull_err **err) {
  size_t pad = (n - r->pos % n) % n;
  if (pad > r->len - r->pos) return short_read(r, pad, "padding", err);
  for (size_t i = 0; i < pad; i++)
    if (r->p[r->pos + i] != 0)
      return hull_err_set(err, EBADMSG, "D-Bus message: non-zero padding at offset %zu", r->pos + i);
  r->pos += pad;
  return 0;
}

static int take(struct hull_dbus_rd *r, size_t al, size_t n, const uint8_t **out, const char *what,
                struct hull_err **err) {
  if (align(r, al, err) < 0) return -1;
  if (n > r->len - r->pos) return short_read(r, n, what, err);
  *out = r->p + r->pos;
  r->pos += n;
  return 0;
}

int hull_dbus_get_u8(struct hull_dbus_rd *r, uint8_t *v, struct hull_err **err) {
  const uint8_t *p = NULL;
  if (take(r, 1, 1, &p, "byte", err) < 0) return -1;
  *v = *p;
  return 0;
}

int hull_dbus_get_u32(struct hull_dbus_rd *r, uint32_t *v, struct hull_err **err) {
  const uint8_t *p = NULL;
  if (take(r, 4, 4, &p, "uint32", err) < 0) return -1;
  *v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
  return 0;
}

int hull_dbus_get_u64(struct hull_dbus_rd *r, uint64_t *v, struct hull_err **err) {
  const uint8_t *p = NULL;
  if (take(r, 8, 8, &p, "uint64", err) < 0) return -1;
  *v = 0;
  for (int i = 7; i >= 0; i--) *v = *v << 8 | p[i];
  return 0;
}

int hull_dbus_get_bool(struct hull_dbus_rd *r, bool *v, struct hull_err **err) {
  uint32_t u;
  if (hull_dbus_get_u32(r, &u, err) < 0) return -1;
  if (u > 1) return hull_err_set(err, EBADMSG, "D-Bus message: boolean %u is neither 0 nor 1", u);
  *v = u == 1;
  return 0;
}

static int check_text(const uint8_t *p, size_t n, const char *what, struct hull_err **err) {
  if (p[n] != 0) return hull_err_set(err, EBADMSG, "D-Bus message: %s not NUL-terminated", what);
  if (memchr(p, 0, n)) return hull_err_set(err, EBADMSG, "D-Bus message: %s holds a NUL byte", what);
  return 0;
}

int hull_dbus_get_str(struct hull_dbus_rd *r, const char **s, struct hull_err **err) {
  uint32_t n;
  const uint8_t *p = NULL;
  if (hull_dbus_get_u32(r, &n, err) < 0) return -1;
  if ((size_t)n >= r->len - r->pos) return short_read(r, (size_t)n + 1, "string", err);
  if (take(r, 1, (size_t)n + 1, &p, "string", err) < 0 || check_text(p, n, "string", err) < 0)
    return -1;
  *s = (const char *)p;
  return 0;
}

int hull_dbus_get_sig(struct hull_dbus_rd *r, const char **s, struct hull_err **err) {
  uint8_t n;
  const uint8_t *p = NULL;
  if (hull_dbus_get_u8(r, &n, err) < 0) return -1;
  if (take(r, 1, (size_t)n + 1, &p, "signature", err) < 0 || check_text(p, n, "signature", err) < 0)
    return -1;
  if (!hull_dbus_sig_valid((const char *)p))
    return hull_err_set(err, EBADMSG, "D-Bus message: invalid signature \"%s\"", (const char *)p);
  *s = (const char *)p;
  return 0;
}

static size_t align_of(char c) {
  switch (c) {
  case 'n': case 'q': return 2;
  case 'b': case 'i': case 'u': case 'h': case 's': case 'o': case 'a': return 4;
  case 'x': case 't': case 'd': case '(': case '{': return 8;
  default: return 1; /* y g v */
  }
}

static bool is_basic(char c) { return c && strchr("ybnqiuxtdhsog", c) != NULL; }

/* Advances *i over one complete type of sig; false when there is none. */
static bool sig_type(const char *sig, size_t *i, int depth) {
  if (depth > HULL_DBUS_MAX_DEPTH) return false;
  char c = sig[*i];
  if (is_basic(c) || c == 'v') {
    (*i)++;
    return true;
  }
  if (c == 'a') {
    (*i)++;
    if (sig[*i] == '{') {
      (*i)++;
      if (!is_basic(sig[*i])) return false;
      (*i)++;
      if (!sig_type(sig, i, depth + 1) || sig[*i] != '}') return false;
      (*i)++;
      return true;
    }
    return sig_type(sig, i, depth + 1);
  }
  if (c == '(') {
    (*i)++;
    if (sig[*i] == ')') return false;
    while (sig[*i] != ')')
      if (!sig_type(sig, i, depth + 1)) return false;
    (*i)++;
    return true;
  }
  return false;
}

bool hull_dbus_sig_valid(const char *sig) {
  size_t i = 0;
  if (strlen(sig) > 255) return false;
  while (sig[i])
    if (!sig_type(sig, &i, 0)) return false;
  return true;
}

static int skip_array(struct hull_dbus_rd *r, const char *sig, size_t *i, int depth,
                      struct hull_err **err) {
  uint32_t n;
  if (hull_dbus_get_u32(r, &n, err) < 0) return -1;
  if (n > (1u << 26)) return hull_err_set(err, EBADMSG, "D-Bus message: array of %u bytes", n);
  size_t elem = *i + 1;
  if (align(r, align_of(sig[elem]), err) < 0) return -1;
  if (n > r->len - r->pos) return short_read(r, n, "array", err);
  /* The whole array type ("a{sv}" too: its entries are no type alone). */
  size_t end = r->pos + n, after = *i;
  if (!sig_type(sig, &after, depth))
    return hull_err_set(err, EBADMSG, "D-Bus message: bad array element type in \"%s\"", sig);
  /* Elements read with a reader bounded by the array's end. */
  struct hull_dbus_rd sub = {r->p, end, r->pos};
  while (sub.pos < end) {
    size_t j = elem;
    if (sig[j] == '{') {
      j++;
      if (align(&sub, 8, err) < 0 || hull_dbus_skip(&sub, sig, &j, depth + 1, err) < 0 ||
          hull_dbus_skip(&sub, sig, &j, depth + 1, err) < 0)
        return -1;
    } else if (hull_dbus_skip(&sub, sig, &j, depth + 1, err) < 0) {
      return -1;
    }
  }
  r->pos = end;
  *i = after;
  return 0;
}

int hull_dbus_skip(struct hull_dbus_rd *r, const char *sig, size_t *i, int depth,
                   struct hull_err **err) {
  if (depth > HULL_DBUS_MAX_DEPTH)
    return hull_err_set(err, EBADMSG, "D-Bus message: nested deeper than %d", HULL_DBUS_MAX_DEPTH);
  const uint8_t *p = NULL;
  const char *s;
  char c = sig[*i];
  switch (c) {
  case 'y': (*i)++; return take(r, 1, 1, &p, "byte", err);
  case 'n': case 'q': (*i)++; return take(r, 2, 2, &p, "int16", err);
  case 'i': case 'u': case 'h': (*i)++; return take(r, 4, 4, &p, "int32", err);
  case 'x': case 't': case 'd': (*i)++; return take(r, 8, 8, &p, "int64", err);
  case 'b': {
    bool b;
    (*i)++;
    return hull_dbus_get_bool(r, &b, err);
  }
  case 's': case 'o': (*i)++; return hull_dbus_get_str(r, &s, err);
  case 'g': (*i)++; return hull_dbus_get_sig(r, &s, err);
  case 'v': {
    (*i)++;
    if (hull_dbus_get_sig(r, &s, err) < 0) return -1;
    size_t j = 0;
    if (s[0] == '\0' || hull_dbus_skip(r, s, &j, depth + 1, err) < 0) {
      if (s[0] == '\0') return hull_err_set(err, EBADMSG, "D-Bus message: empty variant");
      return -1;
    }
    if (s[j] != '\0')
      return hull_err_set(err, EBADMSG, "D-Bus message: variant signature \"%s\" holds more than one type", s);
    return 0;
  }
  case 'a': return skip_array(r, sig, i, depth, err);
  case '(':
    if (align(r, 8, err) < 0) return -1;
    (*i)++;
    while (sig[*i] != ')') {
      if (sig[*i] == '\0')
        return hull_err_set(err, EBADMSG, "D-Bus message: unterminated struct in \"%s\"", sig);
      if (hull_dbus_skip(r, sig, i, depth + 1, err) < 0) return -1;
    }
    (*i)++;
    return 0;
  default:
    return hull_err_set(err, EBADMSG, "D-Bus message: unexpected type '%c' in signature \"%s\"",
                        c ? c : '0', sig);
  }
}

/* ---- messages ----------------------------------------------------------- */

static uint32_t le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int hull_dbus_frame_len(const uint8_t *hdr, size_t n, size_t *total, struct hull_err **err) {
  if (n < 16) return hull_err_set(err, EBADMSG, "D-Bus message: header of %zu bytes, need 16", n);
  if (hdr[0] != 'l')
    return hull_err_set(err, EBADMSG, "D-Bus message: endianness '%c' (only little-endian 'l' is read)",
                        hdr[0] >= 0x20 && hdr[0] < 0x7f ? hdr[0] : '?');
  if (hdr[3] != 1) return hull_err_set(err, EBADMSG, "D-Bus message: protocol version %u", hdr[3]);
  uint64_t body = le32(hdr + 4), fields = le32(hdr + 12);
  uint64_t t = 16 + ((fields + 7) & ~(uint64_t)7) + body;
  if (t > HULL_DBUS_MAX_MSG)
    return hull_err_set(err, EMSGSIZE, "D-Bus message: %llu bytes, more than the %u accepted",
                        (unsigned long long)t, HULL_DBUS_MAX_MSG);
  *total = (size_t)t;
  return 0;
}

/* One header field: code, then a variant of the type the code requires. */
static int header_field(struct hull_dbus_rd *r, struct hull_dbus_msg *m, struct hull_err **err) {
  uint8_t code;
  const char *sig, *s;
  if (align(r, 8, err) < 0 || hull_dbus_get_u8(r, &code, err) < 0 ||
      hull_dbus_get_sig(r, &sig, err) < 0)
    return -1;
  static const char *const want[] = {NULL, "o", "s", "s", "s", "u", "s", "s", "g", "u"};
  if (code == 0 || code >= sizeof(want) / sizeof(want[0])) {
    size_t j = 0; /* unknown fields are skipped, as the spec says */
    if (sig[0] == '\0' || hull_dbus_skip(r, sig, &j, 1, err) < 0 || sig[j] != '\0')
      return hull_err_set(err, EBADMSG, "D-Bus message: bad header field %u", code);
    return 0;
  }
  if (strcmp(sig, want[code]) != 0)
    return hull_err_set(err, EBADMSG, "D-Bus message: header field %u has type \"%s\", not \"%s\"",
                        code, sig, want[code]);
  if (code == 5) {
    m->has_reply_serial = true;
    return hull_dbus_get_u32(r, &m->reply_serial, err);
  }
  if (code == 9) {
    uint32_t nfds;
    if (hull_dbus_get_u32(r, &nfds, err) < 0) return -1;
    return nfds ? hull_err_set(err, EBADMSG, "D-Bus message: carries %u fds (none negotiated)", nfds) : 0;
  }
  if ((code == 8 ? hull_dbus_get_sig(r, &s, err) : hull_dbus_get_str(r, &s, err)) < 0) return -1;
  const char **slot[] = {NULL, &m->path, &m->iface, &m->member, &m->error, NULL, &m->dest,
                         &m->sender, &m->sig};
  *slot[code] = s;
  return 0;
}

static int check_required(const struct hull_dbus_msg *m, struct hull_err **err) {
  switch (m->type) {
  case HULL_DBUS_METHOD_CALL:
    if (!m->path || !m->member) break;
    return 0;
  case HULL_DBUS_METHOD_RETURN:
    if (!m->has_reply_serial) break;
    return 0;
  case HULL_DBUS_ERROR:
    if (!m->has_reply_serial || !m->error) break;
    return 0;
  case HULL_DBUS_SIGNAL:
    if (!m->path || !m->iface || !m->member) break;
    return 0;
  default:
    return hull_err_set(err, EBADMSG, "D-Bus message: unknown type %u", m->type);
  }
  return hull_err_set(err, EBADMSG, "D-Bus message of type %u: a required header field is missing",
                      m->type);
}

int hull_dbus_msg_parse(uint8_t *raw, size_t len, struct hull_dbus_msg *m, struct hull_err **err) {
  *m = (struct hull_dbus_msg){.raw = raw, .len = len};
  size_t total;
  if (hull_dbus_frame_len(raw, len, &total, err) < 0) return -1;
  if (total != len)
    return hull_err_set(err, EBADMSG, "D-Bus message: %zu bytes, its header says %zu", len, total);
  m->type = raw[1];
  m->flags = raw[2];
  m->serial = le32(raw + 8);
  if (m->serial == 0) return hull_err_set(err, EBADMSG, "D-Bus message: serial 0");
  size_t fields_end = 16 + le32(raw + 12);
  struct hull_dbus_rd r = {raw, fields_end, 16};
  while (r.pos < fields_end)
    if (header_field(&r, m, err) < 0) return -1;
  r.len = len;
  if (align(&r, 8, err) < 0) return -1;
  m->body = raw + r.pos;
  m->body_len = len - r.pos;
  if (m->body_len != le32(raw + 4))
    return hull_err_set(err, EBADMSG, "D-Bus message: body length mismatch");
  if (m->body_len && (m->sig == NULL || m->sig[0] == '\0'))
    return hull_err_set(err, EBADMSG, "D-Bus message: a body without a signature");
  return check_required(m, err);
}

void hull_dbus_msg_free(struct hull_dbus_msg *m) {
  free(m->raw);
  *m = (struct hull_dbus_msg){0};
}

int hull_dbus_body(const struct hull_dbus_msg *m, const char *sig, struct hull_dbus_rd *r,
                   struct hull_err **err) {
  const char *have = m->sig ? m->sig : "";
  if (strcmp(have, sig) != 0)
    return hull_err_set(err, EBADMSG, "D-Bus reply%s%s: signature \"%s\", expected \"%s\"",
                        m->member ? " " : "", m->member ? m->member : "", have, sig);
  /* Offsets from the body start: it begins 8-aligned in the message. */
  *r = (struct hull_dbus_rd){m->body, m->body_len, 0};
  return 0;
}

char *hull_dbus_error_text(const struct hull_dbus_msg *m) {
  const char *text = "";
  struct hull_dbus_rd r;
  if (m->sig && m->sig[0] == 's') {
    r = (struct hull_dbus_rd){m->body, m->body_len, 0};
    if (hull_dbus_get_str(&r, &text, NULL) < 0) text = "";
  }
  return hull_xasprintf("%s%s%s", m->error ? m->error : "error", *text ? ": " : "", text);
}

char *hull_dbus_auth_line(uid_t uid) {
  char dec[24], hex[64] = "";
  snprintf(dec, sizeof(dec), "%u", (unsigned)uid);
  for (size_t i = 0; dec[i]; i++) snprintf(hex + 2 * i, 3, "%02x", (unsigned char)dec[i]);
  return hull_xasprintf("AUTH EXTERNAL %s\r\n", hex);
}

char *hull_dbus_address_path(const char *address) {
  if (address == NULL) return NULL;
  /* Several addresses separated by ';': the first unix:path= one. */
  _cleanup_free_ char *copy = hull_xstrdup(address);
  char *save = NULL;
  for (char *a = strtok_r(copy, ";", &save); a; a = strtok_r(NULL, ";", &save)) {
    if (!hull_str_has_prefix(a, "unix:")) continue;
    char *s2 = NULL;
    for (char *kv = strtok_r(a + 5, ",", &s2); kv; kv = strtok_r(NULL, ",", &s2))
      if (hull_str_has_prefix(kv, "path=") && kv[5] == '/' && !strchr(kv, '%'))
        return hull_xstrdup(kv + 5);
  }
  return NULL;
}
