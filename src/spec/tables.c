/* spec/: name <-> value tables for capabilities, rlimits and the enum-like
 * strings of the OCI config (seccomp, scheduler, ioprio, mempolicy, ...). */
#include "spec/internal.h"

#include <linux/ioprio.h>
#include <linux/mempolicy.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <string.h>
#include <sys/resource.h>

/* Kernel headers on older systems lag behind the spec. */
#ifndef SCHED_ISO
#define SCHED_ISO 4
#endif
#define HULL_MPOL_WEIGHTED_INTERLEAVE 6

static const char *const cap_names[] = {
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
    "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
    "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
    "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
    "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};
#define N_CAPS ((int)(sizeof(cap_names) / sizeof(cap_names[0])))

int hull_cap_from_name(const char *name) {
  if (name == NULL) return -1;
  for (int i = 0; i < N_CAPS; i++)
    if (strcmp(cap_names[i], name) == 0) return i;
  return -1;
}

const char *hull_cap_name(int cap) {
  return cap >= 0 && cap < N_CAPS ? cap_names[cap] : NULL;
}

int hull_cap_last(void) {
  static int cached = -1;
  if (cached >= 0) return cached;
  int last = N_CAPS - 1;
  _cleanup_free_ char *s = hull_read_file("/proc/sys/kernel/cap_last_cap", NULL, NULL);
  int64_t k;
  if (s) {
    s[strcspn(s, "\n")] = '\0';
    if (hull_parse_int64(s, &k) == 0 && k >= 0 && k < last) last = (int)k;
  }
  cached = last;
  return last;
}

static const struct enum_entry rlimits[] = {
    {"RLIMIT_CPU", RLIMIT_CPU},         {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_DATA", RLIMIT_DATA},       {"RLIMIT_STACK", RLIMIT_STACK},
    {"RLIMIT_CORE", RLIMIT_CORE},       {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},     {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},   {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {NULL, 0},
};

int hull_rlimit_from_name(const char *name) {
  if (name == NULL) return -1;
  for (const struct enum_entry *e = rlimits; e->name; e++)
    if (strcmp(e->name, name) == 0) return (int)e->value;
  return -1;
}

int enum_lookup(struct pctx *c, const struct enum_entry *table, const char *what,
                const char *name, int64_t *out) {
  for (const struct enum_entry *e = table; e->name; e++)
    if (strcmp(e->name, name) == 0) {
      *out = e->value;
      return 0;
    }
  return pctx_fail(c, "unknown %s \"%s\"", what, name);
}

const struct enum_entry seccomp_actions[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0)},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0)},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG},
    {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY},
    {NULL, 0},
};

const struct enum_entry seccomp_ops[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE}, {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ}, {NULL, 0},
};

/* Kept as names (security/ resolves them with libseccomp); the value is the
 * position, only used to check membership. */
const struct enum_entry seccomp_archs[] = {
    {"SCMP_ARCH_X86", 0}, {"SCMP_ARCH_X86_64", 1}, {"SCMP_ARCH_X32", 2},
    {"SCMP_ARCH_ARM", 3}, {"SCMP_ARCH_AARCH64", 4}, {"SCMP_ARCH_LOONGARCH64", 5},
    {"SCMP_ARCH_M68K", 6}, {"SCMP_ARCH_MIPS", 7}, {"SCMP_ARCH_MIPS64", 8},
    {"SCMP_ARCH_MIPS64N32", 9}, {"SCMP_ARCH_MIPSEL", 10}, {"SCMP_ARCH_MIPSEL64", 11},
    {"SCMP_ARCH_MIPSEL64N32", 12}, {"SCMP_ARCH_PPC", 13}, {"SCMP_ARCH_PPC64", 14},
    {"SCMP_ARCH_PPC64LE", 15}, {"SCMP_ARCH_S390", 16}, {"SCMP_ARCH_S390X", 17},
    {"SCMP_ARCH_SH", 18}, {"SCMP_ARCH_SHEB", 19}, {"SCMP_ARCH_PARISC", 20},
    {"SCMP_ARCH_PARISC64", 21}, {"SCMP_ARCH_RISCV64", 22}, {NULL, 0},
};

const struct enum_entry seccomp_flags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", 1}, {"SECCOMP_FILTER_FLAG_LOG", 2},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", 4}, {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 32},
    {NULL, 0},
};

const struct enum_entry sched_policies[] = {
    {"SCHED_OTHER", SCHED_NORMAL}, {"SCHED_FIFO", SCHED_FIFO}, {"SCHED_RR", SCHED_RR},
    {"SCHED_BATCH", SCHED_BATCH}, {"SCHED_ISO", SCHED_ISO}, {"SCHED_IDLE", SCHED_IDLE},
    {"SCHED_DEADLINE", SCHED_DEADLINE}, {NULL, 0},
};

