/* Stats for `events --stats`, in runc's JSON shape (the "data" object of
 * runc's stats event): cpu, memory, pids, blkio, hugetlb, PSI. Values the
 * kernel does not expose are left out, never invented. */
#include "cgroup/internal.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

static void key(yajl_gen g, const char *k) { yajl_gen_string(g, (const unsigned char *)k, strlen(k)); }

static void kv_u64(yajl_gen g, const char *k, uint64_t v) {
  char b[24];
  int n = snprintf(b, sizeof(b), "%llu", (unsigned long long)v);
  key(g, k);
  yajl_gen_number(g, b, (size_t)n);
}

/* k: the number in dir/file times mul, when the file is there. */
static void kv_file(yajl_gen g, const char *k, const char *dir, const char *file, uint64_t mul) {
  uint64_t v;
  if (dir && hull_cg_read_u64(dir, file, &v, NULL) == 0) kv_u64(g, k, v == UINT64_MAX ? v : v * mul);
}

static void kv_keyed(yajl_gen g, const char *k, const char *dir, const char *file, const char *fk, uint64_t mul) {
  uint64_t v;
  if (dir && hull_cg_keyed_u64(dir, file, fk, &v) == 0) kv_u64(g, k, v * mul);
}

/* A flat-keyed file ("name value" lines) as a JSON object. */
static void raw_map(yajl_gen g, const char *k, const char *dir, const char *file) {
  _cleanup_free_ char *s = dir ? hull_cg_read(dir, file, NULL) : NULL;
  if (s == NULL) return;
  key(g, k);
  yajl_gen_map_open(g);
  char *save = NULL;
  for (char *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
    char *sp = strchr(l, ' ');
    uint64_t v;
    if (sp == NULL) continue;
    *sp = '\0';
    if (hull_parse_uint64(sp + 1, &v) == 0) kv_u64(g, l, v);
  }
  yajl_gen_map_close(g);
}

/* PSI: "some avg10=0.00 avg60=0.00 avg300=0.00 total=0" (+ "full ..."). */
static void psi(yajl_gen g, const char *dir, const char *file) {
  _cleanup_free_ char *s = dir ? hull_cg_read(dir, file, NULL) : NULL;
  if (s == NULL) return;
  key(g, "psi");
  yajl_gen_map_open(g);
  char *save = NULL;
  for (char *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
    char *save2 = NULL, *kind = strtok_r(l, " ", &save2);
    if (kind == NULL) continue;
    key(g, kind);
    yajl_gen_map_open(g);
    for (char *t = strtok_r(NULL, " ", &save2); t; t = strtok_r(NULL, " ", &save2)) {
      char *eq = strchr(t, '=');
      if (eq == NULL) continue;
      *eq = '\0';
      key(g, t);
      yajl_gen_number(g, eq + 1, strlen(eq + 1));
    }
    yajl_gen_map_close(g);
  }
  yajl_gen_map_close(g);
}

static void mem_entry(yajl_gen g, const char *k, const char *dir, const char *usage, const char *max,
                      const char *limit, const char *failcnt) {
  if (dir == NULL || !hull_cg_exists(dir, usage)) return;
  key(g, k);
  yajl_gen_map_open(g);
  kv_file(g, "usage", dir, usage, 1);
  if (max) kv_file(g, "max", dir, max, 1);
  if (limit) kv_file(g, "limit", dir, limit, 1);
  if (failcnt) kv_file(g, "failcnt", dir, failcnt, 1);
  yajl_gen_map_close(g);
}

static void pids(yajl_gen g, const char *dir) {
  if (dir == NULL) return;
  key(g, "pids");
  yajl_gen_map_open(g);
  kv_file(g, "current", dir, "pids.current", 1);
  uint64_t lim;
  if (hull_cg_read_u64(dir, "pids.max", &lim, NULL) == 0) kv_u64(g, "limit", lim == UINT64_MAX ? 0 : lim);
  yajl_gen_map_close(g);
}

