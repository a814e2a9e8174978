/* security/ seccomp: profiles compiled with libseccomp to BPF, loaded in a
 * forked child, and checked by what syscalls then do: denied ones return
 * the configured errno, allowed ones work, argument filters follow their
 * operator, KILL_PROCESS kills, NOTIFY hands a working listener to an
 * agent over listenerPath; plus the on-disk cache. */
#include "unit.h"

#include "security/security.h"
#include "security/seccomp_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "../integration/recvfd.h"

static char cache_dir[] = "/tmp/hull-test-seccomp.XXXXXX";

static int setup(void **state) {
  if (mkdtemp(cache_dir) == NULL) return -1;
  hull_seccomp_set_cache_dir(cache_dir);
  return 0;
}

static int teardown(void **state) {
  _cleanup_free_ char *cmd = hull_xasprintf("rm -rf %s", cache_dir);
  return system(cmd) == 0 ? 0 : -1;
}

static char *names_getppid[] = {"getppid", NULL};
static char *names_getpgid[] = {"getpgid", NULL};
static char *names_umask[] = {"umask", NULL};
static char *names_getsid[] = {"getsid", NULL};
static char *names_getpriority[] = {"getpriority", NULL};
static char *names_unknown[] = {"no_such_syscall_xyz", "getuid", NULL};

static struct hull_syscall_arg arg_getpgid[] = {{.index = 0, .value = 12345, .op = SCMP_CMP_EQ}};
static struct hull_syscall_arg arg_umask[] = {{.index = 0, .value = 0700, .value_two = 0700, .op = SCMP_CMP_MASKED_EQ}};
/* The same index twice: either value matches. */
static struct hull_syscall_arg arg_getsid[] = {{.index = 0, .value = 111, .op = SCMP_CMP_EQ},
                                               {.index = 0, .value = 222, .op = SCMP_CMP_EQ}};
/* Two indexes: both must match. */
static struct hull_syscall_arg arg_getprio[] = {{.index = 0, .value = 5, .op = SCMP_CMP_GT},
                                                {.index = 1, .value = 9, .op = SCMP_CMP_LT}};

/* Index 0 twice and index 1 once: runc makes each its own rule (any). */
static struct hull_syscall_arg arg_setpgid[] = {{.index = 0, .value = 333, .op = SCMP_CMP_EQ},
                                                {.index = 0, .value = 444, .op = SCMP_CMP_EQ},
                                                {.index = 1, .value = 555, .op = SCMP_CMP_EQ}};
static char *names_setpgid[] = {"setpgid", NULL};

static struct hull_syscall_rule base_rules[] = {
    {.names = names_setpgid, .action = SCMP_ACT_ERRNO(0), .has_errno_ret = true, .errno_ret = 83,
     .args = arg_setpgid, .n_args = 3},
    {.names = names_getppid, .action = SCMP_ACT_ERRNO(0), .has_errno_ret = true, .errno_ret = 77},
    {.names = names_getpgid, .action = SCMP_ACT_ERRNO(0), .has_errno_ret = true, .errno_ret = 78,
     .args = arg_getpgid, .n_args = 1},
    {.names = names_umask, .action = SCMP_ACT_ERRNO(0), .has_errno_ret = true, .errno_ret = 79,
     .args = arg_umask, .n_args = 1},
    {.names = names_getsid, .action = SCMP_ACT_ERRNO(0), .args = arg_getsid, .n_args = 2},
    {.names = names_getpriority, .action = SCMP_ACT_ERRNO(0), .has_errno_ret = true, .errno_ret = 81,
     .args = arg_getprio, .n_args = 2},
    {.names = names_unknown, .action = SCMP_ACT_ERRNO(0), .has_errno_ret = true, .errno_ret = 82},
};

static struct hull_seccomp base_profile(void) {
  static char *archs[] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", NULL};
  struct hull_seccomp sc = {.present = true, .default_action = SCMP_ACT_ALLOW,
                            .architectures = archs, .syscalls = base_rules,
                            .n_syscalls = sizeof(base_rules) / sizeof(base_rules[0])};
  return sc;
}

