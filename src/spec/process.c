/* spec/: the "process" object (config.json and `exec --process`). */
#include "spec/internal.h"

#include <inttypes.h>
#include <linux/sched.h>
#include <string.h>

static const char *const cap_set_keys[HULL_CAP_NSETS] = {
    [HULL_CAP_BOUNDING] = "bounding",       [HULL_CAP_EFFECTIVE] = "effective",
    [HULL_CAP_INHERITABLE] = "inheritable", [HULL_CAP_PERMITTED] = "permitted",
    [HULL_CAP_AMBIENT] = "ambient",
};

static int parse_caps(struct pctx *c, yajl_val obj, struct hull_capabilities *caps) {
  yajl_val v;
  if (jobj(c, obj, "capabilities", &v) < 0) return -1;
  if (v == NULL) return 0;
  size_t old = pctx_key(c, "capabilities");
  for (int s = 0; s < HULL_CAP_NSETS; s++) {
    yajl_val a;
    if (jarr(c, v, cap_set_keys[s], &a) < 0) return -1;
    if (a == NULL) continue;
    caps->present[s] = true;
    size_t o2 = pctx_key(c, cap_set_keys[s]);
    for (size_t i = 0; i < a->u.array.len; i++) {
      yajl_val n = a->u.array.values[i];
      size_t o3 = pctx_index(c, i);
      if (!YAJL_IS_STRING(n))
        return pctx_fail(c, "expected string, got %s", json_type_name(n));
      int cap = hull_cap_from_name(YAJL_GET_STRING(n));
      if (cap < 0) return pctx_fail(c, "unknown capability \"%s\"", YAJL_GET_STRING(n));
      caps->sets[s] |= UINT64_C(1) << cap;
      pctx_pop(c, o3);
    }
    pctx_pop(c, o2);
  }
  pctx_pop(c, old);
  return 0;
}

static int parse_rlimit(struct pctx *c, yajl_val v, struct hull_rlimit *rl,
                        const struct hull_rlimit *prev, size_t nprev) {
  if (vobj(c, v) < 0 || jstr_req(c, v, "type", &rl->type) < 0) return -1;
  rl->resource = hull_rlimit_from_name(rl->type);
  if (rl->resource < 0) return pctx_fail_key(c, "type", "unknown rlimit \"%s\"", rl->type);
  for (size_t i = 0; i < nprev; i++)
    if (prev[i].resource == rl->resource)
      return pctx_fail_key(c, "type", "duplicate rlimit \"%s\"", rl->type);
  if (jget(v, "soft") == NULL) return pctx_fail_key(c, "soft", "required");
  if (jget(v, "hard") == NULL) return pctx_fail_key(c, "hard", "required");
  if (juint(c, v, "soft", UINT64_MAX, &rl->soft, NULL) < 0 ||
      juint(c, v, "hard", UINT64_MAX, &rl->hard, NULL) < 0)
    return -1;
  if (rl->soft > rl->hard)
    return pctx_fail(c, "soft limit %" PRIu64 " exceeds hard limit %" PRIu64, rl->soft,
                     rl->hard);
  return 0;
}

static int parse_rlimits(struct pctx *c, yajl_val obj, struct hull_process *p) {
  yajl_val a;
  if (jarr(c, obj, "rlimits", &a) < 0) return -1;
  if (a == NULL) return 0;
  p->rlimits = hull_xcalloc(a->u.array.len + 1, sizeof(*p->rlimits));
  size_t old = pctx_key(c, "rlimits");
  for (size_t i = 0; i < a->u.array.len; i++) {
    size_t o2 = pctx_index(c, i);
    p->n_rlimits = i + 1; /* owned from here on, even on failure */
    if (parse_rlimit(c, a->u.array.values[i], &p->rlimits[i], p->rlimits, i) < 0) return -1;
    pctx_pop(c, o2);
  }
  pctx_pop(c, old);
  return 0;
}

static int parse_user(struct pctx *c, yajl_val obj, struct hull_process *p) {
  yajl_val u;
  if (jobj(c, obj, "user", &u) < 0) return -1;
  if (u == NULL) return 0;
  size_t old = pctx_key(c, "user");
  uint32_t umask = 0;
  if (ju32(c, u, "uid", &p->uid, NULL) < 0 || ju32(c, u, "gid", &p->gid, NULL) < 0 ||
      ju32(c, u, "umask", &umask, &p->has_umask) < 0 ||
      jstr(c, u, "username", &p->username) < 0)
    return -1;
  if (p->has_umask && umask > 0777) return pctx_fail_key(c, "umask", "must be at most 0777");
  p->umask = umask;
  yajl_val g;
  if (jarr(c, u, "additionalGids", &g) < 0) return -1;
  if (g) {
    p->additional_gids = hull_xcalloc(g->u.array.len + 1, sizeof(uint32_t));
    size_t o2 = pctx_key(c, "additionalGids");
    for (size_t i = 0; i < g->u.array.len; i++) {
      uint64_t x;
      size_t o3 = pctx_index(c, i);
      if (vuint(c, g->u.array.values[i], UINT32_MAX, &x) < 0) return -1;
      p->additional_gids[i] = (uint32_t)x;
      p->n_additional_gids = i + 1;
      pctx_pop(c, o3);
    }
    pctx_pop(c, o2);
  }
  pctx_pop(c, old);
  return 0;
}

