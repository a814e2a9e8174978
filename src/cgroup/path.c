/* Pure path logic: cleaning cgroupsPath, reading /proc/<pid>/cgroup and
 * mountinfo text, resolving where a container's cgroup goes. No syscalls. */
#include "cgroup/internal.h"

#include <errno.h>
#include <string.h>

char *hull_cg_clean_path(const char *path) {
  if (path == NULL || *path == '\0') return hull_xstrdup("");
  /* Cleaned as if rooted, so a relative path can never escape the
   * directory it is relative to; an absolute one gets its "/" back. */
  char *rel = hull_path_clean(path);
  if (path[0] != '/') return rel;
  char *abs = hull_xasprintf("/%s", rel);
  free(rel);
  return abs;
}

bool hull_cg_list_has(const char *list, const char *item) {
  size_t n = strlen(item);
  const char *p = list;
  while (p && *p) {
    const char *e = strchrnul(p, ',');
    if ((size_t)(e - p) == n && strncmp(p, item, n) == 0) return true;
    p = *e ? e + 1 : NULL;
  }
  return false;
}

char *hull_cg_proc_path(const char *text, const char *controller) {
  const char *line = text;
  while (line && *line) {
    const char *end = strchrnul(line, '\n');
    const char *c1 = memchr(line, ':', (size_t)(end - line));
    const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
    if (c2) {
      _cleanup_free_ char *list = hull_xstrndup(c1 + 1, (size_t)(c2 - c1 - 1));
      bool hit = controller == NULL
                     ? (list[0] == '\0' && (size_t)(c1 - line) == 1 && line[0] == '0')
                     : hull_cg_list_has(list, controller);
      if (hit) return hull_xstrndup(c2 + 1, (size_t)(end - c2 - 1));
    }
    line = *end ? end + 1 : NULL;
  }
  return NULL;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *unescape(const char *s, size_t n) {
  char *out = hull_xmalloc(n + 1);
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\\' && i + 3 < n + 1 && s[i + 1] >= '0' && s[i + 1] <= '3' &&
        s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
      out[o++] = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out[o++] = s[i];
    }
  }
  out[o] = '\0';
  return out;
}

/* Splits a line into space-separated fields (at most max). */
static size_t split_fields(const char *line, const char **f, size_t *len, size_t max) {
  size_t n = 0;
  const char *p = line;
  while (*p && *p != '\n' && n < max) {
    while (*p == ' ') p++;
    if (!*p || *p == '\n') break;
    const char *e = p;
    while (*e && *e != ' ' && *e != '\n') e++;
    f[n] = p;
    len[n++] = (size_t)(e - p);
    p = e;
  }
  return n;
}

/* Super options minus the generic flags leave the controller list. */
static char *controllers_from_opts(const char *opts, size_t n) {
  _cleanup_free_ char *copy = hull_xstrndup(opts, n);
  char *out = hull_xcalloc(1, n + 1);
  char *save = NULL;
  for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    if (!strcmp(t, "rw") || !strcmp(t, "ro") || !strcmp(t, "clone_children") ||
        !strcmp(t, "noprefix") || !strcmp(t, "xattr") || !strcmp(t, "cpuset_v2_mode") ||
        hull_str_has_prefix(t, "release_agent="))
      continue;
    if (*out) strcat(out, ",");
    strcat(out, t);
  }
  return out;
}

int hull_cg_parse_mountinfo(const char *line, char **root, char **mountpoint,
                            char **controllers) {
  const char *f[32];
  size_t len[32];
  size_t n = split_fields(line, f, len, 32);
  size_t sep = 0;
  for (size_t i = 6; i < n; i++)
    if (len[i] == 1 && f[i][0] == '-') {
      sep = i;
      break;
    }
  /* fstype, source and super options follow the separator. */
  if (sep == 0 || sep + 3 >= n) return 0;
  if (len[sep + 1] != 6 || strncmp(f[sep + 1], "cgroup", 6) != 0) return 0;
  *root = unescape(f[3], len[3]);
  *mountpoint = unescape(f[4], len[4]);
  *controllers = controllers_from_opts(f[sep + 3], len[sep + 3]);
  return 1;
}

char *hull_cg_resolve(const char *cleaned, const char *own) {
  if (cleaned[0] == '/') return hull_xstrdup(cleaned);
  _cleanup_free_ char *base = hull_cg_clean_path(own && *own ? own : "/");
  if (strcmp(base, "/") == 0) return hull_xasprintf("/%s", cleaned);
  return hull_xasprintf("%s/%s", base, cleaned);
}

int hull_cg_check_sub(const char *sub, struct hull_err **err) {
  if (sub == NULL || *sub == '\0' || sub[0] == '/')
    return hull_err_set(err, EINVAL, "sub-cgroup %s: must be a relative path", sub ? sub : "(null)");
  _cleanup_free_ char *c = hull_cg_clean_path(sub);
  if (strcmp(c, sub) != 0 || *c == '\0')
    return hull_err_set(err, EINVAL, "sub-cgroup %s: must be a clean relative path inside the container's cgroup", sub);
  if (strstr(sub, "..") != NULL)
    return hull_err_set(err, EINVAL, "sub-cgroup %s: \"..\" not allowed", sub);
  return 0;
}
