/* OCI mount entries of type overlay: their lowerdir/upperdir/workdir are
 * opened by hull, never left to the kernel's path walk as the shim (root)
 * sees it: a path in the rootfs is resolved inside it (RESOLVE_IN_ROOT, so
 * a symlink in the image cannot make a host directory the upper layer), any
 * other path is a host path of the trusted config, a relative one relative
 * to the bundle (as bind sources). overlayfs then gets the fds' paths
 * (/proc/self/fd/N: no second walk). */
#include "storage/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

static const char *const layer_keys[] = {"lowerdir", "upperdir", "workdir", "lowerdir+",
                                         "datadir+", NULL};

static int open_layer(int rootfd, const struct hull_rootfs_opts *opts, const char *dest,
                      const char *key, const char *path, struct hull_err **err) {
  _cleanup_free_ char *abs = path[0] == '/' ? hull_xstrdup(path)
                                            : hull_xasprintf("%s/%s", opts->bundle ? opts->bundle : ".", path);
  _cleanup_free_ char *clean = hull_path_clean(abs);
  _cleanup_free_ char *root = hull_path_clean(opts->rootfs);
  size_t n = strlen(root);
  int fd;
  if (*root && strncmp(clean, root, n) == 0 && (clean[n] == '\0' || clean[n] == '/'))
    fd = storage_openat2(rootfd, clean + n + (clean[n] == '/'), O_RDONLY | O_DIRECTORY, 0, 0);
  else
    fd = open(abs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return hull_err_sys(err, "overlay mount %s: %s %s", dest, key, path);
  return fd;
}

/* "a\:b:c" -> "a:b", "c" (overlayfs escapes ':' in layer lists). */
static char *next_layer(const char **p) {
  char *out = hull_xmalloc(strlen(*p) + 1);
  size_t o = 0;
  for (; **p && **p != ':'; (*p)++) {
    if (**p == '\\' && (*p)[1]) (*p)++;
    out[o++] = **p;
  }
  out[o] = '\0';
  if (**p == ':') (*p)++;
  return out;
}

static int rewrite_one(int rootfd, const struct hull_rootfs_opts *opts, const char *dest,
                       const char *key, const char *value, char **out, int **fds, size_t *nfds,
                       struct hull_err **err) {
  _cleanup_free_ char *v = hull_xasprintf("%s=", key);
  bool list = strcmp(key, "lowerdir") == 0;
  for (const char *p = value; *p || p == value;) {
    _cleanup_free_ char *layer = list ? next_layer(&p) : hull_xstrdup(p);
    if (!list) p += strlen(p);
    if (!*layer) return hull_err_set(err, EINVAL, "overlay mount %s: %s: empty path", dest, key);
    int fd = open_layer(rootfd, opts, dest, key, layer, err);
    if (fd < 0) return -1;
    *fds = hull_xrealloc(*fds, (*nfds + 1) * sizeof(**fds));
    (*fds)[(*nfds)++] = fd;
    char *next = hull_xasprintf("%s%s/proc/self/fd/%d", v, v[strlen(v) - 1] == '=' ? "" : ":", fd);
    free(v);
    v = next;
    if (!*p) break;
  }
  char *joined = hull_xasprintf("%s%s%s", *out, **out ? "," : "", v);
  free(*out);
  *out = joined;
  return 0;
}

int storage_overlay_entry_data(int rootfd, const struct hull_rootfs_opts *opts,
                               const struct hull_mount *m, struct hull_mount_flags *f,
                               int **fds, size_t *nfds, struct hull_err **err) {
  _cleanup_free_ char *out = hull_xstrdup("");
  bool userxattr = false;
  _cleanup_free_ char *copy = hull_xstrdup(f->data ? f->data : "");
  for (char *save = NULL, *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(o, '=');
    bool layer = false;
    for (size_t k = 0; eq && layer_keys[k]; k++)
      layer |= strlen(layer_keys[k]) == (size_t)(eq - o) && strncmp(o, layer_keys[k], (size_t)(eq - o)) == 0;
    userxattr |= strcmp(o, "userxattr") == 0;
    if (layer) {
      *eq = '\0';
      if (rewrite_one(rootfd, opts, m->destination, o, eq + 1, &out, fds, nfds, err) < 0) return -1;
      continue;
    }
    char *joined = hull_xasprintf("%s%s%s", out, *out ? "," : "", o);
    free(out);
    out = joined;
  }
  /* Made inside a user namespace, overlayfs cannot use trusted.* xattrs. */
  if (opts->new_userns && !userxattr) {
    char *joined = hull_xasprintf("%s%suserxattr", out, *out ? "," : "");
    free(out);
    out = joined;
  }
  free(f->data);
  f->data = hull_steal_ptr(&out);
  return 0;
}
