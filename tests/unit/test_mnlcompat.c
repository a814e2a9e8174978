/* src/mnlcompat: hull's own libmnl calls (linked by the static hull). This
 * program links libmnlcompat.a and not libmnl, so it tests ours: message
 * bytes, parsing, validation, the receive loop, batches, and a real rtnetlink
 * dump through the socket calls. */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <time.h>

static uint32_t buf32[1024]; /* netlink messages are 4-byte aligned */

static uint16_t le16(const uint8_t *p) {
  uint16_t v;
  memcpy(&v, p, 2);
  return v;
}

static struct nlmsghdr *build_link_msg(void) {
  memset(buf32, 0xAA, sizeof(buf32)); /* any padding left unwritten shows */
  struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf32);
  nlh->nlmsg_type = RTM_NEWLINK;
  struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
  ifi->ifi_index = 7;
  mnl_attr_put_strz(nlh, IFLA_IFNAME, "eth0");
  mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
  struct nlattr *nest = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
  mnl_attr_put_u8(nlh, 1, 7);
  mnl_attr_nest_end(nlh, nest);
  return nlh;
}

static void builds_the_exact_bytes(void **state) {
  struct nlmsghdr *nlh = build_link_msg();
  const uint8_t *b = (const uint8_t *)buf32;
  assert_int_equal(nlh->nlmsg_len, 64);
  /* header zeroed except len/type; extra header zeroed but for the index */
  assert_int_equal(nlh->nlmsg_flags, 0);
  assert_int_equal(nlh->nlmsg_seq, 0);
  assert_int_equal(((struct ifinfomsg *)(b + 16))->ifi_flags, 0);
  assert_int_equal(((struct ifinfomsg *)(b + 16))->ifi_index, 7);
  /* IFLA_IFNAME at 32: len 4+5, "eth0\0", 3 zero pad bytes */
  assert_int_equal(le16(b + 32), 9);
  assert_int_equal(le16(b + 34), IFLA_IFNAME);
  assert_memory_equal(b + 36, "eth0\0\0\0\0", 8);
  /* IFLA_MTU at 44 */
  assert_int_equal(le16(b + 44), 8);
  assert_int_equal(le16(b + 46), IFLA_MTU);
  uint32_t mtu;
  memcpy(&mtu, b + 48, 4);
  assert_int_equal(mtu, 1500);
  /* the nest at 52 spans its u8 attribute (8 bytes padded) */
  assert_int_equal(le16(b + 52), 12);
  assert_int_equal(le16(b + 54), IFLA_LINKINFO | NLA_F_NESTED);
  assert_int_equal(le16(b + 56), 5);
  assert_int_equal(b[60], 7);
  assert_memory_equal(b + 61, "\0\0\0", 3);
}

struct seen {
  int n;
  uint16_t types[8];
  const struct nlattr *nest;
};

static int collect(const struct nlattr *a, void *data) {
  struct seen *s = data;
  s->types[s->n++] = mnl_attr_get_type(a);
  if (mnl_attr_get_type(a) == IFLA_LINKINFO) s->nest = a;
  return MNL_CB_OK;
}

static void parses_what_it_built(void **state) {
  struct nlmsghdr *nlh = build_link_msg();
  struct seen s = {0};
  assert_int_equal(mnl_attr_parse(nlh, sizeof(struct ifinfomsg), collect, &s), MNL_CB_OK);
  assert_int_equal(s.n, 3);
  assert_int_equal(s.types[0], IFLA_IFNAME);
  assert_int_equal(s.types[1], IFLA_MTU);
  assert_int_equal(s.types[2], IFLA_LINKINFO); /* NLA_F_NESTED masked off */
  struct seen in = {0};
  assert_int_equal(mnl_attr_parse_nested(s.nest, collect, &in), MNL_CB_OK);
  assert_int_equal(in.n, 1);
  assert_int_equal(in.types[0], 1);
  const struct nlattr *name = mnl_nlmsg_get_payload_offset(nlh, sizeof(struct ifinfomsg));
  assert_string_equal(mnl_attr_get_str(name), "eth0");
  assert_int_equal(mnl_attr_validate(name, MNL_TYPE_NUL_STRING), 0);
  const struct nlattr *mtu = mnl_attr_next(name);
  assert_int_equal(mnl_attr_get_u32(mtu), 1500);
  assert_int_equal(mnl_attr_validate(mtu, MNL_TYPE_U32), 0);
  assert_int_equal(mnl_attr_validate(mtu, MNL_TYPE_U64), -1);
  assert_int_equal(errno, ERANGE);
  assert_int_equal(mnl_attr_validate(mtu, MNL_TYPE_FLAG), -1); /* a flag has no payload */
  assert_int_equal(errno, ERANGE);
  assert_int_equal(mnl_attr_validate2(mtu, MNL_TYPE_BINARY, 4), 0);
  assert_int_equal(mnl_attr_type_valid(mtu, IFLA_MTU), 1);
  assert_int_equal(mnl_attr_type_valid(mtu, IFLA_MTU - 1), -1);
  assert_int_equal(errno, EOPNOTSUPP);
}

