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

/* Whether uid_map text (/proc/<pid>/uid_map) is the initial user
 * namespace's: all of 0..2^32-2 mapped onto itself (pure). */
bool hull_ns_uid_map_is_initial(const char *uid_map);
/* Whether we run in the initial user namespace, not in one someone made
 * (rootless podman runs the runtime as uid 0 in its own). A kernel
 * without user namespaces has no uid_map: everything is initial there. */
bool hull_ns_in_initial_userns(void);

/* "container host size\n" lines of a mapping (pure). */
char *hull_ns_format_map(const struct hull_id_mapping *m, size_t n);

/* Who can write a uid or gid map of a new user namespace. The kernel lets
 * a writer without CAP_SETUID/CAP_SETGID over the parent namespace map only
 * its own id, once (a gid map only after setgroups "deny"); any other map
 * goes through the setuid newuidmap/newgidmap, which allow what
 * /etc/subuid and /etc/subgid give the user. */
enum hull_ns_map_writer {
  HULL_MAP_NONE,   /* no mapping asked for */
  HULL_MAP_DIRECT, /* we write /proc/<pid>/{uid,gid}_map */
  HULL_MAP_HELPER, /* newuidmap / newgidmap */
};
enum hull_ns_map_writer hull_ns_map_writer(const struct hull_id_mapping *m, size_t n,
                                           bool privileged, uint32_t own_id);

struct hull_ns_map_plan {
  enum hull_ns_map_writer uid, gid;
  bool deny_setgroups; /* a direct unprivileged gid map needs it first */
};
/* The plan for a config's maps, for a caller with these ids (pure).
 * privileged: euid 0 (in the initial namespace or in one it owns). */
struct hull_ns_map_plan hull_ns_plan_maps(const struct hull_linux *lx, bool privileged,
                                          uid_t euid, gid_t egid);

/* argv of "TOOL PID c h s [c h s]..." for newuidmap/newgidmap (pure; the
 * strings and the vector are one hull_strv_free-able strv). */
char **hull_ns_helper_argv(const char *tool, pid_t pid, const struct hull_id_mapping *m,
                           size_t n);

/* Writes uid_map/gid_map (and setgroups) of pid by the plan for the
 * calling process; errors name the config field, the tool and its output
 * and never fall back to another mapping. */
int hull_ns_write_maps(pid_t pid, const struct hull_linux *lx, struct hull_err **err);

/* "monotonic S N\nboottime S N\n" for the offsets present (pure). */
char *hull_ns_format_time_offsets(const struct hull_time_offset offs[2]);
/* In the shim: unshare a time namespace, write the offsets, enter it. */
int hull_ns_new_time(const struct hull_time_offset offs[2], struct hull_err **err);

/* Sets "lo" up in the current network namespace (a fresh netns has it
 * down); a plain ioctl, so the shim needs no netlink. */
int hull_ns_loopback_up(struct hull_err **err);

#endif
