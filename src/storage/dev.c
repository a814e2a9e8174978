/* /dev: the default device nodes, linux.devices (mknod, or a bind of the
 * host node inside a user namespace), /dev/ptmx, the std symlinks and
 * /dev/console. /dev itself must be a real directory of the rootfs (a
 * symlink there would aim device creation elsewhere: CVE-2026-41579) and
 * every node is created with *at() calls on its verified parent. */
#include "storage/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <linux/magic.h>

static const struct hull_device default_devices[] = {
    {.path = "/dev/null", .type = 'c', .major = 1, .minor = 3},
    {.path = "/dev/zero", .type = 'c', .major = 1, .minor = 5},
    {.path = "/dev/full", .type = 'c', .major = 1, .minor = 7},
    {.path = "/dev/random", .type = 'c', .major = 1, .minor = 8},
    {.path = "/dev/urandom", .type = 'c', .major = 1, .minor = 9},
    {.path = "/dev/tty", .type = 'c', .major = 5, .minor = 0},
};

static mode_t device_type(char t) {
  switch (t) {
  case 'c': case 'u': return S_IFCHR;
  case 'b': return S_IFBLK;
  case 'p': return S_IFIFO;
  default: return 0;
  }
}

/* Removes what the image has at parent/name (not a directory). Returns 1
 * when a mount of the config sits there (EBUSY): that one is kept. */
static int clear_name(int parent, const char *name, const char *path, struct hull_err **err) {
  if (unlinkat(parent, name, 0) == 0 || errno == ENOENT) return 0;
  if (errno == EBUSY) return 1;
  return hull_err_sys(err, "%s: cannot replace what the image has there", path);
}

/* In a user namespace mknod is not allowed: an empty file gets the host's
 * node bound over it, after checking the host node is that device. */
static int bind_device(int parent, const char *name, const struct hull_device *d,
                       struct hull_err **err) {
  _cleanup_close_ int host = open(d->path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (host < 0) return hull_err_sys(err, "device %s: host node", d->path);
  struct stat st;
  if (fstat(host, &st) < 0) return hull_err_sys(err, "stat %s", d->path);
  if ((st.st_mode & S_IFMT) != device_type(d->type) ||
      (d->type != 'p' && st.st_rdev != makedev(d->major, d->minor)))
    return hull_err_set(err, ENODEV, "device %s: the host node is not %c %lld:%lld", d->path,
                        d->type, (long long)d->major, (long long)d->minor);
  int f = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0);
  if (f < 0) return hull_err_sys(err, "device %s: create mount point", d->path);
  close(f);
  _cleanup_close_ int target = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (target < 0) return hull_err_sys(err, "device %s: open mount point", d->path);
  _cleanup_close_ int tree = storage_clone_tree(host, false, d->path, err);
  if (tree < 0) return -1;
  return storage_move_mount(tree, target, d->path, err);
}

/* d as `name` in the verified directory `parent`, the umask already 0.
 * mknod first: what the image has there (EEXIST) is removed then, unless
 * a mount of the config provides the node. owned_ok: a new node already
 * has the owner 0:0 wanted by default (we are 0:0, parent not setgid). */
