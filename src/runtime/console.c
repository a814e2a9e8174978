/* Terminals: the shim opens the pty in the container's own devpts
 * (init/shim.c, storage's hull_pty_open_in_root); here its master is sent
 * to the --console-socket (SCM_RIGHTS) or proxied by a foreground run/exec. */
#include "runtime/console.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <termios.h>

int hull_fd_send(int sock, const char *flag, const char *name, int fd, struct hull_err **err) {
  /* The name rides along as the data, as runc sends it (a file's name). */
  if (hull_send_with_fd(sock, name, strlen(name), fd) < 0) return hull_err_sys(err, "%s: send", flag);
  return 0;
}

int hull_console_send(const char *socket_path, int master, struct hull_err **err) {
  _cleanup_close_ int fd = hull_unix_connect(socket_path, "--console-socket", err);
  if (fd < 0) return -1;
  if (hull_fd_send(fd, "--console-socket", "/dev/ptmx", master, err) < 0)
    return hull_err_prefix(err, "%s", socket_path);
  return 0;
}

int hull_pidfd_send(int sock, pid_t pid, struct hull_err **err) {
  _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pidfd < 0) return hull_err_sys(err, "--pidfd-socket: pidfd_open %d", (int)pid);
  return hull_fd_send(sock, "--pidfd-socket", "pidfd", pidfd, err);
}

int hull_tty_raw(int fd, struct termios *saved) {
  if (!isatty(fd) || tcgetattr(fd, saved) < 0) return -1;
  struct termios t = *saved;
  cfmakeraw(&t);
  t.c_oflag |= OPOST; /* keep output processing as runc does */
  return tcsetattr(fd, TCSANOW, &t);
}

/* A terminal that knows no size (0x0: a pty nobody sized, like script's
 * without a tty) does not override process.consoleSize. */
void hull_tty_copy_size(int from, int to) {
  struct winsize ws;
  if (ioctl(from, TIOCGWINSZ, &ws) == 0 && (ws.ws_row || ws.ws_col)) ioctl(to, TIOCSWINSZ, &ws);
}

/* Copies what is readable from in to out; -1 on EOF/error. */
static int pump(int in, int out) {
  char buf[8192];
  ssize_t r = read(in, buf, sizeof(buf));
  if (r < 0 && (errno == EINTR || errno == EAGAIN)) return 0;
  if (r <= 0) return -1;
  return hull_write_all(out, buf, (size_t)r) < 0 ? -1 : 0;
}

int hull_tty_proxy_step(int master, bool *stdin_open, int timeout_ms) {
  struct pollfd p[2] = {{.fd = master, .events = POLLIN},
                        {.fd = *stdin_open ? 0 : -1, .events = POLLIN}};
  int r = poll(p, 2, timeout_ms);
  if (r <= 0) return 0;
  if (p[1].revents & (POLLIN | POLLHUP)) {
    if (pump(0, master) < 0) *stdin_open = false;
  }
  if (p[0].revents & POLLIN) {
    if (pump(master, 1) < 0) return -1;
  } else if (p[0].revents & (POLLHUP | POLLERR)) {
    return -1;
  }
  return 0;
}

void hull_tty_drain(int master) {
  int fl = fcntl(master, F_GETFL);
  fcntl(master, F_SETFL, fl | O_NONBLOCK);
  while (pump(master, 1) == 0) {
    struct pollfd p = {.fd = master, .events = POLLIN};
    if (poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN)) break;
  }
}
