/* storage/: the --overlay / run.hull.rootfs.overlay value grammar. */
#include "unit.h"

#include "storage/storage.h"

#include <errno.h>
#include <stdio.h>

#define W "--overlay"

static void ok(const char *v, struct hull_overlay_cfg *c) {
  struct hull_err *err = NULL;
  int r = hull_overlay_cfg_parse(v, W, c, &err);
  if (r < 0) fprintf(stderr, "unexpected error for \"%s\": %s\n", v, err->msg);
  assert_int_equal(r, 0);
  assert_null(err);
}

/* Fails, with a message containing want. */
static void bad(const char *v, const char *want) {
  struct hull_err *err = NULL;
  struct hull_overlay_cfg c;
  assert_int_equal(hull_overlay_cfg_parse(v, W, &c, &err), -1);
  assert_non_null(err);
  if (strstr(err->msg, want) == NULL) fprintf(stderr, "\"%s\": got \"%s\"\n", v, err->msg);
  assert_non_null(strstr(err->msg, want));
  assert_int_equal(strncmp(err->msg, W ": ", strlen(W) + 2), 0);
  assert_null(c.lower);
  assert_null(c.upper);
  hull_err_free(&err);
}

static void unset_true_false(void **state) {
  struct hull_overlay_cfg c;
  ok(NULL, &c);
  assert_false(c.enabled);
  ok("", &c);
  assert_true(c.enabled);
  assert_null(c.lower);
  assert_null(c.upper);
  assert_false(c.volatile_);
  assert_string_equal(c.what, W);
  ok("true", &c);
  assert_true(c.enabled);
  ok("false", &c);
  assert_false(c.enabled);
  ok("true,volatile", &c);
  assert_true(c.enabled && c.volatile_);
  hull_overlay_cfg_free(&c);
}

static void lower_layers_in_order(void **state) {
  struct hull_overlay_cfg c;
  ok("lower=/l/top:/l/mid//:/l/base", &c);
  assert_true(c.enabled);
  assert_int_equal(c.n_lower, 3);
  assert_string_equal(c.lower[0], "/l/top");
  assert_string_equal(c.lower[1], "/l/mid"); /* trailing slashes dropped */
  assert_string_equal(c.lower[2], "/l/base");
  assert_null(c.lower[3]);
  hull_overlay_cfg_free(&c);
  assert_null(c.lower);
  assert_string_equal(c.what, W); /* kept for later messages */
  /* the annotation's first form: a bare layer list */
  ok("/a:/b", &c);
  assert_int_equal(c.n_lower, 2);
  assert_string_equal(c.lower[1], "/b");
  hull_overlay_cfg_free(&c);
  ok("/", &c);
  assert_string_equal(c.lower[0], "/");
  hull_overlay_cfg_free(&c);
}

static void upper_and_combinations(void **state) {
  struct hull_overlay_cfg c;
  ok("upper=/keep/it/", &c);
  assert_string_equal(c.upper, "/keep/it");
  assert_null(c.lower);
  hull_overlay_cfg_free(&c);
  ok("volatile,lower=/a:/b,upper=/u,true", &c);
  assert_true(c.enabled && c.volatile_);
  assert_int_equal(c.n_lower, 2);
  assert_string_equal(c.upper, "/u");
  hull_overlay_cfg_free(&c);
  char *wd = hull_overlay_workdir("/keep/it", "c1");
  assert_string_equal(wd, "/keep/it.work/c1");
  free(wd);
}

static void errors_name_the_bad_part(void **state) {
  bad("bogus", "unknown option \"bogus\"");
  bad("true,upper", "unknown option \"upper\"");
  bad("lower=rel/dir", "lower=: \"rel/dir\" is not an absolute path");
  bad("lower=/a:rel", "\"rel\" is not an absolute path");
  bad("lower=/a::/b", "lower=: empty directory");
  bad("lower=", "lower=: no layer given");
  bad("lower=/a,lower=/b", "lower= given twice");
  bad("upper=/a,upper=/b", "upper= given twice");
  bad("upper=", "upper=: empty directory");
  bad("upper=/", "\"/\" cannot be an upper layer");
  bad("upper=/x/../etc", "\"/x/../etc\" has a \".\" or \"..\" component");
  bad("lower=/x/./y", "has a \".\" or \"..\" component");
  bad("upper=/a\\b", "contains ':', ',', '\\' or a newline");
  bad("upper=/a\nb", "contains");
  bad("upper=/a:b", "contains");
  bad("true,,volatile", "empty option in \"true,,volatile\"");
  bad(",", "empty option");
  bad("false,volatile", "\"false\" cannot be combined");
  bad("/a:b", "\"b\" is not an absolute path");
}

static void layer_limit(void **state) {
  size_t n = HULL_OVERLAY_MAX_LOWER + 1;
  char *v = malloc(6 + n * 3 + 1), *p = v;
  p += sprintf(p, "lower=");
  for (size_t i = 0; i < n; i++) p += sprintf(p, "%s/l", i ? ":" : "");
  struct hull_overlay_cfg c;
  struct hull_err *err = NULL;
  assert_int_equal(hull_overlay_cfg_parse(v, W, &c, &err), -1);
  assert_int_equal(err->errnum, E2BIG);
  assert_non_null(strstr(err->msg, "more than 500 layers"));
  hull_err_free(&err);
  p[-2] = '\0'; /* drop the last ":/l": exactly the limit */
  p[-1] = '\0';
  v[strlen(v) - 1] = '\0';
  ok(v, &c);
  assert_int_equal(c.n_lower, HULL_OVERLAY_MAX_LOWER);
  hull_overlay_cfg_free(&c);
  free(v);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(unset_true_false),         cmocka_unit_test(lower_layers_in_order),
      cmocka_unit_test(upper_and_combinations),   cmocka_unit_test(errors_name_the_bad_part),
      cmocka_unit_test(layer_limit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
