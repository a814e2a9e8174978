/* cgroup v2 resources: every linux.resources field onto the unified
 * hierarchy with runc's conversions; device rules as a BPF program. */
#include "cgroup/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>

#define FMT(buf, ...) (snprintf(buf, sizeof(buf), __VA_ARGS__), buf)

/* runc's numToStr: 0 = unset (""), -1 = "max". */
static const char *num(int64_t v, char *buf, size_t size) {
  if (v == 0) return NULL;
  hull_cg_fmt_limit(v, buf, size);
  return buf;
}

static int v2_memory(const char *d, struct hull_cg_journal *j, const struct hull_resources *r, bool update,
                     struct hull_err **err) {
  const typeof(r->memory) *m = &r->memory;
  if (m->has_kernel) hull_warn("linux.resources.memory.kernel is deprecated and ignored");
  if (m->has_kernel_tcp) hull_warn("linux.resources.memory.kernelTCP is deprecated and ignored");
  if (m->has_swappiness) hull_warn("linux.resources.memory.swappiness has no cgroup v2 equivalent: ignored");
  if (m->has_disable_oom_killer && m->disable_oom_killer)
    hull_warn("linux.resources.memory.disableOOMKiller has no cgroup v2 equivalent: ignored");
  int64_t limit = m->has_limit ? m->limit : 0, swap_in = m->has_swap ? m->swap : 0, swap;
  if (hull_cg_swap_v2(swap_in, limit, &swap, err) < 0) return -1;
  char b[32];
  const char *sv = num(swap, b, sizeof(b));
  if (sv == NULL && swap == 0 && swap_in > 0) sv = "0"; /* swap == limit: no swap at all */
  if (sv) {
    struct hull_err *e = NULL;
    if (hull_cg_set(j, d, "memory.swap.max", sv, &e) < 0) {
      /* Without swap accounting, "max" and "0" are what we have anyway. */
      bool ok = e->errnum == ENOENT && (!strcmp(sv, "max") || !strcmp(sv, "0"));
      if (!ok && err && !*err) *err = hull_steal_ptr(&e);
      hull_err_free(&e);
      if (!ok) return -1;
    }
  }
  const char *lv = num(limit, b, sizeof(b));
  if (lv && update && m->has_check_before_update && m->check_before_update && limit > 0) {
    uint64_t cur = 0;
    if (hull_cg_read_u64(d, "memory.current", &cur, err) < 0) return -1;
    if (cur > (uint64_t)limit)
      return hull_err_set(err, EBUSY, "linux.resources.memory.limit: %" PRId64 " is below the current usage %" PRIu64,
                          limit, cur);
  }
  if (lv && hull_cg_set(j, d, "memory.max", lv, err) < 0) return -1;
  const char *rv = num(m->has_reservation ? m->reservation : 0, b, sizeof(b));
  if (rv && hull_cg_set(j, d, "memory.low", rv, err) < 0) return -1;
  return 0;
}

static int v2_cpu(const char *d, struct hull_cg_journal *j, const struct hull_resources *r, struct hull_err **err) {
  const typeof(r->cpu) *c = &r->cpu;
  if ((c->has_realtime_period && c->realtime_period) || (c->has_realtime_runtime && c->realtime_runtime))
    return hull_err_set(err, ENOTSUP, "linux.resources.cpu.realtimeRuntime/realtimePeriod: not supported on cgroup v2");
  char b[64];
  if (c->has_shares && c->shares &&
      hull_cg_set(j, d, "cpu.weight", FMT(b, "%" PRIu64, hull_cg_shares_to_weight(c->shares)), err) < 0)
    return -1;
  if (c->has_idle && hull_cg_set(j, d, "cpu.idle", FMT(b, "%" PRId64, c->idle), err) < 0) return -1;
  /* burst must fit the quota: a new smaller quota first, then burst. */
  if (hull_cg_cpu_max(c->has_quota, c->quota, c->has_period, c->period, b, sizeof(b)) &&
      hull_cg_set(j, d, "cpu.max", b, err) < 0)
    return -1;
  if (c->has_burst && hull_cg_set(j, d, "cpu.max.burst", FMT(b, "%" PRIu64, c->burst), err) < 0) return -1;
  if (c->cpus && hull_cg_set(j, d, "cpuset.cpus", c->cpus, err) < 0) return -1;
  if (c->mems && hull_cg_set(j, d, "cpuset.mems", c->mems, err) < 0) return -1;
  return 0;
}

