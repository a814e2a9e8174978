/* The reaper's executable: the embedded hull-init copied into a memfd and
 * sealed, so PID 1's /proc/<pid>/exe is an anonymous file nobody can
 * write, grow, shrink or chmod (CVE-2019-5736 has nothing to overwrite),
 * and no host path is looked up at container start. */
#include "init/init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

extern const unsigned char hull_reaper_blob[];
extern const unsigned char hull_reaper_blob_end[];

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif

size_t hull_reaper_size(void) {
  /* Two linker symbols are two objects to C: subtracting the pointers is
   * undefined, their addresses as integers is not. */
  return (size_t)((uintptr_t)hull_reaper_blob_end - (uintptr_t)hull_reaper_blob);
}

int hull_reaper_memfd(struct hull_err **err) {
  const unsigned flags = MFD_CLOEXEC | MFD_ALLOW_SEALING;
  /* MFD_EXEC: executable even where vm.memfd_noexec defaults to noexec;
   * kernels before 6.3 do not know it (EINVAL) and are executable anyway. */
  int fd = (int)syscall(SYS_memfd_create, "hull-init", flags | MFD_EXEC);
  if (fd < 0 && errno == EINVAL) fd = (int)syscall(SYS_memfd_create, "hull-init", flags);
  if (fd < 0) return hull_err_sys(err, "run.hull.init: memfd_create");
  _cleanup_close_ int mfd = fd;
  size_t len = hull_reaper_size(), off = 0;
  while (off < len) {
    ssize_t w = write(mfd, hull_reaper_blob + off, len - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return hull_err_sys(err, "run.hull.init: write the reaper to its memfd");
    off += (size_t)w;
  }
  if (fchmod(mfd, 0555) < 0) return hull_err_sys(err, "run.hull.init: fchmod memfd");
  int seals = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL;
  /* F_SEAL_EXEC (6.3+) also freezes the mode bits; older kernels: EINVAL. */
  if (fcntl(mfd, F_ADD_SEALS, seals | F_SEAL_EXEC) < 0 &&
      (errno != EINVAL || fcntl(mfd, F_ADD_SEALS, seals) < 0))
    return hull_err_sys(err, "run.hull.init: seal the reaper's memfd");
  return hull_steal_fd(&mfd);
}
