/* exec: runs a new process in a running container, described by
 * --process (an OCI process object) or built from the container's own
 * process with the command line flags on top. */
#include "cli/ctx.h"

#include <errno.h>

static const char *process_file, *pid_file, *console_socket, *pidfd_socket, *cwd, *user,
    *apparmor, *label, *cgroup;
static bool detach, tty, no_new_privs, ignore_paused;
static int preserve_fds;
static char **envs, **gids, **caps;

static const struct hull_opt *options(void) {
  static const struct hull_opt table[] = {
      {"process", 'p', HULL_OPT_STRING, &process_file, "FILE|-",
       "process.json (OCI process; the process flags below are then ignored)"},
      {"detach", 'd', HULL_OPT_BOOL, &detach, NULL, "detach from the process"},
      {"pid-file", 0, HULL_OPT_STRING, &pid_file, "FILE", "write the process's pid to FILE"},
      {"console-socket", 0, HULL_OPT_STRING, &console_socket, "PATH",
       "unix socket receiving the pty master"},
      {"pidfd-socket", 0, HULL_OPT_STRING, &pidfd_socket, "PATH",
       "unix socket receiving a pidfd of the process (SCM_RIGHTS)"},
      {"tty", 't', HULL_OPT_BOOL, &tty, NULL, "allocate a pseudo-TTY"},
      {"cwd", 0, HULL_OPT_STRING, &cwd, "DIR", "working directory in the container"},
      {"env", 'e', HULL_OPT_LIST, &envs, "K=V", "set an environment variable"},
      {"user", 'u', HULL_OPT_STRING, &user, "UID[:GID]", "user (numeric) to run as"},
      {"additional-gids", 'g', HULL_OPT_LIST, &gids, "GID", "additional group"},
      {"cap", 'c', HULL_OPT_LIST, &caps, "CAP", "add a capability (bounding, effective, permitted)"},
      {"no-new-privs", 0, HULL_OPT_BOOL, &no_new_privs, NULL, "set no_new_privs"},
      {"apparmor", 0, HULL_OPT_STRING, &apparmor, "PROFILE", "AppArmor profile"},
      {"process-label", 0, HULL_OPT_STRING, &label, "LABEL", "SELinux label"},
      {"preserve-fds", 0, HULL_OPT_INT, &preserve_fds, "N", "pass fds 3..N+2 (all open)"},
      {"cgroup", 0, HULL_OPT_STRING, &cgroup, "PATH", "sub-cgroup of the container to join"},
      {"ignore-paused", 0, HULL_OPT_BOOL, &ignore_paused, NULL, "exec even when paused"},
      {NULL, 0, 0, NULL, NULL, NULL}};
  return table;
}

static struct hull_process *load_process_file(struct hull_err **err) {
  size_t len;
  _cleanup_free_ char *text = strcmp(process_file, "-") == 0
                                  ? hull_read_fd(0, &len, err)
                                  : hull_read_file(process_file, &len, err);
  if (text == NULL) return hull_err_prefix(err, "--process"), NULL;
  struct hull_process *p = hull_process_parse(text, len, err);
  if (p == NULL) hull_err_prefix(err, "--process %s", process_file);
  return p;
}

/* The flags on top of the container's process (a shallow copy: strings
 * stay owned by the spec; args, env and gids are ours). */
