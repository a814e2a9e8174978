/* spec/: JSON text -> yajl tree, with malformed input reported by line and
 * column, and a nesting limit so hostile input cannot exhaust the stack
 * (yajl's tree is built and freed recursively). */
#include "spec/internal.h"

#include <string.h>
#include <yajl/yajl_parse.h>

/* Far deeper than any config; shallow enough for recursion. */
#define MAX_DEPTH 200

static void line_col(const char *s, size_t off, size_t *line, size_t *col) {
  *line = 1;
  *col = 1;
  for (size_t i = 0; i < off; i++) {
    if (s[i] == '\n') {
      (*line)++;
      *col = 1;
    } else {
      (*col)++;
    }
  }
}

/* Offset of the first byte nested deeper than MAX_DEPTH, or len. Strings are
 * skipped so brackets inside them do not count. */
static size_t depth_exceeded_at(const char *s, size_t len) {
  int depth = 0;
  bool in_str = false, esc = false;
  for (size_t i = 0; i < len; i++) {
    char ch = s[i];
    if (in_str) {
      if (esc) esc = false;
      else if (ch == '\\') esc = true;
      else if (ch == '"') in_str = false;
    } else if (ch == '"') {
      in_str = true;
    } else if (ch == '[' || ch == '{') {
      if (++depth > MAX_DEPTH) return i;
    } else if (ch == ']' || ch == '}') {
      depth--;
    }
  }
  return len;
}

/* yajl's tree API gives no position; a second, callback-free pass finds it. */
static void report_syntax(const char *text, size_t len, const char *what,
                          struct hull_err **err) {
  yajl_handle h = yajl_alloc(NULL, NULL, NULL);
  yajl_config(h, yajl_allow_comments, 1);
  yajl_status st = yajl_parse(h, (const unsigned char *)text, len);
  size_t off = len;
  if (st == yajl_status_ok) st = yajl_complete_parse(h);
  else if ((off = yajl_get_bytes_consumed(h)) > 0)
    off--; /* yajl stops just past the offending byte */
  char reason[128] = "unexpected end of input";
  if (st != yajl_status_ok) {
    unsigned char *msg = yajl_get_error(h, 0, NULL, 0);
    if (msg) {
      /* "lexical error: invalid char in json text." -> keep the reason. */
      snprintf(reason, sizeof(reason), "%s", (char *)msg);
      size_t n = strlen(reason);
      while (n && (reason[n - 1] == '\n' || reason[n - 1] == '.' || reason[n - 1] == ' '))
        reason[--n] = '\0';
      yajl_free_error(h, msg);
    }
  }
  yajl_free(h);
  if (off > len) off = len;
  size_t line, col;
  line_col(text, off, &line, &col);
  hull_err_set(err, 0, "%s: invalid JSON at line %zu, column %zu: %s", what, line, col,
               reason);
}

yajl_val json_parse_text(const char *json, size_t len, const char *what,
                         struct hull_err **err) {
  const char *nul = memchr(json, '\0', len);
  if (nul) { /* yajl reads C strings: a NUL would silently cut the text */
    size_t line, col;
    line_col(json, (size_t)(nul - json), &line, &col);
    hull_err_set(err, 0, "%s: invalid JSON at line %zu, column %zu: NUL byte", what, line, col);
    return NULL;
  }
  size_t deep = depth_exceeded_at(json, len);
  if (deep < len) {
    size_t line, col;
    line_col(json, deep, &line, &col);
    hull_err_set(err, 0, "%s: invalid JSON at line %zu, column %zu: nesting deeper than %d",
                 what, line, col, MAX_DEPTH);
    return NULL;
  }
  /* json[len] may be out of bounds: parse a terminated copy. */
  _cleanup_free_ char *text = hull_xmalloc(len + 1);
  memcpy(text, json, len);
  text[len] = '\0';
  char errbuf[256];
  yajl_val tree = yajl_tree_parse(text, errbuf, sizeof(errbuf));
  if (tree == NULL) report_syntax(text, len, what, err);
  return tree;
}
