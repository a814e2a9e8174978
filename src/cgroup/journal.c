/* Writes that can be undone: during `update`, the old content of every
 * file is kept before it is written, and a failure writes it back in
 * reverse order, so a failed update leaves the old limits in place. */
#include "cgroup/internal.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static bool is_device_file(const char *name) {
  return !strcmp(name, "devices.allow") || !strcmp(name, "devices.deny");
}

static bool recorded(const struct hull_cg_journal *j, const char *dir, const char *name) {
  for (size_t i = 0; i < j->n; i++)
    if (!strcmp(j->e[i].dir, dir) && !strcmp(j->e[i].name, name)) return true;
  return false;
}

/* v1 device files are write-only verbs; their state is devices.list. */
static void record(struct hull_cg_journal *j, const char *dir, const char *name) {
  const char *src = is_device_file(name) ? "devices.list" : name;
  if (recorded(j, dir, src)) return;
  char *old = hull_cg_read(dir, src, NULL);
  if (old == NULL) return; /* nothing readable to restore */
  j->e = hull_xrealloc(j->e, (j->n + 1) * sizeof(*j->e));
  j->e[j->n++] = (struct hull_cg_journal_entry){hull_xstrdup(dir), hull_xstrdup(src), old};
}

int hull_cg_set(struct hull_cg_journal *j, const char *dir, const char *name, const char *val,
                struct hull_err **err) {
  if (j && j->active) record(j, dir, name);
  return hull_cg_write(dir, name, val, err);
}

int hull_cg_set_fd(struct hull_cg_journal *j, const char *dir, const char *name, int *fd,
                   const char *val, struct hull_err **err) {
  if (j && j->active) record(j, dir, name);
  if (*fd < 0) {
    _cleanup_free_ char *p = hull_xasprintf("%s/%s", dir, name);
    *fd = open(p, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (*fd < 0) return hull_err_sys(err, "open %s", p);
  }
  if (write(*fd, val, strlen(val)) < 0)
    return hull_err_sys(err, "write \"%s\" to %s/%s", val, dir, name);
  return 0;
}

/* Multi-line files (per-device keys) take one line per write. */
static void restore(const struct hull_cg_journal_entry *e) {
  if (!strcmp(e->name, "devices.list")) {
    hull_cg_write(e->dir, "devices.deny", "a", NULL);
  }
  const char *target = !strcmp(e->name, "devices.list") ? "devices.allow" : e->name;
  if (strchr(e->old, '\n') == NULL) {
    if (*e->old) hull_cg_write(e->dir, target, e->old, NULL);
    return;
  }
  _cleanup_free_ char *copy = hull_xstrdup(e->old);
  char *save = NULL;
  for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
    hull_cg_write(e->dir, target, l, NULL);
}

void hull_cg_journal_rollback(struct hull_cg_journal *j) {
  for (size_t i = j->n; i-- > 0;) restore(&j->e[i]);
}

void hull_cg_journal_free(struct hull_cg_journal *j) {
  for (size_t i = 0; i < j->n; i++) {
    free(j->e[i].dir);
    free(j->e[i].name);
    free(j->e[i].old);
  }
  free(j->e);
  j->e = NULL;
  j->n = 0;
}
