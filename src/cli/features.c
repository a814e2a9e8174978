/* features: placeholder until the lifecycle work lands; refuses with a clear error. */
#include "cli/cli.h"

static const struct hull_opt *options(void) {
  static const struct hull_opt table[] = {{NULL, 0, 0, NULL, NULL, NULL}};
  return table;
}

static int run(struct hull_global *g, int argc, char **argv) {
  int pos;
  int r = hull_cmd_parse(&hull_cmd_features, options(), argc, argv, &pos);
  if (r) return r == 2 ? 0 : r;
  hull_error("features: not implemented yet");
  return 1;
}

const struct hull_cmd hull_cmd_features = {"features", "features (not implemented yet)", "<container-id>", NULL,
                                     options, run};
