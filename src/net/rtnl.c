/* The rtnetlink socket: open (optionally inside another netns), send a
 * request and wait for its ack, look up links. */
#include "net/netpriv.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>

struct hull_rtnl {
  struct mnl_socket *nl;
  uint32_t portid;
  uint32_t seq;
};

struct open_job {
  int netns_fd;
  struct mnl_socket *nl;
  int err;              /* errno */
  const char *what;
};

/* A netlink socket stays bound to the netns it was created in, so a thread
 * that setns()es and opens it is enough; the thread then dies and the
 * calling thread never changed namespace. */
static void *open_in_ns(void *arg) {
  struct open_job *j = arg;
  if (j->netns_fd >= 0 && setns(j->netns_fd, CLONE_NEWNET) < 0) {
    j->err = errno;
    j->what = "setns into the container's network namespace";
    return NULL;
  }
  j->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
  if (j->nl == NULL) {
    j->err = errno;
    j->what = "socket(NETLINK_ROUTE)";
  }
  return NULL;
}

struct hull_rtnl *hull_rtnl_open(int netns_fd, struct hull_err **err) {
  struct open_job j = {.netns_fd = netns_fd};
  if (netns_fd < 0) {
    open_in_ns(&j);
  } else {
    pthread_t t;
    int rc = pthread_create(&t, NULL, open_in_ns, &j);
    if (rc != 0) return hull_err_set(err, rc, "rtnetlink: a thread to open the socket in the netns"), NULL;
    pthread_join(t, NULL);
  }
  if (j.nl == NULL) return hull_err_set(err, j.err, "%s", j.what), NULL;
  if (mnl_socket_bind(j.nl, 0, MNL_SOCKET_AUTOPID) < 0) {
    hull_err_sys(err, "bind netlink socket");
    mnl_socket_close(j.nl);
    return NULL;
  }
  /* extended acks carry the kernel's reason text on failure */
  int one = 1;
  mnl_socket_setsockopt(j.nl, NETLINK_EXT_ACK, &one, sizeof(one));
  struct hull_rtnl *r = hull_xcalloc(1, sizeof(*r));
  r->nl = j.nl;
  r->portid = mnl_socket_get_portid(j.nl);
  r->seq = (uint32_t)time(NULL);
  return r;
}

void hull_rtnl_close(struct hull_rtnl *r) {
  if (r == NULL) return;
  mnl_socket_close(r->nl);
  free(r);
}

void hull_rtnl_closep(struct hull_rtnl **r) {
  hull_rtnl_close(*r);
}

uint32_t hull_rtnl_seq(struct hull_rtnl *r) {
  return ++r->seq;
}

/* Runs one exchange; cb (may be NULL) sees data messages. Returns 0 or
 * -errno from the kernel's ack, or -errno of a socket failure. */
static int exchange(struct hull_rtnl *r, struct nlmsghdr *nlh, mnl_cb_t cb, void *data) {
  if (mnl_socket_sendto(r->nl, nlh, nlh->nlmsg_len) < 0) return -errno;
  char buf[HULL_NL_BUFSIZE];
  uint32_t seq = nlh->nlmsg_seq;
  for (;;) {
    ssize_t n = mnl_socket_recvfrom(r->nl, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    int rc = mnl_cb_run(buf, (size_t)n, seq, r->portid, cb, data);
    if (rc == MNL_CB_ERROR) return -errno;
    if (rc == MNL_CB_STOP) return 0;
  }
}

static const char *msg_name(uint16_t type) {
  switch (type) {
  case RTM_NEWLINK: return "RTM_NEWLINK";
  case RTM_DELLINK: return "RTM_DELLINK";
  case RTM_GETLINK: return "RTM_GETLINK";
  case RTM_NEWADDR: return "RTM_NEWADDR";
  case RTM_NEWROUTE: return "RTM_NEWROUTE";
  default: return "rtnetlink request";
  }
}

int hull_rtnl_talk(struct hull_rtnl *r, struct nlmsghdr *nlh, struct hull_err **err) {
  int rc = exchange(r, nlh, NULL, NULL);
  if (rc < 0) return hull_err_set(err, -rc, "netlink %s", msg_name(nlh->nlmsg_type));
  return 0;
}

static int link_cb(const struct nlmsghdr *nlh, void *data) {
  const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
  *(int *)data = ifi->ifi_index;
  return MNL_CB_OK;
}

int hull_rtnl_ifindex(struct hull_rtnl *r, const char *name, struct hull_err **err) {
  char buf[HULL_NL_BUFSIZE];
  struct nlmsghdr *nlh = hull_nl_link_get(buf, hull_rtnl_seq(r), name);
  int index = 0;
  int rc = exchange(r, nlh, link_cb, &index);
  if (rc < 0 || index <= 0)
    return hull_err_set(err, rc < 0 ? -rc : ENODEV, "interface %s", name), 0;
  return index;
}

struct addrs_job {
  int ifindex;
  struct hull_nl_addr *v;
  size_t n;
};

static int addrs_cb(const struct nlmsghdr *nlh, void *data) {
  struct addrs_job *j = data;
  struct hull_nl_addr a;
  if (hull_nl_addr_keep(nlh, j->ifindex, &a) == 1) {
    j->v = hull_xrealloc(j->v, (j->n + 1) * sizeof(*j->v));
    j->v[j->n++] = a;
  }
  return MNL_CB_OK;
}

int hull_rtnl_addrs(struct hull_rtnl *r, int ifindex, struct hull_nl_addr **out, size_t *n,
                    struct hull_err **err) {
  char buf[HULL_NL_BUFSIZE];
  struct addrs_job j = {.ifindex = ifindex};
  int rc = exchange(r, hull_nl_addr_dump(buf, hull_rtnl_seq(r)), addrs_cb, &j);
  if (rc < 0) {
    free(j.v);
    return hull_err_set(err, -rc, "netlink RTM_GETADDR (dump)");
  }
  *out = j.v;
  *n = j.n;
  return 0;
}

int hull_rtnl_link_del(struct hull_rtnl *r, const char *name, struct hull_err **err) {
  char buf[HULL_NL_BUFSIZE];
  int rc = exchange(r, hull_nl_link_del(buf, hull_rtnl_seq(r), name), NULL, NULL);
  if (rc == -ENODEV) return 0;
  if (rc < 0) return hull_err_set(err, -rc, "delete interface %s", name);
  return 0;
}
