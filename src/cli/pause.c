/* pause: freezes every process of a container. */
#include "cli/ctx.h"

static const struct hull_opt *options(void) {
  static const struct hull_opt table[] = {{NULL, 0, 0, NULL, NULL, NULL}};
  return table;
}

static int run(struct hull_global *g, int argc, char **argv) {
  int pos;
  int r = hull_cmd_parse(&hull_cmd_pause, options(), argc, argv, &pos);
  if (r) return r == 2 ? 0 : r;
  if (hull_cli_nargs(&hull_cmd_pause, argc, pos, 1)) return 1;
  _cleanup_err_ struct hull_err *err = NULL;
  struct hull_runtime_ctx ctx = hull_cli_ctx(g);
  if (hull_container_pause(&ctx, argv[pos], true, &err) < 0) return hull_cmd_fail(err);
  return 0;
}

const struct hull_cmd hull_cmd_pause = {"pause", "pause every process of a container",
                                        "<container-id>", NULL, options, run};
