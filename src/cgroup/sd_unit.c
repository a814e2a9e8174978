/* systemd driver, pure part: cgroupsPath "slice:prefix:name" to a slice
 * and a scope name, slice names to their cgroup path, and linux.resources
 * to the unit properties systemd keeps (so a daemon-reload re-applies
 * our limits instead of resetting them). Unit-tested. */
#include "cgroup/internal.h"
#include "dbus/dbus.h"

#include <errno.h>
#include <string.h>

/* systemd's unit name alphabet (unit-name.c VALID_CHARS). */
static bool valid_unit_chars(const char *s) {
  if (*s == '\0') return false;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
          strchr(":-_.\\@", *s)))
      return false;
  return true;
}

int hull_cg_sd_expand_slice(const char *slice, char **out, struct hull_err **err) {
  *out = NULL;
  size_t n = strlen(slice);
  if (n <= 6 || strcmp(slice + n - 6, ".slice") != 0 || n > 255 || !valid_unit_chars(slice))
    return hull_err_set(err, EINVAL, "slice \"%s\": not a valid slice unit name (NAME.slice)", slice);
  _cleanup_free_ char *name = hull_xstrndup(slice, n - 6);
  if (strcmp(name, "-") == 0) {
    *out = hull_xstrdup(""); /* the root slice */
    return 0;
  }
  if (name[0] == '-' || name[strlen(name) - 1] == '-' || strstr(name, "--"))
    return hull_err_set(err, EINVAL, "slice \"%s\": a dash at either end or two in a row", slice);
  /* a-b-c.slice lives in a.slice/a-b.slice/a-b-c.slice. */
  char *path = hull_xstrdup("");
  for (char *dash = name;; dash++) {
    if (*dash != '-' && *dash != '\0') continue;
    char *p = hull_xasprintf("%s/%.*s.slice", path, (int)(dash - name), name);
    free(path);
    path = p;
    if (*dash == '\0') break;
  }
  *out = path;
  return 0;
}

int hull_cg_sd_parse_path(const char *cgroups_path, const char *id, bool user, char **slice,
                          char **unit, struct hull_err **err) {
  *slice = *unit = NULL;
  const char *def_slice = user ? "user.slice" : "system.slice";
  _cleanup_free_ char *s = NULL, *u = NULL;
  if (cgroups_path == NULL || *cgroups_path == '\0') {
    s = hull_xstrdup(def_slice);
    u = hull_xasprintf("hull-%s.scope", id ? id : "");
  } else {
    const char *c1 = strchr(cgroups_path, ':');
    const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (c1 == NULL || c2 == NULL || strchr(c2 + 1, ':'))
      return hull_err_set(err, EINVAL,
                          "linux.cgroupsPath \"%s\": the systemd cgroup manager expects "
                          "\"slice:prefix:name\" (e.g. system.slice:hull:ID)",
                          cgroups_path);
    s = c1 == cgroups_path ? hull_xstrdup(def_slice) : hull_xstrndup(cgroups_path, (size_t)(c1 - cgroups_path));
    _cleanup_free_ char *prefix = hull_xstrndup(c1 + 1, (size_t)(c2 - c1 - 1));
    const char *name = c2 + 1;
    if (*name == '\0')
      return hull_err_set(err, EINVAL, "linux.cgroupsPath \"%s\": empty name after the prefix",
                          cgroups_path);
    if ((strlen(name) > 6 && strcmp(name + strlen(name) - 6, ".slice") == 0))
      return hull_err_set(err, EINVAL, "linux.cgroupsPath \"%s\": a slice as the container's unit is not supported",
                          cgroups_path);
    /* An empty prefix too: "slice::name" is "-name.scope", as runc
     * (libcontainer getUnitName) and crun name it, so a config moved
     * between runtimes keeps its unit and cgroup path (README: runc
     * compatibility). No engine sends one: containerd's CRI says
     * "cri-containerd", podman "libpod", ctr requires --cgroup. */
    u = hull_xasprintf("%s-%s.scope", prefix, name);
  }
  _cleanup_free_ char *expanded = NULL;
  if (hull_cg_sd_expand_slice(s, &expanded, err) < 0)
    return hull_err_prefix(err, "linux.cgroupsPath \"%s\"", cgroups_path ? cgroups_path : "");
  if (strlen(u) > 255 || !valid_unit_chars(u))
    return hull_err_set(err, EINVAL, "linux.cgroupsPath \"%s\": unit name \"%s\" has characters systemd refuses",
                        cgroups_path ? cgroups_path : "", u);
  *slice = hull_steal_ptr(&s);
  *unit = hull_steal_ptr(&u);
  return 0;
}