/* Loads f in a forked child (with no_new_privs, so no privilege needed)
 * and runs fn there; returns the wait status. */
static int in_child(struct hull_seccomp_filter *f, int (*fn)(void)) {
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    struct hull_err *err = NULL;
    /* cmocka catches SIGSYS in the test process; TRAP must kill here. */
    signal(SIGSYS, SIG_DFL);
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    if (hull_seccomp_load(f, NULL, &err) < 0) {
      fprintf(stderr, "load: %s\n", err->msg);
      _exit(100);
    }
    /* The raw exit_group, not _exit(): under ASan, _exit() goes through
     * the sanitizer's exit hooks (sigaltstack, mmap), which the filter
     * denies: the child then dies in a sanitizer CHECK. */
    syscall(SYS_exit_group, fn());
  }
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  return status;
}

#define EXPECT_ERRNO(call, e, code) \
  do {                              \
    errno = 0;                      \
    if ((call) != -1 || errno != (e)) return (code); \
  } while (0)

static int check_base(void) {
  EXPECT_ERRNO(syscall(SYS_getppid), 77, 1);
  EXPECT_ERRNO(syscall(SYS_getpgid, 12345), 78, 2);
  if (syscall(SYS_getpgid, 0) < 0) return 3;
  EXPECT_ERRNO(syscall(SYS_umask, 0755), 79, 4);
  if (syscall(SYS_umask, 0022) < 0) return 5;
  EXPECT_ERRNO(syscall(SYS_getsid, 111), EPERM, 6);
  EXPECT_ERRNO(syscall(SYS_getsid, 222), EPERM, 7);
  if (syscall(SYS_getsid, 0) < 0) return 8;
  EXPECT_ERRNO(syscall(SYS_getpriority, 6, 8), 81, 9);
  /* One condition alone is not enough: the kernel answers EINVAL for
   * which=6, not our 81. */
  EXPECT_ERRNO(syscall(SYS_getpriority, 6, 10), EINVAL, 10);
  if (syscall(SYS_getpriority, PRIO_PROCESS, 0) < 0) return 11;
  EXPECT_ERRNO(syscall(SYS_setpgid, 333, 0), 83, 13);
  EXPECT_ERRNO(syscall(SYS_setpgid, 0, 555), 83, 14);
  if (syscall(SYS_setpgid, 0, 0) < 0) return 15;
  /* The unknown name was skipped, getuid in the same rule still denied. */
  EXPECT_ERRNO(syscall(SYS_getuid), 82, 12);
  return 0;
}

static void compile_and_enforce(void **state) {
  struct hull_seccomp sc = base_profile();
  struct hull_err *err = NULL;
  hull_seccomp_set_cache_dir(NULL);
  _cleanup_seccomp_filter_ struct hull_seccomp_filter *f = hull_seccomp_compile(&sc, &err);
  hull_seccomp_set_cache_dir(cache_dir);
  if (f == NULL) fail_msg("%s", err->msg);
  assert_false(hull_seccomp_filter_from_cache(f));
  assert_false(hull_seccomp_filter_has_notify(f));
  int status = in_child(f, check_base);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
}

static int do_getppid(void) {
  syscall(SYS_getppid);
  return 0;
}

static int check_default_deny(void) {
  EXPECT_ERRNO(syscall(SYS_getpid), 90, 1);
  EXPECT_ERRNO(syscall(SYS_getuid), 90, 2);
  if (syscall(SYS_getppid) <= 0) return 3;
  return 0;
}

