/* Internal to runtime/: pty helpers. */
#ifndef HULL_RUNTIME_CONSOLE_H
#define HULL_RUNTIME_CONSOLE_H

#include "runtime/runtime.h"

#include <termios.h>

int hull_pty_open(int *master, int *slave, struct hull_err **err);
int hull_console_send(const char *socket_path, int master, struct hull_err **err);
int hull_tty_raw(int fd, struct termios *saved);
void hull_tty_copy_size(int from, int to);
/* One poll round of stdin -> master, master -> stdout. -1: master closed. */
int hull_tty_proxy_step(int master, bool *stdin_open, int timeout_ms);
void hull_tty_drain(int master);

#endif
