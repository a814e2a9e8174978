/* cgroup v1 resources: every linux.resources field onto the v1 files of
 * whichever hierarchies exist, with runc's orderings and conversions. */
#include "cgroup/internal.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#define FMT(buf, ...) (snprintf(buf, sizeof(buf), __VA_ARGS__), buf)

/* The hierarchy for a controller; a warning when limits were asked for a
 * controller this host does not have. */
static const char *need(const struct hull_cgroup *cg, const char *ctl, bool asked) {
  const char *d = hull_cg_v1_dir(cg, ctl);
  if (d == NULL && asked) hull_warn("cgroup v1: no %s hierarchy on this host: its limits are not applied", ctl);
  return d;
}

static int set_memory_and_swap(struct hull_cg_journal *j, const char *d, const struct hull_resources *r,
                               struct hull_err **err) {
  char a[32], b[32];
  int64_t limit = r->memory.has_limit ? r->memory.limit : 0;
  int64_t swap = r->memory.has_swap ? r->memory.swap : 0;
  bool have_memsw = hull_cg_exists(d, "memory.memsw.limit_in_bytes");
  /* Unlimited memory with swap unset: swap unlimited too (as runc). */
  if (limit == -1 && swap == 0 && have_memsw) swap = -1;
  if (swap != 0 && !have_memsw)
    return hull_err_set(err, ENOTSUP, "linux.resources.memory.swap: %s/memory.memsw.limit_in_bytes "
                        "missing (kernel without swap accounting)", d);
  if (limit != 0 && swap != 0) {
    /* memsw must stay >= memory at every step: order the two writes. */
    uint64_t cur = 0;
    if (hull_cg_read_u64(d, "memory.limit_in_bytes", &cur, err) < 0) return -1;
    bool swap_first = swap == -1 || cur < (uint64_t)swap;
    const char *f1 = swap_first ? "memory.memsw.limit_in_bytes" : "memory.limit_in_bytes";
    const char *f2 = swap_first ? "memory.limit_in_bytes" : "memory.memsw.limit_in_bytes";
    int64_t v1 = swap_first ? swap : limit, v2 = swap_first ? limit : swap;
    if (hull_cg_set(j, d, f1, FMT(a, "%" PRId64, v1), err) < 0) return -1;
    return hull_cg_set(j, d, f2, FMT(b, "%" PRId64, v2), err);
  }
  if (limit != 0 && hull_cg_set(j, d, "memory.limit_in_bytes", FMT(a, "%" PRId64, limit), err) < 0) return -1;
  if (swap != 0 && hull_cg_set(j, d, "memory.memsw.limit_in_bytes", FMT(b, "%" PRId64, swap), err) < 0) return -1;
  return 0;
}

static int v1_memory(struct hull_cgroup *cg, struct hull_cg_journal *j, const struct hull_resources *r,
                     struct hull_err **err) {
  const typeof(r->memory) *m = &r->memory;
  if (m->has_kernel) hull_warn("linux.resources.memory.kernel is deprecated and ignored");
  if (m->has_kernel_tcp) hull_warn("linux.resources.memory.kernelTCP is deprecated and ignored");
  bool asked = m->has_limit || m->has_swap || m->has_reservation || m->has_swappiness ||
               (m->has_disable_oom_killer && m->disable_oom_killer);
  const char *d = need(cg, "memory", asked);
  if (d == NULL || !asked) return 0;
  char buf[32];
  if (set_memory_and_swap(j, d, r, err) < 0) return -1;
  if (m->has_reservation &&
      hull_cg_set(j, d, "memory.soft_limit_in_bytes", FMT(buf, "%" PRId64, m->reservation), err) < 0)
    return -1;
  if (m->has_swappiness) {
    if (m->swappiness > 100)
      return hull_err_set(err, EINVAL, "linux.resources.memory.swappiness: %" PRIu64 " is above 100", m->swappiness);
    if (hull_cg_set(j, d, "memory.swappiness", FMT(buf, "%" PRIu64, m->swappiness), err) < 0) return -1;
  }
  if (m->has_disable_oom_killer && m->disable_oom_killer &&
      hull_cg_set(j, d, "memory.oom_control", "1", err) < 0)
    return -1;
  return 0;
}

static int v1_cfs(struct hull_cg_journal *j, const char *d, const typeof(((struct hull_resources *)0)->cpu) *c,
                  struct hull_err **err) {
  char p[32], q[32];
  FMT(p, "%" PRIu64, c->period);
  FMT(q, "%" PRId64, c->quota);
  if (c->has_period) {
    struct hull_err *e = NULL;
    /* A shorter period can conflict with the current quota: then the
     * quota goes first (runc does the same dance). */
    if (hull_cg_set(j, d, "cpu.cfs_period_us", p, &e) < 0) {
      bool retry = e->errnum == EINVAL && c->has_quota;
      if (!retry) {
        if (err && !*err) *err = e;
        else hull_err_free(&e);
        return -1;
      }
      hull_err_free(&e);
      if (hull_cg_set(j, d, "cpu.cfs_quota_us", q, err) < 0) return -1;
      return hull_cg_set(j, d, "cpu.cfs_period_us", p, err);
    }
  }
  if (c->has_quota && hull_cg_set(j, d, "cpu.cfs_quota_us", q, err) < 0) return -1;
  return 0;
}

