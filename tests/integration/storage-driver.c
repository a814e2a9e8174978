/* Test driver for storage/ until the full runtime can run containers: builds
 * a hull_spec from flags, makes the namespaces, calls hull_rootfs_prepare and
 * hull_rootfs_finish in a child (PID 1 of a new pid namespace) and execs the
 * command there. Not a runtime: no cgroups, caps or seccomp.
 *
 *   storage-driver [flags] ROOTFS -- CMD [ARGS...]
 *   --bundle DIR          mounts, devices, masked/readonly paths, root,
 *                         rootfsPropagation from DIR/config.json (parsed)
 *   --defaults            the mounts, maskedPaths, readonlyPaths of the test
 *                         config (tests/integration/config.json.in)
 *   --mount DEST --type T --source S --options a,b   (a new mount entry)
 *   --uidmap C:H:N --gidmap C:H:N                    (for the last mount)
 *   --masked P  --readonly P  --ro-root  --propagation NAME  --no-pivot
 *   --device PATH:TYPE:MAJOR:MINOR[:MODE:UID:GID]
 *   --console             a pty slave for /dev/console
 *   --userns              a new user namespace (identity map of 0-65535)
 *   --userns-untold       the same, without telling storage (opts.new_userns
 *                         false: the runtime in rootless podman's userns)
 *   --rootless            tell storage the caller is rootless
 *   --netns --cgroupns    new network / cgroup namespaces
 *   --mount-label L       linux.mountLabel
 *   --annotation K=V --overlay-dir DIR   (run.hull.rootfs.overlay)
 *   --between CMD         sh -c CMD between prepare and finish ($ROOTFS set) */
#include "spec/spec.h"
#include "storage/storage.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

static struct hull_spec spec;
static struct hull_rootfs_opts ropts = {.console_fd = -1};
static char **masked, **readonly_;
static const char *between;
static bool userns, netns, cgroupns, bundle_ns;

static struct hull_mount *new_mount(const char *dest) {
  spec.mounts = hull_xrealloc(spec.mounts, (spec.n_mounts + 1) * sizeof(*spec.mounts));
  struct hull_mount *m = &spec.mounts[spec.n_mounts++];
  memset(m, 0, sizeof(*m));
  m->destination = hull_xstrdup(dest);
  return m;
}

static char **split(const char *s, const char *sep) {
  char **v = NULL, *copy = hull_xstrdup(s);
  for (char *save = NULL, *t = strtok_r(copy, sep, &save); t; t = strtok_r(NULL, sep, &save))
    hull_strv_append(&v, t);
  free(copy);
  return v;
}

static void add(const char *dest, const char *type, const char *src, const char *opts) {
  struct hull_mount *m = new_mount(dest);
  m->type = hull_xstrdup(type);
  m->source = hull_xstrdup(src);
  m->options = opts ? split(opts, ",") : NULL;
}

static void defaults(void) {
  add("/proc", "proc", "proc", NULL);
  add("/dev", "tmpfs", "tmpfs", "nosuid,strictatime,mode=755,size=65536k");
  add("/dev/pts", "devpts", "devpts", "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5");
  add("/dev/shm", "tmpfs", "shm", "nosuid,noexec,nodev,mode=1777,size=65536k");
  add("/dev/mqueue", "mqueue", "mqueue", "nosuid,noexec,nodev");
  add("/sys", "sysfs", "sysfs", "nosuid,noexec,nodev,ro");
  add("/tmp", "tmpfs", "tmpfs", "nosuid,nodev,mode=1777");
  const char *m[] = {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                     "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                     "/proc/sched_debug", "/sys/firmware", "/proc/scsi"};
  for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) hull_strv_append(&masked, m[i]);
  const char *r[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
  for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++) hull_strv_append(&readonly_, r[i]);
  spec.root_readonly = true;
}

