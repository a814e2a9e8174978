/* Placeholders so the tree links while security/ is being written: every
 * entry point fails with ENOSYS and says so. Replaced file by file. */
#include "security/security.h"

#include <errno.h>

int hull_process_apply_attrs(const struct hull_process *p, const struct hull_linux *lx, struct hull_err **err) {
  hull_err_set(err, ENOSYS, "hull_process_apply_attrs: not implemented yet");
  return -1;
}

int hull_identity_apply(const struct hull_process *p, struct hull_err **err) {
  hull_err_set(err, ENOSYS, "hull_identity_apply: not implemented yet");
  return -1;
}

int hull_caps_apply(const struct hull_capabilities *caps, struct hull_err **err) {
  hull_err_set(err, ENOSYS, "hull_caps_apply: not implemented yet");
  return -1;
}

int hull_lsm_set_exec_label(const char *apparmor_profile, const char *selinux_label, struct hull_err **err) {
  hull_err_set(err, ENOSYS, "hull_lsm_set_exec_label: not implemented yet");
  return -1;
}

int hull_seccomp_load(const struct hull_seccomp_filter *f, int *notify_fd, struct hull_err **err) {
  hull_err_set(err, ENOSYS, "hull_seccomp_load: not implemented yet");
  return -1;
}

void hull_seccomp_filter_free(struct hull_seccomp_filter *f) {
}

int hull_seccomp_send_listener(const char *listener_path, int notify_fd, const char *state_json, struct hull_err **err) {
  hull_err_set(err, ENOSYS, "hull_seccomp_send_listener: not implemented yet");
  return -1;
}

int hull_procfs_open(const char *path, int flags, struct hull_err **err) {
  hull_err_set(err, ENOSYS, "hull_procfs_open: not implemented yet");
  return -1;
}

bool hull_apparmor_enabled(void) {
  return false;
}

bool hull_selinux_enabled(void) {
  return false;
}

struct hull_seccomp_filter *hull_seccomp_compile(const struct hull_seccomp *sc,
                                                 struct hull_err **err) {
  hull_err_set(err, ENOSYS, "hull_seccomp_compile: not implemented yet");
  return NULL;
}

static const char *const no_names[] = {NULL};
const char *const *hull_seccomp_action_names(void) { return no_names; }
const char *const *hull_seccomp_operator_names(void) { return no_names; }
const char *const *hull_seccomp_arch_names(void) { return no_names; }
const char *const *hull_seccomp_flag_names(void) { return no_names; }
