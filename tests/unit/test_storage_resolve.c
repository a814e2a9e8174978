/* storage/: lookups and mkdir -p inside a root never leave it, whatever
 * symlinks the tree holds (no privileges needed). */
#include "unit.h"

#include "storage/storage.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

static char base[PATH_MAX];  /* tmp dir: base/root is the root, base/outside is not */
static int rootfd = -1;

static char *at(const char *rel) { return hull_xasprintf("%s/%s", base, rel); }

static int setup(void **state) {
  snprintf(base, sizeof(base), "/tmp/hull-unit-resolve-XXXXXX");
  if (mkdtemp(base) == NULL) return -1;
  const char *dirs[] = {"root", "root/etc", "root/real", "outside"};
  for (size_t i = 0; i < 4; i++) {
    _cleanup_free_ char *p = at(dirs[i]);
    if (mkdir(p, 0755) < 0) return -1;
  }
  _cleanup_free_ char *o = at("outside");
  struct { const char *target, *link; } links[] = {
      {o, "root/abs"},                       /* absolute, to the host dir */
      {"../../../../../../..", "root/up"},   /* climbing out */
      {"/real", "root/inroot"},              /* absolute but meant inside */
      {"/nonexistent/x", "root/dangling"},
  };
  for (size_t i = 0; i < 4; i++) {
    _cleanup_free_ char *l = at(links[i].link);
    if (symlink(links[i].target, l) < 0) return -1;
  }
  _cleanup_free_ char *r = at("root");
  rootfd = open(r, O_PATH | O_DIRECTORY | O_CLOEXEC);
  return rootfd < 0 ? -1 : 0;
}

static int teardown(void **state) {
  close(rootfd);
  _cleanup_free_ char *cmd = hull_xasprintf("rm -rf %s", base);
  return system(cmd) == 0 ? 0 : -1;
}

static bool outside_empty(void) {
  _cleanup_free_ char *cmd = hull_xasprintf("test -z \"$(ls -A %s/outside)\"", base);
  return system(cmd) == 0;
}

static void same_file(int fd, const char *rel) {
  struct stat a, b;
  _cleanup_free_ char *p = at(rel);
  assert_int_equal(fstat(fd, &a), 0);
  assert_int_equal(stat(p, &b), 0);
  assert_true(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
}

static void mkdir_through_absolute_symlink_stays_inside(void **state) {
  struct hull_err *err = NULL;
  _cleanup_close_ int fd = hull_mkdir_in_root(rootfd, "/inroot/a/b", 0755, &err);
  assert_true(fd >= 0);
  same_file(fd, "root/real/a/b");
  _cleanup_close_ int fd2 = hull_mkdir_in_root(rootfd, "up/c", 0755, &err);
  assert_true(fd2 >= 0);
  same_file(fd2, "root/c"); /* ".." stops at the root */
  assert_true(outside_empty());
}

static void mkdir_through_host_symlink_fails_or_stays_inside(void **state) {
  struct hull_err *err = NULL;
  /* abs -> <base>/outside, which does not exist inside the root */
  assert_int_equal(hull_mkdir_in_root(rootfd, "abs/x/y", 0755, &err), -1);
  assert_int_equal(err->errnum, ENOENT);
  assert_non_null(strstr(err->msg, "abs in the rootfs"));
  hull_err_free(&err);
  assert_int_equal(hull_mkdir_in_root(rootfd, "dangling/z", 0755, &err), -1);
  hull_err_free(&err);
  assert_true(outside_empty());
}

static void open_in_root_resolves_inside(void **state) {
  struct hull_err *err = NULL;
  _cleanup_close_ int fd = hull_open_in_root(rootfd, "/up/up/etc", O_PATH | O_DIRECTORY, 0, &err);
  assert_true(fd >= 0);
  same_file(fd, "root/etc");
  _cleanup_close_ int f = hull_open_in_root(rootfd, "/inroot/new", O_WRONLY | O_CREAT | O_EXCL, 0600, &err);
  assert_true(f >= 0);
  same_file(f, "root/real/new");
  assert_int_equal(hull_open_in_root(rootfd, "abs/file", O_WRONLY | O_CREAT, 0600, &err), -1);
  assert_non_null(strstr(err->msg, "open abs/file in the rootfs"));
  hull_err_free(&err);
  assert_true(outside_empty());
}

static void magic_links_refused(void **state) {
  struct hull_err *err = NULL;
  _cleanup_free_ char *l = at("root/magic");
  assert_int_equal(symlink("/proc/self/root", l), 0);
  /* inside the root "/proc/self/root" does not exist: no host procfs */
  assert_int_equal(hull_open_in_root(rootfd, "magic/etc", O_PATH, 0, &err), -1);
  hull_err_free(&err);
  /* a root fd at the host's "/" still never follows /proc magic links */
  _cleanup_close_ int host = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  assert_int_equal(hull_open_in_root(host, "/proc/self/root/etc", O_PATH, 0, &err), -1);
  assert_int_equal(err->errnum, ELOOP);
  hull_err_free(&err);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(mkdir_through_absolute_symlink_stays_inside),
      cmocka_unit_test(mkdir_through_host_symlink_fails_or_stays_inside),
      cmocka_unit_test(open_in_root_resolves_inside),
      cmocka_unit_test(magic_links_refused),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