static void default_errno_and_kill(void **state) {
  static char *allow_names[] = {"exit_group", "exit", "getppid", NULL};
  static struct hull_syscall_rule allow[] = {{.names = allow_names, .action = SCMP_ACT_ALLOW}};
  /* Default deny with errno 90: everything but exit and getppid fails. */
  struct hull_seccomp sc = {.present = true, .default_action = SCMP_ACT_ERRNO(0),
                            .has_default_errno_ret = true, .default_errno_ret = 90,
                            .syscalls = allow, .n_syscalls = 1};
  struct hull_err *err = NULL;
  _cleanup_seccomp_filter_ struct hull_seccomp_filter *f = hull_seccomp_compile(&sc, &err);
  assert_non_null(f);
  int status = in_child(f, check_default_deny);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);

  static struct hull_syscall_rule kill_rule[] = {{.names = names_getppid, .action = SCMP_ACT_KILL_PROCESS}};
  struct hull_seccomp kill = {.present = true, .default_action = SCMP_ACT_ALLOW,
                              .syscalls = kill_rule, .n_syscalls = 1};
  _cleanup_seccomp_filter_ struct hull_seccomp_filter *k = hull_seccomp_compile(&kill, &err);
  assert_non_null(k);
  status = in_child(k, do_getppid);
  assert_true(WIFSIGNALED(status));
  assert_int_equal(WTERMSIG(status), SIGSYS);
}

static struct unit_listener agent; /* the listenerPath notify_child sends to */

static int notify_child(struct hull_seccomp_filter *f) {
  struct hull_err *err = NULL;
  int nfd = -1;
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  if (hull_seccomp_load(f, &nfd, &err) < 0 || nfd < 0) return 100;
  _cleanup_free_ char *state = hull_seccomp_process_state_json(getpid(), "meta\"data", "{\"id\":\"x\"}");
  if (hull_seccomp_send_listener(agent.path, nfd, state, &err) < 0) return 101;
  close(nfd);
  /* Blocks until the agent answers for us. */
  long r = syscall(SYS_getppid);
  return r == 4242 ? 0 : 102;
}

static void notify_listener_gets_fd_and_state(void **state) {
  static char *flags[] = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
                          "SECCOMP_FILTER_FLAG_LOG", NULL};
  static struct hull_syscall_rule rules[] = {{.names = names_getppid, .action = SCMP_ACT_NOTIFY}};
  struct hull_seccomp sc = {.present = true, .default_action = SCMP_ACT_ALLOW, .flags = flags,
                            .syscalls = rules, .n_syscalls = 1};
  struct hull_err *err = NULL;
  _cleanup_seccomp_filter_ struct hull_seccomp_filter *f = hull_seccomp_compile(&sc, &err);
  if (f == NULL) fail_msg("%s", err->msg);
  assert_true(hull_seccomp_filter_has_notify(f));

  unit_listen(&agent);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) _exit(notify_child(f));
  _cleanup_close_ int conn = accept4(agent.fd, NULL, NULL, SOCK_CLOEXEC);
  assert_true(conn >= 0);
  char buf[4096];
  int nfd = -1;
  assert_true(recvfd_msg(conn, buf, sizeof(buf), &nfd) > 0);
  _cleanup_free_ char *want = hull_xasprintf(
      "{\"ociVersion\":\"%s\",\"fds\":[\"seccompFd\"],\"pid\":%d,\"metadata\":\"meta\\\"data\","
      "\"state\":{\"id\":\"x\"}}", HULL_SPEC_VERSION, (int)pid);
  assert_string_equal(buf, want);

  struct seccomp_notif req;
  memset(&req, 0, sizeof(req));
  assert_int_equal(ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, &req), 0);
  assert_int_equal(req.data.nr, SYS_getppid);
  assert_int_equal(req.pid, pid);
  struct seccomp_notif_resp resp = {.id = req.id, .val = 4242, .error = 0, .flags = 0};
  assert_int_equal(ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp), 0);
  close(nfd);
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  unit_unlisten(&agent);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
}

