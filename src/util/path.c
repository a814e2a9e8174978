/* Lexical path cleaning, shared by storage (mount destinations, paths
 * resolved in the rootfs) and cgroup (cgroupsPath): pure, no syscalls.
 * Lexical on purpose: the path is never looked up on the host, where a
 * symlink would take ".." elsewhere; openat2 RESOLVE_IN_ROOT resolves it
 * later inside the rootfs. */
#include "util/util.h"

#include <string.h>

char *hull_path_clean(const char *path) {
  size_t len = strlen(path);
  char *out = hull_xmalloc(len + 1);
  size_t o = 0;
  const char *p = path;
  while (*p) {
    while (*p == '/') p++;
    const char *end = strchrnul(p, '/');
    size_t n = (size_t)(end - p);
    if (n == 0 || (n == 1 && p[0] == '.')) {
      /* skip */
    } else if (n == 2 && p[0] == '.' && p[1] == '.') {
      /* Drop the last component; at the root ".." stays at the root. */
      while (o > 0 && out[o - 1] != '/') o--;
      if (o > 0) o--;
    } else {
      if (o > 0) out[o++] = '/';
      memcpy(out + o, p, n);
      o += n;
    }
    p = end;
  }
  out[o] = '\0';
  return out;
}
