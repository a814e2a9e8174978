/* Per-process attributes applied by the init shim before the identity
 * change (rlimits and a lower oom_score_adj may need privileges the
 * container process will not have). */
#include "security/security.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

static int apply_rlimit(const struct hull_rlimit *r, struct hull_err **err) {
  struct rlimit64 lim = {.rlim_cur = r->soft, .rlim_max = r->hard};
  const char *name = r->type ? r->type : "rlimit";
  if (r->soft > r->hard)
    return hull_err_set(err, 0, "process.rlimits %s: soft limit %llu is above the hard limit %llu",
                        name, (unsigned long long)r->soft, (unsigned long long)r->hard);
  if (prlimit64(0, (enum __rlimit_resource)r->resource, &lim, NULL) == 0) return 0;
  int e = errno;
  if (e == EPERM) {
    struct rlimit64 cur = {0};
    prlimit64(0, (enum __rlimit_resource)r->resource, NULL, &cur);
    return hull_err_set(err, e, "process.rlimits %s: cannot raise the hard limit from %llu to %llu (needs CAP_SYS_RESOURCE, which hull does not have here)",
                        name, (unsigned long long)cur.rlim_max, (unsigned long long)r->hard);
  }
  return hull_err_set(err, e, "process.rlimits %s: setrlimit(soft=%llu, hard=%llu)", name,
                      (unsigned long long)r->soft, (unsigned long long)r->hard);
}

static int apply_oom_score_adj(int adj, struct hull_err **err) {
  char buf[16];
  snprintf(buf, sizeof(buf), "%d", adj);
  _cleanup_err_ struct hull_err *e = NULL;
  if (hull_procfs_write("self/oom_score_adj", buf, &e) == 0) return 0;
  bool denied = e->errnum == EACCES || e->errnum == EPERM;
  hull_err_set(err, 0, "process.oomScoreAdj %d%s: %s", adj,
               denied ? " (lowering it needs CAP_SYS_RESOURCE)" : "", e->msg);
  if (err && *err) (*err)->errnum = e->errnum;
  return -1;
}

int hull_process_apply_attrs(const struct hull_process *p, const struct hull_linux *lx,
                             struct hull_err **err) {
  for (size_t i = 0; i < p->n_rlimits; i++)
    if (apply_rlimit(&p->rlimits[i], err) < 0) return -1;
  if (p->has_oom_score_adj && apply_oom_score_adj(p->oom_score_adj, err) < 0) return -1;
  if (p->scheduler.present && hull_sched_apply(&p->scheduler, err) < 0) return -1;
  if (p->io_priority.present && hull_ioprio_apply(&p->io_priority, err) < 0) return -1;
  if (p->exec_cpu_affinity_initial &&
      hull_cpu_affinity_apply(p->exec_cpu_affinity_initial, "process.execCPUAffinity.initial", err) < 0)
    return -1;
  if (lx && lx->personality.present && hull_personality_apply(&lx->personality, err) < 0) return -1;
  if (lx && lx->memory_policy.present && hull_mempolicy_apply(&lx->memory_policy, err) < 0) return -1;
  /* Absent umask: unchanged, as the spec says. */
  if (p->has_umask) umask((mode_t)(p->umask & 07777));
  return 0;
}
