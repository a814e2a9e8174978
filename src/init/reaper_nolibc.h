/* What hull-init needs of an operating system, as raw x86_64 syscalls, so
 * the reaper links no libc at all. Why: a static glibc costs ~690 KB even
 * for this 70-line program, and every byte of hull-init is embedded in the
 * runtime binary (reaper_blob.S) and copied into a memfd at each start.
 * Without libc it is a few KB. Only what reaper.c calls is here, with the
 * libc names and semantics it relies on (-1 and errno on failure).
 * Other architectures build reaper.c against libc (configure decides). */
#ifndef HULL_REAPER_NOLIBC_H
#define HULL_REAPER_NOLIBC_H

#include <asm/unistd.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/wait.h>
#include <stddef.h>

/* linux/wait.h has the options; these are the status decoders libc gives. */
#define WEXITSTATUS(s) (((s)&0xff00) >> 8)
#define WTERMSIG(s) ((s)&0x7f)
#define WIFEXITED(s) (WTERMSIG(s) == 0)
#define WIFSIGNALED(s) (((signed char)(((s)&0x7f) + 1) >> 1) > 0)

#define ENOENT 2
#define EINTR 4
#define EACCES 13
#define ENOEXEC 8
#define STDIN_FILENO 0
#define STDERR_FILENO 2
#define TIOCGPGRP 0x540F
#define TIOCSPGRP 0x5410
#define PR_SET_NAME 15
#define PR_SET_CHILD_SUBREAPER 36

typedef int pid_t;

static int errno;
static char **environ;

static long sys6(long n, long a, long b, long c, long d, long e, long f) {
  long ret;
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
}

static long sys_ret(long r) {
  if (r < 0 && r > -4096) {
    errno = (int)-r;
    return -1;
  }
  return r;
}

#define SYS(n, a, b, c, d) sys_ret(sys6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0))

static __attribute__((noreturn)) void _exit(int code) {
  for (;;) sys6(__NR_exit_group, code, 0, 0, 0, 0, 0);
}
static pid_t getpid(void) { return (pid_t)SYS(__NR_getpid, 0, 0, 0, 0); }
/* reaper.c passes a string or a number as prctl's second argument. */
static int nolibc_prctl(int op, long arg) { return (int)SYS(__NR_prctl, op, arg, 0, 0); }
#define prctl(op, a, b, c, d) nolibc_prctl((op), (long)(a))
static int setpgid(pid_t pid, pid_t pgid) { return (int)SYS(__NR_setpgid, pid, pgid, 0, 0); }
static int kill(pid_t pid, int sig) { return (int)SYS(__NR_kill, pid, sig, 0, 0); }
static pid_t fork(void) { return (pid_t)SYS(__NR_clone, SIGCHLD, 0, 0, 0); }
static int execv(const char *path, char *const argv[]) {
  return (int)SYS(__NR_execve, path, argv, environ, 0);
}
static pid_t waitpid(pid_t pid, int *status, int options) {
  return (pid_t)SYS(__NR_wait4, pid, status, options, 0);
}
static int isatty(int fd) {
  pid_t pgrp;
  return SYS(__NR_ioctl, fd, TIOCGPGRP, &pgrp, 0) == 0;
}
static int tcsetpgrp(int fd, pid_t pgrp) { return (int)SYS(__NR_ioctl, fd, TIOCSPGRP, &pgrp, 0); }

/* The kernel's sigset (asm/signal.h): all 64 signals in one word. */
static void sigfillset(sigset_t *set) { *set = ~0UL; }
static int sigprocmask(int how, const sigset_t *set, sigset_t *old) {
  return (int)SYS(__NR_rt_sigprocmask, how, set, old, sizeof(sigset_t));
}
/* rt_sigtimedwait with no timeout: the signal number, as sigwaitinfo. */
static int sigwaitinfo(const sigset_t *set, siginfo_t *info) {
  return (int)SYS(__NR_rt_sigtimedwait, set, info, NULL, sizeof(sigset_t));
}

/* Only the errors an exec of the container's process can meet name
 * themselves; the rest print their number. */
static const char *strerror(int e) {
  switch (e) {
  case ENOENT: return "No such file or directory";
  case EACCES: return "Permission denied";
  case ENOEXEC: return "Exec format error";
  default: return "error";
  }
}

/* The messages reaper.c prints: up to four strings, one write. */
static void say(const char *a, const char *b, const char *c, const char *d) {
  char buf[512];
  size_t n = 0;
  const char *parts[] = {a, b, c, d};
  for (size_t i = 0; i < 4; i++)
    for (const char *p = parts[i]; p && *p && n < sizeof(buf) - 1; p++) buf[n++] = *p;
  buf[n++] = '\n';
  sys6(__NR_write, STDERR_FILENO, (long)buf, (long)n, 0, 0, 0);
}

int main(int argc, char **argv);

/* The kernel starts us with argc, argv[], NULL, envp[], NULL on the stack. */
__attribute__((used)) static void start_c(long *sp) {
  int argc = (int)sp[0];
  char **argv = (char **)(sp + 1);
  environ = argv + argc + 1;
  _exit(main(argc, argv));
}

__attribute__((naked, noreturn)) void _start(void) {
  __asm__ volatile("xor %ebp, %ebp\n\t"
                   "mov %rsp, %rdi\n\t"
                   "and $-16, %rsp\n\t"
                   "call start_c\n\t"
                   "hlt");
}

#endif