static void nul_string_needs_its_nul(void **state) {
  struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf32);
  mnl_attr_put_str(nlh, 1, "abcd"); /* no NUL: put_str does not add one */
  const struct nlattr *a = mnl_nlmsg_get_payload(nlh);
  assert_int_equal(mnl_attr_get_payload_len(a), 4);
  assert_int_equal(mnl_attr_validate(a, MNL_TYPE_STRING), 0);
  assert_int_equal(mnl_attr_validate(a, MNL_TYPE_NUL_STRING), -1);
  assert_int_equal(errno, EINVAL);
}

static int stop_at_mtu(const struct nlattr *a, void *data) {
  ++*(int *)data;
  return mnl_attr_get_type(a) == IFLA_MTU ? MNL_CB_STOP : MNL_CB_OK;
}

static void parse_stops_when_the_callback_says(void **state) {
  struct nlmsghdr *nlh = build_link_msg();
  int calls = 0;
  assert_int_equal(mnl_attr_parse(nlh, sizeof(struct ifinfomsg), stop_at_mtu, &calls), MNL_CB_STOP);
  assert_int_equal(calls, 2);
}

static void put_check_refuses_past_the_buffer(void **state) {
  struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf32);
  assert_false(mnl_attr_put_check(nlh, 20, 1, 4, "abcd"));  /* 16 + 8 > 20 */
  assert_int_equal(nlh->nlmsg_len, 16);
  assert_true(mnl_attr_put_strz_check(nlh, 24, 1, "abc")); /* exactly fits */
  assert_int_equal(nlh->nlmsg_len, 24);
  assert_null(mnl_attr_nest_start_check(nlh, 24, 2));
  struct nlattr *n = mnl_attr_nest_start_check(nlh, 64, 2);
  assert_non_null(n);
  mnl_attr_nest_cancel(nlh, n);
  assert_int_equal(nlh->nlmsg_len, 24);
}

/* Appends a message of TYPE with SEQ (and an nlmsgerr when ERR_OR_NONE is
 * not INT32_MIN) at *off in buf32. */
static void append(size_t *off, uint16_t type, uint32_t seq, int err_or_none) {
  struct nlmsghdr *nlh = mnl_nlmsg_put_header((char *)buf32 + *off);
  nlh->nlmsg_type = type;
  nlh->nlmsg_seq = seq;
  if (err_or_none != INT32_MIN) {
    struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
    e->error = err_or_none;
  }
  *off += MNL_ALIGN(nlh->nlmsg_len);
}

static int count_data(const struct nlmsghdr *nlh, void *data) {
  ++*(int *)data;
  return MNL_CB_OK;
}

static void cb_run_handles_done_errors_and_seq(void **state) {
  size_t off = 0;
  int n = 0;
  append(&off, RTM_NEWLINK, 5, INT32_MIN);
  append(&off, RTM_NEWLINK, 5, INT32_MIN);
  append(&off, NLMSG_DONE, 5, INT32_MIN);
  assert_int_equal(mnl_cb_run(buf32, off, 5, 0, count_data, &n), MNL_CB_STOP);
  assert_int_equal(n, 2);

  errno = 0;
  assert_int_equal(mnl_cb_run(buf32, off, 6, 0, count_data, &n), MNL_CB_ERROR);
  assert_int_equal(errno, EPROTO);

  off = 0;
  append(&off, NLMSG_ERROR, 1, -ENOENT);
  assert_int_equal(mnl_cb_run(buf32, off, 1, 0, NULL, NULL), MNL_CB_ERROR);
  assert_int_equal(errno, ENOENT);

  off = 0;
  append(&off, NLMSG_ERROR, 1, 0); /* an ACK */
  assert_int_equal(mnl_cb_run(buf32, off, 1, 0, NULL, NULL), MNL_CB_STOP);

  off = 0;
  append(&off, NLMSG_ERROR, 1, INT32_MIN); /* no room for nlmsgerr */
  assert_int_equal(mnl_cb_run(buf32, off, 1, 0, NULL, NULL), MNL_CB_ERROR);
  assert_int_equal(errno, EBADMSG);

  off = 0;
  append(&off, RTM_NEWLINK, 1, INT32_MIN);
  ((struct nlmsghdr *)buf32)->nlmsg_flags = NLM_F_DUMP_INTR;
  assert_int_equal(mnl_cb_run(buf32, off, 1, 0, count_data, &n), MNL_CB_ERROR);
  assert_int_equal(errno, EINTR);

  /* no complete message: nothing to do */
  assert_int_equal(mnl_cb_run(buf32, 8, 1, 0, count_data, &n), MNL_CB_OK);
}

