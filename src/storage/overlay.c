/* The copy-on-write rootfs: directories, idmapped lower layers and the
 * overlayfs superblock, returned as a detached mount. The runtime calls it
 * before cloning the shim when it is privileged (so idmapped lowers and
 * root-only state dirs are in reach); an unprivileged runtime's shim calls
 * it inside the container's user and mount namespaces. Layers are handed
 * to overlayfs as fds (fsconfig FSCONFIG_SET_FD), paths on older kernels. */
#include "storage/internal.h"
#include "ns/ns.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

struct layers {
  int fd[HULL_OVERLAY_MAX_LOWER + 2]; /* lowers (top first), then upper, work */
  char *path[HULL_OVERLAY_MAX_LOWER + 2];
  int tree[HULL_OVERLAY_MAX_LOWER];   /* idmapped detached trees, -1: none */
  size_t n_lower;
};

static void layers_free(struct layers *l) {
  for (size_t i = 0; i < HULL_OVERLAY_MAX_LOWER + 2; i++) {
    if (l->fd[i] >= 0) close(l->fd[i]);
    free(l->path[i]);
  }
  for (size_t i = 0; i < HULL_OVERLAY_MAX_LOWER; i++)
    if (l->tree[i] >= 0) close(l->tree[i]);
}

/* Host id of container id `id` under the mappings; -1 when unmapped. */
static int64_t map_up(const struct hull_id_mapping *m, size_t n, uint32_t id) {
  for (size_t i = 0; i < n; i++)
    if (id >= m[i].container_id && id - m[i].container_id < m[i].size)
      return (int64_t)m[i].host_id + (id - m[i].container_id);
  return -1;
}

static bool host_id_mapped(const struct hull_id_mapping *m, size_t n, uint32_t id) {
  for (size_t i = 0; i < n; i++)
    if (id >= m[i].host_id && id - m[i].host_id < m[i].size) return true;
  return false;
}

/* A lower layer needs an idmapped mount when the container cannot see its
 * owner: the files would show as nobody and copy-up could not keep them. */
static bool wants_idmap(const struct hull_overlay_req *r, const struct stat *st) {
  const struct hull_linux *lx = r->lx;
  return r->new_userns && lx && lx->n_uid_mappings && lx->n_gid_mappings &&
         !host_id_mapped(lx->uid_mappings, lx->n_uid_mappings, st->st_uid);
}

static int idmapped_tree(const struct hull_overlay_req *r, int fd, const char *dir, int *userns,
                         struct hull_err **err) {
  if (*userns < 0) {
    struct hull_mount m = {.destination = (char *)dir,
                           .uid_mappings = r->lx->uid_mappings,
                           .n_uid_mappings = r->lx->n_uid_mappings,
                           .gid_mappings = r->lx->gid_mappings,
                           .n_gid_mappings = r->lx->n_gid_mappings};
    *userns = storage_userns_fd(&m, err);
    if (*userns < 0) return -1;
  }
  _cleanup_close_ int tree = storage_clone_tree(fd, false, dir, err);
  if (tree < 0) return -1;
  struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)*userns};
  if (mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
    return hull_err_sys(err, "idmapped mount of %s", dir);
  return hull_steal_fd(&tree);
}

static int open_dir(const char *dir, struct stat *st, struct hull_err **err) {
  _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return hull_err_sys(err, "%s", dir);
  if (st && fstat(fd, st) < 0) return hull_err_sys(err, "stat %s", dir);
  return hull_steal_fd(&fd);
}

/* Lower layers, top first; *top gets the owner/mode of the top one as the
 * container will see it (the merged "/" shows the upper's root). */
