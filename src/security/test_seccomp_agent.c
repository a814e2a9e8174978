/* test-seccomp-agent SOCKET STATE_FILE: a minimal seccomp agent for the
 * integration tests. Listens on SOCKET, receives the notify fd and the
 * container process state (written to STATE_FILE), then answers every
 * notification with success (return value 0) without running the syscall,
 * so the container sees e.g. mkdir succeed while nothing is created. Runs
 * until killed; each listener is served by a child until its processes
 * are gone. STATE_FILE holds the last state received; STATE_FILE.N the
 * N-th (from 1). */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include "../../tests/integration/recvfd.h"

static int receive(int conn, char *buf, size_t size, int *fd) {
  ssize_t n = recvfd_msg(conn, buf, size, fd);
  if (n <= 0) return -1;
  size_t total = (size_t)n;
  /* The rest of a long state comes as plain data until EOF. */
  while (total < size - 1 && (n = read(conn, buf + total, size - 1 - total)) > 0) total += (size_t)n;
  buf[total] = '\0';
  return 0;
}

static void serve(int nfd) {
  for (;;) {
    struct pollfd p = {.fd = nfd, .events = POLLIN};
    if (poll(&p, 1, -1) < 0 && errno != EINTR) return;
    if (p.revents & (POLLHUP | POLLERR)) return;
    struct seccomp_notif req;
    memset(&req, 0, sizeof(req));
    if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
      if (errno == EINTR || errno == ENOENT) continue;
      return;
    }
    struct seccomp_notif_resp resp = {.id = req.id, .val = 0, .error = 0, .flags = 0};
    ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
  }
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s SOCKET STATE_FILE\n", argv[0]);
    return 2;
  }
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(argv[1]) >= sizeof(addr.sun_path)) return 2;
  strcpy(addr.sun_path, argv[1]);
  int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  unlink(argv[1]);
  if (ls < 0 || bind(ls, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(ls, 4) < 0) {
    perror("listen");
    return 1;
  }
  signal(SIGCHLD, SIG_IGN); /* no zombies from finished servers */
  for (;;) {
    int conn = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
    if (conn < 0) continue;
    static char buf[1 << 16];
    int nfd = -1;
    int r = receive(conn, buf, sizeof(buf), &nfd);
    close(conn);
    if (r < 0) continue;
    static unsigned count;
    char numbered[4096];
    snprintf(numbered, sizeof(numbered), "%s.%u", argv[2], ++count);
    for (int k = 0; k < 2; k++) {
      FILE *f = fopen(k ? numbered : argv[2], "w");
      if (f) {
        fprintf(f, "%s\n", buf);
        fclose(f);
      }
    }
    /* One server per container process (exec makes more than one). */
    if (fork() == 0) {
      close(ls);
      serve(nfd);
      _exit(0);
    }
    close(nfd);
  }
}
