/* security/: capability set logic, id lists, verified procfs, and (as root)
 * identity + capabilities applied in a forked child and read back from
 * /proc/self/status, before and after execve. */
#include "unit.h"

#include "security/security.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/mempolicy.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define BIT(c) (UINT64_C(1) << (c))

static void caps_plan_absent_sets_are_empty(void **state) {
  struct hull_capabilities in = {0};
  struct hull_caps_plan plan;
  assert_int_equal(hull_caps_plan(&in, 40, &plan, NULL), 0);
  for (int s = 0; s < HULL_CAP_NSETS; s++) assert_true(plan.sets[s] == 0);
  assert_true(plan.bounding_drop == (BIT(41) - 1));
}

static void caps_plan_keeps_and_drops(void **state) {
  struct hull_capabilities in = {0};
  in.present[HULL_CAP_BOUNDING] = in.present[HULL_CAP_PERMITTED] = true;
  in.present[HULL_CAP_EFFECTIVE] = true;
  in.sets[HULL_CAP_BOUNDING] = BIT(CAP_CHOWN) | BIT(CAP_KILL) | BIT(45);
  in.sets[HULL_CAP_PERMITTED] = BIT(CAP_CHOWN) | BIT(CAP_KILL);
  in.sets[HULL_CAP_EFFECTIVE] = BIT(CAP_KILL);
  struct hull_caps_plan plan;
  assert_int_equal(hull_caps_plan(&in, 40, &plan, NULL), 0);
  assert_true(plan.unknown == BIT(45));
  assert_true(plan.sets[HULL_CAP_BOUNDING] == (BIT(CAP_CHOWN) | BIT(CAP_KILL)));
  assert_true(plan.bounding_drop == ((BIT(41) - 1) & ~(BIT(CAP_CHOWN) | BIT(CAP_KILL))));
  assert_true(plan.sets[HULL_CAP_INHERITABLE] == 0);
}

static void caps_plan_rejects_inconsistent_sets(void **state) {
  struct hull_capabilities in = {0};
  struct hull_caps_plan plan;
  struct hull_err *err = NULL;
  for (int s = 0; s < HULL_CAP_NSETS; s++) in.present[s] = true;
  in.sets[HULL_CAP_EFFECTIVE] = BIT(CAP_SYS_ADMIN);
  assert_int_equal(hull_caps_plan(&in, 40, &plan, &err), -1);
  assert_string_equal(err->msg, "process.capabilities.effective: CAP_SYS_ADMIN is not in the permitted set");
  hull_err_free(&err);

  memset(in.sets, 0, sizeof(in.sets));
  in.sets[HULL_CAP_INHERITABLE] = BIT(CAP_NET_RAW);
  assert_int_equal(hull_caps_plan(&in, 40, &plan, &err), -1);
  assert_string_equal(err->msg, "process.capabilities.inheritable: CAP_NET_RAW is not in the bounding set");
  hull_err_free(&err);

  memset(in.sets, 0, sizeof(in.sets));
  in.sets[HULL_CAP_BOUNDING] = in.sets[HULL_CAP_PERMITTED] = BIT(CAP_NET_BIND_SERVICE);
  in.sets[HULL_CAP_AMBIENT] = BIT(CAP_NET_BIND_SERVICE);
  assert_int_equal(hull_caps_plan(&in, 40, &plan, &err), -1);
  assert_string_equal(err->msg, "process.capabilities.ambient: CAP_NET_BIND_SERVICE must be in both the permitted and the inheritable sets");
  hull_err_free(&err);
}

static void id_list_parsing(void **state) {
  unsigned long m[2];
  assert_int_equal(hull_parse_id_list("0-2,5,64,66-67", m, 128, NULL), 0);
  assert_true(m[0] == 0x27UL);
  assert_true(m[1] == 0xdUL);
  struct hull_err *err = NULL;
  assert_int_equal(hull_parse_id_list("3-1", m, 128, &err), -1);
  assert_string_equal(err->msg, "\"3-1\": range 3-1 is backwards");
  hull_err_free(&err);
  assert_int_equal(hull_parse_id_list("128", m, 128, NULL), -1);
  assert_int_equal(hull_parse_id_list("1,,2", m, 128, NULL), -1);
  assert_int_equal(hull_parse_id_list("", m, 128, NULL), -1);
  assert_int_equal(hull_parse_id_list("-1", m, 128, NULL), -1);
  assert_int_equal(hull_parse_id_list("1 ", m, 128, NULL), -1);
}

