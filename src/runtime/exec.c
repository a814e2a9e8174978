/* exec: a new process in a running container. This process joins the
 * container's pid namespace (for its children only), forks the shim in
 * exec mode, which joins the other namespaces, is put in the cgroup, and
 * applies the process's identity, caps, LSM label and the container's
 * seccomp before execve. */
#include "runtime/internal.h"
#include "runtime/console.h"
#include "init/init.h"
#include "ns/ns.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>

struct exec_job {
  struct hull_state *st;
  struct hull_spec *spec;
  struct hull_cgroup *cg;
  struct hull_seccomp_filter *seccomp;
  int ns_fds[HULL_NS_NTYPES];
  int master, sync_fd, pidfd_sock;
  pid_t pid;
  bool joins_itself; /* v1: the shim joined the cgroup by itself */
};

static void exec_job_free(struct exec_job *j) {
  for (int i = 0; i < HULL_NS_NTYPES; i++)
    if (j->ns_fds[i] >= 0) close(j->ns_fds[i]);
  if (j->master >= 0) close(j->master);
  if (j->sync_fd >= 0) close(j->sync_fd);
  if (j->pidfd_sock >= 0) close(j->pidfd_sock);
  if (j->seccomp) hull_seccomp_filter_free(j->seccomp);
  if (j->cg) hull_cgroup_free(j->cg);
  hull_spec_free(j->spec);
  hull_state_free(j->st);
}

/* Every namespace the config lists, taken from the running init. */
static int open_container_ns(struct exec_job *j, struct hull_err **err) {
  const struct hull_linux *lx = &j->spec->linux_;
  for (size_t i = 0; i < lx->n_namespaces; i++) {
    enum hull_ns_type t = lx->namespaces[i].type;
    _cleanup_free_ char *path =
        hull_xasprintf("/proc/%d/ns/%s", (int)j->st->pid, hull_ns_proc_name(t));
    j->ns_fds[t] = hull_ns_open(path, t, err);
    if (j->ns_fds[t] < 0) return -1;
  }
  /* The pids must still be the container's: the init could have died and
   * its pid been reused between the status check and the opens. */
  if (!hull_pid_alive(j->st->pid, j->st->start_time))
    return hull_err_set(err, 0, "cannot exec in container \"%s\": container not running", j->st->id);
  if (j->ns_fds[HULL_NS_PID] >= 0) {
    /* Unprivileged, setns into the pid namespace needs CAP_SYS_ADMIN over
     * it, which only its user namespace gives: join that first (we are
     * single-threaded); the shim inherits it and skips the join. */
    if (geteuid() != 0 && j->ns_fds[HULL_NS_USER] >= 0) {
      if (hull_ns_join(j->ns_fds[HULL_NS_USER], HULL_NS_USER, err) < 0) return -1;
      close(j->ns_fds[HULL_NS_USER]);
      j->ns_fds[HULL_NS_USER] = -1;
    }
    if (hull_ns_join(j->ns_fds[HULL_NS_PID], HULL_NS_PID, err) < 0) return -1;
    close(j->ns_fds[HULL_NS_PID]);
    j->ns_fds[HULL_NS_PID] = -1;
  }
  return 0;
}

static int load(struct exec_job *j, const struct hull_runtime_ctx *ctx, const char *id,
                const struct hull_exec_opts *o, struct hull_err **err) {
  j->st = hull_state_load(ctx->root, id, err);
  if (j->st == NULL) return -1;
  enum hull_status s = hull_container_status(ctx->root, j->st);
  if (s == HULL_STATUS_PAUSED && !o->ignore_paused)
    return hull_err_set(err, 0,
                        "cannot exec in a paused container (\"%s\"): use --ignore-paused", id);
  if (s != HULL_STATUS_RUNNING && s != HULL_STATUS_CREATED && s != HULL_STATUS_PAUSED)
    return hull_err_set(err, 0, "cannot exec in a %s container (\"%s\")", hull_status_name(s), id);
  _cleanup_free_ char *cfg = hull_xasprintf("%s/%s/config.json", ctx->root, id);
  j->spec = hull_spec_load(cfg, err);
  if (j->spec == NULL) return -1;
  if (j->st->cgroup && *j->st->cgroup) {
    j->cg = hull_cgroup_load(j->st->cgroup, err);
    if (j->cg == NULL) return -1;
  }
  if (j->spec->linux_.seccomp.present) {
    j->seccomp = hull_runtime_seccomp(ctx, &j->spec->linux_.seccomp, err);
    if (j->seccomp == NULL) return -1;
  }
  if (!o->process->terminal && o->console_socket)
    return hull_err_set(err, 0, "--console-socket given but the process has no terminal");
  if (o->process->terminal && o->detach && !o->console_socket)
    return hull_err_set(err, 0, "a detached exec with a terminal needs --console-socket");
  if (o->pidfd_socket &&
      (j->pidfd_sock = hull_unix_connect(o->pidfd_socket, "--pidfd-socket", err)) < 0)
    return -1;
  return open_container_ns(j, err);
}

