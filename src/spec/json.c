/* spec/: JSON path tracking and typed readers over the yajl tree. Every
 * reader reports "path: expected T, got U" or a range error naming the path. */
#include "spec/internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void pctx_init(struct pctx *c, const char *root, struct hull_err **err) {
  c->err = err;
  c->len = 0;
  c->path[0] = '\0';
  if (root) pctx_key(c, root);
}

/* Appends raw bytes, truncating quietly: a path is for people. Pushes happen
 * for every field read, so this avoids printf on the hot path. */
static void append(struct pctx *c, const char *s, size_t n) {
  size_t room = sizeof(c->path) - 1 - c->len;
  if (n > room) n = room;
  memcpy(c->path + c->len, s, n);
  c->len += n;
  c->path[c->len] = '\0';
}

size_t pctx_key(struct pctx *c, const char *key) {
  size_t old = c->len;
  if (c->len) append(c, ".", 1);
  append(c, key, strlen(key));
  return old;
}

size_t pctx_mapkey(struct pctx *c, const char *key) {
  size_t old = c->len;
  append(c, "[\"", 2);
  append(c, key, strlen(key));
  append(c, "\"]", 2);
  return old;
}

size_t pctx_index(struct pctx *c, size_t i) {
  size_t old = c->len;
  char buf[24];
  char *p = buf + sizeof(buf);
  *--p = ']';
  do {
    *--p = (char)('0' + i % 10);
    i /= 10;
  } while (i);
  *--p = '[';
  append(c, p, (size_t)(buf + sizeof(buf) - p));
  return old;
}

void pctx_pop(struct pctx *c, size_t old) {
  c->len = old;
  c->path[old] = '\0';
}

__attribute__((format(printf, 2, 0)))
static int failv(struct pctx *c, const char *fmt, va_list ap) {
  char *msg = NULL;
  if (vasprintf(&msg, fmt, ap) < 0) abort();
  if (c->len)
    hull_err_set(c->err, 0, "%s: %s", c->path, msg);
  else
    hull_err_set(c->err, 0, "%s", msg);
  free(msg);
  return -1;
}

int pctx_fail(struct pctx *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  failv(c, fmt, ap);
  va_end(ap);
  return -1;
}

int pctx_fail_key(struct pctx *c, const char *key, const char *fmt, ...) {
  size_t old = pctx_key(c, key);
  va_list ap;
  va_start(ap, fmt);
  failv(c, fmt, ap);
  va_end(ap);
  pctx_pop(c, old);
  return -1;
}

/* Integers keep their own name: "expected integer, got number" for 1.5. */
static bool raw_is_integer(const char *raw) {
  return raw && strpbrk(raw, ".eE") == NULL;
}

const char *json_type_name(yajl_val v) {
  if (v == NULL || YAJL_IS_NULL(v)) return "null";
  if (YAJL_IS_STRING(v)) return "string";
  if (YAJL_IS_NUMBER(v)) return raw_is_integer(YAJL_GET_NUMBER(v)) ? "integer" : "number";
  if (YAJL_IS_OBJECT(v)) return "object";
  if (YAJL_IS_ARRAY(v)) return "array";
  if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) return "boolean";
  return "unknown";
}

/* A repeated key: the last one wins, as with Go's encoding/json, so hull
 * reads a config the way runc, containerd and podman read it. */
yajl_val jget(yajl_val obj, const char *key) {
  if (obj == NULL || !YAJL_IS_OBJECT(obj)) return NULL;
  for (size_t i = obj->u.object.len; i-- > 0;)
    if (strcmp(obj->u.object.keys[i], key) == 0) {
      yajl_val v = obj->u.object.values[i];
      return (v == NULL || YAJL_IS_NULL(v)) ? NULL : v;
    }
  return NULL;
}

int vstr(struct pctx *c, yajl_val v, char **out) {
  if (!YAJL_IS_STRING(v)) return pctx_fail(c, "expected string, got %s", json_type_name(v));
  free(*out);
  *out = hull_xstrdup(YAJL_GET_STRING(v));
  return 0;
}

int vobj(struct pctx *c, yajl_val v) {
  if (!YAJL_IS_OBJECT(v)) return pctx_fail(c, "expected object, got %s", json_type_name(v));
  return 0;
}

int vint(struct pctx *c, yajl_val v, int64_t min, int64_t max, int64_t *out) {
  if (!YAJL_IS_NUMBER(v) || !raw_is_integer(YAJL_GET_NUMBER(v)))
    return pctx_fail(c, "expected integer, got %s", json_type_name(v));
  const char *raw = YAJL_GET_NUMBER(v);
  int64_t x;
  if (hull_parse_int64(raw, &x) < 0 || x < min || x > max)
    return pctx_fail(c, "%s out of range [%" PRId64 ", %" PRId64 "]", raw, min, max);
  *out = x;
  return 0;
}

