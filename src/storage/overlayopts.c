/* The copy-on-write rootfs request (`--overlay[=VALUE]`, annotation
 * run.hull.rootfs.overlay) parsed into a hull_overlay_cfg. Pure: no
 * syscalls, unit-tested. The grammar is in storage.h. */
#include "storage/storage.h"

#include <errno.h>
#include <string.h>

void hull_overlay_cfg_free(struct hull_overlay_cfg *c) {
  if (c == NULL) return;
  const char *what = c->what;
  hull_strv_free(c->lower);
  free(c->upper);
  memset(c, 0, sizeof(*c));
  c->what = what;
}

/* A layer directory: absolute, and nothing overlayfs' option syntax or a
 * later path walk would read differently (',' ':' '\\' and newlines, "."
 * and ".." components). Trailing slashes are dropped. */
static char *check_dir(const char *what, const char *key, const char *dir, size_t len,
                       struct hull_err **err) {
  _cleanup_free_ char *d = hull_xasprintf("%.*s", (int)len, dir);
  if (*d == '\0') return hull_err_set(err, EINVAL, "%s: %s: empty directory", what, key), NULL;
  if (d[0] != '/')
    return hull_err_set(err, EINVAL, "%s: %s: \"%s\" is not an absolute path", what, key, d), NULL;
  if (strpbrk(d, ":,\\\n") != NULL)
    return hull_err_set(err, EINVAL, "%s: %s: \"%s\" contains ':', ',', '\\' or a newline",
                        what, key, d), NULL;
  size_t n = strlen(d);
  while (n > 1 && d[n - 1] == '/') d[--n] = '\0';
  for (const char *p = d; *p;) {
    while (*p == '/') p++;
    size_t c = strcspn(p, "/");
    if ((c == 1 && p[0] == '.') || (c == 2 && p[0] == '.' && p[1] == '.'))
      return hull_err_set(err, EINVAL, "%s: %s: \"%s\" has a \".\" or \"..\" component", what,
                          key, d), NULL;
    p += c;
  }
  return hull_steal_ptr(&d);
}

static int parse_lower(const char *what, const char *list, struct hull_overlay_cfg *c,
                       struct hull_err **err) {
  if (c->lower) return hull_err_set(err, EINVAL, "%s: lower= given twice", what);
  if (*list == '\0') return hull_err_set(err, EINVAL, "%s: lower=: no layer given", what);
  for (const char *p = list;;) {
    size_t len = strcspn(p, ":");
    _cleanup_free_ char *d = check_dir(what, "lower=", p, len, err);
    if (d == NULL) return -1;
    if (c->n_lower == HULL_OVERLAY_MAX_LOWER)
      return hull_err_set(err, E2BIG, "%s: lower=: more than %d layers", what,
                          HULL_OVERLAY_MAX_LOWER);
    hull_strv_append(&c->lower, d);
    c->n_lower++;
    if (p[len] == '\0') return 0;
    p += len + 1;
  }
}

static int parse_item(const char *what, const char *item, size_t len, struct hull_overlay_cfg *c,
                      bool *saw_false, struct hull_err **err) {
  _cleanup_free_ char *it = hull_xasprintf("%.*s", (int)len, item);
  if (strcmp(it, "true") == 0) return 0;
  if (strcmp(it, "false") == 0) return *saw_false = true, 0;
  if (strcmp(it, "volatile") == 0) return c->volatile_ = true, 0;
  if (hull_str_has_prefix(it, "lower=")) return parse_lower(what, it + 6, c, err);
  if (hull_str_has_prefix(it, "upper=")) {
    if (c->upper) return hull_err_set(err, EINVAL, "%s: upper= given twice", what);
    c->upper = check_dir(what, "upper=", it + 6, strlen(it + 6), err);
    if (c->upper == NULL) return -1;
    if (strcmp(c->upper, "/") == 0)
      return hull_err_set(err, EINVAL, "%s: upper=: \"/\" cannot be an upper layer", what);
    return 0;
  }
  return hull_err_set(err, EINVAL,
                      "%s: unknown option \"%s\" (expected true, false, volatile, "
                      "lower=DIR[:DIR...] or upper=DIR, comma-separated)",
                      what, it);
}

int hull_overlay_cfg_parse(const char *value, const char *what, struct hull_overlay_cfg *out,
                           struct hull_err **err) {
  memset(out, 0, sizeof(*out));
  out->what = what;
  if (value == NULL) return 0;
  /* The annotation's first form: a bare ':'-separated layer list. */
  if (value[0] == '/' && strchr(value, '=') == NULL && strchr(value, ',') == NULL) {
    out->enabled = true;
    if (parse_lower(what, value, out, err) < 0) return hull_overlay_cfg_free(out), -1;
    return 0;
  }
  bool saw_false = false;
  size_t items = 0;
  for (const char *p = value; *value;) {
    size_t len = strcspn(p, ",");
    if (len == 0) {
      hull_overlay_cfg_free(out);
      return hull_err_set(err, EINVAL, "%s: empty option in \"%s\"", what, value);
    }
    if (parse_item(what, p, len, out, &saw_false, err) < 0) return hull_overlay_cfg_free(out), -1;
    items++;
    if (p[len] == '\0') break;
    p += len + 1;
  }
  if (saw_false && items > 1) {
    hull_overlay_cfg_free(out);
    return hull_err_set(err, EINVAL, "%s: \"false\" cannot be combined with other options", what);
  }
  out->enabled = !saw_false;
  return 0;
}

char *hull_overlay_workdir(const char *upper, const char *id) {
  return hull_xasprintf("%s.work/%s", upper, id);
}
