/* The part of libmnl's API that hull and libnftnl call, written for the
 * static hull: Debian 12 ships libmnl only as a shared library (no libmnl.a,
 * and its source package is not reachable from the build hosts), so
 * `configure --enable-static-binary` links this archive in its place. The
 * prototypes come from libmnl's own header (libmnl-dev is a build dependency
 * anyway), so the compiler checks every signature against the real library;
 * tests/unit/test_mnlcompat.c checks the behaviour, byte for byte where
 * messages are built. A dynamic hull never links this. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <stdlib.h>
#include <string.h>

/* ---- sockets ------------------------------------------------------------ */

struct mnl_socket {
  int fd;
  struct sockaddr_nl addr; /* what the kernel bound us to */
};

struct mnl_socket *mnl_socket_open2(int bus, int flags) {
  struct mnl_socket *nl = calloc(1, sizeof(*nl));
  if (nl == NULL) return NULL;
  /* CLOEXEC always: a netlink fd must never reach a container's process. */
  nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | flags, bus);
  if (nl->fd < 0) {
    int saved = errno;
    free(nl);
    errno = saved;
    return NULL;
  }
  return nl;
}

struct mnl_socket *mnl_socket_open(int bus) {
  return mnl_socket_open2(bus, 0);
}

int mnl_socket_get_fd(const struct mnl_socket *nl) {
  return nl->fd;
}

unsigned int mnl_socket_get_portid(const struct mnl_socket *nl) {
  return nl->addr.nl_pid;
}

int mnl_socket_bind(struct mnl_socket *nl, unsigned int groups, pid_t pid) {
  nl->addr = (struct sockaddr_nl){.nl_family = AF_NETLINK, .nl_groups = groups, .nl_pid = (__u32)pid};
  if (bind(nl->fd, (struct sockaddr *)&nl->addr, sizeof(nl->addr)) < 0) return -1;
  socklen_t alen = sizeof(nl->addr);
  if (getsockname(nl->fd, (struct sockaddr *)&nl->addr, &alen) < 0) return -1;
  if (alen != sizeof(nl->addr) || nl->addr.nl_family != AF_NETLINK) {
    errno = EINVAL;
    return -1;
  }
  return 0;
}

ssize_t mnl_socket_sendto(const struct mnl_socket *nl, const void *req, size_t siz) {
  static const struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  return sendto(nl->fd, req, siz, 0, (const struct sockaddr *)&kernel, sizeof(kernel));
}

ssize_t mnl_socket_recvfrom(const struct mnl_socket *nl, void *buf, size_t siz) {
  struct sockaddr_nl from;
  struct iovec iov = {.iov_base = buf, .iov_len = siz};
  struct msghdr msg = {.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1};
  ssize_t n = recvmsg(nl->fd, &msg, 0);
  if (n < 0) return n;
  if (msg.msg_flags & MSG_TRUNC) { /* the buffer was too small: data lost */
    errno = ENOSPC;
    return -1;
  }
  if (msg.msg_namelen != sizeof(from)) {
    errno = EINVAL;
    return -1;
  }
  return n;
}

int mnl_socket_setsockopt(const struct mnl_socket *nl, int type, void *buf, socklen_t len) {
  return setsockopt(nl->fd, SOL_NETLINK, type, buf, len);
}

int mnl_socket_getsockopt(const struct mnl_socket *nl, int type, void *buf, socklen_t *len) {
  return getsockopt(nl->fd, SOL_NETLINK, type, buf, len);
}

int mnl_socket_close(struct mnl_socket *nl) {
  int r = close(nl->fd);
  free(nl);
  return r;
}

/* ---- messages ----------------------------------------------------------- */

size_t mnl_nlmsg_size(size_t len) {
  return len + MNL_NLMSG_HDRLEN;
}

size_t mnl_nlmsg_get_payload_len(const struct nlmsghdr *nlh) {
  return nlh->nlmsg_len - MNL_NLMSG_HDRLEN;
}

struct nlmsghdr *mnl_nlmsg_put_header(void *buf) {
  struct nlmsghdr *nlh = buf;
  memset(buf, 0, MNL_NLMSG_HDRLEN);
  nlh->nlmsg_len = MNL_NLMSG_HDRLEN;
  return nlh;
}

