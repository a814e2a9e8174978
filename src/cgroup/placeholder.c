/* Placeholders so the tree links while cgroup/ is being written: every
 * entry point fails with ENOSYS and says so. Replaced file by file. */
#include "cgroup/cgroup.h"

#include <errno.h>

int hull_cgroup_detect(enum hull_cgroup_mode *mode, struct hull_err **err) {
  hull_err_set(err, ENOSYS, "hull_cgroup_detect: not implemented yet");
  return -1;
}

int hull_cgroup_apply(struct hull_cgroup *cg, const struct hull_resources *res, bool update, struct hull_err **err) {
  hull_err_set(err, ENOSYS, "hull_cgroup_apply: not implemented yet");
  return -1;
}

int hull_cgroup_fd(struct hull_cgroup *cg) {
  return -1;
}

int hull_cgroup_enter(struct hull_cgroup *cg, pid_t pid, const char *sub, struct hull_err **err) {
  hull_err_set(err, ENOSYS, "hull_cgroup_enter: not implemented yet");
  return -1;
}

int hull_cgroup_freeze(struct hull_cgroup *cg, bool freeze, struct hull_err **err) {
  hull_err_set(err, ENOSYS, "hull_cgroup_freeze: not implemented yet");
  return -1;
}

int hull_cgroup_is_frozen(struct hull_cgroup *cg) {
  return -1;
}

int hull_cgroup_kill_all(struct hull_cgroup *cg, int sig, struct hull_err **err) {
  hull_err_set(err, ENOSYS, "hull_cgroup_kill_all: not implemented yet");
  return -1;
}

int hull_cgroup_pids(struct hull_cgroup *cg, pid_t **pids, size_t *n, struct hull_err **err) {
  hull_err_set(err, ENOSYS, "hull_cgroup_pids: not implemented yet");
  return -1;
}

int hull_cgroup_stats(struct hull_cgroup *cg, yajl_gen g, struct hull_err **err) {
  hull_err_set(err, ENOSYS, "hull_cgroup_stats: not implemented yet");
  return -1;
}

int hull_cgroup_oom_count(struct hull_cgroup *cg, uint64_t *count, struct hull_err **err) {
  hull_err_set(err, ENOSYS, "hull_cgroup_oom_count: not implemented yet");
  return -1;
}

int hull_cgroup_destroy(struct hull_cgroup *cg, struct hull_err **err) {
  hull_err_set(err, ENOSYS, "hull_cgroup_destroy: not implemented yet");
  return -1;
}

void hull_cgroup_free(struct hull_cgroup *cg) {
}

struct hull_cgroup *hull_cgroup_create(const char *manager, const char *cgroups_path,
                                       const char *id, bool rootless,
                                       const struct hull_resources *res,
                                       struct hull_err **err) {
  hull_err_set(err, ENOSYS, "hull_cgroup_create: not implemented yet");
  return NULL;
}
char *hull_cgroup_serialize(const struct hull_cgroup *cg) { return NULL; }
struct hull_cgroup *hull_cgroup_load(const char *serialized, struct hull_err **err) {
  hull_err_set(err, ENOSYS, "hull_cgroup_load: not implemented yet");
  return NULL;
}