static void mempolicy_flag_names(void **state) {
  char *ok[] = {"MPOL_F_STATIC_NODES", "MPOL_F_NUMA_BALANCING", NULL};
  char *bad[] = {"MPOL_F_BOGUS", NULL};
  int f;
  assert_int_equal(hull_mempolicy_flags(ok, &f, NULL), 0);
  assert_int_equal(f, (1 << 15) | (1 << 13));
  struct hull_err *err = NULL;
  assert_int_equal(hull_mempolicy_flags(bad, &f, &err), -1);
  assert_string_equal(err->msg, "linux.memoryPolicy.flags: unknown flag \"MPOL_F_BOGUS\"");
  hull_err_free(&err);
}

static void procfs_open_verifies(void **state) {
  struct hull_err *err = NULL;
  int fd = hull_procfs_open("/proc/self/status", O_RDONLY, &err);
  assert_true(fd >= 0);
  assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
  close(fd);
  fd = hull_procfs_open("thread-self/attr/current", O_RDONLY, &err);
  if (fd >= 0) close(fd);
  hull_err_free(&err);
  /* Magic links (fd/N, exe) are refused. */
  assert_int_equal(hull_procfs_open("self/exe", O_RDONLY, &err), -1);
  assert_int_equal(err->errnum, ELOOP);
  hull_err_free(&err);
  /* No escaping the procfs root. */
  assert_int_equal(hull_procfs_open("../etc/passwd", O_RDONLY, &err), -1);
  hull_err_free(&err);
}

static int run_child_status(int (*fn)(void));

/* In a private mount namespace (never the host's): a tmpfs over /proc, a
 * procfs subdirectory bound over /proc, and a file bound over a /proc file
 * are all refused (CVE-2019-16884, CVE-2025-52881). */
static int child_fake_procfs(void) {
  if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) return 10;
  struct hull_err *err = NULL;
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)getpid());
  /* A file over this process's oom_score_adj. */
  if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0) return 11;
  if (hull_procfs_open("self/oom_score_adj", O_WRONLY, &err) >= 0) return 12;
  if (err->errnum != EXDEV || !strstr(err->msg, "crosses a mount point")) return 13;
  hull_err_free(&err);
  if (umount2(path, MNT_DETACH) < 0) return 14;
  /* A procfs subdirectory over /proc: procfs, but not its root. */
  if (mount("/proc/sys", "/proc", NULL, MS_BIND, NULL) < 0) return 15;
  if (hull_procfs_open("self/oom_score_adj", O_WRONLY, &err) >= 0) return 16;
  if (!strstr(err->msg, "/proc is not the root of a procfs mount")) return 17;
  hull_err_free(&err);
  /* A plain tmpfs over /proc (the "volume over /proc"). */
  if (mount("tmpfs", "/proc", "tmpfs", 0, NULL) < 0) return 18;
  if (mkdir("/proc/self", 0755) < 0) return 19;
  int fd = open("/proc/self/oom_score_adj", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0) return 20;
  close(fd);
  if (hull_procfs_write("self/oom_score_adj", "500", &err) == 0) return 21;
  if (!strstr(err->msg, "/proc is not on procfs")) return 22;
  hull_err_free(&err);
  return 0;
}

static void procfs_refuses_fakes(void **state) {
  if (geteuid() != 0) skip();
  assert_int_equal(run_child_status(child_fake_procfs), 0);
}

/* Runs fn in a forked child with stdout on a pipe; returns what it printed
 * and its exit status. */
