/* Scheduling attributes of the container process: scheduler policy (incl.
 * SCHED_DEADLINE via sched_setattr), I/O priority, initial CPU affinity,
 * personality, NUMA memory policy. */
#include "security/security.h"

#include <errno.h>
#include <linux/mempolicy.h>
#include <sched.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>

/* Our own copy: glibc only grew struct sched_attr in 2.41. */
struct hull_sched_attr {
  uint32_t size, sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime, sched_deadline, sched_period;
};

int hull_sched_apply(const struct hull_scheduler *s, struct hull_err **err) {
  struct hull_sched_attr a = {
      .size = sizeof(a),
      .sched_policy = (uint32_t)s->policy,
      .sched_flags = s->flags,
      .sched_nice = s->nice,
      .sched_priority = (uint32_t)s->priority,
      .sched_runtime = s->runtime,
      .sched_deadline = s->deadline,
      .sched_period = s->period,
  };
  if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
    return hull_err_sys(err, "process.scheduler: sched_setattr(policy=%d, nice=%d, priority=%d, flags=%#llx)",
                        s->policy, s->nice, s->priority, (unsigned long long)s->flags);
  return 0;
}

#define HULL_IOPRIO_CLASS_SHIFT 13
#define HULL_IOPRIO_WHO_PROCESS 1

int hull_ioprio_apply(const struct hull_io_priority *io, struct hull_err **err) {
  if (io->priority < 0 || io->priority > 7)
    return hull_err_set(err, 0, "process.ioPriority.priority: %d is not in 0..7", io->priority);
  int value = (io->klass << HULL_IOPRIO_CLASS_SHIFT) | io->priority;
  if (syscall(SYS_ioprio_set, HULL_IOPRIO_WHO_PROCESS, 0, value) < 0)
    return hull_err_sys(err, "process.ioPriority: ioprio_set(class=%d, priority=%d)", io->klass,
                        io->priority);
  return 0;
}

int hull_cpu_affinity_apply(const char *cpus, const char *field, struct hull_err **err) {
  return hull_cpu_affinity_apply_pid(0, cpus, field, err);
}

int hull_cpu_affinity_apply_pid(pid_t pid, const char *cpus, const char *field, struct hull_err **err) {
  cpu_set_t set;
  CPU_ZERO(&set);
  _Static_assert(sizeof(set) % sizeof(unsigned long) == 0, "cpu_set_t layout");
  if (hull_parse_id_list(cpus, (unsigned long *)(void *)&set, CPU_SETSIZE, err) < 0)
    return hull_err_prefix(err, "%s", field);
  if (sched_setaffinity(pid, sizeof(set), &set) < 0)
    return hull_err_sys(err, "%s: sched_setaffinity(%s)", field, cpus);
  return 0;
}

int hull_personality_apply(const struct hull_personality *p, struct hull_err **err) {
  unsigned long persona;
  if (p->domain == NULL || strcmp(p->domain, "LINUX") == 0)
    persona = PER_LINUX;
  else if (strcmp(p->domain, "LINUX32") == 0)
    persona = PER_LINUX32;
  else
    return hull_err_set(err, 0, "linux.personality.domain: unknown domain \"%s\" (LINUX or LINUX32)",
                        p->domain);
  /* The spec defines no flag values yet: refuse rather than ignore. */
  if (p->flags && p->flags[0])
    return hull_err_set(err, 0, "linux.personality.flags: unsupported flag \"%s\"", p->flags[0]);
  if (personality(persona) < 0)
    return hull_err_sys(err, "linux.personality: personality(%s)", p->domain ? p->domain : "LINUX");
  return 0;
}

static const struct {
  const char *name;
  int bit;
} mpol_flags[] = {
    {"MPOL_F_NUMA_BALANCING", MPOL_F_NUMA_BALANCING},
    {"MPOL_F_RELATIVE_NODES", MPOL_F_RELATIVE_NODES},
    {"MPOL_F_STATIC_NODES", MPOL_F_STATIC_NODES},
};

int hull_mempolicy_flags(char *const *flags, int *out, struct hull_err **err) {
  *out = 0;
  for (size_t i = 0; flags && flags[i]; i++) {
    size_t j = 0;
    for (; j < sizeof(mpol_flags) / sizeof(mpol_flags[0]); j++)
      if (strcmp(flags[i], mpol_flags[j].name) == 0) break;
    if (j == sizeof(mpol_flags) / sizeof(mpol_flags[0]))
      return hull_err_set(err, 0, "linux.memoryPolicy.flags: unknown flag \"%s\"", flags[i]);
    *out |= mpol_flags[j].bit;
  }
  return 0;
}

#define HULL_MAX_NUMNODES 1024

int hull_mempolicy_apply(const struct hull_memory_policy *mp, struct hull_err **err) {
  int flags;
  if (hull_mempolicy_flags(mp->flags, &flags, err) < 0) return -1;
  unsigned long mask[HULL_MAX_NUMNODES / (8 * sizeof(unsigned long))];
  unsigned long *maskp = NULL, maxnode = 0;
  if (mp->nodes && mp->nodes[0]) {
    if (hull_parse_id_list(mp->nodes, mask, HULL_MAX_NUMNODES, err) < 0)
      return hull_err_prefix(err, "linux.memoryPolicy.nodes");
    maskp = mask;
    maxnode = HULL_MAX_NUMNODES + 1; /* the kernel counts one past the last bit */
  }
  if (syscall(SYS_set_mempolicy, mp->mode | flags, maskp, maxnode) < 0)
    return hull_err_sys(err, "linux.memoryPolicy: set_mempolicy(mode=%d, nodes=%s)", mp->mode,
                        mp->nodes ? mp->nodes : "");
  return 0;
}
