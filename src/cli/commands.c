/* The command table, per-command help, and shared parse/fail helpers. */
#include "cli/cli.h"

#include <string.h>

static const struct hull_cmd *const commands[] = {
    &hull_cmd_checkpoint, &hull_cmd_create, &hull_cmd_delete, &hull_cmd_events,
    &hull_cmd_exec,       &hull_cmd_features, &hull_cmd_kill, &hull_cmd_list,
    &hull_cmd_pause,      &hull_cmd_ps,     &hull_cmd_restore, &hull_cmd_resume,
    &hull_cmd_run,        &hull_cmd_spec,   &hull_cmd_start,  &hull_cmd_state,
    &hull_cmd_update,     NULL,
};

const struct hull_cmd *const *hull_cmd_all(void) { return commands; }

const struct hull_cmd *hull_cmd_find(const char *name) {
  for (size_t i = 0; commands[i]; i++)
    if (strcmp(commands[i]->name, name) == 0) return commands[i];
  return NULL;
}

void hull_cmd_print_help(FILE *out, const struct hull_cmd *cmd) {
  fprintf(out, "NAME:\n   hull %s - %s\n\nUSAGE:\n   hull %s %s\n", cmd->name, cmd->summary,
          cmd->name, cmd->usage);
  if (cmd->description) fprintf(out, "\nDESCRIPTION:\n%s\n", cmd->description);
  fprintf(out, "\nOPTIONS:\n");
  hull_opts_print_help(out, cmd->options ? cmd->options() : NULL);
  /* (one command has a section more: not worth a field in every table) */
  if (cmd == &hull_cmd_features) hull_features_print_annotations(out);
}

int hull_cmd_parse(const struct hull_cmd *cmd, const struct hull_opt *opts, int argc,
                   char **argv, int *pos) {
  _cleanup_err_ struct hull_err *err = NULL;
  bool help = false;
  *pos = 1;
  if (hull_opts_parse(opts, argc, argv, pos, &help, &err) < 0) {
    fprintf(stderr, "hull %s: %s\n", cmd->name, err->msg);
    return 1;
  }
  if (help) {
    hull_cmd_print_help(stdout, cmd);
    return 2;
  }
  return 0;
}

int hull_cmd_fail(struct hull_err *err) {
  hull_error("%s", err ? err->msg : "unknown error");
  return 1;
}
