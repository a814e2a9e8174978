/* Shared by the test receivers of --console-socket (recvtty),
 * --pidfd-socket (recvpidfd) and the seccomp listener (the unit test and
 * src/security/test-seccomp-agent): listen on a unix socket path, accept
 * one connection and take the one fd it sends over SCM_RIGHTS. */
#ifndef HULL_TEST_RECVFD_H
#define HULL_TEST_RECVFD_H

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* One message on conn: its data into DATA (at most LEN-1 bytes, then a
 * NUL; DATA may be NULL) and the one fd it carries (SCM_RIGHTS, opened
 * close-on-exec) into *FD. The data's length, or -1 when recvmsg failed
 * or no whole fd came with the message. */
static inline ssize_t recvfd_msg(int conn, char *data, size_t len, int *fd) {
  char sink[64];
  struct iovec iov = {.iov_base = data ? data : sink, .iov_len = data ? len - 1 : sizeof(sink)};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                       .msg_controllen = sizeof(u.buf)};
  ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
  struct cmsghdr *c = n < 0 || (msg.msg_flags & MSG_CTRUNC) ? NULL : CMSG_FIRSTHDR(&msg);
  if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
      c->cmsg_len != CMSG_LEN(sizeof(int)))
    return -1;
  if (data) data[n] = '\0';
  memcpy(fd, CMSG_DATA(c), sizeof(int));
  return n;
}

/* Accepts one connection on PATH (a stale socket file is replaced) and
 * returns the fd it carries; the message's data goes to DATA (LEN bytes,
 * NUL-terminated) when DATA is given. Errors are printed prefixed by WHO;
 * -1 then. PATH appears only once the socket listens (bound under a
 * temporary name, then renamed): tests wait for the file and then connect,
 * and a connect between bind and listen is refused (it happened under
 * load). */
static inline int recvfd_one(const char *path, const char *who, char *data, size_t len) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) + 4 >= sizeof(addr.sun_path)) {
    fprintf(stderr, "%s: socket path too long: %s\n", who, path);
    return -1;
  }
  snprintf(addr.sun_path, sizeof(addr.sun_path), "%s.new", path);
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  unlink(addr.sun_path);
  if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(s, 1) < 0 ||
      rename(addr.sun_path, path) < 0) {
    fprintf(stderr, "%s: listen on %s: %m\n", who, path);
    return -1;
  }
  int conn = accept4(s, NULL, NULL, SOCK_CLOEXEC);
  close(s);
  if (conn < 0) {
    fprintf(stderr, "%s: accept: %m\n", who);
    return -1;
  }
  int fd;
  ssize_t n = recvfd_msg(conn, data, len, &fd);
  close(conn);
  if (n < 0) {
    fprintf(stderr, "%s: no fd received\n", who);
    return -1;
  }
  return fd;
}

#endif