static void add_map(struct hull_id_mapping **v, size_t *n, const char *s) {
  struct hull_id_mapping m;
  if (sscanf(s, "%u:%u:%u", &m.container_id, &m.host_id, &m.size) != 3) {
    fprintf(stderr, "bad mapping %s\n", s);
    exit(2);
  }
  *v = hull_xrealloc(*v, (*n + 1) * sizeof(**v));
  (*v)[(*n)++] = m;
}

static void add_device(const char *s) {
  char **f = split(s, ":");
  size_t n = hull_strv_len(f);
  if (n != 4 && n != 7) {
    fprintf(stderr, "bad device %s\n", s);
    exit(2);
  }
  spec.linux_.devices = hull_xrealloc(spec.linux_.devices,
                                      (spec.linux_.n_devices + 1) * sizeof(struct hull_device));
  struct hull_device *d = &spec.linux_.devices[spec.linux_.n_devices++];
  memset(d, 0, sizeof(*d));
  d->path = hull_xstrdup(f[0]);
  d->type = f[1][0];
  d->major = atoll(f[2]);
  d->minor = atoll(f[3]);
  if (n == 7) {
    d->has_file_mode = d->has_uid = d->has_gid = true;
    d->file_mode = (uint32_t)strtoul(f[4], NULL, 8);
    d->uid = (uint32_t)atoi(f[5]);
    d->gid = (uint32_t)atoi(f[6]);
  }
  hull_strv_free(f);
}

static void add_annotation(const char *kv) {
  const char *eq = strchr(kv, '=');
  spec.annotations = hull_xrealloc(spec.annotations, (spec.n_annotations + 1) * sizeof(*spec.annotations));
  struct hull_annotation *a = &spec.annotations[spec.n_annotations++];
  a->key = eq ? strndup(kv, (size_t)(eq - kv)) : hull_xstrdup(kv);
  a->value = hull_xstrdup(eq ? eq + 1 : "");
}

/* --bundle DIR: mounts, devices, masked/readonly paths, root and
 * rootfsPropagation from DIR/config.json through the real spec parser. */
static void load_bundle(const char *dir) {
  struct hull_err *err = NULL;
  char *path = hull_xasprintf("%s/config.json", dir);
  struct hull_spec *s = hull_spec_load(path, &err);
  if (s == NULL) {
    fprintf(stderr, "storage-driver: %s\n", err->msg);
    exit(2);
  }
  spec = *s; /* the parsed spec is kept for the life of the process */
  for (size_t i = 0; spec.linux_.masked_paths && spec.linux_.masked_paths[i]; i++)
    hull_strv_append(&masked, spec.linux_.masked_paths[i]);
  for (size_t i = 0; spec.linux_.readonly_paths && spec.linux_.readonly_paths[i]; i++)
    hull_strv_append(&readonly_, spec.linux_.readonly_paths[i]);
  ropts.rootfs = spec.root_path[0] == '/' ? spec.root_path
                                          : hull_xasprintf("%s/%s", dir, spec.root_path);
  bundle_ns = true;
  ropts.bundle = dir;
  free(path);
}

/* run.hull.rootfs.overlay: the shim-side path (as with an unprivileged
 * runtime), upper/work in --overlay-dir. */
static struct hull_overlay_cfg overlay_cfg;
static struct hull_overlay_req overlay_req = {.cfg = &overlay_cfg, .id = "driver"};

static void setup_overlay(void) {
  const char *v = hull_spec_annotation(&spec, HULL_ANNOTATION_ROOTFS_OVERLAY);
  struct hull_err *err = NULL;
  if (v == NULL) return;
  if (hull_overlay_cfg_parse(v, "annotation " HULL_ANNOTATION_ROOTFS_OVERLAY, &overlay_cfg, &err) < 0) {
    fprintf(stderr, "storage-driver: %s\n", err->msg);
    exit(2);
  }
  if (!overlay_cfg.enabled) return;
  if (overlay_req.dir == NULL) {
    fprintf(stderr, "storage-driver: the overlay needs --overlay-dir\n");
    exit(2);
  }
  overlay_req.rootfs = ropts.rootfs;
  overlay_req.lx = &spec.linux_;
  overlay_req.new_userns = ropts.new_userns;
  ropts.overlay = &overlay_req;
  ropts.overlay_fd = -1;
}

