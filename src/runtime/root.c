/* Where state lives by default. */
#include "runtime/runtime.h"

#include <string.h>

/* True when this process runs inside a user namespace other than the
 * initial one (rootless podman runs the runtime as uid 0 in its own). */
static bool in_user_namespace(void) {
  _cleanup_free_ char *map = hull_read_file("/proc/self/uid_map", NULL, NULL);
  if (map == NULL) return false;
  unsigned long inside, outside, count;
  if (sscanf(map, "%lu %lu %lu", &inside, &outside, &count) != 3) return false;
  return !(inside == 0 && outside == 0 && count == 4294967295UL);
}

const char *hull_runtime_default_root(void) {
  static char path[4096];
  if (geteuid() == 0 && !in_user_namespace()) return "/run/hull";
  const char *xdg = getenv("XDG_RUNTIME_DIR");
  if (xdg && *xdg)
    snprintf(path, sizeof(path), "%s/hull", xdg);
  else
    snprintf(path, sizeof(path), "/run/user/%u/hull", (unsigned)geteuid());
  return path;
}
