/* Shared by the lifecycle commands: the runtime context from global flags,
 * and the one-positional-id check. */
#ifndef HULL_CLI_CTX_H
#define HULL_CLI_CTX_H

#include "cli/cli.h"
#include "runtime/runtime.h"

#include <string.h>

/* --rootless auto, as runc: an unprivileged user, or root inside a user
 * namespace someone else made (rootless podman runs us so). */
static inline struct hull_runtime_ctx hull_cli_ctx(const struct hull_global *g) {
  struct hull_runtime_ctx ctx = {
      .root = g->root,
      .cgroup_manager = g->cgroup_manager ? g->cgroup_manager : "cgroupfs",
      .rootless = g->rootless == HULL_ROOTLESS_TRUE ||
                  (g->rootless == HULL_ROOTLESS_AUTO &&
                   (geteuid() != 0 || hull_runtime_in_userns())),
  };
  return ctx;
}

/* Exactly `want` positionals from pos (want < 0: at least -want). */
static inline int hull_cli_nargs(const struct hull_cmd *cmd, int argc, int pos, int want) {
  int have = argc - pos;
  if ((want >= 0 && have != want) || (want < 0 && have < -want)) {
    hull_error("%s: %s %d argument%s, got %d (usage: hull %s %s)", cmd->name,
               want >= 0 ? "expects exactly" : "expects at least", want >= 0 ? want : -want,
               (want == 1 || want == -1) ? "" : "s", have, cmd->name, cmd->usage);
    return 1;
  }
  return 0;
}

/* The options create and run share, in their help's order (run puts its
 * own between the two), written once so the two cannot drift apart; o is
 * the command's struct hull_create_opts. */
#define HULL_CREATE_OPTS_FIRST(o) \
  {"bundle", 'b', HULL_OPT_STRING, &(o).bundle, "DIR", "path to the bundle (default: cwd)"}, \
  {"pid-file", 0, HULL_OPT_STRING, &(o).pid_file, "FILE", "write the init's pid to FILE"}, \
  {"console-socket", 0, HULL_OPT_STRING, &(o).console_socket, "PATH", \
   "unix socket receiving the pty master (process.terminal)"}, \
  {"pidfd-socket", 0, HULL_OPT_STRING, &(o).pidfd_socket, "PATH", \
   "unix socket receiving a pidfd of the container's init (SCM_RIGHTS)"}
#define HULL_CREATE_OPTS_LAST(o) \
  {"init", 0, HULL_OPT_BOOL, &(o).init, NULL, \
   "PID 1 is hull's reaper: forwards signals, reaps zombies (annotation run.hull.init)"}, \
  {"no-pivot", 0, HULL_OPT_BOOL, &(o).no_pivot, NULL, "do not use pivot_root"}, \
  {"no-new-keyring", 0, HULL_OPT_BOOL, &(o).no_new_keyring, NULL, \
   "do not create a new session keyring"}, \
  {"preserve-fds", 0, HULL_OPT_INT, &(o).preserve_fds, "N", \
   "pass fds 3..N+2 (all open) to the container"}, \
  {"net", 0, HULL_OPT_STRING, &(o).net_mode, "MODE", \
   "network of a new netns: none, veth, pasta or slirp4netns (overrides annotation " \
   "run.hull.net; veth options are run.hull.net.* annotations, see `hull features`)"}, \
  {"overlay", 0, HULL_OPT_OPTIONAL, &(o).overlay, "VALUE", \
   "copy-on-write rootfs on overlayfs, the bundle is never written: true (default), " \
   "false, volatile, lower=DIR[:DIR...] (top first; root.path is the mount point), " \
   "upper=DIR (changes kept in DIR); comma-separated (overrides annotation " \
   "run.hull.rootfs.overlay)"}

#endif
