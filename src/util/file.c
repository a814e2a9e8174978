/* Whole-file reads, atomic writes, small writes to kernel files, fd sweeps. */
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

char *hull_read_fd(int fd, size_t *len, struct hull_err **err) {
  size_t cap = 4096, n = 0;
  char *buf = hull_xmalloc(cap);
  for (;;) {
    if (n + 1 >= cap) buf = hull_xrealloc(buf, cap *= 2);
    ssize_t r = read(fd, buf + n, cap - n - 1);
    if (r < 0) {
      if (errno == EINTR) continue;
      free(buf);
      return hull_err_sys(err, "read fd %d", fd), NULL;
    }
    if (r == 0) break;
    n += (size_t)r;
  }
  buf[n] = '\0';
  if (len) *len = n;
  return buf;
}

char *hull_read_file(const char *path, size_t *len, struct hull_err **err) {
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return hull_err_sys(err, "open %s", path), NULL;
  char *data = hull_read_fd(fd, len, err);
  if (data == NULL) hull_err_prefix(err, "%s", path);
  return data;
}

int hull_write_all(int fd, const void *data, size_t len) {
  const char *p = data;
  while (len > 0) {
    ssize_t w = write(fd, p, len);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    len -= (size_t)w;
  }
  return 0;
}

int hull_write_file_atomic(const char *path, const void *data, size_t len,
                           mode_t mode, struct hull_err **err) {
  _cleanup_free_ char *tmp = hull_xasprintf("%s.tmp.%d", path, (int)getpid());
  _cleanup_close_ int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return hull_err_sys(err, "create %s", tmp);
  if (hull_write_all(fd, data, len) < 0) {
    hull_err_sys(err, "write %s", tmp);
    unlink(tmp);
    return -1;
  }
  if (rename(tmp, path) < 0) {
    hull_err_sys(err, "rename %s to %s", tmp, path);
    unlink(tmp);
    return -1;
  }
  return 0;
}

int hull_write_string_at(int dirfd, const char *name, const char *s,
                         struct hull_err **err) {
  _cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return hull_err_sys(err, "open %s", name);
  /* Kernel files want the value in one write. */
  ssize_t w = write(fd, s, strlen(s));
  if (w < 0) return hull_err_sys(err, "write %s to %s", s, name);
  return 0;
}

int hull_write_string(const char *path, const char *s, struct hull_err **err) {
  return hull_write_string_at(AT_FDCWD, path, s, err);
}

int hull_mkdir_p(const char *path, mode_t mode, struct hull_err **err) {
  _cleanup_free_ char *p = hull_xstrdup(path);
  for (char *s = p + 1; ; s++) {
    if (*s == '/' || *s == '\0') {
      char saved = *s;
      *s = '\0';
      if (mkdir(p, mode) < 0 && errno != EEXIST) return hull_err_sys(err, "mkdir %s", p);
      *s = saved;
      if (saved == '\0') break;
    }
  }
  return 0;
}

static bool fd_kept(int fd, const int *keep, size_t nkeep) {
  for (size_t i = 0; i < nkeep; i++)
    if (keep[i] == fd) return true;
  return false;
}

/* Walks /proc/self/fd; calls fn for every fd >= from not in keep. */
static int each_fd_from(int from, const int *keep, size_t nkeep, int (*fn)(int)) {
  DIR *d = opendir("/proc/self/fd");
  if (d == NULL) return -1;
  int dfd = dirfd(d);
  int fds[1024];
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < sizeof(fds) / sizeof(fds[0])) {
    int64_t v;
    if (hull_parse_int64(e->d_name, &v) < 0) continue;
    if (v >= from && v != dfd && !fd_kept((int)v, keep, nkeep)) fds[n++] = (int)v;
  }
  closedir(d);
  for (size_t i = 0; i < n; i++) fn(fds[i]);
  return 0;
}

static int close_one(int fd) { return close(fd); }
static int cloexec_one(int fd) {
  int fl = fcntl(fd, F_GETFD);
  return fl < 0 ? -1 : fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
}

#define HULL_CLOSE_GAPS_MAX 300

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

/* close_range over the gaps between the kept fds: a few syscalls instead
 * of reading /proc/self/fd and closing one by one (the shim did that on
 * every start). 0, or -1 when close_range is missing (before Linux 5.9). */
static int close_gaps(int from, const int *keep, size_t nkeep) {
  int sorted[HULL_CLOSE_GAPS_MAX];
  if (nkeep > HULL_CLOSE_GAPS_MAX) return -1;
  if (nkeep > 0) memcpy(sorted, keep, nkeep * sizeof(int)); /* keep may be NULL */
  qsort(sorted, nkeep, sizeof(int), cmp_int);
  unsigned lo = (unsigned)from;
  for (size_t i = 0; i < nkeep; i++) {
    if (sorted[i] < from || (unsigned)sorted[i] < lo) continue;
    if ((unsigned)sorted[i] > lo && syscall(SYS_close_range, lo, (unsigned)sorted[i] - 1, 0) < 0)
      return -1;
    lo = (unsigned)sorted[i] + 1;
  }
  return syscall(SYS_close_range, lo, ~0U, 0) < 0 ? -1 : 0;
}

void hull_close_fds_from(int from, const int *keep, size_t nkeep) {
  if (close_gaps(from, keep, nkeep) == 0) return;
  /* Slow path: /proc may be missing in some setups; fall back to a scan. */
  if (each_fd_from(from, keep, nkeep, close_one) < 0) {
    for (int fd = from; fd < 65536; fd++)
      if (!fd_kept(fd, keep, nkeep)) close(fd);
  }
}

int hull_cloexec_fds_from(int from) {
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
  if (syscall(SYS_close_range, (unsigned)from, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return 0;
  return each_fd_from(from, NULL, 0, cloexec_one);
}
