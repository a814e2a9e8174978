/* features: what this hull supports, as runtime-spec features.md JSON. */
#include "cli/ctx.h"

static const struct hull_opt *options(void) {
  static const struct hull_opt table[] = {{NULL, 0, 0, NULL, NULL, NULL}};
  return table;
}

static int run(struct hull_global *g, int argc, char **argv) {
  (void)g;
  int pos;
  int r = hull_cmd_parse(&hull_cmd_features, options(), argc, argv, &pos);
  if (r) return r == 2 ? 0 : r;
  if (hull_cli_nargs(&hull_cmd_features, argc, pos, 0)) return 1;
  _cleanup_err_ struct hull_err *err = NULL;
  _cleanup_free_ char *json = hull_features_json(&err);
  if (json == NULL) return hull_cmd_fail(err);
  printf("%s\n", json);
  return 0;
}

/* The annotations with their syntax: the only place a man page shows them. */
void hull_features_print_annotations(FILE *out) {
  fprintf(out, "\nANNOTATIONS:\n");
  for (const char *const *d = hull_annotation_docs(); d[0] && d[1]; d += 2)
    fprintf(out, "   %-26s  %s\n", d[0], d[1]);
}

const struct hull_cmd hull_cmd_features = {"features", "show the features hull supports", "",
                                           NULL, options, run};
