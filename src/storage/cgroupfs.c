/* Mount entries of type cgroup/cgroup2. On a cgroup v2 host: a cgroup2
 * mount. On a v1 or hybrid host (this one): a tmpfs at the destination
 * with one mount per hierarchy listed in /proc/self/cgroup (co-mounted
 * controllers get their symlinks, the v2 part goes to "unified"). Without
 * a cgroup namespace a fresh mount would show the host's whole hierarchy,
 * so the container's own cgroup directory is bound instead. Rootless: the
 * host's /sys/fs/cgroup bound read-only (CVE-2023-25809). */
#include "storage/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

static bool has_new_cgroupns(const struct hull_spec *spec) {
  for (size_t i = 0; spec->has_linux && i < spec->linux_.n_namespaces; i++)
    if (spec->linux_.namespaces[i].type == HULL_NS_CGROUP) return true;
  return false;
}

static int fresh_at(int rootfd, const struct hull_mount *m, const char *type, const char *source,
                    const struct hull_mount_flags *f, struct hull_err **err) {
  _cleanup_close_ int mfd = storage_fsmount(type, source, f, err);
  if (mfd < 0) return hull_err_prefix(err, "mount %s on %s", type, m->destination);
  return storage_attach_fresh(rootfd, m, mfd, f, err);
}

/* One v1 hierarchy ("cpu,cpuacct", "name=systemd") or the v2 part ("")
 * in tmpfd, the tmpfs just mounted at m->destination. */
static int mount_hierarchy(int rootfd, int tmpfd, const struct hull_mount *m, const char *ctrls,
                           const char *cgpath, bool cgroupns, const struct hull_mount_flags *base,
                           struct hull_err **err) {
  bool v2 = *ctrls == '\0';
  const char *dir = v2 ? "unified" : hull_str_has_prefix(ctrls, "name=") ? ctrls + 5 : ctrls;
  _cleanup_free_ char *dest = hull_xasprintf("%s/%s", m->destination, dir);
  struct hull_mount sub = *m;
  sub.destination = dest;
  if (!cgroupns) {
    _cleanup_free_ char *src = hull_xasprintf("/sys/fs/cgroup/%s%s", dir, cgpath);
    return storage_bind_host_ro(rootfd, &sub, src, err);
  }
  struct hull_mount_flags f = *base;
  _cleanup_free_ char *data =
      v2 ? NULL : hull_str_has_prefix(ctrls, "name=") ? hull_xasprintf("none,%s", ctrls)
                                                      : hull_xstrdup(ctrls);
  f.data = data;
  f.propagation = 0;
  /* Its mount point is in our own tmpfs: no lookup from the root. */
  _cleanup_close_ int mfd = storage_fsmount(v2 ? "cgroup2" : "cgroup", "cgroup", &f, err);
  if (mfd < 0) return hull_err_prefix(err, "mount %s on %s", v2 ? "cgroup2" : "cgroup", dest);
  if (storage_attach_fresh_at(tmpfd, dir, &sub, mfd, &f, err) < 0) return -1;
  /* "cpu,cpuacct" is also reachable as "cpu" and "cpuacct". */
  if (v2 || strchr(ctrls, ',') == NULL || hull_str_has_prefix(ctrls, "name=")) return 0;
  _cleanup_free_ char *copy = hull_xstrdup(ctrls);
  for (char *s = NULL, *c = strtok_r(copy, ",", &s); c; c = strtok_r(NULL, ",", &s))
    if (symlinkat(ctrls, tmpfd, c) < 0 && errno != EEXIST)
      return hull_err_sys(err, "symlink %s/%s", m->destination, c);
  return 0;
}

