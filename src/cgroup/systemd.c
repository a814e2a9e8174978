/* systemd cgroup driver (--systemd-cgroup, --cgroup-manager systemd): the
 * container's cgroup is a transient scope systemd makes (Delegate=yes),
 * with the shim's pid in it; its limits go both as unit properties (kept
 * across daemon-reload) and, like everything else, through cgroupfs in
 * the scope's directory by the v2 backend. Talks to systemd with hull's
 * own D-Bus client (dbus/). On cgroup v1 (legacy and hybrid hosts) the
 * scope is the name=systemd cgroup (and those of the controllers systemd
 * manages); hull makes the same path in every other hierarchy, the shim
 * joins them all before it runs (as with cgroupfs on v1), and the v1 code
 * writes the limits. */
#include "cgroup/internal.h"
#include "dbus/dbus.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
#define SD_CALL_MS 10000
#define SD_JOB_MS 30000

/* JobRemoved signals seen, kept until the job waited for is known (its
 * path comes with the reply; its signal may be read before it). */
#define SD_SEEN 16
struct sd_jobs {
  char *path[SD_SEEN], *result[SD_SEEN];
  size_t next;
  const char *want; /* the job path waited for */
  const char *found; /* its result, once seen */
};

static void jobs_free(struct sd_jobs *w) {
  for (size_t i = 0; i < SD_SEEN; i++) free(w->path[i]), free(w->result[i]);
}

static void on_signal(const struct hull_dbus_msg *m, void *data) {
  struct sd_jobs *w = data;
  if (!m->member || strcmp(m->member, "JobRemoved") != 0 || !m->iface ||
      strcmp(m->iface, SD_MANAGER) != 0)
    return;
  struct hull_dbus_rd r;
  uint32_t id;
  const char *job, *unit, *result;
  if (hull_dbus_body(m, "uoss", &r, NULL) < 0 || hull_dbus_get_u32(&r, &id, NULL) < 0 ||
      hull_dbus_get_str(&r, &job, NULL) < 0 || hull_dbus_get_str(&r, &unit, NULL) < 0 ||
      hull_dbus_get_str(&r, &result, NULL) < 0)
    return;
  size_t i = w->next++ % SD_SEEN;
  free(w->path[i]);
  free(w->result[i]);
  w->path[i] = hull_xstrdup(job);
  w->result[i] = hull_xstrdup(result);
}

static bool job_done(void *data) {
  struct sd_jobs *w = data;
  for (size_t i = 0; i < SD_SEEN && w->want; i++)
    if (w->path[i] && strcmp(w->path[i], w->want) == 0) {
      w->found = w->result[i];
      return true;
    }
  return false;
}

/* The uid systemd sees for us: our euid mapped out of a user namespace
 * (rootless podman runs us as its namespace's root), from uid_map. */
