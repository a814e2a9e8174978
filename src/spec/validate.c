/* spec/: checks across fields, done once the whole config is read, so that a
 * config the runtime could only half apply is refused before anything is
 * created on the host. Modelled on what runc refuses. */
#include "spec/internal.h"

#include <string.h>

static const struct hull_namespace *ns_of(const struct hull_spec *s, enum hull_ns_type t) {
  return hull_spec_namespace(s, t);
}

/* A sysctl is only settable inside a namespace of its own kind: net.* needs
 * a network namespace, IPC ones an IPC namespace, the UTS names a UTS one. */
static int check_sysctl(struct pctx *c, const struct hull_spec *s, const char *key) {
  static const char *const ipc[] = {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
                                    "kernel.sem", "kernel.shmall", "kernel.shmmax",
                                    "kernel.shmmni", "kernel.shm_rmid_forced", NULL};
  enum hull_ns_type need = HULL_NS_NTYPES;
  if (hull_str_has_prefix(key, "net.")) need = HULL_NS_NET;
  else if (hull_str_has_prefix(key, "fs.mqueue.")) need = HULL_NS_IPC;
  else if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0)
    need = HULL_NS_UTS;
  for (size_t i = 0; ipc[i]; i++)
    if (strcmp(key, ipc[i]) == 0) need = HULL_NS_IPC;
  if (need == HULL_NS_NTYPES)
    return pctx_fail(c, "sysctl \"%s\" is not namespaced: it would change the host", key);
  if (ns_of(s, need) == NULL)
    return pctx_fail(c, "sysctl \"%s\" needs a %s namespace", key, hull_ns_type_name(need));
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
  if ((l->time_offsets[0].present || l->time_offsets[1].present) &&
      ns_of(s, HULL_NS_TIME) == NULL)
    return pctx_fail_key(c, "timeOffsets", "set without a time namespace");
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
  if (!s->has_linux) return 0; /* non-Linux configs: nothing more to say */
  if (s->hostname && s->hostname[0] && ns_of(s, HULL_NS_UTS) == NULL)
    return pctx_fail_key(c, "hostname", "set without a UTS namespace");
  if (s->domainname && s->domainname[0] && ns_of(s, HULL_NS_UTS) == NULL)
    return pctx_fail_key(c, "domainname", "set without a UTS namespace");
  return check_linux(c, s);
}
