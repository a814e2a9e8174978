/* Placeholders so the tree links while security/ is being written: every
 * entry point fails with ENOSYS and says so. Replaced file by file. */
#include "security/security.h"

#include <errno.h>

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
