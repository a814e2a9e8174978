/* delete: removes a stopped (or, with --force, any) container. */
#include "cli/ctx.h"

static bool force;

static const struct hull_opt *options(void) {
  static const struct hull_opt table[] = {
      {"force", 'f', HULL_OPT_BOOL, &force, NULL,
       "kill the container if it runs; succeed when it does not exist"},
      {NULL, 0, 0, NULL, NULL, NULL}};
  return table;
}

static int run(struct hull_global *g, int argc, char **argv) {
  int pos;
  int r = hull_cmd_parse(&hull_cmd_delete, options(), argc, argv, &pos);
  if (r) return r == 2 ? 0 : r;
  if (hull_cli_nargs(&hull_cmd_delete, argc, pos, 1)) return 1;
  _cleanup_err_ struct hull_err *err = NULL;
  struct hull_runtime_ctx ctx = hull_cli_ctx(g);
  if (hull_container_delete(&ctx, argv[pos], force, &err) < 0) return hull_cmd_fail(err);
  return 0;
}

const struct hull_cmd hull_cmd_delete = {"delete", "delete a container", "[command options] <container-id>",
                                         "Removes a stopped or created container: its processes, cgroup, network and state. "
                                         "A running or paused one needs --force; --force on an absent container exits 0.",
                                         options, run};
