/* spec: config.json -> typed structs, validation, default spec, JSON writers.
 *
 * Conventions of these structs: arrays are (pointer, count) pairs; strings are
 * owned, NULL when absent; optional scalars have a has_* flag beside them. */
#ifndef HULL_SPEC_H
#define HULL_SPEC_H

#include "util/util.h"

#include <stdbool.h>
#include <stdint.h>

struct hull_id_mapping {
  uint32_t container_id, host_id, size;
};

struct hull_mount {
  char *destination;
  char *type;           /* NULL: bind when options say bind/rbind */
  char *source;
  char **options;       /* NULL-terminated */
  struct hull_id_mapping *uid_mappings;
  size_t n_uid_mappings;
  struct hull_id_mapping *gid_mappings;
  size_t n_gid_mappings;
};

struct hull_rlimit {
  int resource;         /* RLIMIT_* */
  char *type;           /* as written, "RLIMIT_NOFILE" */
  uint64_t soft, hard;
};

enum hull_cap_set { HULL_CAP_BOUNDING, HULL_CAP_EFFECTIVE, HULL_CAP_INHERITABLE,
                    HULL_CAP_PERMITTED, HULL_CAP_AMBIENT, HULL_CAP_NSETS };

struct hull_capabilities {
  bool present[HULL_CAP_NSETS];
  uint64_t sets[HULL_CAP_NSETS]; /* bit N = capability N */
};

struct hull_scheduler {
  bool present;
  int policy;           /* SCHED_* */
  int nice;
  int priority;
  uint64_t flags;       /* SCHED_FLAG_* */
  uint64_t runtime, deadline, period;
};

struct hull_io_priority {
  bool present;
  int klass;            /* IOPRIO_CLASS_RT/BE/IDLE */
  int priority;
};

struct hull_process {
  bool terminal;
  bool has_console_size;
  unsigned console_height, console_width;
  uint32_t uid, gid;
  bool has_umask;
  uint32_t umask;
  uint32_t *additional_gids;
  size_t n_additional_gids;
  char *username;       /* "user.username", Windows-only, kept for completeness */
  char **args;          /* NULL-terminated, at least one */
  char *command_line;
  char **env;           /* NULL-terminated */
  char *cwd;
  struct hull_capabilities caps;
  struct hull_rlimit *rlimits;
  size_t n_rlimits;
  bool no_new_privileges;
  char *apparmor_profile;
  char *selinux_label;
  bool has_oom_score_adj;
  int oom_score_adj;
  struct hull_scheduler scheduler;
  struct hull_io_priority io_priority;
  char *exec_cpu_affinity_initial;
  char *exec_cpu_affinity_final;
};

struct hull_hook {
  char *path;
  char **args;
  char **env;
  bool has_timeout;
  int timeout;          /* seconds, > 0 */
};

enum hull_hook_kind { HULL_HOOK_PRESTART, HULL_HOOK_CREATE_RUNTIME,
                      HULL_HOOK_CREATE_CONTAINER, HULL_HOOK_START_CONTAINER,
                      HULL_HOOK_POSTSTART, HULL_HOOK_POSTSTOP, HULL_HOOK_NKINDS };

struct hull_hooks {
  struct hull_hook *list[HULL_HOOK_NKINDS];
  size_t count[HULL_HOOK_NKINDS];
};

struct hull_annotation {
  char *key, *value;
};

enum hull_ns_type { HULL_NS_PID, HULL_NS_NET, HULL_NS_MNT, HULL_NS_IPC, HULL_NS_UTS,
                    HULL_NS_USER, HULL_NS_CGROUP, HULL_NS_TIME, HULL_NS_NTYPES };

struct hull_namespace {
  enum hull_ns_type type;
  char *path;           /* NULL: create a new one */
};

struct hull_time_offset {
  bool present;
  int64_t secs;
  uint32_t nanosecs;
};

struct hull_device {
  char *path;
  char type;            /* 'c', 'b', 'u', 'p' */
  int64_t major, minor;
  bool has_file_mode, has_uid, has_gid;
  uint32_t file_mode, uid, gid;
};

struct hull_net_device {
  char *host_name;      /* the key in linux.netDevices */
  char *name;           /* name inside the container, NULL: keep */
};

