/* create and run, parent side (DESIGN.md §3): state dir, cgroup, clone3 of
 * the init shim, maps, network, hooks, state.json, pid file. Any failure
 * undoes everything made so far and reports the shim's real error text. */
#include "runtime/create.h"
#include "runtime/console.h"
#include "init/init.h"
#include "net/net.h"
#include "ns/ns.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <sys/sysinfo.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

void hull_create_job_free(struct hull_create_job *j) {
  if (j->sync_fd >= 0) close(j->sync_fd);
  if (j->fifo_fd >= 0) close(j->fifo_fd);
  if (j->master >= 0) close(j->master);
  if (j->overlay_fd >= 0) close(j->overlay_fd);
  hull_overlay_cfg_free(&j->overlay_cfg);
  free(j->overlay_dir);
  if (j->pidfd_sock >= 0) close(j->pidfd_sock);
  for (int i = 0; i < HULL_NS_NTYPES; i++)
    if (j->ns_fds[i] >= 0) close(j->ns_fds[i]);
  if (j->seccomp) hull_seccomp_filter_free(j->seccomp);
  hull_cgroup_tasks_close(&j->cg_tasks);
  if (j->cg) hull_cgroup_free(j->cg);
  hull_strv_free(j->extra_env);
  hull_spec_free(j->spec);
  free(j->config_text);
  free(j->bundle);
  free(j->rootfs);
  hull_container_close(j->c);
}

static int load_bundle(struct hull_create_job *j, struct hull_err **err) {
  char buf[PATH_MAX];
  const char *b = j->opts->bundle && *j->opts->bundle ? j->opts->bundle : ".";
  if (realpath(b, buf) == NULL) return hull_err_sys(err, "bundle %s", b);
  j->bundle = hull_xstrdup(buf);
  _cleanup_free_ char *cfg = hull_xasprintf("%s/config.json", j->bundle);
  size_t len;
  j->config_text = hull_read_file(cfg, &len, err);
  if (j->config_text == NULL) return -1;
  j->spec = hull_spec_parse(j->config_text, len, err);
  if (j->spec == NULL) return hull_err_prefix(err, "%s", cfg);
  if (!j->spec->has_process || j->spec->process.args == NULL || !j->spec->process.args[0])
    return hull_err_set(err, 0, "%s: process.args: the container needs a process", cfg);
  const char *rp = j->spec->root_path ? j->spec->root_path : "rootfs";
  _cleanup_free_ char *rootfs = rp[0] == '/' ? hull_xstrdup(rp)
                                             : hull_xasprintf("%s/%s", j->bundle, rp);
  if (realpath(rootfs, buf) == NULL) return hull_err_sys(err, "root.path %s", rootfs);
  j->rootfs = hull_xstrdup(buf);
  return hull_init_wanted(hull_spec_annotation(j->spec, HULL_ANNOTATION_INIT), j->opts->init,
                          &j->reaper, err);
}

#ifdef HULL_STATIC_BINARY
/* A static glibc binary would dlopen NSS modules for getpwuid, which breaks
 * when the host's glibc differs from the one linked in: /etc/passwd only
 * (read in one go, no stdio stream). */
static char *owner_name(void) {
  _cleanup_free_ char *text = hull_read_file("/etc/passwd", NULL, NULL);
  char *name = text ? hull_passwd_name(text, geteuid()) : NULL;
  return name ? name : hull_xstrdup("");
}
#else
/* /etc/passwd first, as runc's own user lookup does: NSS (getpwuid) tries
 * nscd twice and reads nsswitch.conf on every create. Other NSS sources
 * only for a uid the file does not list. */
static char *owner_name(void) {
  uid_t uid = geteuid();
  _cleanup_free_ char *text = hull_read_file("/etc/passwd", NULL, NULL);
  char *name = text ? hull_passwd_name(text, uid) : NULL;
  if (name) return name;
  struct passwd *pw = getpwuid(uid);
  return hull_xstrdup(pw && pw->pw_name ? pw->pw_name : "");
}
#endif

