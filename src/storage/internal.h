/* storage/ internals shared between its files; not for other modules. */
#ifndef HULL_STORAGE_INTERNAL_H
#define HULL_STORAGE_INTERNAL_H

#include "storage/storage.h"

#include <stdint.h>
#include <sys/types.h>

/* Marks the atime-mode entries of the recursive attribute table. */
#define HULL_ATTR_ATIME 0x80000000UL

/* Non-recursive MS_* flags -> MOUNT_ATTR_* (pure). */
void hull_mount_attr_from_flags(unsigned long set, unsigned long clear, uint64_t *attr_set,
                                uint64_t *attr_clr);
/* "rslave" -> MS_SLAVE|MS_REC; 0 and -1 for unknown names (pure). */
int hull_propagation_from_name(const char *name, unsigned long *out);
/* True when dest (cleaned) is at or below /proc, and the mount is allowed
 * there: procfs itself on /proc, or a bind of a regular file on one of the
 * /proc files lxcfs-style tools overlay (pure). */
bool hull_proc_dest_allowed(const char *clean_dest, const char *type, bool bind_of_file);

/* openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | extra). */
int storage_openat2(int rootfd, const char *path, int flags, mode_t mode, uint64_t extra_resolve);
/* Opens the parent directory of path inside the root, creating missing
 * directories; *name gets the last component (points into *clean_out). */
int storage_open_parent(int rootfd, const char *path, char **clean_out, const char **name,
                        struct hull_err **err);
/* Returns an O_PATH fd of path inside the root, creating it when missing:
 * a directory (is_dir) or an empty regular file. With no_symlink the last
 * component must not be a symlink. */
int storage_ensure_in_root(int rootfd, const char *path, bool is_dir, bool no_symlink,
                           struct hull_err **err);

/* Fresh filesystem mounts and binds through the new mount API. */
int storage_mount_one(int rootfd, const struct hull_spec *spec, const struct hull_mount *m,
                      const struct hull_rootfs_opts *opts, struct hull_err **err);
/* Sets *err from a failed fsconfig on fsfd (errno as it left it): the
 * printf-formatted context, then the kernel's own message in parentheses
 * when it logged one. Returns -1. */
int storage_fs_error(int fsfd, struct hull_err **err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A detached mount of a fresh filesystem (fsopen/fsconfig/fsmount). */
int storage_fsmount(const char *type, const char *source, const struct hull_mount_flags *f,
                    struct hull_err **err);
/* The same with an SELinux context= (linux.mountLabel), NULL: none. */
int storage_fsmount_ctx(const char *type, const char *source, const struct hull_mount_flags *f,
                        const char *context, struct hull_err **err);
/* Attaches mfd on the directory dest inside the root, checked first to be
 * a real directory (not a symlink). */
int storage_attach_fresh(int rootfd, const struct hull_mount *m, int mfd,
                         const struct hull_mount_flags *f, struct hull_err **err);
/* The same on the directory `name` of `parent`, a directory of a fresh
 * tmpfs the shim mounted itself and nothing else can reach yet: `name`
 * is made there (it must not exist) and the mount moved onto it by name,
 * no fd of it opened and checked (nothing of the image to resolve). */
int storage_attach_fresh_at(int parent, const char *name, const struct hull_mount *m, int mfd,
                            const struct hull_mount_flags *f, struct hull_err **err);
/* Binds the host path source on m->destination, recursively read-only,
 * nosuid, nodev, noexec (rootless sysfs and cgroupfs). */
int storage_bind_host_ro(int rootfd, const struct hull_mount *m, const char *source,
                         struct hull_err **err);
/* type "cgroup"/"cgroup2": cgroup2, or on a v1/hybrid host a tmpfs with
 * one mount per hierarchy; binds of the own cgroups without a cgroupns. */
int storage_mount_cgroup(int rootfd, const struct hull_spec *spec, const struct hull_mount *m,
                         const struct hull_mount_flags *f, const struct hull_rootfs_opts *opts,
                         struct hull_err **err);
/* Attaches a detached mount (fsmount/open_tree fd) on top of target. */
int storage_move_mount(int mntfd, int targetfd, const char *what, struct hull_err **err);
/* Clones the mount at fd (AT_EMPTY_PATH) as a detached tree. */
int storage_clone_tree(int fd, bool recursive, const char *what, struct hull_err **err);
int storage_setattr(int mntfd, bool recursive, uint64_t set, uint64_t clr, uint64_t propagation,
                    const char *what, struct hull_err **err);

/* /dev: default devices, linux.devices, ptmx, std symlinks, console. */
int storage_setup_dev(int rootfd, const struct hull_spec *spec, const struct hull_rootfs_opts *opts,
                      bool dev_is_bind, struct hull_err **err);

/* /dev/console: a fresh empty file with the pty slave console_fd bound
 * over it (over the existing node when /dev is bound from the host). */
int storage_setup_console(int devfd, int console_fd, bool dev_is_bind, struct hull_err **err);

/* maskedPaths and readonlyPaths inside rootfd; nullfd is a verified
 * /dev/null (char 1:3). */
int storage_mask_paths(int rootfd, char *const *paths, int nullfd, struct hull_err **err);
int storage_readonly_paths(int rootfd, char *const *paths, struct hull_err **err);

/* A detached overlayfs for the rootfs when opts->overlay asks for one;
 * -2 when it does not. */
int storage_overlay_root(const struct hull_rootfs_opts *opts, struct hull_err **err);

/* type overlay entries: f->data rewritten with lowerdir/upperdir/workdir
 * (and lowerdir+/datadir+) opened safely (see overlaymnt.c) as
 * /proc/self/fd/N; *fds (to close after the mount) grows by those. */
int storage_overlay_entry_data(int rootfd, const struct hull_rootfs_opts *opts,
                               const struct hull_mount *m, struct hull_mount_flags *f,
                               int **fds, size_t *nfds, struct hull_err **err);

/* A user namespace fd with the given mappings, for idmapped mounts. */
int storage_userns_fd(const struct hull_mount *m, struct hull_err **err);
/* Copies the tree at srcfd into dstfd (tmpcopyup): files, dirs, symlinks,
 * devices, with modes, owners and times. */
int storage_copy_tree(int srcfd, int dstfd, struct hull_err **err);

#endif
