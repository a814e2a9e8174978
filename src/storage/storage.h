/* storage: the container's root filesystem, built inside its mount namespace
 * by the init shim. Every path inside the rootfs is resolved with
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) and acted on through fds,
 * so nothing in the image can redirect a mount, mkdir or write to the host. */
#ifndef HULL_STORAGE_H
#define HULL_STORAGE_H

#include "spec/spec.h"

struct hull_overlay_req;

struct hull_rootfs_opts {
  const char *rootfs;   /* absolute host path of the rootfs (root.path resolved
                           against the bundle) */
  bool no_pivot;        /* MS_MOVE + chroot instead of pivot_root */
  int console_fd;       /* the pty slave to bind on /dev/console, -1: none */
  bool new_userns;      /* in a new user namespace: devices are bind-mounted
                           from the host instead of mknod'ed, sysfs bound */
  bool rootless;        /* unprivileged caller: no writable host cgroupfs/sysfs */
  const char *bundle;   /* bundle directory: relative bind sources are relative
                           to it (runtime-spec); NULL: to the cwd */
  const struct hull_overlay_req *overlay; /* copy-on-write rootfs, NULL: none */
  int overlay_fd;       /* that overlay made by the runtime (hull_overlay_mount),
                           attached on root.path; -1: the shim makes it with
                           hull_overlay_mount (unprivileged runtime) */
};

/* ---- copy-on-write rootfs on overlayfs -----------------------------------
 * Asked for by `create/run --overlay[=VALUE]` (wins) or the annotation below.
 * VALUE is a comma-separated list of:
 *   true               lower = root.path; upper/work in the state dir, removed
 *                      at delete ("" and a bare --overlay mean the same)
 *   false              no overlay (alone only)
 *   lower=DIR[:DIR...] lower layers, topmost first; root.path is then only
 *                      the mount point
 *   upper=DIR          keep the changes in DIR (made when missing); its work
 *                      dir is DIR.work/<container id>, removed at delete
 *   volatile           overlayfs "volatile": no syncs (lost on host crash);
 *                      always on for the state dir's upper (thrown away anyway)
 * Directories are absolute, without ':' ',' '\' newline "." "..". The
 * annotation also takes its first form, a bare "DIR[:DIR...]" (= lower=). */
#define HULL_OVERLAY_MAX_LOWER 500
struct hull_overlay_cfg {
  bool enabled;
  char **lower;         /* NULL: root.path */
  size_t n_lower;
  char *upper;          /* NULL: in the state dir */
  bool volatile_;
  const char *what;     /* "--overlay" or the annotation: names the source in errors */
};
/* Pure. value NULL: not enabled. */
int hull_overlay_cfg_parse(const char *value, const char *what, struct hull_overlay_cfg *out,
                           struct hull_err **err);
void hull_overlay_cfg_free(struct hull_overlay_cfg *c);
/* The work dir of upper= for container id: "<upper>.work/<id>" (pure). */
char *hull_overlay_workdir(const char *upper, const char *id);

struct hull_overlay_req {
  const struct hull_overlay_cfg *cfg;
  const char *id;           /* container id (names the upper= work dir) */
  const char *rootfs;       /* root.path resolved */
  const char *dir;          /* <state dir>/rootfs-overlay */
  const struct hull_linux *lx; /* uid/gid mappings of a new user namespace */
  bool new_userns;          /* the container gets a new user namespace */
};
/* Runtime side, privileged (root in the caller's user namespace), before
 * the shim is cloned: makes the directories and returns a detached overlay
 * mount (never attached in the caller's namespace: nothing to unmount
 * after a crash). Lower layers whose owner the container's uidMappings do
 * not map are idmapped with those mappings (root in the initial user
 * namespace only); "userxattr" when the caller is inside a user namespace. */
int hull_overlay_mount(const struct hull_overlay_req *r, struct hull_err **err);
/* delete: removes <state_dir>/rootfs-overlay and, for upper=, the
 * container's work dir, however deep the trees are. value: the annotation
 * value recorded in the state (NULL: none). */
int hull_overlay_remove(const char *state_dir, const char *id, const char *value,
                        struct hull_err **err);

