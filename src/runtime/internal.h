/* Internal to runtime/: shared between the lifecycle files. */
#ifndef HULL_RUNTIME_INTERNAL_H
#define HULL_RUNTIME_INTERNAL_H

#include "runtime/runtime.h"
#include "cgroup/cgroup.h"

#include <signal.h>

/* The saved config.json of the container (NULL with *err when unreadable). */
struct hull_spec *hull_container_spec(const struct hull_container *c, struct hull_err **err);

/* The saved config for delete: strictly parsed, or when that fails (a
 * config an older hull accepted) leniently, with only what teardown uses;
 * NULL when not even JSON. Never an error. */
struct hull_spec *hull_container_spec_teardown(const struct hull_container *c);

/* Kills whatever is left of the container, then undoes everything it
 * owns: network, cgroup, poststop hooks (when it ever ran), state dir.
 * spec may be NULL (half-made container). Keeps going on errors and
 * reports the first. */
int hull_container_teardown(struct hull_container *c, const struct hull_spec *spec,
                            struct hull_err **err);

/* Sends sig to the init process, checking its start time through a pidfd
 * so a recycled pid is never signalled. */
int hull_state_signal(const struct hull_state *st, int sig, struct hull_err **err);

struct hull_cgroup *hull_state_cgroup(const struct hull_state *st, struct hull_err **err);

/* Writes a pid file atomically: the decimal pid, no newline. */
int hull_pid_file_write(const char *path, pid_t pid, struct hull_err **err);

/* Waits for a child we forked/cloned, forwarding signals and proxying a
 * pty master (-1: none). Returns the shell-style exit code. */
int hull_wait_foreground(pid_t pid, int master, bool reap_all);

/* Blocks every signal a foreground run/exec forwards (from before the
 * container exists, so none is lost); *old gets the previous mask. */
void hull_block_signals(sigset_t *old);
/* Back to orig, dropping what arrived for a process that has gone. */
void hull_restore_signals(const sigset_t *orig);

/* Compiles the container's seccomp profile with the filter cache in
 * <root>/.seccomp-cache, so each --root keeps its own (a test root or a
 * rootless root never reads or fills /run/hull's). */
struct hull_seccomp_filter *hull_runtime_seccomp(const struct hull_runtime_ctx *ctx,
                                                 const struct hull_seccomp *sc,
                                                 struct hull_err **err);

/* Every process in the pid namespace of init (a container without a
 * cgroup); ENOTSUP when that is the host's. Before start only init. */
int hull_pidns_members(pid_t init, pid_t **pids, size_t *n, struct hull_err **err);

/* fds 3..3+n-1 are all open in the caller. Checked before the runtime
 * opens anything: a number past what the caller passed would otherwise be
 * one of ours (the state lock, exec.fifo) and reach the container. */
int hull_preserved_fds_check(int n, const char *what, struct hull_err **err);

/* The OCI state JSON handed to hooks. */
char *hull_hook_state(const struct hull_state *st, enum hull_status status);

#endif
