/* update: new resource limits for a running container, from a
 * LinuxResources JSON (--resources FILE|-) or runc's individual flags. */
#include "cli/ctx.h"

#include <errno.h>

static const char *resources, *memory, *memory_reservation, *memory_swap, *kernel_memory,
    *cpu_shares, *cpu_quota, *cpu_period, *cpu_rt_runtime, *cpu_rt_period, *cpuset_cpus,
    *cpuset_mems, *pids_limit, *blkio_weight, *l3_cache_schema, *mem_bw_schema;

static const struct hull_opt *options(void) {
  static const struct hull_opt table[] = {
      {"resources", 'r', HULL_OPT_STRING, &resources, "FILE|-", "LinuxResources JSON"},
      {"memory", 0, HULL_OPT_STRING, &memory, "BYTES", "memory limit (k, m, g, t, p units; 1.5g)"},
      {"memory-reservation", 0, HULL_OPT_STRING, &memory_reservation, "BYTES", "memory soft limit"},
      {"memory-swap", 0, HULL_OPT_STRING, &memory_swap, "BYTES", "memory + swap limit"},
      {"kernel-memory", 0, HULL_OPT_STRING, &kernel_memory, "BYTES", "kernel memory limit"},
      {"cpu-share", 0, HULL_OPT_STRING, &cpu_shares, "N", "CPU shares (runc's name)"},
      {"cpu-shares", 0, HULL_OPT_STRING, &cpu_shares, "N", "CPU shares"},
      {"cpu-quota", 0, HULL_OPT_STRING, &cpu_quota, "US", "CFS quota"},
      {"cpu-period", 0, HULL_OPT_STRING, &cpu_period, "US", "CFS period"},
      {"cpu-rt-runtime", 0, HULL_OPT_STRING, &cpu_rt_runtime, "US", "realtime runtime"},
      {"cpu-rt-period", 0, HULL_OPT_STRING, &cpu_rt_period, "US", "realtime period"},
      {"cpuset-cpus", 0, HULL_OPT_STRING, &cpuset_cpus, "LIST", "CPUs allowed"},
      {"cpuset-mems", 0, HULL_OPT_STRING, &cpuset_mems, "LIST", "memory nodes allowed"},
      {"pids-limit", 0, HULL_OPT_STRING, &pids_limit, "N", "maximum number of pids"},
      {"blkio-weight", 0, HULL_OPT_STRING, &blkio_weight, "N", "block IO weight (10-1000)"},
      {"l3-cache-schema", 0, HULL_OPT_STRING, &l3_cache_schema, "SCHEMA",
       "Intel RDT L3 schema (not supported: refused)"},
      {"mem-bw-schema", 0, HULL_OPT_STRING, &mem_bw_schema, "SCHEMA",
       "Intel RDT memory bandwidth schema (not supported: refused)"},
      {NULL, 0, 0, NULL, NULL, NULL}};
  return table;
}

static int parse_bytes(const char *flag, const char *s, int64_t *out, struct hull_err **err) {
  if (hull_bytes_parse(s, out) < 0)
    return hull_err_set(err, 0, "--%s: invalid size \"%s\" (bytes, or with a unit: 512m, 1.5g, 64MiB)",
                        flag, s);
  return 0;
}

static int parse_i64(const char *flag, const char *s, int64_t *out, struct hull_err **err) {
  if (hull_parse_int64(s, out) < 0)
    return hull_err_set(err, 0, "--%s: invalid value \"%s\"", flag, s);
  return 0;
}

static int from_flags(struct hull_resources *r, struct hull_err **err) {
  int64_t v;
#define BYTES(var, field)                                                     \
  if (var) {                                                                  \
    if (parse_bytes(#var, var, &v, err) < 0) return -1;                       \
    r->memory.field = v;                                                      \
    r->memory.has_##field = true;                                             \
  }
  BYTES(memory, limit)
  BYTES(memory_reservation, reservation)
  BYTES(memory_swap, swap)
  BYTES(kernel_memory, kernel)
#undef BYTES
#define NUM(var, dst, has, type)                                              \
  if (var) {                                                                  \
    if (parse_i64(#var, var, &v, err) < 0) return -1;                         \
    (dst) = (type)v;                                                          \
    (has) = true;                                                             \
  }
  NUM(cpu_shares, r->cpu.shares, r->cpu.has_shares, uint64_t)
  NUM(cpu_quota, r->cpu.quota, r->cpu.has_quota, int64_t)
  NUM(cpu_period, r->cpu.period, r->cpu.has_period, uint64_t)
  NUM(cpu_rt_runtime, r->cpu.realtime_runtime, r->cpu.has_realtime_runtime, int64_t)
  NUM(cpu_rt_period, r->cpu.realtime_period, r->cpu.has_realtime_period, uint64_t)
  NUM(pids_limit, r->pids.limit, r->pids.has_limit, int64_t)
  NUM(blkio_weight, r->block_io.weight, r->block_io.has_weight, uint16_t)
#undef NUM
  /* runc takes these; hull has no Intel RDT: say so instead of "unknown flag". */
  if (l3_cache_schema || mem_bw_schema)
    return hull_err_set(err, 0, "--%s: Intel RDT is not supported by hull",
                        l3_cache_schema ? "l3-cache-schema" : "mem-bw-schema");
  if (cpuset_cpus) r->cpu.cpus = hull_xstrdup(cpuset_cpus);
  if (cpuset_mems) r->cpu.mems = hull_xstrdup(cpuset_mems);
  return 0;
}

static struct hull_resources *load(struct hull_err **err) {
  if (resources) {
    size_t len;
    _cleanup_free_ char *text = strcmp(resources, "-") == 0 ? hull_read_fd(0, &len, err)
                                                            : hull_read_file(resources, &len, err);
    if (text == NULL) return hull_err_prefix(err, "--resources"), NULL;
    struct hull_resources *r = hull_resources_parse(text, len, err);
    if (r == NULL) hull_err_prefix(err, "--resources %s", resources);
    return r;
  }
  struct hull_resources *r = hull_xcalloc(1, sizeof(*r));
  if (from_flags(r, err) < 0) {
    hull_resources_free(r);
    return NULL;
  }
  return r;
}

static int run(struct hull_global *g, int argc, char **argv) {
  int pos;
  int rc = hull_cmd_parse(&hull_cmd_update, options(), argc, argv, &pos);
  if (rc) return rc == 2 ? 0 : rc;
  if (hull_cli_nargs(&hull_cmd_update, argc, pos, 1)) return 1;
  _cleanup_err_ struct hull_err *err = NULL;
  struct hull_resources *r = load(&err);
  if (r == NULL) return hull_cmd_fail(err);
  struct hull_runtime_ctx ctx = hull_cli_ctx(g);
  int ret = hull_container_update(&ctx, argv[pos], r, &err);
  hull_resources_free(r);
  return ret < 0 ? hull_cmd_fail(err) : 0;
}

const struct hull_cmd hull_cmd_update = {"update", "update the resource limits of a container",
                                         "[command options] <container-id>",
                                         "--resources takes a LinuxResources JSON object (- for stdin).", options, run};
