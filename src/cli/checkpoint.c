/* checkpoint/restore: hull has no CRIU support yet. Both refuse cleanly, and
 * `checkpoint --help` exits non-zero: podman reads exit 0 there as "supported". */
#include "cli/cli.h"

#include <string.h>

static const char *const criu_description =
    "   Not supported: hull has no CRIU support yet. The command always fails.";

static const struct hull_opt *no_options(void) {
  static const struct hull_opt none[] = {{NULL, 0, 0, NULL, NULL, NULL}};
  return none;
}

static int refuse(const char *what, int argc, char **argv) {
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      fprintf(stderr, "hull %s: not supported (no CRIU support in this build)\n", what);
      return 1;
    }
  hull_error("%s: not supported: hull has no CRIU support", what);
  return 1;
}

static int run_checkpoint(struct hull_global *g, int argc, char **argv) {
  return refuse("checkpoint", argc, argv);
}
static int run_restore(struct hull_global *g, int argc, char **argv) {
  return refuse("restore", argc, argv);
}

const struct hull_cmd hull_cmd_checkpoint = {
    "checkpoint", "checkpoint a running container (not supported)", "<container-id>",
    criu_description, no_options, run_checkpoint};
const struct hull_cmd hull_cmd_restore = {
    "restore", "restore a container from a checkpoint (not supported)", "<container-id>",
    criu_description, no_options, run_restore};
