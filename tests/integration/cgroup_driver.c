/* A test driver for the cgroup backend, used by tests/integration/
 * cgroup*.bats: every hull_cgroup_* entry point from the command line, the
 * handle kept as its serialized string in a state file.
 *
 *   cgroup_driver detect
 *   cgroup_driver create STATE CGROUPS_PATH [resource options]
 *   cgroup_driver apply STATE [--update] [resource options]
 *   cgroup_driver enter STATE PID [SUB]
 *   cgroup_driver freeze|thaw|frozen|pids|stats|oom|destroy STATE
 *   cgroup_driver kill STATE SIGNUM
 *   cgroup_driver devprog CGROUP2_DIR [--device RULE]...   (attach only)
 *
 * Resource options: --memory --swap --reservation --swappiness
 * --oom-kill-disable --kernel --shares --quota --period --rt-runtime
 * --rt-period --cpus --mems --pids --blkio-weight --device
 * allow|deny:TYPE:MAJOR:MINOR:ACCESS --unified KEY=VALUE
 * --throttle-read-bps MAJ:MIN:RATE --burst --idle --hugetlb SIZE:LIMIT. */
#include "cgroup/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>
#include <yajl/yajl_gen.h>

static int64_t num(const char *s) {
  int64_t v;
  if (hull_parse_int64(s, &v) < 0) {
    fprintf(stderr, "bad number %s\n", s);
    exit(2);
  }
  return v;
}

static void add_device(struct hull_resources *r, const char *spec) {
  char allow[8], acc[4] = "";
  char type;
  long long ma, mi;
  if (sscanf(spec, "%7[^:]:%c:%lld:%lld:%3s", allow, &type, &ma, &mi, acc) < 4) {
    fprintf(stderr, "bad device rule %s\n", spec);
    exit(2);
  }
  r->devices = realloc(r->devices, (r->n_devices + 1) * sizeof(*r->devices));
  struct hull_device_rule *d = &r->devices[r->n_devices++];
  memset(d, 0, sizeof(*d));
  d->allow = strcmp(allow, "allow") == 0;
  d->type = type;
  d->major = ma;
  d->minor = mi;
  snprintf(d->access, sizeof(d->access), "%s", acc);
}

static void add_unified(struct hull_resources *r, const char *kv) {
  const char *eq = strchr(kv, '=');
  if (eq == NULL) exit(2);
  r->unified = realloc(r->unified, (r->n_unified + 1) * sizeof(*r->unified));
  r->unified[r->n_unified++] = (struct hull_kv){strndup(kv, (size_t)(eq - kv)), strdup(eq + 1)};
}

static void add_throttle(struct hull_resources *r, const char *s) {
  long long ma, mi;
  unsigned long long rate;
  if (sscanf(s, "%lld:%lld:%llu", &ma, &mi, &rate) != 3) exit(2);
  size_t *n = &r->block_io.n_throttle[HULL_THROTTLE_READ_BPS];
  struct hull_throttle_device **t = &r->block_io.throttle[HULL_THROTTLE_READ_BPS];
  *t = realloc(*t, (*n + 1) * sizeof(**t));
  (*t)[(*n)++] = (struct hull_throttle_device){ma, mi, rate};
}

/* SIZE:LIMIT, e.g. 2MB:4194304 */
static void add_hugetlb(struct hull_resources *r, const char *s) {
  const char *c = strchr(s, ':');
  if (c == NULL) exit(2);
  r->hugepage_limits = realloc(r->hugepage_limits, (r->n_hugepage_limits + 1) * sizeof(*r->hugepage_limits));
  r->hugepage_limits[r->n_hugepage_limits++] = (struct hull_hugepage_limit){strndup(s, (size_t)(c - s)),
                                                                           (uint64_t)num(c + 1)};
}