/* hugetlb.<size>.<suffix> for every page size the kernel lists. */
static void hugetlb(yajl_gen g, const char *dir, bool v2) {
  DIR *d = dir ? opendir(dir) : NULL;
  if (d == NULL) return;
  key(g, "hugetlb");
  yajl_gen_map_open(g);
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    const char *suffix = v2 ? ".current" : ".usage_in_bytes";
    size_t n = strlen(e->d_name), sl = strlen(suffix);
    if (!hull_str_has_prefix(e->d_name, "hugetlb.") || n <= 8 + sl || strcmp(e->d_name + n - sl, suffix) != 0) continue;
    _cleanup_free_ char *size = hull_xstrndup(e->d_name + 8, n - 8 - sl);
    if (strchr(size, '.')) continue; /* rsvd files */
    _cleanup_free_ char *f1 = hull_xasprintf("hugetlb.%s%s", size, suffix);
    _cleanup_free_ char *f2 = hull_xasprintf("hugetlb.%s.%s", size, v2 ? "max" : "max_usage_in_bytes");
    _cleanup_free_ char *f3 = hull_xasprintf("hugetlb.%s.%s", size, v2 ? "events" : "failcnt");
    key(g, size);
    yajl_gen_map_open(g);
    kv_file(g, "usage", dir, f1, 1);
    kv_file(g, "max", dir, f2, 1);
    if (v2) kv_keyed(g, "failcnt", dir, f3, "max", 1);
    else kv_file(g, "failcnt", dir, f3, 1);
    yajl_gen_map_close(g);
  }
  closedir(d);
  yajl_gen_map_close(g);
}

static void blkio_entry(yajl_gen g, unsigned long ma, unsigned long mi, const char *op, const char *val) {
  yajl_gen_map_open(g);
  kv_u64(g, "major", ma);
  kv_u64(g, "minor", mi);
  key(g, "op");
  yajl_gen_string(g, (const unsigned char *)op, strlen(op));
  key(g, "value");
  yajl_gen_number(g, val, strlen(val));
  yajl_gen_map_close(g);
}

/* v1: "8:0 Read 4096" lines (the "Total" lines kept, as runc does). */
static void blkio_v1_list(yajl_gen g, const char *k, const char *dir, const char *file) {
  _cleanup_free_ char *s = hull_cg_read(dir, file, NULL);
  if (s == NULL) return;
  key(g, k);
  yajl_gen_array_open(g);
  char *save = NULL;
  for (char *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
    unsigned long ma, mi;
    char op[16], val[24];
    if (sscanf(l, "%lu:%lu %15s %23s", &ma, &mi, op, val) == 4) blkio_entry(g, ma, mi, op, val);
  }
  yajl_gen_array_close(g);
}

/* v2 io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0". */
static void blkio_v2_list(yajl_gen g, const char *k, const char *dir, const char *rkey, const char *wkey) {
  _cleanup_free_ char *s = hull_cg_read(dir, "io.stat", NULL);
  if (s == NULL) return;
  key(g, k);
  yajl_gen_array_open(g);
  char *save = NULL;
  for (char *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
    unsigned long ma, mi;
    if (sscanf(l, "%lu:%lu", &ma, &mi) != 2) continue;
    char *save2 = NULL;
    strtok_r(l, " ", &save2);
    for (char *t = strtok_r(NULL, " ", &save2); t; t = strtok_r(NULL, " ", &save2)) {
      char *eq = strchr(t, '=');
      if (eq == NULL) continue;
      *eq = '\0';
      if (!strcmp(t, rkey)) blkio_entry(g, ma, mi, "Read", eq + 1);
      if (!strcmp(t, wkey)) blkio_entry(g, ma, mi, "Write", eq + 1);
    }
  }
  yajl_gen_array_close(g);
}

