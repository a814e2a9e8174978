/* Small cgroupfs file helpers: every error names the full path. */
#include "cgroup/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

int hull_cg_write(const char *dir, const char *name, const char *s, struct hull_err **err) {
  _cleanup_free_ char *p = hull_xasprintf("%s/%s", dir, name);
  _cleanup_close_ int fd = open(p, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return hull_err_sys(err, "open %s", p);
  /* Kernel files take the value in one write. */
  if (write(fd, s, strlen(s)) < 0) return hull_err_sys(err, "write \"%s\" to %s", s, p);
  return 0;
}

char *hull_cg_read(const char *dir, const char *name, struct hull_err **err) {
  _cleanup_free_ char *p = hull_xasprintf("%s/%s", dir, name);
  size_t len = 0;
  char *s = hull_read_file(p, &len, err);
  if (s && len > 0 && s[len - 1] == '\n') s[len - 1] = '\0';
  return s;
}

bool hull_cg_exists(const char *dir, const char *name) {
  _cleanup_free_ char *p = hull_xasprintf("%s/%s", dir, name);
  return access(p, F_OK) == 0;
}

int hull_cg_read_u64(const char *dir, const char *name, uint64_t *out, struct hull_err **err) {
  _cleanup_free_ char *s = hull_cg_read(dir, name, err);
  if (s == NULL) return -1;
  if (strcmp(s, "max") == 0) {
    *out = UINT64_MAX;
    return 0;
  }
  if (hull_parse_uint64(s, out) < 0)
    return hull_err_set(err, EINVAL, "%s/%s: not a number: %s", dir, name, s);
  return 0;
}

int hull_cg_read_procs(const char *dir, pid_t **pids, size_t *n, struct hull_err **err) {
  _cleanup_free_ char *s = hull_cg_read(dir, "cgroup.procs", err);
  if (s == NULL) return -1;
  char *save = NULL;
  for (char *t = strtok_r(s, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
    int64_t v;
    if (hull_parse_int64(t, &v) < 0 || v <= 0) continue;
    *pids = hull_xrealloc(*pids, (*n + 1) * sizeof(**pids));
    (*pids)[(*n)++] = (pid_t)v;
  }
  return 0;
}

int hull_cg_rmdir(const char *path, struct hull_err **err) {
  /* A cgroup stays busy for a moment after its last task exits; retry a
   * bounded number of times with a growing delay (about 1.3 s in all). */
  long delay_ms = 10;
  for (int attempt = 0;; attempt++) {
    if (rmdir(path) == 0 || errno == ENOENT) return 0;
    if (errno != EBUSY || attempt >= 7) return hull_err_sys(err, "rmdir %s", path);
    hull_sleep_ms(delay_ms);
    if (delay_ms < 320) delay_ms *= 2;
  }
}

int hull_cg_read_procs_recursive(const char *dir, pid_t **pids, size_t *n, struct hull_err **err) {
  if (hull_cg_read_procs(dir, pids, n, err) < 0) return -1;
  DIR *d = opendir(dir);
  if (d == NULL) return hull_err_sys(err, "opendir %s", dir);
  struct dirent *e;
  int r = 0;
  while (r == 0 && (e = readdir(d)) != NULL) {
    if (e->d_type != DT_DIR || e->d_name[0] == '.') continue;
    _cleanup_free_ char *sub = hull_xasprintf("%s/%s", dir, e->d_name);
    r = hull_cg_read_procs_recursive(sub, pids, n, err);
  }
  closedir(d);
  return r;
}

int hull_cg_rmdir_tree(const char *path, struct hull_err **err) {
  /* Mostly a leaf whose tasks are gone: one rmdir. EBUSY (sub-cgroups or
   * tasks still leaving) takes the walk and the bounded retries below. */
  if (rmdir(path) == 0 || errno == ENOENT) return 0;
  DIR *d = opendir(path);
  if (d == NULL) return errno == ENOENT ? 0 : hull_err_sys(err, "opendir %s", path);
  struct dirent *e;
  int r = 0;
  while ((e = readdir(d)) != NULL) {
    if (e->d_type != DT_DIR || e->d_name[0] == '.') continue;
    _cleanup_free_ char *sub = hull_xasprintf("%s/%s", path, e->d_name);
    if (hull_cg_rmdir_tree(sub, err) < 0) r = -1;
  }
  closedir(d);
  if (hull_cg_rmdir(path, err) < 0) r = -1;
  return r;
}

int hull_cg_keyed_in(char *s, const char *key, uint64_t *out) {
  size_t klen = strlen(key);
  for (char *l = s; l && *l;) {
    char *nl = strchr(l, '\n');
    if (nl) *nl = '\0';
    if (strncmp(l, key, klen) == 0 && l[klen] == ' ') return hull_parse_uint64(l + klen + 1, out);
    l = nl ? nl + 1 : NULL;
  }
  return -1;
}

int hull_cg_keyed_u64(const char *dir, const char *file, const char *key, uint64_t *out) {
  _cleanup_free_ char *s = hull_cg_read(dir, file, NULL);
  return s ? hull_cg_keyed_in(s, key, out) : -1;
}