static void cache_hits_and_refuses_foreign_entries(void **state) {
  struct hull_seccomp sc = base_profile();
  struct hull_err *err = NULL;
  _cleanup_seccomp_filter_ struct hull_seccomp_filter *a = hull_seccomp_compile(&sc, &err);
  _cleanup_seccomp_filter_ struct hull_seccomp_filter *b = hull_seccomp_compile(&sc, &err);
  assert_non_null(a);
  assert_non_null(b);
  assert_true(hull_seccomp_filter_from_cache(b));
  const void *pa, *pb;
  size_t na = hull_seccomp_filter_bpf(a, &pa), nb = hull_seccomp_filter_bpf(b, &pb);
  assert_int_equal(na, nb);
  assert_memory_equal(pa, pb, na * 8);
  assert_int_equal(in_child(b, check_base), 0);

  /* A cache file anyone could have written is not trusted. */
  _cleanup_free_ char *cmd = hull_xasprintf("chmod 0666 %s/*.bpf", cache_dir);
  assert_int_equal(system(cmd), 0);
  _cleanup_seccomp_filter_ struct hull_seccomp_filter *c = hull_seccomp_compile(&sc, &err);
  assert_false(hull_seccomp_filter_from_cache(c));

  /* An entry at the same name but for another profile (a forged hash
   * collision) is not used: the full profile text must match. */
  struct hull_seccomp other = base_profile();
  other.n_syscalls = 1;
  _cleanup_seccomp_filter_ struct hull_seccomp_filter *o = hull_seccomp_compile(&other, &err);
  assert_non_null(o);
  _cleanup_free_ char *mv = hull_xasprintf(
      "cd %s && a=$(ls -t *.bpf | head -1) && for f in *.bpf; do [ $f = $a ] || cp $a $f; done", cache_dir);
  assert_int_equal(system(mv), 0);
  _cleanup_seccomp_filter_ struct hull_seccomp_filter *d = hull_seccomp_compile(&sc, &err);
  assert_non_null(d);
  assert_false(hull_seccomp_filter_from_cache(d));
  assert_int_equal(in_child(d, check_base), 0);
}

static void cache_stays_bounded(void **state) {
  static char *names[] = {"getppid", NULL};
  struct hull_syscall_rule rule = {.names = names, .action = SCMP_ACT_ERRNO(0), .has_errno_ret = true};
  struct hull_seccomp sc = {.present = true, .default_action = SCMP_ACT_ALLOW, .syscalls = &rule, .n_syscalls = 1};
  struct hull_err *err = NULL;
  for (unsigned i = 1; i <= 70; i++) {
    rule.errno_ret = i;
    hull_seccomp_filter_free(hull_seccomp_compile(&sc, &err));
  }
  assert_null(err);
  _cleanup_free_ char *cmd = hull_xasprintf("test $(ls %s | wc -l) -eq 64", cache_dir);
  assert_int_equal(system(cmd), 0);
  /* The newest entries survived. */
  _cleanup_seccomp_filter_ struct hull_seccomp_filter *f = hull_seccomp_compile(&sc, &err);
  assert_true(hull_seccomp_filter_from_cache(f));
}

static void expect_compile_error(struct hull_seccomp *sc, const char *msg) {
  struct hull_err *err = NULL;
  struct hull_seccomp_filter *f = hull_seccomp_compile(sc, &err);
  assert_null(f);
  assert_non_null(err);
  assert_string_equal(err->msg, msg);
  hull_err_free(&err);
}

