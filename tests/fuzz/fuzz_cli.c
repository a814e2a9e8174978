/* libFuzzer target: the command-line parser. The input is argv, NUL
 * separated; it goes through hull_opts_parse with every command's own
 * option table and with a table of each option kind. Whatever is parsed
 * is dropped before the next input. A refusal must carry a message. */
#include "cli/cli.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 64

static bool b;
static const char *str, *opt;
static int num;
static char **list;
static const struct hull_opt all_kinds[] = {
    {"bool", 'b', HULL_OPT_BOOL, &b, NULL, ""},
    {"string", 's', HULL_OPT_STRING, &str, "S", ""},
    {"int", 'i', HULL_OPT_INT, &num, "N", ""},
    {"list", 'l', HULL_OPT_LIST, &list, "L", ""},
    {"optional", 'o', HULL_OPT_OPTIONAL, &opt, "O", ""},
    {NULL, 0, 0, NULL, NULL, NULL}};

/* Lists are the only allocations: free them, forget the rest (it points
 * into argv). */
static void reset(const struct hull_opt *opts) {
  for (const struct hull_opt *o = opts; o && o->name; o++) {
    if (o->kind == HULL_OPT_LIST) {
      hull_strv_free(*(char ***)o->dest);
      *(char ***)o->dest = NULL;
    } else if (o->kind == HULL_OPT_STRING || o->kind == HULL_OPT_OPTIONAL) {
      *(const char **)o->dest = NULL;
    }
  }
}

static void parse(const struct hull_opt *opts, int argc, char **argv) {
  int pos = 1;
  bool help = false;
  struct hull_err *err = NULL;
  if (hull_opts_parse(opts, argc, argv, &pos, &help, &err) < 0) {
    if (err == NULL || err->msg == NULL || err->msg[0] == '\0') abort();
    hull_err_free(&err);
  } else if (pos < 1 || pos > argc) {
    abort(); /* the first positional must be inside argv */
  }
  reset(opts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *buf = malloc(size + 1);
  if (buf == NULL) return 0;
  memcpy(buf, data, size);
  buf[size] = '\0';
  char *argv[MAX_ARGS + 2] = {(char *)"hull"};
  int argc = 1;
  for (char *p = buf; p < buf + size && argc <= MAX_ARGS; p += strlen(p) + 1) argv[argc++] = p;
  argv[argc] = NULL;
  parse(all_kinds, argc, argv);
  for (const struct hull_cmd *const *c = hull_cmd_all(); *c; c++)
    if ((*c)->options) parse((*c)->options(), argc, argv);
  free(buf);
  return 0;
}
