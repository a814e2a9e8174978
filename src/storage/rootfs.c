/* hull_rootfs_prepare / hull_rootfs_finish: the order of the whole rootfs
 * setup, run by the init shim inside the container's mount namespace. */
#include "storage/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

static int root_propagation(const struct hull_spec *spec, unsigned long *flag,
                            struct hull_err **err) {
  const char *name = spec->has_linux ? spec->linux_.rootfs_propagation : NULL;
  if (hull_propagation_from_name(name, flag) < 0)
    return hull_err_set(err, EINVAL, "linux.rootfsPropagation: unknown value \"%s\"", name);
  return 0;
}

/* pivot_root refuses a new root whose parent mount is shared: with a
 * shared rootfsPropagation the mount holding the rootfs is made private
 * (the first ancestor directory that is a mount root). */
static int parent_mount_private(const char *rootfs, struct hull_err **err) {
  _cleanup_free_ char *p = hull_xstrdup(rootfs);
  for (;;) {
    char *slash = strrchr(p, '/');
    if (slash == NULL) return 0;
    *(slash == p ? slash + 1 : slash) = '\0';
    if (mount(NULL, p, NULL, MS_PRIVATE, NULL) == 0) return 0;
    if (errno != EINVAL) return hull_err_sys(err, "make %s private", p);
    if (strcmp(p, "/") == 0) return 0;
  }
}

static bool dev_is_bind(const struct hull_spec *spec) {
  for (size_t i = 0; i < spec->n_mounts; i++) {
    const struct hull_mount *m = &spec->mounts[i];
    _cleanup_free_ char *clean = hull_path_clean(m->destination ? m->destination : "");
    if (strcmp(clean, "dev") != 0) continue;
    bool bind = m->type && strcmp(m->type, "bind") == 0;
    for (size_t j = 0; !bind && m->options && m->options[j]; j++)
      bind = strcmp(m->options[j], "bind") == 0 || strcmp(m->options[j], "rbind") == 0;
    return bind;
  }
  return false;
}

/* linux.mountLabel needs SELinux: without it the label would be dropped
 * silently, so it is an error (the config asks for confinement the host
 * cannot give). */
static int check_mount_label(const struct hull_spec *spec, struct hull_err **err) {
  const char *label = spec->has_linux ? spec->linux_.mount_label : NULL;
  if (label == NULL || *label == '\0') return 0;
  struct statfs sfs;
  if (statfs("/sys/fs/selinux", &sfs) < 0 || sfs.f_type != SELINUX_MAGIC)
    return hull_err_set(err, ENOTSUP, "linux.mountLabel \"%s\": SELinux is not enabled on this host", label);
  return 0;
}

/* True when this process is in a user namespace other than the initial
 * one, whether the config asked for it or not (rootless podman runs the
 * runtime as uid 0 in its own): mknod and fresh sysfs/cgroupfs mounts are
 * then impossible or unsafe, so the userns/rootless paths are taken. */
static bool in_user_namespace(void) {
  _cleanup_free_ char *map = hull_read_file("/proc/self/uid_map", NULL, NULL);
  if (map == NULL) return false;
  unsigned long a, b, c;
  return sscanf(map, "%lu %lu %lu", &a, &b, &c) != 3 || a != 0 || b != 0 || c != 4294967295UL;
}

static bool is_cgroup_mount(const struct hull_mount *m) {
  return m->type && (strcmp(m->type, "cgroup") == 0 || strcmp(m->type, "cgroup2") == 0);
}

/* The rootfs bound onto itself (or the copy-on-write overlay over it):
 * a mount root for pivot_root, and the tree fd is the root every
 * in-rootfs lookup starts from. */
