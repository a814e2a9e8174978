/* list: every container under --root, as a table, JSON, or ids only.
 * Half-made directories (no readable state.json yet) are skipped. */
#include "cli/ctx.h"

#include <dirent.h>
#include <pwd.h>
#include <yajl/yajl_gen.h>

static const char *format;
static bool quiet;

static const struct hull_opt *options(void) {
  static const struct hull_opt table[] = {
      {"format", 'f', HULL_OPT_STRING, &format, "table|json", "output format (default: table)"},
      {"quiet", 'q', HULL_OPT_BOOL, &quiet, NULL, "print only container ids"},
      {NULL, 0, 0, NULL, NULL, NULL}};
  return table;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **container_ids(const char *root) {
  char **ids = hull_xcalloc(1, sizeof(char *));
  DIR *d = opendir(root);
  if (d == NULL) return ids;
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (e->d_type == DT_DIR && hull_id_valid(e->d_name)) hull_strv_append(&ids, e->d_name);
  closedir(d);
  qsort(ids, hull_strv_len(ids), sizeof(char *), cmp_str);
  return ids;
}

static void print_table_row(const struct hull_state *st, enum hull_status s) {
  printf("%-12s %-10d %-10s %-40s %-30s %s\n", st->id,
         s == HULL_STATUS_STOPPED ? 0 : (int)st->pid, hull_status_name(s),
         st->bundle ? st->bundle : "", st->created ? st->created : "",
         st->owner ? st->owner : "");
}

static int run(struct hull_global *g, int argc, char **argv) {
  int pos;
  format = NULL;
  int r = hull_cmd_parse(&hull_cmd_list, options(), argc, argv, &pos);
  if (r) return r == 2 ? 0 : r;
  bool json = format && strcmp(format, "json") == 0;
  if (format && !json && strcmp(format, "table") != 0) {
    hull_error("list: --format: expected table or json, got \"%s\"", format);
    return 1;
  }
  _cleanup_strv_ char **ids = container_ids(g->root);
  if (!json && !quiet) printf("%-12s %-10s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS",
                              "BUNDLE", "CREATED", "OWNER");
  if (json) printf("[");
  bool first = true;
  for (size_t i = 0; ids[i]; i++) {
    _cleanup_state_ struct hull_state *st = hull_state_load(g->root, ids[i], NULL);
    if (st == NULL) continue;
    enum hull_status s = hull_container_status(g->root, st);
    if (quiet) {
      printf("%s\n", st->id);
    } else if (json) {
      _cleanup_free_ char *j = hull_state_oci_json(st, s, false, NULL);
      if (j) printf("%s%s", first ? "" : ",", j);
      first = false;
    } else {
      print_table_row(st, s);
    }
  }
  if (json) printf("]\n");
  return 0;
}

const struct hull_cmd hull_cmd_list = {"list", "list containers started by hull with the given root",
                                       "[command options]", NULL, options, run};
