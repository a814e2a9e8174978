/* security: process identity, capabilities (libcap), no_new_privs, seccomp
 * (libseccomp), LSM labels, per-process attributes, and trusted procfs
 * access. Called by the init shim (and exec) in this order:
 *   hull_process_apply_attrs -> hull_lsm_set_exec_label -> hull_identity_apply
 *   -> hull_caps_apply -> (no_new_privs) -> hull_seccomp_load (last).
 * Without noNewPrivileges, loading a filter needs CAP_SYS_ADMIN in the
 * effective set, which the uid change and the capability drop take away:
 * then hull_seccomp_load goes right after hull_lsm_set_exec_label (as runc
 * does), and the profile must allow what the shim calls afterwards. */
#ifndef HULL_SECURITY_H
#define HULL_SECURITY_H

#include "spec/spec.h"

/* rlimits, oomScoreAdj, scheduler (incl. SCHED_DEADLINE), ioPriority,
 * personality, umask, execCPUAffinity.initial, memoryPolicy. */
int hull_process_apply_attrs(const struct hull_process *p, const struct hull_linux *lx,
                             struct hull_err **err);

/* setgroups(additionalGids), setresgid, setresuid, keeping capabilities
 * across the uid change so hull_caps_apply can set the requested sets. */
int hull_identity_apply(const struct hull_process *p, struct hull_err **err);

/* Drops the bounding set to what is asked, then sets effective, permitted,
 * inheritable and ambient. */
int hull_caps_apply(const struct hull_capabilities *caps, struct hull_err **err);

/* AppArmor profile / SELinux label for the next execve, written through a
 * verified procfs fd. A clear error when the host lacks the LSM. */
int hull_lsm_set_exec_label(const char *apparmor_profile, const char *selinux_label,
                            struct hull_err **err);

/* Seccomp: compile once in the parent (before clone), load in the child.
 * A compiled filter is plain BPF, so the child needs no libseccomp state. */
struct hull_seccomp_filter;
struct hull_seccomp_filter *hull_seccomp_compile(const struct hull_seccomp *sc,
                                                 struct hull_err **err);
/* Loads the filter into the calling thread (flags TSYNC, LOG, SPEC_ALLOW,
 * NEW_LISTENER as configured). *notify_fd gets the listener fd when the
 * filter has SCMP_ACT_NOTIFY rules, else -1. */
int hull_seccomp_load(const struct hull_seccomp_filter *f, int *notify_fd,
                      struct hull_err **err);
void hull_seccomp_filter_free(struct hull_seccomp_filter *f);
/* Sends the notify fd plus the container state JSON (with listenerMetadata)
 * to the agent listening on listenerPath (SCM_RIGHTS). */
int hull_seccomp_send_listener(const char *listener_path, int notify_fd,
                               const char *state_json, struct hull_err **err);

/* Opens a file under /proc after checking it really is procfs and the
 * path was not redirected (CVE-2019-16884, CVE-2025-52881). */
int hull_procfs_open(const char *path, int flags, struct hull_err **err);

/* Name tables for `hull features`. */
const char *const *hull_seccomp_action_names(void);
const char *const *hull_seccomp_operator_names(void);
const char *const *hull_seccomp_arch_names(void);
const char *const *hull_seccomp_flag_names(void);
bool hull_apparmor_enabled(void);
bool hull_selinux_enabled(void);

/* ---- additions (security module) ---------------------------------------- */

/* prctl(PR_SET_NO_NEW_PRIVS) when enable is true (process.noNewPrivileges). */
int hull_no_new_privs_apply(bool enable, struct hull_err **err);

/* Verified procfs: hull_procfs_root_open returns an O_PATH fd on /proc after
 * checking it is the root of a procfs mount; hull_procfs_openat opens a
 * path below it ("self/attr/exec" or "/proc/self/attr/exec") refusing
 * magic links and mount crossings, and checks the result is on procfs.
 * hull_procfs_write writes a value (sysctl, oom_score_adj) in one write. */