static void batch_overflow_carries_the_last_message(void **state) {
  struct mnl_nlmsg_batch *b = mnl_nlmsg_batch_start(buf32, 40);
  assert_non_null(b);
  assert_true(mnl_nlmsg_batch_is_empty(b));
  for (uint32_t seq = 1; seq <= 3; seq++) {
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(mnl_nlmsg_batch_current(b));
    nlh->nlmsg_seq = seq;
    mnl_nlmsg_put_extra_header(nlh, 4); /* 20 bytes: two fit in 40 */
    assert_int_equal(mnl_nlmsg_batch_next(b), seq <= 2);
  }
  assert_int_equal(mnl_nlmsg_batch_size(b), 40);
  assert_ptr_equal(mnl_nlmsg_batch_head(b), buf32);
  mnl_nlmsg_batch_reset(b);
  assert_int_equal(mnl_nlmsg_batch_size(b), 20);
  assert_int_equal(((struct nlmsghdr *)mnl_nlmsg_batch_head(b))->nlmsg_seq, 3);
  assert_ptr_equal(mnl_nlmsg_batch_current(b), (char *)buf32 + 20);
  mnl_nlmsg_batch_reset(b);
  assert_true(mnl_nlmsg_batch_is_empty(b));
  mnl_nlmsg_batch_stop(b);
}

static int find_lo(const struct nlmsghdr *nlh, void *data) {
  const struct nlattr *a;
  mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg)) {
    if (mnl_attr_get_type(a) == IFLA_IFNAME && strcmp(mnl_attr_get_str(a), "lo") == 0) *(int *)data = 1;
  }
  return MNL_CB_OK;
}

/* A real round trip: dump the links of this network namespace; every
 * namespace has lo. Needs no privilege. */
static void dumps_links_through_a_real_socket(void **state) {
  struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
  assert_non_null(nl);
  assert_true(fcntl(mnl_socket_get_fd(nl), F_GETFD) & FD_CLOEXEC);
  assert_int_equal(mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID), 0);
  unsigned int portid = mnl_socket_get_portid(nl);
  assert_int_not_equal(portid, 0);

  struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf32);
  nlh->nlmsg_type = RTM_GETLINK;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  nlh->nlmsg_seq = (uint32_t)time(NULL);
  struct rtgenmsg *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
  g->rtgen_family = AF_PACKET;
  uint32_t seq = nlh->nlmsg_seq;
  assert_int_equal(mnl_socket_sendto(nl, nlh, nlh->nlmsg_len), (ssize_t)nlh->nlmsg_len);

  static char rbuf[32768];
  int found = 0, r;
  do {
    ssize_t n = mnl_socket_recvfrom(nl, rbuf, sizeof(rbuf));
    assert_true(n > 0);
    r = mnl_cb_run(rbuf, (size_t)n, seq, portid, find_lo, &found);
  } while (r > MNL_CB_STOP);
  assert_int_equal(r, MNL_CB_STOP);
  assert_true(found);

  /* a buffer too small for a message is an error, not a silent cut */
  nlh->nlmsg_seq = ++seq;
  assert_true(mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) > 0);
  char tiny[8];
  assert_int_equal(mnl_socket_recvfrom(nl, tiny, sizeof(tiny)), -1);
  assert_int_equal(errno, ENOSPC);
  assert_int_equal(mnl_socket_close(nl), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(builds_the_exact_bytes),
      cmocka_unit_test(parses_what_it_built),
      cmocka_unit_test(nul_string_needs_its_nul),
      cmocka_unit_test(parse_stops_when_the_callback_says),
      cmocka_unit_test(put_check_refuses_past_the_buffer),
      cmocka_unit_test(cb_run_handles_done_errors_and_seq),
      cmocka_unit_test(batch_overflow_carries_the_last_message),
      cmocka_unit_test(dumps_links_through_a_real_socket),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
