/* spec/: the "linux" object, except resources and seccomp (own files). */
#include "spec/internal.h"

#include <linux/mempolicy.h>
#include <string.h>
#include <sys/stat.h>

static int parse_namespaces(struct pctx *c, yajl_val obj, struct hull_linux *l) {
  yajl_val a;
  if (jarr(c, obj, "namespaces", &a) < 0) return -1;
  if (a == NULL) return 0;
  l->namespaces = hull_xcalloc(a->u.array.len + 1, sizeof(*l->namespaces));
  size_t old = pctx_key(c, "namespaces");
  for (size_t i = 0; i < a->u.array.len; i++) {
    yajl_val v = a->u.array.values[i];
    struct hull_namespace *ns = &l->namespaces[i];
    _cleanup_free_ char *type = NULL;
    size_t o2 = pctx_index(c, i);
    l->n_namespaces = i + 1;
    if (vobj(c, v) < 0 || jstr_req(c, v, "type", &type) < 0 ||
        jstr(c, v, "path", &ns->path) < 0)
      return -1;
    int t = hull_ns_type_from_name(type);
    if (t < 0) return pctx_fail_key(c, "type", "unknown namespace type \"%s\"", type);
    ns->type = (enum hull_ns_type)t;
    for (size_t j = 0; j < i; j++)
      if (l->namespaces[j].type == ns->type)
        return pctx_fail(c, "duplicate namespace \"%s\"", type);
    if (ns->path && ns->path[0] != '/')
      return pctx_fail_key(c, "path", "must be absolute, got \"%s\"", ns->path);
    pctx_pop(c, o2);
  }
  pctx_pop(c, old);
  return 0;
}

static int parse_time_offsets(struct pctx *c, yajl_val obj, struct hull_linux *l) {
  yajl_val m;
  if (jobj(c, obj, "timeOffsets", &m) < 0) return -1;
  if (m == NULL) return 0;
  size_t old = pctx_key(c, "timeOffsets");
  for (size_t i = 0; i < m->u.object.len; i++) {
    const char *clock = m->u.object.keys[i];
    yajl_val v = m->u.object.values[i];
    int k = strcmp(clock, "monotonic") == 0 ? 0 : strcmp(clock, "boottime") == 0 ? 1 : -1;
    if (k < 0) return pctx_fail(c, "unknown clock \"%s\" (want monotonic or boottime)", clock);
    struct hull_time_offset *t = &l->time_offsets[k];
    size_t o2 = pctx_key(c, clock);
    uint64_t ns = 0;
    if (vobj(c, v) < 0 || jint(c, v, "secs", INT64_MIN, INT64_MAX, &t->secs, NULL) < 0 ||
        juint(c, v, "nanosecs", 999999999, &ns, NULL) < 0)
      return -1;
    t->nanosecs = (uint32_t)ns;
    t->present = true;
    pctx_pop(c, o2);
  }
  pctx_pop(c, old);
  return 0;
}

/* podman (like Docker) copies the host node's whole st_mode into fileMode,
 * type bits included (020666 for a char device); runc and crun take it.
 * Type bits are accepted when they name the device's own type and dropped:
 * file_mode keeps the permission bits only. */
static int device_file_mode(struct pctx *c, struct hull_device *d) {
  if (!d->has_file_mode) return 0;
  uint32_t fmt = d->file_mode & S_IFMT;
  uint32_t want = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
  if ((d->file_mode & ~(uint32_t)(S_IFMT | 07777)) != 0 || (fmt != 0 && fmt != want))
    return pctx_fail_key(c, "fileMode", "%o has bits beyond 07777 (and not the file type of "
                         "a type %c device)", d->file_mode, d->type);
  d->file_mode &= 07777;
  return 0;
}

