/* cgroup internals shared by the backends and the unit tests. Nothing
 * outside src/cgroup/ and tests/unit/test_cgroup*.c includes this. */
#ifndef HULL_CGROUP_INTERNAL_H
#define HULL_CGROUP_INTERNAL_H

#include "cgroup/cgroup.h"

#include <stdbool.h>
#include <stdint.h>

#define HULL_CG_ROOT "/sys/fs/cgroup"

/* One v1 hierarchy the container lives in. */
struct hull_cg_v1_dir {
  char *controllers; /* "cpu", "cpu,cpuacct", "name=systemd" */
  char *path;        /* full directory path of the container's cgroup */
  bool created;      /* we made the leaf: destroy may remove it */
};

struct hull_cgroup {
  enum hull_cgroup_mode mode;
  /* v1 */
  struct hull_cg_v1_dir *v1;
  size_t n_v1;
  /* v2 */
  char *v2_path;
  bool v2_created;
  int v2_fd;
  bool rootless; /* made for a rootless container (not serialized) */
  /* systemd driver (on v2): the scope systemd made, through the user's
   * manager when sd_user. NULL with cgroupfs. */
  char *sd_unit;
  bool sd_user;
};

/* ---- pure helpers (path.c) -------------------------------------------- */
/* runc's CleanPath: lexical clean; a relative path can never climb above
 * its start ("../../a" -> "a"). "" stays "". Never NULL. */
char *hull_cg_clean_path(const char *path);
/* The cgroup of a hierarchy in /proc/<pid>/cgroup text. controller NULL:
 * the v2 "0::" line; else the line whose list holds that controller
 * ("memory", "name=systemd"). NULL when absent. */
char *hull_cg_proc_path(const char *proc_cgroup, const char *controller);
/* Whether comma-list holds item exactly. */
bool hull_cg_list_has(const char *list, const char *item);
/* A v1 cgroup mount from one /proc/self/mountinfo line: returns 1 and fills
 * root, mountpoint, controllers (super options minus rw/ro and flags);
 * 0 when the line is not a cgroup v1 mount. */
int hull_cg_parse_mountinfo(const char *line, char **root, char **mountpoint,
                            char **controllers);
/* Where the container's cgroup goes inside one hierarchy: cleaned path
 * absolute -> itself, relative -> below own (runc semantics). */
char *hull_cg_resolve(const char *cleaned, const char *own);
/* A sub-cgroup for exec --cgroup: relative, no "..", not empty. */
int hull_cg_check_sub(const char *sub, struct hull_err **err);

/* ---- pure conversions (convert.c) ------------------------------------- */
uint64_t hull_cg_shares_to_weight(uint64_t shares);
uint64_t hull_cg_blkio_to_io_weight(uint16_t weight);
/* v2 memory.swap.max from OCI swap (memory+swap) and limit; -1 = "max",
 * 0 = leave unset. */
int hull_cg_swap_v2(int64_t swap, int64_t limit, int64_t *out, struct hull_err **err);
/* "quota period" / "max period" for cpu.max; false when nothing to write. */
bool hull_cg_cpu_max(bool has_quota, int64_t quota, bool has_period, uint64_t period,
                     char *buf, size_t size);
/* "max" for negative values, else the number. */
void hull_cg_fmt_limit(int64_t v, char *buf, size_t size);
/* Hugepage size "2MB" -> "2MB" normalised as the kernel names files; the
 * OCI value is used as is but validated: digits + KB/MB/GB. */
bool hull_cg_valid_pagesize(const char *s);

/* ---- v2 device program (devprog.c pure, devbpf.c syscalls) ------------ */
struct bpf_insn;
struct hull_cg_devprog {
  struct bpf_insn *insns;
  size_t n;
};
/* Assembles the BPF_PROG_TYPE_CGROUP_DEVICE program for rules (v1
 * semantics: default deny, later rules win). */
void hull_cg_devprog_build(struct hull_cg_devprog *p, const struct hull_device_rule *rules, size_t n);
void hull_cg_devprog_free(struct hull_cg_devprog *p);
/* Loads the program and attaches it to the cgroup dir fd with
 * BPF_F_ALLOW_MULTI, then detaches the programs that were there before
 * (hull's previous one), so an update replaces the rules in one step. */
