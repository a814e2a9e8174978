/* ps: the processes of a container; json is a bare array of host pids,
 * table runs the host's ps (args default -ef; no shell) and keeps its lines. */
#include "cli/ctx.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *format;

static const struct hull_opt *options(void) {
  static const struct hull_opt table[] = {
      {"format", 'f', HULL_OPT_STRING, &format, "table|json", "output format (default: table)"},
      {NULL, 0, 0, NULL, NULL, NULL}};
  return table;
}

/* Which whitespace-separated column of the header is "PID". */
static int pid_column(const char *header) {
  int col = 0;
  for (const char *p = header; *p;) {
    while (*p == ' ') p++;
    if (*p == '\0' || *p == '\n') break;
    if (strncmp(p, "PID", 3) == 0 && (p[3] == ' ' || p[3] == '\n' || p[3] == '\0')) return col;
    while (*p && *p != ' ') p++;
    col++;
  }
  return -1;
}

static long column_value(const char *line, int col) {
  const char *p = line;
  for (int c = 0;; c++) {
    while (*p == ' ') p++;
    if (*p == '\0') return -1;
    if (c == col) return strtol(p, NULL, 10);
    while (*p && *p != ' ') p++;
  }
}

static bool has_pid(const pid_t *pids, size_t n, long pid) {
  for (size_t i = 0; i < n; i++)
    if (pids[i] == pid) return true;
  return false;
}

/* The host's ps, run directly (no shell: its args are never re-parsed),
 * its stdout read through a pipe. Returns a FILE for it, *pid its pid. */
static FILE *spawn_ps(char **args, int nargs, pid_t *pid) {
  /* "ps", the args (or "-ef") and the NULL execvp needs: with no args
   * nargs + 2 left no room for it (valgrind: execve read past the block). */
  _cleanup_free_ char **argv = hull_xcalloc((size_t)nargs + 3, sizeof(char *));
  argv[0] = (char *)"ps";
  if (nargs == 0) argv[1] = (char *)"-ef";
  for (int i = 0; i < nargs; i++) argv[i + 1] = args[i];
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) return NULL;
  *pid = fork();
  if (*pid < 0) {
    close(p[0]);
    close(p[1]);
    return NULL;
  }
  if (*pid == 0) {
    if (dup2(p[1], 1) < 0) _exit(127);
    execvp("ps", argv);
    dprintf(2, "hull: ps: exec ps: %s\n", strerror(errno));
    _exit(127);
  }
  close(p[1]);
  FILE *f = fdopen(p[0], "r");
  if (f == NULL) close(p[0]);
  return f;
}

static int ps_table(const pid_t *pids, size_t n, char **args, int nargs) {
  pid_t child = -1;
  FILE *f = spawn_ps(args, nargs, &child);
  if (f == NULL) {
    int e = errno;
    if (child > 0) waitpid(child, NULL, 0);
    hull_error("ps: running ps: %s", strerror(e));
    return 1;
  }
  char line[8192];
  int col = -1, rc = 0;
  while (fgets(line, sizeof(line), f)) {
    if (col < 0) {
      col = pid_column(line);
      fputs(line, stdout);
      if (col < 0) {
        hull_error("ps: no PID column in the output of ps");
        rc = 1;
        break;
      }
      continue;
    }
    if (has_pid(pids, n, column_value(line, col))) fputs(line, stdout);
  }
  fclose(f); /* before the wait: a ps still writing gets EPIPE, not a hang */
  int st;
  while (waitpid(child, &st, 0) < 0)
    if (errno != EINTR) return 1;
  return rc == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}

static int run(struct hull_global *g, int argc, char **argv) {
  int pos;
  format = NULL;
  int r = hull_cmd_parse(&hull_cmd_ps, options(), argc, argv, &pos);
  if (r) return r == 2 ? 0 : r;
  if (hull_cli_nargs(&hull_cmd_ps, argc, pos, -1)) return 1;
  bool json = format && strcmp(format, "json") == 0;
  if (format && !json && strcmp(format, "table") != 0) {
    hull_error("ps: --format: expected table or json, got \"%s\"", format);
    return 1;
  }
  _cleanup_err_ struct hull_err *err = NULL;
  struct hull_runtime_ctx ctx = hull_cli_ctx(g);
  _cleanup_free_ pid_t *pids = NULL;
  size_t n;
  if (hull_container_pids(&ctx, argv[pos], &pids, &n, &err) < 0) return hull_cmd_fail(err);
  if (!json) return ps_table(pids, n, argv + pos + 1, argc - pos - 1);
  printf("[");
  for (size_t i = 0; i < n; i++) printf("%s%d", i ? "," : "", (int)pids[i]);
  printf("]\n");
  return 0;
}

const struct hull_cmd hull_cmd_ps = {"ps", "list the processes of a container",
                                     "[command options] <container-id> [ps options]",
                                     "--format json prints a bare JSON array of host pids; the table runs the "
                                     "host's ps (default -ef) and keeps the container's lines.",
                                     options, run};
