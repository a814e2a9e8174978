/* Test helper: a --console-socket receiver. Listens on SOCKET, takes one
 * pty master over SCM_RIGHTS, writes INPUT (if given) to it, then copies
 * everything the container prints to stdout until the pty closes. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int recv_fd(int conn) {
  char name[64];
  struct iovec iov = {.iov_base = name, .iov_len = sizeof(name)};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                       .msg_controllen = sizeof(u.buf)};
  if (recvmsg(conn, &msg, 0) < 0) return -1;
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if (c == NULL || c->cmsg_type != SCM_RIGHTS) return -1;
  int fd;
  memcpy(&fd, CMSG_DATA(c), sizeof(int));
  return fd;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: recvtty SOCKET [INPUT]\n");
    return 2;
  }
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", argv[1]);
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  unlink(argv[1]);
  if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(s, 1) < 0) {
    perror("recvtty: listen");
    return 1;
  }
  int conn = accept(s, NULL, NULL);
  int master = conn < 0 ? -1 : recv_fd(conn);
  if (master < 0) {
    fprintf(stderr, "recvtty: no fd received\n");
    return 1;
  }
  if (argc > 2 && write(master, argv[2], strlen(argv[2])) < 0) perror("recvtty: write");
  char buf[4096];
  for (;;) {
    ssize_t r = read(master, buf, sizeof(buf));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break; /* EIO once the last slave fd closes */
    fwrite(buf, 1, (size_t)r, stdout);
    fflush(stdout);
  }
  return 0;
}
