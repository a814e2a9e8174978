/* Seccomp profile -> BPF with libseccomp, in the parent. The result is a
 * plain program the child loads with one seccomp(2) call. Unknown syscall
 * names are skipped (as runc does: profiles list syscalls of newer
 * kernels); everything else that is wrong is an error naming the field. */
#include "security/seccomp_int.h"

#include <errno.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>

static void ctx_releasep(scmp_filter_ctx *c) {
  if (*c) seccomp_release(*c);
}

/* The action with its data: errnoRet for ERRNO (default EPERM) and the
 * message for TRACE, as runc does. */
static int resolve_action(uint32_t action, bool has_ret, uint32_t ret, const char *field,
                          uint32_t *out, struct hull_err **err) {
  switch (action) {
  case SCMP_ACT_ERRNO(0):
    *out = SCMP_ACT_ERRNO(has_ret ? ret : EPERM);
    return 0;
  case SCMP_ACT_TRACE(0):
    *out = SCMP_ACT_TRACE(has_ret ? ret : EPERM);
    return 0;
  case SCMP_ACT_KILL_PROCESS:
  case SCMP_ACT_KILL_THREAD:
  case SCMP_ACT_TRAP:
  case SCMP_ACT_LOG:
  case SCMP_ACT_ALLOW:
  case SCMP_ACT_NOTIFY:
    if (has_ret)
      return hull_err_set(err, 0, "%s: errnoRet is only valid with SCMP_ACT_ERRNO and SCMP_ACT_TRACE", field);
    *out = action;
    return 0;
  default:
    return hull_err_set(err, 0, "%s: unknown action %#x", field, action);
  }
}

/* As runc: conditions on different arguments must all match (one rule);
 * but when an argument index appears more than once, every condition
 * becomes a rule of its own (any may match), as Docker's profiles expect. */
static int add_rule(scmp_filter_ctx ctx, const struct hull_syscall_rule *r, uint32_t act,
                    int nr, const char *name, const char *field, struct hull_err **err) {
  unsigned count[6] = {0};
  bool repeated = false;
  struct scmp_arg_cmp conds[64];
  if (r->n_args > sizeof(conds) / sizeof(conds[0]))
    return hull_err_set(err, 0, "%s.args: too many conditions (%zu)", field, r->n_args);
  for (size_t i = 0; i < r->n_args; i++) {
    const struct hull_syscall_arg *a = &r->args[i];
    if (a->index > 5)
      return hull_err_set(err, 0, "%s.args: index %u is out of range (0..5)", field, a->index);
    if (a->op < SCMP_CMP_NE || a->op > SCMP_CMP_MASKED_EQ)
      return hull_err_set(err, 0, "%s.args: unknown operator %d", field, a->op);
    repeated |= ++count[a->index] > 1;
    conds[i] = (struct scmp_arg_cmp){a->index, (enum scmp_compare)a->op, a->value, a->value_two};
  }
  if (!repeated) {
    int rc = seccomp_rule_add_array(ctx, act, nr, (unsigned)r->n_args, conds);
    if (rc < 0) return hull_err_set(err, -rc, "%s: seccomp_rule_add(%s)", field, name);
    return 0;
  }
  for (size_t i = 0; i < r->n_args; i++) {
    int rc = seccomp_rule_add_array(ctx, act, nr, 1, &conds[i]);
    if (rc < 0) return hull_err_set(err, -rc, "%s: seccomp_rule_add(%s)", field, name);
  }
  return 0;
}

static int add_rules(scmp_filter_ctx ctx, const struct hull_seccomp *sc, uint32_t def,
                     bool *notify, struct hull_err **err) {
  for (size_t i = 0; i < sc->n_syscalls; i++) {
    const struct hull_syscall_rule *r = &sc->syscalls[i];
    char field[64];
    snprintf(field, sizeof(field), "linux.seccomp.syscalls[%zu]", i);
    uint32_t act = 0;
    if (resolve_action(r->action, r->has_errno_ret, r->errno_ret, field, &act, err) < 0) return -1;
    if (act == def) continue; /* libseccomp refuses it; it changes nothing */
    for (size_t j = 0; r->names && r->names[j]; j++) {
      const char *name = r->names[j];
      if (act == SCMP_ACT_NOTIFY && (strcmp(name, "write") == 0 || strcmp(name, "sendmsg") == 0))
        return hull_err_set(err, 0, "%s: SCMP_ACT_NOTIFY cannot be used for %s (hull needs it to hand over the listener)",
                            field, name);
      int nr = seccomp_syscall_resolve_name(name);
      if (nr == __NR_SCMP_ERROR) {
        hull_debug("seccomp: skipping unknown syscall %s", name);
        continue;
      }
      if (add_rule(ctx, r, act, nr, name, field, err) < 0) return -1;
      if (act == SCMP_ACT_NOTIFY) *notify = true;
    }
  }
  return 0;
}

static int export_bpf(scmp_filter_ctx ctx, struct hull_seccomp_filter *f, struct hull_err **err) {
  _cleanup_close_ int fd = memfd_create("hull-seccomp", MFD_CLOEXEC);
  if (fd < 0) return hull_err_sys(err, "seccomp: memfd_create");
  int rc = seccomp_export_bpf(ctx, fd);
  if (rc < 0) return hull_err_set(err, -rc, "seccomp: seccomp_export_bpf");
  if (lseek(fd, 0, SEEK_SET) < 0) return hull_err_sys(err, "seccomp: lseek");
  size_t len;
  _cleanup_free_ char *data = hull_read_fd(fd, &len, err);
  if (data == NULL) return hull_err_prefix(err, "seccomp: reading the exported BPF");
  if (len == 0 || len % sizeof(struct sock_filter) != 0)
    return hull_err_set(err, 0, "seccomp: exported BPF has a bad size (%zu bytes)", len);
  f->insns = hull_xmalloc(len);
  memcpy(f->insns, data, len);
  f->n_insns = len / sizeof(struct sock_filter);
  return 0;
}

