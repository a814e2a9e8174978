/* uid/gid maps of a new user namespace: written directly when the kernel
 * allows it, else through the setuid newuidmap/newgidmap (package uidmap),
 * always by the parent before the shim goes on. A map that cannot be made
 * is an error naming the field and why; there is no fallback mapping. */
#include "ns/ns.h"
#include "ns/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

bool hull_ns_uid_map_is_initial(const char *uid_map) {
  unsigned long inside, outside, count;
  char extra;
  return sscanf(uid_map, "%lu %lu %lu %c", &inside, &outside, &count, &extra) == 3 &&
         inside == 0 && outside == 0 && count == 4294967295UL;
}

bool hull_ns_in_initial_userns(void) {
  _cleanup_free_ char *map = hull_read_file("/proc/self/uid_map", NULL, NULL);
  return map == NULL || hull_ns_uid_map_is_initial(map);
}

char *hull_ns_format_map(const struct hull_id_mapping *m, size_t n) {
  char *out = hull_xstrdup("");
  for (size_t i = 0; i < n; i++) {
    char *next = hull_xasprintf("%s%u %u %u\n", out, m[i].container_id, m[i].host_id, m[i].size);
    free(out);
    out = next;
  }
  return out;
}

enum hull_ns_map_writer hull_ns_map_writer(const struct hull_id_mapping *m, size_t n,
                                           bool privileged, uint32_t own_id) {
  if (n == 0) return HULL_MAP_NONE;
  if (privileged) return HULL_MAP_DIRECT;
  /* The one map an unprivileged writer may set: its own id, once. */
  if (n == 1 && m[0].size == 1 && m[0].host_id == own_id) return HULL_MAP_DIRECT;
  return HULL_MAP_HELPER;
}

struct hull_ns_map_plan hull_ns_plan_maps(const struct hull_linux *lx, bool privileged,
                                          uid_t euid, gid_t egid) {
  struct hull_ns_map_plan p = {
      .uid = hull_ns_map_writer(lx->uid_mappings, lx->n_uid_mappings, privileged, euid),
      .gid = hull_ns_map_writer(lx->gid_mappings, lx->n_gid_mappings, privileged, egid),
  };
  /* newgidmap decides setgroups itself (it denies it only for a map of
   * the caller's own gid that /etc/subgid does not cover). */
  p.deny_setgroups = !privileged && p.gid == HULL_MAP_DIRECT;
  return p;
}

char **hull_ns_helper_argv(const char *tool, pid_t pid, const struct hull_id_mapping *m,
                           size_t n) {
  char **argv = NULL;
  hull_strv_append(&argv, tool);
  char buf[16];
  snprintf(buf, sizeof(buf), "%d", (int)pid);
  hull_strv_append(&argv, buf);
  for (size_t i = 0; i < n; i++) {
    const uint32_t v[3] = {m[i].container_id, m[i].host_id, m[i].size};
    for (int k = 0; k < 3; k++) {
      snprintf(buf, sizeof(buf), "%u", v[k]);
      hull_strv_append(&argv, buf);
    }
  }
  return argv;
}

/* The tool by PATH (or the usual dirs), as an absolute path. */
static char *find_tool(const char *tool) {
  const char *path = getenv("PATH");
  _cleanup_free_ char *dirs = hull_xstrdup(path && *path ? path : "/usr/bin:/bin:/usr/sbin:/sbin");
  char *save = NULL;
  for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
    if (*d != '/') continue; /* a relative PATH entry is never trusted */
    char *full = hull_xasprintf("%s/%s", d, tool);
    if (access(full, X_OK) == 0) return full;
    free(full);
  }
  return NULL;
}

/* Runs argv with stdout+stderr into *out (at most 4 KiB kept). Returns
 * the wait status, -1 when it could not run. */
