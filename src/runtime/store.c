/* The state store (DESIGN.md §4): <root>/<id>/ mode 0700, locked with flock
 * by every writer, state.json replaced atomically, config.json kept. */
#include "runtime/runtime.h"
#include "cgroup/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

void hull_container_close(struct hull_container *c) {
  if (c == NULL) return;
  if (c->dirfd >= 0) close(c->dirfd); /* drops the flock */
  free(c->root);
  free(c->id);
  free(c->dir);
  hull_state_free(c->state);
  free(c);
}

void hull_containerp_close(struct hull_container **c) { hull_container_close(*c); }

/* "does not exist" keeps ENOENT for callers (delete --force) without the
 * strerror text in the message. */
static int not_exist(struct hull_err **err, const char *id) {
  hull_err_set(err, 0, "container \"%s\" does not exist", id);
  if (err && *err) (*err)->errnum = ENOENT;
  return -1;
}

static int check_id(const char *id, struct hull_err **err) {
  if (!hull_id_valid(id))
    return hull_err_set(err, 0, "invalid container id \"%s\"", id ? id : "");
  return 0;
}

static struct hull_container *container_alloc(const char *root, const char *id) {
  struct hull_container *c = hull_xcalloc(1, sizeof(*c));
  c->root = hull_xstrdup(root);
  c->id = hull_xstrdup(id);
  c->dir = hull_xasprintf("%s/%s", root, id);
  c->dirfd = -1;
  return c;
}

static int lock_dir(struct hull_container *c, struct hull_err **err) {
  c->dirfd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (c->dirfd < 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      return not_exist(err, c->id);
    return hull_err_sys(err, "open %s", c->dir);
  }
  while (flock(c->dirfd, LOCK_EX) < 0)
    if (errno != EINTR) return hull_err_sys(err, "lock %s", c->dir);
  return 0;
}

struct hull_container *hull_container_new(const char *root, const char *id,
                                          struct hull_err **err) {
  if (check_id(id, err) < 0) return NULL;
  struct hull_container *c = container_alloc(root, id);
  /* The root exists but for the first container: its parents are made
   * only then, not walked with an EEXIST mkdir each on every create. */
  int r = mkdir(c->dir, 0700);
  if (r < 0 && errno == ENOENT) {
    if (hull_mkdir_p(root, 0700, err) < 0) {
      hull_container_close(c);
      return NULL;
    }
    r = mkdir(c->dir, 0700);
  }
  if (r < 0) {
    if (errno == EEXIST) hull_err_set(err, 0, "container \"%s\" already exists", id);
    else hull_err_sys(err, "mkdir %s", c->dir);
    hull_container_close(c);
    return NULL;
  }
  if (lock_dir(c, err) < 0) {
    rmdir(c->dir);
    hull_container_close(c);
    return NULL;
  }
  return c;
}

struct hull_state *hull_state_load(const char *root, const char *id, struct hull_err **err) {
  if (check_id(id, err) < 0) return NULL;
  _cleanup_free_ char *path = hull_xasprintf("%s/%s/state.json", root, id);
  _cleanup_free_ char *dir = hull_xasprintf("%s/%s", root, id);
  struct stat sb;
  if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode))
    return not_exist(err, id), NULL;
  _cleanup_free_ char *text = hull_read_file(path, NULL, err);
  if (text == NULL) return NULL;
  struct hull_state *st = hull_state_from_json(text, err);
  if (st == NULL) hull_err_prefix(err, "%s", path);
  return st;
}

struct hull_container *hull_container_open(const char *root, const char *id,
                                           bool allow_half_made, struct hull_err **err) {
  if (check_id(id, err) < 0) return NULL;
  struct hull_container *c = container_alloc(root, id);
  if (lock_dir(c, err) < 0) {
    hull_container_close(c);
    return NULL;
  }
  _cleanup_err_ struct hull_err *lerr = NULL;
  c->state = hull_state_load(root, id, &lerr);
  if (c->state == NULL && !allow_half_made) {
    hull_err_move(err, &lerr);
    hull_container_close(c);
    return NULL;
  }
  return c;
}

int hull_container_save(struct hull_container *c, struct hull_err **err) {
  _cleanup_free_ char *json = hull_state_to_json(c->state, err);
  if (json == NULL) return -1;
  _cleanup_free_ char *path = hull_xasprintf("%s/state.json", c->dir);
  return hull_write_file_atomic(path, json, strlen(json), 0600, err);
}

int hull_pid_start_time_cpu(pid_t pid, uint64_t *start_time, int *cpu) {
  char path[64], state;
  snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
  _cleanup_free_ char *text = hull_read_file(path, NULL, NULL);
  if (text == NULL || hull_proc_stat_parse(text, &state, start_time) < 0) return -1;
  if (state == 'Z' || state == 'X') return -1;
  if (cpu && hull_proc_stat_cpu(text, cpu) < 0) *cpu = -1;
  return 0;
}

int hull_pid_start_time(pid_t pid, uint64_t *start_time) {
  return hull_pid_start_time_cpu(pid, start_time, NULL);
}

bool hull_pid_alive(pid_t pid, uint64_t start_time) {
  uint64_t now;
  if (pid <= 0) return false;
  if (hull_pid_start_time(pid, &now) < 0) return false;
  return now == start_time;
}

enum hull_status hull_container_status(const char *root, const struct hull_state *st) {
  bool alive = hull_pid_alive(st->pid, st->start_time);
  /* A create that died after clone left a pid: that container is gone. */
  bool creating = st->creating && (st->pid == 0 || alive);
  bool fifo = false, frozen = false;
  if (alive) {
    _cleanup_free_ char *f = hull_xasprintf("%s/%s/exec.fifo", root, st->id);
    fifo = access(f, F_OK) == 0;
    if (st->cgroup) {
      struct hull_cgroup *cg = hull_cgroup_load(st->cgroup, NULL);
      if (cg) {
        frozen = hull_cgroup_is_frozen(cg) == 1;
        hull_cgroup_free(cg);
      }
    }
  }
  return hull_status_decide(creating, alive, fifo, frozen);
}

int hull_container_remove_dir(struct hull_container *c, struct hull_err **err) {
  _cleanup_close_ int rootfd = open(c->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) return hull_err_sys(err, "open %s", c->root);
  /* The walk that never follows a symlink: the state dir may still hold
   * an overlay's upper layer, the container's writing (a crash before
   * hull_overlay_remove). */
  if (hull_remove_tree(rootfd, c->id, err) < 0) return hull_err_prefix(err, "state dir %s", c->dir);
  return 0;
}