static int parse_args(int argc, char **argv) {
  struct hull_mount *last = NULL;
  int i = 1;
  for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    bool takes = true;
    if (strcmp(a, "--defaults") == 0) defaults(), takes = false;
    else if (strcmp(a, "--mount") == 0 && v) last = new_mount(v);
    else if (strcmp(a, "--type") == 0 && v && last) last->type = hull_xstrdup(v);
    else if (strcmp(a, "--source") == 0 && v && last) last->source = hull_xstrdup(v);
    else if (strcmp(a, "--options") == 0 && v && last) last->options = split(v, ",");
    else if (strcmp(a, "--uidmap") == 0 && v && last) add_map(&last->uid_mappings, &last->n_uid_mappings, v);
    else if (strcmp(a, "--gidmap") == 0 && v && last) add_map(&last->gid_mappings, &last->n_gid_mappings, v);
    else if (strcmp(a, "--masked") == 0 && v) hull_strv_append(&masked, v);
    else if (strcmp(a, "--readonly") == 0 && v) hull_strv_append(&readonly_, v);
    else if (strcmp(a, "--propagation") == 0 && v) spec.linux_.rootfs_propagation = hull_xstrdup(v);
    else if (strcmp(a, "--device") == 0 && v) add_device(v);
    else if (strcmp(a, "--between") == 0 && v) between = v;
    else if (strcmp(a, "--bundle") == 0 && v) load_bundle(v);
    else if (strcmp(a, "--overlay-dir") == 0 && v) overlay_req.dir = v;
    else if (strcmp(a, "--mount-label") == 0 && v) spec.linux_.mount_label = hull_xstrdup(v);
    else if (strcmp(a, "--annotation") == 0 && v) add_annotation(v);
    else {
      takes = false;
      if (strcmp(a, "--ro-root") == 0) spec.root_readonly = true;
      else if (strcmp(a, "--rw-root") == 0) spec.root_readonly = false;
      else if (strcmp(a, "--no-pivot") == 0) ropts.no_pivot = true;
      else if (strcmp(a, "--console") == 0) ropts.console_fd = -2;
      else if (strcmp(a, "--userns") == 0) userns = ropts.new_userns = true;
      else if (strcmp(a, "--userns-untold") == 0) userns = true; /* rootless podman */
      else if (strcmp(a, "--rootless") == 0) ropts.rootless = true;
      else if (strcmp(a, "--netns") == 0) netns = true;
      else if (strcmp(a, "--cgroupns") == 0) cgroupns = true;
      else if (a[0] == '-' || (ropts.rootfs && !bundle_ns)) {
        fprintf(stderr, "storage-driver: bad argument %s\n", a);
        exit(2);
      } else ropts.rootfs = a;
    }
    if (takes) i++;
  }
  if (bundle_ns) {
    /* the bundle's namespaces decide netns/cgroupns; the rest is ours */
    for (size_t n = 0; n < spec.linux_.n_namespaces; n++) {
      netns |= spec.linux_.namespaces[n].type == HULL_NS_NET;
      cgroupns |= spec.linux_.namespaces[n].type == HULL_NS_CGROUP;
    }
  }
  if (ropts.rootfs == NULL || i + 1 >= argc) {
    fprintf(stderr, "usage: storage-driver [flags] ROOTFS -- CMD [ARGS...]\n");
    exit(2);
  }
  setup_overlay();
  spec.has_linux = true;
  spec.linux_.masked_paths = masked;
  spec.linux_.readonly_paths = readonly_;
  if (cgroupns && !bundle_ns) {
    static struct hull_namespace ns = {.type = HULL_NS_CGROUP};
    spec.linux_.namespaces = &ns;
    spec.linux_.n_namespaces = 1;
  }
  return i + 1;
}

static int fail(struct hull_err *err, const char *what) {
  fprintf(stderr, "storage-driver: %s: %s\n", what, err ? err->msg : strerror(errno));
  return 1;
}