static int v1_cpu(struct hull_cgroup *cg, struct hull_cg_journal *j, const struct hull_resources *r,
                  struct hull_err **err) {
  const typeof(r->cpu) *c = &r->cpu;
  char buf[32];
  bool asked = c->has_shares || c->has_quota || c->has_period || c->has_burst || c->has_idle ||
               c->has_realtime_period || c->has_realtime_runtime;
  const char *d = need(cg, "cpu", asked);
  if (d && asked) {
    if (c->has_shares && c->shares != 0) {
      if (hull_cg_set(j, d, "cpu.shares", FMT(buf, "%" PRIu64, c->shares), err) < 0) return -1;
      uint64_t got = 0;
      if (hull_cg_read_u64(d, "cpu.shares", &got, err) < 0) return -1;
      if (got != c->shares)
        return hull_err_set(err, ERANGE, "linux.resources.cpu.shares: %" PRIu64 " out of range (the kernel set %" PRIu64 ")",
                            c->shares, got);
    }
    if (v1_cfs(j, d, c, err) < 0) return -1;
    if (c->has_burst && hull_cg_set(j, d, "cpu.cfs_burst_us", FMT(buf, "%" PRIu64, c->burst), err) < 0) return -1;
    if (c->has_realtime_period &&
        hull_cg_set(j, d, "cpu.rt_period_us", FMT(buf, "%" PRIu64, c->realtime_period), err) < 0)
      return -1;
    if (c->has_realtime_runtime &&
        hull_cg_set(j, d, "cpu.rt_runtime_us", FMT(buf, "%" PRId64, c->realtime_runtime), err) < 0)
      return -1;
    if (c->has_idle && hull_cg_set(j, d, "cpu.idle", FMT(buf, "%" PRId64, c->idle), err) < 0) return -1;
  }
  const char *cs = need(cg, "cpuset", c->cpus || c->mems);
  if (cs && c->cpus && hull_cg_set(j, cs, "cpuset.cpus", c->cpus, err) < 0) return -1;
  if (cs && c->mems && hull_cg_set(j, cs, "cpuset.mems", c->mems, err) < 0) return -1;
  return 0;
}

static int v1_pids(struct hull_cgroup *cg, struct hull_cg_journal *j, const struct hull_resources *r,
                   struct hull_err **err) {
  const char *d = need(cg, "pids", r->pids.has_limit);
  if (d == NULL || !r->pids.has_limit) return 0;
  char buf[32];
  hull_cg_fmt_limit(r->pids.limit > 0 ? r->pids.limit : -1, buf, sizeof(buf));
  return hull_cg_set(j, d, "pids.max", buf, err);
}

static void dev_str(char *buf, size_t size, int64_t major, int64_t minor) {
  char ma[24] = "*", mi[24] = "*";
  if (major >= 0) snprintf(ma, sizeof(ma), "%" PRId64, major);
  if (minor >= 0) snprintf(mi, sizeof(mi), "%" PRId64, minor);
  snprintf(buf, size, "%s:%s", ma, mi);
}

/* Default deny, then the rules in order (later rules win). No rules (an
 * update that does not touch devices): left as it is. */
static int v1_devices(struct hull_cgroup *cg, struct hull_cg_journal *j, const struct hull_resources *r,
                      struct hull_err **err) {
  if (r->n_devices == 0) return 0;
  const char *d = need(cg, "devices", false); /* defaults are always there */
  if (d == NULL) return 0;
  /* The effective rules start with a deny-all already. */
  bool starts_denied = !r->devices[0].allow && r->devices[0].type == 'a';
  _cleanup_close_ int allow_fd = -1, deny_fd = -1;
  if (!starts_denied && hull_cg_set_fd(j, d, "devices.deny", &deny_fd, "a", err) < 0) return -1;
  for (size_t i = 0; i < r->n_devices; i++) {
    const struct hull_device_rule *rule = &r->devices[i];
    char dev[64], line[96];
    if (rule->type == 'a') {
      snprintf(line, sizeof(line), "a");
    } else {
      dev_str(dev, sizeof(dev), rule->major, rule->minor);
      snprintf(line, sizeof(line), "%c %s %s", rule->type, dev, rule->access[0] ? rule->access : "rwm");
    }
    if (hull_cg_set_fd(j, d, rule->allow ? "devices.allow" : "devices.deny",
                       rule->allow ? &allow_fd : &deny_fd, line, err) < 0)
      return hull_err_prefix(err, "linux.resources.devices[%zu]", i);
  }
  return 0;
}

