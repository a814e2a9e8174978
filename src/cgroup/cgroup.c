/* The cgroup interface: mode detection, create/load/serialize, and the
 * dispatch of every operation to the v1 or v2 backend (or to nothing,
 * for the "disabled" manager). */
#include "cgroup/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <string.h>
#include <sys/statfs.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/* True when mountinfo (the text of /proc/self/mountinfo) lists at least
 * one cgroup v1 hierarchy below /sys/fs/cgroup. */
static bool have_v1_hierarchies(const char *mountinfo) {
  if (mountinfo == NULL) return false;
  _cleanup_free_ char *mi = hull_xstrdup(mountinfo);
  char *save = NULL;
  for (char *l = strtok_r(mi, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
    _cleanup_free_ char *root = NULL, *mp = NULL, *ctl = NULL;
    if (hull_cg_parse_mountinfo(l, &root, &mp, &ctl) == 1 &&
        hull_str_has_prefix(mp, HULL_CG_ROOT "/"))
      return true;
  }
  return false;
}

/* *mountinfo: read here on a tmpfs (v1/hybrid) host, for the caller to
 * reuse (one read of /proc/self/mountinfo per create), else NULL. */
static int detect(enum hull_cgroup_mode *mode, char **mountinfo, struct hull_err **err) {
  *mountinfo = NULL;
  struct statfs st;
  if (statfs(HULL_CG_ROOT, &st) < 0) return hull_err_sys(err, "cgroup detection: statfs %s", HULL_CG_ROOT);
  if ((unsigned long)st.f_type == CGROUP2_SUPER_MAGIC) {
    *mode = HULL_CGROUP_V2;
    return 0;
  }
  if ((unsigned long)st.f_type == TMPFS_MAGIC) {
    /* Legacy or hybrid: a controller-less cgroup2 at unified/ is ignored. */
    *mountinfo = hull_read_file("/proc/self/mountinfo", NULL, NULL);
    if (have_v1_hierarchies(*mountinfo)) {
      *mode = HULL_CGROUP_V1;
      return 0;
    }
    free(*mountinfo);
    *mountinfo = NULL;
    return hull_err_set(err, ENOTSUP,
                        "cgroup detection: %s is a tmpfs with no cgroup v1 hierarchy mounted below it",
                        HULL_CG_ROOT);
  }
  return hull_err_set(err, ENOTSUP,
                      "cgroup detection: %s has filesystem type 0x%lx, neither cgroup2 nor a tmpfs "
                      "holding cgroup v1 hierarchies",
                      HULL_CG_ROOT, (unsigned long)st.f_type);
}

int hull_cgroup_detect(enum hull_cgroup_mode *mode, struct hull_err **err) {
  _cleanup_free_ char *mi = NULL;
  return detect(mode, &mi, err);
}

bool hull_cgroup_is_systemd(const char *manager) {
  return manager && strcmp(manager, "systemd") == 0;
}

bool hull_cgroup_before_clone(const char *manager) {
  if (manager && (strcmp(manager, "disabled") == 0 || hull_cgroup_is_systemd(manager))) return false;
  struct statfs st;
  /* Unknown: the safe order (create fails later with the real error). */
  if (statfs(HULL_CG_ROOT, &st) < 0) return true;
  return (unsigned long)st.f_type != TMPFS_MAGIC;
}

static bool resources_ask_limits(const struct hull_resources *r) {
  if (r == NULL) return false;
  const typeof(r->memory) *m = &r->memory;
  const typeof(r->cpu) *c = &r->cpu;
  if (m->has_limit || m->has_reservation || m->has_swap || m->has_kernel || m->has_kernel_tcp ||
      m->has_swappiness || m->has_disable_oom_killer)
    return true;
  if (c->has_shares || c->has_quota || c->has_period || c->has_burst || c->has_idle ||
      c->has_realtime_runtime || c->has_realtime_period || c->cpus || c->mems)
    return true;
  if (r->pids.has_limit || r->block_io.has_weight || r->block_io.has_leaf_weight ||
      r->block_io.n_weight_devices)
    return true;
  for (int i = 0; i < 4; i++)
    if (r->block_io.n_throttle[i]) return true;
  return r->n_hugepage_limits || r->network.has_class_id || r->network.n_priorities ||
         r->n_rdma || r->n_unified;
}

static struct hull_cgroup *new_handle(enum hull_cgroup_mode mode) {
  struct hull_cgroup *cg = hull_xcalloc(1, sizeof(*cg));
  cg->mode = mode;
  cg->v2_fd = -1;
  return cg;
}

static struct hull_cgroup *disabled_handle(const struct hull_resources *res, const char *why) {
  if (resources_ask_limits(res))
    hull_warn("cgroups %s: the resource limits in linux.resources are not applied", why);
  return new_handle(HULL_CGROUP_DISABLED);
}

static struct hull_cgroup *systemd_create(const char *cgroups_path, const char *id, bool rootless,
                                         pid_t pid, const struct hull_resources *res,
                                         struct hull_err **err) {
  if (pid <= 0)
    return hull_err_set(err, EINVAL, "--systemd-cgroup: the scope needs the container's process"), NULL;
  struct hull_cgroup *cg = new_handle(HULL_CGROUP_V2);
  cg->rootless = rootless;
  if (hull_cg_sd_create(cg, cgroups_path, id, rootless, pid, res, err) < 0) {
    hull_cgroup_free(cg);
    return NULL;
  }
  return cg;
}

struct hull_cgroup *hull_cgroup_create(const char *manager, const char *cgroups_path,
                                       const char *id, bool rootless, pid_t pid,
                                       const struct hull_resources *res,
                                       struct hull_err **err) {
  if (manager && strcmp(manager, "disabled") == 0) return disabled_handle(res, "disabled");
  bool systemd = hull_cgroup_is_systemd(manager);
  if (!systemd && manager && *manager && strcmp(manager, "cgroupfs") != 0)
    return hull_err_set(err, ENOTSUP, "cgroup manager \"%s\" is not supported (use cgroupfs, systemd or disabled)",
                        manager), NULL;
  /* One check for both drivers: state.json keeps paths one per line. */
  bool given = cgroups_path && *cgroups_path;
  if (given && strchr(cgroups_path, '\n'))
    return hull_err_set(err, EINVAL, "linux.cgroupsPath: newline not allowed"), NULL;
  if (systemd) return systemd_create(cgroups_path, id, rootless, pid, res, err);
  /* runc (cgroupfs driver) with no cgroupsPath: the container id, relative
   * to the runtime's own cgroup. */
  _cleanup_free_ char *cleaned = hull_cg_clean_path(given ? cgroups_path : id);
  if (*cleaned == '\0' || strcmp(cleaned, "/") == 0)
    return hull_err_set(err, EINVAL, "linux.cgroupsPath \"%s\": resolves to the root cgroup",
                        given ? cgroups_path : id ? id : ""), NULL;

  enum hull_cgroup_mode mode = HULL_CGROUP_V1;
  struct hull_err *local = NULL;
  struct hull_cgroup *cg = NULL;
  _cleanup_free_ char *mountinfo = NULL;
  if (detect(&mode, &mountinfo, &local) == 0) {
    cg = new_handle(mode);
    cg->rootless = rootless;
    int r = mode == HULL_CGROUP_V1 ? hull_cg_v1_create(cg, cleaned, mountinfo, &local)
                                   : hull_cg_v2_create(cg, cleaned, res, &local);
    if (r < 0) {
      hull_cgroup_free(cg);
      cg = NULL;
    }
  }
  if (cg) return cg;
  /* Rootless without a delegated cgroup: the container runs without one
   * (a warning only when limits were asked for). Root in someone else's
   * user namespace gets that only when the config named no cgroupsPath
   * or no limits, as runc. */
  if (rootless && (geteuid() != 0 || !given || !resources_ask_limits(res))) {
    if (resources_ask_limits(res))
      hull_warn("rootless: cgroup %s unavailable (%s): the resource limits in "
                "linux.resources are not applied", cleaned, local->msg);
    else
      hull_debug("rootless: running without cgroups: %s", local->msg);
    hull_err_free(&local);
    return new_handle(HULL_CGROUP_DISABLED);
  }
  hull_err_move(err, &local);
  hull_err_prefix(err, "cgroup %s", cleaned);
  return NULL;
}

int hull_cgroup_apply(struct hull_cgroup *cg, const struct hull_resources *res, bool update,
                      struct hull_err **err) {
  if (res == NULL) return 0;
  if (cg->mode == HULL_CGROUP_V1 || cg->mode == HULL_CGROUP_V2) {
    /* Devices: default deny, the config's rules, then the defaults every
     * container needs (runc does the same). An update without rules
     * leaves them alone. */
    struct hull_resources eff = *res;
    _cleanup_free_ struct hull_device_rule *rules = NULL;
    if (!update || res->n_devices) {
      rules = hull_cg_effective_rules(res->devices, res->n_devices, &eff.n_devices);
      eff.devices = rules;
    }
    /* systemd keeps its own copy of the limits it knows (so a
     * daemon-reload does not undo an update): told first. */
    if (update && cg->sd_unit && hull_cg_sd_update(cg, res, err) < 0) return -1;
    return cg->mode == HULL_CGROUP_V1 ? hull_cg_v1_apply(cg, &eff, update, err)
                                     : hull_cg_v2_apply(cg, &eff, update, err);
  }
  if (update && resources_ask_limits(res))
    return hull_err_set(err, ENOTSUP, "update: the container runs without cgroups");
  return 0;
}

int hull_cgroup_fd(struct hull_cgroup *cg) {
  if (cg->mode != HULL_CGROUP_V2) return -1;
  if (cg->v2_fd < 0) cg->v2_fd = open(cg->v2_path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  return cg->v2_fd;
}

int hull_cgroup_enter(struct hull_cgroup *cg, pid_t pid, const char *sub, struct hull_err **err) {
  if (sub && hull_cg_check_sub(sub, err) < 0) return -1;
  switch (cg->mode) {
  case HULL_CGROUP_V1: return hull_cg_v1_enter(cg, pid, sub, err);
  case HULL_CGROUP_V2: return hull_cg_v2_enter(cg, pid, sub, err);
  default:
    if (sub) return hull_err_set(err, ENOTSUP, "--cgroup %s: the container runs without cgroups", sub);
    return 0;
  }
}

int hull_cgroup_tasks_open(struct hull_cgroup *cg, const char *sub, struct hull_cgroup_tasks *t,
                           struct hull_err **err) {
  *t = (struct hull_cgroup_tasks){0};
  if (cg == NULL || cg->mode != HULL_CGROUP_V1) return 0;
  if (sub && hull_cg_check_sub(sub, err) < 0) return -1;
  if (hull_cg_v1_tasks_open(cg, sub, t, err) < 0) {
    hull_cgroup_tasks_close(t);
    return -1;
  }
  return 0;
}

void hull_cgroup_tasks_close(struct hull_cgroup_tasks *t) {
  for (size_t i = 0; i < t->n; i++) {
    if (t->fds[i] >= 0) close(t->fds[i]);
    free(t->paths[i]);
  }
  free(t->fds);
  free(t->paths);
  *t = (struct hull_cgroup_tasks){0};
}

int hull_cgroup_freeze(struct hull_cgroup *cg, bool freeze, struct hull_err **err) {
  switch (cg->mode) {
  case HULL_CGROUP_V1: return hull_cg_v1_freeze(cg, freeze, err);
  case HULL_CGROUP_V2: return hull_cg_v2_freeze(cg, freeze, err);
  default: return hull_err_set(err, ENOTSUP, "%s: the container runs without cgroups",
                               freeze ? "pause" : "resume");
  }
}

int hull_cgroup_is_frozen(struct hull_cgroup *cg) {
  switch (cg->mode) {
  case HULL_CGROUP_V1: return hull_cg_v1_is_frozen(cg);
  case HULL_CGROUP_V2: return hull_cg_v2_is_frozen(cg);
  default: return 0;
  }
}

/* The directory whose cgroup.procs lists the container's processes. */
static const char *procs_dir(const struct hull_cgroup *cg) {
  if (cg->mode == HULL_CGROUP_V2) return cg->v2_path;
  static const char *pref[] = {"pids", "freezer", "memory", "cpu", "devices"};
  for (size_t i = 0; i < sizeof(pref) / sizeof(pref[0]); i++) {
    const char *d = hull_cg_v1_dir(cg, pref[i]);
    if (d) return d;
  }
  return cg->n_v1 ? cg->v1[0].path : NULL;
}

int hull_cgroup_pids(struct hull_cgroup *cg, pid_t **pids, size_t *n, struct hull_err **err) {
  *pids = NULL;
  *n = 0;
  const char *dir = procs_dir(cg);
  if (dir == NULL) return hull_err_set(err, ENOTSUP, "ps: the container runs without cgroups");
  return hull_cg_read_procs_recursive(dir, pids, n, err);
}

int hull_cgroup_kill_all(struct hull_cgroup *cg, int sig, struct hull_err **err) {
  if (cg->mode == HULL_CGROUP_V2 && sig == SIGKILL && hull_cg_exists(cg->v2_path, "cgroup.kill"))
    return hull_cg_v2_kill(cg, err);
  if (cg->mode == HULL_CGROUP_DISABLED)
    return hull_err_set(err, ENOTSUP, "kill --all: the container runs without cgroups");
  /* An empty cgroup stays empty (only its members could fork into it):
   * nothing to signal, and no freeze, whose v1 static-key flip patches
   * kernel text on every CPU (6% of a `run`'s CPU time under perf). */
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  if (hull_cgroup_pids(cg, &pids, &n, err) < 0) return -1;
  if (n == 0) return 0;
  free(hull_steal_ptr(&pids));
  n = 0;
  /* Frozen, nothing can fork between the listing and the signals. */
  bool can_freeze = cg->mode == HULL_CGROUP_V2 || hull_cg_v1_dir(cg, "freezer") != NULL;
  bool was_frozen = hull_cgroup_is_frozen(cg) == 1;
  if (can_freeze && !was_frozen && hull_cgroup_freeze(cg, true, err) < 0) return -1;
  int r = hull_cgroup_pids(cg, &pids, &n, err);
  for (size_t i = 0; r == 0 && i < n; i++)
    if (kill(pids[i], sig) < 0 && errno != ESRCH) r = hull_err_sys(err, "kill %d", (int)pids[i]);
  /* A paused container is left frozen (its signals wait for resume), but
   * for SIGKILL: a frozen v1 task dies only once it runs again, so delete
   * --force and kill --all KILL would leave it frozen and alive, its
   * cgroup impossible to remove (runc thaws after the kill too). */
  bool thaw = can_freeze && (!was_frozen || sig == SIGKILL);
  if (thaw && hull_cgroup_freeze(cg, false, r < 0 ? NULL : err) < 0) r = -1;
  return r;
}

int hull_cgroup_stats(struct hull_cgroup *cg, yajl_gen g, struct hull_err **err) {
  switch (cg->mode) {
  case HULL_CGROUP_V1: return hull_cg_v1_stats(cg, g, err);
  case HULL_CGROUP_V2: return hull_cg_v2_stats(cg, g, err);
  default: return hull_err_set(err, ENOTSUP, "stats: the container runs without cgroups");
  }
}

int hull_cgroup_oom_count(struct hull_cgroup *cg, uint64_t *count, struct hull_err **err) {
  *count = 0;
  switch (cg->mode) {
  case HULL_CGROUP_V1: return hull_cg_v1_oom_count(cg, count, err);
  case HULL_CGROUP_V2: return hull_cg_v2_oom_count(cg, count, err);
  default: return 0;
  }
}

int hull_cgroup_destroy(struct hull_cgroup *cg, struct hull_err **err) {
  /* systemd removes the scope's directory (and, delegated, all below). */
  if (cg->sd_unit) return hull_cg_sd_destroy(cg, err);
  switch (cg->mode) {
  case HULL_CGROUP_V1: return hull_cg_v1_destroy(cg, err);
  case HULL_CGROUP_V2: return hull_cg_v2_destroy(cg, err);
  default: return 0;
  }
}

static bool rmdir_gone(const char *path) { return rmdir(path) == 0 || errno == ENOENT; }

int hull_cgroup_remove_if_empty(struct hull_cgroup *cg) {
  /* systemd stops the unit (and kills) itself; a directory hull did not
   * make is not removed, so its processes must still be killed. */
  if (cg->sd_unit) return -1;
  bool gone = true;
  switch (cg->mode) {
  case HULL_CGROUP_V1:
    for (size_t i = 0; i < cg->n_v1; i++)
      if (!cg->v1[i].created || !rmdir_gone(cg->v1[i].path)) gone = false;
    break;
  case HULL_CGROUP_V2: gone = cg->v2_created && rmdir_gone(cg->v2_path); break;
  default: gone = false; break;
  }
  return gone ? 0 : -1;
}

void hull_cg_free_fields(struct hull_cgroup *cg) {
  for (size_t i = 0; i < cg->n_v1; i++) {
    free(cg->v1[i].controllers);
    free(cg->v1[i].path);
  }
  free(cg->v1);
  cg->v1 = NULL;
  cg->n_v1 = 0;
  free(cg->v2_path);
  cg->v2_path = NULL;
  free(cg->sd_unit);
  cg->sd_unit = NULL;
  if (cg->v2_fd >= 0) close(cg->v2_fd);
  cg->v2_fd = -1;
}

void hull_cgroup_free(struct hull_cgroup *cg) {
  if (cg == NULL) return;
  hull_cg_free_fields(cg);
  free(cg);
}
