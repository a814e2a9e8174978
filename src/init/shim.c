/* The init shim: runs in the cloned child, inside the new namespaces, and
 * ends in execve of the container process (DESIGN.md §3). Every failure is
 * sent to the parent with its real text before the shim exits. */
#include "init/init.h"
#include "ns/ns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include <linux/magic.h>

/* Joins the namespaces given by path: user first, so the others are
 * joined with the capabilities it grants; pid is joined by the parent. */
static int join_namespaces(struct hull_init_args *a, struct hull_err **err) {
  static const enum hull_ns_type order[] = {HULL_NS_USER, HULL_NS_IPC, HULL_NS_UTS,
                                            HULL_NS_NET, HULL_NS_CGROUP, HULL_NS_TIME,
                                            HULL_NS_MNT};
  for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
    int fd = a->ns_fds[order[i]];
    if (fd < 0) continue;
    if (hull_ns_join(fd, order[i], err) < 0) return -1;
    close(fd);
    a->ns_fds[order[i]] = -1;
    if (order[i] == HULL_NS_USER) {
      /* Become root of the joined user namespace when it maps one. */
      if (setresgid(0, 0, 0) == 0) setresuid(0, 0, 0);
    }
  }
  return 0;
}

/* All namespaces but those in `hold` (unshare flags made later). */
static int make_namespaces(struct hull_init_args *a, unsigned long hold, struct hull_err **err) {
  if (join_namespaces(a, err) < 0) return -1;
  unsigned long flags = a->unshare_flags & ~hold;
  if (flags && unshare((int)flags) < 0)
    return hull_err_sys(err, "unshare namespaces (flags 0x%lx)", flags);
  if ((flags & CLONE_NEWNET) && hull_ns_loopback_up(err) < 0) return -1;
  if (a->new_time_ns && hull_ns_new_time(a->spec->linux_.time_offsets, err) < 0) return -1;
  return 0;
}

/* The pty slave becomes the controlling terminal and stdio. */
static int setup_console(struct hull_init_args *a, struct hull_err **err) {
  if (a->console_fd < 0) return 0;
  if (setsid() < 0) return hull_err_sys(err, "setsid");
  if (ioctl(a->console_fd, TIOCSCTTY, 0) < 0) return hull_err_sys(err, "ioctl TIOCSCTTY");
  if (a->process->has_console_size) {
    struct winsize ws = {.ws_row = (unsigned short)a->process->console_height,
                         .ws_col = (unsigned short)a->process->console_width};
    ioctl(a->console_fd, TIOCSWINSZ, &ws);
  }
  for (int i = 0; i < 3; i++)
    if (dup2(a->console_fd, i) < 0) return hull_err_sys(err, "dup2 console to %d", i);
  return 0;
}

/* A terminal: the pty comes from the devpts the container sees (as with
 * runc and crun), opened once that devpts is mounted: for exec at once,
 * for create between the mounts and pivot_root (root: the rootfs). The
 * slave is the process's console; the master goes to the parent, which
 * hands it to --console-socket or relays it (a foreground run or exec). */
static int container_pty(struct hull_init_args *a, const char *root_path,
                         struct hull_err **err) {
  _cleanup_close_ int root = open(root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) return hull_err_sys(err, "open the container's root %s", root_path);
  int slave;
  _cleanup_close_ int m = hull_pty_open_in_root(root, &slave, err);
  if (m < 0) return -1;
  a->console_fd = slave;
  if (hull_sync_send_fd(a->sync_fd, HULL_SYNC_PTY, m) < 0)
    return hull_err_sys(err, "sync: send the pty master");
  return 0;
}

/* Stdio the process could not reopen (/dev/stdout, /proc/self/fd/1) as
 * another user gets that user as owner, as runc does: the pty made for it
 * (the devpts's gid= group stays) and anonymous pipes and sockets (what
 * containerd and podman pass). A host file, fifo or terminal handed over
 * as stdio is left alone: chowning it would change the host. Failures (an
 * owner the user namespace does not map) are ignored, as runc ignores them. */
static void own_stdio(const struct hull_init_args *a) {
  uid_t uid = a->process->uid;
  if (a->console_fd >= 0 && fchown(a->console_fd, uid, (gid_t)-1) < 0) { /* best effort */ }
  for (int i = 0; a->console_fd < 0 && i < 3; i++) {
    struct stat st;
    struct statfs fs;
    if (fstat(i, &st) < 0 || st.st_uid == uid || fstatfs(i, &fs) < 0) continue;
    if ((fs.f_type == PIPEFS_MAGIC || fs.f_type == SOCKFS_MAGIC) && fchown(i, uid, (gid_t)-1) < 0) {
      /* best effort */
    }
  }
}

