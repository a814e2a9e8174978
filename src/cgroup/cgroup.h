/* cgroup: one interface; backends v2 (primary) and v1 (legacy and hybrid
 * hosts such as one with v1 controllers plus a controller-less
 * /sys/fs/cgroup/unified). runtime/ is the only caller. */
#ifndef HULL_CGROUP_H
#define HULL_CGROUP_H

#include "spec/spec.h"

#include <sys/types.h>
#include <yajl/yajl_gen.h>

enum hull_cgroup_mode { HULL_CGROUP_V1, HULL_CGROUP_V2, HULL_CGROUP_DISABLED };

struct hull_cgroup; /* opaque */

/* Reads /sys/fs/cgroup; a clear error naming what was found when odd. */
int hull_cgroup_detect(enum hull_cgroup_mode *mode, struct hull_err **err);
/* True when the container's cgroup must exist before its init is cloned:
 * cgroup v2, where clone3(CLONE_INTO_CGROUP) puts it there. On v1 (and
 * with no cgroup) it may be made while the init sets itself up, the init
 * joining by itself through hull_cgroup_tasks_open's fds. One statfs. */
bool hull_cgroup_before_clone(const char *manager);
/* Whether manager is "systemd": its scope is made after the clone, with
 * the init's pid (systemd moves it in), before GO lets it go on. */
bool hull_cgroup_is_systemd(const char *manager);

/* Creates the container's cgroup. manager: "cgroupfs" | "disabled" |
 * "systemd". cgroups_path: the config's linux.cgroupsPath (cgroupfs:
 * absolute = from the hierarchy root, relative = below hull's own cgroup,
 * NULL/empty = default from id; systemd: "slice:prefix:name", empty =
 * system.slice:hull:ID, or user.slice through the user's manager when
 * rootless). pid: the container's init, for systemd (0 otherwise). rootless:
 * creation failures become a warning (and a disabled handle) when the
 * config gave no cgroupsPath or asked for no limits. */
struct hull_cgroup *hull_cgroup_create(const char *manager, const char *cgroups_path,
                                       const char *id, bool rootless, pid_t pid,
                                       const struct hull_resources *res,
                                       struct hull_err **err);
/* The device rules to pass in resources->devices, as runc builds them:
 * deny all, the config's linux.resources.devices, an allow rule for each
 * linux.devices node (so hull can create them), then the defaults every
 * container gets (null, zero, full, random, urandom, tty, ptmx, pts,
 * mknod of any). lx may be NULL. Returns a malloc'd array of *n rules.
 * apply itself always adds deny-all before and the defaults after the
 * given rules (at create even when there are none; at update only when
 * rules are given), so passing linux.resources as is works too, except
 * for linux.devices nodes outside the defaults. */
struct hull_device_rule *hull_cgroup_device_rules(const struct hull_linux *lx, size_t *n);
/* create makes the cgroup only; apply(res, false) then writes the limits. */

/* Writes every field of resources (full set at create, only the given
 * fields at update; a failed update restores the old values). */
int hull_cgroup_apply(struct hull_cgroup *cg, const struct hull_resources *res,
                      bool update, struct hull_err **err);
/* v2: an O_DIRECTORY fd of the cgroup for clone3(CLONE_INTO_CGROUP); -1 on v1. */
int hull_cgroup_fd(struct hull_cgroup *cg);
/* Moves pid into the cgroup (every v1 hierarchy); sub: a sub-cgroup
 * relative to the container's (exec --cgroup), NULL for the container's. */
int hull_cgroup_enter(struct hull_cgroup *cg, pid_t pid, const char *sub,
                      struct hull_err **err);
/* v1: the `tasks` file of the cgroup in every hierarchy (of sub where it
 * exists, as enter picks), opened write-only for a new single-threaded
 * process to join by itself, writing "0" to each.
 * Why: moving another process (cgroup.procs, or tasks with a pid) takes
 * the kernel's global threadgroup lock, whose RCU grace period costs
 * 8-16 ms on a busy 250 Hz host; a thread moving itself skips that lock.
 * Sets t->n = 0 when this does not apply (v2: clone3 CLONE_INTO_CGROUP;
 * no cgroup): the caller then uses hull_cgroup_fd or hull_cgroup_enter. */
struct hull_cgroup_tasks {
  int *fds;
  char **paths; /* for error messages */
  size_t n;
};
int hull_cgroup_tasks_open(struct hull_cgroup *cg, const char *sub, struct hull_cgroup_tasks *t,
                           struct hull_err **err);
void hull_cgroup_tasks_close(struct hull_cgroup_tasks *t);

/* State: a string to keep in state.json, and back. */
char *hull_cgroup_serialize(const struct hull_cgroup *cg);
struct hull_cgroup *hull_cgroup_load(const char *serialized, struct hull_err **err);

int hull_cgroup_freeze(struct hull_cgroup *cg, bool freeze, struct hull_err **err);
/* 1 frozen, 0 not, -1 error/unknown. */
int hull_cgroup_is_frozen(struct hull_cgroup *cg);
/* Every process of the container gets sig (cgroup.kill for SIGKILL on v2,
 * else freeze, signal each, thaw). */
int hull_cgroup_kill_all(struct hull_cgroup *cg, int sig, struct hull_err **err);
int hull_cgroup_pids(struct hull_cgroup *cg, pid_t **pids, size_t *n, struct hull_err **err);
/* Writes runc's stats "data" object (cpu, memory, pids, blkio, hugetlb, psi). */
int hull_cgroup_stats(struct hull_cgroup *cg, yajl_gen g, struct hull_err **err);
/* Number of OOM kills so far (memory.events oom_kill / memory.oom_control). */
int hull_cgroup_oom_count(struct hull_cgroup *cg, uint64_t *count, struct hull_err **err);
/* Removes the cgroup (retrying, bounded, while the kernel reports busy). */
int hull_cgroup_destroy(struct hull_cgroup *cg, struct hull_err **err);
/* One rmdir of each directory, no walk, no retry: 0 when hull made them all
 * and all are gone (the cgroup was empty: nothing of the container is left
 * in it); -1 when one is busy or not hull's, or the driver is systemd's
 * (then kill, then hull_cgroup_destroy). */
int hull_cgroup_remove_if_empty(struct hull_cgroup *cg);
void hull_cgroup_free(struct hull_cgroup *cg);

#endif