static int run_capture(const char *exe, char **argv, char *out, size_t outsz,
                       struct hull_err **err) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) return hull_err_sys(err, "pipe for %s's output", exe);
  _cleanup_close_ int rd = p[0], wr = p[1];
  pid_t child = fork();
  if (child < 0) return hull_err_sys(err, "fork to run %s", exe);
  if (child == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null < 0 || dup2(null, 0) < 0 || dup2(wr, 1) < 0 || dup2(wr, 2) < 0) _exit(126);
    execv(exe, argv);
    _exit(127);
  }
  close(hull_steal_fd(&wr)); /* or the read below never sees EOF */
  size_t len = 0;
  ssize_t r;
  char sink[256]; /* overflow beyond outsz is read into here and dropped */
  /* cppcheck-suppress legacyUninitvar ; sink is only written (by read) */
  while ((r = read(rd, len + 1 < outsz ? out + len : sink,
                   len + 1 < outsz ? outsz - 1 - len : sizeof(sink))) != 0) {
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) break;
    if (len + 1 < outsz) len += (size_t)r;
  }
  out[len] = '\0';
  int status;
  while (waitpid(child, &status, 0) < 0)
    if (errno != EINTR) return hull_err_sys(err, "waitpid %s", argv[0]);
  return status;
}

static int helper_map(pid_t pid, const char *tool, const char *field, const char *subfile,
                      const struct hull_id_mapping *m, size_t n, uint32_t own_id,
                      struct hull_err **err) {
  _cleanup_free_ char *exe = find_tool(tool);
  if (exe == NULL)
    return hull_err_set(err, ENOENT,
                        "%s: this mapping needs the setuid %s (package uidmap), not found in "
                        "PATH: an unprivileged user can map only its own id (%u) by itself",
                        field, tool, own_id);
  _cleanup_strv_ char **argv = hull_ns_helper_argv(tool, pid, m, n);
  char out[4096];
  int status = run_capture(exe, argv, out, sizeof(out), err);
  if (status < 0) return hull_err_prefix(err, "%s: %s", field, tool);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
  out[strcspn(out, "\n")] = '\0';
  _cleanup_free_ char *text = hull_ns_format_map(m, n);
  for (char *c = text; *c; c++)
    if (*c == '\n') *c = c[1] ? ',' : '\0';
  char how[48];
  if (WIFEXITED(status)) snprintf(how, sizeof(how), "exit status %d", WEXITSTATUS(status));
  else snprintf(how, sizeof(how), "killed by signal %d", WTERMSIG(status));
  return hull_err_set(err, EPERM,
                      "%s: %s for \"%s\" failed (%s): %s; every range but your own id (%u) "
                      "must be yours in %s",
                      field, exe, text, how, *out ? out : "no output", own_id, subfile);
}

static int direct_map(pid_t pid, const char *file, const char *field,
                      const struct hull_id_mapping *m, size_t n, struct hull_err **err) {
  _cleanup_free_ char *text = hull_ns_format_map(m, n);
  if (ns_write_proc(pid, file, text, err) < 0) return hull_err_prefix(err, "%s", field);
  return 0;
}

int hull_ns_write_maps(pid_t pid, const struct hull_linux *lx, struct hull_err **err) {
  uid_t euid = geteuid();
  gid_t egid = getegid();
  struct hull_ns_map_plan plan = hull_ns_plan_maps(lx, euid == 0, euid, egid);
  if (plan.uid == HULL_MAP_DIRECT &&
      direct_map(pid, "uid_map", "linux.uidMappings", lx->uid_mappings, lx->n_uid_mappings,
                 err) < 0)
    return -1;
  if (plan.uid == HULL_MAP_HELPER &&
      helper_map(pid, "newuidmap", "linux.uidMappings", "/etc/subuid", lx->uid_mappings,
                 lx->n_uid_mappings, euid, err) < 0)
    return -1;
  if (plan.deny_setgroups && ns_write_proc(pid, "setgroups", "deny", err) < 0)
    return hull_err_prefix(err, "linux.gidMappings");
  if (plan.gid == HULL_MAP_DIRECT &&
      direct_map(pid, "gid_map", "linux.gidMappings", lx->gid_mappings, lx->n_gid_mappings,
                 err) < 0)
    return -1;
  if (plan.gid == HULL_MAP_HELPER &&
      helper_map(pid, "newgidmap", "linux.gidMappings", "/etc/subgid", lx->gid_mappings,
                 lx->n_gid_mappings, egid, err) < 0)
    return -1;
  return 0;
}
