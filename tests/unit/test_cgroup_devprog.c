/* The v2 device program: assembled from rule lists, then run by a tiny
 * interpreter of exactly the BPF instructions hull emits, and compared
 * with the v1 semantics (default deny, last matching rule decides). */
#include "unit.h"

#include "cgroup/internal.h"

#include <linux/bpf.h>
#include <stdlib.h>

struct req {
  char type;     /* 'c' | 'b' */
  uint32_t major, minor;
  uint32_t access; /* BPF_DEVCG_ACC_* bits */
};

/* Runs the program on a bpf_cgroup_dev_ctx; fails the test on any
 * instruction outside the emitted subset or any out-of-range access. */
static int run(const struct hull_cg_devprog *p, const struct req *q) {
  uint32_t ctx[3] = {(q->access << 16) | (q->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK),
                     q->major, q->minor};
  uint64_t r[11] = {0};
  size_t pc = 0;
  for (size_t steps = 0; steps < 100000; steps++) {
    assert_true(pc < p->n);
    const struct bpf_insn *i = &p->insns[pc++];
    uint64_t imm64 = (uint64_t)(int64_t)i->imm;
    assert_true(i->dst_reg <= 10 && i->src_reg <= 10);
    switch (i->code) {
    case BPF_LDX | BPF_MEM | BPF_W:
      assert_int_equal(i->src_reg, 1);
      assert_true(i->off >= 0 && i->off % 4 == 0 && i->off + 4 <= (int)sizeof(ctx));
      r[i->dst_reg] = ctx[i->off / 4];
      break;
    case BPF_ALU | BPF_AND | BPF_K: r[i->dst_reg] = (uint32_t)(r[i->dst_reg] & (uint32_t)i->imm); break;
    case BPF_ALU | BPF_RSH | BPF_K: r[i->dst_reg] = (uint32_t)r[i->dst_reg] >> i->imm; break;
    case BPF_ALU | BPF_MOV | BPF_X: r[i->dst_reg] = (uint32_t)r[i->src_reg]; break;
    case BPF_ALU64 | BPF_MOV | BPF_K: r[i->dst_reg] = imm64; break;
    case BPF_JMP | BPF_JNE | BPF_K:
      assert_true(i->off >= 0); /* forward only, as the verifier wants */
      if (r[i->dst_reg] != imm64) pc += (size_t)i->off;
      break;
    case BPF_JMP | BPF_JEQ | BPF_K:
      assert_true(i->off >= 0);
      if (r[i->dst_reg] == imm64) pc += (size_t)i->off;
      break;
    case BPF_JMP | BPF_EXIT: return (int)r[0];
    default: fail_msg("unexpected opcode 0x%x at %zu", i->code, pc - 1);
    }
  }
  fail_msg("program did not terminate");
  return -1;
}

static uint32_t bits(const char *a) {
  uint32_t b = 0;
  if (!*a) return 7;
  for (; *a; a++) b |= *a == 'm' ? BPF_DEVCG_ACC_MKNOD : *a == 'r' ? BPF_DEVCG_ACC_READ : *a == 'w' ? BPF_DEVCG_ACC_WRITE : 0;
  return b;
}

/* The reference: v1 semantics written plainly. */
static int reference(const struct hull_device_rule *rules, size_t n, const struct req *q) {
  for (size_t i = n; i-- > 0;) {
    const struct hull_device_rule *r = &rules[i];
    if (r->type != 'a' && r->type != q->type) continue;
    if (r->type != 'a' && r->major >= 0 && (uint32_t)r->major != q->major) continue;
    if (r->type != 'a' && r->minor >= 0 && (uint32_t)r->minor != q->minor) continue;
    uint32_t acc = bits(r->access);
    if (r->allow ? (q->access & ~acc) != 0 : (q->access & acc) == 0) continue;
    return r->allow;
  }
  return 0;
}

static int decide(const struct hull_device_rule *rules, size_t n, char type, uint32_t ma, uint32_t mi,
                  const char *access) {
  struct hull_cg_devprog p;
  hull_cg_devprog_build(&p, rules, n);
  struct req q = {type, ma, mi, bits(access)};
  int got = run(&p, &q);
  hull_cg_devprog_free(&p);
  return got;
}

#define RULE(allow, type, ma, mi, acc) {allow, type, ma, mi, acc}

static void test_default_deny(void **state) {
  (void)state;
  assert_int_equal(decide(NULL, 0, 'c', 1, 3, "r"), 0);
  struct hull_device_rule allow_all[] = {RULE(true, 'a', -1, -1, "rwm")};
  assert_int_equal(decide(allow_all, 1, 'b', 8, 0, "rw"), 1);
}

