/* create/run/start/delete entry points on top of the create job. */
#include "runtime/create.h"
#include "runtime/console.h"
#include "init/init.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

static void run_poststart(const struct hull_spec *spec, const struct hull_state *st) {
  if (spec->hooks.count[HULL_HOOK_POSTSTART] == 0) return; /* no state JSON to build */
  _cleanup_free_ char *json = hull_hook_state(st, HULL_STATUS_RUNNING);
  _cleanup_err_ struct hull_err *e = NULL;
  /* runtime-spec: a failing poststart hook is logged, the container runs. */
  if (hull_hooks_run(&spec->hooks, HULL_HOOK_POSTSTART, json, &e) < 0) hull_warn("%s", e->msg);
}

/* run: tell the shim to exec, wait for its sync socket to close (execve
 * succeeded: the socket is CLOEXEC) or an error. */
static int run_start(struct hull_create_job *j, struct hull_err **err) {
  if (!j->start_sent && hull_sync_send(j->sync_fd, HULL_SYNC_START, NULL) < 0)
    return hull_err_sys(err, "run: send start to the container's init");
  enum hull_sync_type t;
  _cleanup_free_ char *msg = NULL;
  if (hull_sync_recv(j->sync_fd, &t, &msg, err) < 0) return -1;
  if (t == HULL_SYNC_ERROR) return hull_err_set(err, 0, "%s", msg ? msg : "start failed");
  run_poststart(j->spec, j->c->state);
  return 0;
}

static int run_foreground(struct hull_create_job *j, int *exit_code, struct hull_err **err) {
  /* Unlock: kill, state, exec and friends must work while we wait. */
  close(j->c->dirfd);
  j->c->dirfd = -1;
  *exit_code = hull_wait_foreground(j->pid, j->master, !j->opts->no_subreaper);
  if (j->opts->keep) return 0;
  _cleanup_err_ struct hull_err *oerr = NULL;
  _cleanup_container_ struct hull_container *c =
      hull_container_open(j->ctx->root, j->id, true, &oerr);
  if (c == NULL) { /* deleted meanwhile is fine */
    if (oerr->errnum == ENOENT) return 0;
    return hull_err_move(err, &oerr);
  }
  return hull_container_teardown(c, j->spec, err);
}

int hull_container_create(const struct hull_runtime_ctx *ctx, const char *id,
                          const struct hull_create_opts *opts, int *exit_code,
                          struct hull_err **err) {
  *exit_code = 0;
  if (hull_preserved_fds_check(opts->preserve_fds, "--preserve-fds", err) < 0) return -1;
  uint64_t listen = 0;
  const char *lf = getenv("LISTEN_FDS");
  if (lf && hull_parse_uint64(lf, &listen) == 0 && listen > 0 && listen <= 256 &&
      hull_preserved_fds_check((int)listen, "LISTEN_FDS", err) < 0)
    return -1;
  struct hull_create_job j;
  hull_create_job_init(&j, ctx, id, opts);
  sigset_t orig;
  bool fg = opts->run && !opts->detach;
  if (fg) hull_block_signals(&orig);
  if (fg && !opts->no_subreaper) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  int r = hull_create_job_run(&j, err);
  if (r == 0 && opts->run) {
    if (run_start(&j, err) < 0) {
      hull_container_teardown(j.c, j.spec, NULL);
      r = -1;
    } else if (!opts->detach) {
      r = run_foreground(&j, exit_code, err);
    }
  }
  hull_create_job_free(&j);
  if (fg) hull_restore_signals(&orig);
  return r;
}

/* The shim blocks reading exec.fifo (it holds it open read-write); one
 * byte releases it. No reader left means the init is gone (ENXIO). The
 * shim keeps its (close-on-exec) end until execve, so our write end
 * reports POLLERR exactly when the process has been exec'd (or the shim
 * died): poststart then runs after the process started, as runtime-spec
 * says, and after the startContainer hooks. */
static int release_fifo(struct hull_container *c, struct hull_err **err) {
  _cleanup_free_ char *path = hull_xasprintf("%s/exec.fifo", c->dir);
  _cleanup_close_ int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0 && errno == ENXIO)
    return hull_err_set(err, 0, "container \"%s\": init exited before start", c->id);
  if (fd < 0) return hull_err_sys(err, "open %s", path);
  if (write(fd, "0", 1) != 1) return hull_err_sys(err, "write %s", path);
  unlink(path);
  struct pollfd p = {.fd = fd, .events = 0};
  /* A process that exits at once is gone by now too: not an error, so the
   * init's death is not checked here (state then says stopped). */
  while (poll(&p, 1, -1) < 0 && errno == EINTR) {
  }
  return 0;
}

int hull_container_start(const struct hull_runtime_ctx *ctx, const char *id,
                         struct hull_err **err) {
  _cleanup_container_ struct hull_container *c = hull_container_open(ctx->root, id, false, err);
  if (c == NULL) return -1;
  enum hull_status s = hull_container_status(ctx->root, c->state);
  /* runc's words where it has some: clients match error text. */
  if (s == HULL_STATUS_STOPPED)
    return hull_err_set(err, 0, "container \"%s\": cannot start a container that has stopped", id);
  if (s == HULL_STATUS_RUNNING)
    return hull_err_set(err, 0, "container \"%s\": cannot start an already running container", id);
  if (s != HULL_STATUS_CREATED)
    return hull_err_set(err, 0, "cannot start container \"%s\": it is %s, not created", id,
                        hull_status_name(s));
  _cleanup_spec_ struct hull_spec *spec = hull_container_spec(c, err);
  if (spec == NULL) return -1;
  if (release_fifo(c, err) < 0) return -1;
  run_poststart(spec, c->state);
  return 0;
}

int hull_container_delete(const struct hull_runtime_ctx *ctx, const char *id, bool force,
                          struct hull_err **err) {
  struct hull_err *oerr = NULL;
  _cleanup_container_ struct hull_container *c = hull_container_open(ctx->root, id, true, &oerr);
  if (c == NULL) {
    if (force && oerr->errnum == ENOENT) {
      hull_err_free(&oerr);
      return 0;
    }
    *err = oerr;
    return -1;
  }
  if (c->state) {
    enum hull_status s = hull_container_status(ctx->root, c->state);
    if (!force && (s == HULL_STATUS_RUNNING || s == HULL_STATUS_PAUSED || s == HULL_STATUS_CREATING))
      return hull_err_set(err, 0, "cannot delete container \"%s\" that is not stopped: %s",
                          id, hull_status_name(s));
  }
  _cleanup_spec_ struct hull_spec *spec = hull_container_spec_teardown(c);
  return hull_container_teardown(c, spec, err);
}