/* Parses resource options from argv[optind...]; returns the update flag. */
static bool parse_res(int argc, char **argv, struct hull_resources *r) {
  static const struct option opts[] = {
      {"memory", 1, 0, 'M'}, {"swap", 1, 0, 'S'},  {"reservation", 1, 0, 'R'}, {"swappiness", 1, 0, 'W'},
      {"oom-kill-disable", 0, 0, 'O'}, {"kernel", 1, 0, 'K'}, {"shares", 1, 0, 's'}, {"quota", 1, 0, 'q'},
      {"period", 1, 0, 'p'}, {"rt-runtime", 1, 0, 'r'}, {"rt-period", 1, 0, 't'}, {"cpus", 1, 0, 'c'},
      {"mems", 1, 0, 'm'}, {"pids", 1, 0, 'P'}, {"blkio-weight", 1, 0, 'b'}, {"device", 1, 0, 'd'},
      {"unified", 1, 0, 'u'}, {"throttle-read-bps", 1, 0, 'T'}, {"update", 0, 0, 'U'},
      {"burst", 1, 0, 'B'}, {"idle", 1, 0, 'I'}, {"hugetlb", 1, 0, 'H'}, {0, 0, 0, 0}};
  bool update = false;
  int c;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case 'M': r->memory.has_limit = true, r->memory.limit = num(optarg); break;
    case 'S': r->memory.has_swap = true, r->memory.swap = num(optarg); break;
    case 'R': r->memory.has_reservation = true, r->memory.reservation = num(optarg); break;
    case 'W': r->memory.has_swappiness = true, r->memory.swappiness = (uint64_t)num(optarg); break;
    case 'O': r->memory.has_disable_oom_killer = r->memory.disable_oom_killer = true; break;
    case 'K': r->memory.has_kernel = true, r->memory.kernel = num(optarg); break;
    case 's': r->cpu.has_shares = true, r->cpu.shares = (uint64_t)num(optarg); break;
    case 'q': r->cpu.has_quota = true, r->cpu.quota = num(optarg); break;
    case 'p': r->cpu.has_period = true, r->cpu.period = (uint64_t)num(optarg); break;
    case 'r': r->cpu.has_realtime_runtime = true, r->cpu.realtime_runtime = num(optarg); break;
    case 't': r->cpu.has_realtime_period = true, r->cpu.realtime_period = (uint64_t)num(optarg); break;
    case 'c': r->cpu.cpus = strdup(optarg); break;
    case 'm': r->cpu.mems = strdup(optarg); break;
    case 'P': r->pids.has_limit = true, r->pids.limit = num(optarg); break;
    case 'b': r->block_io.has_weight = true, r->block_io.weight = (uint16_t)num(optarg); break;
    case 'd': add_device(r, optarg); break;
    case 'u': add_unified(r, optarg); break;
    case 'T': add_throttle(r, optarg); break;
    case 'U': update = true; break;
    case 'B': r->cpu.has_burst = true, r->cpu.burst = (uint64_t)num(optarg); break;
    case 'I': r->cpu.has_idle = true, r->cpu.idle = num(optarg); break;
    case 'H': add_hugetlb(r, optarg); break;
    default: exit(2);
    }
  }
  return update;
}

static int fail(struct hull_err *err) {
  fprintf(stderr, "error: %s\n", err ? err->msg : "(no message)");
  hull_err_free(&err);
  return 1;
}

static struct hull_cgroup *load(const char *state, struct hull_err **err) {
  _cleanup_free_ char *s = hull_read_file(state, NULL, err);
  return s ? hull_cgroup_load(s, err) : NULL;
}

static int cmd_stats(struct hull_cgroup *cg, struct hull_err **err) {
  yajl_gen g = yajl_gen_alloc(NULL);
  int r = hull_cgroup_stats(cg, g, err);
  const unsigned char *buf;
  size_t len;
  if (r == 0 && yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) printf("%.*s\n", (int)len, buf);
  yajl_gen_free(g);
  return r;
}

/* the driver frees what it parsed: the sanitizer run checks for leaks */
static void res_freep(struct hull_resources **r) { hull_resources_free(*r); }

