/* kill, pause/resume, ps, update, stats: operations on a live container. */
#include "runtime/internal.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <yajl/yajl_gen.h>

/* The container, locked, with its cgroup loaded (cg NULL allowed when
 * want_cg is false). */
static struct hull_container *open_live(const struct hull_runtime_ctx *ctx, const char *id,
                                        enum hull_status *s, struct hull_err **err) {
  struct hull_container *c = hull_container_open(ctx->root, id, false, err);
  if (c) *s = hull_container_status(ctx->root, c->state);
  return c;
}

/* kill --all without a cgroup: init first (pidfd-checked), then the rest
 * of its pid namespace. */
static int kill_pidns(const struct hull_state *st, int sig, struct hull_err **err) {
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  if (hull_pidns_members(st->pid, &pids, &n, err) < 0) return hull_err_prefix(err, "kill --all");
  if (hull_state_signal(st, sig, err) < 0) return -1;
  for (size_t i = 0; i < n; i++)
    if (pids[i] != st->pid && kill(pids[i], sig) < 0 && errno != ESRCH)
      return hull_err_sys(err, "kill --all: kill %d", (int)pids[i]);
  return 0;
}

int hull_container_kill(const struct hull_runtime_ctx *ctx, const char *id, int sig, bool all,
                        struct hull_err **err) {
  enum hull_status s;
  _cleanup_container_ struct hull_container *c = open_live(ctx, id, &s, err);
  if (c == NULL) return -1;
  if (s == HULL_STATUS_STOPPED && !all)
    return hull_err_set(err, 0, "cannot kill container \"%s\": container not running", id);
  if (all) {
    struct hull_cgroup *cg = hull_state_cgroup(c->state, err);
    if (cg == NULL) return hull_err_prefix(err, "kill --all");
    int r = hull_cgroup_kill_all(cg, sig, err);
    hull_cgroup_free(cg);
    if (r < 0 && err && *err && (*err)->errnum == ENOTSUP && s != HULL_STATUS_STOPPED) {
      hull_err_free(err);
      r = kill_pidns(c->state, sig, err);
    }
    return r;
  }
  if (hull_state_signal(c->state, sig, err) < 0) return -1;
  /* SIGKILL to a paused container: its frozen init dies only once thawed
   * (cgroup v1), so it is thawed; other signals wait for resume. */
  if (s == HULL_STATUS_PAUSED && sig == SIGKILL) {
    struct hull_cgroup *cg = hull_state_cgroup(c->state, err);
    if (cg == NULL) return hull_err_prefix(err, "kill: thaw after SIGKILL");
    int r = hull_cgroup_freeze(cg, false, err);
    hull_cgroup_free(cg);
    return r;
  }
  return 0;
}

int hull_container_pause(const struct hull_runtime_ctx *ctx, const char *id, bool pause,
                         struct hull_err **err) {
  enum hull_status s;
  _cleanup_container_ struct hull_container *c = open_live(ctx, id, &s, err);
  if (c == NULL) return -1;
  if (pause && s != HULL_STATUS_RUNNING && s != HULL_STATUS_CREATED)
    return hull_err_set(err, 0, "cannot pause container \"%s\": container not running (%s)", id,
                        hull_status_name(s));
  if (!pause && s != HULL_STATUS_PAUSED)
    return hull_err_set(err, 0, "cannot resume container \"%s\": container not paused (%s)", id,
                        hull_status_name(s));
  struct hull_cgroup *cg = hull_state_cgroup(c->state, err);
  if (cg == NULL) return -1;
  int r = hull_cgroup_freeze(cg, pause, err);
  hull_cgroup_free(cg);
  return r;
}

int hull_container_pids(const struct hull_runtime_ctx *ctx, const char *id, pid_t **pids,
                        size_t *n, struct hull_err **err) {
  enum hull_status s;
  _cleanup_container_ struct hull_container *c = open_live(ctx, id, &s, err);
  if (c == NULL) return -1;
  *pids = NULL;
  *n = 0;
  if (s == HULL_STATUS_STOPPED) return 0;
  struct hull_cgroup *cg = hull_state_cgroup(c->state, err);
  if (cg == NULL) return -1;
  int r = hull_cgroup_pids(cg, pids, n, err);
  hull_cgroup_free(cg);
  if (r < 0 && err && *err && (*err)->errnum == ENOTSUP) {
    hull_err_free(err);
    r = hull_pidns_members(c->state->pid, pids, n, err);
    if (r < 0) hull_err_prefix(err, "ps");
  }
  return r;
}

int hull_container_update(const struct hull_runtime_ctx *ctx, const char *id,
                          const struct hull_resources *res, struct hull_err **err) {
  enum hull_status s;
  _cleanup_container_ struct hull_container *c = open_live(ctx, id, &s, err);
  if (c == NULL) return -1;
  if (s == HULL_STATUS_STOPPED)
    return hull_err_set(err, 0, "cannot update container \"%s\": container not running (stopped)", id);
  struct hull_cgroup *cg = hull_state_cgroup(c->state, err);
  if (cg == NULL) return -1;
  int r = hull_cgroup_apply(cg, res, true, err);
  hull_cgroup_free(cg);
  return r;
}

static void gen_str(yajl_gen g, const char *s) {
  yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

char *hull_container_stats_json(const struct hull_runtime_ctx *ctx, const char *id,
                                struct hull_err **err) {
  _cleanup_state_ struct hull_state *st = hull_state_load(ctx->root, id, err);
  if (st == NULL) return NULL;
  if (hull_container_status(ctx->root, st) == HULL_STATUS_STOPPED)
    return hull_err_set(err, 0, "container \"%s\" is not running (stopped)", id), NULL;
  struct hull_cgroup *cg = hull_state_cgroup(st, err);
  if (cg == NULL) return NULL;
  yajl_gen g = yajl_gen_alloc(NULL);
  yajl_gen_map_open(g);
  gen_str(g, "type");
  gen_str(g, "stats");
  gen_str(g, "id");
  gen_str(g, id);
  gen_str(g, "data");
  int r = hull_cgroup_stats(cg, g, err);
  hull_cgroup_free(cg);
  yajl_gen_map_close(g);
  const unsigned char *buf;
  size_t len;
  char *out = NULL;
  if (r == 0 && yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
    out = hull_xmalloc(len + 1);
    memcpy(out, buf, len);
    out[len] = '\0';
  } else if (r == 0) {
    hull_err_set(err, 0, "events: generating stats JSON failed");
  }
  yajl_gen_free(g);
  return out;
}

int hull_container_oom_count(const struct hull_runtime_ctx *ctx, const char *id,
                             uint64_t *count, struct hull_err **err) {
  _cleanup_state_ struct hull_state *st = hull_state_load(ctx->root, id, err);
  if (st == NULL) return -1;
  struct hull_cgroup *cg = hull_state_cgroup(st, err);
  if (cg == NULL) return -1;
  int r = hull_cgroup_oom_count(cg, count, err);
  hull_cgroup_free(cg);
  return r;
}
