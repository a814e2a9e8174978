/* spec/: linux.resources (config.json and `update --resources`). */
#include "spec/internal.h"

#include <string.h>

/* Iterates an array member: for each element, path[i] is pushed. i and o
 * are the names of the loop's variables, which cannot be parenthesized. */
// NOLINTBEGIN(bugprone-macro-parentheses)
#define FOR_EACH_ELEM(c, arr, i, o)                                          \
  for (size_t i = 0, o = 0; (arr) && i < (arr)->u.array.len &&            \
                            ((o = pctx_index((c), i)), 1);                  \
       pctx_pop((c), o), i++)
// NOLINTEND(bugprone-macro-parentheses)

static int parse_device_rule(struct pctx *c, yajl_val v, struct hull_device_rule *d) {
  _cleanup_free_ char *type = NULL, *access = NULL;
  if (vobj(c, v) < 0) return -1;
  if (jget(v, "allow") == NULL) return pctx_fail_key(c, "allow", "required");
  bool have;
  if (jbool(c, v, "allow", &d->allow, NULL) < 0 || jstr(c, v, "type", &type) < 0 ||
      jint(c, v, "major", -1, INT64_MAX, &d->major, &have) < 0)
    return -1;
  if (!have) d->major = -1;
  if (jint(c, v, "minor", -1, INT64_MAX, &d->minor, &have) < 0) return -1;
  if (!have) d->minor = -1;
  d->type = 'a';
  if (type) {
    if (strlen(type) != 1 || strchr("acb", type[0]) == NULL)
      return pctx_fail_key(c, "type", "unknown device type \"%s\" (want a, c or b)", type);
    d->type = type[0];
  }
  if (jstr(c, v, "access", &access) < 0) return -1;
  if (access == NULL || access[0] == '\0') {
    strcpy(d->access, "rwm");
    return 0;
  }
  /* Normalised to the order r, w, m; each letter at most once. */
  bool seen[3] = {false, false, false};
  for (const char *p = access; *p; p++) {
    const char *at = strchr("rwm", *p);
    if (at == NULL || *p == '\0' || seen[at - "rwm"])
      return pctx_fail_key(c, "access", "invalid access \"%s\" (want a subset of \"rwm\")",
                           access);
    seen[at - "rwm"] = true;
  }
  size_t n = 0;
  for (int k = 0; k < 3; k++)
    if (seen[k]) d->access[n++] = "rwm"[k];
  d->access[n] = '\0';
  return 0;
}

static int parse_device_rules(struct pctx *c, yajl_val obj, struct hull_resources *r) {
  yajl_val a;
  if (jarr(c, obj, "devices", &a) < 0) return -1;
  if (a == NULL) return 0;
  r->devices = hull_xcalloc(a->u.array.len + 1, sizeof(*r->devices));
  r->n_devices = a->u.array.len;
  size_t old = pctx_key(c, "devices");
  FOR_EACH_ELEM(c, a, i, o) {
    if (parse_device_rule(c, a->u.array.values[i], &r->devices[i]) < 0) return -1;
  }
  pctx_pop(c, old);
  return 0;
}

static int parse_memory(struct pctx *c, yajl_val obj, struct hull_resources *r) {
  yajl_val v;
  if (jobj(c, obj, "memory", &v) < 0) return -1;
  if (v == NULL) return 0;
  size_t old = pctx_key(c, "memory");
  /* Bytes, or -1 for no limit: another negative is no limit either on
   * cgroup v2 (written as "max") but an EINVAL on v1 and with runc, so
   * it is refused on both (containerd's Tasks.Update with -5 found it). */
  if (jint(c, v, "limit", -1, INT64_MAX, &r->memory.limit, &r->memory.has_limit) < 0 ||
      jint(c, v, "reservation", -1, INT64_MAX, &r->memory.reservation,
           &r->memory.has_reservation) < 0 ||
      jint(c, v, "swap", -1, INT64_MAX, &r->memory.swap, &r->memory.has_swap) < 0 ||
      jint(c, v, "kernel", INT64_MIN, INT64_MAX, &r->memory.kernel, &r->memory.has_kernel) < 0 ||
      jint(c, v, "kernelTCP", INT64_MIN, INT64_MAX, &r->memory.kernel_tcp,
           &r->memory.has_kernel_tcp) < 0 ||
      juint(c, v, "swappiness", 100, &r->memory.swappiness, &r->memory.has_swappiness) < 0 ||
      jbool(c, v, "disableOOMKiller", &r->memory.disable_oom_killer,
            &r->memory.has_disable_oom_killer) < 0 ||
      jbool(c, v, "useHierarchy", &r->memory.use_hierarchy, &r->memory.has_use_hierarchy) < 0 ||
      jbool(c, v, "checkBeforeUpdate", &r->memory.check_before_update,
            &r->memory.has_check_before_update) < 0)
    return -1;
  pctx_pop(c, old);
  return 0;
}