static int parse_console(struct pctx *c, yajl_val obj, struct hull_process *p) {
  yajl_val v;
  if (jobj(c, obj, "consoleSize", &v) < 0) return -1;
  if (v == NULL) return 0;
  size_t old = pctx_key(c, "consoleSize");
  uint32_t h, w;
  if (ju32_req(c, v, "height", &h) < 0 || ju32_req(c, v, "width", &w) < 0) return -1;
  if (h > UINT16_MAX) return pctx_fail_key(c, "height", "%u out of range [0, 65535]", h);
  if (w > UINT16_MAX) return pctx_fail_key(c, "width", "%u out of range [0, 65535]", w);
  p->has_console_size = true;
  p->console_height = h;
  p->console_width = w;
  pctx_pop(c, old);
  return 0;
}

/* An enum string at obj[key] -> value; "required" when absent and req. */
static int jenum(struct pctx *c, yajl_val obj, const char *key, bool req,
                 const struct enum_entry *table, const char *what, int64_t *out,
                 bool *present) {
  _cleanup_free_ char *s = NULL;
  if (present) *present = false;
  if (req && jget(obj, key) == NULL) return pctx_fail_key(c, key, "required");
  if (jstr(c, obj, key, &s) < 0) return -1;
  if (s == NULL) return 0;
  size_t old = pctx_key(c, key);
  int r = enum_lookup(c, table, what, s, out);
  pctx_pop(c, old);
  if (present) *present = r == 0;
  return r;
}

/* What sched_setattr(2) would refuse with EINVAL, said before anything runs
 * (and, as runc does, deadline parameters on another policy). */
static int check_sched(struct pctx *c, yajl_val v, const struct hull_scheduler *s) {
  bool rt = s->policy == SCHED_FIFO || s->policy == SCHED_RR;
  if (rt && (s->priority < 1 || s->priority > 99))
    return pctx_fail_key(c, "priority", "must be 1-99 with a real-time policy, got %d",
                         s->priority);
  if (!rt && s->priority != 0)
    return pctx_fail_key(c, "priority", "must be 0 unless the policy is SCHED_FIFO or SCHED_RR");
  if (s->policy != SCHED_DEADLINE) {
    static const char *const dl[] = {"runtime", "deadline", "period"};
    for (int i = 0; i < 3; i++)
      if (jget(v, dl[i])) return pctx_fail_key(c, dl[i], "only valid with SCHED_DEADLINE");
    return 0;
  }
  if (s->runtime < 1024) /* the kernel's minimum (1 << DL_SCALE ns) */
    return pctx_fail_key(c, "runtime", "must be at least 1024 ns with SCHED_DEADLINE");
  if (s->deadline < s->runtime)
    return pctx_fail_key(c, "deadline", "must not be below runtime");
  if (s->period && s->period < s->deadline)
    return pctx_fail_key(c, "period", "must not be below deadline");
  return 0;
}

static int parse_sched(struct pctx *c, yajl_val obj, struct hull_scheduler *s) {
  yajl_val v;
  if (jobj(c, obj, "scheduler", &v) < 0) return -1;
  if (v == NULL) return 0;
  size_t old = pctx_key(c, "scheduler");
  int64_t policy = 0, nice = 0, prio = 0;
  if (jenum(c, v, "policy", true, sched_policies, "scheduler policy", &policy, NULL) < 0 ||
      jint(c, v, "nice", -20, 19, &nice, NULL) < 0 ||
      jint(c, v, "priority", INT32_MIN, INT32_MAX, &prio, NULL) < 0 ||
      juint(c, v, "runtime", UINT64_MAX, &s->runtime, NULL) < 0 ||
      juint(c, v, "deadline", UINT64_MAX, &s->deadline, NULL) < 0 ||
      juint(c, v, "period", UINT64_MAX, &s->period, NULL) < 0)
    return -1;
  yajl_val f;
  if (jarr(c, v, "flags", &f) < 0) return -1;
  for (size_t i = 0; f && i < f->u.array.len; i++) {
    size_t o2 = pctx_key(c, "flags");
    pctx_index(c, i);
    _cleanup_free_ char *name = NULL;
    int64_t bit = 0;
    if (vstr(c, f->u.array.values[i], &name) < 0 ||
        enum_lookup(c, sched_flags, "scheduler flag", name, &bit) < 0)
      return -1;
    s->flags |= (uint64_t)bit;
    pctx_pop(c, o2);
  }
  s->present = true;
  s->policy = (int)policy;
  s->nice = (int)nice;
  s->priority = (int)prio;
  if (check_sched(c, v, s) < 0) return -1;
  pctx_pop(c, old);
  return 0;
}

