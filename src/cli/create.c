/* create: sets a container up and leaves it waiting for `start`. */
#include "cli/ctx.h"

static struct hull_create_opts o;

static const struct hull_opt *options(void) {
  static const struct hull_opt table[] = {
      HULL_CREATE_OPTS_FIRST(o),
      HULL_CREATE_OPTS_LAST(o),
      {NULL, 0, 0, NULL, NULL, NULL}};
  return table;
}

static int run(struct hull_global *g, int argc, char **argv) {
  int pos;
  int r = hull_cmd_parse(&hull_cmd_create, options(), argc, argv, &pos);
  if (r) return r == 2 ? 0 : r;
  if (hull_cli_nargs(&hull_cmd_create, argc, pos, 1)) return 1;
  _cleanup_err_ struct hull_err *err = NULL;
  if (o.preserve_fds < 0) {
    hull_error("create: --preserve-fds: must not be negative");
    return 1;
  }
  struct hull_runtime_ctx ctx = hull_cli_ctx(g);
  int code;
  if (hull_container_create(&ctx, argv[pos], &o, &code, &err) < 0) return hull_cmd_fail(err);
  return 0;
}

const struct hull_cmd hull_cmd_create = {
    "create", "create a container", "[command options] <container-id>",
    "Creates the container from the bundle's config.json; `start` runs its process.", options,
    run};