static void bad_profiles_are_refused(void **state) {
  static char *names_write[] = {"write", NULL};
  static char *bad_arch[] = {"SCMP_ARCH_VAX", NULL};
  static char *bad_flag[] = {"SECCOMP_FILTER_FLAG_BOGUS", NULL};
  static struct hull_syscall_arg idx7[] = {{.index = 7, .op = SCMP_CMP_EQ}};
  static struct hull_syscall_rule notify_write[] = {{.names = names_write, .action = SCMP_ACT_NOTIFY}};
  static struct hull_syscall_rule allow_ret[] = {{.names = names_getppid, .action = SCMP_ACT_ALLOW,
                                                  .has_errno_ret = true, .errno_ret = 1}};
  static struct hull_syscall_rule bad_idx[] = {{.names = names_getppid, .action = SCMP_ACT_ERRNO(0),
                                                .args = idx7, .n_args = 1}};
  struct hull_seccomp sc = {.present = true, .default_action = SCMP_ACT_NOTIFY};
  expect_compile_error(&sc, "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
  sc = (struct hull_seccomp){.present = true, .default_action = SCMP_ACT_ALLOW, .syscalls = notify_write, .n_syscalls = 1};
  expect_compile_error(&sc, "linux.seccomp.syscalls[0]: SCMP_ACT_NOTIFY cannot be used for write (hull needs it to hand over the listener)");
  sc = (struct hull_seccomp){.present = true, .default_action = SCMP_ACT_ALLOW, .architectures = bad_arch};
  expect_compile_error(&sc, "linux.seccomp.architectures: unknown architecture \"SCMP_ARCH_VAX\"");
  sc = (struct hull_seccomp){.present = true, .default_action = SCMP_ACT_ALLOW, .flags = bad_flag};
  expect_compile_error(&sc, "linux.seccomp.flags: unknown flag \"SECCOMP_FILTER_FLAG_BOGUS\"");
  sc = (struct hull_seccomp){.present = true, .default_action = SCMP_ACT_ERRNO(0), .syscalls = allow_ret, .n_syscalls = 1};
  expect_compile_error(&sc, "linux.seccomp.syscalls[0]: errnoRet is only valid with SCMP_ACT_ERRNO and SCMP_ACT_TRACE");
  sc = (struct hull_seccomp){.present = true, .default_action = SCMP_ACT_ALLOW, .syscalls = bad_idx, .n_syscalls = 1};
  expect_compile_error(&sc, "linux.seccomp.syscalls[0].args: index 7 is out of range (0..5)");
  sc = (struct hull_seccomp){.present = true, .default_action = 0x12345};
  expect_compile_error(&sc, "linux.seccomp.defaultAction: unknown action 0x12345");
}

static int check_trace_log(void) {
  /* TRACE with no tracer attached: the syscall fails with ENOSYS. */
  EXPECT_ERRNO(syscall(SYS_getuid), ENOSYS, 1);
  /* LOG: allowed (and logged). */
  if (syscall(SYS_getgid) < 0) return 2;
  return 0;
}

static int do_getpid(void) {
  syscall(SYS_getpid);
  return 0;
}

static void trap_trace_log_kill_thread(void **state) {
  static char *n_uid[] = {"getuid", NULL}, *n_gid[] = {"getgid", NULL}, *n_pid[] = {"getpid", NULL};
  static struct hull_syscall_rule rules[] = {
      {.names = names_getppid, .action = SCMP_ACT_TRAP},
      {.names = n_uid, .action = SCMP_ACT_TRACE(0)},
      {.names = n_gid, .action = SCMP_ACT_LOG},
      {.names = n_pid, .action = SCMP_ACT_KILL_THREAD},
  };
  struct hull_seccomp sc = {.present = true, .default_action = SCMP_ACT_ALLOW, .syscalls = rules, .n_syscalls = 4};
  struct hull_err *err = NULL;
  _cleanup_seccomp_filter_ struct hull_seccomp_filter *f = hull_seccomp_compile(&sc, &err);
  if (f == NULL) fail_msg("%s", err->msg);
  int status = in_child(f, check_trace_log);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
  status = in_child(f, do_getppid); /* TRAP: SIGSYS */
  assert_true(WIFSIGNALED(status));
  assert_int_equal(WTERMSIG(status), SIGSYS);
  status = in_child(f, do_getpid); /* KILL_THREAD of the only thread */
  assert_true(WIFSIGNALED(status));
  assert_int_equal(WTERMSIG(status), SIGSYS);
}

static int check_enosys_stub(void) {
  /* clone3 (435) is above every syscall the profile names: ENOSYS, so
   * libc would fall back to clone. */
  EXPECT_ERRNO(syscall(435, NULL, 0), ENOSYS, 1);
  /* getppid (110) is below: the profile's default action. */
  EXPECT_ERRNO(syscall(SYS_getppid), EPERM, 2);
  if (syscall(SYS_getpid) <= 0) return 3;
  return 0;
}

static void newer_syscalls_get_enosys(void **state) {
  static char *names[] = {"exit_group", "exit", "getpid", "read", "write", NULL};
  static struct hull_syscall_rule allow[] = {{.names = names, .action = SCMP_ACT_ALLOW}};
  struct hull_seccomp sc = {.present = true, .default_action = SCMP_ACT_ERRNO(0),
                            .syscalls = allow, .n_syscalls = 1};
  struct hull_err *err = NULL;
  _cleanup_seccomp_filter_ struct hull_seccomp_filter *f = hull_seccomp_compile(&sc, &err);
  if (f == NULL) fail_msg("%s", err->msg);
  int status = in_child(f, check_enosys_stub);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
}

/* Runs the stub alone on (arch, nr): 1 = returned ENOSYS, 0 = fell through
 * to libseccomp's program, -1 = bad program. */
static int run_stub(const struct sock_filter *p, size_t n, uint32_t arch, uint32_t nr) {
  uint32_t acc = 0;
  for (size_t pc = 0; pc < n;) {
    const struct sock_filter *i = &p[pc];
    switch (i->code) {
    case BPF_LD | BPF_W | BPF_ABS:
      acc = i->k == offsetof(struct seccomp_data, arch) ? arch : i->k == 0 ? nr : 0xdead;
      pc++;
      break;
    case BPF_JMP | BPF_JEQ | BPF_K: pc += 1 + (acc == i->k ? i->jt : i->jf); break;
    case BPF_JMP | BPF_JGT | BPF_K: pc += 1 + (acc > i->k ? i->jt : i->jf); break;
    case BPF_JMP | BPF_JSET | BPF_K: pc += 1 + ((acc & i->k) ? i->jt : i->jf); break;
    case BPF_JMP | BPF_JA: pc += 1 + i->k; break;
    case BPF_RET | BPF_K: return i->k == (SECCOMP_RET_ERRNO | ENOSYS) ? 1 : -1;
    default: return -1;
    }
  }
  return 0;
}

static void enosys_stub_per_arch(void **state) {
  static char *names[] = {"read", "openat", "socket", NULL}; /* socket: multiplexed on x86 */
  static struct hull_syscall_rule r[] = {{.names = names, .action = SCMP_ACT_ALLOW}};
  struct hull_seccomp sc = {.present = true, .default_action = SCMP_ACT_ERRNO(EPERM), .syscalls = r, .n_syscalls = 1};
  uint32_t archs[] = {SCMP_ARCH_X86_64, SCMP_ARCH_X32, SCMP_ARCH_X86, SCMP_ARCH_AARCH64};
  struct sock_filter *p = NULL;
  size_t n = 0;
  assert_int_equal(hull_seccomp_enosys_stub(&sc, SCMP_ACT_ERRNO(EPERM), archs, 4, &p, &n), 0);
  assert_non_null(p);
  const uint32_t x86_64 = AUDIT_ARCH_X86_64, aarch64 = AUDIT_ARCH_AARCH64, i386 = AUDIT_ARCH_I386;
  /* x86_64: openat is 257, the highest named. */
  assert_int_equal(run_stub(p, n, x86_64, 257), 0);
  assert_int_equal(run_stub(p, n, x86_64, 258), 1);
  assert_int_equal(run_stub(p, n, x86_64, 0), 0);
  /* x32 numbers carry bit 30 and have their own maximum (openat). */
  assert_int_equal(run_stub(p, n, x86_64, 0x40000000 | 257), 0);
  assert_int_equal(run_stub(p, n, x86_64, 0x40000000 | 300), 1);
  /* x86 (i386) names socket, multiplexed: no stub, all falls through. */
  assert_int_equal(run_stub(p, n, i386, 1000), 0);
  /* aarch64: openat 56, socket 198. */
  assert_int_equal(run_stub(p, n, aarch64, 198), 0);
  assert_int_equal(run_stub(p, n, aarch64, 199), 1);
  /* An architecture not in the filter is libseccomp's business. */
  assert_int_equal(run_stub(p, n, AUDIT_ARCH_PPC64LE, 5000), 0);
  free(p);
  /* Default allow (or ENOSYS already): no stub. */
  assert_int_equal(hull_seccomp_enosys_stub(&sc, SCMP_ACT_ALLOW, archs, 4, &p, &n), 0);
  assert_null(p);
  assert_int_equal(hull_seccomp_enosys_stub(&sc, SCMP_ACT_ERRNO(ENOSYS), archs, 4, &p, &n), 0);
  assert_null(p);
}

/* The real path: config.json text through the spec parser, then here. */
static int check_from_json(void) {
  EXPECT_ERRNO(syscall(SYS_getppid), 55, 1);
  EXPECT_ERRNO(syscall(SYS_umask, 0777), EPERM, 2);
  if (syscall(SYS_umask, 022) < 0) return 3;
  EXPECT_ERRNO(syscall(SYS_getpgid, 7), 56, 4);
  if (syscall(SYS_getpgid, 0) < 0) return 5;
  return 0;
}

static void profile_from_config_json(void **state) {
  static const char json[] =
      "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"},"
      "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}},"
      "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
      "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],"
      "\"flags\":[\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\",\"SECCOMP_FILTER_FLAG_LOG\"],"
      "\"syscalls\":["
      "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":55},"
      "{\"names\":[\"umask\"],\"action\":\"SCMP_ACT_ERRNO\","
      "\"args\":[{\"index\":0,\"value\":511,\"valueTwo\":511,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
      "{\"names\":[\"getpgid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":56,"
      "\"args\":[{\"index\":0,\"value\":5,\"op\":\"SCMP_CMP_GE\"}]}"
      "]}}}";
  struct hull_err *err = NULL;
  _cleanup_spec_ struct hull_spec *spec = hull_spec_parse(json, sizeof(json) - 1, &err);
  if (spec == NULL) fail_msg("%s", err->msg);
  _cleanup_seccomp_filter_ struct hull_seccomp_filter *f = hull_seccomp_compile(&spec->linux_.seccomp, &err);
  if (f == NULL) fail_msg("%s", err->msg);
  int status = in_child(f, check_from_json);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
}