static bool is_dev_null(int fd) {
  struct stat st;
  return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
}

/* Stdio on /dev/null is pointed at the container's own /dev/null, opened
 * read-write, as runc does: containerd's --null-io hands the runtime a
 * read-only /dev/null, on which every write to stdout fails with EBADF. A
 * container without /dev/null keeps what it was given. */
static int reopen_dev_null(struct hull_err **err) {
  bool any = false;
  for (int i = 0; i < 3; i++) any = any || is_dev_null(i);
  if (!any) return 0;
  _cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) return hull_err_sys(err, "open the container's root");
  _cleanup_err_ struct hull_err *open_err = NULL;
  _cleanup_close_ int fd = hull_open_in_root(root, "/dev/null", O_RDWR | O_CLOEXEC, 0, &open_err);
  if (fd < 0 && open_err->errnum == ENOENT) return 0;
  if (fd < 0)
    return hull_err_set(err, 0, "stdio on /dev/null: %s", open_err->msg);
  if (!is_dev_null(fd)) return hull_err_set(err, 0, "stdio on /dev/null: the container's /dev/null is not the null device");
  for (int i = 0; i < 3; i++)
    if (is_dev_null(i) && dup2(fd, i) < 0) return hull_err_sys(err, "dup2 /dev/null to %d", i);
  return 0;
}

/* Sysctls go in before hull_rootfs_finish: its readonlyPaths usually
 * cover /proc/sys, and the verified walk refuses to cross that mount. They
 * are written through the container's own procfs (<rootfs>/proc, checked
 * to be a procfs root); the values land in the namespaces we are in. */
static int write_sysctls(const struct hull_init_args *a, struct hull_err **err) {
  const struct hull_linux *lx = &a->spec->linux_;
  if (lx->n_sysctl == 0) return 0;
  _cleanup_close_ int root = open(a->rootfs.rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) return hull_err_sys(err, "linux.sysctl: open %s", a->rootfs.rootfs);
  _cleanup_close_ int proc = hull_procfs_root_openat(root, "proc", err);
  if (proc < 0) return hull_err_prefix(err, "linux.sysctl: %s", a->rootfs.rootfs);
  for (size_t i = 0; i < lx->n_sysctl; i++) {
    _cleanup_free_ char *path = hull_xasprintf("sys/%s", lx->sysctl[i].key);
    for (char *p = path + 4; *p; p++)
      if (*p == '.') *p = '/';
    _cleanup_close_ int fd = hull_procfs_openat(proc, path, O_WRONLY, err);
    if (fd < 0) return hull_err_prefix(err, "linux.sysctl.%s", lx->sysctl[i].key);
    const char *v = lx->sysctl[i].value ? lx->sysctl[i].value : "";
    if (write(fd, v, strlen(v)) < 0)
      return hull_err_sys(err, "linux.sysctl.%s: write /proc/%s", lx->sysctl[i].key, path);
  }
  return 0;
}

/* Inside the new namespaces: the root filesystem and what sits in it. */
static int setup_container(struct hull_init_args *a, const char *state_json, bool early_mounts,
                           size_t next_mount, struct hull_err **err) {
  const struct hull_spec *spec = a->spec;
  int r = early_mounts ? hull_rootfs_prepare_rest(spec, &a->rootfs, next_mount, err)
                       : hull_rootfs_prepare(spec, &a->rootfs, err);
  if (r < 0) return -1;
  if (a->process->terminal) {
    if (container_pty(a, a->rootfs.rootfs, err) < 0 ||
        hull_rootfs_console(spec, &a->rootfs, a->console_fd, err) < 0 || setup_console(a, err) < 0)
      return -1;
  }
  if (hull_hooks_run(&spec->hooks, HULL_HOOK_CREATE_CONTAINER, state_json, err) < 0) return -1;
  bool uts = (a->unshare_flags & CLONE_NEWUTS) != 0;
  if (uts && spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) < 0)
    return hull_err_sys(err, "sethostname \"%s\"", spec->hostname);
  if (uts && spec->domainname && setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
    return hull_err_sys(err, "setdomainname \"%s\"", spec->domainname);
  /* After the names (a kernel.hostname sysctl wins, as with runc). */
  if (write_sysctls(a, err) < 0) return -1;
  return hull_rootfs_finish(spec, &a->rootfs, err);
}

