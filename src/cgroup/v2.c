/* cgroup v2 backend: the unified hierarchy at /sys/fs/cgroup. Creation
 * (controllers enabled down the path), joining, freeze via cgroup.freeze
 * waiting for cgroup.events, cgroup.kill, removal. Resources: v2_res.c. */
#include "cgroup/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>

/* Enables in dir's subtree_control every controller dir offers, so the
 * child below gets them. All at once first; one by one when the kernel
 * refuses the set (e.g. a controller busy with internal processes). */
static int enable_controllers(const char *dir, struct hull_err **err) {
  _cleanup_free_ char *avail = hull_cg_read(dir, "cgroup.controllers", err);
  if (avail == NULL) return -1;
  if (*avail == '\0') return 0;
  _cleanup_free_ char *all = hull_xcalloc(1, 2 * strlen(avail) + 2);
  char *save = NULL;
  _cleanup_free_ char *copy = hull_xstrdup(avail);
  for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
    if (*all) strcat(all, " ");
    strcat(all, "+");
    strcat(all, t);
  }
  if (hull_cg_write(dir, "cgroup.subtree_control", all, NULL) == 0) return 0;
  save = NULL;
  for (char *t = strtok_r(all, " ", &save); t; t = strtok_r(NULL, " ", &save))
    if (hull_cg_write(dir, "cgroup.subtree_control", t, NULL) < 0)
      hull_debug("cgroup: cannot enable %s in %s/cgroup.subtree_control", t + 1, dir);
  return 0;
}

static int make_path(const char *path, bool *leaf_created, struct hull_err **err) {
  _cleanup_free_ char *p = hull_xstrdup(path);
  *leaf_created = false;
  for (char *s = p + strlen(HULL_CG_ROOT) + 1;; s++) {
    if (*s != '/' && *s != '\0') continue;
    char saved = *s;
    *s = '\0';
    /* The parent of this level must hand its controllers down. */
    _cleanup_free_ char *parent = hull_xstrdup(p);
    *strrchr(parent, '/') = '\0';
    if (enable_controllers(parent, err) < 0) return -1;
    bool made = mkdir(p, 0755) == 0;
    if (!made && errno != EEXIST) return hull_err_sys(err, "mkdir %s", p);
    if (saved == '\0') {
      *leaf_created = made;
      return 0;
    }
    *s = saved;
  }
}

int hull_cg_v2_create(struct hull_cgroup *cg, const char *cleaned,
                      const struct hull_resources *res, struct hull_err **err) {
  (void)res;
  _cleanup_free_ char *pc = hull_read_file("/proc/self/cgroup", NULL, err);
  if (pc == NULL) return -1;
  /* runc: a relative path goes below the parent of our own cgroup, since
   * our own has processes and could not hand controllers down. */
  _cleanup_free_ char *own = hull_cg_proc_path(pc, NULL);
  _cleanup_free_ char *base = hull_cg_clean_path(own ? own : "/");
  char *slash = strrchr(base, '/');
  if (slash) slash[slash == base ? 1 : 0] = '\0';
  _cleanup_free_ char *inner = hull_cg_resolve(cleaned, base);
  cg->v2_path = hull_xasprintf("%s%s", HULL_CG_ROOT, inner);
  if (make_path(cg->v2_path, &cg->v2_created, err) < 0) return -1;
  /* Not in the leaf itself: a cgroup that hands controllers down cannot
   * hold processes (no internal processes on v2). */
  /* "domain invalid" (e.g. below a threaded subtree) cannot take tasks. */
  _cleanup_free_ char *type = hull_cg_read(cg->v2_path, "cgroup.type", NULL);
  if (type && strcmp(type, "domain invalid") == 0) {
    hull_cg_v2_destroy(cg, NULL);
    return hull_err_set(err, EINVAL, "%s: cgroup type is \"domain invalid\"", cg->v2_path);
  }
  return 0;
}