const struct enum_entry sched_flags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", SCHED_FLAG_RESET_ON_FORK},
    {"SCHED_FLAG_RECLAIM", SCHED_FLAG_RECLAIM},
    {"SCHED_FLAG_DL_OVERRUN", SCHED_FLAG_DL_OVERRUN},
    {"SCHED_FLAG_KEEP_POLICY", SCHED_FLAG_KEEP_POLICY},
    {"SCHED_FLAG_KEEP_PARAMS", SCHED_FLAG_KEEP_PARAMS},
    {"SCHED_FLAG_UTIL_CLAMP_MIN", SCHED_FLAG_UTIL_CLAMP_MIN},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", SCHED_FLAG_UTIL_CLAMP_MAX},
    {NULL, 0},
};

const struct enum_entry ioprio_classes[] = {
    {"IOPRIO_CLASS_RT", IOPRIO_CLASS_RT}, {"IOPRIO_CLASS_BE", IOPRIO_CLASS_BE},
    {"IOPRIO_CLASS_IDLE", IOPRIO_CLASS_IDLE}, {NULL, 0},
};

const struct enum_entry mpol_modes[] = {
    {"MPOL_DEFAULT", MPOL_DEFAULT}, {"MPOL_PREFERRED", MPOL_PREFERRED},
    {"MPOL_BIND", MPOL_BIND}, {"MPOL_INTERLEAVE", MPOL_INTERLEAVE},
    {"MPOL_LOCAL", MPOL_LOCAL}, {"MPOL_PREFERRED_MANY", MPOL_PREFERRED_MANY},
    {"MPOL_WEIGHTED_INTERLEAVE", HULL_MPOL_WEIGHTED_INTERLEAVE}, {NULL, 0},
};

const struct enum_entry mpol_flags[] = {
    {"MPOL_F_NUMA_BALANCING", MPOL_F_NUMA_BALANCING},
    {"MPOL_F_RELATIVE_NODES", MPOL_F_RELATIVE_NODES},
    {"MPOL_F_STATIC_NODES", MPOL_F_STATIC_NODES}, {NULL, 0},
};

/* Names of a table as a NULL-terminated list (for `hull features`). */
static const char *const *names_of(const struct enum_entry *t, const char **out, size_t cap) {
  size_t n = 0;
  for (; t[n].name && n + 1 < cap; n++) out[n] = t[n].name;
  out[n] = NULL;
  return out;
}

const char *const *hull_spec_mpol_mode_names(void) {
  static const char *names[16];
  return names_of(mpol_modes, names, sizeof(names) / sizeof(names[0]));
}

const char *const *hull_spec_mpol_flag_names(void) {
  static const char *names[8];
  return names_of(mpol_flags, names, sizeof(names) / sizeof(names[0]));
}

const struct enum_entry personality_domains[] = {
    {"LINUX", 0}, {"LINUX32", 1}, {NULL, 0},
};

/* runc also takes the recursive spellings; so do we. */
const struct enum_entry propagations[] = {
    {"private", 0}, {"rprivate", 1}, {"shared", 2}, {"rshared", 3}, {"slave", 4},
    {"rslave", 5}, {"unbindable", 6}, {"runbindable", 7}, {NULL, 0},
};

static const char *const ns_names[HULL_NS_NTYPES] = {
    [HULL_NS_PID] = "pid",   [HULL_NS_NET] = "network", [HULL_NS_MNT] = "mount",
    [HULL_NS_IPC] = "ipc",   [HULL_NS_UTS] = "uts",     [HULL_NS_USER] = "user",
    [HULL_NS_CGROUP] = "cgroup", [HULL_NS_TIME] = "time",
};

const char *hull_ns_type_name(enum hull_ns_type type) {
  return (unsigned)type < HULL_NS_NTYPES ? ns_names[type] : NULL;
}

int hull_ns_type_from_name(const char *name) {
  for (int i = 0; i < HULL_NS_NTYPES; i++)
    if (strcmp(ns_names[i], name) == 0) return i;
  return -1;
}

const char *hull_spec_annotation(const struct hull_spec *spec, const char *key) {
  if (spec == NULL) return NULL;
  for (size_t i = 0; i < spec->n_annotations; i++)
    if (strcmp(spec->annotations[i].key, key) == 0) return spec->annotations[i].value;
  return NULL;
}

const struct hull_namespace *hull_spec_namespace(const struct hull_spec *spec,
                                                 enum hull_ns_type type) {
  if (spec == NULL || !spec->has_linux) return NULL;
  for (size_t i = 0; i < spec->linux_.n_namespaces; i++)
    if (spec->linux_.namespaces[i].type == type) return &spec->linux_.namespaces[i];
  return NULL;
}