/* In the container's root: the cwd must be reachable from it. */
static int enter_cwd(const struct hull_process *p, struct hull_err **err) {
  const char *cwd = p->cwd && *p->cwd ? p->cwd : "/";
  if (chdir(cwd) < 0) return hull_err_sys(err, "process.cwd: chdir %s", cwd);
  char buf[4096];
  if (getcwd(buf, sizeof(buf)) == NULL)
    return hull_err_sys(err, "process.cwd: %s is outside the container's root", cwd);
  return 0;
}

/* Identity, caps, no_new_privs, seccomp (last). */
static int drop_privileges(struct hull_init_args *a, int *notify_fd, struct hull_err **err) {
  const struct hull_process *p = a->process;
  const struct hull_linux *lx = &a->spec->linux_;
  /* Without no_new_privs a filter needs CAP_SYS_ADMIN to load, which the
   * uid change and the capability drop take away: load it first then. */
  bool early = a->seccomp && !p->no_new_privileges;
  *notify_fd = -1;
  if (hull_process_apply_attrs(p, lx, err) < 0) return -1;
  if (hull_lsm_set_exec_label(p->apparmor_profile, p->selinux_label, err) < 0) return -1;
  if (early && hull_seccomp_load(a->seccomp, notify_fd, err) < 0) return -1;
  if (hull_identity_apply(p, err) < 0) return -1;
  if (enter_cwd(p, err) < 0) return -1;
  if (hull_caps_apply(&p->caps, err) < 0) return -1;
  if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return hull_err_sys(err, "prctl PR_SET_NO_NEW_PRIVS");
  if (a->seccomp && !early && hull_seccomp_load(a->seccomp, notify_fd, err) < 0) return -1;
  return 0;
}

/* Every fd >= 3 goes but the preserved ones (which lose CLOEXEC), the sync
 * socket and the fifo (both CLOEXEC: they vanish at execve). */
static void close_fds(struct hull_init_args *a, int reaper_fd) {
  int keep[5 + 256];
  size_t n = 0;
  keep[n++] = a->sync_fd;
  if (reaper_fd >= 0) keep[n++] = reaper_fd;
  if (a->fifo_fd >= 0) keep[n++] = a->fifo_fd;
  if (hull_log_fd() >= 0) keep[n++] = hull_log_fd();
  size_t own = n;
  for (int i = 0; i < a->preserve_fds && n < sizeof(keep) / sizeof(keep[0]); i++) {
    /* --preserve-fds larger than what the caller passed: the number may be
     * one of our own fds (the fifo, the sync socket), which must stay
     * close-on-exec and never reach the container. */
    bool ours = false;
    for (size_t k = 0; k < own; k++) ours = ours || keep[k] == 3 + i;
    if (ours) continue;
    keep[n++] = 3 + i;
    int fl = fcntl(3 + i, F_GETFD);
    if (fl >= 0) fcntl(3 + i, F_SETFD, fl & ~FD_CLOEXEC);
  }
  hull_close_fds_from(3, keep, n);
}

static char **build_env(const struct hull_init_args *a) {
  char **env = hull_xcalloc(1, sizeof(char *));
  for (size_t i = 0; a->process->env && a->process->env[i]; i++)
    hull_strv_append(&env, a->process->env[i]);
  for (size_t i = 0; a->extra_env && a->extra_env[i]; i++) hull_strv_append(&env, a->extra_env[i]);
  return env;
}

/* create: block until `start` writes its byte into exec.fifo. The fifo is
 * held open read-write from before clone, so no path or /proc lookup is
 * needed here: as a non-dumpable process in a user namespace the shim
 * could not even open its own /proc/self/fd. */
static int wait_start(struct hull_init_args *a, struct hull_err **err) {
  if (a->fifo_fd < 0) return hull_sync_expect(a->sync_fd, HULL_SYNC_START, NULL, "start", err);
  char b;
  ssize_t r;
  do {
    r = read(a->fifo_fd, &b, 1);
  } while (r < 0 && errno == EINTR);
  /* The fd stays open (close-on-exec): `start` waits for it to go. */
  if (r != 1) return hull_err_sys(err, "read exec.fifo");
  return 0;
}

/* Into the container's cgroup (v1), before a cgroup namespace is made,
 * anything forks or the process runs: "0" moves the calling thread, and
 * the shim has no other thread. Closes the fds. */
static int join_cgroup(const int *fds, size_t n, const char *const *paths,
                       struct hull_err **err) {
  int r = 0;
  for (size_t i = 0; i < n; i++) {
    if (r == 0 && write(fds[i], "0", 1) < 0)
      r = hull_err_sys(err, "join cgroup: write \"0\" to %s", paths[i] ? paths[i] : "tasks");
    close(fds[i]);
  }
  return r;
}

