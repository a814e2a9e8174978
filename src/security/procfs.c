/* Trusted procfs access. Writes that change the security of the container
 * process (LSM labels, oom_score_adj, sysctls) must land in the kernel's
 * procfs, never in a file the image or a volume put at /proc
 * (CVE-2019-16884) nor under a bind mount racing onto a /proc file
 * (CVE-2025-52881). So: /proc itself must be the root of a procfs mount,
 * and the walk below it may cross no mount and follow no magic link. */
#include "security/security.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

/* The inode number of the root directory of every procfs instance. */
#define HULL_PROC_ROOT_INO 1

static int check_is_procfs(int fd, const char *what, struct hull_err **err) {
  struct statfs sfs;
  if (fstatfs(fd, &sfs) < 0) return hull_err_sys(err, "fstatfs %s", what);
  if (sfs.f_type != PROC_SUPER_MAGIC)
    return hull_err_set(err, EXDEV, "%s is not on procfs (filesystem magic 0x%lx): refusing it",
                        what, (unsigned long)sfs.f_type);
  return 0;
}

int hull_procfs_root_openat(int dirfd, const char *path, struct hull_err **err) {
  /* O_NOFOLLOW: a /proc symlink in the image must not be followed. */
  _cleanup_close_ int fd = openat(dirfd, path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return hull_err_sys(err, "open %s", path);
  if (check_is_procfs(fd, path, err) < 0) return -1;
  struct stat st;
  if (fstat(fd, &st) < 0) return hull_err_sys(err, "fstat %s", path);
  /* A bind mount of some procfs subdirectory at /proc is procfs too, but
   * not its root. */
  if (st.st_ino != HULL_PROC_ROOT_INO)
    return hull_err_set(err, EXDEV, "%s is not the root of a procfs mount (inode %lu): refusing it",
                        path, (unsigned long)st.st_ino);
  return hull_steal_fd(&fd);
}

int hull_procfs_root_open(struct hull_err **err) {
  return hull_procfs_root_openat(AT_FDCWD, "/proc", err);
}

int hull_procfs_openat(int procfd, const char *path, int flags, struct hull_err **err) {
  const char *rel = path;
  if (hull_str_has_prefix(rel, "/proc/")) rel += strlen("/proc/");
  while (*rel == '/') rel++;
  struct open_how how = {
      .flags = (uint64_t)(flags | O_CLOEXEC | O_NOCTTY),
      /* "self" and "thread-self" are plain symlinks and allowed; magic
       * links (fd/N, exe, root, cwd) and mount crossings are not. */
      .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
  };
  _cleanup_close_ int fd = (int)syscall(SYS_openat2, procfd, rel, &how, sizeof(how));
  if (fd < 0) {
    if (errno == EXDEV)
      return hull_err_set(err, EXDEV, "open /proc/%s: the path crosses a mount point (something is mounted over procfs): refusing it",
                          rel);
    return hull_err_sys(err, "open /proc/%s", rel);
  }
  _cleanup_free_ char *what = hull_xasprintf("/proc/%s", rel);
  if (check_is_procfs(fd, what, err) < 0) return -1;
  return hull_steal_fd(&fd);
}

int hull_procfs_open(const char *path, int flags, struct hull_err **err) {
  _cleanup_close_ int procfd = hull_procfs_root_open(err);
  if (procfd < 0) return -1;
  return hull_procfs_openat(procfd, path, flags, err);
}

int hull_procfs_write(const char *path, const char *value, struct hull_err **err) {
  _cleanup_close_ int fd = hull_procfs_open(path, O_WRONLY, err);
  if (fd < 0) return -1;
  size_t len = strlen(value);
  /* Kernel files take their value in one write. */
  ssize_t w = write(fd, value, len);
  if (w < 0) return hull_err_sys(err, "write %s", path);
  if ((size_t)w != len) return hull_err_set(err, EIO, "write %s: short write", path);
  return 0;
}
