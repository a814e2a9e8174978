/* Loading a compiled filter in the child (one seccomp(2) call, no
 * libseccomp), and handing the notify listener to the agent. */
#include "security/seccomp_int.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

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

char *hull_seccomp_process_state_json(pid_t pid, const char *metadata, const char *state_json) {
  const char *md = metadata ? metadata : "";
  size_t cap = strlen(md) * 6 + 1;
  _cleanup_free_ char *esc = hull_xmalloc(cap);
  hull_json_escape(esc, cap, md);
  return hull_xasprintf("{\"ociVersion\":\"%s\",\"fds\":[\"seccompFd\"],\"pid\":%d,"
                        "\"metadata\":\"%s\",\"state\":%s}",
                        HULL_SPEC_VERSION, (int)pid, esc, state_json);
}

static int connect_listener(const char *path, struct hull_err **err) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof(addr.sun_path))
    return hull_err_set(err, 0, "linux.seccomp.listenerPath \"%s\": path too long for a socket", path);
  strcpy(addr.sun_path, path);
  _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return hull_err_sys(err, "linux.seccomp.listenerPath: socket");
  if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
    return hull_err_sys(err, "linux.seccomp.listenerPath: connect %s", path);
  return hull_steal_fd(&fd);
}

int hull_seccomp_send_listener(const char *listener_path, int notify_fd, const char *state_json,
                               struct hull_err **err) {
  _cleanup_close_ int sock = connect_listener(listener_path, err);
  if (sock < 0) return -1;
  size_t len = strlen(state_json);
  struct iovec iov = {.iov_base = (void *)state_json, .iov_len = len};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  memset(&u, 0, sizeof(u));
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                       .msg_controllen = sizeof(u.buf)};
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &notify_fd, sizeof(int));
  ssize_t n;
  do n = sendmsg(sock, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0) return hull_err_sys(err, "linux.seccomp.listenerPath: sendmsg to %s", listener_path);
  /* The fd went with the first message; the rest of a long state follows
   * as plain data, as the spec allows. */
  for (size_t off = (size_t)n; off < len;) {
    ssize_t w = send(sock, state_json + off, len - off, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return hull_err_sys(err, "linux.seccomp.listenerPath: send to %s", listener_path);
    off += (size_t)w;
  }
  return 0;
}