static int parse_ioprio(struct pctx *c, yajl_val obj, struct hull_io_priority *io) {
  yajl_val v;
  if (jobj(c, obj, "ioPriority", &v) < 0) return -1;
  if (v == NULL) return 0;
  size_t old = pctx_key(c, "ioPriority");
  int64_t klass = 0, prio = 0;
  if (jenum(c, v, "class", true, ioprio_classes, "ioPriority class", &klass, NULL) < 0 ||
      jint(c, v, "priority", 0, 7, &prio, NULL) < 0)
    return -1;
  io->present = true;
  io->klass = (int)klass;
  io->priority = (int)prio;
  pctx_pop(c, old);
  return 0;
}

static int parse_affinity(struct pctx *c, yajl_val obj, struct hull_process *p) {
  yajl_val v;
  if (jobj(c, obj, "execCPUAffinity", &v) < 0) return -1;
  if (v == NULL) return 0;
  size_t old = pctx_key(c, "execCPUAffinity");
  if (jidlist(c, v, "initial", "CPU", &p->exec_cpu_affinity_initial) < 0 ||
      jidlist(c, v, "final", "CPU", &p->exec_cpu_affinity_final) < 0)
    return -1;
  pctx_pop(c, old);
  return 0;
}

static int parse_args_cwd(struct pctx *c, yajl_val v, struct hull_process *p) {
  if (jstrv(c, v, "args", &p->args) < 0 || jstr(c, v, "commandLine", &p->command_line) < 0)
    return -1;
  if (p->args == NULL || p->args[0] == NULL)
    return pctx_fail_key(c, "args", p->args ? "must not be empty" : "required");
  if (jstr_req(c, v, "cwd", &p->cwd) < 0) return -1;
  if (p->cwd[0] != '/') return pctx_fail_key(c, "cwd", "must be absolute, got \"%s\"", p->cwd);
  return 0;
}

int parse_process(struct pctx *c, yajl_val v, struct hull_process *p) {
  if (vobj(c, v) < 0) return -1;
  int64_t oom = 0;
  if (jbool(c, v, "terminal", &p->terminal, NULL) < 0 || parse_console(c, v, p) < 0 ||
      parse_user(c, v, p) < 0 || parse_args_cwd(c, v, p) < 0 ||
      jstrv(c, v, "env", &p->env) < 0 || parse_caps(c, v, &p->caps) < 0 ||
      parse_rlimits(c, v, p) < 0 ||
      jbool(c, v, "noNewPrivileges", &p->no_new_privileges, NULL) < 0 ||
      jstr(c, v, "apparmorProfile", &p->apparmor_profile) < 0 ||
      jstr(c, v, "selinuxLabel", &p->selinux_label) < 0 ||
      jint(c, v, "oomScoreAdj", -1000, 1000, &oom, &p->has_oom_score_adj) < 0 ||
      parse_sched(c, v, &p->scheduler) < 0 || parse_ioprio(c, v, &p->io_priority) < 0 ||
      parse_affinity(c, v, p) < 0)
    return -1;
  p->oom_score_adj = (int)oom;
  for (size_t i = 0; p->env && p->env[i]; i++)
    if (strchr(p->env[i], '=') == NULL || p->env[i][0] == '=') {
      size_t old = pctx_key(c, "env");
      pctx_index(c, i);
      pctx_fail(c, "expected NAME=value, got \"%s\"", p->env[i]);
      pctx_pop(c, old);
      return -1;
    }
  return 0;
}

void process_clear(struct hull_process *p) {
  if (p == NULL) return;
  free(p->additional_gids);
  free(p->username);
  hull_strv_free(p->args);
  free(p->command_line);
  hull_strv_free(p->env);
  free(p->cwd);
  for (size_t i = 0; i < p->n_rlimits; i++) free(p->rlimits[i].type);
  free(p->rlimits);
  free(p->apparmor_profile);
  free(p->selinux_label);
  free(p->exec_cpu_affinity_initial);
  free(p->exec_cpu_affinity_final);
  memset(p, 0, sizeof(*p));
}

struct hull_process *hull_process_parse(const char *json, size_t len, struct hull_err **err) {
  struct json_doc *doc = json_parse_text(json, len, "process", err);
  if (doc == NULL) return NULL;
  struct pctx c;
  pctx_init(&c, "process", err);
  struct hull_process *p = hull_xcalloc(1, sizeof(*p));
  int r = parse_process(&c, json_doc_root(doc), p);
  json_doc_free(doc);
  if (r < 0) {
    hull_process_free(p);
    return NULL;
  }
  return p;
}

void hull_process_free(struct hull_process *p) {
  process_clear(p);
  free(p);
}
