/* tmpcopyup: the image's content of a directory copied into the fresh
 * tmpfs mounted over it, done on fds before the tmpfs is attached. */
#include "storage/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static int copy_tree_at(int src, int dst, int depth, struct hull_err **err);

static int copy_meta(int fd, const struct stat *st, const char *name, struct hull_err **err) {
  if (fchown(fd, st->st_uid, st->st_gid) < 0) return hull_err_sys(err, "chown %s", name);
  if (fchmod(fd, st->st_mode & 07777) < 0) return hull_err_sys(err, "chmod %s", name);
  struct timespec ts[2] = {st->st_atim, st->st_mtim};
  if (futimens(fd, ts) < 0) return hull_err_sys(err, "utimens %s", name);
  return 0;
}

static int copy_file(int src, int dst, const char *name, const struct stat *st,
                     struct hull_err **err) {
  _cleanup_close_ int in = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (in < 0) return hull_err_sys(err, "open %s", name);
  _cleanup_close_ int out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (out < 0) return hull_err_sys(err, "create %s", name);
  char buf[65536];
  for (;;) {
    ssize_t n = read(in, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return hull_err_sys(err, "read %s", name);
    if (n == 0) break;
    if (hull_write_all(out, buf, (size_t)n) < 0) return hull_err_sys(err, "write %s", name);
  }
  return copy_meta(out, st, name, err);
}

static int copy_entry(int src, int dst, const char *name, int depth, struct hull_err **err) {
  struct stat st;
  if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0) return hull_err_sys(err, "stat %s", name);
  if (S_ISREG(st.st_mode)) return copy_file(src, dst, name, &st, err);
  if (S_ISDIR(st.st_mode)) {
    if (mkdirat(dst, name, 0700) < 0) return hull_err_sys(err, "mkdir %s", name);
    _cleanup_close_ int s = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    _cleanup_close_ int d = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (s < 0 || d < 0) return hull_err_sys(err, "open directory %s", name);
    if (copy_tree_at(s, d, depth + 1, err) < 0) return hull_err_prefix(err, "%s", name);
    return copy_meta(d, &st, name, err);
  }
  if (S_ISLNK(st.st_mode)) {
    char target[4096];
    ssize_t n = readlinkat(src, name, target, sizeof(target) - 1);
    if (n < 0) return hull_err_sys(err, "readlink %s", name);
    target[n] = '\0';
    if (symlinkat(target, dst, name) < 0) return hull_err_sys(err, "symlink %s", name);
    if (fchownat(dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
      return hull_err_sys(err, "chown %s", name);
    return 0;
  }
  if (mknodat(dst, name, st.st_mode, st.st_rdev) < 0) return hull_err_sys(err, "mknod %s", name);
  if (fchownat(dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
    return hull_err_sys(err, "chown %s", name);
  return 0;
}

static int copy_tree_at(int src, int dst, int depth, struct hull_err **err) {
  if (depth > 256) return hull_err_set(err, ELOOP, "directory tree too deep");
  int dupfd = fcntl(src, F_DUPFD_CLOEXEC, 3);
  if (dupfd < 0) return hull_err_sys(err, "dup");
  DIR *d = fdopendir(dupfd);
  if (d == NULL) {
    close(dupfd);
    return hull_err_sys(err, "opendir");
  }
  int r = 0;
  for (struct dirent *e; r == 0 && (e = readdir(d));) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    r = copy_entry(src, dst, e->d_name, depth, err);
  }
  closedir(d);
  return r;
}

int storage_copy_tree(int srcfd, int dstfd, struct hull_err **err) {
  _cleanup_close_ int dst = openat(dstfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dst < 0) return hull_err_sys(err, "open the new tmpfs");
  struct stat st;
  if (fstat(srcfd, &st) < 0) return hull_err_sys(err, "stat");
  if (copy_tree_at(srcfd, dst, 0, err) < 0) return -1;
  return copy_meta(dst, &st, ".", err);
}
