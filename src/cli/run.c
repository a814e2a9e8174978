/* run: create + start in one go; in the foreground it forwards signals,
 * proxies the terminal and exits with the container's status. */
#include "cli/ctx.h"

static struct hull_create_opts o;

static const struct hull_opt *options(void) {
  static const struct hull_opt table[] = {
      HULL_CREATE_OPTS_FIRST(o),
      {"detach", 'd', HULL_OPT_BOOL, &o.detach, NULL, "detach from the container's process"},
      {"keep", 0, HULL_OPT_BOOL, &o.keep, NULL, "do not delete the container after it exits"},
      {"no-subreaper", 0, HULL_OPT_BOOL, &o.no_subreaper, NULL,
       "do not become a subreaper of the container's processes"},
      HULL_CREATE_OPTS_LAST(o),
      {NULL, 0, 0, NULL, NULL, NULL}};
  return table;
}

static int run(struct hull_global *g, int argc, char **argv) {
  int pos;
  int r = hull_cmd_parse(&hull_cmd_run, options(), argc, argv, &pos);
  if (r) return r == 2 ? 0 : r;
  if (hull_cli_nargs(&hull_cmd_run, argc, pos, 1)) return 1;
  _cleanup_err_ struct hull_err *err = NULL;
  if (o.preserve_fds < 0) {
    hull_error("run: --preserve-fds: must not be negative");
    return 1;
  }
  o.run = true;
  struct hull_runtime_ctx ctx = hull_cli_ctx(g);
  int code = 0;
  if (hull_container_create(&ctx, argv[pos], &o, &code, &err) < 0) {
    hull_cmd_fail(err);
    return code ? code : 1;
  }
  return code;
}

const struct hull_cmd hull_cmd_run = {
    "run", "create and run a container", "[command options] <container-id>",
    "Creates and starts the container; in the foreground, exits with its status "
    "(128+N when killed by signal N) and deletes it unless --keep.",
    options, run};
