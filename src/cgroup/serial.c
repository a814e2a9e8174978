/* The cgroup handle as a string for state.json, and back. One record per
 * line: the mode, then for v1 "<created> <controllers> <path>" per
 * hierarchy, for v2 "<created> <path>"; with the systemd driver, last,
 * "sd <user 0|1> <unit>". Paths never hold a newline
 * (create refuses them). */
#include "cgroup/internal.h"

#include <errno.h>
#include <string.h>

static void append(char **s, size_t *len, const char *piece) {
  size_t n = strlen(piece);
  *s = hull_xrealloc(*s, *len + n + 1);
  memcpy(*s + *len, piece, n + 1);
  *len += n;
}

char *hull_cgroup_serialize(const struct hull_cgroup *cg) {
  char *s = NULL;
  size_t len = 0;
  switch (cg->mode) {
  case HULL_CGROUP_V1:
    append(&s, &len, "v1\n");
    for (size_t i = 0; i < cg->n_v1; i++) {
      _cleanup_free_ char *l = hull_xasprintf("%d %s %s\n", cg->v1[i].created ? 1 : 0,
                                              cg->v1[i].controllers, cg->v1[i].path);
      append(&s, &len, l);
    }
    break;
  case HULL_CGROUP_V2: {
    _cleanup_free_ char *l = hull_xasprintf("v2\n%d %s\n", cg->v2_created ? 1 : 0, cg->v2_path);
    append(&s, &len, l);
    break;
  }
  default: append(&s, &len, "disabled\n");
  }
  if (cg->sd_unit && cg->mode != HULL_CGROUP_DISABLED) {
    _cleanup_free_ char *u = hull_xasprintf("sd %d %s\n", cg->sd_user ? 1 : 0, cg->sd_unit);
    append(&s, &len, u);
  }
  return s;
}

/* "<0|1> rest": the flag and a pointer to rest. */
static int parse_flag(char *line, bool *flag, char **rest) {
  if ((line[0] != '0' && line[0] != '1') || line[1] != ' ' || line[2] == '\0') return -1;
  *flag = line[0] == '1';
  *rest = line + 2;
  return 0;
}

static int load_line(struct hull_cgroup *cg, char *line) {
  bool flag;
  char *rest;
  if (cg->mode != HULL_CGROUP_DISABLED && hull_str_has_prefix(line, "sd ")) {
    if (cg->sd_unit || parse_flag(line + 3, &flag, &rest) < 0 || strchr(rest, '/') ||
        strchr(rest, ' '))
      return -1;
    cg->sd_unit = hull_xstrdup(rest);
    cg->sd_user = flag;
    return 0;
  }
  if (parse_flag(line, &flag, &rest) < 0) return -1;
  if (cg->mode == HULL_CGROUP_V2) {
    if (cg->v2_path || rest[0] != '/') return -1;
    cg->v2_path = hull_xstrdup(rest);
    cg->v2_created = flag;
    return 0;
  }
  char *sp = strchr(rest, ' ');
  if (sp == NULL || sp == rest || sp[1] != '/') return -1;
  *sp = '\0';
  cg->v1 = hull_xrealloc(cg->v1, (cg->n_v1 + 1) * sizeof(*cg->v1));
  cg->v1[cg->n_v1++] = (struct hull_cg_v1_dir){hull_xstrdup(rest), hull_xstrdup(sp + 1), flag};
  return 0;
}

struct hull_cgroup *hull_cgroup_load(const char *serialized, struct hull_err **err) {
  if (serialized == NULL) return hull_err_set(err, EINVAL, "cgroup state: missing"), NULL;
  _cleanup_free_ char *copy = hull_xstrdup(serialized);
  struct hull_cgroup *cg = hull_xcalloc(1, sizeof(*cg));
  cg->v2_fd = -1;
  char *save = NULL;
  char *first = strtok_r(copy, "\n", &save);
  if (first && strcmp(first, "v1") == 0) cg->mode = HULL_CGROUP_V1;
  else if (first && strcmp(first, "v2") == 0) cg->mode = HULL_CGROUP_V2;
  else if (first && strcmp(first, "disabled") == 0) cg->mode = HULL_CGROUP_DISABLED;
  else goto bad;
  for (char *l = strtok_r(NULL, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
    if (cg->mode == HULL_CGROUP_DISABLED || load_line(cg, l) < 0) goto bad;
  if (cg->mode == HULL_CGROUP_V2 && cg->v2_path == NULL) goto bad;
  if (cg->mode == HULL_CGROUP_V1 && cg->n_v1 == 0) goto bad;
  return cg;
bad:
  hull_cgroup_free(cg);
  return hull_err_set(err, EINVAL, "cgroup state: malformed: \"%s\"", serialized), NULL;
}
