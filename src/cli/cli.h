/* cli: one file per subcommand. Each parses its flags with the shared option
 * table parser, calls runtime/, and prints. Returns the process exit code. */
#ifndef HULL_CLI_H
#define HULL_CLI_H

#include "util/util.h"

#include <stdbool.h>

enum hull_rootless_mode { HULL_ROOTLESS_AUTO, HULL_ROOTLESS_FALSE, HULL_ROOTLESS_TRUE };

/* Global flags, parsed by main before the subcommand. */
struct hull_global {
  const char *root;           /* state directory (resolved default if not given) */
  const char *log;
  enum hull_log_format log_format;
  bool debug;
  bool systemd_cgroup;
  enum hull_rootless_mode rootless;
  const char *cgroup_manager; /* "cgroupfs" | "systemd" | "disabled" */
};

/* ---- option tables ----------------------------------------------------- */
enum hull_opt_kind {
  HULL_OPT_BOOL,   /* --flag, --flag=true|false */
  HULL_OPT_STRING, /* --flag V, --flag=V; last one wins */
  HULL_OPT_INT,    /* decimal integer into an int */
  HULL_OPT_LIST,   /* repeatable string, appended to a char** vector */
  HULL_OPT_OPTIONAL, /* --flag (stores ""), --flag=V; never takes the next
                        argument (it would eat the container id) */
};

struct hull_opt {
  const char *name;      /* long name without dashes */
  char short_name;       /* 0: none */
  enum hull_opt_kind kind;
  void *dest;            /* bool*, const char**, int*, char*** */
  const char *arg_name;  /* shown in help, e.g. "FILE" */
  const char *help;
};

/* Parses options from argv[*pos] on, stopping at the first positional
 * argument or after "--". Accepts --name V, --name=V, -name V (single-dash
 * long form, as Go's flag package does), -s V, -sV. Unknown flags fail. */
int hull_opts_parse(const struct hull_opt *opts, int argc, char **argv, int *pos,
                    bool *want_help, struct hull_err **err);
void hull_opts_print_help(FILE *out, const struct hull_opt *opts);

/* ---- commands ---------------------------------------------------------- */
struct hull_cmd {
  const char *name;
  const char *summary;
  const char *usage;     /* "[command options] <container-id>" */
  const char *description;
  const struct hull_opt *(*options)(void); /* NULL-name terminated table for help */
  int (*run)(struct hull_global *g, int argc, char **argv);
};

const struct hull_cmd *hull_cmd_find(const char *name);
const struct hull_cmd *const *hull_cmd_all(void);
void hull_cmd_print_help(FILE *out, const struct hull_cmd *cmd);
/* The ANNOTATIONS section of `hull help features` (and so of its man page). */
void hull_features_print_annotations(FILE *out);

/* Parses a command's options with its table, prints help on --help/-h.
 * Returns 0 to go on (*pos at the first positional), 1 on error (already
 * printed), 2 when help was printed (the caller exits 0). */
int hull_cmd_parse(const struct hull_cmd *cmd, const struct hull_opt *opts,
                   int argc, char **argv, int *pos);
/* Prints an error for the command through the logger; returns exit code 1. */
int hull_cmd_fail(struct hull_err *err);

#define HULL_CMD_DECLARE(n) extern const struct hull_cmd hull_cmd_##n
HULL_CMD_DECLARE(checkpoint);
HULL_CMD_DECLARE(create);
HULL_CMD_DECLARE(delete);
HULL_CMD_DECLARE(events);
HULL_CMD_DECLARE(exec);
HULL_CMD_DECLARE(features);
HULL_CMD_DECLARE(kill);
HULL_CMD_DECLARE(list);
HULL_CMD_DECLARE(pause);
HULL_CMD_DECLARE(ps);
HULL_CMD_DECLARE(restore);
HULL_CMD_DECLARE(resume);
HULL_CMD_DECLARE(run);
HULL_CMD_DECLARE(spec);
HULL_CMD_DECLARE(start);
HULL_CMD_DECLARE(state);
HULL_CMD_DECLARE(update);

#endif
