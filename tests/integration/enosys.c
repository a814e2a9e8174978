/* Test helper: runs a command with some syscalls answered by ENOSYS, as
 * under valgrind 3.19 (no clone3, pidfd_open, openat2, new mount API), in
 * a container whose seccomp profile does that (Docker's default did for
 * clone3, so that libc falls back to clone) or on an older kernel.
 *   enosys SYSCALL[,SYSCALL...] CMD [ARGS...]   filter, then exec CMD
 *   enosys SYSCALL[,SYSCALL...] --check         0 when each answers ENOSYS
 * SYSCALL: clone3, pidfd_open, pidfd_send_signal, openat2.
 * The filter is a plain BPF program (no libseccomp): those numbers on the
 * native arch, everything else allowed. As root no_new_privs is not set
 * (hull may run setuid helpers); otherwise the kernel requires it. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "enosys: add this architecture's AUDIT_ARCH"
#endif

/* the same numbers on every arch since 5.1 (the unified syscall table) */
static const struct {
  const char *name;
  unsigned nr;
} known[] = {{"pidfd_send_signal", 424}, {"pidfd_open", 434}, {"clone3", 435}, {"openat2", 437}};
#define MAX_NRS 8

static int parse(char *list, unsigned *nrs, size_t *n) {
  for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    size_t i = 0;
    while (i < sizeof(known) / sizeof(known[0]) && strcmp(known[i].name, t) != 0) i++;
    if (i == sizeof(known) / sizeof(known[0]) || *n == MAX_NRS) {
      fprintf(stderr, "enosys: unknown syscall %s\n", t);
      return -1;
    }
    nrs[(*n)++] = known[i].nr;
  }
  return 0;
}

static int install(const unsigned *nrs, size_t n) {
  struct sock_filter code[4 + 2 * MAX_NRS + 1];
  size_t k = 0;
  code[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
  code[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0);
  code[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  code[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
  for (size_t i = 0; i < n; i++) {
    code[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nrs[i], 0, 1);
    code[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
  }
  code[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  struct sock_fprog prog = {.len = (unsigned short)k, .filter = code};
  if (geteuid() != 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
    perror("enosys: PR_SET_NO_NEW_PRIVS");
    return -1;
  }
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
    perror("enosys: PR_SET_SECCOMP");
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  unsigned nrs[MAX_NRS];
  size_t n = 0;
  if (argc < 3) {
    fprintf(stderr, "usage: enosys SYSCALL[,SYSCALL...] CMD [ARGS...] | --check\n");
    return 2;
  }
  if (parse(argv[1], nrs, &n) < 0) return 2;
  if (install(nrs, n) < 0) return 125;
  if (strcmp(argv[2], "--check") == 0) {
    for (size_t i = 0; i < n; i++) {
      /* invalid arguments: EINVAL/EBADF/EFAULT where the call exists */
      long r = syscall(nrs[i], -1L, 0L, 0L, 0L);
      if (r < 0 && errno == ENOSYS) continue;
      fprintf(stderr, "enosys: syscall %u answered %ld (%s), not ENOSYS\n", nrs[i], r, strerror(errno));
      return 1;
    }
    return 0;
  }
  execvp(argv[2], &argv[2]);
  fprintf(stderr, "enosys: exec %s: %s\n", argv[2], strerror(errno));
  return 127;
}