static int v2_io(const char *d, struct hull_cg_journal *j, const struct hull_resources *r, struct hull_err **err) {
  const typeof(r->block_io) *b = &r->block_io;
  bool bfq = hull_cg_exists(d, "io.bfq.weight");
  char buf[96];
  if (b->has_leaf_weight) hull_warn("linux.resources.blockIO.leafWeight has no cgroup v2 equivalent: ignored");
  /* BFQ takes the blkio range as is; io.weight gets it converted. */
  if (b->has_weight && b->weight) {
    if (bfq ? hull_cg_set(j, d, "io.bfq.weight", FMT(buf, "%u", b->weight), err)
            : hull_cg_set(j, d, "io.weight", FMT(buf, "%" PRIu64, hull_cg_blkio_to_io_weight(b->weight)), err))
      return -1;
  }
  for (size_t i = 0; i < b->n_weight_devices; i++) {
    const struct hull_weight_device *w = &b->weight_devices[i];
    if (!w->has_weight) continue;
    uint64_t v = bfq ? w->weight : hull_cg_blkio_to_io_weight(w->weight);
    FMT(buf, "%" PRId64 ":%" PRId64 " %" PRIu64, w->major, w->minor, v);
    if (hull_cg_set(j, d, bfq ? "io.bfq.weight" : "io.weight", buf, err) < 0)
      return hull_err_prefix(err, "linux.resources.blockIO.weightDevice[%zu]", i);
  }
  static const char *keys[4] = {"rbps", "wbps", "riops", "wiops"};
  for (int t = 0; t < 4; t++)
    for (size_t i = 0; i < b->n_throttle[t]; i++) {
      const struct hull_throttle_device *td = &b->throttle[t][i];
      char v[24] = "max";
      if (td->rate) snprintf(v, sizeof(v), "%" PRIu64, td->rate);
      FMT(buf, "%" PRId64 ":%" PRId64 " %s=%s", td->major, td->minor, keys[t], v);
      if (hull_cg_set(j, d, "io.max", buf, err) < 0) return -1;
    }
  return 0;
}

static int v2_misc(const char *d, struct hull_cg_journal *j, const struct hull_resources *r, struct hull_err **err) {
  char name[96], buf[160];
  if (r->pids.has_limit) {
    hull_cg_fmt_limit(r->pids.limit > 0 ? r->pids.limit : -1, buf, sizeof(buf));
    if (hull_cg_set(j, d, "pids.max", buf, err) < 0) return -1;
  }
  for (size_t i = 0; i < r->n_hugepage_limits; i++) {
    const struct hull_hugepage_limit *l = &r->hugepage_limits[i];
    if (!hull_cg_valid_pagesize(l->page_size))
      return hull_err_set(err, EINVAL, "linux.resources.hugepageLimits[%zu].pageSize: invalid \"%s\"", i, l->page_size);
    FMT(buf, "%" PRIu64, l->limit);
    if (hull_cg_set(j, d, FMT(name, "hugetlb.%s.max", l->page_size), buf, err) < 0) return -1;
    /* Reservations follow the limit when the kernel accounts them. */
    if (hull_cg_exists(d, FMT(name, "hugetlb.%s.rsvd.max", l->page_size)) && hull_cg_set(j, d, name, buf, err) < 0)
      return -1;
  }
  for (size_t i = 0; i < r->n_rdma; i++) {
    const struct hull_rdma_limit *l = &r->rdma[i];
    char hh[32] = "max", ho[32] = "max";
    if (l->has_hca_handles) snprintf(hh, sizeof(hh), "%u", l->hca_handles);
    if (l->has_hca_objects) snprintf(ho, sizeof(ho), "%u", l->hca_objects);
    if (hull_cg_set(j, d, "rdma.max", FMT(buf, "%s hca_handle=%s hca_object=%s", l->device, hh, ho), err) < 0)
      return -1;
  }
  if (r->network.has_class_id || r->network.n_priorities)
    hull_warn("linux.resources.network: net_cls/net_prio do not exist on cgroup v2: ignored");
  return 0;
}

