/* hull: global flags, the command table dispatch, exit codes.
 * Exit codes: 0 success, 1 any failure (as runc); `run` returns the
 * container's status. */
#include "config.h"

#include "cli/cli.h"
#include "runtime/runtime.h"

#include <seccomp.h>
#include <string.h>

/* Sanitizer builds only (tests/sanitizers): exec, and run/create joining a
 * pid namespace by path, setns the runtime into the container's pid
 * namespace for its children. LeakSanitizer's exit-time check clones its
 * tracer there, cannot see the threads it must stop, and spins forever.
 * Going back to our own pid namespace (always allowed) before it runs lets
 * those commands be leak-checked like the others. */
#if defined(__SANITIZE_ADDRESS__)
#define HULL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HULL_ASAN 1
#endif
#endif
#ifdef HULL_ASAN
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

static void leave_child_pidns(void) {
  int fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  (void)setns(fd, CLONE_NEWPID);
  close(fd);
}
#endif

static void print_version(void) {
  const struct scmp_version *v = seccomp_version();
  printf("hull version %s\ncommit: %s\nspec: %s\n", PACKAGE_VERSION, HULL_GIT_COMMIT,
         HULL_SPEC_VERSION);
  if (v) printf("libseccomp: %u.%u.%u\n", v->major, v->minor, v->micro);
}

static void print_usage(FILE *out) {
  fprintf(out,
          "hull - an OCI container runtime\n\n"
          "USAGE:\n   hull [global options] command [command options] [arguments...]\n\n"
          "COMMANDS:\n");
  for (const struct hull_cmd *const *c = hull_cmd_all(); *c; c++)
    fprintf(out, "   %-12s %s\n", (*c)->name, (*c)->summary);
  fprintf(out, "   %-12s %s\n", "help", "show help for hull or one command");
  fprintf(out, "\nGLOBAL OPTIONS:\n");
}

static const char *log_format_arg, *rootless_arg, *criu_arg;
static bool want_version;

static const struct hull_opt *global_options(struct hull_global *g) {
  static struct hull_opt opts[12];
  const struct hull_opt table[] = {
      {"debug", 0, HULL_OPT_BOOL, &g->debug, NULL, "enable debug logging"},
      {"log", 0, HULL_OPT_STRING, &g->log, "FILE", "write logs to FILE (default: stderr)"},
      {"log-format", 0, HULL_OPT_STRING, &log_format_arg, "text|json", "log format (default: text)"},
      {"root", 0, HULL_OPT_STRING, &g->root, "DIR",
       "state directory (default: /run/hull, or $XDG_RUNTIME_DIR/hull when rootless)"},
      {"systemd-cgroup", 0, HULL_OPT_BOOL, &g->systemd_cgroup, NULL,
       "cgroups through systemd: each container a transient scope (cgroupsPath slice:prefix:name)"},
      {"rootless", 0, HULL_OPT_STRING, &rootless_arg, "true|false|auto",
       "rootless mode (default: auto)"},
      {"cgroup-manager", 0, HULL_OPT_STRING, &g->cgroup_manager, "cgroupfs|systemd|disabled",
       "cgroup manager (default: cgroupfs; systemd = --systemd-cgroup)"},
      /* go-runc puts --criu before every command when containerd's runc
       * options set CriuPath: taken, and unused (no checkpoint/restore). */
      {"criu", 0, HULL_OPT_STRING, &criu_arg, "PATH",
       "accepted for runc's command line; unused (no checkpoint/restore)"},
      {"version", 'v', HULL_OPT_BOOL, &want_version, NULL, "print the version"},
      {NULL, 0, 0, NULL, NULL, NULL},
  };
  memcpy(opts, table, sizeof(table));
  return opts;
}

/* Turns the string flags into their typed values. */
static int finish_globals(struct hull_global *g, struct hull_err **err) {
  if (log_format_arg == NULL || strcmp(log_format_arg, "text") == 0)
    g->log_format = HULL_LOG_TEXT;
  else if (strcmp(log_format_arg, "json") == 0)
    g->log_format = HULL_LOG_JSON;
  else
    return hull_err_set(err, 0, "--log-format: unknown format \"%s\" (text or json)",
                        log_format_arg);
  if (rootless_arg == NULL || strcmp(rootless_arg, "auto") == 0)
    g->rootless = HULL_ROOTLESS_AUTO;
  else if (strcmp(rootless_arg, "true") == 0)
    g->rootless = HULL_ROOTLESS_TRUE;
  else if (strcmp(rootless_arg, "false") == 0)
    g->rootless = HULL_ROOTLESS_FALSE;
  else
    return hull_err_set(err, 0, "--rootless: expected true, false or auto, got \"%s\"",
                        rootless_arg);
  if (g->cgroup_manager == NULL) g->cgroup_manager = g->systemd_cgroup ? "systemd" : "cgroupfs";
  if (strcmp(g->cgroup_manager, "cgroupfs") != 0 && strcmp(g->cgroup_manager, "systemd") != 0 &&
      strcmp(g->cgroup_manager, "disabled") != 0)
    return hull_err_set(err, 0,
                        "--cgroup-manager: expected cgroupfs, systemd or disabled, got \"%s\"",
                        g->cgroup_manager);
  if (g->root == NULL) g->root = hull_runtime_default_root();
  return 0;
}

static int help_command(int argc, char **argv, int pos, const struct hull_opt *gopts) {
  if (pos >= argc) {
    print_usage(stdout);
    hull_opts_print_help(stdout, gopts);
    return 0;
  }
  const struct hull_cmd *cmd = hull_cmd_find(argv[pos]);
  if (cmd == NULL) {
    fprintf(stderr, "hull: no help topic for '%s'\n", argv[pos]);
    return 1;
  }
  hull_cmd_print_help(stdout, cmd);
  return 0;
}

int main(int argc, char **argv) {
  struct hull_global g = {0};
  _cleanup_err_ struct hull_err *err = NULL;
  const struct hull_opt *gopts = global_options(&g);
  bool want_help = false;
  int pos = 1;
#ifdef HULL_ASAN
  atexit(leave_child_pidns); /* runs before the leak check (in _dl_fini) */
#endif

  if (hull_opts_parse(gopts, argc, argv, &pos, &want_help, &err) < 0) {
    fprintf(stderr, "hull: %s\n", err->msg);
    return 1;
  }
  if (want_version) {
    print_version();
    return 0;
  }
  if (want_help || pos >= argc) {
    print_usage(want_help ? stdout : stderr);
    hull_opts_print_help(want_help ? stdout : stderr, gopts);
    return want_help ? 0 : 1;
  }
  if (strcmp(argv[pos], "help") == 0 || strcmp(argv[pos], "h") == 0)
    return help_command(argc, argv, pos + 1, gopts);

  const struct hull_cmd *cmd = hull_cmd_find(argv[pos]);
  if (cmd == NULL) {
    fprintf(stderr, "hull: unknown command \"%s\" (see 'hull --help')\n", argv[pos]);
    return 1;
  }
  if (finish_globals(&g, &err) < 0 ||
      hull_log_init(g.log, g.log_format, g.debug, &err) < 0) {
    fprintf(stderr, "hull: %s\n", err->msg);
    return 1;
  }
  int rc = cmd->run(&g, argc - pos, argv + pos);
  hull_log_close();
  return rc;
}
