/* User-mode networking for rootless containers: Debian's pasta (passt) or
 * slirp4netns attached to the container's netns. Its pid goes to
 * <state_dir>/usernet.pid; stop checks the process is still that tool
 * before signalling it, so a reused pid is never killed. */
#include "net/netpriv.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define PIDFILE "usernet.pid"

static char *pidfile_path(const struct hull_net_ctx *ctx) {
  return hull_xasprintf("%s/" PIDFILE, ctx->state_dir);
}

/* Child side of fork: stdio to /dev/null (stderr kept for the tool's own
 * errors), then exec. Only async-signal-safe calls. */
static void exec_tool(char *const argv[], int keep_fd, int keep_fd2) {
  /* A foreground run blocks the signals it forwards; the mask survives
   * execve, and a pasta with SIGTERM and SIGCHLD blocked ignores stop and
   * never reaps its helpers. */
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0) {
    dup2(null, 0);
    dup2(null, 1);
  }
  setsid();
  if (keep_fd >= 0) fcntl(keep_fd, F_SETFD, 0);
  if (keep_fd2 >= 0) fcntl(keep_fd2, F_SETFD, 0);
  execvp(argv[0], argv);
  _exit(127);
}

static int wait_exit(pid_t pid, const char *tool, struct hull_err **err) {
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return hull_err_sys(err, "waitpid %s", tool);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
    return hull_err_set(err, ENOENT, "%s: not found (apt-get install %s)", tool,
                        strcmp(tool, "pasta") == 0 ? "passt" : tool);
  if (WIFSIGNALED(status))
    return hull_err_set(err, 0, "%s killed by signal %d", tool, WTERMSIG(status));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return hull_err_set(err, 0, "%s exited with status %d (its own message is above)", tool,
                        WIFEXITED(status) ? WEXITSTATUS(status) : status);
  return 0;
}

/* Is the user namespace of pid another than ours? */
static bool other_userns(pid_t pid) {
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
  struct stat a, b;
  return stat("/proc/self/ns/user", &a) == 0 && stat(path, &b) == 0 && a.st_ino != b.st_ino;
}

/* As root, pasta drops to nobody and its capabilities before it opens the
 * target namespaces, which then fails (/proc/PID/ns/ needs ptrace access
 * to a root process). So root opens them here and hands pasta the fds
 * (--netns/--userns /proc/self/fd/N) and --runas 0 keeps the uid that may
 * setns into them; pasta still drops every other capability and sandboxes
 * itself. */
static int start_pasta_root(const struct hull_net_ctx *ctx, const char *pidfile,
                            struct hull_err **err) {
  char path[64], netns[64], userns[64];
  snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)ctx->pid);
  _cleanup_close_ int nfd = open(path, O_RDONLY | O_CLOEXEC);
  if (nfd < 0) return hull_err_sys(err, "open %s", path);
  _cleanup_close_ int ufd = -1;
  if (other_userns(ctx->pid)) {
    snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)ctx->pid);
    ufd = open(path, O_RDONLY | O_CLOEXEC);
    if (ufd < 0) return hull_err_sys(err, "open %s", path);
  }
  snprintf(netns, sizeof(netns), "/proc/self/fd/%d", nfd);
  snprintf(userns, sizeof(userns), "/proc/self/fd/%d", ufd);
  char *argv[] = {"pasta", "--config-net", "--quiet", "--runas", "0", "-P", (char *)pidfile,
                  "--netns", netns, ufd >= 0 ? "--userns" : NULL, userns, NULL};
  pid_t child = fork();
  if (child < 0) return hull_err_sys(err, "fork");
  if (child == 0) exec_tool(argv, nfd, ufd);
  return wait_exit(child, "pasta", err);
}

/* pasta daemonizes once the namespace is configured and writes its pid. */
static int start_pasta(const struct hull_net_ctx *ctx, struct hull_err **err) {
  _cleanup_free_ char *pidfile = pidfile_path(ctx);
  if (geteuid() == 0) return start_pasta_root(ctx, pidfile, err);
  char pid[16];
  snprintf(pid, sizeof(pid), "%d", (int)ctx->pid);
  char *argv[] = {"pasta", "--config-net", "--quiet", "-P", pidfile, pid, NULL};
  pid_t child = fork();
  if (child < 0) return hull_err_sys(err, "fork");
  if (child == 0) exec_tool(argv, -1, -1);
  return wait_exit(child, "pasta", err);
}

