/* hull: global flags, the command table dispatch, exit codes.
 * Exit codes: 0 success, 1 any failure (as runc); `run` returns the
 * container's status. */
#include "config.h"

#include "cli/cli.h"
#include "runtime/runtime.h"

#include <seccomp.h>
#include <string.h>

/* Sanitizer builds only (tests/sanitizers.sh): the exit-time leak check.
 * LeakSanitizer's own one stops the process with PTRACE_ATTACH from a
 * cloned tracer and waits for the SIGSTOP that attach queues. A SIGCONT
 * sent to us in that window (timeout(1) sends one right after its SIGTERM,
 * to us and to our process group) makes the kernel discard the pending
 * SIGSTOP: the tracer waits forever and we spin in sched_yield waiting
 * for it (a hung `hull exec` in net-run.bats, 11 minutes at 94% CPU).
 * So the check runs in a forked copy of us (same heap, same globals) in a
 * process group of its own, whose pid nobody else knows: no signal can
 * reach it. We wait for it with every signal blocked, for a bounded time,
 * and LeakSanitizer's own check is turned off. Before the fork we leave
 * the container's pid namespace exec joined for its children, so the copy
 * is not a process of the container. */
#if defined(__SANITIZE_ADDRESS__)
#define HULL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HULL_ASAN 1
#endif
#endif
#ifdef HULL_ASAN
#include <errno.h>
#include <fcntl.h>
#include <sanitizer/common_interface_defs.h>
#include <sanitizer/lsan_interface.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"

#define LEAK_CHECK_TIMEOUT_S 120
#define LEAK_STR_(x) #x
#define LEAK_STR(x) LEAK_STR_(x)

static volatile sig_atomic_t leak_check_done;

/* Read by LeakSanitizer when its own exit-time check would start. */
__attribute__((used, visibility("default"))) int __lsan_is_turned_off(void) {
  return leak_check_done;
}

static void leave_child_pidns(void) {
  int fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  /* Fails only where we may not (rootless exec): the copy then runs in
   * the container's pid namespace, and its tracer with it, which works. */
  (void)setns(fd, CLONE_NEWPID);
  close(fd);
}

/* The copy's status; -1 when it did not end in time (killed). */
static int wait_leak_check(pid_t pid) {
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  int64_t deadline = hull_now_ms() + LEAK_CHECK_TIMEOUT_S * 1000;
  for (;;) {
    int st;
    pid_t r = waitpid(pid, &st, WNOHANG);
    if (r == pid) return st;
    if (r < 0 && errno != EINTR) return 0;
    int left = hull_ms_until(deadline);
    if (left == 0) break;
    struct timespec ts = {.tv_sec = left / 1000, .tv_nsec = (left % 1000) * 1000000L};
    (void)sigtimedwait(&chld, NULL, &ts);
  }
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  return -1;
}

static void leak_check_at_exit(void) {
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, NULL); /* we are exiting: nothing to handle */
  leave_child_pidns();
  pid_t pid = fork();
  if (pid < 0) return; /* LeakSanitizer's own check runs */
  if (pid == 0) {
    /* No death signal: a parent killed (-9, as net-run's kill-during-
     * create test does) while the copy checks would take the copy down
     * mid-check, a false report. It ends by itself, holding none of our
     * fds but stdio (a pipe's reader waits for no copy). */
    close_range(3, ~0U, 0);
    setpgid(0, 0);
    __lsan_do_leak_check(); /* a leak: report, exit with ASAN_OPTIONS' exitcode */
    _exit(0);
  }
  leak_check_done = 1;
  int st = wait_leak_check(pid);
  if (st == -1) {
    /* Into the sanitizer log: tests/sanitizers.sh fails on it. */
    __sanitizer_report_error_summary("hull: the exit-time leak check did not finish in "
                                     LEAK_STR(LEAK_CHECK_TIMEOUT_S) " s and was killed");
    fflush(NULL);
    _exit(1);
  }
  if (WIFEXITED(st) && WEXITSTATUS(st) != 0) {
    fflush(NULL);
    _exit(WEXITSTATUS(st)); /* as LeakSanitizer's own check exits after a report */
  }
}
#endif

static void print_version(void) {
  const struct scmp_version *v = seccomp_version();
  printf("hull version %s\ncommit: %s\nspec: %s\n", PACKAGE_VERSION, HULL_GIT_COMMIT,
         HULL_SPEC_VERSION);
  if (v) printf("libseccomp: %u.%u.%u\n", v->major, v->minor, v->micro);
}

static void print_usage(FILE *out) {
  fprintf(out,
          "hull - an OCI container runtime\n\n"
          "USAGE:\n   hull [global options] command [command options] [arguments...]\n\n"
          "COMMANDS:\n");
  for (const struct hull_cmd *const *c = hull_cmd_all(); *c; c++)
    fprintf(out, "   %-12s %s\n", (*c)->name, (*c)->summary);
  fprintf(out, "   %-12s %s\n", "help", "show help for hull or one command");
  fprintf(out, "\nGLOBAL OPTIONS:\n");
}

static const char *log_format_arg, *rootless_arg, *criu_arg;
static bool want_version;

