/* A stub put in front of libseccomp's program: a syscall numbered above
 * every syscall the profile names (for its architecture) gets ENOSYS
 * instead of the profile's default action. A profile written before a
 * syscall existed (clone3, openat2, ...) then makes libc fall back to the
 * older call as on an older kernel, instead of failing with EPERM. Same
 * idea as runc's. Architectures where a name maps to a multiplexed
 * pseudo-syscall (socketcall, ipc) get no stub: their direct numbers are
 * not known here, and a wrong maximum would deny real syscalls. */
#include "security/seccomp_int.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <string.h>

#define X32_SYSCALL_BIT 0x40000000u

/* Jump targets: the next instruction, the ENOSYS return, the end of the
 * stub (libseccomp's program), or an absolute instruction index. */
enum { L_NEXT = 0, L_ENOSYS, L_END, L_ABS0 };
#define L_ABS(i) (L_ABS0 + (int)(i))

struct insn {
  struct sock_filter f;
  int jt, jf; /* L_* targets; L_NEXT means "the next instruction" */
};

struct asm_buf {
  struct insn v[256];
  size_t n;
};

static void emit(struct asm_buf *a, uint16_t code, uint32_t k, int jt, int jf) {
  if (a->n < sizeof(a->v) / sizeof(a->v[0]))
    a->v[a->n] = (struct insn){.f = {code, 0, 0, k}, .jt = jt, .jf = jf};
  a->n++;
}

/* The highest syscall number the profile names on arch; -1 when it names
 * none; -2 when a name is a multiplexed pseudo-syscall there. */
static int64_t max_nr(const struct hull_seccomp *sc, uint32_t arch) {
  int64_t max = -1;
  for (size_t i = 0; i < sc->n_syscalls; i++)
    for (char **n = sc->syscalls[i].names; n && *n; n++) {
      int nr = seccomp_syscall_resolve_name_arch(arch, *n);
      if (nr == __NR_SCMP_ERROR) continue;
      if (nr < 0) return -2;
      if (nr > max) max = nr;
    }
  return max;
}

static bool wants_stub(uint32_t def) {
  return def != SCMP_ACT_ALLOW && def != SCMP_ACT_LOG && def != SCMP_ACT_ERRNO(ENOSYS);
}

/* One block per architecture: if arch matches, nr > max -> ENOSYS, else
 * on to libseccomp's program. x86_64 and x32 share an audit arch and are
 * told apart by the x32 bit of the number. */
static void emit_arch(struct asm_buf *a, const struct hull_seccomp *sc, uint32_t arch, bool has_x32) {
  if (arch == SCMP_ARCH_X32) return; /* handled with x86_64 */
  int64_t max = max_nr(sc, arch);
  if (max < 0) return;
  int64_t max32 = has_x32 && arch == SCMP_ARCH_X86_64 ? max_nr(sc, SCMP_ARCH_X32) : -1;
  bool x86_64 = arch == SCMP_ARCH_X86_64;
  size_t size = x86_64 ? (max32 >= 0 ? 5 : 4) : 3;
  size_t next_block = a->n + size, x32_check = a->n + size - 1;
  emit(a, BPF_JMP | BPF_JEQ | BPF_K, arch, L_NEXT, L_ABS(next_block));
  emit(a, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr), L_NEXT, L_NEXT);
  if (x86_64) {
    /* x32 numbers: checked against x32's maximum, or left to libseccomp. */
    emit(a, BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, max32 >= 0 ? L_ABS(x32_check) : L_END,
         L_NEXT);
    emit(a, BPF_JMP | BPF_JGT | BPF_K, (uint32_t)max, L_ENOSYS, L_END);
    if (max32 >= 0) emit(a, BPF_JMP | BPF_JGT | BPF_K, (uint32_t)max32, L_ENOSYS, L_END);
  } else {
    emit(a, BPF_JMP | BPF_JGT | BPF_K, (uint32_t)max, L_ENOSYS, L_END);
  }
}

static int resolve(int label, size_t i, size_t enosys, size_t end, uint8_t *off) {
  size_t target = label == L_NEXT     ? i + 1
                  : label == L_ENOSYS ? enosys
                  : label == L_END    ? end
                                      : (size_t)(label - L_ABS0);
  if (target <= i || target - i - 1 > 255) return -1;
  *off = (uint8_t)(target - i - 1);
  return 0;
}

int hull_seccomp_enosys_stub(const struct hull_seccomp *sc, uint32_t def, const uint32_t *archs,
                             size_t n_archs, struct sock_filter **out, size_t *n_out) {
  *out = NULL;
  *n_out = 0;
  if (!wants_stub(def)) return 0;
  struct asm_buf a = {.n = 0};
  bool has_x32 = false;
  for (size_t i = 0; i < n_archs; i++) has_x32 |= archs[i] == SCMP_ARCH_X32;
  emit(&a, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch), L_NEXT, L_NEXT);
  size_t first = a.n;
  for (size_t i = 0; i < n_archs; i++) emit_arch(&a, sc, archs[i], has_x32);
  if (a.n == first) return 0;
  emit(&a, BPF_JMP | BPF_JA, 1, L_NEXT, L_NEXT); /* no arch matched: skip ENOSYS */
  size_t enosys = a.n;
  emit(&a, BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS, L_NEXT, L_NEXT);
  size_t end = a.n;
  if (a.n > sizeof(a.v) / sizeof(a.v[0])) return -1;
  struct sock_filter *prog = hull_xcalloc(a.n, sizeof(*prog));
  for (size_t i = 0; i < a.n; i++) {
    prog[i] = a.v[i].f;
    bool is_cond = BPF_CLASS(prog[i].code) == BPF_JMP && BPF_OP(prog[i].code) != BPF_JA;
    if (is_cond && (resolve(a.v[i].jt, i, enosys, end, &prog[i].jt) < 0 ||
                    resolve(a.v[i].jf, i, enosys, end, &prog[i].jf) < 0)) {
      free(prog);
      return -1;
    }
  }
  *out = prog;
  *n_out = a.n;
  return 0;
}
