/* Test helper: a --pidfd-socket receiver. Listens on SOCKET, takes one fd
 * over SCM_RIGHTS and prints "name=<data> pid=<Pid: from its fdinfo>"; with
 * SIGNAL, sends it through the pidfd (pidfd_send_signal) and prints
 * "exited" once the pidfd polls readable (the process ended). */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static int recv_fd(int conn, char *name, size_t len) {
  struct iovec iov = {.iov_base = name, .iov_len = len - 1};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                       .msg_controllen = sizeof(u.buf)};
  ssize_t n = recvmsg(conn, &msg, 0);
  if (n < 0) return -1;
  name[n] = '\0';
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if (c == NULL || c->cmsg_type != SCM_RIGHTS) return -1;
  int fd;
  memcpy(&fd, CMSG_DATA(c), sizeof(int));
  return fd;
}

static long fdinfo_pid(int fd) {
  char path[64], line[256];
  snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
  FILE *f = fopen(path, "r");
  long pid = -1;
  while (f && fgets(line, sizeof(line), f))
    if (strncmp(line, "Pid:", 4) == 0) pid = strtol(line + 4, NULL, 10);
  if (f) fclose(f);
  return pid;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: recvpidfd SOCKET [SIGNAL]\n");
    return 2;
  }
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", argv[1]);
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  unlink(argv[1]);
  if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(s, 1) < 0) {
    perror("recvpidfd: listen");
    return 1;
  }
  char name[64];
  int conn = accept(s, NULL, NULL);
  int fd = conn < 0 ? -1 : recv_fd(conn, name, sizeof(name));
  if (fd < 0) {
    fprintf(stderr, "recvpidfd: no fd received\n");
    return 1;
  }
  printf("name=%s pid=%ld\n", name, fdinfo_pid(fd));
  fflush(stdout);
  if (argc < 3) return 0;
  if (syscall(SYS_pidfd_send_signal, fd, atoi(argv[2]), NULL, 0) < 0) {
    perror("recvpidfd: pidfd_send_signal");
    return 1;
  }
  struct pollfd p = {.fd = fd, .events = POLLIN};
  if (poll(&p, 1, 10000) == 1) printf("exited\n");
  return 0;
}
