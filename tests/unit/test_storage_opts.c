/* storage/: the mount option table and the pure path logic. */
#include "unit.h"

#include "storage/internal.h"
#include "storage/storage.h"

#include <errno.h>
#include <sys/mount.h>

static void parse(char **opts, struct hull_mount_flags *f) {
  struct hull_err *err = NULL;
  assert_int_equal(hull_mount_flags_parse(opts, f, &err), 0);
  assert_null(err);
}

static void plain_flags_and_data(void **state) {
  char *opts[] = {"nosuid", "noexec", "nodev", "ro", "mode=755", "size=65536k", NULL};
  struct hull_mount_flags f;
  parse(opts, &f);
  assert_int_equal(f.flags, MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY);
  assert_int_equal(f.clear, 0);
  assert_string_equal(f.data, "mode=755,size=65536k");
  assert_false(f.bind || f.rbind || f.recursive_attrs);
  hull_mount_flags_free(&f);
  assert_null(f.data);
}

static void clear_flags_undo_set_ones(void **state) {
  char *opts[] = {"ro", "nosuid", "rw", "suid", "exec", "dev", "async", "atime", NULL};
  struct hull_mount_flags f;
  parse(opts, &f);
  assert_int_equal(f.flags, 0);
  assert_int_equal(f.clear, MS_RDONLY | MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_SYNCHRONOUS | MS_NOATIME);
  assert_null(f.data);
}

static void every_runc_flag(void **state) {
  char *opts[] = {"sync", "dirsync", "remount", "mand", "noatime", "nodiratime", "lazytime",
                  "iversion", "silent", "nosymfollow", "defaults", NULL};
  struct hull_mount_flags f;
  parse(opts, &f);
  assert_int_equal(f.flags, MS_SYNCHRONOUS | MS_DIRSYNC | MS_REMOUNT | MS_MANDLOCK | MS_NOATIME |
                                MS_NODIRATIME | MS_LAZYTIME | MS_I_VERSION | MS_SILENT | 256);
  assert_null(f.data);
}

static void atime_modes_last_wins(void **state) {
  char *a[] = {"noatime", "strictatime", NULL};
  char *b[] = {"strictatime", "relatime", NULL};
  struct hull_mount_flags f;
  parse(a, &f);
  assert_int_equal(f.flags, MS_STRICTATIME);
  parse(b, &f);
  assert_int_equal(f.flags, MS_RELATIME);
}

static void bind_and_rbind(void **state) {
  char *a[] = {"bind", "ro", NULL};
  char *b[] = {"rbind", NULL};
  struct hull_mount_flags f;
  parse(a, &f);
  assert_true(f.bind);
  assert_false(f.rbind);
  assert_int_equal(f.flags, MS_BIND | MS_RDONLY);
  parse(b, &f);
  assert_true(f.rbind);
  assert_false(f.bind);
  assert_int_equal(f.flags, MS_BIND | MS_REC);
}

static void propagation_last_wins(void **state) {
  char *a[] = {"shared", "rslave", NULL};
  char *b[] = {"runbindable", NULL};
  char *c[] = {"private", NULL};
  struct hull_mount_flags f;
  parse(a, &f);
  assert_int_equal(f.propagation, MS_SLAVE | MS_REC);
  assert_int_equal(f.flags, 0);
  parse(b, &f);
  assert_int_equal(f.propagation, MS_UNBINDABLE | MS_REC);
  parse(c, &f);
  assert_int_equal(f.propagation, MS_PRIVATE);
}

static void recursive_attributes(void **state) {
  char *a[] = {"rro", "rnosuid", "rnodev", "rnoexec", "rnosymfollow", NULL};
  struct hull_mount_flags f;
  parse(a, &f);
  assert_true(f.recursive_attrs);
  assert_int_equal(f.attr_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                                   MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOSYMFOLLOW);
  assert_int_equal(f.attr_clr, 0);
  assert_int_equal(f.flags, 0);
  char *b[] = {"rro", "rrw", "rsuid", "rdev", "rexec", "rdiratime", NULL};
  parse(b, &f);
  assert_int_equal(f.attr_set, 0);
  assert_int_equal(f.attr_clr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                                   MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODIRATIME);
}

static void recursive_atime_field(void **state) {
  char *a[] = {"rnoatime", NULL};
  char *b[] = {"rnoatime", "rstrictatime", NULL};
  char *c[] = {"rstrictatime", "ratime", NULL};
  char *d[] = {"rrelatime", "rnodiratime", NULL};
  struct hull_mount_flags f;
  parse(a, &f);
  assert_int_equal(f.attr_set, MOUNT_ATTR_NOATIME);
  assert_int_equal(f.attr_clr, MOUNT_ATTR__ATIME);
  parse(b, &f);
  assert_int_equal(f.attr_set, MOUNT_ATTR_STRICTATIME);
  assert_int_equal(f.attr_clr, MOUNT_ATTR__ATIME);
  parse(c, &f);
  assert_int_equal(f.attr_set, MOUNT_ATTR_RELATIME);
  assert_int_equal(f.attr_clr, MOUNT_ATTR__ATIME);
  parse(d, &f);
  assert_int_equal(f.attr_set, MOUNT_ATTR_RELATIME | MOUNT_ATTR_NODIRATIME);
  assert_int_equal(f.attr_clr, MOUNT_ATTR__ATIME);
}

