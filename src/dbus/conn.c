/* D-Bus connection: unix socket, SASL EXTERNAL, Hello on a bus, calls
 * with a bounded wait for their reply, signals handed to a callback. */
#include "dbus/dbus.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

struct hull_dbus {
  int fd;
  bool bus;
  uint32_t serial;
  char *path;          /* for error messages */
  uint8_t *in;         /* bytes received, not yet a whole message */
  size_t in_len, in_cap;
  hull_dbus_signal_fn on_signal;
  void *data;
};

static int send_all(struct hull_dbus *c, const void *p, size_t n, struct hull_err **err) {
  if (hull_send_all(c->fd, p, n) < 0) return hull_err_sys(err, "D-Bus %s: send", c->path);
  return 0;
}

/* Waits until fd is readable or the deadline passes. */
static int wait_readable(struct hull_dbus *c, int64_t deadline, struct hull_err **err) {
  for (;;) {
    int left = hull_ms_until(deadline);
    if (left == 0) return hull_err_set(err, ETIMEDOUT, "D-Bus %s: no answer in time", c->path);
    struct pollfd p = {c->fd, POLLIN, 0};
    int r = poll(&p, 1, left);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return hull_err_sys(err, "D-Bus %s: poll", c->path);
    if (r > 0) return 0;
  }
}

/* Appends what the socket has (at least one byte) to the input buffer. */
static int fill(struct hull_dbus *c, int64_t deadline, struct hull_err **err) {
  if (wait_readable(c, deadline, err) < 0) return -1;
  if (c->in_cap - c->in_len < 4096) {
    c->in_cap = c->in_cap ? c->in_cap * 2 : 8192;
    c->in = hull_xrealloc(c->in, c->in_cap);
  }
  ssize_t n;
  do n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0) return hull_err_sys(err, "D-Bus %s: recv", c->path);
  if (n == 0) return hull_err_set(err, ECONNRESET, "D-Bus %s: the peer closed the connection", c->path);
  c->in_len += (size_t)n;
  return 0;
}

static int read_msg(struct hull_dbus *c, int64_t deadline, struct hull_dbus_msg *m,
                    struct hull_err **err) {
  *m = (struct hull_dbus_msg){0};
  while (c->in_len < 16)
    if (fill(c, deadline, err) < 0) return -1;
  size_t total;
  if (hull_dbus_frame_len(c->in, c->in_len, &total, err) < 0) return -1;
  while (c->in_len < total)
    if (fill(c, deadline, err) < 0) return -1;
  uint8_t *raw = hull_xmalloc(total);
  memcpy(raw, c->in, total);
  memmove(c->in, c->in + total, c->in_len - total);
  c->in_len -= total;
  return hull_dbus_msg_parse(raw, total, m, err);
}

/* A received message that is not the reply waited for. */
static void dispatch(struct hull_dbus *c, const struct hull_dbus_msg *m) {
  if (m->type == HULL_DBUS_SIGNAL && c->on_signal) c->on_signal(m, c->data);
}

/* The server's line after AUTH, read a byte at a time (nothing else may
 * follow before BEGIN). */