/* PID 1 of the container. */
static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int container(char **cmd) {
  struct hull_err *err = NULL;
  /* STORAGE_TIMING=1: prints "prepare_us finish_us" to stderr (bench only) */
  bool timing = getenv("STORAGE_TIMING") != NULL;
  double t0 = now_us();
  if (hull_rootfs_prepare(&spec, &ropts, &err) < 0) return fail(err, "prepare");
  double t1 = now_us();
  if (between) {
    pid_t p = fork();
    if (p == 0) {
      setenv("ROOTFS", ropts.rootfs, 1);
      execl("/bin/sh", "sh", "-c", between, (char *)NULL);
      _exit(127);
    }
    int st;
    waitpid(p, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) return fprintf(stderr, "--between failed\n"), 1;
  }
  double t2 = now_us();
  if (hull_rootfs_finish(&spec, &ropts, &err) < 0) return fail(err, "finish");
  if (timing) fprintf(stderr, "%.0f %.0f\n", t1 - t0, now_us() - t2);
  if (ropts.console_fd >= 0) close(ropts.console_fd);
  execvp(cmd[0], cmd);
  return fail(NULL, cmd[0]);
}

static int wait_status(pid_t pid) {
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR) return 1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int write_maps(pid_t pid) {
  char path[64];
  struct hull_err *err = NULL;
  snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
  if (hull_write_string(path, "0 0 65536\n", &err) < 0) return fail(err, "uid_map");
  snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
  if (hull_write_string(path, "0 0 65536\n", &err) < 0) return fail(err, "gid_map");
  return 0;
}

/* In the new user namespace (if any): the other namespaces, then PID 1. */
static int namespaces(char **cmd) {
  int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS;
  if (netns) flags |= CLONE_NEWNET;
  if (cgroupns) flags |= CLONE_NEWCGROUP;
  /* The pty comes from the host's devpts, opened before the mount
   * namespace is made, as the runtime does. */
  if (ropts.console_fd == -2) {
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0) return fail(NULL, "pty");
    ropts.console_fd = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (ropts.console_fd < 0) return fail(NULL, "pty slave");
  }
  if (unshare(flags) < 0) return fail(NULL, "unshare");
  pid_t pid = fork();
  if (pid < 0) return fail(NULL, "fork");
  if (pid == 0) _exit(container(cmd));
  return wait_status(pid);
}

/* LeakSanitizer hook (sanitizer builds; unused otherwise): no exit-time
 * leak check here. This process shares the container's new mount and pid
 * namespaces with its child, so its /proc is the container's by the time
 * it exits and the check cannot find its own threads (a fatal error). The
 * storage code it drives runs in the child, which execs. */
int __lsan_is_turned_off(void);
int __lsan_is_turned_off(void) { return 1; }

int main(int argc, char **argv) {
  char **cmd = argv + parse_args(argc, argv);
  if (!userns) return namespaces(cmd);
  int go[2];
  if (pipe(go) < 0) return fail(NULL, "pipe");
  pid_t pid = fork();
  if (pid == 0) {
    close(go[1]);
    if (unshare(CLONE_NEWUSER) < 0) _exit(fail(NULL, "unshare user"));
    char c;
    if (read(go[0], &c, 1) != 1) _exit(1);
    if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) _exit(fail(NULL, "setresuid"));
    _exit(namespaces(cmd));
  }
  close(go[0]);
  /* The child must have unshared before its maps are written. */
  char path[64], self[64];
  snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
  for (int tries = 0; tries < 5000; tries++) {
    ssize_t a = readlink(path, self, sizeof(self) - 1), b;
    char mine[64];
    b = readlink("/proc/self/ns/user", mine, sizeof(mine) - 1);
    if (a > 0 && b > 0 && (a != b || memcmp(self, mine, (size_t)a) != 0)) break;
    usleep(1000);
  }
  if (write_maps(pid) != 0) return 1;
  if (write(go[1], "g", 1) != 1) return 1;
  close(go[1]);
  return wait_status(pid);
}
