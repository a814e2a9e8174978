/* One spec mount: a fresh filesystem (fsopen/fsconfig/fsmount) or a bind
 * (open_tree), shaped while still detached (attributes, idmap, tmpcopyup),
 * checked (procfs is procfs), then attached with move_mount onto an fd of
 * the destination resolved inside the rootfs. No path is looked up twice. */
#include "storage/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>

#ifndef MQUEUE_MAGIC
#define MQUEUE_MAGIC 0x19800202
#endif
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

int storage_move_mount(int mntfd, int targetfd, const char *what, struct hull_err **err) {
  if (move_mount(mntfd, "", targetfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return hull_err_sys(err, "move_mount %s", what);
  return 0;
}

int storage_clone_tree(int fd, bool recursive, const char *what, struct hull_err **err) {
  int t = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
                                (recursive ? AT_RECURSIVE : 0));
  if (t < 0) return hull_err_sys(err, "open_tree %s", what);
  return t;
}

int storage_setattr(int mntfd, bool recursive, uint64_t set, uint64_t clr, uint64_t propagation,
                    const char *what, struct hull_err **err) {
  if (set == 0 && clr == 0 && propagation == 0) return 0;
  struct mount_attr attr = {.attr_set = set, .attr_clr = clr, .propagation = propagation};
  if (mount_setattr(mntfd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr,
                    sizeof(attr)) < 0)
    return hull_err_sys(err, "mount_setattr %s", what);
  return 0;
}

/* errno alone says little of a refused fsconfig (EINVAL); the kernel
 * explains it on the context fd ("e overlayfs: ..."): that goes along. */
int storage_fs_error(int fsfd, struct hull_err **err, const char *fmt, ...) {
  int saved = errno;
  va_list ap;
  va_start(ap, fmt);
  _cleanup_free_ char *what = NULL;
  if (vasprintf(&what, fmt, ap) < 0) abort();
  va_end(ap);
  char buf[512];
  ssize_t n = read(fsfd, buf, sizeof(buf) - 1);
  if (n > 2) {
    buf[n] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    return hull_err_set(err, saved, "%s (%s)", what, buf + 2);
  }
  return hull_err_set(err, saved, "%s", what);
}

static int fs_set_data(int fsfd, const char *data, const char *type, struct hull_err **err) {
  _cleanup_free_ char *copy = hull_xstrdup(data);
  for (char *save = NULL, *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(o, '=');
    int r;
    if (eq) {
      *eq = '\0';
      r = fsconfig(fsfd, FSCONFIG_SET_STRING, o, eq + 1, 0);
      *eq = '=';
    } else {
      r = fsconfig(fsfd, FSCONFIG_SET_FLAG, o, NULL, 0);
    }
    if (r < 0) return storage_fs_error(fsfd, err, "%s option %s", type, o);
  }
  return 0;
}

/* Superblock flags that have no mount attribute equivalent. "silent" and
 * "iversion" have no fsconfig form: silent only quiets kernel messages and
 * i_version is always on where it matters (tmpfs, ext4, xfs, btrfs), so
 * both are accepted and have no effect on a fresh mount. */
static int fs_set_sb_flags(int fsfd, unsigned long flags, const char *type,
                           struct hull_err **err) {
  static const struct { unsigned long ms; const char *name; } sb[] = {
      {MS_SYNCHRONOUS, "sync"}, {MS_DIRSYNC, "dirsync"}, {MS_MANDLOCK, "mand"},
      {MS_LAZYTIME, "lazytime"},
  };
  for (size_t i = 0; i < sizeof(sb) / sizeof(sb[0]); i++) {
    if (!(flags & sb[i].ms)) continue;
    if (fsconfig(fsfd, FSCONFIG_SET_FLAG, sb[i].name, NULL, 0) < 0)
      return storage_fs_error(fsfd, err, "%s option %s", type, sb[i].name);
  }
  return 0;
}

/* "ro" is always a mount attribute; it also goes to the superblock (so a
 * disk filesystem is not written behind the read-only mount, as mount(2)
 * does) except where the superblock is shared with the host (proc, sysfs,
 * cgroupfs, ...: reconfiguring those would reach the host) or where the
 * runtime still writes into it before attaching (tmpfs for tmpcopyup). */
static bool sb_readonly_ok(const char *type) {
  static const char *const shared[] = {
      "proc",  "sysfs",   "cgroup",   "cgroup2", "mqueue",  "devpts",      "securityfs",
      "debugfs", "tracefs", "bpf",    "configfs", "fusectl", "binfmt_misc", "pstore",
      "efivarfs", "tmpfs", "hugetlbfs", "nsfs",  NULL,
  };
  for (size_t i = 0; shared[i]; i++)
    if (strcmp(shared[i], type) == 0) return false;
  return true;
}

/* A detached mount of a fresh filesystem. */
int storage_fsmount(const char *type, const char *source, const struct hull_mount_flags *f,
                    struct hull_err **err) {
  return storage_fsmount_ctx(type, source, f, NULL, err);
}

int storage_fsmount_ctx(const char *type, const char *source, const struct hull_mount_flags *f,
                        const char *context, struct hull_err **err) {
  _cleanup_close_ int fsfd = fsopen(type, FSOPEN_CLOEXEC);
  if (fsfd < 0) return hull_err_sys(err, "fsopen %s", type);
  /* linux.mountLabel: one fsconfig value, so the label's commas are safe */
  if (context && fsconfig(fsfd, FSCONFIG_SET_STRING, "context", context, 0) < 0)
    return storage_fs_error(fsfd, err, "linux.mountLabel: fsconfig context");
  if (source && *source && fsconfig(fsfd, FSCONFIG_SET_STRING, "source", source, 0) < 0)
    return storage_fs_error(fsfd, err, "fsconfig source");
  if (fs_set_sb_flags(fsfd, f->flags, type, err) < 0) return -1;
  if ((f->flags & MS_RDONLY) && sb_readonly_ok(type) &&
      fsconfig(fsfd, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0)
    return storage_fs_error(fsfd, err, "fsconfig ro");
  if (f->data && fs_set_data(fsfd, f->data, type, err) < 0) return -1;
  if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return storage_fs_error(fsfd, err, "create %s filesystem", type);
  uint64_t set, clr;
  hull_mount_attr_from_flags(f->flags, 0, &set, &clr);
  int mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, (unsigned)set);
  if (mfd < 0) return hull_err_sys(err, "fsmount %s", type);
  return mfd;
}

/* What was mounted is what was meant: a procfs/sysfs that is not one would
 * let fake files stand where the runtime writes. */
static int verify_fs(int mfd, const char *type, struct hull_err **err) {
  static const struct { const char *type; long magic; } t[] = {
      {"proc", PROC_SUPER_MAGIC}, {"sysfs", SYSFS_MAGIC}, {"devpts", DEVPTS_SUPER_MAGIC},
      {"mqueue", MQUEUE_MAGIC},   {"tmpfs", TMPFS_MAGIC}, {"cgroup2", CGROUP2_SUPER_MAGIC},
  };
  struct statfs sfs;
  if (fstatfs(mfd, &sfs) < 0) return hull_err_sys(err, "fstatfs %s mount", type);
  for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
    if (strcmp(t[i].type, type) == 0 && sfs.f_type != t[i].magic)
      return hull_err_set(err, EXDEV, "mounted %s is not a %s filesystem (magic %#lx)", type,
                          type, (long)sfs.f_type);
  return 0;
}

/* Shapes a detached tree: recursive "r*" attributes, then the plain flags
 * on its top mount only (bind semantics), then the idmap. */
static int shape_tree(int tree, const struct hull_mount *m, const struct hull_mount_flags *f,
                      bool fresh, struct hull_err **err) {
  const char *d = m->destination;
  if (f->recursive_attrs && storage_setattr(tree, true, f->attr_set, f->attr_clr, 0, d, err) < 0)
    return -1;
  if (!fresh) {
    uint64_t set, clr;
    hull_mount_attr_from_flags(f->flags, f->clear, &set, &clr);
    if (storage_setattr(tree, false, set, clr, 0, d, err) < 0) return -1;
  }
  if (f->idmap || f->ridmap || m->n_uid_mappings || m->n_gid_mappings) {
    _cleanup_close_ int userns = storage_userns_fd(m, err);
    if (userns < 0) return hull_err_prefix(err, "idmapped mount %s", d);
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns};
    if (mount_setattr(tree, "", AT_EMPTY_PATH | (f->ridmap ? AT_RECURSIVE : 0), &attr,
                      sizeof(attr)) < 0)
      return hull_err_sys(err, "idmapped mount %s: mount_setattr", d);
  }
  return 0;
}