/* The state dir with config.json and a first state.json ("creating"), so
 * a create killed at any later point leaves what delete --force needs. */
static int init_state(struct hull_create_job *j, struct hull_err **err) {
  j->c = hull_container_new(j->ctx->root, j->id, err);
  if (j->c == NULL) return -1;
  j->made_dir = true;
  _cleanup_free_ char *cfg = hull_xasprintf("%s/config.json", j->c->dir);
  if (hull_write_file_atomic(cfg, j->config_text, strlen(j->config_text), 0600, err) < 0)
    return -1;
  struct hull_state *st = hull_xcalloc(1, sizeof(*st));
  j->c->state = st;
  st->id = hull_xstrdup(j->id);
  st->creating = true;
  st->bundle = hull_xstrdup(j->bundle);
  st->rootfs = hull_xstrdup(j->rootfs);
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  char tbuf[64];
  hull_format_time(tbuf, sizeof(tbuf), &now);
  st->created = hull_xstrdup(tbuf);
  st->owner = owner_name();
  st->cgroup_manager = hull_xstrdup(j->ctx->cgroup_manager);
  st->rootless = j->ctx->rootless;
  st->net_mode = j->opts->net_mode ? hull_xstrdup(j->opts->net_mode) : NULL;
  st->annotations = hull_xcalloc(j->spec->n_annotations + 1, sizeof(*st->annotations));
  for (size_t i = 0; i < j->spec->n_annotations; i++) {
    st->annotations[i].key = hull_xstrdup(j->spec->annotations[i].key);
    st->annotations[i].value = hull_xstrdup(j->spec->annotations[i].value ? j->spec->annotations[i].value : "");
  }
  st->n_annotations = j->spec->n_annotations;
  const struct hull_namespace *net = hull_spec_namespace(j->spec, HULL_NS_NET);
  st->netns_new = net && net->path == NULL;
  return hull_container_save(j->c, err);
}

/* The config's resources with runc's device rules: its own, one per
 * linux.devices node, and the defaults every container has. */
static struct hull_resources cgroup_resources(const struct hull_create_job *j,
                                              struct hull_device_rule **rules) {
  const struct hull_linux *lx = &j->spec->linux_;
  struct hull_resources res = {0};
  if (lx->has_resources) res = lx->resources;
  *rules = hull_cgroup_device_rules(lx, &res.n_devices);
  res.devices = *rules;
  return res;
}

static int apply_cgroup(struct hull_create_job *j, struct hull_err **err) {
  _cleanup_free_ struct hull_device_rule *rules = NULL;
  struct hull_resources res = cgroup_resources(j, &rules);
  return hull_cgroup_apply(j->cg, &res, false, err);
}

/* The cgroup, recorded in the state (with the pid, when made after the
 * clone), and its limits unless apply_late (parent_sync applies them). */
static int setup_cgroup(struct hull_create_job *j, struct hull_err **err) {
  _cleanup_free_ struct hull_device_rule *rules = NULL;
  struct hull_resources res = cgroup_resources(j, &rules);
  j->cg = hull_cgroup_create(j->ctx->cgroup_manager, j->spec->linux_.cgroups_path, j->id,
                             j->ctx->rootless, j->pid, &res, err);
  if (j->cg == NULL) return -1;
  j->c->state->cgroup = hull_cgroup_serialize(j->cg);
  if (hull_container_save(j->c, err) < 0) return -1;
  return j->apply_late ? 0 : hull_cgroup_apply(j->cg, &res, false, err);
}

/* LISTEN_FDS from systemd socket activation reach the container as
 * fds 3.., with LISTEN_PID rewritten to the container's init (pid 1). */