int vuint(struct pctx *c, yajl_val v, uint64_t max, uint64_t *out) {
  if (!YAJL_IS_NUMBER(v) || !raw_is_integer(YAJL_GET_NUMBER(v)))
    return pctx_fail(c, "expected integer, got %s", json_type_name(v));
  const char *raw = YAJL_GET_NUMBER(v);
  uint64_t x;
  if (hull_parse_uint64(raw, &x) < 0 || x > max)
    return pctx_fail(c, "%s out of range [0, %" PRIu64 "]", raw, max);
  *out = x;
  return 0;
}

/* Runs a value check with key pushed on the path. */
#define WITH_KEY(c, key, expr)           \
  ({                                     \
    size_t old_ = pctx_key((c), (key));  \
    int r_ = (expr);                     \
    pctx_pop((c), old_);                 \
    r_;                                  \
  })

int jstr(struct pctx *c, yajl_val obj, const char *key, char **out) {
  yajl_val v = jget(obj, key);
  if (v == NULL) return 0;
  return WITH_KEY(c, key, vstr(c, v, out));
}

int jstr_req(struct pctx *c, yajl_val obj, const char *key, char **out) {
  if (jget(obj, key) == NULL) return pctx_fail_key(c, key, "required");
  return jstr(c, obj, key, out);
}

int jbool(struct pctx *c, yajl_val obj, const char *key, bool *out, bool *present) {
  yajl_val v = jget(obj, key);
  if (present) *present = v != NULL;
  if (v == NULL) return 0;
  if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
    return pctx_fail_key(c, key, "expected boolean, got %s", json_type_name(v));
  *out = YAJL_IS_TRUE(v);
  return 0;
}

int jint(struct pctx *c, yajl_val obj, const char *key, int64_t min, int64_t max,
         int64_t *out, bool *present) {
  yajl_val v = jget(obj, key);
  if (present) *present = v != NULL;
  if (v == NULL) return 0;
  return WITH_KEY(c, key, vint(c, v, min, max, out));
}

int juint(struct pctx *c, yajl_val obj, const char *key, uint64_t max, uint64_t *out,
          bool *present) {
  yajl_val v = jget(obj, key);
  if (present) *present = v != NULL;
  if (v == NULL) return 0;
  return WITH_KEY(c, key, vuint(c, v, max, out));
}

int ju32(struct pctx *c, yajl_val obj, const char *key, uint32_t *out, bool *present) {
  uint64_t x;
  bool have = false;
  if (juint(c, obj, key, UINT32_MAX, &x, &have) < 0) return -1;
  if (present) *present = have;
  if (have) *out = (uint32_t)x;
  return 0;
}

int ju32_req(struct pctx *c, yajl_val obj, const char *key, uint32_t *out) {
  if (jget(obj, key) == NULL) return pctx_fail_key(c, key, "required");
  return ju32(c, obj, key, out, NULL);
}

int jobj(struct pctx *c, yajl_val obj, const char *key, yajl_val *out) {
  yajl_val v = jget(obj, key);
  *out = NULL;
  if (v == NULL) return 0;
  if (!YAJL_IS_OBJECT(v))
    return pctx_fail_key(c, key, "expected object, got %s", json_type_name(v));
  *out = v;
  return 0;
}

int jarr(struct pctx *c, yajl_val obj, const char *key, yajl_val *out) {
  yajl_val v = jget(obj, key);
  *out = NULL;
  if (v == NULL) return 0;
  if (!YAJL_IS_ARRAY(v))
    return pctx_fail_key(c, key, "expected array, got %s", json_type_name(v));
  *out = v;
  return 0;
}

int jstrv(struct pctx *c, yajl_val obj, const char *key, char ***out) {
  yajl_val a;
  if (jarr(c, obj, key, &a) < 0) return -1;
  if (a == NULL) return 0;
  size_t n = a->u.array.len;
  char **v = hull_xcalloc(n + 1, sizeof(char *));
  for (size_t i = 0; i < n; i++) {
    yajl_val s = a->u.array.values[i];
    if (!YAJL_IS_STRING(s)) {
      size_t old = pctx_key(c, key);
      pctx_index(c, i);
      pctx_fail(c, "expected string, got %s", json_type_name(s));
      pctx_pop(c, old);
      hull_strv_free(v);
      return -1;
    }
    v[i] = hull_xstrdup(YAJL_GET_STRING(s));
  }
  hull_strv_free(*out);
  *out = v;
  return 0;
}

void kv_free(struct hull_kv *kv, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(kv[i].key);
    free(kv[i].value);
  }
  free(kv);
}

bool key_repeated_later(yajl_val obj, size_t i) {
  for (size_t j = i + 1; j < obj->u.object.len; j++)
    if (strcmp(obj->u.object.keys[i], obj->u.object.keys[j]) == 0) return true;
  return false;
}