static int apply_flags(struct hull_process *p, char **args, struct hull_err **err) {
  p->args = args;
  char **env = hull_xcalloc(1, sizeof(char *));
  for (size_t i = 0; p->env && p->env[i]; i++) hull_strv_append(&env, p->env[i]);
  for (size_t i = 0; envs && envs[i]; i++) hull_strv_append(&env, envs[i]);
  p->env = env;
  if (cwd) p->cwd = (char *)cwd;
  if (user) {
    bool has_gid;
    uint32_t gid = p->gid;
    if (hull_user_parse(user, &p->uid, &gid, &has_gid) < 0)
      return hull_err_set(err, 0, "--user \"%s\": expected UID[:GID] in decimal", user);
    p->gid = has_gid ? gid : 0;
  }
  size_t ng = hull_strv_len(gids);
  p->additional_gids = hull_xcalloc(ng + 1, sizeof(uint32_t));
  p->n_additional_gids = ng;
  for (size_t i = 0; i < ng; i++) {
    bool dummy;
    uint32_t unused;
    if (hull_user_parse(gids[i], &p->additional_gids[i], &unused, &dummy) < 0 || dummy)
      return hull_err_set(err, 0, "--additional-gids \"%s\": expected a decimal gid", gids[i]);
  }
  /* CVE-2022-29162: added caps never go to the inheritable or ambient sets. */
  for (size_t i = 0; caps && caps[i]; i++) {
    int c = hull_cap_from_name(caps[i]);
    if (c < 0) return hull_err_set(err, 0, "--cap: unknown capability \"%s\"", caps[i]);
    for (int s = 0; s < HULL_CAP_NSETS; s++) {
      if (s == HULL_CAP_INHERITABLE || s == HULL_CAP_AMBIENT) continue;
      p->caps.present[s] = true;
      p->caps.sets[s] |= 1ULL << c;
    }
  }
  p->terminal = tty;
  if (no_new_privs) p->no_new_privileges = true;
  if (apparmor) p->apparmor_profile = (char *)apparmor;
  if (label) p->selinux_label = (char *)label;
  return 0;
}

static int do_exec(struct hull_global *g, const char *id, char **args,
                   struct hull_err **err) {
  struct hull_runtime_ctx ctx = hull_cli_ctx(g);
  _cleanup_state_ struct hull_state *st = hull_state_load(g->root, id, err);
  if (st == NULL) return -1;
  struct hull_exec_opts o = {.detach = detach, .pid_file = pid_file,
                             .console_socket = console_socket, .pidfd_socket = pidfd_socket,
                             .preserve_fds = preserve_fds,
                             .cgroup = cgroup, .ignore_paused = ignore_paused};
  int code = 0, r = -1;
  if (process_file) {
    o.process = load_process_file(err);
    if (o.process == NULL) return -1;
    /* Like runc: the process file is the whole process; --tty, --env, --cwd
     * and the other process flags beside it are ignored, not merged. */
    r = hull_container_exec(&ctx, id, &o, &code, err);
    hull_process_free(o.process);
    return r < 0 ? -1 : code;
  }
  if (args[0] == NULL) return hull_err_set(err, 0, "exec: no command given (or --process)");
  _cleanup_free_ char *cfg = hull_xasprintf("%s/%s/config.json", g->root, id);
  _cleanup_spec_ struct hull_spec *spec = hull_spec_load(cfg, err);
  if (spec == NULL) return -1;
  struct hull_process p = spec->process;
  int ar = apply_flags(&p, args, err);
  if (ar == 0) {
    o.process = &p;
    r = hull_container_exec(&ctx, id, &o, &code, err);
  }
  if (p.env != spec->process.env) hull_strv_free(p.env);
  if (p.additional_gids != spec->process.additional_gids) free(p.additional_gids);
  if (ar < 0 || r < 0) return -1;
  return code;
}

static int run(struct hull_global *g, int argc, char **argv) {
  int pos;
  int r = hull_cmd_parse(&hull_cmd_exec, options(), argc, argv, &pos);
  if (r) return r == 2 ? 0 : r;
  if (hull_cli_nargs(&hull_cmd_exec, argc, pos, -1)) return 1;
  _cleanup_err_ struct hull_err *err = NULL;
  int code = do_exec(g, argv[pos], argv + pos + 1, &err);
  /* 255 as runc's exec: a failure to run the process is then told apart
   * from the process's own exit status (1 is common). */
  if (code < 0) return hull_cmd_fail(err), 255;
  return code;
}

const struct hull_cmd hull_cmd_exec = {
    "exec", "run a new process inside a container",
    "[command options] <container-id> [command [args...]]",
    "Joins every namespace and the cgroup of the container. --process takes an OCI "
    "process object; otherwise the container's process is used with the flags on top. "
    "--cap adds to the bounding, effective and permitted sets only. Exits with the "
    "process's status, or 255 when hull could not run it (as runc).", options, run};