static int open_lowers(const struct hull_overlay_req *r, struct layers *l, struct stat *top,
                       struct hull_err **err) {
  const struct hull_overlay_cfg *c = r->cfg;
  char *const own[] = {(char *)r->rootfs, NULL};
  char *const *dirs = c->lower ? c->lower : own;
  bool idmap_ok = hull_ns_in_initial_userns() && geteuid() == 0;
  _cleanup_close_ int userns = -1;
  for (size_t i = 0; dirs[i]; i++, l->n_lower++) {
    struct stat st;
    l->fd[i] = open_dir(dirs[i], &st, err);
    if (l->fd[i] < 0) return hull_err_prefix(err, "%s: lower layer", c->what);
    l->path[i] = hull_xstrdup(dirs[i]);
    if (idmap_ok && wants_idmap(r, &st)) {
      l->tree[i] = idmapped_tree(r, l->fd[i], dirs[i], &userns, err);
      if (l->tree[i] < 0) return hull_err_prefix(err, "%s: lower layer", c->what);
      close(l->fd[i]);
      l->fd[i] = openat(l->tree[i], ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (l->fd[i] < 0) return hull_err_sys(err, "%s: open idmapped %s", c->what, dirs[i]);
      int64_t u = map_up(r->lx->uid_mappings, r->lx->n_uid_mappings, st.st_uid);
      int64_t g = map_up(r->lx->gid_mappings, r->lx->n_gid_mappings, st.st_gid);
      st.st_uid = u < 0 ? 65534 : (uid_t)u;
      st.st_gid = g < 0 ? 65534 : (gid_t)g;
    }
    if (i == 0) *top = st;
  }
  return 0;
}

/* mkdir -p that is fine with an existing directory; a made one gets the
 * owner and mode of `like` (or mode). */
static int make_dir(const char *dir, mode_t mode, const struct stat *like, bool *made,
                    struct hull_err **err) {
  struct stat st;
  *made = false;
  if (stat(dir, &st) == 0) {
    if (!S_ISDIR(st.st_mode)) return hull_err_set(err, ENOTDIR, "%s: not a directory", dir);
    return 0;
  }
  if (errno != ENOENT) return hull_err_sys(err, "stat %s", dir);
  if (hull_mkdir_p(dir, 0755, err) < 0) return -1;
  *made = true;
  /* Inside a user namespace an owner it does not map cannot be given:
   * the dir stays ours then, which is what the container sees anyway. */
  if (like && chown(dir, like->st_uid, like->st_gid) < 0 && hull_ns_in_initial_userns())
    return hull_err_sys(err, "chown %s", dir);
  if (chmod(dir, like ? like->st_mode & 07777 : mode) < 0) return hull_err_sys(err, "chmod %s", dir);
  return 0;
}

/* realpath of a path that may not exist yet: its deepest existing
 * ancestor resolved, the rest appended. */
__attribute__((returns_nonnull)) static char *canon(const char *path) {
  char buf[PATH_MAX];
  if (realpath(path, buf)) return hull_xstrdup(buf);
  const char *slash = strrchr(path, '/');
  if (errno != ENOENT || slash == NULL || slash == path) return hull_xstrdup(path);
  _cleanup_free_ char *parent = hull_xasprintf("%.*s", (int)(slash - path), path);
  _cleanup_free_ char *p = canon(parent);
  return hull_xasprintf("%s%s", strcmp(p, "/") == 0 ? "" : p, slash);
}

static bool path_within(const char *inner, const char *outer) {
  /* canon() never returns NULL; the static analyzers cannot tell */
  if (inner == NULL || outer == NULL) return false;
  size_t n = strlen(outer);
  if (strcmp(outer, "/") == 0) return true;
  return strncmp(inner, outer, n) == 0 && (inner[n] == '\0' || inner[n] == '/');
}

/* overlayfs lets an upper layer sit inside a lower one: the image would
 * then be written through the upper, which is what the overlay is for not
 * doing. Refused both ways, symlinks resolved, before anything is made. */
static int check_overlap(const struct hull_overlay_req *r, const struct layers *l,
                         struct hull_err **err) {
  const struct hull_overlay_cfg *c = r->cfg;
  _cleanup_free_ char *up = c->upper ? canon(c->upper) : canon(r->dir);
  _cleanup_free_ char *wk = c->upper ? hull_xasprintf("%s.work", up) : NULL;
  for (size_t i = 0; i < l->n_lower; i++) {
    _cleanup_free_ char *lo = canon(l->path[i]);
    const char *hit = path_within(up, lo) || path_within(lo, up) ? up
                      : wk && (path_within(wk, lo) || path_within(lo, wk)) ? wk : NULL;
    if (hit)
      return hull_err_set(err, EINVAL,
                          "%s: %s %s overlaps lower layer %s (the image would be written)",
                          c->what, c->upper ? "upper=" : "state dir", hit, lo);
  }
  return 0;
}

/* upper/ and work/: in the state dir, or upper= and its work dir beside. */
static int open_upper(const struct hull_overlay_req *r, struct layers *l, const struct stat *top,
                      struct hull_err **err) {
  const struct hull_overlay_cfg *c = r->cfg;
  size_t u = l->n_lower, w = u + 1;
  bool made;
  if (c->upper) {
    l->path[u] = hull_xstrdup(c->upper);
    l->path[w] = hull_overlay_workdir(c->upper, r->id);
    _cleanup_free_ char *parent = hull_xasprintf("%s.work", c->upper);
    if (make_dir(c->upper, 0755, top, &made, err) < 0 || make_dir(parent, 0700, NULL, &made, err) < 0)
      return hull_err_prefix(err, "%s: upper=", c->what);
  } else {
    l->path[u] = hull_xasprintf("%s/upper", r->dir);
    l->path[w] = hull_xasprintf("%s/work", r->dir);
    if (hull_mkdir_p(r->dir, 0700, err) < 0 || make_dir(l->path[u], 0755, top, &made, err) < 0)
      return hull_err_prefix(err, "%s", c->what);
  }
  if (make_dir(l->path[w], 0700, NULL, &made, err) < 0) return hull_err_prefix(err, "%s", c->what);
  l->fd[u] = open_dir(l->path[u], NULL, err);
  if (l->fd[u] < 0) return hull_err_prefix(err, "%s: upper", c->what);
  l->fd[w] = open_dir(l->path[w], NULL, err);
  if (l->fd[w] < 0) return hull_err_prefix(err, "%s: work dir", c->what);
  return 0;
}

static int fs_error(int fsfd, const char *what, const char *key, const char *path,
                    struct hull_err **err) {
  return storage_fs_error(fsfd, err, "%s: overlayfs %s%s%s", what, key, path ? " " : "",
                          path ? path : "");
}

/* Before Linux 6.13 overlayfs takes no layer fds: the paths then (an
 * idmapped tree through its /proc/self/fd link). */
static int set_layers_by_path(int fsfd, const char *what, struct layers *l,
                              struct hull_err **err) {
  char buf[512];
  while (read(fsfd, buf, sizeof(buf)) > 0) {} /* the refused fd's message */
  _cleanup_free_ char *lower = hull_xstrdup("");
  char *p[HULL_OVERLAY_MAX_LOWER + 2] = {0};
  for (size_t i = 0; i < l->n_lower + 2; i++)
    p[i] = i < l->n_lower && l->tree[i] >= 0 ? hull_xasprintf("/proc/self/fd/%d", l->tree[i])
                                              : hull_xstrdup(l->path[i]);
  for (size_t i = 0; i < l->n_lower; i++) {
    char *next = hull_xasprintf("%s%s%s", lower, i ? ":" : "", p[i]);
    free(lower);
    lower = next;
  }
  const char *keys[] = {"lowerdir", "upperdir", "workdir"};
  const char *vals[] = {lower, p[l->n_lower], p[l->n_lower + 1]};
  int r = 0;
  for (size_t k = 0; k < 3 && r == 0; k++)
    if (fsconfig(fsfd, FSCONFIG_SET_STRING, keys[k], vals[k], 0) < 0)
      r = fs_error(fsfd, what, keys[k], vals[k], err);
  for (size_t i = 0; i < l->n_lower + 2; i++) free(p[i]);
  return r;
}

static int set_layers(int fsfd, const char *what, struct layers *l, struct hull_err **err) {
  for (size_t i = 0; i < l->n_lower + 2; i++) {
    const char *key = i < l->n_lower ? "lowerdir+" : i == l->n_lower ? "upperdir" : "workdir";
    if (fsconfig(fsfd, FSCONFIG_SET_FD, key, NULL, l->fd[i]) == 0) continue;
    if (i == 0 && errno == EINVAL) return set_layers_by_path(fsfd, what, l, err);
    return fs_error(fsfd, what, key, l->path[i], err);
  }
  return 0;
}

static int make_overlay(const struct hull_overlay_req *r, struct layers *l,
                        struct hull_err **err) {
  const char *what = r->cfg->what;
  _cleanup_close_ int fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
  if (fsfd < 0) return hull_err_sys(err, "%s: fsopen overlay (is overlayfs available?)", what);
  if (set_layers(fsfd, what, l, err) < 0) return -1;
  /* Inside a user namespace trusted.* xattrs are out of reach: whiteouts
   * and opaque dirs are then recorded in user.overlay.* */
  if (!hull_ns_in_initial_userns() && fsconfig(fsfd, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0)
    return fs_error(fsfd, what, "userxattr", NULL, err);
  /* An upper layer in the state dir is thrown away at delete: a host crash
   * loses nothing worth a sync, and the sync at unmount was most of the
   * overlay's cost (2-6 ms vs 0.5-1 ms per container on this host). */
  bool vol = r->cfg->volatile_ || r->cfg->upper == NULL;
  if (vol && fsconfig(fsfd, FSCONFIG_SET_FLAG, "volatile", NULL, 0) < 0)
    return fs_error(fsfd, what, "volatile", NULL, err);
  if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return fs_error(fsfd, what, "mount", NULL, err);
  int mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
  if (mfd < 0) return hull_err_sys(err, "%s: fsmount overlay", what);
  return mfd;
}

int hull_overlay_mount(const struct hull_overlay_req *r, struct hull_err **err) {
  struct layers l __attribute__((cleanup(layers_free)));
  memset(&l, 0, sizeof(l));
  for (size_t i = 0; i < HULL_OVERLAY_MAX_LOWER + 2; i++) l.fd[i] = -1;
  for (size_t i = 0; i < HULL_OVERLAY_MAX_LOWER; i++) l.tree[i] = -1;
  struct stat top;
  if (open_lowers(r, &l, &top, err) < 0) return -1;
  if (check_overlap(r, &l, err) < 0 || open_upper(r, &l, &top, err) < 0) return -1;
  return make_overlay(r, &l, err);
}

int hull_overlay_remove(const char *state_dir, const char *id, const char *value,
                        struct hull_err **err) {
  _cleanup_close_ int sfd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (sfd < 0) return errno == ENOENT ? 0 : hull_err_sys(err, "open %s", state_dir);
  if (hull_remove_tree(sfd, "rootfs-overlay", err) < 0)
    return hull_err_prefix(err, "overlay: %s", state_dir);
  struct hull_overlay_cfg c __attribute__((cleanup(hull_overlay_cfg_free))) = {0};
  if (value == NULL || hull_overlay_cfg_parse(value, "overlay", &c, NULL) < 0 || c.upper == NULL)
    return 0;
  /* upper= is kept; its work dir for this container goes, and the .work
   * parent too once no other container uses it. */
  _cleanup_free_ char *parent = hull_xasprintf("%s.work", c.upper);
  _cleanup_close_ int pfd = open(parent, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (pfd < 0) return errno == ENOENT ? 0 : hull_err_sys(err, "overlay: open %s", parent);
  if (hull_remove_tree(pfd, id, err) < 0) return hull_err_prefix(err, "overlay: %s", parent);
  if (rmdir(parent) < 0 && errno != ENOTEMPTY && errno != ENOENT)
    return hull_err_sys(err, "overlay: remove %s", parent);
  return 0;
}
