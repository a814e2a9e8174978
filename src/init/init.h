/* init: the shim that runs in the container's namespaces between clone and
 * execve, its sync protocol with the parent, and OCI hooks. */
#ifndef HULL_INIT_H
#define HULL_INIT_H

#include "spec/spec.h"
#include "storage/storage.h"
#include "security/security.h"

#include <stdint.h>
#include <sys/types.h>

/* ---- sync protocol: one SOCK_SEQPACKET message per step ---------------- */
enum hull_sync_type {
  HULL_SYNC_EOF = 0,      /* peer closed (the shim exec'd or died) */
  HULL_SYNC_GO,           /* parent: maps written, cgroup made (its v1
                           * tasks fds attached when cgroup_with_go) */
  HULL_SYNC_NS_READY,     /* shim: namespaces made, parent may set up net
                           * (not sent when pipelined) */
  HULL_SYNC_GO2,          /* parent: hooks done; payload: state JSON */
  HULL_SYNC_READY,        /* shim: set up, about to wait for start */
  HULL_SYNC_START,        /* parent (run): exec now (may come before READY) */
  HULL_SYNC_ERROR,        /* payload: error text */
  HULL_SYNC_PID,          /* payload: decimal pid */
  HULL_SYNC_PTY,          /* shim: the terminal's pty master (SCM_RIGHTS) */
};
#define HULL_SYNC_MAX 65536

int hull_sync_send(int fd, enum hull_sync_type type, const char *payload);
/* Receives one message; *payload (malloc'd, NUL-terminated) may be NULL. */
int hull_sync_recv(int fd, enum hull_sync_type *type, char **payload, struct hull_err **err);
/* Waits for `want`; an ERROR message becomes *err with the peer's text,
 * EOF becomes "<what>: the container init exited". */
int hull_sync_expect(int fd, enum hull_sync_type want, char **payload, const char *what,
                     struct hull_err **err);
/* Sends a message of `type` carrying payload_fd (SCM_RIGHTS). */
int hull_sync_send_fd(int fd, enum hull_sync_type type, int payload_fd);
/* Waits for `want` carrying an fd (*out, CLOEXEC); errors as
 * hull_sync_expect. */
int hull_sync_expect_fd(int fd, enum hull_sync_type want, int *out, const char *what,
                        struct hull_err **err);
/* A message with a payload (may be NULL) and n fds (0..HULL_MAX_PASS_FDS). */
int hull_sync_send_fds(int fd, enum hull_sync_type type, const char *payload, const int *fds,
                       size_t n);
/* Waits for `want`; its fds (CLOEXEC, at most max; extra ones are closed)
 * go to fds[0..*n), its payload to *payload when asked. On any error no
 * fd is left open. */
int hull_sync_expect_fds(int fd, enum hull_sync_type want, char **payload, int *fds, size_t max,
                         size_t *n, const char *what, struct hull_err **err);
/* Reports err to the parent (best effort). */
void hull_sync_send_error(int fd, const struct hull_err *err);

/* ---- hooks ------------------------------------------------------------- */
/* Runs every hook of a kind in order, the state JSON on stdin, each
 * bounded by its timeout. Stops at the first failure. */
int hull_hooks_run(const struct hull_hooks *hooks, enum hull_hook_kind kind,
                   const char *state_json, struct hull_err **err);
const char *hull_hook_kind_name(enum hull_hook_kind kind);

/* ---- the shim ---------------------------------------------------------- */
struct hull_init_args {
  const struct hull_spec *spec;
  const struct hull_process *process;
  struct hull_rootfs_opts rootfs;
  int sync_fd;
  int fifo_fd;            /* O_PATH fd of exec.fifo; -1: run (wait for START) */
  int console_fd;         /* pty slave the shim opened, -1: none */
  int preserve_fds;       /* fds 3..3+n-1 reach the container */
  char **extra_env;       /* LISTEN_FDS/LISTEN_PID, appended to process env */
  const struct hull_seccomp_filter *seccomp;
  unsigned long unshare_flags; /* new namespaces made after clone */
  int ns_fds[HULL_NS_NTYPES];  /* namespaces to join, -1 none */
  bool new_time_ns;
  bool no_new_keyring;
  bool exec;              /* exec into a running container (no rootfs work) */
  /* cgroup v1 `tasks` files the shim joins by writing "0" to each, first
   * thing (see hull_cgroup_tasks_open: no global lock); n 0: the parent
   * put the shim in its cgroup. The shim closes them. */
  const int *cgroup_tasks_fds;
  char *const *cgroup_tasks_paths;
  size_t n_cgroup_tasks;
  /* create on cgroup v1: the parent makes the cgroup after the clone, and
   * GO carries the `tasks` fds (SCM_RIGHTS) with their paths as payload,
   * one a line. Meanwhile, with no user namespace to wait for, the shim
   * makes its namespaces (not the cgroup one: that needs the cgroup). */
  bool cgroup_with_go;
  bool pipelined;         /* GO2 comes with GO: no NS_READY to send */
  /* spread: make the namespaces on spread_cpu, not on the parent's
   * (parent_cpu), while the parent makes the cgroup; every CPU again once
   * GO comes (runtime/create.c: spread_cpu) */
  bool spread;
  int spread_cpu, parent_cpu;
  bool reaper;            /* run.hull.init: PID 1 is hull-init, the process its child */
  bool dumpable_setup;    /* unprivileged parent, new user ns: stay dumpable
                           * until GO2 so it (newuidmap, pasta) may reach
                           * /proc/<shim>; no container process exists yet */
};

/* The shim's main, in the cloned child. Never returns on success (execve);
 * returns the exit status for _exit on failure, after reporting it. */
int hull_init_main(struct hull_init_args *a);

/* ---- the optional reaper (run.hull.init, --init) ---------------------- */
/* A sealed, executable memfd (O_CLOEXEC) holding the static hull-init. */
int hull_reaper_memfd(struct hull_err **err);
/* Size of the embedded hull-init program in bytes. */
size_t hull_reaper_size(void);

/* Resolves args[0] through PATH of env like execvp, as the current user:
 * errors say "no such file or directory" or "permission denied". */
char *hull_init_find_exec(const char *arg0, char *const *env, struct hull_err **err);

#endif