static const struct hull_opt *global_options(struct hull_global *g) {
  static struct hull_opt opts[12];
  const struct hull_opt table[] = {
      {"debug", 0, HULL_OPT_BOOL, &g->debug, NULL, "enable debug logging"},
      {"log", 0, HULL_OPT_STRING, &g->log, "FILE", "write logs to FILE (default: stderr)"},
      {"log-format", 0, HULL_OPT_STRING, &log_format_arg, "text|json", "log format (default: text)"},
      {"root", 0, HULL_OPT_STRING, &g->root, "DIR",
       "state directory (default: /run/hull, or $XDG_RUNTIME_DIR/hull when rootless)"},
      {"systemd-cgroup", 0, HULL_OPT_BOOL, &g->systemd_cgroup, NULL,
       "cgroups through systemd: each container a transient scope (cgroupsPath slice:prefix:name)"},
      {"rootless", 0, HULL_OPT_STRING, &rootless_arg, "true|false|auto",
       "rootless mode (default: auto)"},
      {"cgroup-manager", 0, HULL_OPT_STRING, &g->cgroup_manager, "cgroupfs|systemd|disabled",
       "cgroup manager (default: cgroupfs; systemd = --systemd-cgroup)"},
      /* go-runc puts --criu before every command when containerd's runc
       * options set CriuPath: taken, and unused (no checkpoint/restore). */
      {"criu", 0, HULL_OPT_STRING, &criu_arg, "PATH",
       "accepted for runc's command line; unused (no checkpoint/restore)"},
      {"version", 'v', HULL_OPT_BOOL, &want_version, NULL, "print the version"},
      {NULL, 0, 0, NULL, NULL, NULL},
  };
  memcpy(opts, table, sizeof(table));
  return opts;
}

/* Turns the string flags into their typed values. */
static int finish_globals(struct hull_global *g, struct hull_err **err) {
  if (log_format_arg == NULL || strcmp(log_format_arg, "text") == 0)
    g->log_format = HULL_LOG_TEXT;
  else if (strcmp(log_format_arg, "json") == 0)
    g->log_format = HULL_LOG_JSON;
  else
    return hull_err_set(err, 0, "--log-format: unknown format \"%s\" (text or json)",
                        log_format_arg);
  if (rootless_arg == NULL || strcmp(rootless_arg, "auto") == 0)
    g->rootless = HULL_ROOTLESS_AUTO;
  else if (strcmp(rootless_arg, "true") == 0)
    g->rootless = HULL_ROOTLESS_TRUE;
  else if (strcmp(rootless_arg, "false") == 0)
    g->rootless = HULL_ROOTLESS_FALSE;
  else
    return hull_err_set(err, 0, "--rootless: expected true, false or auto, got \"%s\"",
                        rootless_arg);
  if (g->cgroup_manager == NULL) g->cgroup_manager = g->systemd_cgroup ? "systemd" : "cgroupfs";
  if (strcmp(g->cgroup_manager, "cgroupfs") != 0 && strcmp(g->cgroup_manager, "systemd") != 0 &&
      strcmp(g->cgroup_manager, "disabled") != 0)
    return hull_err_set(err, 0,
                        "--cgroup-manager: expected cgroupfs, systemd or disabled, got \"%s\"",
                        g->cgroup_manager);
  if (g->root == NULL) g->root = hull_runtime_default_root();
  return 0;
}

static int help_command(int argc, char **argv, int pos, const struct hull_opt *gopts) {
  if (pos >= argc) {
    print_usage(stdout);
    hull_opts_print_help(stdout, gopts);
    return 0;
  }
  const struct hull_cmd *cmd = hull_cmd_find(argv[pos]);
  if (cmd == NULL) {
    fprintf(stderr, "hull: no help topic for '%s'\n", argv[pos]);
    return 1;
  }
  hull_cmd_print_help(stdout, cmd);
  return 0;
}

int main(int argc, char **argv) {
  struct hull_global g = {0};
  _cleanup_err_ struct hull_err *err = NULL;
  const struct hull_opt *gopts = global_options(&g);
  bool want_help = false;
  int pos = 1;
#ifdef HULL_ASAN
  /* Registered after the sanitizer runtime's own handlers: runs first. */
  atexit(leak_check_at_exit);
#endif

  if (hull_opts_parse(gopts, argc, argv, &pos, &want_help, &err) < 0) {
    fprintf(stderr, "hull: %s\n", err->msg);
    return 1;
  }
  if (want_version) {
    print_version();
    return 0;
  }
  if (want_help || pos >= argc) {
    print_usage(want_help ? stdout : stderr);
    hull_opts_print_help(want_help ? stdout : stderr, gopts);
    return want_help ? 0 : 1;
  }
  if (strcmp(argv[pos], "help") == 0 || strcmp(argv[pos], "h") == 0)
    return help_command(argc, argv, pos + 1, gopts);

  const struct hull_cmd *cmd = hull_cmd_find(argv[pos]);
  if (cmd == NULL) {
    fprintf(stderr, "hull: unknown command \"%s\" (see 'hull --help')\n", argv[pos]);
    return 1;
  }
  if (finish_globals(&g, &err) < 0 ||
      hull_log_init(g.log, g.log_format, g.debug, &err) < 0) {
    fprintf(stderr, "hull: %s\n", err->msg);
    return 1;
  }
  int rc = cmd->run(&g, argc - pos, argv + pos);
  hull_log_close();
  return rc;
}