static void test_oci_defaults(void **state) {
  (void)state;
  /* What runc's default spec and containerd give: deny all, then the
   * usual character devices. */
  struct hull_device_rule rules[] = {
      RULE(false, 'a', -1, -1, "rwm"),    RULE(true, 'c', 1, 3, "rwm"),  /* null */
      RULE(true, 'c', 1, 5, "rwm"),       RULE(true, 'c', 5, 0, "rwm"),  /* tty */
      RULE(true, 'c', -1, -1, "m"),       RULE(true, 'b', -1, -1, "m"),
      RULE(true, 'c', 136, -1, "rwm"),    RULE(false, 'c', 1, 5, "w"),
  };
  size_t n = sizeof(rules) / sizeof(rules[0]);
  assert_int_equal(decide(rules, n, 'c', 1, 3, "rw"), 1);
  assert_int_equal(decide(rules, n, 'c', 1, 3, "m"), 1);
  assert_int_equal(decide(rules, n, 'c', 1, 5, "r"), 1);
  assert_int_equal(decide(rules, n, 'c', 1, 5, "w"), 0);  /* later deny wins */
  assert_int_equal(decide(rules, n, 'c', 1, 5, "rw"), 0);
  assert_int_equal(decide(rules, n, 'c', 1, 7, "r"), 0);  /* /dev/full: not allowed */
  assert_int_equal(decide(rules, n, 'c', 1, 7, "m"), 1);  /* but mknod of any char is */
  assert_int_equal(decide(rules, n, 'b', 8, 0, "r"), 0);
  assert_int_equal(decide(rules, n, 'b', 8, 0, "m"), 1);
  assert_int_equal(decide(rules, n, 'c', 136, 42, "rw"), 1);
  assert_int_equal(decide(rules, n, 'b', 136, 42, "r"), 0);
}

static void test_later_rules_win(void **state) {
  (void)state;
  struct hull_device_rule rules[] = {RULE(true, 'c', 10, 200, "rwm"), RULE(false, 'a', -1, -1, "")};
  assert_int_equal(decide(rules, 2, 'c', 10, 200, "r"), 0);
  struct hull_device_rule rules2[] = {RULE(false, 'a', -1, -1, ""), RULE(true, 'c', 10, 200, "rw")};
  assert_int_equal(decide(rules2, 2, 'c', 10, 200, "r"), 1);
  assert_int_equal(decide(rules2, 2, 'c', 10, 200, "m"), 0);
  assert_int_equal(decide(rules2, 2, 'c', 10, 201, "r"), 0);
}

/* Many random rule tables against the reference. */
static void test_random_tables(void **state) {
  (void)state;
  static const char *accs[] = {"r", "w", "m", "rw", "rm", "wm", "rwm", ""};
  static const char types[] = {'a', 'c', 'b'};
  unsigned seed = 12345;
  for (int t = 0; t < 400; t++) {
    struct hull_device_rule rules[8];
    size_t n = (size_t)(rand_r(&seed) % 8);
    for (size_t i = 0; i < n; i++) {
      rules[i].allow = rand_r(&seed) % 2;
      rules[i].type = types[rand_r(&seed) % 3];
      rules[i].major = rand_r(&seed) % 3 == 0 ? -1 : rand_r(&seed) % 3;
      rules[i].minor = rand_r(&seed) % 3 == 0 ? -1 : rand_r(&seed) % 3;
      snprintf(rules[i].access, sizeof(rules[i].access), "%s", accs[rand_r(&seed) % 8]);
    }
    struct hull_cg_devprog p;
    hull_cg_devprog_build(&p, rules, n);
    for (int k = 0; k < 40; k++) {
      struct req q = {rand_r(&seed) % 2 ? 'c' : 'b', (uint32_t)(rand_r(&seed) % 3), (uint32_t)(rand_r(&seed) % 3),
                      (uint32_t)(rand_r(&seed) % 7 + 1)};
      assert_int_equal(run(&p, &q), reference(rules, n, &q));
    }
    hull_cg_devprog_free(&p);
  }
}

