/* libmnl's attribute (TLV) helpers and the message callback loop, for the
 * static hull (see mnl.c for why this exists). */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <string.h>

/* ---- getters ------------------------------------------------------------ */

uint16_t mnl_attr_get_type(const struct nlattr *attr) {
  return attr->nla_type & NLA_TYPE_MASK;
}

uint16_t mnl_attr_get_len(const struct nlattr *attr) {
  return attr->nla_len;
}

uint16_t mnl_attr_get_payload_len(const struct nlattr *attr) {
  return (uint16_t)(attr->nla_len - MNL_ATTR_HDRLEN);
}

void *mnl_attr_get_payload(const struct nlattr *attr) {
  return (char *)attr + MNL_ATTR_HDRLEN;
}

/* memcpy: attribute payloads are only 4-byte aligned. */
uint8_t mnl_attr_get_u8(const struct nlattr *attr) {
  return *(const uint8_t *)mnl_attr_get_payload(attr);
}

uint16_t mnl_attr_get_u16(const struct nlattr *attr) {
  uint16_t v;
  memcpy(&v, mnl_attr_get_payload(attr), sizeof(v));
  return v;
}

uint32_t mnl_attr_get_u32(const struct nlattr *attr) {
  uint32_t v;
  memcpy(&v, mnl_attr_get_payload(attr), sizeof(v));
  return v;
}

uint64_t mnl_attr_get_u64(const struct nlattr *attr) {
  uint64_t v;
  memcpy(&v, mnl_attr_get_payload(attr), sizeof(v));
  return v;
}

const char *mnl_attr_get_str(const struct nlattr *attr) {
  return mnl_attr_get_payload(attr);
}

/* ---- iteration and validation ------------------------------------------- */

bool mnl_attr_ok(const struct nlattr *attr, int len) {
  return len >= (int)sizeof(*attr) && attr->nla_len >= sizeof(*attr) && (int)attr->nla_len <= len;
}

struct nlattr *mnl_attr_next(const struct nlattr *attr) {
  return (struct nlattr *)((char *)attr + MNL_ALIGN(attr->nla_len));
}

int mnl_attr_type_valid(const struct nlattr *attr, uint16_t max) {
  if (mnl_attr_get_type(attr) > max) {
    errno = EOPNOTSUPP;
    return -1;
  }
  return 1;
}

/* Fixed-size types must be exactly their size: a shorter payload would be
 * read past its end by the getters above. */
static int validate(const struct nlattr *attr, enum mnl_attr_data_type type, size_t want) {
  uint16_t len = mnl_attr_get_payload_len(attr);
  const char *data = mnl_attr_get_payload(attr);
  if (type >= MNL_TYPE_MAX || attr->nla_len < MNL_ATTR_HDRLEN) {
    errno = type >= MNL_TYPE_MAX ? EINVAL : ERANGE;
    return -1;
  }
  switch (type) {
  case MNL_TYPE_FLAG:
    if (len > 0) goto range;
    break;
  case MNL_TYPE_NUL_STRING:
    if (len == 0) goto range;
    if (data[len - 1] != '\0') {
      errno = EINVAL;
      return -1;
    }
    break;
  case MNL_TYPE_STRING:
    if (len == 0) goto range;
    break;
  case MNL_TYPE_NESTED:
    if (len > 0 && len < MNL_ATTR_HDRLEN) goto range;
    break;
  default:
    break;
  }
  if (want && len != want) goto range;
  return 0;
range:
  errno = ERANGE;
  return -1;
}

int mnl_attr_validate(const struct nlattr *attr, enum mnl_attr_data_type type) {
  static const size_t sizes[MNL_TYPE_MAX] = {
      [MNL_TYPE_U8] = 1, [MNL_TYPE_U16] = 2, [MNL_TYPE_U32] = 4, [MNL_TYPE_U64] = 8, [MNL_TYPE_MSECS] = 8,
  };
  return validate(attr, type, type < MNL_TYPE_MAX ? sizes[type] : 0);
}

int mnl_attr_validate2(const struct nlattr *attr, enum mnl_attr_data_type type, size_t len) {
  return validate(attr, type, len);
}

int mnl_attr_parse_payload(const void *payload, size_t payload_len, mnl_attr_cb_t cb, void *data) {
  const struct nlattr *attr = payload;
  const char *end = (const char *)payload + payload_len;
  for (; mnl_attr_ok(attr, (int)(end - (const char *)attr)); attr = mnl_attr_next(attr)) {
    int r = cb(attr, data);
    if (r <= MNL_CB_STOP) return r;
  }
  return MNL_CB_OK;
}

int mnl_attr_parse(const struct nlmsghdr *nlh, unsigned int offset, mnl_attr_cb_t cb, void *data) {
  const char *start = mnl_nlmsg_get_payload_offset(nlh, offset);
  const char *tail = mnl_nlmsg_get_payload_tail(nlh);
  if (start > tail) return MNL_CB_OK;
  return mnl_attr_parse_payload(start, (size_t)(tail - start), cb, data);
}

int mnl_attr_parse_nested(const struct nlattr *nest, mnl_attr_cb_t cb, void *data) {
  return mnl_attr_parse_payload(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest), cb, data);
}

