/* create: sets a container up and leaves it waiting for `start`. */
#include "cli/ctx.h"

static struct hull_create_opts o;

static const struct hull_opt *options(void) {
  static const struct hull_opt table[] = {
      {"bundle", 'b', HULL_OPT_STRING, &o.bundle, "DIR", "path to the bundle (default: cwd)"},
      {"pid-file", 0, HULL_OPT_STRING, &o.pid_file, "FILE", "write the init's pid to FILE"},
      {"console-socket", 0, HULL_OPT_STRING, &o.console_socket, "PATH",
       "unix socket receiving the pty master (process.terminal)"},
      {"pidfd-socket", 0, HULL_OPT_STRING, &o.pidfd_socket, "PATH",
       "unix socket receiving a pidfd of the container's init (SCM_RIGHTS)"},
      {"init", 0, HULL_OPT_BOOL, &o.init, NULL,
       "PID 1 is hull's reaper: forwards signals, reaps zombies (annotation run.hull.init)"},
      {"no-pivot", 0, HULL_OPT_BOOL, &o.no_pivot, NULL, "do not use pivot_root"},
      {"no-new-keyring", 0, HULL_OPT_BOOL, &o.no_new_keyring, NULL,
       "do not create a new session keyring"},
      {"preserve-fds", 0, HULL_OPT_INT, &o.preserve_fds, "N",
       "pass fds 3..N+2 (all open) to the container"},
      {"net", 0, HULL_OPT_STRING, &o.net_mode, "MODE",
       "network of a new netns: none, veth, pasta or slirp4netns (overrides annotation "
       "run.hull.net; veth options are run.hull.net.* annotations, see `hull features`)"},
      {"overlay", 0, HULL_OPT_OPTIONAL, &o.overlay, "VALUE",
       "copy-on-write rootfs on overlayfs, the bundle is never written: true (default), "
       "false, volatile, lower=DIR[:DIR...] (top first; root.path is the mount point), "
       "upper=DIR (changes kept in DIR); comma-separated (overrides annotation "
       "run.hull.rootfs.overlay)"},
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