static int rootfs_begin(const struct hull_spec *spec, struct hull_rootfs_opts *opts,
                        struct hull_err **err) {
  if (!opts->new_userns && in_user_namespace()) opts->new_userns = true;
  unsigned long prop;
  if (root_propagation(spec, &prop, err) < 0) return -1;
  if (check_mount_label(spec, err) < 0) return -1;
  /* An unbindable "/" could not have the rootfs cloned out of it: the
   * host side is made a slave then, and finish makes the new "/"
   * unbindable once it is the root. */
  unsigned long host = (prop & MS_UNBINDABLE) || prop == 0 ? MS_SLAVE | MS_REC : prop;
  if (mount(NULL, "/", NULL, host, NULL) < 0)
    return hull_err_sys(err, "linux.rootfsPropagation: set on /");
  if ((prop & MS_SHARED) && parent_mount_private(opts->rootfs, err) < 0) return -1;
  _cleanup_close_ int src = open(opts->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (src < 0) return hull_err_sys(err, "root.path %s", opts->rootfs);
  _cleanup_close_ int rootfd = storage_overlay_root(opts, err);
  if (rootfd == -1) return -1;
  if (rootfd == -2) rootfd = storage_clone_tree(src, true, opts->rootfs, err);
  if (rootfd < 0) return hull_err_prefix(err, "root.path");
  if (storage_move_mount(rootfd, src, opts->rootfs, err) < 0) return hull_err_prefix(err, "root.path");
  return hull_steal_fd(&rootfd);
}

/* spec->mounts from *next on, in order; with stop_at_cgroup up to the
 * first cgroup mount (*next is then where to go on). */
static int mounts_from(int rootfd, const struct hull_spec *spec, const struct hull_rootfs_opts *opts,
                       size_t *next, bool stop_at_cgroup, struct hull_err **err) {
  for (; *next < spec->n_mounts; (*next)++) {
    const struct hull_mount *m = &spec->mounts[*next];
    if (stop_at_cgroup && is_cgroup_mount(m)) return 0;
    if (storage_mount_one(rootfd, spec, m, opts, err) < 0)
      return hull_err_prefix(err, "mounts[%zu] %s", *next, m->destination ? m->destination : "");
  }
  return 0;
}

int hull_rootfs_prepare_early(const struct hull_spec *spec, struct hull_rootfs_opts *opts,
                              size_t *next, struct hull_err **err) {
  *next = 0;
  _cleanup_close_ int rootfd = rootfs_begin(spec, opts, err);
  if (rootfd < 0) return -1;
  return mounts_from(rootfd, spec, opts, next, true, err);
}

int hull_rootfs_prepare_rest(const struct hull_spec *spec, const struct hull_rootfs_opts *opts,
                             size_t next, struct hull_err **err) {
  /* The rootfs path now leads to the tree early moved there. */
  _cleanup_close_ int rootfd = open(opts->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) return hull_err_sys(err, "root.path %s", opts->rootfs);
  if (mounts_from(rootfd, spec, opts, &next, false, err) < 0) return -1;
  return storage_setup_dev(rootfd, spec, opts, dev_is_bind(spec), err);
}

int hull_rootfs_prepare(const struct hull_spec *spec, const struct hull_rootfs_opts *in_opts,
                        struct hull_err **err) {
  struct hull_rootfs_opts o = *in_opts;
  _cleanup_close_ int rootfd = rootfs_begin(spec, &o, err);
  if (rootfd < 0) return -1;
  size_t next = 0;
  if (mounts_from(rootfd, spec, &o, &next, false, err) < 0) return -1;
  return storage_setup_dev(rootfd, spec, &o, dev_is_bind(spec), err);
}

int hull_rootfs_console(const struct hull_spec *spec, const struct hull_rootfs_opts *opts,
                        int slave, struct hull_err **err) {
  _cleanup_close_ int rootfd = open(opts->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) return hull_err_sys(err, "root.path %s", opts->rootfs);
  _cleanup_close_ int devfd = storage_ensure_in_root(rootfd, "/dev", true, true, err);
  if (devfd < 0) return -1;
  return storage_setup_console(devfd, slave, dev_is_bind(spec), err);
}

/* The host's /dev/null, checked to be char 1:3, for maskedPaths. */
static int open_null(struct hull_err **err) {
  _cleanup_close_ int fd = open("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0) return hull_err_sys(err, "open /dev/null");
  if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
    return hull_err_set(err, ENODEV, "/dev/null is not the null device (1:3)");
  return hull_steal_fd(&fd);
}

static int switch_root(int rootfd, const struct hull_rootfs_opts *opts, struct hull_err **err) {
  _cleanup_close_ int oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (oldroot < 0) return hull_err_sys(err, "open /");
  if (fchdir(rootfd) < 0) return hull_err_sys(err, "chdir to the rootfs");
  if (opts->no_pivot) {
    if (move_mount(rootfd, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) < 0)
      return hull_err_sys(err, "--no-pivot: move the rootfs to /");
    if (chroot(".") < 0) return hull_err_sys(err, "--no-pivot: chroot");
  } else {
    if (syscall(SYS_pivot_root, ".", ".") < 0) return hull_err_sys(err, "pivot_root");
    /* The old root is stacked on "."; slave it (through its fd: "." is
     * ambiguous here and must not touch the container's own mounts) so the
     * detach below never propagates to the host, then drop it. */
    if (storage_setattr(oldroot, true, 0, 0, MS_SLAVE, "the old root", err) < 0) return -1;
    if (umount2(".", MNT_DETACH) < 0) return hull_err_sys(err, "detach the old root");
  }
  if (chdir("/") < 0) return hull_err_sys(err, "chdir /");
  return 0;
}

int hull_rootfs_finish(const struct hull_spec *spec, const struct hull_rootfs_opts *opts,
                       struct hull_err **err) {
  _cleanup_close_ int rootfd = open(opts->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) return hull_err_sys(err, "root.path %s", opts->rootfs);
  _cleanup_close_ int nullfd = open_null(err);
  if (nullfd < 0) return -1;
  if (spec->has_linux) {
    if (storage_mask_paths(rootfd, spec->linux_.masked_paths, nullfd, err) < 0) return -1;
    if (storage_readonly_paths(rootfd, spec->linux_.readonly_paths, err) < 0) return -1;
  }
  if (switch_root(rootfd, opts, err) < 0) return -1;
  if (spec->root_readonly && storage_setattr(AT_FDCWD, false, MOUNT_ATTR_RDONLY, 0, 0, "/", err) < 0)
    return hull_err_prefix(err, "root.readonly");
  unsigned long prop;
  if (root_propagation(spec, &prop, err) < 0) return -1;
  if (prop && !(prop & MS_PRIVATE) && mount(NULL, "/", NULL, prop, NULL) < 0)
    return hull_err_sys(err, "linux.rootfsPropagation: set on the new /");
  return 0;
}