static int v1_blkio(struct hull_cgroup *cg, struct hull_cg_journal *j, const struct hull_resources *r,
                    struct hull_err **err) {
  const typeof(r->block_io) *b = &r->block_io;
  bool asked = b->has_weight || b->has_leaf_weight || b->n_weight_devices;
  for (int t = 0; t < 4; t++) asked |= b->n_throttle[t] > 0;
  const char *d = need(cg, "blkio", asked);
  if (d == NULL || !asked) return 0;
  /* CFQ files when present, else BFQ's (newer kernels). */
  bool cfq = hull_cg_exists(d, "blkio.weight");
  const char *wf = cfq ? "blkio.weight" : "blkio.bfq.weight";
  const char *wdf = cfq ? "blkio.weight_device" : "blkio.bfq.weight_device";
  char buf[96], dev[64];
  if (b->has_weight && b->weight && hull_cg_set(j, d, wf, FMT(buf, "%u", b->weight), err) < 0) return -1;
  if (b->has_leaf_weight && b->leaf_weight &&
      hull_cg_set(j, d, "blkio.leaf_weight", FMT(buf, "%u", b->leaf_weight), err) < 0)
    return -1;
  for (size_t i = 0; i < b->n_weight_devices; i++) {
    const struct hull_weight_device *w = &b->weight_devices[i];
    dev_str(dev, sizeof(dev), w->major, w->minor);
    if (w->has_weight && hull_cg_set(j, d, wdf, FMT(buf, "%s %u", dev, w->weight), err) < 0) return -1;
    if (w->has_leaf_weight &&
        hull_cg_set(j, d, "blkio.leaf_weight_device", FMT(buf, "%s %u", dev, w->leaf_weight), err) < 0)
      return -1;
  }
  static const char *tf[4] = {"blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
                              "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device"};
  for (int t = 0; t < 4; t++)
    for (size_t i = 0; i < b->n_throttle[t]; i++) {
      const struct hull_throttle_device *td = &b->throttle[t][i];
      dev_str(dev, sizeof(dev), td->major, td->minor);
      if (hull_cg_set(j, d, tf[t], FMT(buf, "%s %" PRIu64, dev, td->rate), err) < 0) return -1;
    }
  return 0;
}

static int v1_misc(struct hull_cgroup *cg, struct hull_cg_journal *j, const struct hull_resources *r,
                   struct hull_err **err) {
  char name[96], buf[160];
  const char *h = need(cg, "hugetlb", r->n_hugepage_limits > 0);
  for (size_t i = 0; h && i < r->n_hugepage_limits; i++) {
    const struct hull_hugepage_limit *l = &r->hugepage_limits[i];
    if (!hull_cg_valid_pagesize(l->page_size))
      return hull_err_set(err, EINVAL, "linux.resources.hugepageLimits[%zu].pageSize: invalid \"%s\"", i, l->page_size);
    if (hull_cg_set(j, h, FMT(name, "hugetlb.%s.limit_in_bytes", l->page_size), FMT(buf, "%" PRIu64, l->limit), err) < 0)
      return -1;
  }
  const char *nc = need(cg, "net_cls", r->network.has_class_id);
  if (nc && r->network.has_class_id &&
      hull_cg_set(j, nc, "net_cls.classid", FMT(buf, "%u", r->network.class_id), err) < 0)
    return -1;
  const char *np = need(cg, "net_prio", r->network.n_priorities > 0);
  for (size_t i = 0; np && i < r->network.n_priorities; i++) {
    const struct hull_net_priority *p = &r->network.priorities[i];
    if (hull_cg_set(j, np, "net_prio.ifpriomap", FMT(buf, "%s %u", p->name, p->priority), err) < 0) return -1;
  }
  const char *rd = need(cg, "rdma", r->n_rdma > 0);
  for (size_t i = 0; rd && i < r->n_rdma; i++) {
    const struct hull_rdma_limit *l = &r->rdma[i];
    char hh[32] = "max", ho[32] = "max";
    if (l->has_hca_handles) snprintf(hh, sizeof(hh), "%u", l->hca_handles);
    if (l->has_hca_objects) snprintf(ho, sizeof(ho), "%u", l->hca_objects);
    if (hull_cg_set(j, rd, "rdma.max", FMT(buf, "%s hca_handle=%s hca_object=%s", l->device, hh, ho), err) < 0)
      return -1;
  }
  return 0;
}

int hull_cg_v1_apply(struct hull_cgroup *cg, const struct hull_resources *r, bool update,
                     struct hull_err **err) {
  if (r->n_unified)
    return hull_err_set(err, ENOTSUP, "linux.resources.unified: only supported on cgroup v2 (this host runs v1)");
  struct hull_cg_journal j = {.active = update};
  int rc = 0;
  if (v1_memory(cg, &j, r, err) < 0 || v1_cpu(cg, &j, r, err) < 0 || v1_pids(cg, &j, r, err) < 0 ||
      v1_devices(cg, &j, r, err) < 0 || v1_blkio(cg, &j, r, err) < 0 || v1_misc(cg, &j, r, err) < 0) {
    rc = -1;
    if (update) hull_cg_journal_rollback(&j);
  }
  hull_cg_journal_free(&j);
  return rc;
}
