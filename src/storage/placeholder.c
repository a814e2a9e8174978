/* Placeholders so the tree links while storage/ is being written: every
 * entry point fails with ENOSYS and says so. Replaced file by file. */
#include "storage/storage.h"

#include <errno.h>

int hull_rootfs_prepare(const struct hull_spec *spec, const struct hull_rootfs_opts *opts, struct hull_err **err) {
  hull_err_set(err, ENOSYS, "hull_rootfs_prepare: not implemented yet");
  return -1;
}

int hull_rootfs_finish(const struct hull_spec *spec, const struct hull_rootfs_opts *opts, struct hull_err **err) {
  hull_err_set(err, ENOSYS, "hull_rootfs_finish: not implemented yet");
  return -1;
}

int hull_open_in_root(int rootfd, const char *path, int flags, mode_t mode, struct hull_err **err) {
  hull_err_set(err, ENOSYS, "hull_open_in_root: not implemented yet");
  return -1;
}

int hull_mkdir_in_root(int rootfd, const char *path, mode_t mode, struct hull_err **err) {
  hull_err_set(err, ENOSYS, "hull_mkdir_in_root: not implemented yet");
  return -1;
}

int hull_mount_flags_parse(char *const *options, struct hull_mount_flags *out, struct hull_err **err) {
  hull_err_set(err, ENOSYS, "hull_mount_flags_parse: not implemented yet");
  return -1;
}

void hull_mount_flags_free(struct hull_mount_flags *f) {
}

static const char *const no_names[] = {NULL};
const char *const *hull_mount_option_names(void) { return no_names; }