static void listen_fds(struct hull_create_job *j) {
  const char *lf = getenv("LISTEN_FDS");
  uint64_t n;
  j->preserve = j->opts->preserve_fds > 0 ? j->opts->preserve_fds : 0;
  if (lf == NULL || hull_parse_uint64(lf, &n) < 0 || n == 0 || n > 256) return;
  _cleanup_free_ char *a = hull_xasprintf("LISTEN_FDS=%u", (unsigned)n);
  hull_strv_append(&j->extra_env, a);
  hull_strv_append(&j->extra_env, "LISTEN_PID=1");
  if ((int)n > j->preserve) j->preserve = (int)n;
}

/* Unprivileged, nothing but a user namespace lets us make the others:
 * say so plainly instead of failing later with EPERM from clone3. */
static int check_unprivileged(struct hull_create_job *j, struct hull_err **err) {
  if (geteuid() == 0 || (j->clone_flags & CLONE_NEWUSER) || j->ns_fds[HULL_NS_USER] >= 0)
    return 0;
  return hull_err_set(err, 0,
                      "linux.namespaces: hull runs unprivileged (uid %u) and the config has no "
                      "user namespace (`hull spec --rootless` writes one)", (unsigned)geteuid());
}

/* Namespaces given by path are opened now; pid is joined by this process
 * (it only changes where our children go), the rest by the shim. */
static int open_namespaces(struct hull_create_job *j, struct hull_err **err) {
  const struct hull_linux *lx = &j->spec->linux_;
  for (size_t i = 0; i < lx->n_namespaces; i++) {
    const struct hull_namespace *ns = &lx->namespaces[i];
    if (ns->path == NULL) {
      if (ns->type == HULL_NS_PID) j->clone_flags |= CLONE_NEWPID;
      else if (ns->type == HULL_NS_USER) j->clone_flags |= CLONE_NEWUSER;
      else if (ns->type == HULL_NS_TIME) j->new_time = true;
      else j->unshare_flags |= hull_ns_clone_flag(ns->type);
      continue;
    }
    j->ns_fds[ns->type] = hull_ns_open(ns->path, ns->type, err);
    if (j->ns_fds[ns->type] < 0) return hull_err_prefix(err, "linux.namespaces[%zu]", i);
  }
  if (check_unprivileged(j, err) < 0) return -1;
  if (j->ns_fds[HULL_NS_PID] >= 0) {
    if (hull_ns_join(j->ns_fds[HULL_NS_PID], HULL_NS_PID, err) < 0) return -1;
    close(j->ns_fds[HULL_NS_PID]);
    j->ns_fds[HULL_NS_PID] = -1;
  }
  return 0;
}

static int prepare_io(struct hull_create_job *j, struct hull_err **err) {
  const struct hull_process *p = &j->spec->process;
  if (p->terminal && j->opts->console_socket == NULL && !(j->opts->run && !j->opts->detach))
    return hull_err_set(err, 0,
                        "process.terminal is true: --console-socket is required when detached");
  if (!p->terminal && j->opts->console_socket)
    return hull_err_set(err, 0, "--console-socket given but process.terminal is false");
  /* Connected now, so a bad socket fails before anything runs. */
  if (j->opts->pidfd_socket &&
      (j->pidfd_sock = hull_unix_connect(j->opts->pidfd_socket, "--pidfd-socket", err)) < 0)
    return -1;
  if (!j->opts->run) {
    _cleanup_free_ char *fifo = hull_xasprintf("%s/exec.fifo", j->c->dir);
    if (mkfifo(fifo, 0622) < 0) return hull_err_sys(err, "mkfifo %s", fifo);
    /* Read-write: opening never blocks, and the shim keeps a reader. */
    j->fifo_fd = open(fifo, O_RDWR | O_CLOEXEC);
    if (j->fifo_fd < 0) return hull_err_sys(err, "open %s", fifo);
  }
  if (j->spec->linux_.seccomp.present) {
    j->seccomp = hull_runtime_seccomp(j->ctx, &j->spec->linux_.seccomp, err);
    if (j->seccomp == NULL) return -1;
  }
  listen_fds(j);
  return open_namespaces(j, err);
}