/* The namespaces can be made before GO when nothing they need comes with
 * it: no user namespace (its maps come first) and no seccomp agent socket
 * to connect from the host's namespaces. Only with cgroup_with_go: it is
 * what the parent does meanwhile. */
static bool namespaces_before_go(const struct hull_init_args *a) {
  const struct hull_seccomp *sc = &a->spec->linux_.seccomp;
  return a->cgroup_with_go && !a->rootfs.new_userns && a->ns_fds[HULL_NS_USER] < 0 &&
         !(a->seccomp && hull_seccomp_filter_has_notify(a->seccomp) && sc->listener_path);
}

/* GO from the parent, and the cgroup joined: the fds we were given at
 * clone (exec), or those GO carries (create on v1). */
static int go_and_join(struct hull_init_args *a, struct hull_err **err) {
  if (!a->cgroup_with_go) {
    if (join_cgroup(a->cgroup_tasks_fds, a->n_cgroup_tasks,
                    (const char *const *)a->cgroup_tasks_paths, err) < 0)
      return -1;
    return hull_sync_expect(a->sync_fd, HULL_SYNC_GO, NULL, "init", err);
  }
  int fds[HULL_MAX_PASS_FDS];
  size_t n;
  _cleanup_free_ char *paths = NULL;
  if (hull_sync_expect_fds(a->sync_fd, HULL_SYNC_GO, &paths, fds, HULL_MAX_PASS_FDS, &n, "init",
                           err) < 0)
    return -1;
  if (a->spread) { /* every CPU back, before the cpuset join */
    cpu_set_t all;
    memset(&all, 0xff, sizeof(all));
    sched_setaffinity(0, sizeof(all), &all);
  }
  const char *names[HULL_MAX_PASS_FDS] = {0};
  char *save = NULL;
  for (size_t i = 0; i < n; i++) names[i] = strtok_r(i ? NULL : paths, "\n", &save);
  return join_cgroup(fds, n, names, err);
}

/* The parent's CPU is busy making the cgroup: make the namespaces on
 * another (runtime/create.c: spread_cpu). The parent moves us when it
 * runs first; this is for when we do. */
static void spread(const struct hull_init_args *a) {
  if (!a->spread || sched_getcpu() != a->parent_cpu) return;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(a->spread_cpu, &one);
  sched_setaffinity(0, sizeof(one), &one); /* best effort: only speed */
}

