/* cli/: the option parser's accepted forms and its errors. */
#include "unit.h"

#include "cli/cli.h"

struct flags {
  bool detach, no_subreaper;
  const char *bundle, *pid_file;
  int preserve;
  char **env;
};

static const struct hull_opt *table(struct flags *f) {
  static struct hull_opt t[8];
  struct hull_opt src[] = {
      {"detach", 'd', HULL_OPT_BOOL, &f->detach, NULL, "detach"},
      {"no-subreaper", 0, HULL_OPT_BOOL, &f->no_subreaper, NULL, "x"},
      {"bundle", 'b', HULL_OPT_STRING, &f->bundle, "DIR", "bundle"},
      {"pid-file", 0, HULL_OPT_STRING, &f->pid_file, "FILE", "pid file"},
      {"preserve-fds", 0, HULL_OPT_INT, &f->preserve, "N", "fds"},
      {"env", 'e', HULL_OPT_LIST, &f->env, "K=V", "env"},
      {NULL, 0, 0, NULL, NULL, NULL},
  };
  memcpy(t, src, sizeof(src));
  return t;
}

static int parse(struct flags *f, int argc, char **argv, int *pos, struct hull_err **err) {
  *pos = 1;
  return hull_opts_parse(table(f), argc, argv, pos, NULL, err);
}

static void all_forms_accepted(void **state) {
  struct flags f = {0};
  struct hull_err *err = NULL;
  char *argv[] = {"run", "--bundle", "/b", "--pid-file=/p", "-no-subreaper", "-d",
                  "--preserve-fds", "2", "-e", "A=1", "-eB=2", "--env=C=3", "id", "x", NULL};
  int pos;
  assert_int_equal(parse(&f, 14, argv, &pos, &err), 0);
  assert_string_equal(f.bundle, "/b");
  assert_string_equal(f.pid_file, "/p");
  assert_true(f.no_subreaper);
  assert_true(f.detach);
  assert_int_equal(f.preserve, 2);
  assert_int_equal(hull_strv_len(f.env), 3);
  assert_string_equal(f.env[2], "C=3");
  assert_int_equal(pos, 12); /* stops at the first positional */
  hull_strv_free(f.env);
}

static void bool_with_value_and_short_cluster(void **state) {
  struct flags f = {0};
  struct hull_err *err = NULL;
  char *argv[] = {"x", "--detach=false", "-b/dir", "--", "-d", NULL};
  int pos;
  f.detach = true;
  assert_int_equal(parse(&f, 5, argv, &pos, &err), 0);
  assert_false(f.detach);
  assert_string_equal(f.bundle, "/dir");
  assert_int_equal(pos, 4);
}

static void errors_are_one_line(void **state) {
  struct flags f = {0};
  struct hull_err *err = NULL;
  int pos;
  char *a1[] = {"x", "--frob", NULL};
  assert_int_equal(parse(&f, 2, a1, &pos, &err), -1);
  assert_string_equal(err->msg, "flag provided but not defined: -frob");
  hull_err_free(&err);
  char *a2[] = {"x", "--bundle", NULL};
  assert_int_equal(parse(&f, 2, a2, &pos, &err), -1);
  assert_string_equal(err->msg, "flag needs an argument: --bundle");
  hull_err_free(&err);
  char *a3[] = {"x", "--preserve-fds", "two", NULL};
  assert_int_equal(parse(&f, 3, a3, &pos, &err), -1);
  assert_string_equal(err->msg, "invalid value \"two\" for flag --preserve-fds: expected an integer");
  hull_err_free(&err);
  char *a4[] = {"x", "--detach=maybe", NULL};
  assert_int_equal(parse(&f, 2, a4, &pos, &err), -1);
  hull_err_free(&err);
}

static void command_table_complete(void **state) {
  const char *names[] = {"checkpoint", "create", "delete", "events", "exec", "features",
                         "kill", "list", "pause", "ps", "restore", "resume", "run",
                         "spec", "start", "state", "update"};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    const struct hull_cmd *c = hull_cmd_find(names[i]);
    assert_non_null(c);
    assert_string_equal(c->name, names[i]);
    assert_non_null(c->run);
  }
  assert_null(hull_cmd_find("frobnicate"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(all_forms_accepted),
      cmocka_unit_test(bool_with_value_and_short_cluster),
      cmocka_unit_test(errors_are_one_line),
      cmocka_unit_test(command_table_complete),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