/* ---- putters ------------------------------------------------------------ */

void mnl_attr_put(struct nlmsghdr *nlh, uint16_t type, size_t len, const void *data) {
  struct nlattr *attr = mnl_nlmsg_get_payload_tail(nlh);
  size_t total = MNL_ATTR_HDRLEN + len;
  attr->nla_type = type;
  attr->nla_len = (uint16_t)total;
  if (len) memcpy(mnl_attr_get_payload(attr), data, len);
  /* zero the padding: messages go to the kernel as they are */
  memset((char *)mnl_attr_get_payload(attr) + len, 0, MNL_ALIGN(len) - len);
  nlh->nlmsg_len += (uint32_t)MNL_ALIGN(total);
}

void mnl_attr_put_u8(struct nlmsghdr *nlh, uint16_t type, uint8_t v) {
  mnl_attr_put(nlh, type, sizeof(v), &v);
}

void mnl_attr_put_u16(struct nlmsghdr *nlh, uint16_t type, uint16_t v) {
  mnl_attr_put(nlh, type, sizeof(v), &v);
}

void mnl_attr_put_u32(struct nlmsghdr *nlh, uint16_t type, uint32_t v) {
  mnl_attr_put(nlh, type, sizeof(v), &v);
}

void mnl_attr_put_u64(struct nlmsghdr *nlh, uint16_t type, uint64_t v) {
  mnl_attr_put(nlh, type, sizeof(v), &v);
}

void mnl_attr_put_str(struct nlmsghdr *nlh, uint16_t type, const char *s) {
  mnl_attr_put(nlh, type, strlen(s), s);
}

void mnl_attr_put_strz(struct nlmsghdr *nlh, uint16_t type, const char *s) {
  mnl_attr_put(nlh, type, strlen(s) + 1, s);
}

bool mnl_attr_put_check(struct nlmsghdr *nlh, size_t buflen, uint16_t type, size_t len, const void *data) {
  if (nlh->nlmsg_len + MNL_ATTR_HDRLEN + MNL_ALIGN(len) > buflen) return false;
  mnl_attr_put(nlh, type, len, data);
  return true;
}

bool mnl_attr_put_strz_check(struct nlmsghdr *nlh, size_t buflen, uint16_t type, const char *s) {
  return mnl_attr_put_check(nlh, buflen, type, strlen(s) + 1, s);
}

struct nlattr *mnl_attr_nest_start(struct nlmsghdr *nlh, uint16_t type) {
  struct nlattr *start = mnl_nlmsg_get_payload_tail(nlh);
  start->nla_type = NLA_F_NESTED | type;
  start->nla_len = 0; /* set by mnl_attr_nest_end */
  nlh->nlmsg_len += MNL_ATTR_HDRLEN;
  return start;
}

struct nlattr *mnl_attr_nest_start_check(struct nlmsghdr *nlh, size_t buflen, uint16_t type) {
  if (nlh->nlmsg_len + MNL_ATTR_HDRLEN > buflen) return NULL;
  return mnl_attr_nest_start(nlh, type);
}

void mnl_attr_nest_end(struct nlmsghdr *nlh, struct nlattr *start) {
  start->nla_len = (uint16_t)((char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)start);
}

void mnl_attr_nest_cancel(struct nlmsghdr *nlh, struct nlattr *start) {
  nlh->nlmsg_len -= (uint32_t)((char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)start);
}

/* ---- the receive loop ---------------------------------------------------- */

/* NLMSG_ERROR carries the request's errno (0 = an ACK, which ends the loop). */
static int control(const struct nlmsghdr *nlh) {
  switch (nlh->nlmsg_type) {
  case NLMSG_ERROR: {
    const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
    if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
      errno = EBADMSG;
      return MNL_CB_ERROR;
    }
    if (e->error == 0) return MNL_CB_STOP;
    errno = e->error < 0 ? -e->error : e->error;
    return MNL_CB_ERROR;
  }
  case NLMSG_DONE:
    return MNL_CB_STOP;
  default: /* NLMSG_NOOP, NLMSG_OVERRUN */
    return MNL_CB_OK;
  }
}

int mnl_cb_run(const void *buf, size_t numbytes, unsigned int seq, unsigned int portid, mnl_cb_t cb_data,
               void *data) {
  const struct nlmsghdr *nlh = buf;
  int len = (int)numbytes;
  int r = MNL_CB_OK;
  while (mnl_nlmsg_ok(nlh, len)) {
    if (!mnl_nlmsg_portid_ok(nlh, portid)) {
      errno = ESRCH;
      return -1;
    }
    if (!mnl_nlmsg_seq_ok(nlh, seq)) {
      errno = EPROTO;
      return -1;
    }
    if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) { /* the dump changed under us */
      errno = EINTR;
      return -1;
    }
    if (nlh->nlmsg_type >= NLMSG_MIN_TYPE)
      r = cb_data ? cb_data(nlh, data) : MNL_CB_OK;
    else
      r = control(nlh);
    if (r <= MNL_CB_STOP) return r;
    nlh = mnl_nlmsg_next(nlh, &len);
  }
  return r;
}
