/* The v2 device controller: a BPF_PROG_TYPE_CGROUP_DEVICE program that
 * hull assembles itself from linux.resources.devices (no libbpf). Pure:
 * builds instructions only; devbpf.c loads and attaches them.
 *
 * Semantics are v1's: default deny, the rules checked from last to
 * first, the first match decides (so later rules win). An allow rule
 * matches when it covers every requested access bit; a deny rule matches
 * when it covers any of them (so "deny w" refuses an open for rw). */
#include "cgroup/internal.h"

#include <linux/bpf.h>
#include <string.h>

/* Registers after the prologue: r2 = device type, r3 = access bits,
 * r4 = major, r5 = minor (struct bpf_cgroup_dev_ctx). */
static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  return (struct bpf_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

static void emit(struct hull_cg_devprog *p, struct bpf_insn i) {
  p->insns = hull_xrealloc(p->insns, (p->n + 1) * sizeof(*p->insns));
  p->insns[p->n++] = i;
}

static void prologue(struct hull_cg_devprog *p) {
  emit(p, insn(BPF_LDX | BPF_MEM | BPF_W, 2, 1, 0, 0)); /* access_type */
  emit(p, insn(BPF_ALU | BPF_AND | BPF_K, 2, 0, 0, 0xffff));
  emit(p, insn(BPF_LDX | BPF_MEM | BPF_W, 3, 1, 0, 0));
  emit(p, insn(BPF_ALU | BPF_RSH | BPF_K, 3, 0, 0, 16));
  emit(p, insn(BPF_LDX | BPF_MEM | BPF_W, 4, 1, 4, 0)); /* major */
  emit(p, insn(BPF_LDX | BPF_MEM | BPF_W, 5, 1, 8, 0)); /* minor */
}

static uint32_t access_bits(const char *access) {
  uint32_t a = 0;
  if (access[0] == '\0') return BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
  for (const char *c = access; *c; c++) {
    if (*c == 'm') a |= BPF_DEVCG_ACC_MKNOD;
    else if (*c == 'r') a |= BPF_DEVCG_ACC_READ;
    else if (*c == 'w') a |= BPF_DEVCG_ACC_WRITE;
  }
  return a;
}

/* One rule: jumps with off 0x7fff are "to the next rule", patched after. */
static void rule_block(struct hull_cg_devprog *p, const struct hull_device_rule *r) {
  const int16_t NEXT = 0x7fff;
  size_t start = p->n;
  if (r->type == 'c' || r->type == 'b')
    emit(p, insn(BPF_JMP | BPF_JNE | BPF_K, 2, 0, NEXT,
                 r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK));
  uint32_t acc = access_bits(r->access);
  const uint32_t all = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
  if (r->allow && acc != all) {
    /* every requested bit in acc: (r3 & ~acc) == 0 */
    emit(p, insn(BPF_ALU | BPF_MOV | BPF_X, 0, 3, 0, 0));
    emit(p, insn(BPF_ALU | BPF_AND | BPF_K, 0, 0, 0, (int32_t)(~acc & all)));
    emit(p, insn(BPF_JMP | BPF_JNE | BPF_K, 0, 0, NEXT, 0));
  } else if (!r->allow && acc != all) {
    /* any requested bit in acc: (r3 & acc) != 0 */
    emit(p, insn(BPF_ALU | BPF_MOV | BPF_X, 0, 3, 0, 0));
    emit(p, insn(BPF_ALU | BPF_AND | BPF_K, 0, 0, 0, (int32_t)acc));
    emit(p, insn(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, NEXT, 0));
  }
  if (r->type != 'a' && r->major >= 0)
    emit(p, insn(BPF_JMP | BPF_JNE | BPF_K, 4, 0, NEXT, (int32_t)r->major));
  if (r->type != 'a' && r->minor >= 0)
    emit(p, insn(BPF_JMP | BPF_JNE | BPF_K, 5, 0, NEXT, (int32_t)r->minor));
  emit(p, insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, r->allow ? 1 : 0));
  emit(p, insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
  for (size_t i = start; i < p->n; i++)
    if (p->insns[i].off == NEXT && BPF_CLASS(p->insns[i].code) == BPF_JMP)
      p->insns[i].off = (int16_t)(p->n - i - 1);
}

void hull_cg_devprog_build(struct hull_cg_devprog *p, const struct hull_device_rule *rules, size_t n) {
  p->insns = NULL;
  p->n = 0;
  prologue(p);
  for (size_t i = n; i-- > 0;) {
    /* Rules after a catch-all are never reached: stop emitting there. */
    rule_block(p, &rules[i]);
    if (rules[i].type == 'a' && access_bits(rules[i].access) ==
                                    (BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE))
      return;
  }
  emit(p, insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0)); /* default deny */
  emit(p, insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
}

void hull_cg_devprog_free(struct hull_cg_devprog *p) {
  free(p->insns);
  p->insns = NULL;
  p->n = 0;
}