static void process_state_takes_pid_from_state(void **state) {
  _cleanup_free_ char *a = hull_seccomp_process_state_from_state("m", "{\"id\":\"c1\",\"pid\":4321}");
  _cleanup_free_ char *want = hull_xasprintf(
      "{\"ociVersion\":\"%s\",\"fds\":[\"seccompFd\"],\"pid\":4321,\"metadata\":\"m\","
      "\"state\":{\"id\":\"c1\",\"pid\":4321}}", HULL_SPEC_VERSION);
  assert_string_equal(a, want);
  _cleanup_free_ char *b = hull_seccomp_process_state_from_state(NULL, NULL);
  _cleanup_free_ char *want_b = hull_xasprintf(
      "{\"ociVersion\":\"%s\",\"fds\":[\"seccompFd\"],\"pid\":0,\"metadata\":\"\",\"state\":{}}",
      HULL_SPEC_VERSION);
  assert_string_equal(b, want_b);
}

static bool has_name(const char *const *v, const char *n) {
  for (; *v; v++)
    if (strcmp(*v, n) == 0) return true;
  return false;
}

static void feature_tables(void **state) {
  assert_true(has_name(hull_seccomp_action_names(), "SCMP_ACT_NOTIFY"));
  assert_true(has_name(hull_seccomp_action_names(), "SCMP_ACT_KILL_PROCESS"));
  assert_true(has_name(hull_seccomp_operator_names(), "SCMP_CMP_MASKED_EQ"));
  assert_true(has_name(hull_seccomp_arch_names(), "SCMP_ARCH_X86_64"));
  assert_true(has_name(hull_seccomp_arch_names(), "SCMP_ARCH_AARCH64"));
  assert_true(has_name(hull_seccomp_flag_names(), "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"));
  assert_false(has_name(hull_seccomp_flag_names(), "SECCOMP_FILTER_FLAG_NEW_LISTENER"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(compile_and_enforce),
      cmocka_unit_test(default_errno_and_kill),
      cmocka_unit_test(trap_trace_log_kill_thread),
      cmocka_unit_test(notify_listener_gets_fd_and_state),
      cmocka_unit_test(cache_hits_and_refuses_foreign_entries),
      cmocka_unit_test(cache_stays_bounded),
      cmocka_unit_test(bad_profiles_are_refused),
      cmocka_unit_test(profile_from_config_json),
      cmocka_unit_test(newer_syscalls_get_enosys),
      cmocka_unit_test(enosys_stub_per_arch),
      cmocka_unit_test(process_state_takes_pid_from_state),
      cmocka_unit_test(feature_tables),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
