/* Test helper: a --console-socket receiver. Listens on SOCKET, takes one
 * pty master over SCM_RIGHTS, writes INPUT (if given) to it, then copies
 * everything the container prints to stdout until the pty closes. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "recvfd.h"

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: recvtty SOCKET [INPUT]\n");
    return 2;
  }
  int master = recvfd_one(argv[1], "recvtty", NULL, 0);
  if (master < 0) return 1;
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