static int parse_device(struct pctx *c, yajl_val v, struct hull_device *d) {
  _cleanup_free_ char *type = NULL;
  if (vobj(c, v) < 0 || jstr_req(c, v, "path", &d->path) < 0 ||
      jstr_req(c, v, "type", &type) < 0)
    return -1;
  if (d->path[0] != '/') return pctx_fail_key(c, "path", "must be absolute, got \"%s\"", d->path);
  if (strlen(type) != 1 || strchr("cbup", type[0]) == NULL)
    return pctx_fail_key(c, "type", "unknown device type \"%s\" (want c, b, u or p)", type);
  d->type = type[0];
  bool has_major, has_minor;
  if (jint(c, v, "major", 0, INT64_MAX, &d->major, &has_major) < 0 ||
      jint(c, v, "minor", 0, INT64_MAX, &d->minor, &has_minor) < 0)
    return -1;
  if (d->type != 'p' && !has_major) return pctx_fail_key(c, "major", "required for type %c", d->type);
  if (d->type != 'p' && !has_minor) return pctx_fail_key(c, "minor", "required for type %c", d->type);
  if (ju32(c, v, "fileMode", &d->file_mode, &d->has_file_mode) < 0 ||
      ju32(c, v, "uid", &d->uid, &d->has_uid) < 0 || ju32(c, v, "gid", &d->gid, &d->has_gid) < 0)
    return -1;
  return device_file_mode(c, d);
}

static int parse_devices(struct pctx *c, yajl_val obj, struct hull_linux *l) {
  yajl_val a;
  if (jarr(c, obj, "devices", &a) < 0) return -1;
  if (a == NULL) return 0;
  l->devices = hull_xcalloc(a->u.array.len + 1, sizeof(*l->devices));
  l->n_devices = a->u.array.len;
  size_t old = pctx_key(c, "devices");
  for (size_t i = 0; i < a->u.array.len; i++) {
    size_t o2 = pctx_index(c, i);
    if (parse_device(c, a->u.array.values[i], &l->devices[i]) < 0) return -1;
    pctx_pop(c, o2);
  }
  pctx_pop(c, old);
  return 0;
}

/* Interface names: what the kernel takes (IFNAMSIZ - 1 bytes, no '/',
 * no whitespace, not "." or ".."). */
static bool valid_ifname(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > 15 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0) return false;
  return strpbrk(s, "/: \t\n") == NULL;
}

static int parse_net_devices(struct pctx *c, yajl_val obj, struct hull_linux *l) {
  yajl_val m;
  if (jobj(c, obj, "netDevices", &m) < 0) return -1;
  if (m == NULL) return 0;
  size_t n = m->u.object.len;
  l->net_devices = hull_xcalloc(n + 1, sizeof(*l->net_devices));
  size_t old = pctx_key(c, "netDevices");
  for (size_t i = 0; i < n; i++) {
    if (key_repeated_later(m, i)) continue;
    struct hull_net_device *d = &l->net_devices[l->n_net_devices++];
    d->host_name = hull_xstrdup(m->u.object.keys[i]);
    size_t o2 = pctx_mapkey(c, d->host_name);
    if (!valid_ifname(d->host_name)) return pctx_fail(c, "invalid interface name");
    yajl_val v = m->u.object.values[i];
    if (v && !YAJL_IS_NULL(v) && (vobj(c, v) < 0 || jstr(c, v, "name", &d->name) < 0))
      return -1;
    if (d->name && !valid_ifname(d->name))
      return pctx_fail_key(c, "name", "invalid interface name \"%s\"", d->name);
    pctx_pop(c, o2);
  }
  pctx_pop(c, old);
  return 0;
}

static int parse_intel_rdt(struct pctx *c, yajl_val obj, struct hull_intel_rdt *r) {
  yajl_val v;
  if (jobj(c, obj, "intelRdt", &v) < 0) return -1;
  if (v == NULL) return 0;
  r->present = true;
  size_t old = pctx_key(c, "intelRdt");
  if (jstr(c, v, "closID", &r->clos_id) < 0 ||
      jstr(c, v, "l3CacheSchema", &r->l3_cache_schema) < 0 ||
      jstr(c, v, "memBwSchema", &r->mem_bw_schema) < 0 ||
      jstrv(c, v, "schemata", &r->schemata) < 0 ||
      jbool(c, v, "enableCMT", &r->enable_cmt, NULL) < 0 ||
      jbool(c, v, "enableMBM", &r->enable_mbm, NULL) < 0 ||
      jbool(c, v, "enableMonitoring", &r->enable_monitoring, NULL) < 0)
    return -1;
  if (r->mem_bw_schema && (!hull_str_has_prefix(r->mem_bw_schema, "MB:") ||
                           strchr(r->mem_bw_schema, '\n')))
    return pctx_fail_key(c, "memBwSchema", "must start with \"MB:\" and be one line");
  if (r->clos_id && (strchr(r->clos_id, '/') || strcmp(r->clos_id, ".") == 0 ||
                     strcmp(r->clos_id, "..") == 0))
    return pctx_fail_key(c, "closID", "invalid name \"%s\"", r->clos_id);
  pctx_pop(c, old);
  return 0;
}