static struct hull_net_ctx net_ctx(const struct hull_create_job *j) {
  return (struct hull_net_ctx){.id = j->id, .state_root = j->ctx->root, .state_dir = j->c->dir,
                               .net_mode = j->opts->net_mode, .pid = j->pid};
}

static enum hull_net_ns net_ns_kind(const struct hull_spec *spec) {
  const struct hull_namespace *net = hull_spec_namespace(spec, HULL_NS_NET);
  if (net == NULL) return HULL_NET_NS_HOST;
  return net->path == NULL ? HULL_NET_NS_NEW : HULL_NET_NS_PATH;
}

/* Networking options are checked before anything runs; the files they
 * need in the container (resolv.conf for run.hull.net.dns) are
 * bind-mounted after the config's own mounts, so they win over the image
 * and over a mount of /etc. */
static int prepare_net(struct hull_create_job *j, struct hull_err **err) {
  struct hull_net_ctx nctx = net_ctx(j);
  if (hull_net_check(j->spec, &nctx, net_ns_kind(j->spec), err) < 0) return -1;
  struct hull_mount *extra;
  size_t n;
  if (hull_net_extra_mounts(j->spec, &nctx, &extra, &n, err) < 0) return -1;
  if (n == 0) return 0;
  struct hull_spec *s = j->spec;
  s->mounts = hull_xrealloc(s->mounts, (s->n_mounts + n + 1) * sizeof(*s->mounts));
  memcpy(&s->mounts[s->n_mounts], extra, n * sizeof(*extra));
  s->n_mounts += n;
  memset(&s->mounts[s->n_mounts], 0, sizeof(*s->mounts));
  free(extra); /* the strings now belong to the spec */
  return 0;
}

struct clone_args_v2 {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
      set_tid_size, cgroup;
};
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* Nothing to do here between the shim's namespaces and its rootfs work
 * (no network, no prestart/createRuntime hook): GO2 follows GO at once
 * and the shim runs through without NS_READY, instead of waiting for this
 * process to be scheduled twice more (on a busy host each wake-up is a
 * wait). net/ only runs when networking is asked for: a new netns alone
 * just gets its loopback up (done by the shim). */
static bool pipelined(const struct hull_create_job *j) {
  struct hull_net_ctx nctx = net_ctx(j);
  const struct hull_hooks *h = &j->spec->hooks;
  return !hull_net_wanted(j->spec, &nctx) && h->count[HULL_HOOK_PRESTART] == 0 &&
         h->count[HULL_HOOK_CREATE_RUNTIME] == 0;
}

/* Before GO the shim may fail on its own (its namespaces, its early
 * mounts: init/shim.c) and exit; what we then fail at (its pid gone, the
 * systemd scope for it) is a consequence. Its error, or EOF, is on the
 * socket: that replaces *err. Never waits: a live shim waits for GO. */
static int shim_failed_first(struct hull_create_job *j, struct hull_err **err) {
  struct pollfd pfd = {.fd = j->sync_fd, .events = POLLIN};
  if (j->sync_fd < 0 || poll(&pfd, 1, 0) != 1) return -1;
  _cleanup_err_ struct hull_err *shim = NULL;
  if (hull_sync_expect(j->sync_fd, HULL_SYNC_READY, NULL, "create", &shim) == 0) return -1;
  if (err) {
    hull_err_free(err);
    *err = hull_steal_ptr(&shim);
  }
  return -1;
}

/* clone3, or clone(2) with the same flags where clone3 answers ENOSYS:
 * under valgrind (3.19 has no clone3), inside a container whose seccomp
 * profile answers clone3 with ENOSYS so that libc falls back (Docker's
 * default did), on a kernel before 5.3. clone(2) has no
 * CLONE_INTO_CGROUP: *in_cgroup goes false and parent_sync moves the shim
 * (cgroup.procs) before GO, before it makes a namespace or runs anything.
 * The flags are only namespace flags (no CLONE_VM, no stack): a fork. */
