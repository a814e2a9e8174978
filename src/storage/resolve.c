/* Paths inside the rootfs: every lookup is one openat2(RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS) from the rootfs fd, every creation is *at() on a
 * directory fd obtained that way, so a symlink (or a racing rename) in the
 * image can never send a mkdir, mknod or mount outside the rootfs. */
#include "storage/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

int storage_openat2(int rootfd, const char *path, int flags, mode_t mode, uint64_t extra_resolve) {
  struct open_how how = {
      .flags = (uint64_t)flags | O_CLOEXEC,
      .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
      .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | extra_resolve,
  };
  if (*path == '\0') path = ".";
  for (int tries = 0;; tries++) {
    int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
    /* EAGAIN: a rename raced with the ".." checks; the kernel asks to retry. */
    if (fd >= 0 || errno != EAGAIN || tries >= 32) return fd;
  }
}

int hull_open_in_root(int rootfd, const char *path, int flags, mode_t mode,
                      struct hull_err **err) {
  _cleanup_free_ char *clean = hull_path_clean(path);
  int fd = storage_openat2(rootfd, clean, flags, mode, 0);
  if (fd < 0) return hull_err_sys(err, "open %s in the rootfs", path);
  return fd;
}

int hull_mkdir_in_root(int rootfd, const char *path, mode_t mode, struct hull_err **err) {
  _cleanup_free_ char *clean = hull_path_clean(path);
  /* Mostly the directory exists (sys/fs/cgroup for each hierarchy, dev):
   * one lookup, resolved inside the rootfs like the walk below. */
  int whole = storage_openat2(rootfd, clean, O_PATH | O_DIRECTORY, 0, 0);
  if (whole >= 0 || errno != ENOENT) {
    if (whole < 0) return hull_err_sys(err, "open directory %s in the rootfs", clean);
    return whole;
  }
  _cleanup_close_ int cur = storage_openat2(rootfd, "", O_PATH | O_DIRECTORY, 0, 0);
  if (cur < 0) return hull_err_sys(err, "open the rootfs");
  /* Each prefix is resolved again from the root (symlinks inside the image
   * resolve inside the image); only a missing last component is created,
   * with mkdirat on the fd of its verified parent. */
  for (char *p = clean; *p;) {
    char *end = strchrnul(p, '/');
    char saved = *end;
    *end = '\0';
    int fd = storage_openat2(rootfd, clean, O_PATH | O_DIRECTORY, 0, 0);
    if (fd < 0 && errno == ENOENT) {
      if (mkdirat(cur, p, mode) < 0 && errno != EEXIST) {
        hull_err_sys(err, "mkdir %s in the rootfs", clean);
        *end = saved;
        return -1;
      }
      fd = storage_openat2(rootfd, clean, O_PATH | O_DIRECTORY, 0, 0);
    }
    if (fd < 0) {
      hull_err_sys(err, "open directory %s in the rootfs", clean);
      *end = saved;
      return -1;
    }
    close(cur);
    cur = fd;
    *end = saved;
    p = saved ? end + 1 : end;
  }
  return hull_steal_fd(&cur);
}

int storage_open_parent(int rootfd, const char *path, char **clean_out, const char **name,
                        struct hull_err **err) {
  char *clean = hull_path_clean(path);
  *clean_out = clean;
  if (*clean == '\0') return hull_err_set(err, EINVAL, "%s: is the root itself", path);
  char *slash = strrchr(clean, '/');
  if (slash == NULL) {
    *name = clean;
    int fd = storage_openat2(rootfd, "", O_PATH | O_DIRECTORY, 0, 0);
    if (fd < 0) return hull_err_sys(err, "open the rootfs");
    return fd;
  }
  *slash = '\0';
  int fd = hull_mkdir_in_root(rootfd, clean, 0755, err);
  *slash = '/';
  *name = slash + 1;
  return fd;
}

static int check_type(int fd, const char *path, bool is_dir, bool no_symlink,
                      struct hull_err **err) {
  struct stat st;
  if (fstat(fd, &st) < 0) return hull_err_sys(err, "stat %s", path);
  if (S_ISLNK(st.st_mode)) {
    if (no_symlink) return hull_err_set(err, ELOOP, "%s: is a symlink in the rootfs, refusing to mount on it", path);
    return hull_err_set(err, ELOOP, "%s: dangling symlink in the rootfs", path);
  }
  if (is_dir && !S_ISDIR(st.st_mode))
    return hull_err_set(err, ENOTDIR, "%s: exists in the rootfs and is not a directory", path);
  if (!is_dir && S_ISDIR(st.st_mode))
    return hull_err_set(err, EISDIR, "%s: is a directory in the rootfs, the mount source is not", path);
  return 0;
}

int storage_ensure_in_root(int rootfd, const char *path, bool is_dir, bool no_symlink,
                           struct hull_err **err) {
  _cleanup_free_ char *clean = hull_path_clean(path);
  _cleanup_close_ int fd =
      storage_openat2(rootfd, clean, O_PATH | (no_symlink ? O_NOFOLLOW : 0), 0, 0);
  if (fd < 0 && errno != ENOENT) return hull_err_sys(err, "open %s in the rootfs", path);
  if (fd < 0) {
    _cleanup_free_ char *c2 = NULL;
    const char *name = NULL;
    _cleanup_close_ int parent = storage_open_parent(rootfd, path, &c2, &name, err);
    if (parent < 0) return -1;
    if (is_dir) {
      if (mkdirat(parent, name, 0755) < 0 && errno != EEXIST)
        return hull_err_sys(err, "mkdir %s in the rootfs", path);
    } else {
      int f = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (f < 0 && errno != EEXIST) return hull_err_sys(err, "create %s in the rootfs", path);
      if (f >= 0) close(f);
    }
    /* Reopened without following: if it was swapped for a symlink since,
     * check_type refuses it. */
    fd = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return hull_err_sys(err, "open %s in the rootfs", path);
  }
  if (check_type(fd, path, is_dir, no_symlink, err) < 0) return -1;
  return hull_steal_fd(&fd);
}
