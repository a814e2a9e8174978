/* bench-seccomp: compile time of a Docker-sized profile (~350 syscall
 * rules, three architectures, argument filters) with and without the
 * on-disk cache, and the cost of the child's single seccomp(2) load.
 * Usage: bench-seccomp [iterations]. Prints microseconds per operation. */
#include "security/security.h"

#include <seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static struct hull_syscall_arg pers[] = {{.index = 0, .value = 0, .op = SCMP_CMP_EQ},
                                         {.index = 0, .value = 8, .op = SCMP_CMP_EQ},
                                         {.index = 0, .value = 0x20000, .op = SCMP_CMP_EQ},
                                         {.index = 0, .value = 0xffffffff, .op = SCMP_CMP_EQ}};
static struct hull_syscall_arg clone_arg[] = {{.index = 0, .value = 0x7e020000, .value_two = 0, .op = SCMP_CMP_MASKED_EQ}};
static struct hull_syscall_arg sock_arg[] = {{.index = 0, .value = 40, .op = SCMP_CMP_NE}};

static void build_profile(struct hull_seccomp *sc) {
  static char *archs[] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", NULL};
  static struct hull_syscall_rule rules[400];
  static char *names[400][2];
  size_t n = 0;
  uint32_t native = seccomp_arch_native();
  for (int nr = 0; nr < 1000 && n < 350; nr++) {
    char *name = seccomp_syscall_resolve_num_arch(native, nr);
    if (name == NULL) continue;
    if (strcmp(name, "personality") != 0 && strcmp(name, "clone") != 0 && strcmp(name, "socket") != 0) {
      names[n][0] = name;
      rules[n] = (struct hull_syscall_rule){.names = names[n], .action = SCMP_ACT_ALLOW};
      n++;
    } else {
      free(name);
    }
  }
  static char *np[] = {"personality", NULL}, *nc[] = {"clone", NULL}, *ns[] = {"socket", NULL};
  rules[n++] = (struct hull_syscall_rule){.names = np, .action = SCMP_ACT_ALLOW, .args = pers, .n_args = 4};
  rules[n++] = (struct hull_syscall_rule){.names = nc, .action = SCMP_ACT_ALLOW, .args = clone_arg, .n_args = 1};
  rules[n++] = (struct hull_syscall_rule){.names = ns, .action = SCMP_ACT_ALLOW, .args = sock_arg, .n_args = 1};
  *sc = (struct hull_seccomp){.present = true, .default_action = SCMP_ACT_ERRNO(0),
                              .has_default_errno_ret = true, .default_errno_ret = 1,
                              .architectures = archs, .syscalls = rules, .n_syscalls = n};
}

static double time_compile(struct hull_seccomp *sc, int iters, bool *cached) {
  double t0 = now_us();
  for (int i = 0; i < iters; i++) {
    struct hull_err *err = NULL;
    struct hull_seccomp_filter *f = hull_seccomp_compile(sc, &err);
    if (f == NULL) {
      fprintf(stderr, "compile: %s\n", err->msg);
      exit(1);
    }
    *cached = hull_seccomp_filter_from_cache(f);
    hull_seccomp_filter_free(f);
  }
  return (now_us() - t0) / iters;
}

/* The load happens in a fresh child each time, like in the init shim. */
static double time_load(struct hull_seccomp_filter *f, int iters) {
  double total = 0;
  for (int i = 0; i < iters; i++) {
    int p[2];
    if (pipe(p) < 0) exit(1);
    pid_t pid = fork();
    if (pid == 0) {
      prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
      double t0 = now_us();
      int ok = hull_seccomp_load(f, NULL, NULL);
      double dt = now_us() - t0;
      if (ok < 0) dt = -1;
      if (write(p[1], &dt, sizeof(dt)) != sizeof(dt)) _exit(1);
      _exit(0);
    }
    close(p[1]);
    double dt = -1;
    if (read(p[0], &dt, sizeof(dt)) != sizeof(dt) || dt < 0) exit(1);
    close(p[0]);
    waitpid(pid, NULL, 0);
    total += dt;
  }
  return total / iters;
}

int main(int argc, char **argv) {
  int iters = argc > 1 ? atoi(argv[1]) : 20;
  if (iters <= 0) iters = 20;
  struct hull_seccomp sc;
  build_profile(&sc);
  char dir[] = "/tmp/hull-bench-seccomp.XXXXXX";
  if (mkdtemp(dir) == NULL) return 1;
  bool cached;
  hull_seccomp_set_cache_dir(NULL);
  double cold = time_compile(&sc, iters, &cached);
  hull_seccomp_set_cache_dir(dir);
  time_compile(&sc, 1, &cached); /* fills the cache */
  double warm = time_compile(&sc, iters, &cached);
  if (!cached) fprintf(stderr, "warning: the cache did not hit\n");
  struct hull_seccomp_filter *f = hull_seccomp_compile(&sc, NULL);
  const void *insns;
  size_t n = hull_seccomp_filter_bpf(f, &insns);
  double load = time_load(f, iters);
  printf("profile: %zu rules, 3 archs; BPF: %zu instructions\n", sc.n_syscalls, n);
  printf("compile (libseccomp, no cache): %8.1f us\n", cold);
  printf("compile (cache hit):            %8.1f us\n", warm);
  printf("load in child (seccomp(2)):     %8.1f us\n", load);
  hull_seccomp_filter_free(f);
  char cmd[128];
  snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
  return system(cmd) == 0 ? 0 : 1; // NOLINT(cert-env33-c): a bench removing its own mkdtemp dir
}