static int parse_personality(struct pctx *c, yajl_val obj, struct hull_personality *p) {
  yajl_val v;
  if (jobj(c, obj, "personality", &v) < 0) return -1;
  if (v == NULL) return 0;
  p->present = true;
  size_t old = pctx_key(c, "personality");
  int64_t ignored;
  if (jstr_req(c, v, "domain", &p->domain) < 0) return -1;
  size_t o2 = pctx_key(c, "domain");
  if (enum_lookup(c, personality_domains, "personality domain", p->domain, &ignored) < 0)
    return -1;
  pctx_pop(c, o2);
  if (jstrv(c, v, "flags", &p->flags) < 0) return -1;
  /* runtime-spec 1.3 defines no flag values yet: any one is unknown. */
  if (p->flags && p->flags[0]) {
    pctx_key(c, "flags");
    pctx_index(c, 0);
    return pctx_fail(c, "unknown personality flag \"%s\"", p->flags[0]);
  }
  pctx_pop(c, old);
  return 0;
}

/* What set_mempolicy(2) would refuse with EINVAL, said before anything runs. */
static int check_mempolicy(struct pctx *c, struct hull_memory_policy *m, int64_t flags) {
  bool has_nodes = m->nodes && m->nodes[strspn(m->nodes, " ")] != '\0';
  const char *mode = NULL;
  for (const struct enum_entry *e = mpol_modes; e->name; e++)
    if (e->value == m->mode) mode = e->name;
  if ((m->mode == MPOL_DEFAULT || m->mode == MPOL_LOCAL) && has_nodes)
    return pctx_fail_key(c, "nodes", "must be empty with %s", mode);
  if (m->mode != MPOL_DEFAULT && m->mode != MPOL_LOCAL && m->mode != MPOL_PREFERRED &&
      !has_nodes)
    return pctx_fail_key(c, "nodes", "required with %s", mode);
  if ((flags & MPOL_F_STATIC_NODES) && (flags & MPOL_F_RELATIVE_NODES))
    return pctx_fail_key(c, "flags",
                         "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other");
  return 0;
}

static int parse_mempolicy(struct pctx *c, yajl_val obj, struct hull_memory_policy *m) {
  yajl_val v;
  if (jobj(c, obj, "memoryPolicy", &v) < 0) return -1;
  if (v == NULL) return 0;
  m->present = true;
  size_t old = pctx_key(c, "memoryPolicy");
  _cleanup_free_ char *mode = NULL;
  int64_t x;
  if (jstr_req(c, v, "mode", &mode) < 0) return -1;
  size_t o2 = pctx_key(c, "mode");
  if (enum_lookup(c, mpol_modes, "memory policy mode", mode, &x) < 0) return -1;
  pctx_pop(c, o2);
  m->mode = (int)x;
  if (jidlist(c, v, "nodes", "memory node", &m->nodes) < 0 ||
      jstrv(c, v, "flags", &m->flags) < 0)
    return -1;
  int64_t all = 0;
  for (size_t i = 0; m->flags && m->flags[i]; i++) {
    o2 = pctx_key(c, "flags");
    pctx_index(c, i);
    if (enum_lookup(c, mpol_flags, "memory policy flag", m->flags[i], &x) < 0) return -1;
    all |= x;
    pctx_pop(c, o2);
  }
  if (check_mempolicy(c, m, all) < 0) return -1;
  pctx_pop(c, old);
  return 0;
}

static int abs_paths(struct pctx *c, yajl_val obj, const char *key, char ***out) {
  if (jstrv(c, obj, key, out) < 0) return -1;
  for (size_t i = 0; *out && (*out)[i]; i++)
    if ((*out)[i][0] != '/') {
      pctx_key(c, key);
      pctx_index(c, i);
      return pctx_fail(c, "must be absolute, got \"%s\"", (*out)[i]);
    }
  return 0;
}

