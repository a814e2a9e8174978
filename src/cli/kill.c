/* kill ID [SIGNAL]: a name ("KILL", "SIGKILL") or number; TERM by default. */
#include "cli/ctx.h"

static bool all;

static const struct hull_opt *options(void) {
  static const struct hull_opt table[] = {
      {"all", 'a', HULL_OPT_BOOL, &all, NULL, "signal every process of the container"},
      {NULL, 0, 0, NULL, NULL, NULL}};
  return table;
}

static int run(struct hull_global *g, int argc, char **argv) {
  int pos;
  int r = hull_cmd_parse(&hull_cmd_kill, options(), argc, argv, &pos);
  if (r) return r == 2 ? 0 : r;
  /* runc accepts flags after the id too ("kill ID 9 --all" is not sent by
   * clients, but "kill --all ID 9" is). */
  if (argc - pos < 1 || argc - pos > 2) return hull_cli_nargs(&hull_cmd_kill, argc, pos, 1);
  const char *sname = argc - pos == 2 ? argv[pos + 1] : "TERM";
  int sig = hull_signal_parse(sname);
  if (sig < 0) {
    hull_error("kill: unknown signal \"%s\"", sname);
    return 1;
  }
  _cleanup_err_ struct hull_err *err = NULL;
  struct hull_runtime_ctx ctx = hull_cli_ctx(g);
  if (hull_container_kill(&ctx, argv[pos], sig, all, &err) < 0) return hull_cmd_fail(err);
  return 0;
}

const struct hull_cmd hull_cmd_kill = {"kill", "send a signal to a container's init",
                                       "[command options] <container-id> [signal]",
                                       "SIGNAL is a name (KILL, SIGKILL, kill) or a number; TERM by default. "
                                       "0 sends nothing: it fails (\"container not running\") unless the init is alive. "
                                       "--all signals every process in the container's cgroup.",
                                       options, run};