/* unified keys are file names inside the cgroup: no path tricks, and not
 * the files that move processes or reshape the tree. */
static bool unified_key_ok(const char *k) {
  static const char *refused[] = {"cgroup.procs", "cgroup.threads", "cgroup.subtree_control",
                                  "cgroup.type", "cgroup.kill", "cgroup.freeze"};
  if (*k == '\0' || strchr(k, '/') || !strcmp(k, ".") || !strcmp(k, "..")) return false;
  for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
    if (!strcmp(k, refused[i])) return false;
  return true;
}

static int v2_unified(const char *d, struct hull_cg_journal *j, const struct hull_resources *r,
                      struct hull_err **err) {
  for (size_t i = 0; i < r->n_unified; i++) {
    const struct hull_kv *kv = &r->unified[i];
    if (!unified_key_ok(kv->key))
      return hull_err_set(err, EINVAL, "linux.resources.unified: key \"%s\" is not allowed", kv->key);
    if (hull_cg_set(j, d, kv->key, kv->value, err) < 0)
      return hull_err_prefix(err, "linux.resources.unified[\"%s\"]", kv->key);
  }
  return 0;
}

/* No rules (an update that does not touch devices): left as it is. */
static int v2_devices(struct hull_cgroup *cg, const struct hull_resources *r, struct hull_err **err) {
  if (r->n_devices == 0) return 0;
  int fd = hull_cgroup_fd(cg);
  if (fd < 0) return hull_err_sys(err, "open %s", cg->v2_path);
  struct hull_cg_devprog p;
  hull_cg_devprog_build(&p, r->devices, r->n_devices);
  int rc = hull_cg_devprog_attach(fd, &p, err);
  hull_cg_devprog_free(&p);
  /* Rootless, device programs cannot be loaded (CAP_BPF/CAP_SYS_ADMIN of
   * the host), and need not be: in a user namespace no device node can be
   * made, and the host's bound nodes keep their own permissions. runc
   * skips them too. */
  if (rc < 0 && cg->rootless && err && *err && (*err)->errnum == EPERM) {
    hull_debug("rootless: device rules not applied: %s", (*err)->msg);
    hull_err_free(err);
    return 0;
  }
  return rc < 0 ? hull_err_prefix(err, "linux.resources.devices") : 0;
}

int hull_cg_v2_apply(struct hull_cgroup *cg, const struct hull_resources *r, bool update,
                     struct hull_err **err) {
  struct hull_cg_journal j = {.active = update};
  const char *d = cg->v2_path;
  int rc = 0;
  /* Devices last: once attached, the program is the one fallible step
   * that cannot be journaled, and it replaces the old one atomically. */
  if (v2_memory(d, &j, r, update, err) < 0 || v2_cpu(d, &j, r, err) < 0 || v2_io(d, &j, r, err) < 0 ||
      v2_misc(d, &j, r, err) < 0 || v2_unified(d, &j, r, err) < 0 || v2_devices(cg, r, err) < 0) {
    rc = -1;
    if (update) hull_cg_journal_rollback(&j);
  }
  hull_cg_journal_free(&j);
  return rc;
}
