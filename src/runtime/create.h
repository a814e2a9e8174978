/* Internal to runtime/: one create or run in progress. */
#ifndef HULL_RUNTIME_CREATE_H
#define HULL_RUNTIME_CREATE_H

#include "runtime/internal.h"
#include "security/security.h"
#include "storage/storage.h"

struct hull_create_job {
  const struct hull_runtime_ctx *ctx;
  const char *id;
  const struct hull_create_opts *opts;
  struct hull_container *c;
  bool made_dir;
  struct hull_spec *spec;
  char *config_text;
  char *bundle, *rootfs;
  struct hull_cgroup *cg;
  struct hull_cgroup_tasks cg_tasks; /* v1: for the shim to join by itself */
  bool joins_itself;
  bool in_cgroup;     /* v2: clone3 put the shim there (CLONE_INTO_CGROUP),
                       * or systemd did (its scope's PIDs) */
  bool cgroup_late;   /* v1: the cgroup is made after the clone, its tasks
                       * fds go to the shim with GO */
  bool apply_late;    /* v1: the cgroup's limits written after GO, before GO2 */
  bool pipelined;     /* nothing for us between the shim's namespaces and
                       * its rootfs: GO2 goes with GO, no NS_READY */
  bool start_sent;    /* run: START went with GO2 */
  struct hull_seccomp_filter *seccomp;
  int sync_fd, fifo_fd, master; /* master: the terminal's pty, from the shim */
  int pidfd_sock;             /* --pidfd-socket, connected before clone */
  int ns_fds[HULL_NS_NTYPES];
  unsigned long clone_flags, unshare_flags;
  bool new_time;
  bool reaper;              /* run.hull.init / --init */
  int preserve;
  char **extra_env;
  pid_t pid;
  struct hull_overlay_cfg overlay_cfg; /* --overlay / run.hull.rootfs.overlay */
  struct hull_overlay_req overlay_req;
  char *overlay_dir;
  int overlay_fd;       /* made by us (privileged), -1: by the shim or none */
};

void hull_create_job_init(struct hull_create_job *j, const struct hull_runtime_ctx *ctx,
                          const char *id, const struct hull_create_opts *opts);
/* Everything up to the shim's READY; undone on failure. */
int hull_create_job_run(struct hull_create_job *j, struct hull_err **err);
/* runtime/overlay.c: --overlay over the annotation, parsed (after the
 * bundle is loaded); the overlay mount made when we are privileged (after
 * the state dir and namespace flags, before the clone). */
int hull_create_overlay_config(struct hull_create_job *j, struct hull_err **err);
int hull_create_overlay_mount(struct hull_create_job *j, struct hull_err **err);
void hull_create_job_free(struct hull_create_job *j);

#endif