#define MAX_ARCHS 32

static int add_archs(scmp_filter_ctx ctx, const struct hull_seccomp *sc, uint32_t *tokens,
                     size_t *n_tokens, struct hull_err **err) {
  tokens[0] = seccomp_arch_native();
  *n_tokens = 1;
  for (size_t i = 0; sc->architectures && sc->architectures[i]; i++) {
    uint32_t token;
    if (hull_seccomp_arch_token(sc->architectures[i], &token) < 0)
      return hull_err_set(err, 0, "linux.seccomp.architectures: unknown architecture \"%s\"",
                          sc->architectures[i]);
    int rc = seccomp_arch_add(ctx, token);
    if (rc == -EEXIST) continue;
    if (rc < 0)
      return hull_err_set(err, -rc, "linux.seccomp.architectures: adding %s", sc->architectures[i]);
    if (*n_tokens < MAX_ARCHS) tokens[(*n_tokens)++] = token;
  }
  return 0;
}

static int prepend_enosys_stub(const struct hull_seccomp *sc, uint32_t def, const uint32_t *archs,
                               size_t n_archs, struct hull_seccomp_filter *f, struct hull_err **err) {
  _cleanup_free_ struct sock_filter *stub = NULL;
  size_t n = 0;
  if (hull_seccomp_enosys_stub(sc, def, archs, n_archs, &stub, &n) < 0)
    return hull_err_set(err, 0, "seccomp: building the ENOSYS stub failed");
  if (n == 0) return 0;
  struct sock_filter *all = hull_xcalloc(n + f->n_insns, sizeof(*all));
  memcpy(all, stub, n * sizeof(*all));
  memcpy(all + n, f->insns, f->n_insns * sizeof(*all));
  free(f->insns);
  f->insns = all;
  f->n_insns += n;
  return 0;
}

static int parse_flags(const struct hull_seccomp *sc, unsigned *out, struct hull_err **err) {
  *out = 0;
  for (size_t i = 0; sc->flags && sc->flags[i]; i++) {
    unsigned v;
    if (hull_seccomp_flag_value(sc->flags[i], &v) < 0)
      return hull_err_set(err, 0, "linux.seccomp.flags: unknown flag \"%s\"", sc->flags[i]);
    *out |= v;
  }
  return 0;
}

static int build(const struct hull_seccomp *sc, struct hull_seccomp_filter *f, struct hull_err **err) {
  uint32_t def = 0;
  if (resolve_action(sc->default_action, sc->has_default_errno_ret, sc->default_errno_ret,
                     "linux.seccomp.defaultAction", &def, err) < 0)
    return -1;
  if (def == SCMP_ACT_NOTIFY)
    return hull_err_set(err, 0, "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
  __attribute__((cleanup(ctx_releasep))) scmp_filter_ctx ctx = seccomp_init(def);
  if (ctx == NULL) return hull_err_set(err, 0, "linux.seccomp.defaultAction: seccomp_init(%#x) failed", def);
  /* A binary tree of syscall checks: big profiles stay fast at run time.
   * Best effort, the default (a linear list) is correct too. */
  seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
  uint32_t tokens[MAX_ARCHS];
  size_t n_tokens;
  if (add_archs(ctx, sc, tokens, &n_tokens, err) < 0 ||
      add_rules(ctx, sc, def, &f->notify, err) < 0 || export_bpf(ctx, f, err) < 0)
    return -1;
  return prepend_enosys_stub(sc, def, tokens, n_tokens, f, err);
}

struct hull_seccomp_filter *hull_seccomp_compile(const struct hull_seccomp *sc,
                                                 struct hull_err **err) {
  if (!sc->present) return hull_err_set(err, 0, "linux.seccomp: not present"), NULL;
  __attribute__((cleanup(hull_seccomp_filterp_free))) struct hull_seccomp_filter *f =
      hull_xcalloc(1, sizeof(*f));
  if (parse_flags(sc, &f->flags, err) < 0) return NULL;
  size_t keylen;
  _cleanup_free_ char *key = hull_seccomp_profile_key(sc, &keylen);
  if (hull_seccomp_cache_get(key, keylen, f) == 0) {
    f->from_cache = true;
    return hull_steal_ptr(&f);
  }
  if (build(sc, f, err) < 0) return NULL;
  hull_seccomp_cache_put(key, keylen, f);
  return hull_steal_ptr(&f);
}

void hull_seccomp_filter_free(struct hull_seccomp_filter *f) {
  if (f == NULL) return;
  free(f->insns);
  free(f);
}

void hull_seccomp_filterp_free(struct hull_seccomp_filter **f) {
  hull_seccomp_filter_free(*f);
  *f = NULL;
}

bool hull_seccomp_filter_from_cache(const struct hull_seccomp_filter *f) {
  return f->from_cache;
}

bool hull_seccomp_filter_has_notify(const struct hull_seccomp_filter *f) {
  return f->notify;
}

size_t hull_seccomp_filter_bpf(const struct hull_seccomp_filter *f, const void **insns) {
  if (insns) *insns = f->insns;
  return f->n_insns;
}