static int parse_cpu(struct pctx *c, yajl_val obj, struct hull_resources *r) {
  yajl_val v;
  if (jobj(c, obj, "cpu", &v) < 0) return -1;
  if (v == NULL) return 0;
  size_t old = pctx_key(c, "cpu");
  if (juint(c, v, "shares", UINT64_MAX, &r->cpu.shares, &r->cpu.has_shares) < 0 ||
      jint(c, v, "quota", INT64_MIN, INT64_MAX, &r->cpu.quota, &r->cpu.has_quota) < 0 ||
      juint(c, v, "burst", UINT64_MAX, &r->cpu.burst, &r->cpu.has_burst) < 0 ||
      juint(c, v, "period", UINT64_MAX, &r->cpu.period, &r->cpu.has_period) < 0 ||
      jint(c, v, "realtimeRuntime", INT64_MIN, INT64_MAX, &r->cpu.realtime_runtime,
           &r->cpu.has_realtime_runtime) < 0 ||
      juint(c, v, "realtimePeriod", UINT64_MAX, &r->cpu.realtime_period,
            &r->cpu.has_realtime_period) < 0 ||
      jint(c, v, "idle", INT64_MIN, INT64_MAX, &r->cpu.idle, &r->cpu.has_idle) < 0 ||
      jidlist(c, v, "cpus", "CPU", &r->cpu.cpus) < 0 ||
      jidlist(c, v, "mems", "memory node", &r->cpu.mems) < 0)
    return -1;
  pctx_pop(c, old);
  return 0;
}

static int parse_pids(struct pctx *c, yajl_val obj, struct hull_resources *r) {
  yajl_val v;
  if (jobj(c, obj, "pids", &v) < 0) return -1;
  if (v == NULL) return 0;
  size_t old = pctx_key(c, "pids");
  if (jget(v, "limit") == NULL) return pctx_fail_key(c, "limit", "required");
  if (jint(c, v, "limit", INT64_MIN, INT64_MAX, &r->pids.limit, &r->pids.has_limit) < 0)
    return -1;
  pctx_pop(c, old);
  return 0;
}

static int major_minor(struct pctx *c, yajl_val v, int64_t *major, int64_t *minor) {
  if (vobj(c, v) < 0) return -1;
  if (jget(v, "major") == NULL) return pctx_fail_key(c, "major", "required");
  if (jget(v, "minor") == NULL) return pctx_fail_key(c, "minor", "required");
  return jint(c, v, "major", 0, INT64_MAX, major, NULL) < 0 ||
                 jint(c, v, "minor", 0, INT64_MAX, minor, NULL) < 0
             ? -1
             : 0;
}

static int weight16(struct pctx *c, yajl_val v, const char *key, uint16_t *out, bool *has) {
  uint64_t x = 0;
  if (juint(c, v, key, UINT16_MAX, &x, has) < 0) return -1;
  *out = (uint16_t)x;
  return 0;
}

static const char *const throttle_keys[4] = {
    [HULL_THROTTLE_READ_BPS] = "throttleReadBpsDevice",
    [HULL_THROTTLE_WRITE_BPS] = "throttleWriteBpsDevice",
    [HULL_THROTTLE_READ_IOPS] = "throttleReadIOPSDevice",
    [HULL_THROTTLE_WRITE_IOPS] = "throttleWriteIOPSDevice",
};

