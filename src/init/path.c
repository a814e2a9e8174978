/* args[0] resolution as execvp does it, but done before the container is
 * started so a missing or non-executable binary fails `create` with the
 * words podman maps to exit codes 127 and 126. */
#include "init/init.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

static const char *env_path(char *const *env) {
  for (size_t i = 0; env && env[i]; i++)
    if (strncmp(env[i], "PATH=", 5) == 0) return env[i] + 5;
  return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

/* 0 ok, else errno of why path cannot be executed. */
static int check_exec(const char *path) {
  struct stat sb;
  if (stat(path, &sb) < 0) return errno;
  if (S_ISDIR(sb.st_mode)) return EACCES;
  if (access(path, X_OK) < 0) return errno;
  return 0;
}

static const char *errtext(int e) {
  switch (e) {
  case ENOENT: return "no such file or directory";
  case EACCES: return "permission denied";
  case ENOTDIR: return "not a directory";
  default: return strerror(e);
  }
}

char *hull_init_find_exec(const char *arg0, char *const *env, struct hull_err **err) {
  if (arg0 == NULL || *arg0 == '\0')
    return hull_err_set(err, EINVAL, "process.args: empty"), NULL;
  if (strchr(arg0, '/')) {
    int e = check_exec(arg0);
    if (e) return hull_err_set(err, 0, "exec: \"%s\": %s", arg0, errtext(e)), NULL;
    return hull_xstrdup(arg0);
  }
  _cleanup_free_ char *dirs = hull_xstrdup(env_path(env));
  int first_err = ENOENT;
  char *save = NULL;
  for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
    _cleanup_free_ char *cand = hull_xasprintf("%s/%s", *d ? d : ".", arg0);
    int e = check_exec(cand);
    if (e == 0) return hull_steal_ptr(&cand);
    if (e == EACCES && first_err == ENOENT) first_err = EACCES;
  }
  if (first_err == EACCES)
    return hull_err_set(err, 0, "exec: \"%s\": permission denied", arg0), NULL;
  return hull_err_set(err, 0,
                      "exec: \"%s\": executable file not found in $PATH: no such file or directory",
                      arg0),
         NULL;
}
