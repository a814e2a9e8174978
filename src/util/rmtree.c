/* Removing trees a container may have written (the overlay's upper layer,
 * the state dir): never following a symlink, fixing modes that lock us
 * out (mode 000 dirs, and overlayfs' own work/work), with at most
 * MAX_DEPTH+2 fds open however deep the tree: below that depth a subtree
 * is renamed up to the top directory and removed in a later pass. */
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_DEPTH 32

struct rm {
  int top;          /* the tree's root dir */
  unsigned seq;     /* names of subtrees moved up */
  int err;          /* first errno that stopped a removal */
  char what[256];   /* ... and the name it was about */
  size_t moved;     /* subtrees moved up in this pass */
};

static void note(struct rm *r, const char *name) {
  if (r->err) return;
  r->err = errno;
  snprintf(r->what, sizeof(r->what), "%s", name);
}

static int open_child(int dfd, const char *name) {
  int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == EACCES && fchmodat(dfd, name, 0700, 0) == 0)
    fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  return fd;
}

static void move_up(struct rm *r, int dfd, const char *name) {
  for (int tries = 0; tries < 1000; tries++) {
    char to[32];
    snprintf(to, sizeof(to), ".hull-rm-%u", r->seq++);
    if (renameat2(dfd, name, r->top, to, RENAME_NOREPLACE) == 0) {
      r->moved++;
      return;
    }
    if (errno != EEXIST) break;
  }
  note(r, name);
}

static void empty_dir(struct rm *r, int dfd, int depth);

static void remove_entry(struct rm *r, int dfd, const char *name, int depth) {
  if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT) return;
  if (errno != EISDIR && errno != EPERM) return note(r, name);
  if (depth >= MAX_DEPTH) return move_up(r, dfd, name);
  int fd = open_child(dfd, name);
  if (fd < 0) return note(r, name);
  empty_dir(r, fd, depth + 1);
  close(fd);
  if (unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT && errno != ENOTEMPTY)
    note(r, name);
}

static void empty_dir(struct rm *r, int dfd, int depth) {
  /* A fresh open file description: a dup would share the offset, and the
   * top dir is read again in every pass. */
  int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
  if (d == NULL) {
    if (fd >= 0) close(fd);
    return note(r, ".");
  }
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    remove_entry(r, dfd, e->d_name, depth);
  }
  closedir(d);
}

int hull_remove_tree(int parent, const char *name, struct hull_err **err) {
  struct rm r = {.top = open_child(parent, name)};
  if (r.top < 0) {
    if (errno == ENOENT) return 0;
    if (errno != ENOTDIR) return hull_err_sys(err, "remove %s", name);
    if (unlinkat(parent, name, 0) < 0 && errno != ENOENT) return hull_err_sys(err, "remove %s", name);
    return 0;
  }
  /* Each pass empties what it can; subtrees moved up are the next pass's
   * work. A pass that moved nothing and still left entries is an error. */
  for (;;) {
    r.moved = 0;
    r.err = 0;
    empty_dir(&r, r.top, 0);
    if (unlinkat(parent, name, AT_REMOVEDIR) == 0 || errno == ENOENT) break;
    if (errno != ENOTEMPTY || r.moved == 0) {
      int e = r.err ? r.err : errno;
      close(r.top);
      errno = e;
      return hull_err_sys(err, "remove %s%s%s", name, r.err ? ": " : "", r.err ? r.what : "");
    }
  }
  close(r.top);
  return 0;
}
