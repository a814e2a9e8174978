/* The user namespace for an idmapped mount: a short-lived child unshares a
 * user namespace, the parent writes the mount's uid/gid mappings into it and
 * keeps an fd of it; the child then exits (the fd keeps the namespace). */
#include "storage/internal.h"
#include "ns/ns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

static int write_maps(const char *pid, const struct hull_mount *m, struct hull_err **err) {
  _cleanup_free_ char *uids = hull_ns_format_map(m->uid_mappings, m->n_uid_mappings);
  _cleanup_free_ char *gids = hull_ns_format_map(m->gid_mappings, m->n_gid_mappings);
  _cleanup_free_ char *up = hull_xasprintf("/proc/%s/uid_map", pid);
  _cleanup_free_ char *gp = hull_xasprintf("/proc/%s/gid_map", pid);
  if (hull_write_string(up, uids, err) < 0) return hull_err_prefix(err, "uidMappings");
  if (hull_write_string(gp, gids, err) < 0) return hull_err_prefix(err, "gidMappings");
  return 0;
}

int storage_userns_fd(const struct hull_mount *m, struct hull_err **err) {
  if (m->n_uid_mappings == 0 || m->n_gid_mappings == 0)
    return hull_err_set(err, EINVAL, "%s: idmap needs uidMappings and gidMappings (the mount's or the user namespace's)",
                        m->destination);
  int ready[2], hold[2];
  if (pipe2(ready, O_CLOEXEC) < 0) return hull_err_sys(err, "pipe");
  _cleanup_close_ int ready_r = ready[0], ready_w = ready[1];
  if (pipe2(hold, O_CLOEXEC) < 0) return hull_err_sys(err, "pipe");
  _cleanup_close_ int hold_r = hold[0], hold_w = hold[1];
  pid_t pid = fork();
  if (pid < 0) return hull_err_sys(err, "fork");
  if (pid == 0) {
    /* Our pid as the /proc mounted here numbers it (the caller may be in
     * a pid namespace that this procfs does not belong to). */
    char msg[32] = "n";
    ssize_t n = readlink("/proc/self", msg + 1, sizeof(msg) - 2);
    if (n > 0 && unshare(CLONE_NEWUSER) == 0) msg[0] = 'y', msg[n + 1] = '\0';
    if (write(ready_w, msg, sizeof(msg)) != (ssize_t)sizeof(msg)) _exit(1);
    /* Alive until the parent holds the namespace's fd and closes its end
     * of hold (ours first, or the EOF would never come). */
    close(hold_w);
    char c;
    while (read(hold_r, &c, 1) < 0 && errno == EINTR) {}
    _exit(0);
  }
  close(hull_steal_fd(&ready_w));
  close(hull_steal_fd(&hold_r));
  char msg[32] = "n";
  int fd = -1;
  ssize_t r;
  while ((r = read(ready_r, msg, sizeof(msg))) < 0 && errno == EINTR) {}
  msg[sizeof(msg) - 1] = '\0';
  if (r != (ssize_t)sizeof(msg) || msg[0] != 'y') {
    hull_err_set(err, EPERM, "idmapped mount %s: cannot create a user namespace", m->destination);
  } else if (write_maps(msg + 1, m, err) == 0) {
    _cleanup_free_ char *ns = hull_xasprintf("/proc/%s/ns/user", msg + 1);
    fd = open(ns, O_RDONLY | O_CLOEXEC);
    if (fd < 0) hull_err_sys(err, "open %s", ns);
  }
  close(hull_steal_fd(&hold_w)); /* the child sees EOF and exits */
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
  return fd;
}
