/* Namespaces: flag/name tables (pure), join by path, id maps, time ns. */
#include "ns/ns.h"
#include "ns/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

unsigned long hull_ns_clone_flag(enum hull_ns_type t) {
  switch (t) {
  case HULL_NS_PID: return CLONE_NEWPID;
  case HULL_NS_NET: return CLONE_NEWNET;
  case HULL_NS_MNT: return CLONE_NEWNS;
  case HULL_NS_IPC: return CLONE_NEWIPC;
  case HULL_NS_UTS: return CLONE_NEWUTS;
  case HULL_NS_USER: return CLONE_NEWUSER;
  case HULL_NS_CGROUP: return CLONE_NEWCGROUP;
  case HULL_NS_TIME: return CLONE_NEWTIME;
  case HULL_NS_NTYPES: break;
  }
  return 0;
}

const char *hull_ns_proc_name(enum hull_ns_type t) {
  static const char *const names[] = {"pid", "net", "mnt", "ipc", "uts", "user", "cgroup", "time"};
  return (unsigned)t < HULL_NS_NTYPES ? names[t] : NULL;
}

int hull_ns_open(const char *path, enum hull_ns_type t, struct hull_err **err) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return hull_err_sys(err, "open %s namespace %s", hull_ns_proc_name(t), path);
  int type = ioctl(fd, NS_GET_NSTYPE);
  if (type >= 0 && (unsigned long)type != hull_ns_clone_flag(t)) {
    close(fd);
    return hull_err_set(err, EINVAL, "%s is not a %s namespace", path, hull_ns_proc_name(t));
  }
  return fd;
}

int hull_ns_join(int fd, enum hull_ns_type t, struct hull_err **err) {
  if (setns(fd, (int)hull_ns_clone_flag(t)) < 0)
    return hull_err_sys(err, "setns %s namespace", hull_ns_proc_name(t));
  return 0;
}

int ns_write_proc(pid_t pid, const char *file, const char *text, struct hull_err **err) {
  /* pid 0: ourselves ("self": our pid may belong to another pid ns). */
  _cleanup_free_ char *path = pid ? hull_xasprintf("/proc/%d/%s", (int)pid, file)
                                  : hull_xasprintf("/proc/self/%s", file);
  _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return hull_err_sys(err, "open %s", path);
  /* The kernel takes a map in a single write. */
  if (write(fd, text, strlen(text)) < 0) return hull_err_sys(err, "write %s", path);
  return 0;
}

char *hull_ns_format_time_offsets(const struct hull_time_offset offs[2]) {
  static const char *const clocks[] = {"monotonic", "boottime"};
  char *out = hull_xstrdup("");
  for (int i = 0; i < 2; i++) {
    if (!offs[i].present) continue;
    char *next = hull_xasprintf("%s%s %lld %u\n", out, clocks[i], (long long)offs[i].secs,
                                offs[i].nanosecs);
    free(out);
    out = next;
  }
  return out;
}

int hull_ns_new_time(const struct hull_time_offset offs[2], struct hull_err **err) {
  if (unshare(CLONE_NEWTIME) < 0) return hull_err_sys(err, "unshare time namespace");
  _cleanup_free_ char *text = hull_ns_format_time_offsets(offs);
  /* Offsets can only be written before any process lives in the ns, i.e.
   * now, while only time_for_children points at it. One write per clock. */
  for (char *line = text, *nl; *line; line = nl + 1) {
    nl = strchr(line, '\n');
    *nl = '\0';
    if (ns_write_proc(0, "timens_offsets", line, err) < 0)
      return hull_err_prefix(err, "linux.timeOffsets");
  }
  _cleanup_close_ int fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return hull_err_sys(err, "open /proc/self/ns/time_for_children");
  return hull_ns_join(fd, HULL_NS_TIME, err);
}

int hull_ns_loopback_up(struct hull_err **err) {
  _cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return hull_err_sys(err, "loopback: socket");
  struct ifreq ifr = {0};
  strcpy(ifr.ifr_name, "lo");
  if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) return hull_err_sys(err, "loopback: get flags");
  ifr.ifr_flags |= IFF_UP;
  if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) return hull_err_sys(err, "loopback: set up");
  return 0;
}
