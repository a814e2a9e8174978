/* The foreground of run and exec: forward signals to the container
 * process, proxy its pty, reap, and turn its status into an exit code. */
#include "runtime/internal.h"
#include "runtime/console.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

static int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

/* Reaps what exited; true when pid is among them. */
static bool reap(pid_t pid, bool reap_all, int *status) {
  bool done = false;
  for (;;) {
    int st;
    pid_t r = waitpid(reap_all ? -1 : pid, &st, WNOHANG);
    if (r <= 0) break;
    if (r == pid) {
      *status = st;
      done = true;
    }
  }
  return done;
}

static void forwarded_signals(sigset_t *set) {
  sigfillset(set);
  /* Synchronous faults stay with us. */
  sigdelset(set, SIGSEGV);
  sigdelset(set, SIGBUS);
  sigdelset(set, SIGILL);
  sigdelset(set, SIGFPE);
  sigdelset(set, SIGTRAP);
}

void hull_block_signals(sigset_t *old) {
  sigset_t all;
  forwarded_signals(&all);
  sigprocmask(SIG_BLOCK, &all, old);
}

/* Signals still pending once the process is gone were meant for it (the
 * foreground forwards them); there is no one left to give them to, and
 * taking them ourselves would turn its exit status into our death by
 * that signal: timeout(1) signals us and then our whole process group,
 * so a second SIGTERM often arrives after the first one ended the
 * process. They are dropped, except those the caller had blocked. */
void hull_restore_signals(const sigset_t *orig) {
  sigset_t drop;
  forwarded_signals(&drop);
  for (int sig = 1; sig < NSIG; sig++)
    if (sigismember(orig, sig) == 1) sigdelset(&drop, sig);
  const struct timespec now = {0, 0};
  while (sigtimedwait(&drop, NULL, &now) > 0) {
  }
  sigprocmask(SIG_SETMASK, orig, NULL);
}

static int make_signalfd(sigset_t *old) {
  hull_block_signals(old);
  sigset_t blocked;
  sigprocmask(SIG_BLOCK, NULL, &blocked);
  return signalfd(-1, &blocked, SFD_CLOEXEC);
}

int hull_wait_foreground(pid_t pid, int master, bool reap_all) {
  sigset_t old;
  int sfd = make_signalfd(&old);
  struct termios saved;
  bool raw = master >= 0 && hull_tty_raw(0, &saved) == 0;
  bool stdin_open = master >= 0;
  if (master >= 0) hull_tty_copy_size(0, master);
  int status = 0;
  bool done = reap(pid, reap_all, &status);
  bool master_open = master >= 0;
  while (!done) {
    struct pollfd p[3] = {{.fd = sfd, .events = POLLIN},
                          {.fd = master_open ? master : -1, .events = POLLIN},
                          {.fd = master_open && stdin_open ? 0 : -1, .events = POLLIN}};
    int r = poll(p, 3, -1);
    if (r < 0 && errno != EINTR) break;
    if (master_open && (p[1].revents || p[2].revents) &&
        hull_tty_proxy_step(master, &stdin_open, 0) < 0)
      master_open = false;
    if (!(p[0].revents & POLLIN)) continue;
    struct signalfd_siginfo si;
    if (read(sfd, &si, sizeof(si)) != sizeof(si)) continue;
    if (si.ssi_signo == SIGCHLD) done = reap(pid, reap_all, &status);
    else if (si.ssi_signo == SIGWINCH && master >= 0) hull_tty_copy_size(0, master);
    else kill(pid, (int)si.ssi_signo);
  }
  if (master_open) hull_tty_drain(master);
  if (raw) tcsetattr(0, TCSANOW, &saved);
  close(sfd);
  sigprocmask(SIG_SETMASK, &old, NULL);
  return exit_code(status);
}