static int attach(int tree, int destfd, const struct hull_mount *m,
                  const struct hull_mount_flags *f, struct hull_err **err) {
  if (storage_move_mount(tree, destfd, m->destination, err) < 0) return -1;
  if (f->propagation) {
    uint64_t prop = f->propagation & ~(unsigned long)MS_REC;
    if (storage_setattr(tree, (f->propagation & MS_REC) != 0, 0, 0, prop, m->destination,
                        err) < 0)
      return -1;
  }
  return 0;
}

static bool must_be_real_dir(const char *clean, const char *type) {
  return strcmp(clean, "proc") == 0 || strcmp(clean, "sys") == 0 || strcmp(clean, "dev") == 0 ||
         (type && (strcmp(type, "proc") == 0 || strcmp(type, "sysfs") == 0));
}

/* True when a bind source is the host's sysfs or cgroupfs (or the tmpfs
 * holding v1 hierarchies under /sys). */
static bool host_kernfs(int src, const char *source) {
  struct statfs sfs;
  if (fstatfs(src, &sfs) == 0 && (sfs.f_type == SYSFS_MAGIC || sfs.f_type == CGROUP_SUPER_MAGIC ||
                                  sfs.f_type == CGROUP2_SUPER_MAGIC))
    return true;
  char buf[PATH_MAX];
  return realpath(source, buf) && (strcmp(buf, "/sys") == 0 || hull_str_has_prefix(buf, "/sys/"));
}