static uid_t outer_uid(void) {
  uid_t uid = geteuid();
  _cleanup_free_ char *map = hull_read_file("/proc/self/uid_map", NULL, NULL);
  char *save = NULL;
  for (char *l = map ? strtok_r(map, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
    unsigned long in, out, n;
    if (sscanf(l, "%lu %lu %lu", &in, &out, &n) == 3 && uid >= in && uid - in < n)
      return (uid_t)(out + (uid - in));
  }
  return uid;
}

/* root: systemd's private socket (no bus daemon involved), else the
 * system bus; user: the user manager's private socket, else the session
 * bus. The error names every socket tried. */
static struct hull_dbus *sd_connect(bool user, struct hull_err **err) {
  _cleanup_free_ char *priv = NULL, *bus = NULL;
  if (user) {
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    if (xdg == NULL || *xdg != '/')
      return hull_err_set(err, ENOENT, "--systemd-cgroup (rootless): XDG_RUNTIME_DIR is not set: "
                                       "cannot find the user's systemd"), NULL;
    priv = hull_xasprintf("%s/systemd/private", xdg);
    bus = hull_dbus_address_path(getenv("DBUS_SESSION_BUS_ADDRESS"));
    if (bus == NULL) bus = hull_xasprintf("%s/bus", xdg);
  } else {
    priv = hull_xstrdup("/run/systemd/private");
    bus = hull_dbus_address_path(getenv("DBUS_SYSTEM_BUS_ADDRESS"));
    if (bus == NULL) bus = hull_xstrdup("/run/dbus/system_bus_socket");
  }
  uid_t uid = outer_uid();
  struct hull_err *e1 = NULL, *e2 = NULL;
  struct hull_dbus *c = hull_dbus_open(priv, false, uid, &e1);
  if (c == NULL) c = hull_dbus_open(bus, true, uid, &e2);
  if (c == NULL)
    hull_err_set(err, 0, "--systemd-cgroup: cannot reach %s (%s; %s)",
                 user ? "the user's systemd" : "systemd",
                 e1 ? e1->msg : "?", e2 ? e2->msg : "?");
  hull_err_free(&e1);
  hull_err_free(&e2);
  return c;
}

static int sd_call(struct hull_dbus *c, const char *member, const char *sig,
                   const struct hull_dbus_buf *body, struct hull_dbus_msg *reply,
                   struct hull_err **err) {
  struct hull_dbus_call call = {hull_dbus_is_bus(c) ? SD_DEST : NULL, SD_PATH, SD_MANAGER, member, sig};
  return hull_dbus_call(c, &call, body, SD_CALL_MS, reply, err);
}

/* Subscribe (JobRemoved to us) and, through a bus daemon, the match that
 * routes the signal. */
static int subscribe(struct hull_dbus *c, struct sd_jobs *w, struct hull_err **err) {
  hull_dbus_on_signal(c, on_signal, w);
  if (hull_dbus_is_bus(c)) {
    _cleanup_dbus_buf_ struct hull_dbus_buf b = {0};
    hull_dbus_put_str(&b, "type='signal',sender='" SD_DEST "',path='" SD_PATH "',interface='" SD_MANAGER
                          "',member='JobRemoved'");
    struct hull_dbus_call add = {"org.freedesktop.DBus", "/org/freedesktop/DBus",
                                 "org.freedesktop.DBus", "AddMatch", "s"};
    if (hull_dbus_call(c, &add, &b, SD_CALL_MS, NULL, err) < 0) return -1;
  }
  return sd_call(c, "Subscribe", NULL, NULL, NULL, err);
}

/* What a job's result other than "done" means, for the error. */
static const char *job_result_hint(const char *result) {
  if (strcmp(result, "dependency") == 0) return " (a unit it needs, such as its slice, did not start)";
  if (strcmp(result, "canceled") == 0) return " (another job replaced it)";
  if (strcmp(result, "timeout") == 0) return " (systemd's job timeout)";
  return "";
}

/* Waits for the job the reply names; its result must be "done". */
static int wait_job(struct hull_dbus *c, struct sd_jobs *w, struct hull_dbus_msg *reply,
                    const char *what, const char *unit, struct hull_err **err) {
  struct hull_dbus_rd r;
  const char *job;
  if (hull_dbus_body(reply, "o", &r, err) < 0 || hull_dbus_get_str(&r, &job, err) < 0)
    return hull_err_prefix(err, "%s %s", what, unit);
  w->want = job;
  w->found = NULL;
  int rc = hull_dbus_wait(c, job_done, w, SD_JOB_MS, err);
  w->want = NULL;
  if (rc < 0) return hull_err_prefix(err, "%s %s: waiting for job %s", what, unit, job);
  if (strcmp(w->found, "done") != 0)
    return hull_err_set(err, EIO, "%s %s: systemd job %s ended with result \"%s\"%s", what, unit, job,
                        w->found, job_result_hint(w->found));
  return 0;
}

static void reset_failed(struct hull_dbus *c, const char *unit) {
  _cleanup_dbus_buf_ struct hull_dbus_buf b = {0};
  hull_dbus_put_str(&b, unit);
  sd_call(c, "ResetFailedUnit", "s", &b, NULL, NULL);
}

/* StopUnit and its job; a unit already gone is fine (a scope goes by
 * itself once its last process exits). A failed stop resets the unit's
 * failed state so its name can be used again. */
static int stop_unit(struct hull_dbus *c, struct sd_jobs *w, const char *unit, struct hull_err **err) {
  _cleanup_dbus_buf_ struct hull_dbus_buf b = {0};
  hull_dbus_put_str(&b, unit);
  hull_dbus_put_str(&b, "replace");
  _cleanup_dbus_msg_ struct hull_dbus_msg reply = {0};
  _cleanup_err_ struct hull_err *e = NULL;
  int r = sd_call(c, "StopUnit", "ss", &b, &reply, &e);
  if (r < 0 && strstr(e->msg, "org.freedesktop.systemd1.NoSuchUnit")) {
    reset_failed(c, unit);
    return 0;
  }
  if (r == 0) r = wait_job(c, w, &reply, "stop", unit, &e);
  reset_failed(c, unit);
  /* e is kept apart until now: a NoSuchUnit answer is no error at all */
  hull_err_move(err, &e);
  return r;
}

/* Where systemd put pid (the v2 cgroup, or on v1 the name=systemd one),
 * checked to be the unit's; v2: the scope's directory; v1: the same path
 * in every hierarchy, made where missing. */
static int scope_path(struct hull_cgroup *cg, pid_t pid, struct hull_err **err) {
  _cleanup_free_ char *f = hull_xasprintf("/proc/%d/cgroup", (int)pid);
  _cleanup_free_ char *pc = hull_read_file(f, NULL, err);
  if (pc == NULL) return -1;
  bool v1 = cg->mode == HULL_CGROUP_V1;
  _cleanup_free_ char *p = hull_cg_proc_path(pc, v1 ? "name=systemd" : NULL);
  if (!hull_cg_sd_proc_unit_ok(p, cg->sd_unit))
    return hull_err_set(err, EIO, "systemd scope %s: the container's init (pid %d) is in cgroup \"%s\", not in it",
                        cg->sd_unit, (int)pid, p ? p : "?");
  if (!v1) {
    cg->v2_path = hull_xasprintf("%s%s", HULL_CG_ROOT, p);
    return 0;
  }
  _cleanup_free_ char *mountinfo = hull_read_file("/proc/self/mountinfo", NULL, err);
  return mountinfo ? hull_cg_v1_create(cg, p, mountinfo, err) : -1;
}

static int start_scope(struct hull_dbus *c, struct sd_jobs *w, const char *slice, const char *unit,
                       const char *id, pid_t pid, const struct hull_resources *res,
                       struct hull_err **err) {
  _cleanup_dbus_buf_ struct hull_dbus_buf b = {0};
  hull_dbus_put_str(&b, unit);
  hull_dbus_put_str(&b, "replace");
  size_t props = hull_dbus_array_begin(&b, 8);
  if (hull_cg_sd_scope_props(&b, slice, id, pid, res, err) < 0) return -1;
  hull_dbus_array_end(&b, props, 8);
  size_t aux = hull_dbus_array_begin(&b, 8);
  hull_dbus_array_end(&b, aux, 8);
  _cleanup_dbus_msg_ struct hull_dbus_msg reply = {0};
  if (sd_call(c, "StartTransientUnit", "ssa(sv)a(sa(sv))", &b, &reply, err) < 0) {
    if (err && *err && strstr((*err)->msg, "org.freedesktop.systemd1.UnitExists"))
      return hull_err_prefix(err, "systemd unit %s already exists (another container with this "
                                  "linux.cgroupsPath?)", unit);
    return hull_err_prefix(err, "systemd scope %s in %s", unit, slice);
  }
  _cleanup_free_ char *where = hull_xasprintf("%s in slice %s", unit, slice);
  return wait_job(c, w, &reply, "start", where, err);
}

int hull_cg_sd_create(struct hull_cgroup *cg, const char *cgroups_path, const char *id, bool user,
                      pid_t pid, const struct hull_resources *res, struct hull_err **err) {
  _cleanup_free_ char *slice = NULL;
  if (hull_cg_sd_parse_path(cgroups_path, id, user, &slice, &cg->sd_unit, err) < 0) return -1;
  cg->sd_user = user;
  _cleanup_dbus_ struct hull_dbus *c = sd_connect(user, err);
  if (c == NULL) return -1;
  struct sd_jobs w __attribute__((cleanup(jobs_free))) = {0};
  if (hull_cgroup_detect(&cg->mode, err) < 0 || subscribe(c, &w, err) < 0) return -1;
  if (start_scope(c, &w, slice, cg->sd_unit, id, pid, res, err) < 0) {
    /* A timed-out or failed start may have left the unit: remove it,
     * unless it was someone else's already. */
    if (!(err && *err && strstr((*err)->msg, "already exists"))) stop_unit(c, &w, cg->sd_unit, NULL);
    return -1;
  }
  if (scope_path(cg, pid, err) < 0) {
    stop_unit(c, &w, cg->sd_unit, NULL);
    return -1;
  }
  return 0;
}

int hull_cg_sd_update(struct hull_cgroup *cg, const struct hull_resources *res, struct hull_err **err) {
  _cleanup_dbus_buf_ struct hull_dbus_buf b = {0};
  hull_dbus_put_str(&b, cg->sd_unit);
  hull_dbus_put_bool(&b, true); /* runtime: gone at reboot, as the unit */
  size_t props = hull_dbus_array_begin(&b, 8);
  if (hull_cg_sd_limit_props(&b, res, err) < 0) return -1;
  bool none = b.len == (props + 4 + 7) / 8 * 8; /* length word + padding, no property */
  hull_dbus_array_end(&b, props, 8);
  if (none) return 0; /* nothing systemd keeps: no connection at all */
  _cleanup_dbus_ struct hull_dbus *c = sd_connect(cg->sd_user, err);
  if (c == NULL || sd_call(c, "SetUnitProperties", "sba(sv)", &b, NULL, err) < 0)
    return hull_err_prefix(err, "systemd unit %s", cg->sd_unit);
  return 0;
}

int hull_cg_sd_destroy(struct hull_cgroup *cg, struct hull_err **err) {
  {
    _cleanup_dbus_ struct hull_dbus *c = sd_connect(cg->sd_user, err);
    if (c == NULL) return -1;
    struct sd_jobs w __attribute__((cleanup(jobs_free))) = {0};
    if (subscribe(c, &w, err) < 0 || stop_unit(c, &w, cg->sd_unit, err) < 0) return -1;
  }
  /* v1: the directories hull made in the hierarchies systemd left alone. */
  return cg->mode == HULL_CGROUP_V1 ? hull_cg_v1_destroy(cg, err) : 0;
}