static pid_t clone_shim(struct clone_args_v2 *ca, bool *in_cgroup) {
  *in_cgroup = (ca->flags & CLONE_INTO_CGROUP) != 0;
  pid_t pid = (pid_t)syscall(SYS_clone3, ca, sizeof(*ca));
  if (pid >= 0 || errno != ENOSYS) return pid;
  *in_cgroup = false;
  ca->flags &= ~CLONE_INTO_CGROUP;
  unsigned long flags = (unsigned long)ca->flags | (unsigned long)ca->exit_signal;
#if defined(__s390__) || defined(__CRIS__)
  return (pid_t)syscall(SYS_clone, NULL, flags, NULL, NULL, NULL);
#else
  return (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
#endif
}

/* v1: the shim makes its namespaces (most of a millisecond: the network
 * one) while we make the cgroup; two cores could do both at once, but the
 * scheduler puts a forked child on its parent's CPU and leaves it there
 * with the other one idle (sched_switch traces: clone, the shim's unshare,
 * our mkdirs all on CPU 0 one after the other, CPU 1 idle). So the shim
 * runs that phase on another CPU and goes back to every CPU when GO comes,
 * before it joins the cgroup. Only when we may run on every online CPU:
 * the shim then gets back what it had (no narrower affinity to keep), and
 * the cpuset join sets the container's CPUs as before. And only when a
 * CPU is idle (fewer tasks runnable than CPUs, counting us): on a busy
 * host a pinned shim waits for its turn on a busy CPU (tens of ms seen at
 * load 5 on 2 cores) where the scheduler's own choice does better. Picks
 * the CPU after ours (*cur); -1: no spreading. */
static int spread_cpu(const struct hull_create_job *j, int *cur) {
  const struct hull_seccomp *sc = &j->spec->linux_.seccomp;
  if (!j->cgroup_late || j->unshare_flags == 0 || (j->clone_flags & CLONE_NEWUSER) ||
      j->ns_fds[HULL_NS_USER] >= 0 ||
      (j->seccomp && hull_seccomp_filter_has_notify(j->seccomp) && sc->listener_path))
    return -1; /* the shim makes no namespaces before GO (init/shim.c) */
  cpu_set_t m;
  *cur = sched_getcpu();
  if (*cur < 0 || sched_getaffinity(0, sizeof(m), &m) < 0 || CPU_COUNT(&m) < 2) return -1;
  /* the load first: on a busy host the answer, without reading the online
   * CPUs too */
  _cleanup_free_ char *load = hull_read_file("/proc/loadavg", NULL, NULL);
  int running = load ? hull_loadavg_running(load) : -1;
  if (running < 1 || running >= CPU_COUNT(&m) || CPU_COUNT(&m) != get_nprocs()) return -1;
  for (int k = 1; k < CPU_SETSIZE; k++)
    if (CPU_ISSET((*cur + k) % CPU_SETSIZE, &m)) return (*cur + k) % CPU_SETSIZE;
  return -1;
}

/* The shim went on our CPU and has not moved itself (it does when it runs
 * first): move it. Before GO, after which it takes every CPU back. */
static void spread_shim(pid_t pid, int parent_cpu, int shim_cpu, int target) {
  if (target < 0 || shim_cpu != parent_cpu) return;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(target, &one);
  sched_setaffinity(pid, sizeof(one), &one); /* best effort: only speed */
}

static int spawn(struct hull_create_job *j, struct hull_err **err) {
  j->pipelined = pipelined(j);
  int sp[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
    return hull_err_sys(err, "socketpair");
  struct clone_args_v2 ca = {.flags = j->clone_flags, .exit_signal = SIGCHLD};
  if (!j->cgroup_late && hull_cgroup_tasks_open(j->cg, NULL, &j->cg_tasks, err) < 0) {
    close(sp[0]);
    close(sp[1]);
    return -1;
  }
  int cgfd = j->cgroup_late ? -1 : hull_cgroup_fd(j->cg);
  if (cgfd >= 0) {
    ca.flags |= CLONE_INTO_CGROUP;
    ca.cgroup = (uint64_t)cgfd;
  }
  /* Asked before the clone: in the child, geteuid() answers through the
   * new user namespace, 0 once the parent has written the uid map and the
   * overflow id before. Read there, an unprivileged create that lost the
   * race took the shim for privileged and made it non-dumpable at once:
   * the parent's open of its gid_map, or pasta's of its ns/user, then
   * failed with EACCES. */
  bool dumpable_setup = (j->clone_flags & CLONE_NEWUSER) && geteuid() != 0;
  int parent_cpu = -1, spread = spread_cpu(j, &parent_cpu);
  pid_t pid = clone_shim(&ca, &j->in_cgroup);
  if (pid < 0) {
    close(sp[0]);
    close(sp[1]);
    return hull_err_sys(err, "clone the init shim (flags 0x%llx)", (unsigned long long)ca.flags);
  }
  if (pid == 0) {
    close(sp[0]);
    struct hull_init_args a = {
        .spec = j->spec, .process = &j->spec->process, .sync_fd = sp[1],
        .fifo_fd = j->fifo_fd, .console_fd = -1, .preserve_fds = j->preserve,
        .extra_env = j->extra_env, .seccomp = j->seccomp, .unshare_flags = j->unshare_flags,
        .new_time_ns = j->new_time, .no_new_keyring = j->opts->no_new_keyring,
        .reaper = j->reaper,
        .dumpable_setup = dumpable_setup,
        .rootfs = {.rootfs = j->rootfs, .no_pivot = j->opts->no_pivot, .console_fd = -1,
                   .new_userns = (j->clone_flags & CLONE_NEWUSER) || j->ns_fds[HULL_NS_USER] >= 0,
                   .rootless = j->ctx->rootless, .bundle = j->bundle,
                   .overlay = j->overlay_cfg.enabled ? &j->overlay_req : NULL,
                   .overlay_fd = j->overlay_fd},
        .cgroup_tasks_fds = j->cg_tasks.fds, .cgroup_tasks_paths = j->cg_tasks.paths,
        .n_cgroup_tasks = j->cg_tasks.n, .cgroup_with_go = j->cgroup_late,
        .pipelined = j->pipelined, .spread = spread >= 0, .spread_cpu = spread, .parent_cpu = parent_cpu};
    memcpy(a.ns_fds, j->ns_fds, sizeof(a.ns_fds));
    _exit(hull_init_main(&a));
  }
  close(sp[1]);
  /* The shim has its copy of the overlay mount: ours would keep the
   * superblock alive after the container's mount namespace is gone. */
  if (j->overlay_fd >= 0) close(j->overlay_fd), j->overlay_fd = -1;
  j->joins_itself = j->cg_tasks.n > 0;
  hull_cgroup_tasks_close(&j->cg_tasks);
  j->sync_fd = sp[0];
  j->pid = pid;
  struct hull_state *st = j->c->state;
  st->pid = pid;
  int shim_cpu;
  if (hull_pid_start_time_cpu(pid, &st->start_time, &shim_cpu) < 0) {
    hull_err_set(err, 0, "the container init (pid %d) died at once", (int)pid);
    return shim_failed_first(j, err);
  }
  spread_shim(pid, parent_cpu, shim_cpu, spread);
  /* v1: late_cgroup saves it with the cgroup right after its mkdirs; until
   * then the shim dies with us (PDEATHSIG, or EOF on the sync socket). */
  return j->cgroup_late ? 0 : hull_container_save(j->c, err);
}

/* The shim opens the terminal in the container's devpts once it is
 * mounted (init/shim.c) and sends the master: it goes to --console-socket,
 * or stays for a foreground run to relay. */
static int receive_pty(struct hull_create_job *j, struct hull_err **err) {
  if (!j->spec->process.terminal) return 0;
  if (hull_sync_expect_fd(j->sync_fd, HULL_SYNC_PTY, &j->master, "create", err) < 0) return -1;
  /* A foreground run relays it: sized from our terminal before START, so
   * the process never starts with consoleSize when ours has a size. */
  if (j->opts->console_socket == NULL) {
    hull_tty_copy_size(0, j->master);
    return 0;
  }
  if (hull_console_send(j->opts->console_socket, j->master, err) < 0) return -1;
  close(j->master);
  j->master = -1;
  return 0;
}

/* v1, after the clone: the cgroup, made while the shim makes its
 * namespaces, and its tasks fds for GO to carry. The shim joins before it
 * makes the cgroup namespace, forks or runs anything (init/shim.c).
 * systemd: its scope, with the shim already moved in by systemd. */
static int late_cgroup(struct hull_create_job *j, struct hull_err **err) {
  if (!j->cgroup_late) return 0;
  /* The limits need not precede the join (a cpuset's CPUs do: made with
   * the cgroup): written after GO, while the shim joins, they are off the
   * path to the exec; the shim waits for GO2, after them, before it mounts,
   * forks or runs anything. */
  j->apply_late = !hull_cgroup_is_systemd(j->ctx->cgroup_manager);
  if (setup_cgroup(j, err) < 0 || hull_cgroup_tasks_open(j->cg, NULL, &j->cg_tasks, err) < 0)
    return shim_failed_first(j, err);
  j->joins_itself = j->cg_tasks.n > 0;
  if (hull_cgroup_is_systemd(j->ctx->cgroup_manager)) j->in_cgroup = true;
  return 0;
}

/* GO: with the tasks fds (and their paths, one a line) on v1. */
static int send_go(struct hull_create_job *j) {
  if (!j->cgroup_late) return hull_sync_send(j->sync_fd, HULL_SYNC_GO, NULL);
  _cleanup_free_ char *paths = hull_xstrdup("");
  for (size_t i = 0; i < j->cg_tasks.n; i++) {
    char *p = hull_xasprintf("%s%s%s", paths, i ? "\n" : "", j->cg_tasks.paths[i]);
    free(paths);
    paths = p;
  }
  int r = hull_sync_send_fds(j->sync_fd, HULL_SYNC_GO, paths, j->cg_tasks.fds, j->cg_tasks.n);
  hull_cgroup_tasks_close(&j->cg_tasks);
  return r;
}

/* A send that failed: the shim died first (it makes its namespaces
 * before GO on v1, and a failure there is reported and it exits). What it
 * sent last, its error, is the one to show. */
static int send_failed(struct hull_create_job *j, struct hull_err **err) {
  int e = errno;
  if (hull_sync_expect(j->sync_fd, HULL_SYNC_READY, NULL, "create", err) < 0) return -1;
  errno = e;
  return hull_err_sys(err, "sync: send");
}

/* Parent half of the sync protocol, up to the shim's READY. */
static int parent_sync(struct hull_create_job *j, struct hull_err **err) {
  const struct hull_linux *lx = &j->spec->linux_;
  if ((j->clone_flags & CLONE_NEWUSER) && hull_ns_write_maps(j->pid, lx, err) < 0) return -1;
  if (!j->joins_itself && !j->in_cgroup && hull_cgroup_enter(j->cg, j->pid, NULL, err) < 0)
    return -1;
  struct hull_state *st = j->c->state;
  struct hull_net_ctx nctx = net_ctx(j);
  const struct hull_hooks *h = &j->spec->hooks;
  _cleanup_free_ char *state = NULL;
  if (send_go(j) < 0) return send_failed(j, err);
  if (j->apply_late && apply_cgroup(j, err) < 0) return -1;
  if (j->pipelined) {
    state = hull_hook_state(st, HULL_STATUS_CREATING);
    /* A shim that died already: the expect of READY reports its error. */
    hull_sync_send(j->sync_fd, HULL_SYNC_GO2, state);
  } else {
    if (hull_sync_expect(j->sync_fd, HULL_SYNC_NS_READY, NULL, "create", err) < 0) return -1;
    if (hull_net_wanted(j->spec, &nctx)) {
      st->net_setup = true; /* before: a partial setup is torn down too */
      if (hull_container_save(j->c, err) < 0) return -1;
      if (hull_net_setup(j->spec, &nctx, err) < 0) return -1;
    }
    state = hull_hook_state(st, HULL_STATUS_CREATING);
    if (hull_hooks_run(h, HULL_HOOK_PRESTART, state, err) < 0 ||
        hull_hooks_run(h, HULL_HOOK_CREATE_RUNTIME, state, err) < 0)
      return -1;
    if (hull_sync_send(j->sync_fd, HULL_SYNC_GO2, state) < 0) return send_failed(j, err);
  }
  /* run: nothing of ours has to precede the exec (the state, pid file
   * and pidfd of finish() do not), so START follows GO2 and the shim goes
   * on from READY to execve without waiting for us to be scheduled. Not
   * with a terminal: its receiver (or our relay, sizing it from ours) gets
   * the pty before anything runs. */
  if (j->opts->run && !j->spec->process.terminal) {
    /* A shim that failed already: the expect of READY reports its error. */
    hull_sync_send(j->sync_fd, HULL_SYNC_START, NULL);
    j->start_sent = true;
  }
  return receive_pty(j, err) < 0 ? -1 : hull_sync_expect(j->sync_fd, HULL_SYNC_READY, NULL, "create", err);
}

int hull_pid_file_write(const char *path, pid_t pid, struct hull_err **err) {
  char buf[32];
  int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
  if (hull_write_file_atomic(path, buf, (size_t)n, 0644, err) < 0)
    return hull_err_prefix(err, "--pid-file");
  return 0;
}

static int finish(struct hull_create_job *j, struct hull_err **err) {
  j->c->state->creating = false;
  if (hull_container_save(j->c, err) < 0) return -1;
  if (j->pidfd_sock >= 0 && hull_pidfd_send(j->pidfd_sock, j->pid, err) < 0) return -1;
  if (j->opts->pid_file && hull_pid_file_write(j->opts->pid_file, j->pid, err) < 0) return -1;
  return 0;
}

/* A failure: the shim dies, everything made goes. */
static void undo(struct hull_create_job *j) {
  if (j->pid > 0) {
    kill(j->pid, SIGKILL);
    waitpid(j->pid, NULL, 0);
  }
  if (j->c && j->made_dir) {
    _cleanup_err_ struct hull_err *e = NULL;
    j->c->state->creating = true; /* no poststop for what never ran */
    if (j->cg && j->c->state->cgroup == NULL) j->c->state->cgroup = hull_cgroup_serialize(j->cg);
    if (hull_container_teardown(j->c, j->spec, &e) < 0) hull_warn("cleanup: %s", e->msg);
  }
}

int hull_create_job_run(struct hull_create_job *j, struct hull_err **err) {
  if (load_bundle(j, err) < 0 || hull_create_overlay_config(j, err) < 0) return -1;
  /* v1: the cgroup's mkdirs and limits overlap the shim's namespaces
   * (two cores do both at once); v2 needs it for the clone. */
  j->cgroup_late = !hull_cgroup_before_clone(j->ctx->cgroup_manager);
  if (init_state(j, err) < 0 || prepare_net(j, err) < 0 ||
      (!j->cgroup_late && setup_cgroup(j, err) < 0) || prepare_io(j, err) < 0 ||
      hull_create_overlay_mount(j, err) < 0 || spawn(j, err) < 0 || late_cgroup(j, err) < 0 ||
      parent_sync(j, err) < 0 || finish(j, err) < 0) {
    undo(j);
    return -1;
  }
  return 0;
}

void hull_create_job_init(struct hull_create_job *j, const struct hull_runtime_ctx *ctx,
                          const char *id, const struct hull_create_opts *opts) {
  memset(j, 0, sizeof(*j));
  j->ctx = ctx;
  j->id = id;
  j->opts = opts;
  j->sync_fd = j->fifo_fd = j->master = j->overlay_fd = j->pidfd_sock = -1;
  for (int i = 0; i < HULL_NS_NTYPES; i++) j->ns_fds[i] = -1;
}
