/* Undoing a container: kill, network, cgroup, poststop hooks, state dir.
 * Shared by delete and by a failed create/run. */
#include "runtime/internal.h"
#include "init/init.h"
#include "net/net.h"
#include "storage/storage.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>

struct hull_spec *hull_container_spec(const struct hull_container *c, struct hull_err **err) {
  _cleanup_free_ char *path = hull_xasprintf("%s/config.json", c->dir);
  return hull_spec_load(path, err);
}

struct hull_spec *hull_container_spec_teardown(const struct hull_container *c) {
  _cleanup_err_ struct hull_err *e = NULL;
  struct hull_spec *spec = hull_container_spec(c, &e);
  if (spec != NULL) return spec;
  /* Saved by an older, more lenient hull (or damaged): deleting must still
   * work, with what teardown needs taken from whatever still reads. */
  _cleanup_free_ char *path = hull_xasprintf("%s/config.json", c->dir);
  hull_debug("delete %s: %s; reading only annotations and poststop hooks", c->id, e->msg);
  hull_err_free(&e);
  spec = hull_spec_load_teardown(path, &e);
  if (spec == NULL) hull_warn("delete %s: %s (no poststop hooks, no network options)", c->id, e->msg);
  return spec;
}

struct hull_cgroup *hull_state_cgroup(const struct hull_state *st, struct hull_err **err) {
  if (st == NULL || st->cgroup == NULL || *st->cgroup == '\0')
    return hull_err_set(err, ENOENT, "container \"%s\" has no cgroup recorded in its state",
                        st && st->id ? st->id : "?"), NULL;
  return hull_cgroup_load(st->cgroup, err);
}

/* No pidfd (a kernel before 5.3, a seccomp profile without pidfd_open,
 * valgrind 3.19: ENOSYS): kill(2) once the start time matches, as runc
 * does; the pid could only be reused in between if the init died and was
 * reaped in that instant. */
static int signal_by_pid(const struct hull_state *st, int sig, struct hull_err **err) {
  if (!hull_pid_alive(st->pid, st->start_time))
    return hull_err_set(err, 0, "cannot signal container \"%s\": container not running", st->id);
  if (kill(st->pid, sig) < 0)
    return hull_err_sys(err, "kill container \"%s\" init (pid %d)", st->id, (int)st->pid);
  return 0;
}

int hull_state_signal(const struct hull_state *st, int sig, struct hull_err **err) {
  int pidfd = (int)syscall(SYS_pidfd_open, st->pid, 0);
  if (pidfd < 0 && errno == ENOSYS) return signal_by_pid(st, sig, err);
  if (pidfd < 0) return hull_err_set(err, 0, "cannot signal container \"%s\": container not running", st->id);
  /* The pidfd pins the process: checking its start time after opening
   * rules out a recycled pid. */
  if (!hull_pid_alive(st->pid, st->start_time)) {
    close(pidfd);
    return hull_err_set(err, 0, "cannot signal container \"%s\": container not running", st->id);
  }
  int r = (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
  close(pidfd);
  if (r < 0 && errno == ENOSYS) return signal_by_pid(st, sig, err);
  if (r < 0) return hull_err_sys(err, "kill container \"%s\" init (pid %d)", st->id, (int)st->pid);
  return 0;
}

char *hull_hook_state(const struct hull_state *st, enum hull_status status) {
  char *json = hull_state_oci_json(st, status, false, NULL);
  return json ? json : hull_xstrdup("{}");
}

/* SIGKILL to every process of the container, then wait (bounded) until
 * the init is gone so the cgroup can be removed. cg NULL: the cgroup is
 * gone already (it was empty), only an init that never joined it (a
 * create that failed early) may be left. */
static void kill_everything(const struct hull_state *st, struct hull_cgroup *cg) {
  if (cg) hull_cgroup_kill_all(cg, SIGKILL, NULL);
  /* A pid with another start time is not ours: once dead, never alive again. */
  if (st->pid <= 0 || !hull_pid_alive(st->pid, st->start_time)) return;
  hull_state_signal(st, SIGKILL, NULL);
  for (int i = 0; i < 1000 && hull_pid_alive(st->pid, st->start_time); i++) hull_sleep_ms(10);
}

int hull_container_teardown(struct hull_container *c, const struct hull_spec *spec,
                            struct hull_err **err) {
  struct hull_state *st = c->state;
  struct hull_err *first = NULL, *e = NULL;
  struct hull_cgroup *cg = st ? hull_state_cgroup(st, NULL) : NULL;
  /* Mostly (run, delete of a stopped container) the cgroup is empty: one
   * rmdir each, and no listing of its processes to kill (cgroup.procs and
   * a directory walk, /proc/<pid>/stat twice) on the way out of `run`.
   * Only a busy cgroup takes kill, wait and the retrying removal. */
  if (cg && hull_cgroup_remove_if_empty(cg) == 0) {
    hull_cgroup_free(cg);
    cg = NULL;
  }
  if (st) kill_everything(st, cg);
  if (st && st->net_setup && spec) {
    struct hull_net_ctx nctx = {.id = c->id, .state_root = c->root, .state_dir = c->dir,
                                .net_mode = st->net_mode, .pid = 0};
    hull_net_teardown(spec, &nctx, &e); /* its errors say "network teardown" */
    hull_err_move(&first, &e);
  }
  if (cg) {
    if (hull_cgroup_destroy(cg, &e) < 0) hull_err_prefix(&e, "remove cgroup");
    hull_err_move(&first, &e);
    hull_cgroup_free(cg);
  }
  /* poststop: only for containers that got past create; failures are
   * logged, the container is deleted anyway (runtime-spec). */
  if (st && spec && !st->creating && spec->hooks.count[HULL_HOOK_POSTSTOP] > 0) {
    _cleanup_free_ char *json = hull_hook_state(st, HULL_STATUS_STOPPED);
    if (hull_hooks_run(&spec->hooks, HULL_HOOK_POSTSTOP, json, &e) < 0) hull_warn("%s", e->msg);
    hull_err_free(&e);
  }
  /* The overlay mount lived in the container's mount namespace only (gone
   * with its processes); its dirs may be deep and locked by their modes. */
  const char *ovl = NULL;
  for (size_t i = 0; st && i < st->n_annotations; i++)
    if (strcmp(st->annotations[i].key, HULL_ANNOTATION_ROOTFS_OVERLAY) == 0)
      ovl = st->annotations[i].value;
  hull_overlay_remove(c->dir, c->id, ovl, &e);
  hull_err_move(&first, &e);
  hull_container_remove_dir(c, &e);
  hull_err_move(&first, &e);
  return hull_err_move(err, &first);
}