void *mnl_nlmsg_put_extra_header(struct nlmsghdr *nlh, size_t size) {
  char *p = (char *)nlh + nlh->nlmsg_len;
  size_t len = MNL_ALIGN(size);
  nlh->nlmsg_len += (__u32)len;
  memset(p, 0, len);
  return p;
}

void *mnl_nlmsg_get_payload(const struct nlmsghdr *nlh) {
  return (char *)nlh + MNL_NLMSG_HDRLEN;
}

void *mnl_nlmsg_get_payload_offset(const struct nlmsghdr *nlh, size_t offset) {
  return (char *)nlh + MNL_NLMSG_HDRLEN + MNL_ALIGN(offset);
}

void *mnl_nlmsg_get_payload_tail(const struct nlmsghdr *nlh) {
  return (char *)nlh + MNL_ALIGN(nlh->nlmsg_len);
}

bool mnl_nlmsg_ok(const struct nlmsghdr *nlh, int len) {
  return len >= (int)sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) && (int)nlh->nlmsg_len <= len;
}

struct nlmsghdr *mnl_nlmsg_next(const struct nlmsghdr *nlh, int *len) {
  *len -= (int)MNL_ALIGN(nlh->nlmsg_len);
  return (struct nlmsghdr *)((char *)nlh + MNL_ALIGN(nlh->nlmsg_len));
}

/* Zero on either side means "not tracked": no check. */
bool mnl_nlmsg_seq_ok(const struct nlmsghdr *nlh, unsigned int seq) {
  return nlh->nlmsg_seq && seq ? nlh->nlmsg_seq == seq : true;
}

bool mnl_nlmsg_portid_ok(const struct nlmsghdr *nlh, unsigned int portid) {
  return nlh->nlmsg_pid && portid ? nlh->nlmsg_pid == portid : true;
}

/* ---- batches (several messages in one sendto, as nftables needs) -------- */

struct mnl_nlmsg_batch {
  char *buf;
  size_t limit;  /* bytes the batch may hold */
  size_t buflen; /* bytes of complete messages */
  char *cur;     /* where the next message is built */
  bool overflow; /* the message at cur did not fit */
};

struct mnl_nlmsg_batch *mnl_nlmsg_batch_start(void *buf, size_t limit) {
  struct mnl_nlmsg_batch *b = calloc(1, sizeof(*b));
  if (b == NULL) return NULL;
  b->buf = buf;
  b->limit = limit;
  b->cur = buf;
  return b;
}

void mnl_nlmsg_batch_stop(struct mnl_nlmsg_batch *b) {
  free(b);
}

bool mnl_nlmsg_batch_next(struct mnl_nlmsg_batch *b) {
  const struct nlmsghdr *nlh = (const struct nlmsghdr *)b->cur;
  if (b->buflen + nlh->nlmsg_len > b->limit) {
    b->overflow = true;
    return false;
  }
  b->buflen += nlh->nlmsg_len;
  b->cur = b->buf + b->buflen;
  return true;
}

/* After an overflow the message that did not fit starts the next batch. */
void mnl_nlmsg_batch_reset(struct mnl_nlmsg_batch *b) {
  if (b->overflow) {
    const struct nlmsghdr *nlh = (const struct nlmsghdr *)b->cur;
    memmove(b->buf, b->cur, nlh->nlmsg_len);
    b->buflen = nlh->nlmsg_len;
    b->cur = b->buf + b->buflen;
    b->overflow = false;
  } else {
    b->buflen = 0;
    b->cur = b->buf;
  }
}

size_t mnl_nlmsg_batch_size(struct mnl_nlmsg_batch *b) {
  return b->buflen;
}

void *mnl_nlmsg_batch_head(struct mnl_nlmsg_batch *b) {
  return b->buf;
}

void *mnl_nlmsg_batch_current(struct mnl_nlmsg_batch *b) {
  return b->cur;
}

bool mnl_nlmsg_batch_is_empty(struct mnl_nlmsg_batch *b) {
  return b->buflen == 0;
}