/* Compaction drops only rules that decide nothing: same answers. */
static void test_compact_rules(void **state) {
  (void)state;
  static const char *accs[] = {"r", "w", "m", "rw", "rm", "wm", "rwm", ""};
  static const char types[] = {'a', 'c', 'b'};
  unsigned seed = 777;
  for (int t = 0; t < 400; t++) {
    struct hull_device_rule rules[12], packed[12];
    size_t n = (size_t)(rand_r(&seed) % 12);
    for (size_t i = 0; i < n; i++) {
      /* Few distinct rules, so duplicates and deny-alls are common. */
      rules[i].allow = rand_r(&seed) % 3 != 0;
      rules[i].type = types[rand_r(&seed) % 3];
      rules[i].major = rand_r(&seed) % 2 ? -1 : 1;
      rules[i].minor = rand_r(&seed) % 2 ? -1 : 1;
      snprintf(rules[i].access, sizeof(rules[i].access), "%s", accs[rand_r(&seed) % 8]);
    }
    memcpy(packed, rules, sizeof(rules));
    size_t k = hull_cg_compact_rules(packed, n);
    assert_true(k <= n);
    for (int m = 0; m < 40; m++) {
      struct req q = {rand_r(&seed) % 2 ? 'c' : 'b', (uint32_t)(rand_r(&seed) % 3),
                      (uint32_t)(rand_r(&seed) % 3), (uint32_t)(rand_r(&seed) % 7 + 1)};
      assert_int_equal(reference(packed, k, &q), reference(rules, n, &q));
    }
  }
  /* `hull spec`: deny all, then the defaults twice -> deny all + defaults */
  struct hull_device_rule deny[] = {RULE(false, 'a', -1, -1, "rwm")};
  struct hull_linux lx = {0};
  lx.resources.devices = deny;
  lx.resources.n_devices = 1;
  size_t n = 0, ne = 0;
  struct hull_device_rule *all = hull_cgroup_device_rules(&lx, &n);
  struct hull_device_rule *eff = hull_cg_effective_rules(all, n, &ne);
  assert_int_equal(n, 1 + 1 + 10);
  assert_int_equal(ne, 1 + 10);
  assert_false(eff[0].allow);
  assert_int_equal(eff[0].type, 'a');
  free(eff);
  free(all);
}

/* The list a container gets: config rules, its device nodes, defaults. */
static void test_container_rules(void **state) {
  (void)state;
  size_t n = 0;
  struct hull_device_rule *none = hull_cgroup_device_rules(NULL, &n);
  assert_int_equal(decide(none, n, 'c', 1, 3, "rw"), 1);   /* /dev/null */
  assert_int_equal(decide(none, n, 'c', 136, 0, "rw"), 1); /* a pts */
  assert_int_equal(decide(none, n, 'c', 1, 1, "r"), 0);    /* /dev/mem */
  assert_int_equal(decide(none, n, 'b', 8, 0, "r"), 0);
  assert_int_equal(decide(none, n, 'b', 8, 0, "m"), 1);
  free(none);
  struct hull_device_rule cfg[] = {RULE(false, 'a', -1, -1, "rwm"), RULE(true, 'b', 7, 0, "r")};
  struct hull_device nodes[] = {{.path = (char *)"/dev/fuse", .type = 'c', .major = 10, .minor = 229},
                                {.path = (char *)"/dev/fifo", .type = 'p'}};
  struct hull_linux lx = {0};
  lx.resources.devices = cfg;
  lx.resources.n_devices = 2;
  lx.devices = nodes;
  lx.n_devices = 2;
  struct hull_device_rule *all = hull_cgroup_device_rules(&lx, &n);
  assert_int_equal(n, 1 + 2 + 1 + 10);
  assert_int_equal(decide(all, n, 'c', 10, 229, "rw"), 1);
  assert_int_equal(decide(all, n, 'b', 7, 0, "r"), 1);
  assert_int_equal(decide(all, n, 'b', 7, 0, "w"), 0);
  assert_int_equal(decide(all, n, 'c', 1, 9, "r"), 1);
  free(all);
  /* what apply writes: deny all, the given rules, the defaults */
  struct hull_device_rule *eff = hull_cg_effective_rules(cfg + 1, 1, &n);
  assert_int_equal(n, 1 + 1 + 10);
  assert_int_equal(decide(eff, n, 'b', 7, 0, "r"), 1);
  assert_int_equal(decide(eff, n, 'b', 8, 0, "r"), 0);
  assert_int_equal(decide(eff, n, 'c', 1, 5, "rwm"), 1);
  free(eff);
  eff = hull_cg_effective_rules(NULL, 0, &n);
  assert_int_equal(decide(eff, n, 'c', 1, 3, "rw"), 1);
  assert_int_equal(decide(eff, n, 'c', 10, 229, "rw"), 0);
  free(eff);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_default_deny), cmocka_unit_test(test_oci_defaults),
      cmocka_unit_test(test_later_rules_win), cmocka_unit_test(test_random_tables),
      cmocka_unit_test(test_container_rules), cmocka_unit_test(test_compact_rules),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
