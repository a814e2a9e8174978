/* LSM labels for the next execve: AppArmor profile and SELinux label,
 * written through a verified procfs fd (CVE-2019-16884). A config that
 * asks for an LSM the host does not have fails clearly. */
#include "security/security.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/statfs.h>

bool hull_apparmor_enabled(void) {
  char buf[4] = {0};
  _cleanup_close_ int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
  return fd >= 0 && read(fd, buf, 1) == 1 && buf[0] == 'Y';
}

bool hull_selinux_enabled(void) {
  struct statfs sfs;
  return statfs("/sys/fs/selinux", &sfs) == 0 && sfs.f_type == SELINUX_MAGIC;
}

static int write_label(const char *path, const char *value, struct hull_err **err) {
  _cleanup_close_ int fd = hull_procfs_open(path, O_WRONLY, err);
  if (fd < 0) return -1;
  if (write(fd, value, strlen(value)) < 0) return hull_err_sys(err, "write %s", path);
  return 0;
}

static int set_apparmor(const char *profile, struct hull_err **err) {
  if (!hull_apparmor_enabled())
    return hull_err_set(err, 0, "process.apparmorProfile \"%s\": AppArmor is not enabled on this host",
                        profile);
  _cleanup_free_ char *value = hull_xasprintf("exec %s", profile);
  /* Kernels >= 5.8 have a per-LSM directory; older ones only attr/exec. */
  _cleanup_err_ struct hull_err *e = NULL;
  if (write_label("thread-self/attr/apparmor/exec", value, &e) == 0) return 0;
  if (e->errnum != ENOENT) {
    *err = hull_steal_ptr(&e);
    return hull_err_prefix(err, "process.apparmorProfile \"%s\"", profile);
  }
  if (write_label("thread-self/attr/exec", value, err) < 0)
    return hull_err_prefix(err, "process.apparmorProfile \"%s\"", profile);
  return 0;
}

static int set_selinux(const char *label, struct hull_err **err) {
  if (!hull_selinux_enabled())
    return hull_err_set(err, 0, "process.selinuxLabel \"%s\": SELinux is not enabled on this host",
                        label);
  if (write_label("thread-self/attr/exec", label, err) < 0)
    return hull_err_prefix(err, "process.selinuxLabel \"%s\"", label);
  return 0;
}

int hull_lsm_set_exec_label(const char *apparmor_profile, const char *selinux_label,
                            struct hull_err **err) {
  if (apparmor_profile && apparmor_profile[0] && set_apparmor(apparmor_profile, err) < 0) return -1;
  if (selinux_label && selinux_label[0] && set_selinux(selinux_label, err) < 0) return -1;
  return 0;
}