/* slirp4netns stays in the foreground: we fork it, wait for its ready fd
 * and record its pid ourselves. */
static int start_slirp(const struct hull_net_ctx *ctx, struct hull_err **err) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) return hull_err_sys(err, "pipe");
  _cleanup_close_ int rd = p[0];
  _cleanup_close_ int wr = p[1];
  char pid[16], ready[32], userns[64];
  snprintf(pid, sizeof(pid), "%d", (int)ctx->pid);
  snprintf(ready, sizeof(ready), "--ready-fd=%d", wr);
  snprintf(userns, sizeof(userns), "--userns-path=/proc/%d/ns/user", (int)ctx->pid);
  bool own_userns = other_userns(ctx->pid);
  char *argv[10];
  size_t i = 0;
  argv[i++] = "slirp4netns";
  argv[i++] = "--configure";
  argv[i++] = "--mtu=65520";
  argv[i++] = "--disable-host-loopback";
  argv[i++] = ready;
  if (own_userns) argv[i++] = userns; /* options before the positional args */
  argv[i++] = pid;
  argv[i++] = "tap0";
  argv[i] = NULL;
  pid_t child = fork();
  if (child < 0) return hull_err_sys(err, "fork");
  if (child == 0) exec_tool(argv, wr, -1);
  close(hull_steal_fd(&wr));
  char c;
  ssize_t n;
  while ((n = read(rd, &c, 1)) < 0 && errno == EINTR) {}
  if (n != 1) { /* it exited before being ready */
    if (wait_exit(child, "slirp4netns", err) == 0)
      hull_err_set(err, 0, "slirp4netns exited before the network was ready");
    return -1;
  }
  _cleanup_free_ char *pidfile = pidfile_path(ctx);
  char text[16];
  snprintf(text, sizeof(text), "%d\n", (int)child);
  if (hull_write_file_atomic(pidfile, text, strlen(text), 0600, err) < 0) {
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    return -1;
  }
  return 0;
}

int hull_usernet_start(const struct hull_net_opts *o, const struct hull_net_ctx *ctx,
                       struct hull_err **err) {
  if (ctx->state_dir == NULL) return hull_err_set(err, EINVAL, "usernet: no state dir");
  int rc = o->kind == HULL_NET_PASTA ? start_pasta(ctx, err) : start_slirp(ctx, err);
  if (rc < 0) return hull_err_prefix(err, "run.hull.net=%s",
                                     o->kind == HULL_NET_PASTA ? "pasta" : "slirp4netns");
  return 0;
}

/* True when pid still runs pasta/passt or slirp4netns. */
static bool is_usernet_tool(pid_t pid) {
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
  _cleanup_free_ char *comm = hull_read_file(path, NULL, NULL);
  if (comm == NULL) return false;
  return hull_str_has_prefix(comm, "pasta") || hull_str_has_prefix(comm, "passt") ||
         hull_str_has_prefix(comm, "slirp4netns");
}

int hull_usernet_stop(const struct hull_net_ctx *ctx, struct hull_err **err) {
  if (ctx->state_dir == NULL) return 0;
  _cleanup_free_ char *pidfile = pidfile_path(ctx);
  _cleanup_free_ char *text = hull_read_file(pidfile, NULL, NULL);
  if (text == NULL) return 0;
  text[strcspn(text, "\n")] = '\0';
  int64_t pid;
  if (hull_parse_int64(text, &pid) == 0 && pid > 1 && is_usernet_tool((pid_t)pid)) {
    if (kill((pid_t)pid, SIGTERM) < 0 && errno != ESRCH)
      return hull_err_sys(err, "kill user-mode network process %lld", (long long)pid);
    waitpid((pid_t)pid, NULL, WNOHANG); /* reap it when it is our child */
  }
  if (unlink(pidfile) < 0 && errno != ENOENT) return hull_err_sys(err, "remove %s", pidfile);
  return 0;
}