/* The same check on dirfd/path (one component: the rootfs's "proc"). */
int hull_procfs_root_openat(int dirfd, const char *path, struct hull_err **err);
int hull_procfs_root_open(struct hull_err **err);
int hull_procfs_openat(int procfd, const char *path, int flags, struct hull_err **err);
int hull_procfs_write(const char *path, const char *value, struct hull_err **err);

/* Capability sets, checked and normalised (pure): absent sets are empty,
 * bits above last_cap go to .unknown, effective must be within permitted,
 * inheritable within bounding, ambient within permitted and inheritable. */
struct hull_caps_plan {
  uint64_t sets[HULL_CAP_NSETS];
  uint64_t bounding_drop; /* known caps to drop from the bounding set */
  uint64_t unknown;       /* requested caps this kernel does not have */
};
int hull_caps_plan(const struct hull_capabilities *in, int last_cap, struct hull_caps_plan *out,
                   struct hull_err **err);
int hull_caps_last_cap(void); /* the running kernel's cap_last_cap */
const char *hull_caps_set_name(enum hull_cap_set set);
void hull_caps_format_name(int cap, char *buf, size_t size); /* "CAP_SYS_ADMIN" */

/* Process attributes, one by one (hull_process_apply_attrs calls them). */
int hull_sched_apply(const struct hull_scheduler *s, struct hull_err **err);
int hull_ioprio_apply(const struct hull_io_priority *io, struct hull_err **err);
int hull_cpu_affinity_apply(const char *cpus, const char *field, struct hull_err **err);
/* The same for another process (pid 0: the caller), e.g. the runtime
 * applying process.execCPUAffinity.final once the process is in its cgroup. */
int hull_cpu_affinity_apply_pid(pid_t pid, const char *cpus, const char *field, struct hull_err **err);
int hull_personality_apply(const struct hull_personality *p, struct hull_err **err);
int hull_mempolicy_apply(const struct hull_memory_policy *mp, struct hull_err **err);
int hull_mempolicy_flags(char *const *flags, int *out, struct hull_err **err);
/* "0-3,7" -> bit mask of nbits bits (pure; cpus and NUMA nodes). */
int hull_parse_id_list(const char *s, unsigned long *mask, size_t nbits, struct hull_err **err);

/* Seccomp extras. The cache of compiled filters lives in dir (created 0700;
 * NULL disables caching); default /run/hull/.seccomp-cache for root, else
 * $XDG_RUNTIME_DIR/hull/.seccomp-cache. */
void hull_seccomp_set_cache_dir(const char *dir);
void hull_seccomp_filterp_free(struct hull_seccomp_filter **f);
#define _cleanup_seccomp_filter_ __attribute__((cleanup(hull_seccomp_filterp_free)))
bool hull_seccomp_filter_from_cache(const struct hull_seccomp_filter *f);
bool hull_seccomp_filter_has_notify(const struct hull_seccomp_filter *f);
/* The BPF program (struct sock_filter[]) and its instruction count. */
size_t hull_seccomp_filter_bpf(const struct hull_seccomp_filter *f, const void **insns);
/* The runtime-spec "container process state" sent to the seccomp agent:
 * {"ociVersion","fds":["seccompFd"],"pid","metadata","state":state_json}.
 * The result goes to hull_seccomp_send_listener as its state_json. */
char *hull_seccomp_process_state_json(pid_t pid, const char *metadata, const char *state_json);
/* The same with the pid taken from the container state JSON ("pid"). */
char *hull_seccomp_process_state_from_state(const char *metadata, const char *state_json);
/* listenerPath in two steps, for a caller that must connect while the
 * host's path is reachable (before pivot_root) and send later: connect
 * (an AF_UNIX SOCK_STREAM socket, CLOEXEC), then send the notify fd with
 * SCM_RIGHTS and the process state on that socket. */
int hull_seccomp_listener_connect(const char *listener_path, struct hull_err **err);
int hull_seccomp_send_listener_fd(int sock, int notify_fd, const char *state_json,
                                  struct hull_err **err);

#endif
