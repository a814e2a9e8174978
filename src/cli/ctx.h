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

#endif
