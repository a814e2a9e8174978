/* Unix sockets: connecting to a path (--console-socket, --pidfd-socket,
 * the seccomp listener, D-Bus) and passing file descriptors over them
 * (SCM_RIGHTS): the sync protocol with the shim (a pty master, the cgroup
 * v1 `tasks` fds), the console and pidfd sockets, the seccomp listener. */
#include "util/util.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

int hull_unix_connect(const char *path, const char *what, struct hull_err **err) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  size_t len = strlen(path);
  /* The kernel would cut a longer path short and connect to another one. */
  if (len >= sizeof(addr.sun_path))
    return hull_err_set(err, ENAMETOOLONG, "%s: connect %s: %zu bytes, a unix socket takes %zu",
                        what, path, len, sizeof(addr.sun_path) - 1);
  memcpy(addr.sun_path, path, len + 1);
  _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return hull_err_sys(err, "%s: socket", what);
  /* An AF_UNIX connect interrupted while the listener's backlog is full
   * leaves the socket unconnected (unlike TCP's EALREADY): try again. */
  int r;
  do r = connect(fd, (struct sockaddr *)&addr, sizeof(addr));
  while (r < 0 && errno == EINTR);
  if (r < 0) return hull_err_sys(err, "%s: connect %s", what, path);
  return hull_steal_fd(&fd);
}

ssize_t hull_send_with_fds(int sock, const void *data, size_t len, const int *fds, size_t n) {
  if (n > HULL_MAX_PASS_FDS) {
    errno = EINVAL;
    return -1;
  }
  struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
  union {
    char buf[CMSG_SPACE(sizeof(int) * HULL_MAX_PASS_FDS)];
    struct cmsghdr align;
  } u;
  memset(&u, 0, sizeof(u));
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
  if (n > 0) {
    msg.msg_control = u.buf;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * n);
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * n);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
  }
  ssize_t r;
  do {
    r = sendmsg(sock, &msg, MSG_NOSIGNAL);
  } while (r < 0 && errno == EINTR);
  return r;
}

int hull_send_all(int sock, const void *data, size_t len) {
  const char *p = data;
  while (len > 0) {
    ssize_t w = send(sock, p, len, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return -1;
    p += w;
    len -= (size_t)w;
  }
  return 0;
}

ssize_t hull_send_with_fd(int sock, const void *data, size_t len, int fd) {
  return hull_send_with_fds(sock, data, len, &fd, 1);
}