static void special_options(void **state) {
  char *a[] = {"idmap", "tmpcopyup", NULL};
  char *b[] = {"ridmap", NULL};
  struct hull_mount_flags f;
  parse(a, &f);
  assert_true(f.idmap);
  assert_false(f.ridmap);
  assert_true(f.tmpcopyup);
  assert_null(f.data);
  parse(b, &f);
  assert_true(f.ridmap);
  assert_false(f.idmap || f.tmpcopyup);
}

static void no_options_and_errors(void **state) {
  struct hull_mount_flags f;
  struct hull_err *err = NULL;
  assert_int_equal(hull_mount_flags_parse(NULL, &f, &err), 0);
  assert_int_equal(f.flags, 0);
  assert_null(f.data);
  char *a[] = {"", "lowerdir=/a:/b", "upperdir=/u", NULL};
  parse(a, &f);
  assert_string_equal(f.data, "lowerdir=/a:/b,upperdir=/u");
  hull_mount_flags_free(&f);
  assert_int_equal(hull_mount_flags_parse(a, NULL, &err), -1);
  assert_int_equal(err->errnum, EINVAL);
  hull_err_free(&err);
}

static void option_names_listed(void **state) {
  const char *const *names = hull_mount_option_names();
  size_t n = 0;
  bool rro = false, tmpcopyup = false, rbind = false;
  for (; names[n]; n++) {
    struct hull_mount_flags f;
    char *one[] = {(char *)names[n], NULL};
    parse(one, &f);
    assert_null(f.data); /* every listed name is understood, not passed through */
    rro |= strcmp(names[n], "rro") == 0;
    tmpcopyup |= strcmp(names[n], "tmpcopyup") == 0;
    rbind |= strcmp(names[n], "rbind") == 0;
  }
  assert_true(n >= 60);
  assert_true(rro && tmpcopyup && rbind);
}

static void attrs_from_flags(void **state) {
  uint64_t set, clr;
  hull_mount_attr_from_flags(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NODIRATIME, 0, &set, &clr);
  assert_int_equal(set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                            MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODIRATIME);
  assert_int_equal(clr, 0);
  hull_mount_attr_from_flags(MS_NOATIME, MS_RDONLY, &set, &clr);
  assert_int_equal(set, MOUNT_ATTR_NOATIME);
  assert_int_equal(clr, MOUNT_ATTR__ATIME | MOUNT_ATTR_RDONLY);
  hull_mount_attr_from_flags(MS_STRICTATIME | MS_BIND | MS_REC, 0, &set, &clr);
  assert_int_equal(set, MOUNT_ATTR_STRICTATIME);
  assert_int_equal(clr, MOUNT_ATTR__ATIME);
  hull_mount_attr_from_flags(0, MS_NOATIME, &set, &clr);
  assert_int_equal(set, 0);
  assert_int_equal(clr, MOUNT_ATTR__ATIME);
}

static void proc_destinations(void **state) {
  assert_true(hull_proc_dest_allowed("proc", "proc", false));
  assert_false(hull_proc_dest_allowed("proc", "tmpfs", false));
  assert_false(hull_proc_dest_allowed("proc", NULL, false));
  assert_false(hull_proc_dest_allowed("proc", "bind", false));
  assert_false(hull_proc_dest_allowed("proc/self", "bind", false));
  assert_false(hull_proc_dest_allowed("proc/sys", "tmpfs", false));
  assert_false(hull_proc_dest_allowed("proc/self/attr/exec", "bind", true));
  assert_true(hull_proc_dest_allowed("proc/meminfo", "bind", true));
  assert_false(hull_proc_dest_allowed("proc/meminfo", "bind", false));
  assert_true(hull_proc_dest_allowed("procfoo", "tmpfs", false));
  assert_true(hull_proc_dest_allowed("tmp", "tmpfs", false));
}

static void propagation_names(void **state) {
  unsigned long v;
  assert_int_equal(hull_propagation_from_name("rslave", &v), 0);
  assert_int_equal(v, MS_SLAVE | MS_REC);
  assert_int_equal(hull_propagation_from_name("shared", &v), 0);
  assert_int_equal(v, MS_SHARED);
  assert_int_equal(hull_propagation_from_name("rprivate", &v), 0);
  assert_int_equal(v, MS_PRIVATE | MS_REC);
  assert_int_equal(hull_propagation_from_name(NULL, &v), 0);
  assert_int_equal(v, 0);
  assert_int_equal(hull_propagation_from_name("bogus", &v), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(plain_flags_and_data),  cmocka_unit_test(clear_flags_undo_set_ones),
      cmocka_unit_test(every_runc_flag),       cmocka_unit_test(atime_modes_last_wins),
      cmocka_unit_test(bind_and_rbind),        cmocka_unit_test(propagation_last_wins),
      cmocka_unit_test(recursive_attributes),  cmocka_unit_test(recursive_atime_field),
      cmocka_unit_test(special_options),       cmocka_unit_test(no_options_and_errors),
      cmocka_unit_test(option_names_listed),   cmocka_unit_test(attrs_from_flags),
      cmocka_unit_test(proc_destinations),
      cmocka_unit_test(propagation_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
