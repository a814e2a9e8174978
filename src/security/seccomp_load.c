/* Loading a compiled filter in the child (one seccomp(2) call, no
 * libseccomp), and handing the notify listener to the agent. */
#include "security/seccomp_int.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <yajl/yajl_tree.h>

int hull_seccomp_load(const struct hull_seccomp_filter *f, int *notify_fd, struct hull_err **err) {
  if (notify_fd) *notify_fd = -1;
  struct sock_fprog prog = {.len = (unsigned short)f->n_insns, .filter = f->insns};
  if (f->n_insns > BPF_MAXINSNS)
    return hull_err_set(err, 0, "seccomp: the filter has %zu instructions, the kernel takes at most %d",
                        f->n_insns, BPF_MAXINSNS);
  unsigned flags = f->flags;
  if (f->notify) {
    flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    /* TSYNC and a listener only combine with TSYNC_ESRCH. */
    if (flags & SECCOMP_FILTER_FLAG_TSYNC) flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
  } else {
    /* Only meaningful (and only accepted) with a listener. */
    flags &= ~(unsigned)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
  }
  long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
  if (rc < 0) {
    if (errno == EACCES)
      return hull_err_sys(err, "seccomp: loading the filter needs noNewPrivileges or CAP_SYS_ADMIN");
    return hull_err_sys(err, "seccomp(SECCOMP_SET_MODE_FILTER, flags=%#x)", flags);
  }
  if (f->notify) {
    if (notify_fd)
      *notify_fd = (int)rc;
    else
      close((int)rc);
  }
  return 0;
}

/* The container's pid as the runtime sees it, from the state JSON. */
static pid_t state_pid(const char *state_json) {
  char errbuf[128];
  yajl_val tree = yajl_tree_parse(state_json, errbuf, sizeof(errbuf));
  const char *path[] = {"pid", NULL};
  yajl_val v = tree ? yajl_tree_get(tree, path, yajl_t_number) : NULL;
  pid_t pid = v && YAJL_IS_INTEGER(v) ? (pid_t)YAJL_GET_INTEGER(v) : 0;
  yajl_tree_free(tree);
  return pid;
}

char *hull_seccomp_process_state_from_state(const char *metadata, const char *state_json) {
  const char *st = state_json && state_json[0] ? state_json : "{}";
  return hull_seccomp_process_state_json(state_pid(st), metadata, st);
}

char *hull_seccomp_process_state_json(pid_t pid, const char *metadata, const char *state_json) {
  const char *md = metadata ? metadata : "";
  size_t cap = strlen(md) * 6 + 1;
  _cleanup_free_ char *esc = hull_xmalloc(cap);
  hull_json_escape(esc, cap, md);
  return hull_xasprintf("{\"ociVersion\":\"%s\",\"fds\":[\"seccompFd\"],\"pid\":%d,"
                        "\"metadata\":\"%s\",\"state\":%s}",
                        HULL_SPEC_VERSION, (int)pid, esc, state_json);
}

int hull_seccomp_listener_connect(const char *path, struct hull_err **err) {
  return hull_unix_connect(path, "linux.seccomp.listenerPath", err);
}

int hull_seccomp_send_listener(const char *listener_path, int notify_fd, const char *state_json,
                               struct hull_err **err) {
  _cleanup_close_ int sock = hull_seccomp_listener_connect(listener_path, err);
  if (sock < 0) return -1;
  if (hull_seccomp_send_listener_fd(sock, notify_fd, state_json, err) < 0)
    return hull_err_prefix(err, "linux.seccomp.listenerPath %s", listener_path);
  return 0;
}

int hull_seccomp_send_listener_fd(int sock, int notify_fd, const char *state_json,
                                  struct hull_err **err) {
  size_t len = strlen(state_json);
  ssize_t n = hull_send_with_fd(sock, state_json, len, notify_fd);
  if (n < 0) return hull_err_sys(err, "sendmsg of the seccomp listener");
  /* The fd went with the first message; the rest of a long state follows
   * as plain data, as the spec allows. */
  if (hull_send_all(sock, state_json + n, len - (size_t)n) < 0)
    return hull_err_sys(err, "send of the container process state");
  return 0;
}