/* CPUQuotaPerSecUSec: systemd keeps a percentage (1% = 10 ms per second),
 * so a finer quota is rounded up; the exact cpu.max is written by the
 * cgroupfs pass after. */
uint64_t hull_cg_sd_quota_per_sec(int64_t quota, uint64_t period) {
  if (quota <= 0 || period == 0) return UINT64_MAX;
  uint64_t us = (uint64_t)quota * 1000000u / period;
  if (us % 10000) us = (us / 10000 + 1) * 10000;
  return us;
}

static uint64_t limit_u64(int64_t v) { return v < 0 ? UINT64_MAX : (uint64_t)v; }

int hull_cg_sd_limit_props(struct hull_dbus_buf *b, const struct hull_resources *r,
                           struct hull_err **err) {
  if (r == NULL) return 0;
  const typeof(r->memory) *m = &r->memory;
  if (m->has_limit && m->limit != 0) hull_dbus_prop_u64(b, "MemoryMax", limit_u64(m->limit));
  if (m->has_reservation && m->reservation != 0)
    hull_dbus_prop_u64(b, "MemoryLow", limit_u64(m->reservation));
  if (m->has_swap) {
    int64_t sw = 0;
    if (hull_cg_swap_v2(m->swap, m->has_limit ? m->limit : 0, &sw, err) < 0) return -1;
    if (sw != 0) hull_dbus_prop_u64(b, "MemorySwapMax", limit_u64(sw));
  }
  const typeof(r->cpu) *c = &r->cpu;
  if (c->has_shares && c->shares) hull_dbus_prop_u64(b, "CPUWeight", hull_cg_shares_to_weight(c->shares));
  if (c->has_period && c->period) hull_dbus_prop_u64(b, "CPUQuotaPeriodUSec", c->period);
  if (c->has_quota && c->quota != 0)
    hull_dbus_prop_u64(b, "CPUQuotaPerSecUSec",
                       hull_cg_sd_quota_per_sec(c->quota, c->has_period && c->period ? c->period : 100000));
  if (r->pids.has_limit) hull_dbus_prop_u64(b, "TasksMax", limit_u64(r->pids.limit > 0 ? r->pids.limit : -1));
  if (r->block_io.has_weight && r->block_io.weight)
    hull_dbus_prop_u64(b, "IOWeight", hull_cg_blkio_to_io_weight(r->block_io.weight));
  return 0;
}

int hull_cg_sd_scope_props(struct hull_dbus_buf *b, const char *slice, const char *id, pid_t pid,
                           const struct hull_resources *r, struct hull_err **err) {
  _cleanup_free_ char *desc = hull_xasprintf("hull container %s", id ? id : "");
  hull_dbus_prop_str(b, "Description", desc);
  hull_dbus_prop_str(b, "Slice", slice);
  hull_dbus_prop_bool(b, "Delegate", true);
  uint32_t pids[1] = {(uint32_t)pid};
  hull_dbus_prop_au(b, "PIDs", pids, 1);
  hull_dbus_prop_bool(b, "DefaultDependencies", false);
  hull_dbus_prop_bool(b, "MemoryAccounting", true);
  hull_dbus_prop_bool(b, "CPUAccounting", true);
  hull_dbus_prop_bool(b, "TasksAccounting", true);
  hull_dbus_prop_bool(b, "IOAccounting", true);
  return hull_cg_sd_limit_props(b, r, err);
}

bool hull_cg_sd_proc_unit_ok(const char *cgpath, const char *unit) {
  if (cgpath == NULL || cgpath[0] != '/' || strstr(cgpath, "/../") || strstr(cgpath, "\n")) return false;
  const char *base = strrchr(cgpath, '/') + 1;
  return strcmp(base, unit) == 0;
}
