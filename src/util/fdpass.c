/* Passing file descriptors over a unix socket (SCM_RIGHTS): the sync
 * protocol with the shim (a pty master, the cgroup v1 `tasks` fds),
 * --console-socket/--pidfd-socket and the seccomp listener. */
#include "util/util.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

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

ssize_t hull_send_with_fd(int sock, const void *data, size_t len, int fd) {
  return hull_send_with_fds(sock, data, len, &fd, 1);
}