static int parse_linux_more(struct pctx *c, yajl_val v, struct hull_linux *l) {
  yajl_val sub;
  if (jobj(c, v, "resources", &sub) < 0) return -1;
  if (sub) {
    size_t old = pctx_key(c, "resources");
    l->has_resources = true;
    if (parse_resources(c, sub, &l->resources) < 0) return -1;
    pctx_pop(c, old);
  }
  if (jobj(c, v, "seccomp", &sub) < 0) return -1;
  if (sub) {
    size_t old = pctx_key(c, "seccomp");
    if (parse_seccomp(c, sub, &l->seccomp) < 0) return -1;
    pctx_pop(c, old);
  }
  if (jstr(c, v, "rootfsPropagation", &l->rootfs_propagation) < 0) return -1;
  if (l->rootfs_propagation) {
    int64_t ignored;
    size_t old = pctx_key(c, "rootfsPropagation");
    if (enum_lookup(c, propagations, "propagation", l->rootfs_propagation, &ignored) < 0)
      return -1;
    pctx_pop(c, old);
  }
  return 0;
}

int parse_linux(struct pctx *c, yajl_val v, struct hull_linux *l) {
  if (vobj(c, v) < 0) return -1;
  if (parse_namespaces(c, v, l) < 0 ||
      id_mappings(c, v, "uidMappings", &l->uid_mappings, &l->n_uid_mappings) < 0 ||
      id_mappings(c, v, "gidMappings", &l->gid_mappings, &l->n_gid_mappings) < 0 ||
      parse_time_offsets(c, v, l) < 0 || parse_devices(c, v, l) < 0 ||
      parse_net_devices(c, v, l) < 0 || jstr(c, v, "cgroupsPath", &l->cgroups_path) < 0 ||
      parse_intel_rdt(c, v, &l->intel_rdt) < 0 ||
      jkv(c, v, "sysctl", &l->sysctl, &l->n_sysctl) < 0 || parse_linux_more(c, v, l) < 0 ||
      abs_paths(c, v, "maskedPaths", &l->masked_paths) < 0 ||
      abs_paths(c, v, "readonlyPaths", &l->readonly_paths) < 0 ||
      jstr(c, v, "mountLabel", &l->mount_label) < 0 ||
      parse_personality(c, v, &l->personality) < 0 ||
      parse_mempolicy(c, v, &l->memory_policy) < 0)
    return -1;
  return 0;
}

static void seccomp_clear(struct hull_seccomp *s) {
  free(s->default_action_name);
  hull_strv_free(s->architectures);
  hull_strv_free(s->flags);
  free(s->listener_path);
  free(s->listener_metadata);
  for (size_t i = 0; i < s->n_syscalls; i++) {
    hull_strv_free(s->syscalls[i].names);
    free(s->syscalls[i].action_name);
    free(s->syscalls[i].args);
  }
  free(s->syscalls);
}

void linux_clear(struct hull_linux *l) {
  for (size_t i = 0; i < l->n_namespaces; i++) free(l->namespaces[i].path);
  free(l->namespaces);
  free(l->uid_mappings);
  free(l->gid_mappings);
  for (size_t i = 0; i < l->n_devices; i++) free(l->devices[i].path);
  free(l->devices);
  for (size_t i = 0; i < l->n_net_devices; i++) {
    free(l->net_devices[i].host_name);
    free(l->net_devices[i].name);
  }
  free(l->net_devices);
  free(l->cgroups_path);
  resources_clear(&l->resources);
  free(l->intel_rdt.clos_id);
  free(l->intel_rdt.l3_cache_schema);
  free(l->intel_rdt.mem_bw_schema);
  hull_strv_free(l->intel_rdt.schemata);
  kv_free(l->sysctl, l->n_sysctl);
  seccomp_clear(&l->seccomp);
  free(l->rootfs_propagation);
  hull_strv_free(l->masked_paths);
  hull_strv_free(l->readonly_paths);
  free(l->mount_label);
  free(l->personality.domain);
  hull_strv_free(l->personality.flags);
  free(l->memory_policy.nodes);
  hull_strv_free(l->memory_policy.flags);
  memset(l, 0, sizeof(*l));
}
