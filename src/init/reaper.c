/* hull-init: the optional PID 1 of a container (annotation run.hull.init or
 * --init). A separate, tiny, static program: the shim execs it from a
 * sealed memfd (reaper_fd.c), so what runs as PID 1 is never a host path
 * and nothing the container can write to or replace.
 *
 *   argv: hull-init EXE ARGV0 [ARGS...]    envp: the container's environment
 *
 * It forks the container process (EXE with ARGV0 ARGS...), forwards every
 * signal it receives to it, reaps every child it gets (orphans reparented to
 * it included), and exits with the process's status: its exit code, or
 * 128+N when signal N killed it. No runtime code and nothing of the host's
 * configuration comes along: on x86_64 it links no library at all
 * (reaper_nolibc.h: a few KB instead of ~690 KB of static glibc); elsewhere
 * only libc. */
#ifdef HULL_INIT_NOLIBC
#include "reaper_nolibc.h"
#else
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void say(const char *a, const char *b, const char *c, const char *d) {
  fprintf(stderr, "%s%s%s%s\n", a, b ? b : "", c ? c : "", d ? d : "");
}
#endif

static int status_code(int st) {
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return 1;
}

/* The container process: its own process group, made the terminal's
 * foreground group when there is one, so a ^C reaches it once (from the
 * terminal) rather than twice (terminal + our forwarding). SIGTTOU is
 * still blocked here, so tcsetpgrp from the background cannot stop us. */
static pid_t spawn(char *exe, char **argv, const sigset_t *orig) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  setpgid(0, 0);
  if (isatty(STDIN_FILENO)) tcsetpgrp(STDIN_FILENO, getpid());
  sigprocmask(SIG_SETMASK, orig, NULL);
  execv(exe, argv);
  int e = errno;
  say("hull-init: exec ", exe, ": ", strerror(e));
  _exit(e == ENOENT ? 127 : 126);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    say("usage: hull-init EXE ARGV0 [ARGS...] (run by hull as a container's init)", NULL, NULL,
        NULL);
    return 2;
  }
  prctl(PR_SET_NAME, "hull-init", 0, 0, 0);
  /* In a joined pid namespace we are not PID 1: become the subreaper so
   * orphans of the container process still come to us. */
  if (getpid() != 1) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  sigset_t all, orig;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, &orig);
  pid_t child = spawn(argv[1], argv + 2, &orig);
  if (child < 0) {
    say("hull-init: fork: ", strerror(errno), NULL, NULL);
    return 1;
  }
  for (;;) {
    siginfo_t si;
    int sig = sigwaitinfo(&all, &si);
    if (sig < 0) continue; /* EINTR */
    if (sig != SIGCHLD) {
      kill(child, sig);
      continue;
    }
    int st = 0; /* the raw waitpid is opaque to the analyzers */
    pid_t r;
    while ((r = waitpid(-1, &st, WNOHANG)) > 0)
      if (r == child) return status_code(st); /* as PID 1, exiting ends the rest */
  }
}
