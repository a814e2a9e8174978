/* spec/: the config `hull spec` writes, shaped like runc's: busybox sh on a
 * terminal, the usual mounts, masked and read-only /proc paths. The rootless
 * variant is runc's too: a user namespace mapping the caller, no network
 * namespace, /sys bind-mounted, no uid=/gid= mount options, no resources. */
#include "spec/internal.h"

#include <string.h>
#include <yajl/yajl_gen.h>

#define S(g, s) yajl_gen_string((g), (const unsigned char *)(s), strlen(s))

static void strv(yajl_gen g, const char *key, const char *const *v) {
  S(g, key);
  yajl_gen_array_open(g);
  for (; *v; v++) S(g, *v);
  yajl_gen_array_close(g);
}

static void mount(yajl_gen g, const char *dst, const char *type, const char *src,
                  const char *const *opts) {
  yajl_gen_map_open(g);
  S(g, "destination"), S(g, dst);
  S(g, "type"), S(g, type);
  S(g, "source"), S(g, src);
  if (opts) strv(g, "options", opts);
  yajl_gen_map_close(g);
}

static void mounts(yajl_gen g, bool rootless) {
  static const char *const dev[] = {"nosuid", "strictatime", "mode=755", "size=65536k", NULL};
  static const char *const pts[] = {"nosuid", "noexec", "newinstance", "ptmxmode=0666",
                                    "mode=0620", "gid=5", NULL};
  static const char *const pts_rootless[] = {"nosuid", "noexec", "newinstance",
                                             "ptmxmode=0666", "mode=0620", NULL};
  static const char *const shm[] = {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k",
                                    NULL};
  static const char *const plain[] = {"nosuid", "noexec", "nodev", NULL};
  static const char *const sys[] = {"nosuid", "noexec", "nodev", "ro", NULL};
  static const char *const sys_bind[] = {"rbind", "nosuid", "noexec", "nodev", "ro", NULL};
  static const char *const cg[] = {"nosuid", "noexec", "nodev", "relatime", "ro", NULL};
  S(g, "mounts");
  yajl_gen_array_open(g);
  mount(g, "/proc", "proc", "proc", NULL);
  mount(g, "/dev", "tmpfs", "tmpfs", dev);
  mount(g, "/dev/pts", "devpts", "devpts", rootless ? pts_rootless : pts);
  mount(g, "/dev/shm", "tmpfs", "shm", shm);
  mount(g, "/dev/mqueue", "mqueue", "mqueue", plain);
  if (rootless)
    mount(g, "/sys", "none", "/sys", sys_bind);
  else
    mount(g, "/sys", "sysfs", "sysfs", sys);
  mount(g, "/sys/fs/cgroup", "cgroup", "cgroup", cg);
  yajl_gen_array_close(g);
}

static void process(yajl_gen g) {
  static const char *const args[] = {"sh", NULL};
  static const char *const env[] = {
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", NULL};
  static const char *const caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE",
                                     NULL};
  S(g, "process");
  yajl_gen_map_open(g);
  S(g, "terminal"), yajl_gen_bool(g, 1);
  S(g, "user"), yajl_gen_map_open(g);
  S(g, "uid"), yajl_gen_integer(g, 0);
  S(g, "gid"), yajl_gen_integer(g, 0);
  yajl_gen_map_close(g);
  strv(g, "args", args);
  strv(g, "env", env);
  S(g, "cwd"), S(g, "/");
  S(g, "capabilities"), yajl_gen_map_open(g);
  strv(g, "bounding", caps);
  strv(g, "effective", caps);
  strv(g, "permitted", caps);
  yajl_gen_map_close(g);
  S(g, "rlimits"), yajl_gen_array_open(g), yajl_gen_map_open(g);
  S(g, "type"), S(g, "RLIMIT_NOFILE");
  S(g, "hard"), yajl_gen_integer(g, 1024);
  S(g, "soft"), yajl_gen_integer(g, 1024);
  yajl_gen_map_close(g), yajl_gen_array_close(g);
  S(g, "noNewPrivileges"), yajl_gen_bool(g, 1);
  yajl_gen_map_close(g);
}

static void id_map(yajl_gen g, const char *key, unsigned host) {
  S(g, key), yajl_gen_array_open(g), yajl_gen_map_open(g);
  S(g, "containerID"), yajl_gen_integer(g, 0);
  S(g, "hostID"), yajl_gen_integer(g, host);
  S(g, "size"), yajl_gen_integer(g, 1);
  yajl_gen_map_close(g), yajl_gen_array_close(g);
}

static void linux_section(yajl_gen g, bool rootless, uid_t uid, gid_t gid) {
  static const char *const masked[] = {"/proc/acpi", "/proc/asound", "/proc/kcore",
                                       "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                                       "/proc/timer_stats", "/proc/sched_debug",
                                       "/sys/firmware", "/proc/scsi", NULL};
  static const char *const ro[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                   "/proc/sysrq-trigger", NULL};
  static const char *const ns[] = {"pid", "network", "ipc", "uts", "mount", "cgroup", NULL};
  S(g, "linux"), yajl_gen_map_open(g);
  if (rootless) {
    id_map(g, "uidMappings", uid);
    id_map(g, "gidMappings", gid);
  } else {
    S(g, "resources"), yajl_gen_map_open(g);
    S(g, "devices"), yajl_gen_array_open(g), yajl_gen_map_open(g);
    S(g, "allow"), yajl_gen_bool(g, 0);
    S(g, "access"), S(g, "rwm");
    yajl_gen_map_close(g), yajl_gen_array_close(g);
    yajl_gen_map_close(g);
  }
  S(g, "namespaces"), yajl_gen_array_open(g);
  for (size_t i = 0; ns[i]; i++) {
    if (rootless && strcmp(ns[i], "network") == 0) continue;
    yajl_gen_map_open(g), S(g, "type"), S(g, ns[i]), yajl_gen_map_close(g);
  }
  if (rootless) yajl_gen_map_open(g), S(g, "type"), S(g, "user"), yajl_gen_map_close(g);
  yajl_gen_array_close(g);
  strv(g, "maskedPaths", masked);
  strv(g, "readonlyPaths", ro);
  yajl_gen_map_close(g);
}

char *hull_spec_default_json(bool rootless, uid_t uid, gid_t gid) {
  yajl_gen g = yajl_gen_alloc(NULL);
  yajl_gen_config(g, yajl_gen_beautify, 1);
  yajl_gen_config(g, yajl_gen_indent_string, "\t");
  yajl_gen_map_open(g);
  S(g, "ociVersion"), S(g, HULL_SPEC_VERSION);
  process(g);
  S(g, "root"), yajl_gen_map_open(g);
  S(g, "path"), S(g, "rootfs");
  S(g, "readonly"), yajl_gen_bool(g, 1);
  yajl_gen_map_close(g);
  S(g, "hostname"), S(g, "hull");
  mounts(g, rootless);
  linux_section(g, rootless, uid, gid);
  yajl_gen_map_close(g);
  const unsigned char *buf;
  size_t len;
  yajl_gen_get_buf(g, &buf, &len);
  char *out = hull_xmalloc(len + 1);
  memcpy(out, buf, len);
  out[len] = '\0';
  yajl_gen_free(g);
  return out;
}
