/* Placeholders so the tree links while net/ is being written: every
 * entry point fails with ENOSYS and says so. Replaced file by file. */
#include "net/net.h"

#include <errno.h>

int hull_net_setup(const struct hull_spec *spec, const struct hull_net_ctx *ctx, struct hull_err **err) {
  hull_err_set(err, ENOSYS, "hull_net_setup: not implemented yet");
  return -1;
}

int hull_net_teardown(const struct hull_spec *spec, const struct hull_net_ctx *ctx, struct hull_err **err) {
  hull_err_set(err, ENOSYS, "hull_net_teardown: not implemented yet");
  return -1;
}
