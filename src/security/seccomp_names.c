/* Seccomp name tables: what `hull features` lists and what the compiler
 * accepts. Every entry here is handled by seccomp_compile.c / the loader. */
#include "security/security.h"

#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>

static const char *const action_names[] = {
    "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
    "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY",
    NULL,
};

static const char *const operator_names[] = {
    "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
    "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};

struct arch_entry {
  const char *name;
  uint32_t token;
};

static const struct arch_entry archs[] = {
    {"SCMP_ARCH_X86", SCMP_ARCH_X86},
    {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
    {"SCMP_ARCH_X32", SCMP_ARCH_X32},
    {"SCMP_ARCH_ARM", SCMP_ARCH_ARM},
    {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
    {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
    {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64},
    {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
    {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL},
    {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
    {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32},
    {"SCMP_ARCH_PPC", SCMP_ARCH_PPC},
    {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64},
    {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
    {"SCMP_ARCH_S390", SCMP_ARCH_S390},
    {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
    {"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC},
    {"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64},
    {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
#ifdef SCMP_ARCH_LOONGARCH64
    {"SCMP_ARCH_LOONGARCH64", SCMP_ARCH_LOONGARCH64},
#endif
#ifdef SCMP_ARCH_M68K
    {"SCMP_ARCH_M68K", SCMP_ARCH_M68K},
#endif
#ifdef SCMP_ARCH_SH
    {"SCMP_ARCH_SH", SCMP_ARCH_SH},
    {"SCMP_ARCH_SHEB", SCMP_ARCH_SHEB},
#endif
};
#define N_ARCHS (sizeof(archs) / sizeof(archs[0]))

static const struct {
  const char *name;
  unsigned flag;
} flags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};
#define N_FLAGS (sizeof(flags) / sizeof(flags[0]))

const char *const *hull_seccomp_action_names(void) {
  return action_names;
}

const char *const *hull_seccomp_operator_names(void) {
  return operator_names;
}

const char *const *hull_seccomp_arch_names(void) {
  static const char *names[N_ARCHS + 1];
  for (size_t i = 0; i < N_ARCHS; i++) names[i] = archs[i].name;
  return names;
}

const char *const *hull_seccomp_flag_names(void) {
  static const char *names[N_FLAGS + 1];
  for (size_t i = 0; i < N_FLAGS; i++) names[i] = flags[i].name;
  return names;
}

int hull_seccomp_arch_token(const char *name, uint32_t *token) {
  for (size_t i = 0; i < N_ARCHS; i++)
    if (strcmp(name, archs[i].name) == 0) return *token = archs[i].token, 0;
  return -1;
}

int hull_seccomp_flag_value(const char *name, unsigned *flag) {
  for (size_t i = 0; i < N_FLAGS; i++)
    if (strcmp(name, flags[i].name) == 0) return *flag = flags[i].flag, 0;
  return -1;
}