static int spawn(struct exec_job *j, const struct hull_exec_opts *o, struct hull_err **err) {
  struct hull_cgroup_tasks tasks __attribute__((cleanup(hull_cgroup_tasks_close))) = {0};
  if (j->cg && hull_cgroup_tasks_open(j->cg, o->cgroup, &tasks, err) < 0) return -1;
  int sp[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
    return hull_err_sys(err, "exec: socketpair to sync with the new process");
  _cleanup_close_ int ours = sp[0], theirs = sp[1];
  pid_t pid = fork();
  if (pid < 0) return hull_err_sys(err, "exec: fork the new process");
  if (pid == 0) {
    close(ours);
    struct hull_init_args a = {.spec = j->spec, .process = o->process, .sync_fd = theirs,
                               .fifo_fd = -1, .console_fd = -1,
                               .preserve_fds = o->preserve_fds, .seccomp = j->seccomp,
                               .exec = true, .no_new_keyring = true,
                               .cgroup_tasks_fds = tasks.fds, .cgroup_tasks_paths = tasks.paths,
                               .n_cgroup_tasks = tasks.n};
    memcpy(a.ns_fds, j->ns_fds, sizeof(a.ns_fds));
    _exit(hull_init_main(&a));
  }
  j->joins_itself = tasks.n > 0;
  j->sync_fd = hull_steal_fd(&ours);
  j->pid = pid;
  return 0;
}

static int handshake(struct exec_job *j, const struct hull_exec_opts *o, struct hull_err **err) {
  if (j->cg && !j->joins_itself && hull_cgroup_enter(j->cg, j->pid, o->cgroup, err) < 0)
    return -1;
  if (hull_sync_send(j->sync_fd, HULL_SYNC_GO, NULL) < 0) return hull_err_sys(err, "exec: send go to the new process");
  /* The shim opens the pty in the container's devpts (init/shim.c). */
  if (o->process->terminal &&
      hull_sync_expect_fd(j->sync_fd, HULL_SYNC_PTY, &j->master, "exec", err) < 0)
    return -1;
  if (j->master >= 0 && o->console_socket &&
      hull_console_send(o->console_socket, j->master, err) < 0)
    return -1;
  if (hull_sync_expect(j->sync_fd, HULL_SYNC_READY, NULL, "exec", err) < 0) return -1;
  enum hull_sync_type t;
  _cleanup_free_ char *msg = NULL;
  if (hull_sync_recv(j->sync_fd, &t, &msg, err) < 0) return -1;
  if (t == HULL_SYNC_ERROR) return hull_err_set(err, 0, "%s", msg ? msg : "exec failed");
  return 0;
}

int hull_container_exec(const struct hull_runtime_ctx *ctx, const char *id,
                        const struct hull_exec_opts *o, int *exit_code, struct hull_err **err) {
  *exit_code = 0;
  if (hull_preserved_fds_check(o->preserve_fds, "--preserve-fds", err) < 0) return -1;
  struct exec_job j = {.master = -1, .sync_fd = -1, .pidfd_sock = -1};
  for (int i = 0; i < HULL_NS_NTYPES; i++) j.ns_fds[i] = -1;
  int r = -1;
  sigset_t orig;
  if (!o->detach) hull_block_signals(&orig);
  if (load(&j, ctx, id, o, err) == 0 && spawn(&j, o, err) == 0) {
    if (handshake(&j, o, err) < 0 ||
        (j.pidfd_sock >= 0 && hull_pidfd_send(j.pidfd_sock, j.pid, err) < 0) ||
        (o->pid_file && hull_pid_file_write(o->pid_file, j.pid, err) < 0)) {
      kill(j.pid, SIGKILL);
      waitpid(j.pid, NULL, 0);
    } else {
      r = 0;
      if (!o->detach) *exit_code = hull_wait_foreground(j.pid, o->console_socket ? -1 : j.master, false);
    }
  }
  exec_job_free(&j);
  if (!o->detach) hull_restore_signals(&orig);
  return r;
}
