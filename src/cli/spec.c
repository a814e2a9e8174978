/* spec: writes a default config.json into the bundle, like `runc spec`.
 * Never overwrites: the file is created with O_EXCL. */
#include "cli/cli.h"
#include "spec/spec.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

static const char *bundle;
static bool rootless;

static const struct hull_opt *options(void) {
  static const struct hull_opt table[] = {
      {"bundle", 'b', HULL_OPT_STRING, &bundle, "DIR",
       "directory to write config.json into (default: the current directory)"},
      {"rootless", 0, HULL_OPT_BOOL, &rootless, NULL,
       "a config for an unprivileged user: user namespace mapping the caller, no network "
       "namespace, /sys bind-mounted, no cgroup resources"},
      {NULL, 0, 0, NULL, NULL, NULL}};
  return table;
}

static int write_config(const char *dir, const char *json, struct hull_err **err) {
  _cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return hull_err_sys(err, "bundle %s", dir);
  _cleanup_close_ int fd =
      openat(dfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd < 0 && errno == EEXIST)
    return hull_err_set(err, 0, "%s/config.json exists: remove it first", dir);
  if (fd < 0) return hull_err_sys(err, "create %s/config.json", dir);
  if (hull_write_all(fd, json, strlen(json)) < 0 || hull_write_all(fd, "\n", 1) < 0)
    return hull_err_sys(err, "write %s/config.json", dir);
  return 0;
}

static int fail(struct hull_err *err) {
  int rc = hull_cmd_fail(err);
  hull_err_free(&err);
  return rc;
}

static int run(struct hull_global *g, int argc, char **argv) {
  int pos;
  bundle = NULL;
  rootless = false;
  int r = hull_cmd_parse(&hull_cmd_spec, options(), argc, argv, &pos);
  if (r) return r == 2 ? 0 : r;
  struct hull_err *err = NULL;
  if (pos < argc) {
    hull_err_set(&err, 0, "spec: unexpected argument \"%s\"", argv[pos]);
    return fail(err);
  }
  _cleanup_free_ char *json = hull_spec_default_json(rootless, geteuid(), getegid());
  if (write_config(bundle ? bundle : ".", json, &err) < 0) return fail(err);
  return 0;
}

const struct hull_cmd hull_cmd_spec = {
    "spec", "create a new specification file (config.json)", "[command options]",
    "Writes a default OCI config.json into the bundle directory: busybox sh on a terminal, "
    "the usual mounts, masked and read-only /proc paths. Edit it before `hull run`. "
    "An existing config.json is never overwritten.",
    options, run};
