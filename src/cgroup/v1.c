/* cgroup v1 backend: one directory per mounted hierarchy (legacy and
 * hybrid hosts; a controller-less cgroup2 "unified" mount is ignored).
 * Creation, joining, freezer, removal. Resources are in v1_res.c. */
#include "cgroup/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

const char *hull_cg_v1_dir(const struct hull_cgroup *cg, const char *controller) {
  for (size_t i = 0; i < cg->n_v1; i++)
    if (hull_cg_list_has(cg->v1[i].controllers, controller)) return cg->v1[i].path;
  return NULL;
}

/* The kernel refuses tasks in a cpuset whose cpus or mems are empty, and a
 * new v1 cpuset starts empty (unless the parent's cgroup.clone_children
 * copied them): the parent's values go into the new one. */
static int cpuset_fill(const char *dir, struct hull_err **err) {
  _cleanup_free_ char *parent = hull_xstrdup(dir);
  *strrchr(parent, '/') = '\0';
  static const char *files[] = {"cpuset.cpus", "cpuset.mems"};
  for (int i = 0; i < 2; i++) {
    _cleanup_free_ char *val = hull_cg_read(parent, files[i], err);
    if (val == NULL || hull_cg_write(dir, files[i], val, err) < 0) return -1;
  }
  return 0;
}

/* mkdir -p below the mount point; *leaf_created tells whether the last
 * component is new. New cpuset levels get their parent's cpus/mems. The
 * leaf first: its parents usually exist (one mkdir instead of one per
 * level for every hierarchy). */
static int make_dirs(const char *mountpoint, const char *path, bool cpuset, bool *leaf_created,
                     struct hull_err **err) {
  *leaf_created = false;
  if (mkdir(path, 0755) == 0) {
    *leaf_created = true;
    return cpuset ? cpuset_fill(path, err) : 0;
  }
  if (errno == EEXIST) return 0;
  if (errno != ENOENT) return hull_err_sys(err, "mkdir %s", path);
  _cleanup_free_ char *p = hull_xstrdup(path);
  size_t skip = strlen(mountpoint);
  for (char *s = p + skip + 1;; s++) {
    if (*s != '/' && *s != '\0') continue;
    char saved = *s;
    *s = '\0';
    bool made = mkdir(p, 0755) == 0;
    if (!made && errno != EEXIST) return hull_err_sys(err, "mkdir %s", p);
    if (made && cpuset && cpuset_fill(p, err) < 0) return -1;
    if (saved == '\0') {
      *leaf_created = made;
      break;
    }
    *s = saved;
  }
  return 0;
}

/* The cgroup of this process in one hierarchy, relative to the mount's
 * root (which differs from "/" inside containers). */
static char *own_cgroup(const char *proc_cgroup, const char *controllers, const char *mnt_root) {
  _cleanup_free_ char *first = hull_xstrdup(controllers);
  char *comma = strchr(first, ',');
  if (comma) *comma = '\0';
  _cleanup_free_ char *own = hull_cg_proc_path(proc_cgroup, first);
  if (own == NULL) return hull_xstrdup("/");
  if (strcmp(mnt_root, "/") != 0 && hull_str_has_prefix(own, mnt_root)) {
    const char *rest = own + strlen(mnt_root);
    return hull_xstrdup(*rest ? rest : "/");
  }
  return hull_steal_ptr(&own);
}

static int add_hierarchy(struct hull_cgroup *cg, const char *cleaned, const char *proc_cgroup,
                         const char *root, const char *mp, const char *ctl, struct hull_err **err) {
  for (size_t i = 0; i < cg->n_v1; i++)
    if (strcmp(cg->v1[i].controllers, ctl) == 0) return 0; /* mounted twice */
  _cleanup_free_ char *own = own_cgroup(proc_cgroup, ctl, root);
  _cleanup_free_ char *inner = hull_cg_resolve(cleaned, own);
  char *path = hull_xasprintf("%s%s", mp, inner);
  bool created = false;
  if (make_dirs(mp, path, hull_cg_list_has(ctl, "cpuset"), &created, err) < 0) {
    free(path);
    return -1;
  }
  cg->v1 = hull_xrealloc(cg->v1, (cg->n_v1 + 1) * sizeof(*cg->v1));
  cg->v1[cg->n_v1++] = (struct hull_cg_v1_dir){hull_xstrdup(ctl), path, created};
  return 0;
}