static int parse_throttle(struct pctx *c, yajl_val obj, int k, struct hull_resources *r) {
  yajl_val a;
  if (jarr(c, obj, throttle_keys[k], &a) < 0) return -1;
  if (a == NULL) return 0;
  struct hull_throttle_device *t = hull_xcalloc(a->u.array.len + 1, sizeof(*t));
  r->block_io.throttle[k] = t;
  r->block_io.n_throttle[k] = a->u.array.len;
  size_t old = pctx_key(c, throttle_keys[k]);
  FOR_EACH_ELEM(c, a, i, o) {
    yajl_val d = a->u.array.values[i];
    if (major_minor(c, d, &t[i].major, &t[i].minor) < 0) return -1;
    if (jget(d, "rate") == NULL) return pctx_fail_key(c, "rate", "required");
    if (juint(c, d, "rate", UINT64_MAX, &t[i].rate, NULL) < 0) return -1;
  }
  pctx_pop(c, old);
  return 0;
}

static int parse_block_io(struct pctx *c, yajl_val obj, struct hull_resources *r) {
  yajl_val v, a;
  if (jobj(c, obj, "blockIO", &v) < 0) return -1;
  if (v == NULL) return 0;
  size_t old = pctx_key(c, "blockIO");
  if (weight16(c, v, "weight", &r->block_io.weight, &r->block_io.has_weight) < 0 ||
      weight16(c, v, "leafWeight", &r->block_io.leaf_weight, &r->block_io.has_leaf_weight) < 0 ||
      jarr(c, v, "weightDevice", &a) < 0)
    return -1;
  if (a) {
    struct hull_weight_device *w = hull_xcalloc(a->u.array.len + 1, sizeof(*w));
    r->block_io.weight_devices = w;
    r->block_io.n_weight_devices = a->u.array.len;
    size_t o2 = pctx_key(c, "weightDevice");
    FOR_EACH_ELEM(c, a, i, o) {
      yajl_val d = a->u.array.values[i];
      if (major_minor(c, d, &w[i].major, &w[i].minor) < 0 ||
          weight16(c, d, "weight", &w[i].weight, &w[i].has_weight) < 0 ||
          weight16(c, d, "leafWeight", &w[i].leaf_weight, &w[i].has_leaf_weight) < 0)
        return -1;
    }
    pctx_pop(c, o2);
  }
  for (int k = 0; k < 4; k++)
    if (parse_throttle(c, v, k, r) < 0) return -1;
  pctx_pop(c, old);
  return 0;
}

/* "2MB", "64KB", "1GB": the schema's ^[1-9][0-9]*[KMG]B$. */
static bool valid_page_size(const char *s) {
  if (s[0] < '1' || s[0] > '9') return false;
  size_t n = strspn(s, "0123456789");
  return (s[n] == 'K' || s[n] == 'M' || s[n] == 'G') && s[n + 1] == 'B' && s[n + 2] == '\0';
}

static int parse_hugepages(struct pctx *c, yajl_val obj, struct hull_resources *r) {
  yajl_val a;
  if (jarr(c, obj, "hugepageLimits", &a) < 0) return -1;
  if (a == NULL) return 0;
  struct hull_hugepage_limit *h = hull_xcalloc(a->u.array.len + 1, sizeof(*h));
  r->hugepage_limits = h;
  r->n_hugepage_limits = a->u.array.len;
  size_t old = pctx_key(c, "hugepageLimits");
  FOR_EACH_ELEM(c, a, i, o) {
    yajl_val d = a->u.array.values[i];
    if (vobj(c, d) < 0 || jstr_req(c, d, "pageSize", &h[i].page_size) < 0) return -1;
    if (!valid_page_size(h[i].page_size))
      return pctx_fail_key(c, "pageSize", "invalid page size \"%s\" (want e.g. \"2MB\")",
                           h[i].page_size);
    if (jget(d, "limit") == NULL) return pctx_fail_key(c, "limit", "required");
    if (juint(c, d, "limit", UINT64_MAX, &h[i].limit, NULL) < 0) return -1;
  }
  pctx_pop(c, old);
  return 0;
}