static int mount_v1_layout(int rootfd, const struct hull_spec *spec, const struct hull_mount *m,
                           const struct hull_mount_flags *f, struct hull_err **err) {
  struct hull_mount_flags tf = {.flags = MS_NOSUID | MS_NODEV | MS_NOEXEC, .data = "mode=755"};
  if (fresh_at(rootfd, m, "tmpfs", "tmpfs", &tf, err) < 0) return -1;
  /* The tmpfs now at the destination (checked to be a real directory). */
  _cleanup_close_ int tmpfd = hull_open_in_root(rootfd, m->destination, O_PATH | O_DIRECTORY, 0, err);
  if (tmpfd < 0) return -1;
  _cleanup_free_ char *self = hull_read_file("/proc/self/cgroup", NULL, err);
  if (self == NULL) return -1;
  bool cgroupns = has_new_cgroupns(spec);
  struct hull_mount_flags base = *f;
  base.flags |= MS_NOSUID | MS_NODEV | MS_NOEXEC;
  base.recursive_attrs = false;
  for (char *s = NULL, *line = strtok_r(self, "\n", &s); line; line = strtok_r(NULL, "\n", &s)) {
    char *c1 = strchr(line, ':');
    char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (c2 == NULL) continue;
    *c2 = '\0';
    const char *ctrls = c1 + 1, *path = c2 + 1;
    /* "0::/...": the v2 part, only where the host has a cgroup2 at
     * unified/ (the id is line up to c1; line itself runs to c2). */
    if (*ctrls == '\0' && c1 - line == 1 && line[0] == '0') {
      struct statfs sfs;
      if (statfs("/sys/fs/cgroup/unified", &sfs) < 0 || sfs.f_type != CGROUP2_SUPER_MAGIC)
        continue; /* no v2 part on this host */
    }
    if (strcmp(path, "/") == 0) path = "";
    if (mount_hierarchy(rootfd, tmpfd, m, ctrls, path, cgroupns, &base, err) < 0) return -1;
  }
  /* Read-only at the end, like runc: the tmpfs itself too. */
  if (f->flags & MS_RDONLY)
    return storage_setattr(tmpfd, false, MOUNT_ATTR_RDONLY, 0, 0, m->destination, err);
  return 0;
}

/* cgroup2 without a cgroup namespace: the container's own cgroup only,
 * read-only, never the host's whole tree. */
static int bind_own_v2(int rootfd, const struct hull_mount *m, bool pure_v2,
                       struct hull_err **err) {
  _cleanup_free_ char *self = hull_read_file("/proc/self/cgroup", NULL, err);
  if (self == NULL) return -1;
  char *p = hull_str_has_prefix(self, "0::") ? self : strstr(self, "\n0::");
  if (p == NULL) return hull_err_set(err, ENOENT, "/proc/self/cgroup: no cgroup2 entry");
  p += *p == '\n' ? 4 : 3;
  p[strcspn(p, "\n")] = '\0';
  _cleanup_free_ char *src =
      hull_xasprintf("%s%s", pure_v2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/unified", p);
  return storage_bind_host_ro(rootfd, m, src, err);
}

int storage_mount_cgroup(int rootfd, const struct hull_spec *spec, const struct hull_mount *m,
                         const struct hull_mount_flags *f, const struct hull_rootfs_opts *opts,
                         struct hull_err **err) {
  bool userns = opts->rootless || opts->new_userns;
  struct statfs sfs;
  if (statfs("/sys/fs/cgroup", &sfs) < 0) return hull_err_sys(err, "statfs /sys/fs/cgroup");
  bool pure_v2 = sfs.f_type == CGROUP2_SUPER_MAGIC;
  if (pure_v2 || strcmp(m->type, "cgroup2") == 0) {
    if (has_new_cgroupns(spec)) {
      /* In a cgroup namespace a fresh cgroup2 shows its root only; a user
       * namespace may do this when it owns the cgroupns. */
      if (fresh_at(rootfd, m, "cgroup2", "cgroup", f, err) == 0) return 0;
      if (!userns || (*err)->errnum != EPERM) return -1;
      hull_err_free(err);
    } else if (!userns) {
      return bind_own_v2(rootfd, m, pure_v2, err);
    }
  }
  /* In a user namespace v1 hierarchies cannot be mounted: the host's tree
   * is bound read-only instead (a writable one is CVE-2023-25809). */
  if (userns) return storage_bind_host_ro(rootfd, m, "/sys/fs/cgroup", err);
  return mount_v1_layout(rootfd, spec, m, f, err);
}