static int read_line(struct hull_dbus *c, char *line, size_t size, struct hull_err **err) {
  int64_t deadline = hull_now_ms() + 5000;
  size_t n = 0;
  while (n + 1 < size) {
    if (wait_readable(c, deadline, err) < 0) return -1;
    ssize_t r = recv(c->fd, line + n, 1, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return hull_err_sys(err, "D-Bus %s: recv", c->path);
    if (r == 0) return hull_err_set(err, ECONNRESET, "D-Bus %s: closed during authentication", c->path);
    if (++n >= 2 && line[n - 2] == '\r' && line[n - 1] == '\n') {
      line[n - 2] = '\0';
      return 0;
    }
  }
  return hull_err_set(err, EPROTO, "D-Bus %s: authentication reply too long", c->path);
}

/* The NUL byte, AUTH and BEGIN go in one write, before the server's OK,
 * as sd-bus's own clients do: systemd's server reads a BEGIN that comes
 * with the first message in one buffer and then leaves that message
 * unprocessed until more bytes arrive (seen: a Subscribe answered only
 * when the 10 s timeout closed the socket). */
static int authenticate(struct hull_dbus *c, uid_t uid, struct hull_err **err) {
  _cleanup_free_ char *auth = hull_dbus_auth_line(uid);
  size_t n = strlen(auth);
  _cleanup_free_ char *out = hull_xmalloc(n + 8);
  out[0] = '\0';
  memcpy(out + 1, auth, n);
  memcpy(out + 1 + n, "BEGIN\r\n", 7);
  if (send_all(c, out, n + 8, err) < 0) return -1;
  char line[512];
  if (read_line(c, line, sizeof(line), err) < 0) return -1;
  if (!hull_str_has_prefix(line, "OK "))
    return hull_err_set(err, EACCES, "D-Bus %s: authentication refused: \"%.100s\"", c->path, line);
  return 0;
}

struct hull_dbus *hull_dbus_open(const char *path, bool bus, uid_t uid, struct hull_err **err) {
  int fd = hull_unix_connect(path, "D-Bus", err);
  if (fd < 0) return NULL;
  _cleanup_dbus_ struct hull_dbus *c = hull_xcalloc(1, sizeof(*c));
  c->fd = fd;
  c->path = hull_xstrdup(path);
  c->bus = bus;
  if (authenticate(c, uid, err) < 0) return NULL;
  if (bus) {
    struct hull_dbus_call hello = {"org.freedesktop.DBus", "/org/freedesktop/DBus",
                                   "org.freedesktop.DBus", "Hello", NULL};
    if (hull_dbus_call(c, &hello, NULL, 5000, NULL, err) < 0) return NULL;
  }
  return hull_steal_ptr(&c);
}

void hull_dbus_close(struct hull_dbus *c) {
  if (c == NULL) return;
  if (c->fd >= 0) close(c->fd);
  free(c->in);
  free(c->path);
  free(c);
}

bool hull_dbus_is_bus(const struct hull_dbus *c) { return c->bus; }

void hull_dbus_on_signal(struct hull_dbus *c, hull_dbus_signal_fn fn, void *data) {
  c->on_signal = fn;
  c->data = data;
}

int hull_dbus_call(struct hull_dbus *c, const struct hull_dbus_call *call,
                   const struct hull_dbus_buf *body, int timeout_ms, struct hull_dbus_msg *reply,
                   struct hull_err **err) {
  uint32_t serial = ++c->serial;
  {
    _cleanup_dbus_buf_ struct hull_dbus_buf out = {0};
    hull_dbus_msg_build(&out, serial, call, body);
    if (send_all(c, out.p, out.len, err) < 0) return -1;
  }
  int64_t deadline = hull_now_ms() + timeout_ms;
  for (;;) {
    _cleanup_dbus_msg_ struct hull_dbus_msg m = {0};
    if (read_msg(c, deadline, &m, err) < 0) return hull_err_prefix(err, "%s", call->member);
    bool ours = (m.type == HULL_DBUS_METHOD_RETURN || m.type == HULL_DBUS_ERROR) &&
                m.has_reply_serial && m.reply_serial == serial;
    if (!ours) {
      dispatch(c, &m);
      continue;
    }
    if (m.type == HULL_DBUS_ERROR) {
      _cleanup_free_ char *text = hull_dbus_error_text(&m);
      return hull_err_set(err, 0, "%s: %s", call->member, text);
    }
    if (reply) {
      *reply = m;
      m = (struct hull_dbus_msg){0}; /* the caller's now */
    }
    return 0;
  }
}

int hull_dbus_wait(struct hull_dbus *c, bool (*done)(void *data), void *data, int timeout_ms,
                   struct hull_err **err) {
  int64_t deadline = hull_now_ms() + timeout_ms;
  while (!done(data)) {
    _cleanup_dbus_msg_ struct hull_dbus_msg m = {0};
    if (read_msg(c, deadline, &m, err) < 0) return -1;
    dispatch(c, &m);
  }
  return 0;
}