static int make_device_in(int parent, const char *name, const struct hull_device *d, bool userns,
                          bool owned_ok, struct hull_err **err) {
  if (userns) {
    int busy = clear_name(parent, name, d->path, err);
    return busy != 0 ? (busy < 0 ? -1 : 0) : bind_device(parent, name, d, err);
  }
  mode_t mode = device_type(d->type) | (d->has_file_mode ? (d->file_mode & 07777) : 0666);
  dev_t dev = makedev(d->major, d->minor);
  int r = mknodat(parent, name, mode, dev);
  if (r < 0 && errno == EEXIST) {
    int busy = clear_name(parent, name, d->path, err);
    if (busy != 0) return busy < 0 ? -1 : 0; /* a mount of the config provides it */
    r = mknodat(parent, name, mode, dev);
  }
  /* Not allowed here after all (a user namespace nobody told us about):
   * the host's node, bound. */
  if (r < 0 && errno == EPERM) return bind_device(parent, name, d, err);
  if (r < 0) return hull_err_sys(err, "mknod %s", d->path);
  uid_t uid = d->has_uid ? d->uid : 0;
  gid_t gid = d->has_gid ? d->gid : 0;
  if (!(owned_ok && uid == 0 && gid == 0) && fchownat(parent, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
    return hull_err_sys(err, "chown %s", d->path);
  return 0;
}

static int make_device(int rootfd, const struct hull_device *d, bool userns,
                       struct hull_err **err) {
  if (device_type(d->type) == 0)
    return hull_err_set(err, EINVAL, "linux.devices %s: unknown type '%c'", d->path, d->type);
  _cleanup_free_ char *clean = NULL;
  const char *name;
  _cleanup_close_ int parent = storage_open_parent(rootfd, d->path, &clean, &name, err);
  if (parent < 0) return hull_err_prefix(err, "device %s", d->path);
  return make_device_in(parent, name, d, userns, false, err);
}

/* New nodes in devfd belong to 0:0 by themselves: we are 0:0 and the
 * directory does not hand down its group (setgid). */
static bool owned_by_root(int devfd) {
  struct stat st;
  return geteuid() == 0 && getegid() == 0 && fstat(devfd, &st) == 0 && !(st.st_mode & S_ISGID);
}

static int dev_symlinks(int devfd, struct hull_err **err) {
  static const char *const links[][2] = {
      {"/proc/self/fd", "fd"},     {"/proc/self/fd/0", "stdin"},
      {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
  };
  for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
    if (symlinkat(links[i][0], devfd, links[i][1]) < 0 && errno != EEXIST)
      return hull_err_sys(err, "symlink /dev/%s", links[i][1]);
  if (access("/proc/kcore", F_OK) == 0 && symlinkat("/proc/kcore", devfd, "core") < 0 &&
      errno != EEXIST)
    return hull_err_sys(err, "symlink /dev/core");
  /* /dev/ptmx is the new devpts instance's ptmx, whatever the image had. */
  int busy = clear_name(devfd, "ptmx", "/dev/ptmx", err);
  if (busy != 0) return busy < 0 ? -1 : 0;
  if (symlinkat("pts/ptmx", devfd, "ptmx") < 0) return hull_err_sys(err, "symlink /dev/ptmx");
  return 0;
}

/* The pty slave reopened here by path, if that path is the very same
 * inode (and so the same devpts) as the fd's. */
static int reopen_same(const char *path, const struct stat *st) {
  struct stat st2;
  int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return -1;
  if (fstat(fd, &st2) < 0 || st2.st_dev != st->st_dev || st2.st_ino != st->st_ino ||
      st2.st_rdev != st->st_rdev) {
    close(fd);
    return -1;
  }
  return fd;
}

/* A detached clone of the pty slave's mount. The fd may come from a devpts
 * of the mount namespace this one was copied from (the runtime opens the
 * pty before unsharing): then the same node is found again here, at
 * /dev/pts/<index> or where the fd's path says, and checked to be the very
 * same inode. */
static int clone_console(int console_fd, struct hull_err **err) {
  struct stat st;
  if (fstat(console_fd, &st) < 0) return hull_err_sys(err, "console: fstat");
  if (!S_ISCHR(st.st_mode) || major(st.st_rdev) < 136 || major(st.st_rdev) > 143)
    return hull_err_set(err, EINVAL, "console: the fd is not a pty slave");
  int tree = open_tree(console_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (tree >= 0 || errno != EINVAL) return tree >= 0 ? tree : hull_err_sys(err, "console: open_tree");
  char path[4096];
  snprintf(path, sizeof(path), "/dev/pts/%u",
           (major(st.st_rdev) - 136) * 256 + minor(st.st_rdev));
  _cleanup_close_ int fd = reopen_same(path, &st);
  if (fd < 0) {
    char link[64];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", console_fd);
    ssize_t n = readlink(link, path, sizeof(path) - 1);
    path[n > 0 ? n : 0] = '\0';
    if (n > 0) fd = reopen_same(path, &st);
  }
  if (fd < 0)
    return hull_err_set(err, EXDEV, "console: the pty (%s) is not reachable from this mount namespace", path);
  return storage_clone_tree(fd, false, path, err);
}

/* /dev/console: a fresh empty file (never what the image put there, a
 * symlink included: CVE-2025-52565) with the pty slave bound over it. */
int storage_setup_console(int devfd, int console_fd, bool dev_is_bind, struct hull_err **err) {
  _cleanup_close_ int tree = clone_console(console_fd, err);
  if (tree < 0) return -1;
  /* A /dev bound from the host is the host's: nothing there is removed,
   * the pty goes over its console node as it is. */
  int keep = dev_is_bind ? 1 : clear_name(devfd, "console", "/dev/console", err);
  if (keep < 0) return -1;
  int f = openat(devfd, "console", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0);
  if (f < 0 && !(keep && errno == EEXIST)) return hull_err_sys(err, "create /dev/console");
  if (f >= 0) close(f);
  _cleanup_close_ int target = openat(devfd, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (target < 0 || fstat(target, &st) < 0) return hull_err_sys(err, "open /dev/console");
  if (S_ISLNK(st.st_mode) || S_ISDIR(st.st_mode))
    return hull_err_set(err, ELOOP, "/dev/console: is a symlink or a directory, refusing to mount on it");
  return storage_move_mount(tree, target, "/dev/console", err);
}

/* A default device the config lists itself is made once, its way. */
static bool in_spec(const struct hull_spec *spec, const char *path) {
  for (size_t i = 0; spec->has_linux && i < spec->linux_.n_devices; i++) {
    _cleanup_free_ char *a = hull_path_clean(spec->linux_.devices[i].path);
    if (strcmp(a, path + 1) == 0) return true;
  }
  return false;
}

int storage_setup_dev(int rootfd, const struct hull_spec *spec, const struct hull_rootfs_opts *opts,
                      bool dev_is_bind, struct hull_err **err) {
  _cleanup_close_ int devfd = storage_ensure_in_root(rootfd, "/dev", true, true, err);
  if (devfd < 0) return -1;
  if (!dev_is_bind) {
    /* The defaults sit right in /dev: made in devfd, no lookup each. */
    bool owned_ok = owned_by_root(devfd);
    mode_t old = umask(0);
    int r = 0;
    for (size_t i = 0; r == 0 && i < sizeof(default_devices) / sizeof(default_devices[0]); i++)
      if (!in_spec(spec, default_devices[i].path))
        r = make_device_in(devfd, default_devices[i].path + 5, &default_devices[i],
                           opts->new_userns, owned_ok, err);
    for (size_t i = 0; r == 0 && spec->has_linux && i < spec->linux_.n_devices; i++)
      if ((r = make_device(rootfd, &spec->linux_.devices[i], opts->new_userns, err)) < 0)
        hull_err_prefix(err, "linux.devices[%zu]", i);
    umask(old);
    if (r < 0) return -1;
    if (dev_symlinks(devfd, err) < 0) return -1;
  }
  if (opts->console_fd >= 0 && storage_setup_console(devfd, opts->console_fd, dev_is_bind, err) < 0)
    return -1;
  return 0;
}

/* The ptmx of the devpts the container sees at /dev/pts, never the
 * host's: the slave is then a /dev/pts/N that exists in there (tty,
 * ttyname, ps find it), its owner and mode come from that instance's
 * mount options (gid=5, mode=0620) and it works in a user namespace. A
 * config without a devpts there gets an error, as with runc (its open of
 * /dev/ptmx fails). */
int hull_pty_open_in_root(int rootfd, int *slave, struct hull_err **err) {
  _cleanup_close_ int m =
      hull_open_in_root(rootfd, "/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC, 0, err);
  if (m < 0)
    return hull_err_prefix(err, "process.terminal: no devpts at /dev/pts in the container "
                                "(mounts need one, as runc's do)");
  struct statfs fs;
  struct stat st;
  if (fstatfs(m, &fs) < 0 || fstat(m, &st) < 0)
    return hull_err_sys(err, "process.terminal: stat /dev/pts/ptmx");
  if (fs.f_type != DEVPTS_SUPER_MAGIC || !S_ISCHR(st.st_mode) || major(st.st_rdev) != 5 ||
      minor(st.st_rdev) != 2)
    return hull_err_set(err, ENODEV,
                        "process.terminal: /dev/pts/ptmx in the container is not a devpts ptmx");
  int unlock = 0;
  if (ioctl(m, TIOCSPTLCK, &unlock) < 0) return hull_err_sys(err, "process.terminal: unlock pty");
  int s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0) return hull_err_sys(err, "process.terminal: open pty peer");
  *slave = s;
  return hull_steal_fd(&m);
}
