/* The parent <-> shim sync protocol: SOCK_SEQPACKET, one message per step,
 * a 4-byte type then an optional NUL-free text payload. */
#include "init/init.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int hull_sync_send(int fd, enum hull_sync_type type, const char *payload) {
  size_t len = payload ? strlen(payload) : 0;
  if (len > HULL_SYNC_MAX - 4) len = HULL_SYNC_MAX - 4;
  _cleanup_free_ char *buf = hull_xmalloc(4 + len);
  uint32_t t = (uint32_t)type;
  memcpy(buf, &t, 4);
  if (len) memcpy(buf + 4, payload, len); // NOLINT(bugprone-not-null-terminated-result): length-framed, no NUL on the wire
  ssize_t w;
  do {
    w = send(fd, buf, 4 + len, MSG_NOSIGNAL);
  } while (w < 0 && errno == EINTR);
  return w < 0 ? -1 : 0;
}

/* A peer that exits with messages of ours unread leaves ECONNRESET on
 * our socket, reported before what it sent last (its ERROR): reading
 * again, the error is consumed and the message (or EOF) comes. */
static bool retry(ssize_t r, int *resets) {
  return r < 0 && (errno == EINTR || (errno == ECONNRESET && (*resets)++ == 0));
}

int hull_sync_recv(int fd, enum hull_sync_type *type, char **payload, struct hull_err **err) {
  _cleanup_free_ char *buf = hull_xmalloc(HULL_SYNC_MAX + 1);
  ssize_t r;
  int resets = 0;
  do {
    r = recv(fd, buf, HULL_SYNC_MAX, 0);
  } while (retry(r, &resets));
  if (payload) *payload = NULL;
  if (r < 0) {
    if (errno == ECONNRESET) r = 0;
    else return hull_err_sys(err, "sync: recv");
  }
  if (r == 0) {
    *type = HULL_SYNC_EOF;
    return 0;
  }
  if (r < 4) return hull_err_set(err, EPROTO, "sync: short message (%zd bytes)", r);
  uint32_t t;
  memcpy(&t, buf, 4);
  *type = (enum hull_sync_type)t;
  if (payload) {
    buf[r] = '\0';
    *payload = hull_xstrdup(buf + 4);
  }
  return 0;
}

int hull_sync_expect(int fd, enum hull_sync_type want, char **payload, const char *what,
                     struct hull_err **err) {
  enum hull_sync_type t = HULL_SYNC_EOF;
  _cleanup_free_ char *p = NULL;
  if (hull_sync_recv(fd, &t, &p, err) < 0) return -1;
  if (t == HULL_SYNC_ERROR) return hull_err_set(err, 0, "%s", p && *p ? p : "unknown error");
  if (t == HULL_SYNC_EOF) return hull_err_set(err, 0, "%s: the container init exited", what);
  if (t != want)
    return hull_err_set(err, EPROTO, "%s: unexpected sync message %d (wanted %d)", what, (int)t,
                        (int)want);
  if (payload) *payload = hull_steal_ptr(&p);
  return 0;
}

int hull_sync_send_fd(int fd, enum hull_sync_type type, int payload_fd) {
  return hull_sync_send_fds(fd, type, NULL, &payload_fd, 1);
}

int hull_sync_send_fds(int fd, enum hull_sync_type type, const char *payload, const int *fds,
                       size_t n) {
  size_t len = payload ? strlen(payload) : 0;
  if (len > HULL_SYNC_MAX - 4) len = HULL_SYNC_MAX - 4;
  _cleanup_free_ char *buf = hull_xmalloc(4 + len);
  uint32_t t = (uint32_t)type;
  memcpy(buf, &t, 4);
  if (len) memcpy(buf + 4, payload, len);
  return hull_send_with_fds(fd, buf, 4 + len, fds, n) < 0 ? -1 : 0;
}

/* Takes the fds of every SCM_RIGHTS message: up to max into fds[], the
 * rest (a peer sending more than asked) closed at once. */
static size_t cmsg_fds(struct msghdr *msg, int *fds, size_t max) {
  size_t n = 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < k; i++) {
      int got;
      memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      if (n < max) fds[n++] = got;
      else close(got);
    }
  }
  return n;
}

static void close_all(int *fds, size_t n) {
  for (size_t i = 0; i < n; i++) close(fds[i]);
}

int hull_sync_expect_fds(int fd, enum hull_sync_type want, char **payload, int *fds, size_t max,
                         size_t *n, const char *what, struct hull_err **err) {
  _cleanup_free_ char *buf = hull_xmalloc(HULL_SYNC_MAX + 1);
  union {
    char buf[CMSG_SPACE(sizeof(int) * HULL_MAX_PASS_FDS)];
    struct cmsghdr align;
  } u;
  if (max > HULL_MAX_PASS_FDS) max = HULL_MAX_PASS_FDS;
  struct iovec iov = {.iov_base = buf, .iov_len = HULL_SYNC_MAX};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                       .msg_controllen = sizeof(u.buf)};
  ssize_t r;
  int resets = 0;
  do {
    r = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
  } while (retry(r, &resets));
  *n = 0;
  if (payload) *payload = NULL;
  if (r < 0 && errno != ECONNRESET) return hull_err_sys(err, "sync: recv");
  if (r <= 0) return hull_err_set(err, 0, "%s: the container init exited", what);
  size_t got = cmsg_fds(&msg, fds, max);
  uint32_t t = 0;
  if (r >= 4) memcpy(&t, buf, 4);
  buf[r] = '\0';
  int rc = 0;
  if (r < 4) rc = hull_err_set(err, EPROTO, "sync: short message (%zd bytes)", r);
  else if (t == HULL_SYNC_ERROR) rc = hull_err_set(err, 0, "%s", r > 4 ? buf + 4 : "unknown error");
  else if (t != (uint32_t)want)
    rc = hull_err_set(err, EPROTO, "%s: unexpected sync message %u (wanted %d)", what, t, (int)want);
  else if (msg.msg_flags & MSG_CTRUNC)
    rc = hull_err_set(err, EPROTO, "%s: sync message %u: its fds did not fit", what, t);
  if (rc < 0) {
    close_all(fds, got);
    return rc;
  }
  *n = got;
  if (payload) *payload = hull_xstrdup(buf + 4);
  return 0;
}

int hull_sync_expect_fd(int fd, enum hull_sync_type want, int *out, const char *what,
                        struct hull_err **err) {
  int fds[1];
  size_t n;
  *out = -1;
  if (hull_sync_expect_fds(fd, want, NULL, fds, 1, &n, what, err) < 0) return -1;
  if (n == 0) return hull_err_set(err, EPROTO, "%s: sync message %d carries no fd", what, (int)want);
  *out = fds[0];
  return 0;
}

void hull_sync_send_error(int fd, const struct hull_err *err) {
  hull_sync_send(fd, HULL_SYNC_ERROR, err && err->msg ? err->msg : "unknown error");
}
