/* state ID: prints the OCI state of a container as JSON. */
#include "cli/ctx.h"

static const struct hull_opt *options(void) {
  static const struct hull_opt table[] = {{NULL, 0, 0, NULL, NULL, NULL}};
  return table;
}

static int run(struct hull_global *g, int argc, char **argv) {
  int pos;
  int r = hull_cmd_parse(&hull_cmd_state, options(), argc, argv, &pos);
  if (r) return r == 2 ? 0 : r;
  if (hull_cli_nargs(&hull_cmd_state, argc, pos, 1)) return 1;
  _cleanup_err_ struct hull_err *err = NULL;
  _cleanup_state_ struct hull_state *st = hull_state_load(g->root, argv[pos], &err);
  if (st == NULL) return hull_cmd_fail(err);
  enum hull_status s = hull_container_status(g->root, st);
  _cleanup_free_ char *json = hull_state_oci_json(st, s, true, &err);
  if (json == NULL) return hull_cmd_fail(err);
  printf("%s\n", json);
  return 0;
}

const struct hull_cmd hull_cmd_state = {"state", "output the state of a container",
                                        "<container-id>",
                                        "Prints the OCI state of the container as JSON.",
                                        options, run};
