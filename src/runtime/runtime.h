/* runtime: the container lifecycle. cli/ calls only this header. */
#ifndef HULL_RUNTIME_H
#define HULL_RUNTIME_H

#include "util/util.h"
#include "spec/spec.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* /run/hull for root in the initial user namespace, else
 * $XDG_RUNTIME_DIR/hull (falling back to /run/user/<uid>/hull). */
const char *hull_runtime_default_root(void);
/* True in a user namespace other than the initial one (uid_map is not the
 * identity of all ids): root there is not root of the host. */
bool hull_runtime_in_userns(void);

/* ---- pure helpers (unit-tested) ---------------------------------------- */
/* "KILL", "SIGKILL", "kill", "9" -> 9; "0" -> 0 (a liveness check). -1
 * when unknown. */
int hull_signal_parse(const char *s);
/* "SIGKILL" for 9; NULL when unknown. */
const char *hull_signal_name(int sig);

/* exec --user "UID[:GID]": strict decimal, 32-bit. has_gid false when no
 * ":GID" part. -1 on malformed input. */
int hull_user_parse(const char *s, uint32_t *uid, uint32_t *gid, bool *has_gid);

/* update's sizes as runc reads them (docker's RAMInBytes): a decimal
 * number, fraction allowed, an optional space, then an optional binary
 * unit k/m/g/t/p (any case) with optional "i" and "b" ("512m", "1.5G",
 * "64MiB", "100 kb"); "-1" (unlimited) passes as -1. -1 on bad input or
 * overflow. */
int hull_bytes_parse(const char *s, int64_t *out);

/* A duration as Go's time.ParseDuration reads it (runc's events
 * --interval): one or more decimal numbers, fractions allowed, each with a
 * unit ns, us, µs, ms, s, m or h ("1m30s", "1.5s", "500ms"); a bare number
 * is seconds. *ns > 0 on success; -1 on bad input, zero or overflow. */
int hull_duration_parse(const char *s, uint64_t *ns);

/* The reaper (DESIGN.md §3) is wanted when the annotation run.hull.init
 * is "true" or --init was given (the command line wins, as --net does);
 * annotation NULL: absent. A value other than "true"/"false" is an error
 * naming the annotation. */
#define HULL_ANNOTATION_INIT "run.hull.init"
int hull_init_wanted(const char *annotation, bool flag, bool *on, struct hull_err **err);

/* Container ids: [A-Za-z0-9][A-Za-z0-9_+.-]*, at most 1024 bytes. */
bool hull_id_valid(const char *id);

enum hull_status { HULL_STATUS_CREATING, HULL_STATUS_CREATED, HULL_STATUS_RUNNING,
                   HULL_STATUS_PAUSED, HULL_STATUS_STOPPED };
const char *hull_status_name(enum hull_status s);

/* The status from the facts: recorded_creating (create has not finished),
 * alive (the init pid exists, is no zombie, and has the recorded start
 * time), fifo (exec.fifo still exists: not started), frozen. */
enum hull_status hull_status_decide(bool recorded_creating, bool alive, bool fifo,
                                    bool frozen);

/* Parses /proc/<pid>/stat text: state letter and start time (field 22). */
int hull_proc_stat_parse(const char *text, char *state, uint64_t *start_time);
/* The CPU the process last ran on (field 39 of the same text). */
int hull_proc_stat_cpu(const char *text, int *cpu);
/* /proc/loadavg text: how many tasks are runnable now (the caller is
 * one), -1 when unreadable. */
int hull_loadavg_running(const char *text);

/* ---- the state store --------------------------------------------------- */
struct hull_state {
  char *id;
  pid_t pid;              /* host pid of the container's init, 0 before clone */
  uint64_t start_time;    /* its start time (field 22), so pid reuse is seen */
  bool creating;          /* create has not finished */
  char *bundle;
  char *rootfs;
  char *created;          /* RFC 3339 */
  char *owner;
  struct hull_annotation *annotations;
  size_t n_annotations;
  char *cgroup;           /* hull_cgroup_serialize() */
  char *cgroup_manager;
  char *net_mode;         /* --net value given at create, NULL: none */
  bool net_setup;         /* hull_net_setup ran: teardown at delete */
  bool rootless;
  int netns_new;          /* the container has its own network namespace */
};

void hull_state_free(struct hull_state *st);
void hull_statep_free(struct hull_state **st);
#define _cleanup_state_ __attribute__((cleanup(hull_statep_free)))

/* The internal state.json text (a superset of the OCI state). */
char *hull_state_to_json(const struct hull_state *st, struct hull_err **err);
struct hull_state *hull_state_from_json(const char *json, struct hull_err **err);
/* The OCI state object as `state` prints it (pretty when asked). */
char *hull_state_oci_json(const struct hull_state *st, enum hull_status status,
                          bool pretty, struct hull_err **err);

