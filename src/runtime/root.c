/* Where state lives by default, and what lives next to the containers. */
#include "runtime/internal.h"
#include "ns/ns.h"
#include "security/security.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

/* True when this process runs inside a user namespace other than the
 * initial one (rootless podman runs the runtime as uid 0 in its own). */
bool hull_runtime_in_userns(void) { return !hull_ns_in_initial_userns(); }

const char *hull_runtime_default_root(void) {
  static char path[4096];
  if (geteuid() == 0 && !hull_runtime_in_userns()) return "/run/hull";
  const char *xdg = getenv("XDG_RUNTIME_DIR");
  if (xdg && *xdg)
    snprintf(path, sizeof(path), "%s/hull", xdg);
  else
    snprintf(path, sizeof(path), "/run/user/%u/hull", (unsigned)geteuid());
  return path;
}

struct hull_seccomp_filter *hull_runtime_seccomp(const struct hull_runtime_ctx *ctx,
                                                 const struct hull_seccomp *sc,
                                                 struct hull_err **err) {
  _cleanup_free_ char *dir = hull_xasprintf("%s/.seccomp-cache", ctx->root);
  hull_seccomp_set_cache_dir(dir);
  struct hull_seccomp_filter *f = hull_seccomp_compile(sc, err);
  if (f == NULL) hull_err_prefix(err, "linux.seccomp");
  return f;
}

int hull_preserved_fds_check(int n, const char *what, struct hull_err **err) {
  for (int fd = 3; fd < 3 + n; fd++)
    if (fcntl(fd, F_GETFD) < 0)
      return hull_err_set(err, EBADF, "%s %d: fd %d is not open (fds 3 to %d must be)", what, n,
                          fd, 2 + n);
  return 0;
}