/* The annotation (see above). */
#define HULL_ANNOTATION_ROOTFS_OVERLAY "run.hull.rootfs.overlay"

/* Phase 1, in the new mount namespace, before createContainer hooks:
 * rootfsPropagation, the rootfs bound onto itself (or the copy-on-write
 * overlay of run.hull.rootfs.overlay), every spec mount in order
 * (destinations created and resolved inside the rootfs; nothing but procfs
 * over /proc; /proc, /sys, /dev must be real directories), /dev with the
 * default devices, linux.devices, /dev/ptmx, std symlinks, /dev/console.
 * In a user namespace (told by new_userns, or found in /proc/self/uid_map)
 * devices are bound from the host and sysfs/cgroupfs are bound read-only
 * when they cannot be mounted. linux.mountLabel without SELinux is an error. */
int hull_rootfs_prepare(const struct hull_spec *spec, const struct hull_rootfs_opts *opts,
                        struct hull_err **err);
/* Phase 1 in two steps, for a shim with nothing to wait for before its
 * rootfs: early does the rootfs and the mounts before the first cgroup
 * mount (none of them depends on the cgroup; opts->new_userns is set when
 * found), *next the index of that mount; rest the mounts from next on and
 * /dev, from the rootfs path (where early moved the rootfs tree). */
int hull_rootfs_prepare_early(const struct hull_spec *spec, struct hull_rootfs_opts *opts,
                              size_t *next, struct hull_err **err);
int hull_rootfs_prepare_rest(const struct hull_spec *spec, const struct hull_rootfs_opts *opts,
                             size_t next, struct hull_err **err);

/* A pty of the devpts the container sees at /dev/pts (its own instance,
 * as runc and crun use): /dev/pts/ptmx resolved inside rootfd (the
 * container's root: the rootfs dir before pivot_root, "/" after), checked
 * to be a devpts ptmx. Returns the master, *slave the peer (both
 * O_CLOEXEC). No devpts there: an error naming process.terminal. */
int hull_pty_open_in_root(int rootfd, int *slave, struct hull_err **err);

/* Between phase 1 and 2: the pty slave bound over /dev/console of the
 * prepared rootfs (a fresh empty file, never what the image has there). */
int hull_rootfs_console(const struct hull_spec *spec, const struct hull_rootfs_opts *opts,
                        int slave, struct hull_err **err);

/* Phase 2, after createContainer hooks: pivot_root (or move + chroot),
 * detach the old root, maskedPaths, readonlyPaths, root.readonly.
 * On return the process's root and cwd are the container's "/". */
int hull_rootfs_finish(const struct hull_spec *spec, const struct hull_rootfs_opts *opts,
                       struct hull_err **err);

/* Opens path inside the directory rootfd without ever leaving it
 * (openat2 RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS). */
int hull_open_in_root(int rootfd, const char *path, int flags, mode_t mode,
                      struct hull_err **err);
/* mkdir -p inside rootfd, each component resolved in the root; returns an
 * O_PATH fd of the final directory. */
int hull_mkdir_in_root(int rootfd, const char *path, mode_t mode, struct hull_err **err);

/* Mount option table (pure, unit-tested): translates one OCI mount's options
 * into mount(2) flags, propagation flags, mount_setattr attributes and the
 * leftover data string. Unknown options are passed through as data. */
struct hull_mount_flags {
  unsigned long flags;          /* MS_* set */
  unsigned long clear;          /* MS_* explicitly cleared ("rw", "suid", ...) */
  unsigned long propagation;    /* MS_SHARED|MS_SLAVE|MS_PRIVATE|MS_UNBINDABLE [|MS_REC] */
  uint64_t attr_set, attr_clr;  /* MOUNT_ATTR_* for recursive "r*" options */
  bool recursive_attrs;
  bool bind, rbind, idmap, ridmap, tmpcopyup;
  char *data;                   /* comma-joined options for the filesystem */
};
int hull_mount_flags_parse(char *const *options, struct hull_mount_flags *out,
                           struct hull_err **err);
void hull_mount_flags_free(struct hull_mount_flags *f);
/* The option names hull understands, for `hull features` mountOptions. */
const char *const *hull_mount_option_names(void);

#endif
