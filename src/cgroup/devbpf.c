/* Loading and attaching the v2 device program with the bpf(2) syscall
 * directly (no libbpf): load, attach with BPF_F_ALLOW_MULTI, then detach
 * whatever was attached before, so the old rules are never missing and
 * never doubled for longer than that step. */
#include "cgroup/internal.h"

#include <errno.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>

static int sys_bpf(int cmd, union bpf_attr *attr) {
  return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int load(const struct hull_cg_devprog *p, struct hull_err **err) {
  union bpf_attr a;
  memset(&a, 0, sizeof(a));
  a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  a.insns = (uint64_t)(uintptr_t)p->insns;
  a.insn_cnt = (uint32_t)p->n;
  a.license = (uint64_t)(uintptr_t)"Apache";
  strncpy(a.prog_name, "hull_devices", sizeof(a.prog_name) - 1);
  int fd = sys_bpf(BPF_PROG_LOAD, &a);
  if (fd >= 0) return fd;
  /* Again with the verifier log, for a useful message. */
  int saved = errno;
  static char log[8192];
  log[0] = '\0';
  a.log_buf = (uint64_t)(uintptr_t)log;
  a.log_size = sizeof(log);
  a.log_level = 1;
  fd = sys_bpf(BPF_PROG_LOAD, &a);
  if (fd >= 0) return fd;
  errno = saved;
  return hull_err_sys(err, "bpf(BPF_PROG_LOAD) device program (%zu insns)%s%s", p->n,
                      log[0] ? ": verifier: " : "", log);
}

/* Ids of the device programs attached directly to the cgroup. */
static int query(int cgfd, uint32_t *ids, uint32_t *n, struct hull_err **err) {
  union bpf_attr a;
  memset(&a, 0, sizeof(a));
  a.query.target_fd = (uint32_t)cgfd;
  a.query.attach_type = BPF_CGROUP_DEVICE;
  a.query.prog_ids = (uint64_t)(uintptr_t)ids;
  a.query.prog_cnt = *n;
  if (sys_bpf(BPF_PROG_QUERY, &a) < 0) return hull_err_sys(err, "bpf(BPF_PROG_QUERY) device programs");
  *n = a.query.prog_cnt < *n ? a.query.prog_cnt : *n;
  return 0;
}

static int detach_id(int cgfd, uint32_t id, struct hull_err **err) {
  union bpf_attr a;
  memset(&a, 0, sizeof(a));
  a.prog_id = id;
  _cleanup_close_ int fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &a);
  if (fd < 0) return errno == ENOENT ? 0 : hull_err_sys(err, "bpf(BPF_PROG_GET_FD_BY_ID %u)", id);
  memset(&a, 0, sizeof(a));
  a.target_fd = (uint32_t)cgfd;
  a.attach_bpf_fd = (uint32_t)fd;
  a.attach_type = BPF_CGROUP_DEVICE;
  if (sys_bpf(BPF_PROG_DETACH, &a) < 0 && errno != ENOENT)
    return hull_err_sys(err, "bpf(BPF_PROG_DETACH) old device program %u", id);
  return 0;
}

int hull_cg_devprog_attach(int cgfd, const struct hull_cg_devprog *p, struct hull_err **err) {
  uint32_t ids[64], n = 64;
  if (query(cgfd, ids, &n, err) < 0) return -1;
  _cleanup_close_ int prog = load(p, err);
  if (prog < 0) return -1;
  union bpf_attr a;
  memset(&a, 0, sizeof(a));
  a.target_fd = (uint32_t)cgfd;
  a.attach_bpf_fd = (uint32_t)prog;
  a.attach_type = BPF_CGROUP_DEVICE;
  a.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf(BPF_PROG_ATTACH, &a) < 0) return hull_err_sys(err, "bpf(BPF_PROG_ATTACH) device program");
  for (uint32_t i = 0; i < n; i++)
    if (detach_id(cgfd, ids[i], err) < 0) return -1;
  return 0;
}