/* A container's directory under root, opened and locked (flock) while held. */
struct hull_container {
  char *root;
  char *id;
  char *dir;              /* <root>/<id> */
  int dirfd;              /* locked */
  struct hull_state *state; /* NULL while half-made */
};

void hull_container_close(struct hull_container *c);
void hull_containerp_close(struct hull_container **c);
#define _cleanup_container_ __attribute__((cleanup(hull_containerp_close)))

/* Makes <root>/<id> (0700) and locks it; fails when it exists. */
struct hull_container *hull_container_new(const char *root, const char *id,
                                          struct hull_err **err);
/* Opens and locks an existing container and loads its state. Fails with
 * ENOENT and "container does not exist" when absent. allow_half_made:
 * succeed with state NULL when state.json is missing or unreadable. */
struct hull_container *hull_container_open(const char *root, const char *id,
                                           bool allow_half_made, struct hull_err **err);
/* Loads the state without locking (readers: state, list). */
struct hull_state *hull_state_load(const char *root, const char *id, struct hull_err **err);
int hull_container_save(struct hull_container *c, struct hull_err **err);
/* The live status of a container (pid + start time, fifo, freezer). */
enum hull_status hull_container_status(const char *root, const struct hull_state *st);
/* Is the process pid alive with that start time (not a zombie)? */
bool hull_pid_alive(pid_t pid, uint64_t start_time);
int hull_pid_start_time(pid_t pid, uint64_t *start_time);
/* Same, and the CPU it last ran on (cpu -1 when unknown). */
int hull_pid_start_time_cpu(pid_t pid, uint64_t *start_time, int *cpu);
/* Removes the state directory and everything in it. */
int hull_container_remove_dir(struct hull_container *c, struct hull_err **err);
/* The saved config.json of the container. */
struct hull_spec *hull_container_spec(const struct hull_container *c, struct hull_err **err);

/* ---- commands ---------------------------------------------------------- */
struct hull_runtime_ctx {
  const char *root;
  const char *cgroup_manager;
  bool rootless;
};

struct hull_create_opts {
  const char *bundle;       /* NULL: cwd */
  const char *pid_file;
  const char *console_socket;
  const char *pidfd_socket;
  bool no_pivot;
  bool no_new_keyring;
  bool init;                /* --init: PID 1 is the reaper (run.hull.init) */
  int preserve_fds;
  const char *net_mode;
  const char *overlay;      /* --overlay[=VALUE] ("" bare), NULL: not given;
                               wins over annotation run.hull.rootfs.overlay */
  /* run: */
  bool run;                 /* no fifo; start right away */
  bool detach;
  bool keep;
  bool no_subreaper;
};

/* create (opts->run false) or run. For foreground run, returns the exit
 * code of the container (>= 0) via *exit_code. */
int hull_container_create(const struct hull_runtime_ctx *ctx, const char *id,
                          const struct hull_create_opts *opts, int *exit_code,
                          struct hull_err **err);
int hull_container_start(const struct hull_runtime_ctx *ctx, const char *id,
                         struct hull_err **err);
int hull_container_delete(const struct hull_runtime_ctx *ctx, const char *id, bool force,
                          struct hull_err **err);
int hull_container_kill(const struct hull_runtime_ctx *ctx, const char *id, int sig,
                        bool all, struct hull_err **err);
int hull_container_pause(const struct hull_runtime_ctx *ctx, const char *id, bool pause,
                         struct hull_err **err);
/* Host pids of every process of the container. */
int hull_container_pids(const struct hull_runtime_ctx *ctx, const char *id, pid_t **pids,
                        size_t *n, struct hull_err **err);
int hull_container_update(const struct hull_runtime_ctx *ctx, const char *id,
                          const struct hull_resources *res, struct hull_err **err);
/* One `events` line: {"type":"stats","id":..,"data":{...}}. */
char *hull_container_stats_json(const struct hull_runtime_ctx *ctx, const char *id,
                                struct hull_err **err);
int hull_container_oom_count(const struct hull_runtime_ctx *ctx, const char *id,
                             uint64_t *count, struct hull_err **err);

struct hull_exec_opts {
  struct hull_process *process; /* fully built by the caller */
  bool detach;
  const char *pid_file;
  const char *console_socket;
  const char *pidfd_socket;     /* receives a pidfd of the process */
  int preserve_fds;
  const char *cgroup;           /* sub-cgroup, NULL: the container's */
  bool ignore_paused;
};
int hull_container_exec(const struct hull_runtime_ctx *ctx, const char *id,
                        const struct hull_exec_opts *opts, int *exit_code,
                        struct hull_err **err);

/* `features` JSON. */
char *hull_features_json(struct hull_err **err);
/* The run.hull.* annotations hull reads: key, description, ..., NULL (as
 * `features` lists them; `hull help features` prints them too). */
const char *const *hull_annotation_docs(void);

#endif