int hull_cg_v1_create(struct hull_cgroup *cg, const char *cleaned, const char *mountinfo,
                      struct hull_err **err) {
  _cleanup_free_ char *mi = hull_xstrdup(mountinfo);
  _cleanup_free_ char *pc = hull_read_file("/proc/self/cgroup", NULL, err);
  if (pc == NULL) return -1;
  char *save = NULL;
  int r = 0;
  for (char *l = strtok_r(mi, "\n", &save); r == 0 && l; l = strtok_r(NULL, "\n", &save)) {
    _cleanup_free_ char *root = NULL, *mp = NULL, *ctl = NULL;
    if (hull_cg_parse_mountinfo(l, &root, &mp, &ctl) != 1) continue;
    if (!hull_str_has_prefix(mp, HULL_CG_ROOT "/") || *ctl == '\0') continue;
    r = add_hierarchy(cg, cleaned, pc, root, mp, ctl, err);
  }
  if (r == 0 && cg->n_v1 == 0) r = hull_err_set(err, ENOENT, "no cgroup v1 hierarchy under %s", HULL_CG_ROOT);
  if (r < 0) hull_cg_v1_destroy(cg, NULL); /* undo the leaves made so far */
  return r;
}

/* The directory hierarchy i's process goes to: sub where it exists (a
 * sub-cgroup joins the hierarchies where it exists; elsewhere the process
 * stays in the container's own cgroup), else the container's. */
static const char *enter_dir(const struct hull_cgroup *cg, size_t i, const char *sub,
                             char **subdir, bool *sub_found) {
  *subdir = sub ? hull_xasprintf("%s/%s", cg->v1[i].path, sub) : NULL;
  struct stat st;
  if (*subdir && stat(*subdir, &st) == 0 && S_ISDIR(st.st_mode)) {
    *sub_found = true;
    return *subdir;
  }
  return cg->v1[i].path;
}

int hull_cg_v1_enter(struct hull_cgroup *cg, pid_t pid, const char *sub, struct hull_err **err) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%d", (int)pid);
  bool sub_found = false;
  for (size_t i = 0; i < cg->n_v1; i++) {
    _cleanup_free_ char *dir = NULL;
    if (hull_cg_write(enter_dir(cg, i, sub, &dir, &sub_found), "cgroup.procs", buf, err) < 0)
      return -1;
  }
  if (sub && !sub_found)
    return hull_err_set(err, ENOENT, "--cgroup %s: no such sub-cgroup in any hierarchy", sub);
  return 0;
}

int hull_cg_v1_tasks_open(struct hull_cgroup *cg, const char *sub, struct hull_cgroup_tasks *t,
                          struct hull_err **err) {
  bool sub_found = false;
  t->fds = hull_xcalloc(cg->n_v1, sizeof(*t->fds));
  t->paths = hull_xcalloc(cg->n_v1, sizeof(*t->paths));
  for (size_t i = 0; i < cg->n_v1; i++) {
    _cleanup_free_ char *dir = NULL;
    char *path = hull_xasprintf("%s/tasks", enter_dir(cg, i, sub, &dir, &sub_found));
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
      hull_err_sys(err, "open %s", path);
      free(path);
      return -1;
    }
    t->fds[t->n] = fd;
    t->paths[t->n++] = path;
  }
  if (sub && !sub_found)
    return hull_err_set(err, ENOENT, "--cgroup %s: no such sub-cgroup in any hierarchy", sub);
  return 0;
}

int hull_cg_v1_freeze(struct hull_cgroup *cg, bool freeze, struct hull_err **err) {
  const char *dir = hull_cg_v1_dir(cg, "freezer");
  if (dir == NULL) return hull_err_set(err, ENOTSUP, "no freezer cgroup hierarchy on this host");
  const char *want = freeze ? "FROZEN" : "THAWED";
  /* FREEZING can take a while when tasks are in uninterruptible sleep;
   * re-asking nudges the kernel. Bounded: about 4 s in all. */
  for (int i = 0; i < 2000; i++) {
    if (i % 50 == 0 && hull_cg_write(dir, "freezer.state", want, err) < 0) return -1;
    _cleanup_free_ char *state = hull_cg_read(dir, "freezer.state", err);
    if (state == NULL) return -1;
    if (strcmp(state, want) == 0) return 0;
    hull_sleep_ms(2);
  }
  if (freeze) hull_cg_write(dir, "freezer.state", "THAWED", NULL);
  return hull_err_set(err, ETIMEDOUT, "%s/freezer.state: did not reach %s", dir, want);
}

int hull_cg_v1_is_frozen(struct hull_cgroup *cg) {
  const char *dir = hull_cg_v1_dir(cg, "freezer");
  if (dir == NULL) return -1;
  _cleanup_free_ char *state = hull_cg_read(dir, "freezer.state", NULL);
  if (state == NULL) return -1;
  return strcmp(state, "THAWED") != 0;
}

int hull_cg_v1_destroy(struct hull_cgroup *cg, struct hull_err **err) {
  int r = 0;
  for (size_t i = 0; i < cg->n_v1; i++) {
    if (!cg->v1[i].created) continue; /* never remove what we did not make */
    if (hull_cg_rmdir_tree(cg->v1[i].path, err) < 0) r = -1;
  }
  return r;
}