int hull_cg_devprog_attach(int cgroup_fd, const struct hull_cg_devprog *p, struct hull_err **err);

/* What apply writes for devices: deny all, the given rules, then the
 * defaults every container gets (devrules.c), compacted: always starts
 * with a full deny-all. */
struct hull_device_rule *hull_cg_effective_rules(const struct hull_device_rule *rules, size_t n,
                                                size_t *out_n);
/* Drops, in place, rules that cannot change any decision: everything
 * before the last full deny-all, and an allow repeated with only allows
 * since its first occurrence. Returns the new count. */
size_t hull_cg_compact_rules(struct hull_device_rule *r, size_t n);

/* ---- undoable writes (journal.c) ------------------------------------- */
struct hull_cg_journal_entry {
  char *dir, *name, *old;
};
struct hull_cg_journal {
  bool active; /* record old values (update) */
  struct hull_cg_journal_entry *e;
  size_t n;
};
/* Writes val to dir/name, first keeping the old content when j is active. */
int hull_cg_set(struct hull_cg_journal *j, const char *dir, const char *name, const char *val,
                struct hull_err **err);
/* The same through *fd, opened on first use and kept for the next values
 * of that file (v1 devices.allow takes one rule per write: 11 rules for a
 * default config were 11 opens). The caller closes *fd. */
int hull_cg_set_fd(struct hull_cg_journal *j, const char *dir, const char *name, int *fd,
                   const char *val, struct hull_err **err);
void hull_cg_journal_rollback(struct hull_cg_journal *j);
void hull_cg_journal_free(struct hull_cg_journal *j);

/* ---- serialization ---------------------------------------------------- */
void hull_cg_free_fields(struct hull_cgroup *cg);

/* ---- v1 backend (v1.c, v1_res.c) -------------------------------------- */
/* mountinfo: the text of /proc/self/mountinfo (read by the caller). */
int hull_cg_v1_create(struct hull_cgroup *cg, const char *cleaned, const char *mountinfo,
                      struct hull_err **err);
int hull_cg_v1_apply(struct hull_cgroup *cg, const struct hull_resources *res,
                     bool update, struct hull_err **err);
int hull_cg_v1_enter(struct hull_cgroup *cg, pid_t pid, const char *sub,
                     struct hull_err **err);
int hull_cg_v1_tasks_open(struct hull_cgroup *cg, const char *sub, struct hull_cgroup_tasks *t,
                          struct hull_err **err);
int hull_cg_v1_freeze(struct hull_cgroup *cg, bool freeze, struct hull_err **err);
int hull_cg_v1_is_frozen(struct hull_cgroup *cg);
int hull_cg_v1_destroy(struct hull_cgroup *cg, struct hull_err **err);
/* Directory of the hierarchy holding controller, NULL when not mounted. */
const char *hull_cg_v1_dir(const struct hull_cgroup *cg, const char *controller);
int hull_cg_v1_stats(struct hull_cgroup *cg, yajl_gen g, struct hull_err **err);
int hull_cg_v1_oom_count(struct hull_cgroup *cg, uint64_t *count, struct hull_err **err);

/* ---- v2 backend (v2.c, v2_res.c) -------------------------------------- */
int hull_cg_v2_create(struct hull_cgroup *cg, const char *cleaned,
                      const struct hull_resources *res, struct hull_err **err);
int hull_cg_v2_apply(struct hull_cgroup *cg, const struct hull_resources *res,
                     bool update, struct hull_err **err);
int hull_cg_v2_enter(struct hull_cgroup *cg, pid_t pid, const char *sub,
                     struct hull_err **err);
int hull_cg_v2_freeze(struct hull_cgroup *cg, bool freeze, struct hull_err **err);
int hull_cg_v2_is_frozen(struct hull_cgroup *cg);
int hull_cg_v2_kill(struct hull_cgroup *cg, struct hull_err **err);
int hull_cg_v2_destroy(struct hull_cgroup *cg, struct hull_err **err);
int hull_cg_v2_stats(struct hull_cgroup *cg, yajl_gen g, struct hull_err **err);
int hull_cg_v2_oom_count(struct hull_cgroup *cg, uint64_t *count, struct hull_err **err);

