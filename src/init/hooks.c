/* OCI hooks: each hook is run with the container state on stdin, its own
 * args and env, and killed when its timeout passes. */
#include "init/init.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

const char *hull_hook_kind_name(enum hull_hook_kind kind) {
  static const char *const names[] = {"prestart", "createRuntime", "createContainer",
                                      "startContainer", "poststart", "poststop"};
  return (unsigned)kind < HULL_HOOK_NKINDS ? names[kind] : "unknown";
}

static void hook_child(const struct hull_hook *h, int in) {
  if (dup2(in, 0) < 0) _exit(127);
  /* The hook gets the state on stdin, stdout and stderr: no fd of ours nor
   * one hull's caller left open without close-on-exec (a containerd
   * shim's, a preserved one meant for the container). */
  hull_close_fds_from(3, NULL, 0);
  char *no_args[] = {h->path, NULL};
  char *no_env[] = {NULL};
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  execve(h->path, h->args && h->args[0] ? h->args : no_args, h->env ? h->env : no_env);
  dprintf(2, "hull: exec hook %s: %s\n", h->path, strerror(errno));
  _exit(127);
}

/* Without pidfd_open (ENOSYS: an old kernel, valgrind 3.19, a seccomp
 * profile): the timeout by polling waitpid every 10 ms. 1 when the hook
 * ended (*status set), 0 on timeout (killed, still to reap). */
static int poll_hook(pid_t pid, int timeout, int *status) {
  struct timespec tick = {.tv_nsec = 10 * 1000000L};
  for (long waited = 0; waited < timeout * 1000L; waited += 10) {
    pid_t r = waitpid(pid, status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) return r == pid ? 1 : -1;
    nanosleep(&tick, NULL);
  }
  kill(pid, SIGKILL);
  return 0;
}

/* Waits for pid up to timeout seconds (<= 0: forever); kills it after. */
static int wait_hook(pid_t pid, int timeout, int *status, bool *timed_out) {
  *timed_out = false;
  int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pidfd < 0 && errno == ENOSYS && timeout > 0) {
    int r = poll_hook(pid, timeout, status);
    if (r != 0) return r > 0 ? 0 : -1;
    *timed_out = true;
  }
  if (pidfd >= 0 && timeout > 0) {
    struct pollfd p = {.fd = pidfd, .events = POLLIN};
    int r;
    do {
      r = poll(&p, 1, timeout * 1000);
    } while (r < 0 && errno == EINTR);
    if (r == 0) {
      *timed_out = true;
      kill(pid, SIGKILL);
    }
  }
  if (pidfd >= 0) close(pidfd);
  while (waitpid(pid, status, 0) < 0)
    if (errno != EINTR) return -1;
  return 0;
}

static int run_one(const struct hull_hook *h, enum hull_hook_kind kind, const char *state,
                   struct hull_err **err) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) return hull_err_sys(err, "%s hook: pipe", hull_hook_kind_name(kind));
  pid_t pid = fork();
  if (pid < 0) {
    close(p[0]);
    close(p[1]);
    return hull_err_sys(err, "%s hook: fork", hull_hook_kind_name(kind));
  }
  if (pid == 0) {
    close(p[1]);
    hook_child(h, p[0]);
  }
  close(p[0]);
  /* A hook that exits without reading its stdin is fine: ignore EPIPE. */
  void (*old)(int) = signal(SIGPIPE, SIG_IGN);
  hull_write_all(p[1], state, strlen(state));
  close(p[1]);
  signal(SIGPIPE, old);
  int status = 0;
  bool timed_out;
  if (wait_hook(pid, h->has_timeout ? h->timeout : 0, &status, &timed_out) < 0)
    return hull_err_sys(err, "%s hook %s: wait", hull_hook_kind_name(kind), h->path);
  if (timed_out)
    return hull_err_set(err, ETIMEDOUT, "%s hook %s: timed out after %d seconds",
                        hull_hook_kind_name(kind), h->path, h->timeout);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
  if (WIFSIGNALED(status))
    return hull_err_set(err, 0, "%s hook %s: killed by signal %d", hull_hook_kind_name(kind),
                        h->path, WTERMSIG(status));
  return hull_err_set(err, 0, "%s hook %s: exited with status %d", hull_hook_kind_name(kind),
                      h->path, WEXITSTATUS(status));
}

int hull_hooks_run(const struct hull_hooks *hooks, enum hull_hook_kind kind,
                   const char *state_json, struct hull_err **err) {
  for (size_t i = 0; i < hooks->count[kind]; i++)
    if (run_one(&hooks->list[kind][i], kind, state_json ? state_json : "{}", err) < 0) return -1;
  return 0;
}
