/* spec/: linux.seccomp. Actions become SCMP_ACT_* values (errno/trace data
 * left at 0: errnoRet travels beside them), operators enum scmp_compare. */
#include "spec/internal.h"

#include <seccomp.h>
#include <string.h>

/* Actions that carry a 16-bit value (the errno, or the tracer's message). */
static bool takes_data(uint32_t action) {
  return action == SCMP_ACT_ERRNO(0) || action == SCMP_ACT_TRACE(0);
}

/* The action's data is 16 bits wide (SCMP_ACT_ERRNO(x) keeps x & 0xffff):
 * a larger value would silently become another errno. */
static int errno_ret(struct pctx *c, yajl_val obj, const char *key, uint32_t *out, bool *has) {
  uint64_t x = 0;
  if (juint(c, obj, key, UINT16_MAX, &x, has) < 0) return -1;
  *out = (uint32_t)x;
  return 0;
}

static int enum_str(struct pctx *c, yajl_val obj, const char *key, bool req,
                    const struct enum_entry *table, const char *what, char **name,
                    int64_t *value) {
  if (req && jget(obj, key) == NULL) return pctx_fail_key(c, key, "required");
  if (jstr(c, obj, key, name) < 0) return -1;
  if (*name == NULL) return 0;
  size_t old = pctx_key(c, key);
  int r = enum_lookup(c, table, what, *name, value);
  pctx_pop(c, old);
  return r;
}

/* A vector of enum names, each checked against table. */
static int enum_strv(struct pctx *c, yajl_val obj, const char *key,
                     const struct enum_entry *table, const char *what, char ***out) {
  if (jstrv(c, obj, key, out) < 0) return -1;
  for (size_t i = 0; *out && (*out)[i]; i++) {
    int64_t ignored;
    size_t old = pctx_key(c, key);
    pctx_index(c, i);
    if (enum_lookup(c, table, what, (*out)[i], &ignored) < 0) return -1;
    pctx_pop(c, old);
  }
  return 0;
}

static int parse_arg(struct pctx *c, yajl_val v, struct hull_syscall_arg *a) {
  if (vobj(c, v) < 0) return -1;
  uint64_t index;
  if (jget(v, "index") == NULL) return pctx_fail_key(c, "index", "required");
  if (jget(v, "value") == NULL) return pctx_fail_key(c, "value", "required");
  _cleanup_free_ char *op = NULL;
  int64_t opv = 0;
  if (juint(c, v, "index", 5, &index, NULL) < 0 ||
      juint(c, v, "value", UINT64_MAX, &a->value, NULL) < 0 ||
      juint(c, v, "valueTwo", UINT64_MAX, &a->value_two, NULL) < 0 ||
      enum_str(c, v, "op", true, seccomp_ops, "seccomp operator", &op, &opv) < 0)
    return -1;
  a->index = (unsigned)index;
  a->op = (int)opv;
  return 0;
}

static int parse_rule(struct pctx *c, yajl_val v, struct hull_syscall_rule *s) {
  if (vobj(c, v) < 0) return -1;
  if (jget(v, "names") == NULL) return pctx_fail_key(c, "names", "required");
  if (jstrv(c, v, "names", &s->names) < 0) return -1;
  if (s->names[0] == NULL) return pctx_fail_key(c, "names", "must not be empty");
  for (size_t i = 0; s->names[i]; i++)
    if (s->names[i][0] == '\0') {
      pctx_key(c, "names");
      pctx_index(c, i);
      return pctx_fail(c, "empty syscall name");
    }
  int64_t act = 0;
  if (enum_str(c, v, "action", true, seccomp_actions, "seccomp action", &s->action_name,
               &act) < 0 ||
      errno_ret(c, v, "errnoRet", &s->errno_ret, &s->has_errno_ret) < 0)
    return -1;
  s->action = (uint32_t)act;
  if (s->has_errno_ret && !takes_data(s->action))
    return pctx_fail_key(c, "errnoRet", "only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not %s",
                         s->action_name);
  yajl_val a;
  if (jarr(c, v, "args", &a) < 0) return -1;
  if (a == NULL) return 0;
  s->args = hull_xcalloc(a->u.array.len + 1, sizeof(*s->args));
  s->n_args = a->u.array.len;
  size_t old = pctx_key(c, "args");
  for (size_t i = 0; i < a->u.array.len; i++) {
    size_t o2 = pctx_index(c, i);
    if (parse_arg(c, a->u.array.values[i], &s->args[i]) < 0) return -1;
    pctx_pop(c, o2);
  }
  pctx_pop(c, old);
  return 0;
}

static int parse_rules(struct pctx *c, yajl_val obj, struct hull_seccomp *s) {
  yajl_val a;
  if (jarr(c, obj, "syscalls", &a) < 0) return -1;
  if (a == NULL) return 0;
  s->syscalls = hull_xcalloc(a->u.array.len + 1, sizeof(*s->syscalls));
  s->n_syscalls = a->u.array.len;
  size_t old = pctx_key(c, "syscalls");
  for (size_t i = 0; i < a->u.array.len; i++) {
    size_t o2 = pctx_index(c, i);
    if (parse_rule(c, a->u.array.values[i], &s->syscalls[i]) < 0) return -1;
    pctx_pop(c, o2);
  }
  pctx_pop(c, old);
  return 0;
}

int parse_seccomp(struct pctx *c, yajl_val v, struct hull_seccomp *s) {
  if (vobj(c, v) < 0) return -1;
  s->present = true;
  int64_t act = 0;
  if (enum_str(c, v, "defaultAction", true, seccomp_actions, "seccomp action",
               &s->default_action_name, &act) < 0 ||
      errno_ret(c, v, "defaultErrnoRet", &s->default_errno_ret, &s->has_default_errno_ret) < 0 ||
      enum_strv(c, v, "architectures", seccomp_archs, "seccomp architecture",
                &s->architectures) < 0 ||
      enum_strv(c, v, "flags", seccomp_flags, "seccomp flag", &s->flags) < 0 ||
      jstr(c, v, "listenerPath", &s->listener_path) < 0 ||
      jstr(c, v, "listenerMetadata", &s->listener_metadata) < 0 || parse_rules(c, v, s) < 0)
    return -1;
  s->default_action = (uint32_t)act;
  if (s->has_default_errno_ret && !takes_data(s->default_action))
    return pctx_fail_key(c, "defaultErrnoRet",
                         "only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not %s",
                         s->default_action_name);
  if (s->listener_path && s->listener_path[0] != '/')
    return pctx_fail_key(c, "listenerPath", "must be absolute, got \"%s\"", s->listener_path);
  if (s->listener_metadata && s->listener_path == NULL)
    return pctx_fail_key(c, "listenerMetadata", "set without listenerPath");
  /* A notifying filter with nobody listening would hang those syscalls. */
  if (s->default_action == SCMP_ACT_NOTIFY)
    return pctx_fail_key(c, "defaultAction", "SCMP_ACT_NOTIFY cannot be the default action");
  for (size_t i = 0; i < s->n_syscalls; i++)
    if (s->syscalls[i].action == SCMP_ACT_NOTIFY && s->listener_path == NULL) {
      pctx_key(c, "syscalls");
      pctx_index(c, i);
      return pctx_fail_key(c, "action", "SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath");
    }
  return 0;
}