/* linux.resources.devices[] */
struct hull_device_rule {
  bool allow;
  char type;            /* 'a', 'c', 'b' */
  int64_t major, minor; /* -1: wildcard */
  char access[4];       /* subset of "rwm" */
};

struct hull_weight_device {
  int64_t major, minor;
  bool has_weight, has_leaf_weight;
  uint16_t weight, leaf_weight;
};

struct hull_throttle_device {
  int64_t major, minor;
  uint64_t rate;
};

struct hull_hugepage_limit {
  char *page_size;      /* "2MB" */
  uint64_t limit;
};

struct hull_net_priority {
  char *name;
  uint32_t priority;
};

struct hull_rdma_limit {
  char *device;
  bool has_hca_handles, has_hca_objects;
  uint32_t hca_handles, hca_objects;
};

struct hull_kv {
  char *key, *value;
};

/* Optional numbers carry a has_ flag: absent != 0. */
struct hull_resources {
  struct hull_device_rule *devices;
  size_t n_devices;

  struct {
    bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp,
        has_swappiness, has_disable_oom_killer, has_use_hierarchy,
        has_check_before_update;
    int64_t limit, reservation, swap, kernel, kernel_tcp;
    uint64_t swappiness;
    bool disable_oom_killer, use_hierarchy, check_before_update;
  } memory;

  struct {
    bool has_shares, has_quota, has_burst, has_period, has_realtime_runtime,
        has_realtime_period, has_idle;
    uint64_t shares, period, realtime_period, burst;
    int64_t quota, realtime_runtime, idle;
    char *cpus, *mems;
  } cpu;

  struct {
    bool has_limit;
    int64_t limit;      /* <= 0: unlimited */
  } pids;

  struct {
    bool has_weight, has_leaf_weight;
    uint16_t weight, leaf_weight;
    struct hull_weight_device *weight_devices;
    size_t n_weight_devices;
    struct hull_throttle_device *throttle[4]; /* read bps, write bps, read iops, write iops */
    size_t n_throttle[4];
  } block_io;

  struct hull_hugepage_limit *hugepage_limits;
  size_t n_hugepage_limits;

  struct {
    bool has_class_id;
    uint32_t class_id;
    struct hull_net_priority *priorities;
    size_t n_priorities;
  } network;

  struct hull_rdma_limit *rdma;
  size_t n_rdma;

  struct hull_kv *unified;
  size_t n_unified;
};

enum hull_blkio_throttle { HULL_THROTTLE_READ_BPS, HULL_THROTTLE_WRITE_BPS,
                           HULL_THROTTLE_READ_IOPS, HULL_THROTTLE_WRITE_IOPS };

struct hull_syscall_arg {
  unsigned index;
  uint64_t value, value_two;
  int op;               /* enum scmp_compare */
};

struct hull_syscall_rule {
  char **names;         /* NULL-terminated */
  uint32_t action;      /* SCMP_ACT_* without errno/trace data */
  char *action_name;
  bool has_errno_ret;
  uint32_t errno_ret;
  struct hull_syscall_arg *args;
  size_t n_args;
};

struct hull_seccomp {
  bool present;
  uint32_t default_action;
  char *default_action_name;
  bool has_default_errno_ret;
  uint32_t default_errno_ret;
  char **architectures; /* "SCMP_ARCH_X86_64", ... */
  char **flags;         /* "SECCOMP_FILTER_FLAG_LOG", ... */
  char *listener_path;
  char *listener_metadata;
  struct hull_syscall_rule *syscalls;
  size_t n_syscalls;
};

struct hull_intel_rdt {
  bool present;
  char *clos_id, *l3_cache_schema, *mem_bw_schema;
  char **schemata;
  bool enable_cmt, enable_mbm;
  bool enable_monitoring; /* runtime-spec 1.3 */
};

struct hull_personality {
  bool present;
  char *domain;         /* "LINUX" | "LINUX32" */
  char **flags;
};

struct hull_memory_policy {
  bool present;
  int mode;             /* MPOL_* */
  char *nodes;
  char **flags;
};

