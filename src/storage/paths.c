/* maskedPaths and readonlyPaths, resolved inside the rootfs. A masked file
 * gets the /dev/null the caller verified (char 1:3, opened on the host
 * before pivot: never the container's own /dev/null, which the image or a
 * racing process could swap for a symlink, CVE-2025-31133); a masked
 * directory gets an empty read-only tmpfs (one, cloned for the others). */
#include "storage/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

static int open_existing(int rootfd, const char *path, struct hull_err **err) {
  _cleanup_free_ char *clean = hull_path_clean(path);
  int fd = storage_openat2(rootfd, clean, O_PATH, 0, 0);
  if (fd < 0 && errno != ENOENT) return hull_err_sys(err, "open %s in the rootfs", path), -2;
  return fd;
}

/* *empty: the first masked directory's tmpfs once mounted; the others get
 * clones of it (one superblock to make and to tear down at exit, not one
 * each: they are all empty and read-only). */
static int mask_one(int rootfd, const char *path, int nullfd, int *empty, struct hull_err **err) {
  _cleanup_close_ int fd = open_existing(rootfd, path, err);
  if (fd == -2) return -1;
  if (fd < 0) return 0; /* nothing there, nothing to hide */
  struct stat st;
  if (fstat(fd, &st) < 0) return hull_err_sys(err, "stat %s", path);
  _cleanup_close_ int tree = -1;
  bool first = false;
  if (!S_ISDIR(st.st_mode)) {
    tree = storage_clone_tree(nullfd, false, "/dev/null", err);
  } else if (*empty >= 0) {
    tree = storage_clone_tree(*empty, false, "the empty tmpfs", err);
  } else {
    struct hull_mount_flags f = {.flags = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC};
    tree = storage_fsmount("tmpfs", "tmpfs", &f, err);
    first = true;
  }
  if (tree < 0) return -1;
  if (storage_move_mount(tree, fd, path, err) < 0) return -1;
  /* Attached now: closing it later unmounts nothing. */
  if (first) *empty = hull_steal_fd(&tree);
  return 0;
}

int storage_mask_paths(int rootfd, char *const *paths, int nullfd, struct hull_err **err) {
  _cleanup_close_ int empty = -1;
  for (size_t i = 0; paths && paths[i]; i++)
    if (mask_one(rootfd, paths[i], nullfd, &empty, err) < 0)
      return hull_err_prefix(err, "linux.maskedPaths[%zu]", i);
  return 0;
}

static int readonly_one(int rootfd, const char *path, struct hull_err **err) {
  _cleanup_close_ int fd = open_existing(rootfd, path, err);
  if (fd == -2) return -1;
  if (fd < 0) return 0;
  /* A recursive bind of the path onto itself, read-only all the way down
   * (submounts included), so the attribute never touches the parent. */
  _cleanup_close_ int tree = storage_clone_tree(fd, true, path, err);
  if (tree < 0) return -1;
  if (storage_setattr(tree, true, MOUNT_ATTR_RDONLY, 0, 0, path, err) < 0) return -1;
  return storage_move_mount(tree, fd, path, err);
}

int storage_readonly_paths(int rootfd, char *const *paths, struct hull_err **err) {
  for (size_t i = 0; paths && paths[i]; i++)
    if (readonly_one(rootfd, paths[i], err) < 0)
      return hull_err_prefix(err, "linux.readonlyPaths[%zu]", i);
  return 0;
}
