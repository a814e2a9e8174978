/* Allocation that aborts on exhaustion, string vectors, strict number parsing. */
#include "util/util.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

void *hull_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (p == NULL) abort();
  return p;
}

void *hull_xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (p == NULL) abort();
  return p;
}

void *hull_xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (p == NULL) abort();
  return p;
}

char *hull_xstrdup(const char *s) {
  if (s == NULL) return NULL;
  char *d = strdup(s);
  if (d == NULL) abort();
  return d;
}

char *hull_xstrndup(const char *s, size_t n) {
  char *d = strndup(s, n);
  if (d == NULL) abort();
  return d;
}

char *hull_xasprintf(const char *fmt, ...) {
  char *s = NULL;
  va_list ap;
  va_start(ap, fmt);
  int r = vasprintf(&s, fmt, ap);
  va_end(ap);
  if (r < 0) abort();
  return s;
}

void hull_freep(void *p) { free(*(void **)p); }

void hull_closep(int *fd) {
  if (*fd >= 0) {
    int saved = errno;
    close(*fd);
    errno = saved;
  }
}

void hull_fclosep(FILE **f) {
  if (*f) fclose(*f);
}

size_t hull_strv_len(char *const *v) {
  size_t n = 0;
  while (v && v[n]) n++;
  return n;
}

void hull_strv_free(char **v) {
  for (size_t i = 0; v && v[i]; i++) free(v[i]);
  free(v);
}

void hull_strvfreep(char ***v) { hull_strv_free(*v); }

void hull_strv_append(char ***v, const char *s) {
  size_t n = hull_strv_len(*v);
  *v = hull_xrealloc(*v, (n + 2) * sizeof(char *));
  (*v)[n] = hull_xstrdup(s);
  (*v)[n + 1] = NULL;
}

bool hull_str_has_prefix(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

int hull_parse_int64(const char *s, int64_t *out) {
  if (s == NULL || *s == '\0') return -1;
  char *end = NULL;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno != 0 || *end != '\0' || end == s) return -1;
  *out = v;
  return 0;
}

int hull_parse_uint64(const char *s, uint64_t *out) {
  /* strtoull accepts "-1" (wrapping it): refuse any sign or space. */
  if (s == NULL || *s < '0' || *s > '9') return -1;
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno != 0 || *end != '\0') return -1;
  *out = v;
  return 0;
}
