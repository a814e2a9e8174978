/* storage: the container's root filesystem, built inside its mount namespace
 * by the init shim. Every path inside the rootfs is resolved with
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) and acted on through fds,
 * so nothing in the image can redirect a mount, mkdir or write to the host. */
#ifndef HULL_STORAGE_H
#define HULL_STORAGE_H

#include "spec/spec.h"

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
  const char *overlay_dir; /* annotation run.hull.rootfs.overlay: a directory of
                              the container's state dir for the overlay's upper/
                              and work/ (removed with the state dir); NULL with
                              the annotation set is an error */
};

/* The annotation asking for a copy-on-write rootfs on overlayfs: value
 * "" or "true": lower = root.path; else a ':'-separated list of layer
 * directories (topmost first), root.path unused. */
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
