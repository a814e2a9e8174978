/* Test helper: a --pidfd-socket receiver. Listens on SOCKET, takes one fd
 * over SCM_RIGHTS and prints "name=<data> pid=<Pid: from its fdinfo>"; with
 * SIGNAL, sends it through the pidfd (pidfd_send_signal) and prints
 * "exited" once the pidfd polls readable (the process ended). */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "recvfd.h"

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
  char name[64];
  int fd = recvfd_one(argv[1], "recvpidfd", name, sizeof(name));
  if (fd < 0) return 1;
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
