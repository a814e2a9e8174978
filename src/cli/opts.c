/* The one option parser every subcommand and main use. */
#include "cli/cli.h"

#include <string.h>

static const struct hull_opt *find_long(const struct hull_opt *opts, const char *name,
                                        size_t len) {
  for (const struct hull_opt *o = opts; o->name; o++)
    if (strlen(o->name) == len && strncmp(o->name, name, len) == 0) return o;
  return NULL;
}

static const struct hull_opt *find_short(const struct hull_opt *opts, char c) {
  for (const struct hull_opt *o = opts; o->name; o++)
    if (o->short_name && o->short_name == c) return o;
  return NULL;
}

static int parse_bool(const char *v, bool *out) {
  if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0) *out = true;
  else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0) *out = false;
  else return -1;
  return 0;
}

/* Stores value (NULL for a bare bool) into the option's destination. */
static int store(const struct hull_opt *o, const char *shown, const char *value,
                 struct hull_err **err) {
  switch (o->kind) {
  case HULL_OPT_BOOL:
    if (value == NULL) {
      *(bool *)o->dest = true;
    } else if (parse_bool(value, (bool *)o->dest) < 0) {
      return hull_err_set(err, 0, "invalid value \"%s\" for flag %s: expected true or false",
                          value, shown);
    }
    return 0;
  case HULL_OPT_OPTIONAL:
    *(const char **)o->dest = value ? value : "";
    return 0;
  case HULL_OPT_STRING:
    *(const char **)o->dest = value;
    return 0;
  case HULL_OPT_INT: {
    int64_t v;
    if (hull_parse_int64(value, &v) < 0 || v < INT32_MIN || v > INT32_MAX)
      return hull_err_set(err, 0, "invalid value \"%s\" for flag %s: expected an integer",
                          value, shown);
    *(int *)o->dest = (int)v;
    return 0;
  }
  case HULL_OPT_LIST:
    hull_strv_append((char ***)o->dest, value);
    return 0;
  }
  return -1;
}

/* One "--name[=v]" or "-name[=v]" argument. */
static int parse_long(const struct hull_opt *opts, int argc, char **argv, int *pos,
                      const char *body, struct hull_err **err) {
  const char *eq = strchr(body, '=');
  size_t len = eq ? (size_t)(eq - body) : strlen(body);
  const struct hull_opt *o = find_long(opts, body, len);
  if (o == NULL) {
    return hull_err_set(err, 0, "flag provided but not defined: -%.*s", (int)len, body);
  }
  char shown[128];
  snprintf(shown, sizeof(shown), "--%s", o->name);
  if (eq) return store(o, shown, eq + 1, err);
  if (o->kind == HULL_OPT_BOOL || o->kind == HULL_OPT_OPTIONAL) return store(o, shown, NULL, err);
  if (*pos + 1 >= argc) return hull_err_set(err, 0, "flag needs an argument: %s", shown);
  return store(o, shown, argv[++*pos], err);
}

/* "-s", "-sVALUE", "-s VALUE", or a cluster of bool flags "-dt". */
static int parse_short(const struct hull_opt *opts, int argc, char **argv, int *pos,
                       const char *body, struct hull_err **err) {
  for (const char *c = body; *c; c++) {
    const struct hull_opt *o = find_short(opts, *c);
    if (o == NULL) return hull_err_set(err, 0, "flag provided but not defined: -%c", *c);
    char shown[4] = {'-', *c, 0, 0};
    if (o->kind == HULL_OPT_BOOL || o->kind == HULL_OPT_OPTIONAL) {
      if (store(o, shown, NULL, err) < 0) return -1;
      continue;
    }
    if (c[1] != '\0') return store(o, shown, c[1] == '=' ? c + 2 : c + 1, err);
    if (*pos + 1 >= argc) return hull_err_set(err, 0, "flag needs an argument: %s", shown);
    return store(o, shown, argv[++*pos], err);
  }
  return 0;
}

int hull_opts_parse(const struct hull_opt *opts, int argc, char **argv, int *pos,
                    bool *want_help, struct hull_err **err) {
  for (; *pos < argc; ++*pos) {
    const char *a = argv[*pos];
    if (strcmp(a, "--") == 0) {
      ++*pos;
      return 0;
    }
    if (a[0] != '-' || a[1] == '\0') return 0; /* first positional */
    if (strcmp(a, "--help") == 0 || strcmp(a, "-help") == 0 || strcmp(a, "-h") == 0) {
      if (want_help) *want_help = true;
      continue;
    }
    if (a[1] == '-') {
      if (parse_long(opts, argc, argv, pos, a + 2, err) < 0) return -1;
      continue;
    }
    /* Single dash: Go-style long flag ("-no-subreaper") when the name is
     * known as a long flag, else short flags. */
    const char *eq = strchr(a + 1, '=');
    size_t len = eq ? (size_t)(eq - a - 1) : strlen(a + 1);
    int r = (len > 1 && find_long(opts, a + 1, len))
                ? parse_long(opts, argc, argv, pos, a + 1, err)
                : parse_short(opts, argc, argv, pos, a + 1, err);
    if (r < 0) return -1;
  }
  return 0;
}

void hull_opts_print_help(FILE *out, const struct hull_opt *opts) {
  for (const struct hull_opt *o = opts; o && o->name; o++) {
    char left[96];
    int n = snprintf(left, sizeof(left), "   --%s", o->name);
    if (o->short_name) n += snprintf(left + n, sizeof(left) - (size_t)n, ", -%c", o->short_name);
    if (o->arg_name && o->kind == HULL_OPT_OPTIONAL)
      snprintf(left + n, sizeof(left) - (size_t)n, "[=%s]", o->arg_name);
    else if (o->arg_name) snprintf(left + n, sizeof(left) - (size_t)n, " %s", o->arg_name);
    fprintf(out, "%-36s %s\n", left, o->help);
  }
  fprintf(out, "%-36s %s\n", "   --help, -h", "show help");
}
