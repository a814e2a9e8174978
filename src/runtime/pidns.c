/* The processes of a container that has no cgroup (rootless without
 * delegation): everything in its init's pid namespace. Only possible when
 * the container has a pid namespace of its own; a process we may not
 * inspect (another user's) is not ours to list anyway. */
#include "runtime/internal.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

static int pidns_of(pid_t pid, struct stat *st) {
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
  return stat(path, st);
}

int hull_pidns_members(pid_t init, pid_t **pids, size_t *n, struct hull_err **err) {
  *pids = NULL;
  *n = 0;
  struct stat ours, theirs;
  if (pidns_of(getpid(), &ours) < 0) return hull_err_sys(err, "stat /proc/self/ns/pid");
  if (pidns_of(init, &theirs) < 0) {
    /* Before start the init is the runtime's non-dumpable shim: its
     * namespace cannot be read by its user, and it is alone in it. */
    if (errno != EACCES && errno != EPERM)
      return hull_err_sys(err, "stat /proc/%d/ns/pid", (int)init);
    *pids = hull_xcalloc(1, sizeof(pid_t));
    (*pids)[(*n)++] = init;
    return 0;
  }
  if (ours.st_ino == theirs.st_ino && ours.st_dev == theirs.st_dev)
    return hull_err_set(err, ENOTSUP,
                        "the container runs without cgroups and shares the host's pid "
                        "namespace: its processes cannot be told apart");
  DIR *d = opendir("/proc");
  if (d == NULL) return hull_err_sys(err, "opendir /proc");
  size_t cap = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    uint64_t v;
    struct stat st;
    if (hull_parse_uint64(e->d_name, &v) < 0 || v == 0 || v > INT32_MAX) continue;
    if (pidns_of((pid_t)v, &st) < 0 || st.st_ino != theirs.st_ino || st.st_dev != theirs.st_dev)
      continue;
    if (*n == cap) {
      cap = cap ? cap * 2 : 16;
      *pids = hull_xrealloc(*pids, cap * sizeof(pid_t));
    }
    (*pids)[(*n)++] = (pid_t)v;
  }
  closedir(d);
  return 0;
}