static int cmd_devprog(int argc, char **argv, struct hull_err **err) {
  __attribute__((cleanup(res_freep))) struct hull_resources *r = hull_xcalloc(1, sizeof(*r));
  optind = 3;
  parse_res(argc, argv, r);
  _cleanup_close_ int fd = open(argv[2], O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (fd < 0) return hull_err_sys(err, "open %s", argv[2]);
  struct hull_cg_devprog p;
  hull_cg_devprog_build(&p, r->devices, r->n_devices);
  int rc = hull_cg_devprog_attach(fd, &p, err);
  hull_cg_devprog_free(&p);
  return rc;
}

static int cmd_state(const char *cmd, struct hull_cgroup *cg, int argc, char **argv, struct hull_err **err) {
  if (!strcmp(cmd, "apply")) {
    __attribute__((cleanup(res_freep))) struct hull_resources *r = hull_xcalloc(1, sizeof(*r));
    optind = 3;
    bool update = parse_res(argc, argv, r);
    return hull_cgroup_apply(cg, r, update, err);
  }
  if (!strcmp(cmd, "enter") && argc >= 4) return hull_cgroup_enter(cg, (pid_t)num(argv[3]), argc > 4 ? argv[4] : NULL, err);
  if (!strcmp(cmd, "freeze") || !strcmp(cmd, "thaw")) return hull_cgroup_freeze(cg, !strcmp(cmd, "freeze"), err);
  if (!strcmp(cmd, "frozen")) return printf("%d\n", hull_cgroup_is_frozen(cg)), 0;
  if (!strcmp(cmd, "kill") && argc >= 4) return hull_cgroup_kill_all(cg, (int)num(argv[3]), err);
  if (!strcmp(cmd, "stats")) return cmd_stats(cg, err);
  if (!strcmp(cmd, "destroy")) return hull_cgroup_destroy(cg, err);
  if (!strcmp(cmd, "oom")) {
    uint64_t n;
    if (hull_cgroup_oom_count(cg, &n, err) < 0) return -1;
    return printf("%" PRIu64 "\n", n), 0;
  }
  if (!strcmp(cmd, "pids")) {
    _cleanup_free_ pid_t *pids = NULL;
    size_t n;
    if (hull_cgroup_pids(cg, &pids, &n, err) < 0) return -1;
    for (size_t i = 0; i < n; i++) printf("%d\n", (int)pids[i]);
    return 0;
  }
  fprintf(stderr, "unknown command %s\n", cmd);
  exit(2);
}

int main(int argc, char **argv) {
  struct hull_err *err = NULL;
  if (argc >= 2 && !strcmp(argv[1], "detect")) {
    enum hull_cgroup_mode m;
    if (hull_cgroup_detect(&m, &err) < 0) return fail(err);
    puts(m == HULL_CGROUP_V1 ? "v1" : m == HULL_CGROUP_V2 ? "v2" : "disabled");
    return 0;
  }
  if (argc < 3) return fprintf(stderr, "usage: see the source\n"), 2;
  if (!strcmp(argv[1], "devprog")) return cmd_devprog(argc, argv, &err) < 0 ? fail(err) : 0;
  if (!strcmp(argv[1], "create")) {
    if (argc < 4) return 2;
    __attribute__((cleanup(res_freep))) struct hull_resources *r = hull_xcalloc(1, sizeof(*r));
    optind = 4;
    parse_res(argc, argv, r);
    const char *manager = getenv("CG_MANAGER");
    struct hull_cgroup *cg = hull_cgroup_create(manager ? manager : "cgroupfs", argv[3], "ctr", false, 0, r, &err);
    if (cg == NULL) return fail(err);
    _cleanup_free_ char *s = hull_cgroup_serialize(cg);
    if (hull_write_file_atomic(argv[2], s, strlen(s), 0600, &err) < 0) return fail(err);
    int rc = hull_cgroup_apply(cg, r, false, &err);
    hull_cgroup_free(cg);
    return rc < 0 ? fail(err) : 0;
  }
  struct hull_cgroup *cg = load(argv[2], &err);
  if (cg == NULL) return fail(err);
  int rc = cmd_state(argv[1], cg, argc, argv, &err);
  hull_cgroup_free(cg);
  return rc < 0 ? fail(err) : 0;
}
