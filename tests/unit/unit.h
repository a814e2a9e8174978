/* Common includes for cmocka unit tests. */
#ifndef HULL_UNIT_H
#define HULL_UNIT_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* A listening unix stream socket at path, in a fresh directory of its own
 * (concurrent test runs never share a name); unit_unlisten removes both. */
struct unit_listener {
  char dir[32];
  char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
  int fd;
};

static inline void unit_listen(struct unit_listener *l) {
  snprintf(l->dir, sizeof(l->dir), "/tmp/hull-unit.XXXXXX");
  assert_non_null(mkdtemp(l->dir));
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/s", l->dir);
  memcpy(l->path, sa.sun_path, sizeof(l->path));
  l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  assert_true(l->fd >= 0);
  assert_int_equal(bind(l->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
  assert_int_equal(listen(l->fd, 4), 0);
}

static inline void unit_unlisten(struct unit_listener *l) {
  if (l->fd >= 0) close(l->fd);
  l->fd = -1;
  unlink(l->path);
  rmdir(l->dir);
}
#endif
