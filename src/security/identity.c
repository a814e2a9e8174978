/* Process identity: supplementary groups, gid, uid. Capabilities survive
 * the uid change (PR_SET_KEEPCAPS) so hull_caps_apply can still set the
 * configured sets afterwards. */
#include "security/security.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

/* In a user namespace whose setgroups file says "deny", setgroups(2)
 * always fails: only an empty request can be honoured, by skipping it. */
static bool setgroups_denied(void) {
  _cleanup_err_ struct hull_err *err = NULL;
  _cleanup_close_ int fd = hull_procfs_open("self/setgroups", O_RDONLY, &err);
  if (fd < 0) return false;
  char buf[16] = {0};
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  return n > 0 && strncmp(buf, "deny", 4) == 0;
}

static int apply_groups(const struct hull_process *p, struct hull_err **err) {
  _Static_assert(sizeof(gid_t) == sizeof(uint32_t), "gid_t is 32 bits");
  const gid_t *gids = (const gid_t *)p->additional_gids;
  if (setgroups(p->n_additional_gids, p->n_additional_gids ? gids : NULL) == 0) return 0;
  int e = errno;
  if (e == EPERM && setgroups_denied()) {
    if (p->n_additional_gids == 0) return 0;
    return hull_err_set(err, e, "process.user.additionalGids: setgroups is denied in this user namespace (/proc/self/setgroups is \"deny\")");
  }
  return hull_err_set(err, e, "process.user.additionalGids: setgroups(%zu groups)", p->n_additional_gids);
}

int hull_identity_apply(const struct hull_process *p, struct hull_err **err) {
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) return hull_err_sys(err, "prctl(PR_SET_KEEPCAPS)");
  if (apply_groups(p, err) < 0) return -1;
  /* The raw syscalls, not glibc's wrappers: glibc broadcasts set*id to
   * every thread, which is right for a normal program but the shim is
   * single-threaded and the raw call gives the exact errno. */
  if (syscall(SYS_setresgid, p->gid, p->gid, p->gid) < 0)
    return hull_err_sys(err, "process.user.gid: setresgid(%u)", p->gid);
  if (syscall(SYS_setresuid, p->uid, p->uid, p->uid) < 0)
    return hull_err_sys(err, "process.user.uid: setresuid(%u)", p->uid);
  return 0;
}