static int bind_mount(int rootfd, const struct hull_mount *m, const struct hull_mount_flags *f,
                      const char *clean, const struct hull_rootfs_opts *opts,
                      struct hull_err **err) {
  const char *bundle = opts ? opts->bundle : NULL;
  if (m->source == NULL) return hull_err_set(err, EINVAL, "bind mount %s: no source", m->destination);
  /* The source is a host path from the config (trusted, like the bundle);
   * a relative one is relative to the bundle. */
  _cleanup_free_ char *rel = m->source[0] != '/' && bundle ? hull_xasprintf("%s/%s", bundle, m->source) : NULL;
  _cleanup_close_ int src = open(rel ? rel : m->source, O_PATH | O_CLOEXEC);
  if (src < 0) return hull_err_sys(err, "bind mount %s: source %s", m->destination, m->source);
  struct stat st;
  if (fstat(src, &st) < 0) return hull_err_sys(err, "stat %s", m->source);
  bool is_dir = S_ISDIR(st.st_mode);
  if (!hull_proc_dest_allowed(clean, m->type, !is_dir))
    return hull_err_set(err, EPERM, "mount destination %s: only procfs may be mounted over /proc", m->destination);
  _cleanup_close_ int dest =
      storage_ensure_in_root(rootfd, m->destination, is_dir, must_be_real_dir(clean, m->type), err);
  if (dest < 0) return -1;
  _cleanup_close_ int tree = storage_clone_tree(src, f->rbind, m->source, err);
  if (tree < 0) return -1;
  if (shape_tree(tree, m, f, false, err) < 0) return -1;
  /* Rootless or in a user namespace, the host's sysfs and cgroupfs are
   * read-only all the way down whatever the config says: a writable one
   * lets the container write the user's delegated cgroups or more
   * (CVE-2023-25809). */
  if (opts && (opts->rootless || opts->new_userns) && host_kernfs(src, rel ? rel : m->source) &&
      storage_setattr(tree, true, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                                      MOUNT_ATTR_NOEXEC, 0, 0, m->destination, err) < 0)
    return -1;
  return attach(tree, dest, m, f, err);
}

/* In a user namespace without its own network namespace sysfs cannot be
 * mounted: the host's /sys is bound instead, read-only all the way down
 * (a writable host sysfs is CVE-2023-25809). */