struct hull_linux {
  struct hull_namespace *namespaces;
  size_t n_namespaces;
  struct hull_id_mapping *uid_mappings;
  size_t n_uid_mappings;
  struct hull_id_mapping *gid_mappings;
  size_t n_gid_mappings;
  struct hull_time_offset time_offsets[2]; /* monotonic, boottime */
  struct hull_device *devices;
  size_t n_devices;
  struct hull_net_device *net_devices;
  size_t n_net_devices;
  char *cgroups_path;
  bool has_resources;
  struct hull_resources resources;
  struct hull_intel_rdt intel_rdt;
  struct hull_kv *sysctl;
  size_t n_sysctl;
  struct hull_seccomp seccomp;
  char *rootfs_propagation;
  char **masked_paths;
  char **readonly_paths;
  char *mount_label;
  struct hull_personality personality;
  struct hull_memory_policy memory_policy;
};

struct hull_spec {
  char *oci_version;
  char *root_path;
  bool root_readonly;
  struct hull_mount *mounts;
  size_t n_mounts;
  bool has_process;
  struct hull_process process;
  char *hostname;
  char *domainname;
  struct hull_hooks hooks;
  struct hull_annotation *annotations;
  size_t n_annotations;
  bool has_linux;
  struct hull_linux linux_;
};

/* Parses and validates config.json text. Errors name the JSON path:
 * "linux.resources.memory.limit: expected integer, got string"; malformed
 * JSON gives "config: invalid JSON at line L, column C: <reason>". Unknown
 * fields are ignored, unknown enum values are errors, a repeated key takes
 * the last value (as Go's encoding/json does). Besides types and enums the
 * parse checks what the kernel or runc would refuse later (namespaces for
 * sysctls/hostname/mappings/timeOffsets, overlapping ID maps, ".." in
 * cgroupsPath, scheduler and mempolicy combinations, seccomp errnoRet and
 * notify), so a config that passes can be applied without half-made state.
 * hull_spec_load prefixes errors with the file name. */
/* linux.memoryPolicy modes and flags the parser knows (for `features`). */
const char *const *hull_spec_mpol_mode_names(void);
const char *const *hull_spec_mpol_flag_names(void);

struct hull_spec *hull_spec_parse(const char *json, size_t len, struct hull_err **err);
struct hull_spec *hull_spec_load(const char *path, struct hull_err **err);
/* For delete/teardown of a container whose saved config no longer passes
 * hull_spec_parse (a stricter hull than the one that created it): only
 * annotations (string values) and hooks.poststop (the entries that parse)
 * are filled, everything else is ignored. Fails only on malformed JSON. */
struct hull_spec *hull_spec_parse_teardown(const char *json, size_t len, struct hull_err **err);
struct hull_spec *hull_spec_load_teardown(const char *path, struct hull_err **err);
void hull_spec_free(struct hull_spec *spec);
void hull_specp_free(struct hull_spec **spec);
#define _cleanup_spec_ __attribute__((cleanup(hull_specp_free)))

/* `exec --process` JSON: an OCI process object. */
struct hull_process *hull_process_parse(const char *json, size_t len, struct hull_err **err);
void hull_process_free(struct hull_process *p);
/* `update --resources` JSON: a LinuxResources object. */
struct hull_resources *hull_resources_parse(const char *json, size_t len, struct hull_err **err);
void hull_resources_free(struct hull_resources *r);

const char *hull_spec_annotation(const struct hull_spec *spec, const char *key);
const struct hull_namespace *hull_spec_namespace(const struct hull_spec *spec,
                                                 enum hull_ns_type type);
const char *hull_ns_type_name(enum hull_ns_type type);
/* "pid", "network", ... -> enum hull_ns_type; -1 when unknown. */
int hull_ns_type_from_name(const char *name);

/* Capability and rlimit name tables (shared with security/ and features). */
int hull_cap_from_name(const char *name);  /* -1 when unknown */
const char *hull_cap_name(int cap);        /* NULL when unknown */
int hull_cap_last(void);                   /* highest capability number known */
int hull_rlimit_from_name(const char *name);

/* `hull spec`: the default config (rootless variant with a user namespace
 * mapping uid/gid). Returns malloc'd JSON text. */
char *hull_spec_default_json(bool rootless, uid_t uid, gid_t gid);

#endif
