/* The copy-on-write rootfs in the shim: the overlay the runtime made (an
 * inherited detached mount), or made here when the runtime is unprivileged
 * and only the container's user namespace can mount. Attached on the
 * rootfs path in the container's mount namespace only. */
#include "storage/internal.h"

#include <errno.h>
#include <fcntl.h>

int storage_overlay_root(const struct hull_rootfs_opts *opts, struct hull_err **err) {
  if (opts->overlay == NULL) return -2;
  if (opts->overlay_fd >= 0) {
    int fd = fcntl(opts->overlay_fd, F_DUPFD_CLOEXEC, 3);
    if (fd < 0) return hull_err_sys(err, "%s: dup the overlay mount", opts->overlay->cfg->what);
    return fd;
  }
  return hull_overlay_mount(opts->overlay, err);
}
