/* ns: namespace flags, joining namespaces by path, uid/gid maps, time
 * namespace offsets. Used by runtime/ (parent) and init/ (the shim). */
#ifndef HULL_NS_H
#define HULL_NS_H

#include "spec/spec.h"

#include <sys/types.h>

/* CLONE_NEW* of a namespace type. */
unsigned long hull_ns_clone_flag(enum hull_ns_type t);
/* Its name under /proc/<pid>/ns/ ("mnt", "net", ...). */
const char *hull_ns_proc_name(enum hull_ns_type t);

/* Opens a namespace file and checks it is a namespace of that type. */
int hull_ns_open(const char *path, enum hull_ns_type t, struct hull_err **err);
int hull_ns_join(int fd, enum hull_ns_type t, struct hull_err **err);

/* "container host size\n" lines of a mapping (pure). */
char *hull_ns_format_map(const struct hull_id_mapping *m, size_t n);
/* Writes uid_map/gid_map of pid (setgroups "deny" first when unprivileged,
 * as the kernel requires for a gid_map written without CAP_SETGID). */
int hull_ns_write_maps(pid_t pid, const struct hull_linux *lx, bool deny_setgroups,
                       struct hull_err **err);

/* "monotonic S N\nboottime S N\n" for the offsets present (pure). */
char *hull_ns_format_time_offsets(const struct hull_time_offset offs[2]);
/* In the shim: unshare a time namespace, write the offsets, enter it. */
int hull_ns_new_time(const struct hull_time_offset offs[2], struct hull_err **err);

/* Sets "lo" up in the current network namespace (a fresh netns has it
 * down); a plain ioctl, so the shim needs no netlink. */
int hull_ns_loopback_up(struct hull_err **err);

#endif