int jkv(struct pctx *c, yajl_val obj, const char *key, struct hull_kv **out, size_t *n) {
  yajl_val m;
  if (jobj(c, obj, key, &m) < 0) return -1;
  if (m == NULL) return 0;
  size_t len = m->u.object.len, k = 0;
  struct hull_kv *kv = hull_xcalloc(len ? len : 1, sizeof(*kv));
  size_t old = pctx_key(c, key);
  for (size_t i = 0; i < len; i++) {
    yajl_val v = m->u.object.values[i];
    if (key_repeated_later(m, i)) continue;
    if (!YAJL_IS_STRING(v)) {
      pctx_mapkey(c, m->u.object.keys[i]);
      pctx_fail(c, "expected string, got %s", json_type_name(v));
      pctx_pop(c, old);
      kv_free(kv, k);
      return -1;
    }
    kv[k].key = hull_xstrdup(m->u.object.keys[i]);
    kv[k++].value = hull_xstrdup(YAJL_GET_STRING(v));
  }
  pctx_pop(c, old);
  kv_free(*out, *n);
  *out = kv;
  *n = k;
  return 0;
}

static int one_mapping(struct pctx *c, yajl_val v, struct hull_id_mapping *m) {
  if (vobj(c, v) < 0) return -1;
  if (ju32_req(c, v, "containerID", &m->container_id) < 0 ||
      ju32_req(c, v, "hostID", &m->host_id) < 0 || ju32_req(c, v, "size", &m->size) < 0)
    return -1;
  if (m->size == 0) return pctx_fail_key(c, "size", "must be greater than 0");
  /* The kernel takes IDs up to 2^32 - 2 (-1 is "no ID"). */
  if ((uint64_t)m->container_id + m->size > UINT32_MAX)
    return pctx_fail(c, "containerID %u + size %u runs past the largest ID", m->container_id,
                     m->size);
  if ((uint64_t)m->host_id + m->size > UINT32_MAX)
    return pctx_fail(c, "hostID %u + size %u runs past the largest ID", m->host_id, m->size);
  return 0;
}

static bool overlap(uint32_t a, uint32_t b, uint32_t size_a, uint32_t size_b) {
  return (uint64_t)a < (uint64_t)b + size_b && (uint64_t)b < (uint64_t)a + size_a;
}

/* The kernel refuses overlapping ranges on either side when the map is
 * written; say which entries clash before anything is created. */
static int check_overlaps(struct pctx *c, const struct hull_id_mapping *m, size_t i) {
  for (size_t j = 0; j < i; j++) {
    if (overlap(m[i].container_id, m[j].container_id, m[i].size, m[j].size))
      return pctx_fail(c, "container IDs overlap entry %zu", j);
    if (overlap(m[i].host_id, m[j].host_id, m[i].size, m[j].size))
      return pctx_fail(c, "host IDs overlap entry %zu", j);
  }
  return 0;
}

int id_mappings(struct pctx *c, yajl_val obj, const char *key,
                struct hull_id_mapping **out, size_t *n) {
  yajl_val a;
  if (jarr(c, obj, key, &a) < 0) return -1;
  if (a == NULL) return 0;
  size_t len = a->u.array.len;
  if (len > 340) /* the kernel's limit on uid_map/gid_map lines */
    return pctx_fail_key(c, key, "%zu entries, the kernel takes at most 340", len);
  struct hull_id_mapping *m = hull_xcalloc(len ? len : 1, sizeof(*m));
  size_t old = pctx_key(c, key);
  for (size_t i = 0; i < len; i++) {
    size_t o2 = pctx_index(c, i);
    if (one_mapping(c, a->u.array.values[i], &m[i]) < 0 || check_overlaps(c, m, i) < 0) {
      pctx_pop(c, old);
      free(m);
      return -1;
    }
    pctx_pop(c, o2);
  }
  pctx_pop(c, old);
  free(*out);
  *out = m;
  *n = len;
  return 0;
}

/* "0-3,7" (cpuset and nodemask lists): numbers and ascending ranges joined
 * by commas, spaces allowed around them. Returns NULL or a reason. */
static const char *id_list_error(const char *s) {
  const char *p = s;
  bool first = true;
  for (;;) {
    while (*p == ' ') p++;
    if (*p == '\0') return first ? NULL : "trailing comma";
    uint64_t a = 0, b;
    if (*p < '0' || *p > '9') return "expected a number";
    while (*p >= '0' && *p <= '9' && a <= 65535) a = a * 10 + (uint64_t)(*p++ - '0');
    b = a;
    while (*p == ' ') p++;
    if (*p == '-') {
      p++;
      while (*p == ' ') p++;
      if (*p < '0' || *p > '9') return "expected a number after '-'";
      b = 0;
      while (*p >= '0' && *p <= '9' && b <= 65535) b = b * 10 + (uint64_t)(*p++ - '0');
      while (*p == ' ') p++;
    }
    if (a > 65535 || b > 65535) return "number above 65535";
    if (a > b) return "descending range";
    first = false;
    if (*p == '\0') return NULL;
    if (*p++ != ',') return "unexpected character";
  }
}

int jidlist(struct pctx *c, yajl_val obj, const char *key, const char *what, char **out) {
  if (jstr(c, obj, key, out) < 0) return -1;
  const char *why = *out ? id_list_error(*out) : NULL;
  if (why) return pctx_fail_key(c, key, "invalid %s list \"%s\": %s", what, *out, why);
  return 0;
}