int storage_bind_host_ro(int rootfd, const struct hull_mount *m, const char *source,
                         struct hull_err **err) {
  struct hull_mount b = *m;
  char *opts[] = {"rbind", "rro", "rnosuid", "rnodev", "rnoexec", NULL};
  b.source = (char *)source;
  b.type = "bind";
  b.options = opts;
  struct hull_mount_flags f;
  if (hull_mount_flags_parse(opts, &f, err) < 0) return -1;
  _cleanup_free_ char *clean = hull_path_clean(m->destination);
  int r = bind_mount(rootfd, &b, &f, clean, NULL, err); /* rro already */
  hull_mount_flags_free(&f);
  return r;
}

/* type overlay: layers opened by us first (overlaymnt.c). */
static int overlay_entry(int rootfd, const struct hull_mount *m, const struct hull_mount_flags *f,
                         const char *label, const struct hull_rootfs_opts *opts,
                         struct hull_err **err) {
  struct hull_mount_flags g = *f;
  g.data = f->data ? hull_xstrdup(f->data) : NULL;
  int *fds = NULL;
  size_t n = 0;
  int mfd = -1;
  if (storage_overlay_entry_data(rootfd, opts, m, &g, &fds, &n, err) == 0)
    mfd = storage_fsmount_ctx("overlay", m->source, &g, label, err);
  for (size_t i = 0; i < n; i++) close(fds[i]);
  free(fds);
  free(g.data);
  return mfd;
}

