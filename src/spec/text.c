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

/* Offset of the first byte nested deeper than MAX_DEPTH or of a "\u0000"
 * escape (C strings would silently cut there: "/a\u0000b" must not become
 * "/a"), or len. Strings are skipped so brackets inside them do not count.
 * The text is NUL-terminated, so strcspn (vectorised in libc) can jump
 * between the bytes that matter. */
static size_t first_problem(const char *s, size_t len, const char **why) {
  int depth = 0;
  size_t i = 0;
  while (i < len) {
    i += strcspn(s + i, "\"[]{}");
    if (i >= len) break;
    char ch = s[i++];
    if (ch == '"') {
      while (i < len) { /* skip the string body */
        i += strcspn(s + i, "\"\\");
        if (i >= len) break;
        if (s[i] == '\\') {
          if (strncmp(s + i + 1, "u0000", 5) == 0) {
            *why = "\\u0000 in a string";
            return i;
          }
          i += 2;
        } else {
          i++;
          break;
        }
      }
    } else if (ch == '[' || ch == '{') {
      if (++depth > MAX_DEPTH) {
        *why = "nesting deeper than 200 levels";
        return i - 1;
      }
    } else {
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
  /* json[len] may be out of bounds: work on a terminated copy. */
  _cleanup_free_ char *text = hull_xmalloc(len + 1);
  memcpy(text, json, len);
  text[len] = '\0';
  const char *why = NULL;
  size_t bad = first_problem(text, len, &why);
  if (bad < len) {
    size_t line, col;
    line_col(text, bad, &line, &col);
    hull_err_set(err, 0, "%s: invalid JSON at line %zu, column %zu: %s", what, line, col, why);
    return NULL;
  }
  char errbuf[256];
  yajl_val tree = yajl_tree_parse(text, errbuf, sizeof(errbuf));
  if (tree == NULL) report_syntax(text, len, what, err);
  return tree;
}