/* cpuacct.usage_percpu*: space-separated numbers (ns). Absent files (an
 * older kernel has no _sys/_user split) leave the key out, as runc does. */
static void percpu(yajl_gen g, const char *dir, const char *name, const char *file) {
  _cleanup_free_ char *s = hull_cg_read(dir, file, NULL);
  if (s == NULL) return;
  key(g, name);
  yajl_gen_array_open(g);
  char *save = NULL;
  for (char *t = strtok_r(s, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
    yajl_gen_number(g, t, strlen(t));
  yajl_gen_array_close(g);
}

static void v1_cpu(yajl_gen g, const char *acct, const char *cpu) {
  key(g, "cpu");
  yajl_gen_map_open(g);
  if (acct) {
    /* cpuacct.stat counts USER_HZ ticks; runc reports nanoseconds. */
    uint64_t tick_ns = 1000000000ULL / (uint64_t)sysconf(_SC_CLK_TCK);
    key(g, "usage");
    yajl_gen_map_open(g);
    kv_file(g, "total", acct, "cpuacct.usage", 1);
    percpu(g, acct, "percpu", "cpuacct.usage_percpu");
    percpu(g, acct, "percpu_kernel", "cpuacct.usage_percpu_sys");
    percpu(g, acct, "percpu_user", "cpuacct.usage_percpu_user");
    kv_keyed(g, "kernel", acct, "cpuacct.stat", "system", tick_ns);
    kv_keyed(g, "user", acct, "cpuacct.stat", "user", tick_ns);
    yajl_gen_map_close(g);
  }
  if (cpu) {
    key(g, "throttling");
    yajl_gen_map_open(g);
    kv_keyed(g, "periods", cpu, "cpu.stat", "nr_periods", 1);
    kv_keyed(g, "throttledPeriods", cpu, "cpu.stat", "nr_throttled", 1);
    kv_keyed(g, "throttledTime", cpu, "cpu.stat", "throttled_time", 1);
    yajl_gen_map_close(g);
  }
  yajl_gen_map_close(g);
}

int hull_cg_v1_stats(struct hull_cgroup *cg, yajl_gen g, struct hull_err **err) {
  (void)err;
  const char *mem = hull_cg_v1_dir(cg, "memory"), *blk = hull_cg_v1_dir(cg, "blkio");
  yajl_gen_map_open(g);
  v1_cpu(g, hull_cg_v1_dir(cg, "cpuacct"), hull_cg_v1_dir(cg, "cpu"));
  if (mem) {
    key(g, "memory");
    yajl_gen_map_open(g);
    kv_keyed(g, "cache", mem, "memory.stat", "cache", 1);
    mem_entry(g, "usage", mem, "memory.usage_in_bytes", "memory.max_usage_in_bytes", "memory.limit_in_bytes", "memory.failcnt");
    mem_entry(g, "swap", mem, "memory.memsw.usage_in_bytes", "memory.memsw.max_usage_in_bytes",
              "memory.memsw.limit_in_bytes", "memory.memsw.failcnt");
    mem_entry(g, "kernel", mem, "memory.kmem.usage_in_bytes", "memory.kmem.max_usage_in_bytes",
              "memory.kmem.limit_in_bytes", "memory.kmem.failcnt");
    mem_entry(g, "kernelTCP", mem, "memory.kmem.tcp.usage_in_bytes", "memory.kmem.tcp.max_usage_in_bytes",
              "memory.kmem.tcp.limit_in_bytes", "memory.kmem.tcp.failcnt");
    raw_map(g, "raw", mem, "memory.stat");
    yajl_gen_map_close(g);
  }
  pids(g, hull_cg_v1_dir(cg, "pids"));
  if (blk) {
    bool thr = !hull_cg_exists(blk, "blkio.io_service_bytes_recursive");
    key(g, "blkio");
    yajl_gen_map_open(g);
    blkio_v1_list(g, "ioServiceBytesRecursive", blk,
                  thr ? "blkio.throttle.io_service_bytes_recursive" : "blkio.io_service_bytes_recursive");
    blkio_v1_list(g, "ioServicedRecursive", blk,
                  thr ? "blkio.throttle.io_serviced_recursive" : "blkio.io_serviced_recursive");
    yajl_gen_map_close(g);
  }
  hugetlb(g, hull_cg_v1_dir(cg, "hugetlb"), false);
  yajl_gen_map_close(g);
  return 0;
}

static void v2_cpu(yajl_gen g, const char *d) {
  key(g, "cpu");
  yajl_gen_map_open(g);
  key(g, "usage");
  yajl_gen_map_open(g);
  kv_keyed(g, "total", d, "cpu.stat", "usage_usec", 1000);
  kv_keyed(g, "kernel", d, "cpu.stat", "system_usec", 1000);
  kv_keyed(g, "user", d, "cpu.stat", "user_usec", 1000);
  yajl_gen_map_close(g);
  key(g, "throttling");
  yajl_gen_map_open(g);
  kv_keyed(g, "periods", d, "cpu.stat", "nr_periods", 1);
  kv_keyed(g, "throttledPeriods", d, "cpu.stat", "nr_throttled", 1);
  kv_keyed(g, "throttledTime", d, "cpu.stat", "throttled_usec", 1000);
  yajl_gen_map_close(g);
  psi(g, d, "cpu.pressure");
  yajl_gen_map_close(g);
}

/* runc's v2 "swap" entry keeps v1's memsw meaning: memory + swap. */
static void v2_swap(yajl_gen g, const char *d) {
  uint64_t mc, sc, mm, sm;
  if (hull_cg_read_u64(d, "memory.swap.current", &sc, NULL) < 0 ||
      hull_cg_read_u64(d, "memory.current", &mc, NULL) < 0)
    return;
  key(g, "swap");
  yajl_gen_map_open(g);
  kv_u64(g, "usage", mc + sc);
  if (hull_cg_read_u64(d, "memory.swap.max", &sm, NULL) == 0 && hull_cg_read_u64(d, "memory.max", &mm, NULL) == 0)
    kv_u64(g, "limit", sm == UINT64_MAX || mm == UINT64_MAX ? UINT64_MAX : sm + mm);
  yajl_gen_map_close(g);
}

int hull_cg_v2_stats(struct hull_cgroup *cg, yajl_gen g, struct hull_err **err) {
  (void)err;
  const char *d = cg->v2_path;
  yajl_gen_map_open(g);
  v2_cpu(g, d);
  if (hull_cg_exists(d, "memory.current")) {
    key(g, "memory");
    yajl_gen_map_open(g);
    kv_keyed(g, "cache", d, "memory.stat", "file", 1);
    key(g, "usage");
    yajl_gen_map_open(g);
    kv_file(g, "usage", d, "memory.current", 1);
    kv_file(g, "max", d, "memory.peak", 1);
    kv_file(g, "limit", d, "memory.max", 1);
    kv_keyed(g, "failcnt", d, "memory.events", "max", 1);
    yajl_gen_map_close(g);
    v2_swap(g, d);
    raw_map(g, "raw", d, "memory.stat");
    psi(g, d, "memory.pressure");
    yajl_gen_map_close(g);
  }
  if (hull_cg_exists(d, "pids.current")) pids(g, d);
  if (hull_cg_exists(d, "io.stat")) {
    key(g, "blkio");
    yajl_gen_map_open(g);
    blkio_v2_list(g, "ioServiceBytesRecursive", d, "rbytes", "wbytes");
    blkio_v2_list(g, "ioServicedRecursive", d, "rios", "wios");
    psi(g, d, "io.pressure");
    yajl_gen_map_close(g);
  }
  hugetlb(g, d, true);
  yajl_gen_map_close(g);
  return 0;
}