static int parse_network(struct pctx *c, yajl_val obj, struct hull_resources *r) {
  yajl_val v, a;
  if (jobj(c, obj, "network", &v) < 0) return -1;
  if (v == NULL) return 0;
  size_t old = pctx_key(c, "network");
  if (ju32(c, v, "classID", &r->network.class_id, &r->network.has_class_id) < 0 ||
      jarr(c, v, "priorities", &a) < 0)
    return -1;
  if (a) {
    struct hull_net_priority *p = hull_xcalloc(a->u.array.len + 1, sizeof(*p));
    r->network.priorities = p;
    r->network.n_priorities = a->u.array.len;
    size_t o2 = pctx_key(c, "priorities");
    FOR_EACH_ELEM(c, a, i, o) {
      yajl_val d = a->u.array.values[i];
      if (vobj(c, d) < 0 || jstr_req(c, d, "name", &p[i].name) < 0 ||
          ju32_req(c, d, "priority", &p[i].priority) < 0)
        return -1;
    }
    pctx_pop(c, o2);
  }
  pctx_pop(c, old);
  return 0;
}

static int parse_rdma(struct pctx *c, yajl_val obj, struct hull_resources *r) {
  yajl_val m;
  if (jobj(c, obj, "rdma", &m) < 0) return -1;
  if (m == NULL) return 0;
  size_t n = m->u.object.len;
  r->rdma = hull_xcalloc(n + 1, sizeof(*r->rdma));
  size_t old = pctx_key(c, "rdma");
  for (size_t i = 0; i < n; i++) {
    if (key_repeated_later(m, i)) continue;
    struct hull_rdma_limit *l = &r->rdma[r->n_rdma++];
    yajl_val d = m->u.object.values[i];
    l->device = hull_xstrdup(m->u.object.keys[i]);
    size_t o2 = pctx_mapkey(c, l->device);
    if (d == NULL || YAJL_IS_NULL(d)) { /* {"dev": null}: no limits */
      pctx_pop(c, o2);
      continue;
    }
    if (vobj(c, d) < 0 || ju32(c, d, "hcaHandles", &l->hca_handles, &l->has_hca_handles) < 0 ||
        ju32(c, d, "hcaObjects", &l->hca_objects, &l->has_hca_objects) < 0)
      return -1;
    pctx_pop(c, o2);
  }
  pctx_pop(c, old);
  return 0;
}

int parse_resources(struct pctx *c, yajl_val v, struct hull_resources *r) {
  if (vobj(c, v) < 0) return -1;
  return parse_device_rules(c, v, r) < 0 || parse_memory(c, v, r) < 0 ||
                 parse_cpu(c, v, r) < 0 || parse_pids(c, v, r) < 0 ||
                 parse_block_io(c, v, r) < 0 || parse_hugepages(c, v, r) < 0 ||
                 parse_network(c, v, r) < 0 || parse_rdma(c, v, r) < 0 ||
                 jkv(c, v, "unified", &r->unified, &r->n_unified) < 0
             ? -1
             : 0;
}

void resources_clear(struct hull_resources *r) {
  if (r == NULL) return;
  free(r->devices);
  free(r->cpu.cpus);
  free(r->cpu.mems);
  free(r->block_io.weight_devices);
  for (int k = 0; k < 4; k++) free(r->block_io.throttle[k]);
  for (size_t i = 0; i < r->n_hugepage_limits; i++) free(r->hugepage_limits[i].page_size);
  free(r->hugepage_limits);
  for (size_t i = 0; i < r->network.n_priorities; i++) free(r->network.priorities[i].name);
  free(r->network.priorities);
  for (size_t i = 0; i < r->n_rdma; i++) free(r->rdma[i].device);
  free(r->rdma);
  kv_free(r->unified, r->n_unified);
  memset(r, 0, sizeof(*r));
}

struct hull_resources *hull_resources_parse(const char *json, size_t len,
                                            struct hull_err **err) {
  struct json_doc *doc = json_parse_text(json, len, "resources", err);
  if (doc == NULL) return NULL;
  struct pctx c;
  pctx_init(&c, "resources", err);
  struct hull_resources *r = hull_xcalloc(1, sizeof(*r));
  int rc = parse_resources(&c, json_doc_root(doc), r);
  json_doc_free(doc);
  if (rc < 0) {
    hull_resources_free(r);
    return NULL;
  }
  return r;
}

void hull_resources_free(struct hull_resources *r) {
  resources_clear(r);
  free(r);
}
