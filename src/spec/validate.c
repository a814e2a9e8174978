/* spec/: checks across fields, done once the whole config is read, so that a
 * config the runtime could only half apply is refused before anything is
 * created on the host. Modelled on what runc refuses. */
#include "spec/internal.h"

#include <string.h>

static const struct hull_namespace *ns_of(const struct hull_spec *s, enum hull_ns_type t) {
  return hull_spec_namespace(s, t);
}

/* sysctl(8) syntax: "a.b.c", or "a/b/c" when a component holds a dot
 * ("net/ipv4/conf/eth0.100/forwarding"). Components are never empty, "."
 * or "..", so the /proc/sys path built from a key cannot leave /proc/sys. */
static bool sysctl_key_ok(const char *key, char sep) {
  const char *p = key;
  for (;;) {
    size_t n = strcspn(p, sep == '/' ? "/" : ".");
    if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
      return false;
    if (p[n] == '\0') return true;
    p += n + 1;
  }
}

/* A sysctl is only settable inside a namespace of its own kind: net.* needs
 * a network namespace, IPC ones an IPC namespace, the UTS names a UTS one.
 * Anything else is host-wide and refused, as runc does. */
static int check_sysctl(struct pctx *c, const struct hull_spec *s, const char *key) {
  static const char *const ipc[] = {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
                                    "kernel.sem", "kernel.shmall", "kernel.shmmax",
                                    "kernel.shmmni", "kernel.shm_rmid_forced", NULL};
  char sep = strchr(key, '/') ? '/' : '.';
  if (!sysctl_key_ok(key, sep)) return pctx_fail(c, "invalid sysctl name \"%s\"", key);
  /* Compare in dotted form; only the first components matter here. */
  _cleanup_free_ char *dotted = hull_xstrdup(key);
  if (sep == '/')
    for (char *p = dotted; *p; p++) *p = (char)(*p == '/' ? '.' : *p == '.' ? '/' : *p);
  enum hull_ns_type need = HULL_NS_NTYPES;
  if (hull_str_has_prefix(dotted, "net.")) need = HULL_NS_NET;
  else if (hull_str_has_prefix(dotted, "fs.mqueue.")) need = HULL_NS_IPC;
  else if (strcmp(dotted, "kernel.hostname") == 0 || strcmp(dotted, "kernel.domainname") == 0)
    need = HULL_NS_UTS;
  for (size_t i = 0; ipc[i]; i++)
    if (strcmp(dotted, ipc[i]) == 0) need = HULL_NS_IPC;
  if (need == HULL_NS_NTYPES)
    return pctx_fail(c, "sysctl \"%s\" is not namespaced: it would change the host", key);
  if (ns_of(s, need) == NULL)
    return pctx_fail(c, "sysctl \"%s\" needs a %s namespace", key, hull_ns_type_name(need));
  return 0;
}

/* cgroupsPath is joined under the cgroup mount: ".." would climb out of it. */
static bool has_dotdot(const char *path) {
  for (const char *p = path; (p = strstr(p, "..")) != NULL; p += 2)
    if ((p == path || p[-1] == '/' || p[-1] == ':') && (p[2] == '\0' || p[2] == '/' || p[2] == ':'))
      return true;
  return false;
}

static int check_resources(struct pctx *c, const struct hull_resources *r) {
  size_t old = pctx_key(c, "resources");
  if (r->cpu.has_burst && r->cpu.has_quota && r->cpu.quota > 0 &&
      r->cpu.burst > (uint64_t)r->cpu.quota)
    return pctx_fail(c, "cpu.burst %llu exceeds cpu.quota %lld",
                     (unsigned long long)r->cpu.burst, (long long)r->cpu.quota);
  /* cgroup v1 semantics: swap is memory+swap, so it cannot be below limit. */
  if (r->memory.has_swap && r->memory.has_limit && r->memory.swap > 0 && r->memory.limit > 0 &&
      r->memory.swap < r->memory.limit)
    return pctx_fail(c, "memory.swap %lld is below memory.limit %lld (swap counts memory + swap)",
                     (long long)r->memory.swap, (long long)r->memory.limit);
  pctx_pop(c, old);
  return 0;
}

static int check_linux(struct pctx *c, const struct hull_spec *s) {
  const struct hull_linux *l = &s->linux_;
  const struct hull_namespace *user = ns_of(s, HULL_NS_USER);
  size_t old = pctx_key(c, "linux");
  if (user == NULL && (l->n_uid_mappings || l->n_gid_mappings))
    return pctx_fail_key(c, l->n_uid_mappings ? "uidMappings" : "gidMappings",
                         "set without a user namespace");
  if (user && user->path == NULL && (!l->n_uid_mappings || !l->n_gid_mappings))
    return pctx_fail_key(c, l->n_uid_mappings ? "gidMappings" : "uidMappings",
                         "required with a new user namespace");
  const struct hull_namespace *timens = ns_of(s, HULL_NS_TIME);
  bool offsets = l->time_offsets[0].present || l->time_offsets[1].present;
  if (offsets && timens == NULL)
    return pctx_fail_key(c, "timeOffsets", "set without a time namespace");
  /* Offsets can only be written before the first process enters a new one. */
  if (offsets && timens->path)
    return pctx_fail_key(c, "timeOffsets", "cannot be set when joining a time namespace");
  if (l->cgroups_path && has_dotdot(l->cgroups_path))
    return pctx_fail_key(c, "cgroupsPath", "must not contain \"..\", got \"%s\"",
                         l->cgroups_path);
  if (l->has_resources && check_resources(c, &l->resources) < 0) return -1;
  for (size_t i = 0; i < l->n_sysctl; i++) {
    size_t o2 = pctx_key(c, "sysctl");
    pctx_mapkey(c, l->sysctl[i].key);
    if (check_sysctl(c, s, l->sysctl[i].key) < 0) return -1;
    pctx_pop(c, o2);
  }
  pctx_pop(c, old);
  return 0;
}

int validate_spec(struct pctx *c, const struct hull_spec *s) {
  /* The kernel's limit (HOST_NAME_MAX, __NEW_UTS_LEN). */
  if (s->hostname && strlen(s->hostname) > 64)
    return pctx_fail_key(c, "hostname", "longer than 64 bytes");
  if (s->domainname && strlen(s->domainname) > 64)
    return pctx_fail_key(c, "domainname", "longer than 64 bytes");
  if (!s->has_linux) return 0; /* non-Linux configs: nothing more to say */
  if (s->hostname && s->hostname[0] && ns_of(s, HULL_NS_UTS) == NULL)
    return pctx_fail_key(c, "hostname", "set without a UTS namespace");
  if (s->domainname && s->domainname[0] && ns_of(s, HULL_NS_UTS) == NULL)
    return pctx_fail_key(c, "domainname", "set without a UTS namespace");
  return check_linux(c, s);
}