static int fresh_mount(int rootfd, const struct hull_spec *spec, const struct hull_mount *m,
                       const struct hull_mount_flags *f, const char *clean,
                       const struct hull_rootfs_opts *opts, struct hull_err **err) {
  if (!hull_proc_dest_allowed(clean, m->type, false))
    return hull_err_set(err, EPERM, "mount destination %s: only procfs may be mounted over /proc", m->destination);
  _cleanup_close_ int dest =
      storage_ensure_in_root(rootfd, m->destination, true, must_be_real_dir(clean, m->type), err);
  if (dest < 0) return -1;
  /* runc's choice: the mount label goes on the filesystems the container
   * writes (tmpfs, devpts, ...), not on proc, sysfs, mqueue or cgroupfs. */
  const char *label = spec->has_linux ? spec->linux_.mount_label : NULL;
  static const char *const unlabeled[] = {"proc", "sysfs", "mqueue", "cgroup", "cgroup2", NULL};
  for (size_t i = 0; label && unlabeled[i]; i++)
    if (strcmp(m->type, unlabeled[i]) == 0) label = NULL;
  _cleanup_close_ int mfd = strcmp(m->type, "overlay") == 0
                                ? overlay_entry(rootfd, m, f, label, opts, err)
                                : storage_fsmount_ctx(m->type, m->source, f, label, err);
  if (mfd < 0) {
    if (err && *err && (*err)->errnum == EPERM && (opts->new_userns || opts->rootless)) {
      if (strcmp(m->type, "sysfs") == 0) {
        hull_err_free(err);
        return storage_bind_host_ro(rootfd, m, "/sys", err);
      }
      /* mqueue of an ipc namespace the user namespace does not own */
      if (strcmp(m->type, "mqueue") == 0) {
        hull_err_free(err);
        struct hull_mount b = *m;
        char *o[] = {"rbind", "nosuid", "nodev", "noexec", NULL};
        b.source = "/dev/mqueue", b.type = "bind", b.options = o;
        return storage_mount_one(rootfd, &(struct hull_spec){0}, &b, opts, err);
      }
    }
    return hull_err_prefix(err, "mount %s on %s", m->type, m->destination);
  }
  if (verify_fs(mfd, m->type, err) < 0) return -1;
  if (f->tmpcopyup) {
    _cleanup_close_ int old = openat(dest, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (old < 0) return hull_err_sys(err, "tmpcopyup %s: open", m->destination);
    if (storage_copy_tree(old, mfd, err) < 0) return hull_err_prefix(err, "tmpcopyup %s", m->destination);
  }
  if (shape_tree(mfd, m, f, true, err) < 0) return -1;
  return attach(mfd, dest, m, f, err);
}

int storage_attach_fresh(int rootfd, const struct hull_mount *m, int mfd,
                         const struct hull_mount_flags *f, struct hull_err **err) {
  _cleanup_close_ int dest = storage_ensure_in_root(rootfd, m->destination, true, true, err);
  if (dest < 0) return -1;
  if (shape_tree(mfd, m, f, true, err) < 0) return -1;
  return attach(mfd, dest, m, f, err);
}

int storage_attach_fresh_at(int parent, const char *name, const struct hull_mount *m, int mfd,
                            const struct hull_mount_flags *f, struct hull_err **err) {
  if (mkdirat(parent, name, 0755) < 0) return hull_err_sys(err, "mkdir %s", m->destination);
  if (shape_tree(mfd, m, f, true, err) < 0) return -1;
  /* No symlink can be there: we just made the directory. */
  if (move_mount(mfd, "", parent, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return hull_err_sys(err, "move_mount %s", m->destination);
  if (f->propagation)
    return storage_setattr(mfd, (f->propagation & MS_REC) != 0, 0, 0,
                           f->propagation & ~(unsigned long)MS_REC, m->destination, err);
  return 0;
}

/* "remount": changes the attributes of what is already mounted there. */
static int remount(int rootfd, const struct hull_mount *m, const struct hull_mount_flags *f,
                   struct hull_err **err) {
  _cleanup_free_ char *clean = hull_path_clean(m->destination);
  _cleanup_close_ int fd = storage_openat2(rootfd, clean, O_PATH, 0, 0);
  if (fd < 0) return hull_err_sys(err, "remount %s", m->destination);
  uint64_t set, clr;
  hull_mount_attr_from_flags(f->flags, f->clear, &set, &clr);
  if (storage_setattr(fd, false, set, clr, 0, m->destination, err) < 0) return -1;
  if (f->recursive_attrs &&
      storage_setattr(fd, true, f->attr_set, f->attr_clr, 0, m->destination, err) < 0)
    return -1;
  return 0;
}

int storage_mount_one(int rootfd, const struct hull_spec *spec, const struct hull_mount *m,
                      const struct hull_rootfs_opts *opts, struct hull_err **err) {
  if (m->destination == NULL) return hull_err_set(err, EINVAL, "mounts: entry without destination");
  struct hull_mount_flags f __attribute__((cleanup(hull_mount_flags_free))) = {0};
  if (hull_mount_flags_parse(m->options, &f, err) < 0) return -1;
  /* idmap without its own mappings: the container's user namespace ones
   * (runtime-spec: MAY; without a user namespace it is an error, below). */
  struct hull_mount copy;
  if ((f.idmap || f.ridmap) && m->n_uid_mappings == 0 && m->n_gid_mappings == 0 &&
      spec->has_linux && spec->linux_.n_uid_mappings && spec->linux_.n_gid_mappings) {
    copy = *m;
    copy.uid_mappings = spec->linux_.uid_mappings;
    copy.n_uid_mappings = spec->linux_.n_uid_mappings;
    copy.gid_mappings = spec->linux_.gid_mappings;
    copy.n_gid_mappings = spec->linux_.n_gid_mappings;
    m = &copy;
  }
  _cleanup_free_ char *clean = hull_path_clean(m->destination);
  const char *type = m->type;
  bool bind = f.bind || f.rbind || (type && strcmp(type, "bind") == 0);
  if (f.tmpcopyup && (bind || type == NULL || strcmp(type, "tmpfs") != 0))
    return hull_err_set(err, EINVAL, "mount %s: tmpcopyup needs a tmpfs mount", m->destination);
  if (f.flags & MS_REMOUNT) return remount(rootfd, m, &f, err);
  if (bind) return bind_mount(rootfd, m, &f, clean, opts, err);
  if (type == NULL || *type == '\0' || strcmp(type, "none") == 0)
    return hull_err_set(err, EINVAL, "mount %s: no type and not a bind mount", m->destination);
  if (strcmp(type, "cgroup") == 0 || strcmp(type, "cgroup2") == 0)
    return storage_mount_cgroup(rootfd, spec, m, &f, opts, err);
  return fresh_mount(rootfd, spec, m, &f, clean, opts, err);
}
