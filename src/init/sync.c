/* The parent <-> shim sync protocol: SOCK_SEQPACKET, one message per step,
 * a 4-byte type then an optional NUL-free text payload. */
#include "init/init.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

int hull_sync_send(int fd, enum hull_sync_type type, const char *payload) {
  size_t len = payload ? strlen(payload) : 0;
  if (len > HULL_SYNC_MAX - 4) len = HULL_SYNC_MAX - 4;
  _cleanup_free_ char *buf = hull_xmalloc(4 + len);
  uint32_t t = (uint32_t)type;
  memcpy(buf, &t, 4);
  if (len) memcpy(buf + 4, payload, len);
  ssize_t w;
  do {
    w = send(fd, buf, 4 + len, MSG_NOSIGNAL);
  } while (w < 0 && errno == EINTR);
  return w < 0 ? -1 : 0;
}

int hull_sync_recv(int fd, enum hull_sync_type *type, char **payload, struct hull_err **err) {
  _cleanup_free_ char *buf = hull_xmalloc(HULL_SYNC_MAX + 1);
  ssize_t r;
  do {
    r = recv(fd, buf, HULL_SYNC_MAX, 0);
  } while (r < 0 && errno == EINTR);
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
  enum hull_sync_type t;
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

union fd_cmsg {
  char buf[CMSG_SPACE(sizeof(int))];
  struct cmsghdr align;
};

int hull_sync_send_fd(int fd, enum hull_sync_type type, int payload_fd) {
  uint32_t t = (uint32_t)type;
  return hull_send_with_fd(fd, &t, sizeof(t), payload_fd) < 0 ? -1 : 0;
}

/* The fd of an SCM_RIGHTS message, -1 if it carries none. */
static int cmsg_fd(struct msghdr *msg) {
  for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
        c->cmsg_len != CMSG_LEN(sizeof(int)))
      continue;
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof(int));
    return fd;
  }
  return -1;
}

int hull_sync_expect_fd(int fd, enum hull_sync_type want, int *out, const char *what,
                        struct hull_err **err) {
  _cleanup_free_ char *buf = hull_xmalloc(HULL_SYNC_MAX + 1);
  union fd_cmsg u;
  struct iovec iov = {.iov_base = buf, .iov_len = HULL_SYNC_MAX};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                       .msg_controllen = sizeof(u.buf)};
  ssize_t r;
  do {
    r = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
  } while (r < 0 && errno == EINTR);
  *out = -1;
  if (r < 0 && errno != ECONNRESET) return hull_err_sys(err, "sync: recv");
  if (r <= 0) return hull_err_set(err, 0, "%s: the container init exited", what);
  _cleanup_close_ int got = cmsg_fd(&msg);
  if (r < 4) return hull_err_set(err, EPROTO, "sync: short message (%zd bytes)", r);
  uint32_t t;
  memcpy(&t, buf, 4);
  buf[r] = '\0';
  if (t == HULL_SYNC_ERROR) return hull_err_set(err, 0, "%s", r > 4 ? buf + 4 : "unknown error");
  if (t != (uint32_t)want)
    return hull_err_set(err, EPROTO, "%s: unexpected sync message %u (wanted %d)", what, t,
                        (int)want);
  if (got < 0) return hull_err_set(err, EPROTO, "%s: sync message %u carries no fd", what, t);
  *out = hull_steal_fd(&got);
  return 0;
}

void hull_sync_send_error(int fd, const struct hull_err *err) {
  hull_sync_send(fd, HULL_SYNC_ERROR, err && err->msg ? err->msg : "unknown error");
}