/* ---- systemd driver (sd_unit.c pure, systemd.c over D-Bus) ----------- */
struct hull_dbus_buf;
/* cgroupsPath "slice:prefix:name" (or empty: system.slice, or user.slice
 * for user, and hull-ID.scope) to the slice and "prefix-name.scope". */
int hull_cg_sd_parse_path(const char *cgroups_path, const char *id, bool user, char **slice,
                          char **unit, struct hull_err **err);
/* "a-b.slice" -> "/a.slice/a-b.slice"; "-.slice" -> "". */
int hull_cg_sd_expand_slice(const char *slice, char **out, struct hull_err **err);
/* CPUQuotaPerSecUSec for quota/period, rounded up to systemd's 10 ms. */
uint64_t hull_cg_sd_quota_per_sec(int64_t quota, uint64_t period);
/* The (sv) entries of linux.resources systemd keeps as unit properties
 * (MemoryMax, MemoryLow, MemorySwapMax, CPUWeight, CPUQuotaPerSecUSec,
 * CPUQuotaPeriodUSec, TasksMax, IOWeight), into an open a(sv). */
int hull_cg_sd_limit_props(struct hull_dbus_buf *b, const struct hull_resources *r,
                           struct hull_err **err);
/* Every property of the scope at StartTransientUnit. */
int hull_cg_sd_scope_props(struct hull_dbus_buf *b, const char *slice, const char *id, pid_t pid,
                           const struct hull_resources *r, struct hull_err **err);
/* Whether a /proc/PID/cgroup path is the unit's directory. */
bool hull_cg_sd_proc_unit_ok(const char *cgpath, const char *unit);
/* The scope with pid in it; cg->v2_path its directory. */
int hull_cg_sd_create(struct hull_cgroup *cg, const char *cgroups_path, const char *id, bool user,
                      pid_t pid, const struct hull_resources *res, struct hull_err **err);
/* SetUnitProperties (runtime) for the limits res sets. */
int hull_cg_sd_update(struct hull_cgroup *cg, const struct hull_resources *res, struct hull_err **err);
/* StopUnit, waited for; ResetFailedUnit. */
int hull_cg_sd_destroy(struct hull_cgroup *cg, struct hull_err **err);

/* ---- small file helpers (fs.c) ---------------------------------------- */
/* Writes s to dir/name; the error names the full path. */
int hull_cg_write(const char *dir, const char *name, const char *s, struct hull_err **err);
/* Reads dir/name (NULL + err when missing). Trailing newline stripped. */
char *hull_cg_read(const char *dir, const char *name, struct hull_err **err);
bool hull_cg_exists(const char *dir, const char *name);
/* Reads a single unsigned number ("max" -> UINT64_MAX). */
int hull_cg_read_u64(const char *dir, const char *name, uint64_t *out, struct hull_err **err);
/* The value of key in a flat-keyed file ("frozen 1\npopulated 0"). */
int hull_cg_keyed_u64(const char *dir, const char *file, const char *key, uint64_t *out);
/* Same on text (modified in place). */
int hull_cg_keyed_in(char *text, const char *key, uint64_t *out);
/* Pids in dir/cgroup.procs appended to *pids. */
int hull_cg_read_procs(const char *dir, pid_t **pids, size_t *n, struct hull_err **err);
/* Same, for dir and every cgroup below it (exec --cgroup sub-cgroups). */
int hull_cg_read_procs_recursive(const char *dir, pid_t **pids, size_t *n, struct hull_err **err);
/* rmdir with a bounded retry while the kernel says EBUSY; ENOENT is fine. */
int hull_cg_rmdir(const char *path, struct hull_err **err);
/* Removes the sub-cgroups below path (exec --cgroup ones), then path. */
int hull_cg_rmdir_tree(const char *path, struct hull_err **err);

#endif
