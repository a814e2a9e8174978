/* Pure path and name logic: what may be mounted under /proc, propagation
 * names. No syscalls (unit-tested). */
#include "storage/internal.h"

#include <string.h>
#include <sys/mount.h>

/* Files under /proc that tools like lxcfs legitimately bind over. */
static const char *const proc_bind_ok[] = {
    "proc/cpuinfo", "proc/diskstats", "proc/meminfo", "proc/stat",    "proc/swaps",
    "proc/uptime",  "proc/loadavg",   "proc/slabinfo", "proc/sys/kernel/ns_last_pid",
    NULL,
};

bool hull_proc_dest_allowed(const char *clean_dest, const char *type, bool bind_of_file) {
  if (strcmp(clean_dest, "proc") == 0) return type != NULL && strcmp(type, "proc") == 0;
  if (!hull_str_has_prefix(clean_dest, "proc/")) return true;
  /* Anything else over /proc could fake the files the runtime writes
   * (CVE-2019-16884): only single files from the allow list. */
  if (!bind_of_file) return false;
  for (size_t i = 0; proc_bind_ok[i]; i++)
    if (strcmp(clean_dest, proc_bind_ok[i]) == 0) return true;
  return false;
}

int hull_propagation_from_name(const char *name, unsigned long *out) {
  static const struct { const char *name; unsigned long v; } t[] = {
      {"private", MS_PRIVATE},     {"rprivate", MS_PRIVATE | MS_REC},
      {"shared", MS_SHARED},       {"rshared", MS_SHARED | MS_REC},
      {"slave", MS_SLAVE},         {"rslave", MS_SLAVE | MS_REC},
      {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
  };
  *out = 0;
  if (name == NULL || *name == '\0') return 0;
  for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
    if (strcmp(t[i].name, name) == 0) {
      *out = t[i].v;
      return 0;
    }
  return -1;
}
