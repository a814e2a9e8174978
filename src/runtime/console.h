/* Internal to runtime/: pty helpers. */
#ifndef HULL_RUNTIME_CONSOLE_H
#define HULL_RUNTIME_CONSOLE_H

#include "runtime/runtime.h"

#include <termios.h>

int hull_console_send(const char *socket_path, int master, struct hull_err **err);
/* One fd over SCM_RIGHTS with name as the message data. */
int hull_fd_send(int sock, const char *flag, const char *name, int fd, struct hull_err **err);
/* --pidfd-socket (runc 1.2): a pidfd of pid over the connected socket. */
int hull_pidfd_send(int sock, pid_t pid, struct hull_err **err);
int hull_tty_raw(int fd, struct termios *saved);
void hull_tty_copy_size(int from, int to);
/* One poll round of stdin -> master, master -> stdout. -1: master closed. */
int hull_tty_proxy_step(int master, bool *stdin_open, int timeout_ms);
void hull_tty_drain(int master);

#endif