/* Everything from the namespaces to the point of waiting for start. */
static int prepare(struct hull_init_args *a, char **state_json, char **exe, char ***env,
                   int *reaper_fd, struct hull_err **err) {
  /* Made while the parent makes the cgroup; the cgroup namespace waits
   * for the join (its root is the cgroup we are in when it is made). */
  bool early = namespaces_before_go(a);
  if (early) spread(a);
  if (early && make_namespaces(a, CLONE_NEWCGROUP, err) < 0) return -1;
  /* Pipelined (no network set-up, no prestart or createRuntime hook: GO2
   * brings nothing the rootfs needs), the rootfs and the mounts before the
   * first cgroup mount are made now, while the parent makes the cgroup,
   * not after the join: none of them depends on it; no process of the
   * container exists yet, none is forked before the join. */
  bool early_mounts = early && a->pipelined && !a->exec;
  size_t next_mount = 0;
  if (early_mounts && hull_rootfs_prepare_early(a->spec, &a->rootfs, &next_mount, err) < 0)
    return -1;
  if (go_and_join(a, err) < 0) return -1;
  /* In a user namespace made by clone, the maps are written now: become
   * its root so what the shim creates is owned by the mapped root. */
  if (!a->exec && a->rootfs.new_userns && a->ns_fds[HULL_NS_USER] < 0 && setresgid(0, 0, 0) == 0)
    setresuid(0, 0, 0);
  /* The id change reset the dumpable flag to the sysctl's default. */
  prctl(PR_SET_DUMPABLE, a->dumpable_setup ? 1 : 0, 0, 0, 0);
  /* The agent's socket is a host path: connect while the host's mount
   * namespace and root are still ours. */
  const struct hull_seccomp *sc = &a->spec->linux_.seccomp;
  _cleanup_close_ int listener = -1;
  if (a->seccomp && hull_seccomp_filter_has_notify(a->seccomp) && sc->listener_path) {
    listener = hull_seccomp_listener_connect(sc->listener_path, err);
    if (listener < 0) return -1;
  }
  if (early && (a->unshare_flags & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
    return hull_err_sys(err, "unshare the cgroup namespace");
  if (!early && make_namespaces(a, 0, err) < 0) return -1;
  if (!a->exec) {
    if (!a->pipelined && hull_sync_send(a->sync_fd, HULL_SYNC_NS_READY, NULL) < 0)
      return hull_err_sys(err, "sync: send");
    if (hull_sync_expect(a->sync_fd, HULL_SYNC_GO2, state_json, "init", err) < 0) return -1;
  }
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (a->exec && a->process->terminal &&
      (container_pty(a, "/", err) < 0 || setup_console(a, err) < 0))
    return -1;
  if (!a->exec && setup_container(a, *state_json, early_mounts, next_mount, err) < 0) return -1;
  if (reopen_dev_null(err) < 0) return -1;
  own_stdio(a);
  if (!a->no_new_keyring && !a->exec)
    syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, NULL); /* best effort */
  /* Before seccomp, which may well forbid memfd_create. */
  if (a->reaper && (*reaper_fd = hull_reaper_memfd(err)) < 0) return -1;
  int notify_fd;
  if (drop_privileges(a, &notify_fd, err) < 0) return -1;
  if (notify_fd >= 0) {
    _cleanup_free_ char *ps = hull_seccomp_process_state_from_state(sc->listener_metadata, *state_json);
    int r = listener >= 0 ? hull_seccomp_send_listener_fd(listener, notify_fd, ps, err)
                          : hull_seccomp_send_listener(sc->listener_path, notify_fd, ps, err);
    close(notify_fd);
    if (r < 0) return hull_err_prefix(err, "linux.seccomp.listenerPath");
  }
  if (listener >= 0) close(hull_steal_fd(&listener)); /* before close_fds sweeps it */
  *env = build_env(a);
  *exe = hull_init_find_exec(a->process->args[0], *env, err);
  if (*exe == NULL) return -1;
  close_fds(a, *reaper_fd);
  return 0;
}

/* The container process, or with the reaper: hull-init from its sealed
 * memfd, told the resolved path and the argv (it forks and execs them). */
static void exec_process(const struct hull_init_args *a, const char *exe, char **env,
                         int reaper_fd) {
  if (reaper_fd < 0) {
    /* prepare() failed unless it found exe */
    execve(exe, a->process->args, env); // NOLINT(clang-analyzer-core.NonNullParamChecker)
    return;
  }
  size_t n = hull_strv_len(a->process->args);
  _cleanup_free_ char **argv = hull_xcalloc(n + 3, sizeof(char *));
  argv[0] = (char *)"hull-init";
  argv[1] = (char *)exe;
  memcpy(argv + 2, a->process->args, n * sizeof(char *));
  syscall(SYS_execveat, reaper_fd, "", argv, env, AT_EMPTY_PATH);
}

int hull_init_main(struct hull_init_args *a) {
  _cleanup_err_ struct hull_err *err = NULL;
  _cleanup_free_ char *state_json = NULL, *exe = NULL;
  _cleanup_strv_ char **env = NULL;
  _cleanup_close_ int reaper_fd = -1;
  /* No container process may open /proc/<shim>/exe (CVE-2019-5736); the
   * parent of a rootless create needs it until GO2 (no container process
   * exists before then). */
  if (!a->dumpable_setup) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  /* A foreground parent blocks signals to forward them; not for us. */
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  if (prepare(a, &state_json, &exe, &env, &reaper_fd, &err) < 0) {
    hull_sync_send_error(a->sync_fd, err);
    return 1;
  }
  /* create returns after READY and the shim lives on without it; the
   * death signal also survives execve, so it goes before either. */
  prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
  if (hull_sync_send(a->sync_fd, HULL_SYNC_READY, NULL) < 0) return 1;
  if (!a->exec) {
    if (wait_start(a, &err) < 0 ||
        hull_hooks_run(&a->spec->hooks, HULL_HOOK_START_CONTAINER, state_json, &err) < 0) {
      hull_sync_send_error(a->sync_fd, err);
      return 1;
    }
  }
  exec_process(a, exe, env, reaper_fd);
  if (reaper_fd >= 0) hull_err_sys(&err, "run.hull.init: exec the reaper for \"%s\"", exe);
  else hull_err_sys(&err, "exec \"%s\"", exe);
  hull_sync_send_error(a->sync_fd, err);
  return errno == ENOENT ? 127 : 126;
}