static char *run_child(int (*fn)(void), int *status) {
  int p[2];
  assert_int_equal(pipe(p), 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    dup2(p[1], 1);
    close(p[0]);
    int r = fn();
    fflush(stdout);
    _exit(r);
  }
  close(p[1]);
  char *out = hull_read_fd(p[0], NULL, NULL);
  close(p[0]);
  assert_int_equal(waitpid(pid, status, 0), pid);
  return out;
}

static int run_child_status(int (*fn)(void)) {
  int status;
  free(run_child(fn, &status));
  if (!WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

static int print_status_lines(void) {
  _cleanup_free_ char *s = hull_read_file("/proc/self/status", NULL, NULL);
  if (s == NULL) return 2;
  for (char *l = strtok(s, "\n"); l; l = strtok(NULL, "\n"))
    if (hull_str_has_prefix(l, "Cap") || hull_str_has_prefix(l, "Uid") ||
        hull_str_has_prefix(l, "Gid") || hull_str_has_prefix(l, "Groups") ||
        hull_str_has_prefix(l, "NoNewPrivs"))
      printf("%s\n", l);
  return 0;
}

static const uint64_t child_keep = BIT(CAP_CHOWN) | BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_KILL);

static int child_identity_and_caps(void) {
  uint32_t gids[] = {5, 100};
  struct hull_process p = {.uid = 1000, .gid = 1001, .additional_gids = gids, .n_additional_gids = 2};
  struct hull_capabilities caps = {0};
  for (int s = 0; s < HULL_CAP_NSETS; s++) caps.present[s] = true;
  caps.sets[HULL_CAP_BOUNDING] = caps.sets[HULL_CAP_PERMITTED] = child_keep;
  caps.sets[HULL_CAP_EFFECTIVE] = BIT(CAP_CHOWN) | BIT(CAP_NET_BIND_SERVICE);
  caps.sets[HULL_CAP_INHERITABLE] = caps.sets[HULL_CAP_AMBIENT] = BIT(CAP_NET_BIND_SERVICE);
  struct hull_err *err = NULL;
  if (hull_identity_apply(&p, &err) < 0 || hull_caps_apply(&caps, &err) < 0 ||
      hull_no_new_privs_apply(true, &err) < 0) {
    printf("error: %s\n", err->msg);
    return 1;
  }
  printf("before exec\n");
  if (print_status_lines()) return 2;
  fflush(stdout);
  /* After execve a non-root process keeps exactly its ambient set. */
  execl("/bin/grep", "grep", "-E", "^(Cap|NoNewPrivs)", "/proc/self/status", (char *)NULL);
  return 3;
}

static void identity_and_caps_in_child(void **state) {
  if (geteuid() != 0) skip();
  int status;
  _cleanup_free_ char *out = run_child(child_identity_and_caps, &status);
  assert_true(WIFEXITED(status));
  if (WEXITSTATUS(status) != 0) fail_msg("child failed: %s", out);
  char *after = strstr(out, "before exec\n");
  assert_non_null(after);
  /* Before execve: exactly the configured sets. */
  assert_non_null(strstr(out, "Uid:\t1000\t1000\t1000\t1000"));
  assert_non_null(strstr(out, "Gid:\t1001\t1001\t1001\t1001"));
  assert_non_null(strstr(out, "Groups:\t5 100"));
  assert_non_null(strstr(out, "CapInh:\t0000000000000400\n"));
  assert_non_null(strstr(out, "CapPrm:\t0000000000000421\n"));
  assert_non_null(strstr(out, "CapEff:\t0000000000000401\n"));
  assert_non_null(strstr(out, "CapBnd:\t0000000000000421\n"));
  assert_non_null(strstr(out, "CapAmb:\t0000000000000400\n"));
  /* After execve (the grep output, the last lines). */
  char *exec_part = strstr(out, "NoNewPrivs:\t1\n");
  assert_non_null(exec_part);
  exec_part = strstr(exec_part + 1, "CapInh:");
  assert_non_null(exec_part);
  assert_non_null(strstr(exec_part, "CapInh:\t0000000000000400\n"));
  assert_non_null(strstr(exec_part, "CapPrm:\t0000000000000400\n"));
  assert_non_null(strstr(exec_part, "CapEff:\t0000000000000400\n"));
  assert_non_null(strstr(exec_part, "CapBnd:\t0000000000000421\n"));
  assert_non_null(strstr(exec_part, "CapAmb:\t0000000000000400\n"));
  assert_non_null(strstr(exec_part, "NoNewPrivs:\t1\n"));
}

/* A user namespace with setgroups denied (what an unprivileged runtime
 * gets with a single-id mapping): no groups is fine, asking for groups is
 * a clear error, not a silent skip. */
static int child_userns_setgroups_denied(void) {
  if (unshare(CLONE_NEWUSER) < 0) return 10;
  struct hull_err *err = NULL;
  char map[32];
  if (hull_write_string("/proc/self/setgroups", "deny", &err) < 0) return 11;
  snprintf(map, sizeof(map), "0 %d 1", 0);
  if (hull_write_string("/proc/self/uid_map", map, &err) < 0 ||
      hull_write_string("/proc/self/gid_map", map, &err) < 0)
    return 12;
  struct hull_process p = {.uid = 0, .gid = 0};
  if (hull_identity_apply(&p, &err) < 0) return printf("plain: %s\n", err->msg), 13;
  uint32_t gids[] = {0};
  p.additional_gids = gids;
  p.n_additional_gids = 1;
  if (hull_identity_apply(&p, &err) == 0) return 14;
  printf("%s\n", err->msg);
  hull_err_free(&err);
  /* Capabilities inside the user namespace work the same way. */
  struct hull_capabilities caps = {.present = {true, true, true, true, true}};
  caps.sets[HULL_CAP_BOUNDING] = caps.sets[HULL_CAP_PERMITTED] = caps.sets[HULL_CAP_EFFECTIVE] = BIT(CAP_KILL);
  if (hull_caps_apply(&caps, &err) < 0) return printf("caps: %s\n", err->msg), 15;
  _cleanup_free_ char *st = hull_read_file("/proc/self/status", NULL, NULL);
  if (!st || !strstr(st, "CapEff:\t0000000000000020\n") || !strstr(st, "CapBnd:\t0000000000000020\n"))
    return 16;
  return 0;
}

static void identity_in_userns_with_setgroups_denied(void **state) {
  int status;
  _cleanup_free_ char *out = run_child(child_userns_setgroups_denied, &status);
  assert_true(WIFEXITED(status));
  if (WEXITSTATUS(status) != 0) fail_msg("child failed (%d): %s", WEXITSTATUS(status), out);
  assert_string_equal(out, "process.user.additionalGids: setgroups is denied in this user namespace (/proc/self/setgroups is \"deny\"): Operation not permitted\n");
}

static int child_attrs(void) {
  struct hull_rlimit rl[] = {{.resource = RLIMIT_NOFILE, .type = "RLIMIT_NOFILE", .soft = 123, .hard = 456}};
  struct hull_process p = {.rlimits = rl, .n_rlimits = 1, .has_umask = true, .umask = 027,
                           .has_oom_score_adj = true, .oom_score_adj = 500,
                           .exec_cpu_affinity_initial = "0"};
  struct hull_err *err = NULL;
  if (hull_process_apply_attrs(&p, NULL, &err) < 0) {
    printf("error: %s\n", err->msg);
    return 1;
  }
  struct rlimit r;
  getrlimit(RLIMIT_NOFILE, &r);
  _cleanup_free_ char *oom = hull_read_file("/proc/self/oom_score_adj", NULL, NULL);
  cpu_set_t set;
  sched_getaffinity(0, sizeof(set), &set);
  printf("nofile %lu %lu umask %o oom %s cpus %d cpu0 %d\n", (unsigned long)r.rlim_cur,
         (unsigned long)r.rlim_max, umask(0), oom, CPU_COUNT(&set), CPU_ISSET(0, &set));
  /* Lowering oom_score_adj below what it was needs CAP_SYS_RESOURCE. */
  p.oom_score_adj = -999;
  if (hull_process_apply_attrs(&p, NULL, &err) < 0) printf("oom: %s\n", err->msg);
  hull_err_free(&err);
  /* Raising the hard limit back needs CAP_SYS_RESOURCE. */
  rl[0].soft = rl[0].hard = 1 << 20;
  p.has_oom_score_adj = false;
  p.exec_cpu_affinity_initial = NULL;
  if (hull_process_apply_attrs(&p, NULL, &err) < 0) printf("raise: %s\n", err->msg);
  return 0;
}

static void process_attrs_in_child(void **state) {
  int status;
  _cleanup_free_ char *out = run_child(child_attrs, &status);
  assert_true(WIFEXITED(status));
  if (WEXITSTATUS(status) != 0) fail_msg("child failed: %s", out);
  assert_non_null(strstr(out, "nofile 123 456 umask 27 oom 500\n cpus 1 cpu0 1\n"));
  assert_non_null(strstr(out, "raise: process.rlimits RLIMIT_NOFILE: cannot raise the hard limit from 456 to 1048576"));
  /* Either this host lets root lower it, or the error says why. */
  char *oom = strstr(out, "oom: ");
  if (oom) assert_non_null(strstr(oom, "oom: process.oomScoreAdj -999 (lowering it needs CAP_SYS_RESOURCE): write self/oom_score_adj: Permission denied"));
}

static int child_sched(void) {
  struct hull_err *err = NULL;
  struct hull_scheduler batch = {.present = true, .policy = SCHED_BATCH, .nice = 7};
  if (hull_sched_apply(&batch, &err) < 0) return printf("batch: %s\n", err->msg), 1;
  printf("policy %d nice %d\n", sched_getscheduler(0), getpriority(PRIO_PROCESS, 0));
  struct hull_io_priority io = {.present = true, .klass = 2 /* BE */, .priority = 6};
  if (hull_ioprio_apply(&io, &err) < 0) return printf("ioprio: %s\n", err->msg), 1;
  printf("ioprio %ld\n", syscall(SYS_ioprio_get, 1, 0));
  char *no_flags[] = {NULL};
  struct hull_personality pers = {.present = true, .domain = "LINUX32", .flags = no_flags};
  if (hull_personality_apply(&pers, &err) < 0) return printf("personality: %s\n", err->msg), 1;
  printf("personality %#x\n", personality(0xffffffff));
  struct hull_scheduler dl = {.present = true, .policy = 6 /* SCHED_DEADLINE */,
                              .runtime = 1000000, .deadline = 10000000, .period = 10000000};
  if (hull_sched_apply(&dl, &err) < 0)
    printf("deadline: %s\n", err->msg);
  else
    printf("deadline policy %d\n", sched_getscheduler(0));
  return 0;
}

static void scheduling_attrs_in_child(void **state) {
  int status;
  _cleanup_free_ char *out = run_child(child_sched, &status);
  assert_true(WIFEXITED(status));
  if (WEXITSTATUS(status) != 0) fail_msg("child failed: %s", out);
  assert_non_null(strstr(out, "policy 3 nice 7\n"));
  assert_non_null(strstr(out, "ioprio 16390\n")); /* (2 << 13) | 6 */
  assert_non_null(strstr(out, "personality 0x8\n"));
  /* SCHED_DEADLINE needs root and bandwidth admission: either it took,
   * or the error names the field and the syscall. */
  assert_true(strstr(out, "deadline policy 6\n") ||
              strstr(out, "deadline: process.scheduler: sched_setattr(policy=6"));
}

static int child_mempolicy(void) {
  struct hull_err *err = NULL;
  char *flags[] = {"MPOL_F_STATIC_NODES", NULL};
  struct hull_memory_policy mp = {.present = true, .mode = MPOL_BIND, .nodes = "0", .flags = flags};
  if (hull_mempolicy_apply(&mp, &err) < 0) return printf("mempolicy: %s\n", err->msg), 0;
  int mode = -1;
  unsigned long mask[1024 / (8 * sizeof(unsigned long))] = {0};
  if (syscall(SYS_get_mempolicy, &mode, mask, 1024UL, NULL, 0UL) < 0) return 2;
  printf("mode %d static %d mask %#lx\n", mode & 0xff, !!(mode & MPOL_F_STATIC_NODES), mask[0]);
  return 0;
}

static void mempolicy_in_child(void **state) {
  if (access("/sys/devices/system/node/node0", F_OK) < 0) skip();
  int status;
  _cleanup_free_ char *out = run_child(child_mempolicy, &status);
  assert_true(WIFEXITED(status));
  if (WEXITSTATUS(status) != 0) fail_msg("child failed: %s", out);
  _cleanup_free_ char *want = hull_xasprintf("mode %d static 1 mask 0x1\n", MPOL_BIND);
  assert_string_equal(out, want);
}

static void bad_attrs_are_refused(void **state) {
  struct hull_err *err = NULL;
  char *flags[] = {"PER_BOGUS", NULL};
  struct hull_personality pers = {.present = true, .domain = "LINUX", .flags = flags};
  assert_int_equal(hull_personality_apply(&pers, &err), -1);
  assert_string_equal(err->msg, "linux.personality.flags: unsupported flag \"PER_BOGUS\"");
  hull_err_free(&err);
  pers = (struct hull_personality){.present = true, .domain = "WIN32"};
  assert_int_equal(hull_personality_apply(&pers, &err), -1);
  assert_string_equal(err->msg, "linux.personality.domain: unknown domain \"WIN32\" (LINUX or LINUX32)");
  hull_err_free(&err);
  struct hull_io_priority io = {.present = true, .klass = 2, .priority = 9};
  assert_int_equal(hull_ioprio_apply(&io, &err), -1);
  assert_string_equal(err->msg, "process.ioPriority.priority: 9 is not in 0..7");
  hull_err_free(&err);
  assert_int_equal(hull_cpu_affinity_apply("0-", "process.execCPUAffinity.initial", &err), -1);
  assert_string_equal(err->msg, "process.execCPUAffinity.initial: \"0-\": expected a number at offset 2");
  hull_err_free(&err);
}

static void lsm_missing_is_a_clear_error(void **state) {
  struct hull_err *err = NULL;
  assert_int_equal(hull_lsm_set_exec_label(NULL, NULL, &err), 0);
  assert_int_equal(hull_lsm_set_exec_label("", NULL, &err), 0);
  if (!hull_apparmor_enabled()) {
    assert_int_equal(hull_lsm_set_exec_label("hull-test", NULL, &err), -1);
    assert_string_equal(err->msg, "process.apparmorProfile \"hull-test\": AppArmor is not enabled on this host");
    hull_err_free(&err);
  }
  if (!hull_selinux_enabled()) {
    assert_int_equal(hull_lsm_set_exec_label(NULL, "system_u:system_r:container_t:s0", &err), -1);
    assert_string_equal(err->msg, "process.selinuxLabel \"system_u:system_r:container_t:s0\": SELinux is not enabled on this host");
    hull_err_free(&err);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(caps_plan_absent_sets_are_empty),
      cmocka_unit_test(caps_plan_keeps_and_drops),
      cmocka_unit_test(caps_plan_rejects_inconsistent_sets),
      cmocka_unit_test(id_list_parsing),
      cmocka_unit_test(mempolicy_flag_names),
      cmocka_unit_test(procfs_open_verifies),
      cmocka_unit_test(procfs_refuses_fakes),
      cmocka_unit_test(identity_and_caps_in_child),
      cmocka_unit_test(identity_in_userns_with_setgroups_denied),
      cmocka_unit_test(process_attrs_in_child),
      cmocka_unit_test(scheduling_attrs_in_child),
      cmocka_unit_test(mempolicy_in_child),
      cmocka_unit_test(bad_attrs_are_refused),
      cmocka_unit_test(lsm_missing_is_a_clear_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