int hull_cg_v2_enter(struct hull_cgroup *cg, pid_t pid, const char *sub, struct hull_err **err) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%d", (int)pid);
  _cleanup_free_ char *dir = sub ? hull_xasprintf("%s/%s", cg->v2_path, sub) : hull_xstrdup(cg->v2_path);
  struct stat st;
  if (sub && (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)))
    return hull_err_set(err, ENOENT, "--cgroup %s: no such sub-cgroup (%s)", sub, dir);
  return hull_cg_write(dir, "cgroup.procs", buf, err);
}

/* "frozen" of cgroup.events read through fd; reading also re-arms the
 * POLLPRI notification kernfs gives on the next change. */
static int events_frozen(int fd, uint64_t *frozen) {
  char buf[256];
  ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
  if (n < 0) return -1;
  buf[n] = '\0';
  return hull_cg_keyed_in(buf, "frozen", frozen);
}

int hull_cg_v2_freeze(struct hull_cgroup *cg, bool freeze, struct hull_err **err) {
  if (!hull_cg_exists(cg->v2_path, "cgroup.freeze"))
    return hull_err_set(err, ENOTSUP, "%s/cgroup.freeze missing (kernel older than 5.2)", cg->v2_path);
  _cleanup_free_ char *ev = hull_xasprintf("%s/cgroup.events", cg->v2_path);
  _cleanup_close_ int fd = open(ev, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return hull_err_sys(err, "open %s", ev);
  if (hull_cg_write(cg->v2_path, "cgroup.freeze", freeze ? "1" : "0", err) < 0) return -1;
  /* Wait, bounded (5 s), until "frozen" says what we asked for. */
  int64_t deadline = hull_now_ms() + 5000;
  for (;;) {
    uint64_t frozen = 2;
    if (events_frozen(fd, &frozen) < 0) return hull_err_set(err, EIO, "%s: no \"frozen\" key", ev);
    if (frozen == (freeze ? 1u : 0u)) return 0;
    int left = hull_ms_until(deadline);
    if (left == 0) break;
    struct pollfd p = {fd, POLLPRI, 0};
    poll(&p, 1, left < 50 ? left : 50);
  }
  if (freeze) hull_cg_write(cg->v2_path, "cgroup.freeze", "0", NULL);
  return hull_err_set(err, ETIMEDOUT, "%s: cgroup did not become %s", ev, freeze ? "frozen" : "thawed");
}

int hull_cg_v2_is_frozen(struct hull_cgroup *cg) {
  _cleanup_free_ char *s = hull_cg_read(cg->v2_path, "cgroup.freeze", NULL);
  if (s == NULL) return -1;
  return strcmp(s, "1") == 0;
}

int hull_cg_v2_kill(struct hull_cgroup *cg, struct hull_err **err) {
  return hull_cg_write(cg->v2_path, "cgroup.kill", "1", err);
}

int hull_cg_v2_destroy(struct hull_cgroup *cg, struct hull_err **err) {
  if (!cg->v2_created) return 0; /* never remove what we did not make */
  return hull_cg_rmdir_tree(cg->v2_path, err);
}

int hull_cg_v2_oom_count(struct hull_cgroup *cg, uint64_t *count, struct hull_err **err) {
  if (hull_cg_keyed_u64(cg->v2_path, "memory.events", "oom_kill", count) < 0)
    return hull_err_set(err, ENOENT, "%s/memory.events: no oom_kill count (memory controller not enabled?)",
                        cg->v2_path);
  return 0;
}

int hull_cg_v1_oom_count(struct hull_cgroup *cg, uint64_t *count, struct hull_err **err) {
  const char *d = hull_cg_v1_dir(cg, "memory");
  if (d == NULL) return hull_err_set(err, ENOTSUP, "no memory cgroup hierarchy on this host");
  if (hull_cg_keyed_u64(d, "memory.oom_control", "oom_kill", count) < 0)
    return hull_err_set(err, ENOENT, "%s/memory.oom_control: no oom_kill count", d);
  return 0;
}
