/* dbus: a small D-Bus client of hull's own (no libdbus, no libsystemd),
 * enough to drive systemd: a unix socket, SASL EXTERNAL, little-endian
 * marshalling of the few types systemd's Manager calls take, and a strict
 * parser of replies, errors and signals (every length is checked against
 * what was received: these bytes come from another process). cgroup/'s
 * systemd driver is the caller. wire.c is pure (unit tests, fuzz target);
 * conn.c does the I/O. */
#ifndef HULL_DBUS_H
#define HULL_DBUS_H

#include "util/util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Larger messages are refused (systemd's replies to us are a few hundred
 * bytes; its broadcast signals a few KiB). */
#define HULL_DBUS_MAX_MSG (8u << 20)
#define HULL_DBUS_MAX_DEPTH 32

enum hull_dbus_type {
  HULL_DBUS_METHOD_CALL = 1,
  HULL_DBUS_METHOD_RETURN = 2,
  HULL_DBUS_ERROR = 3,
  HULL_DBUS_SIGNAL = 4,
};

/* ---- marshalling (wire.c, pure) ---------------------------------------
 * Offsets are relative to the buffer's start; a body starts 8-aligned in
 * its message, so alignment inside the body buffer is the message's. */
struct hull_dbus_buf {
  uint8_t *p;
  size_t len, cap;
};
void hull_dbus_buf_free(struct hull_dbus_buf *b);
void hull_dbus_put_align(struct hull_dbus_buf *b, size_t n);
void hull_dbus_put_u8(struct hull_dbus_buf *b, uint8_t v);
void hull_dbus_put_u32(struct hull_dbus_buf *b, uint32_t v);
void hull_dbus_put_u64(struct hull_dbus_buf *b, uint64_t v);
void hull_dbus_put_bool(struct hull_dbus_buf *b, bool v);
/* 's' and 'o' (the caller passes a valid object path for 'o'). */
void hull_dbus_put_str(struct hull_dbus_buf *b, const char *s);
/* 'g': at most 255 bytes. */
void hull_dbus_put_sig(struct hull_dbus_buf *b, const char *s);
/* An array: begin returns where its length goes; elements follow,
 * aligned to elem_align; end writes the length. */
size_t hull_dbus_array_begin(struct hull_dbus_buf *b, size_t elem_align);
void hull_dbus_array_end(struct hull_dbus_buf *b, size_t mark, size_t elem_align);

/* One (sv) of an a(sv) property list, inside an array begun with align 8. */
void hull_dbus_prop_str(struct hull_dbus_buf *b, const char *name, const char *v);
void hull_dbus_prop_bool(struct hull_dbus_buf *b, const char *name, bool v);
void hull_dbus_prop_u64(struct hull_dbus_buf *b, const char *name, uint64_t v);
void hull_dbus_prop_au(struct hull_dbus_buf *b, const char *name, const uint32_t *v, size_t n);

struct hull_dbus_call {
  const char *dest;   /* NULL on a peer-to-peer connection */
  const char *path, *iface, *member;
  const char *sig;    /* of the body; NULL or "" when none */
};
/* A whole method call message (header + body) into out. */
void hull_dbus_msg_build(struct hull_dbus_buf *out, uint32_t serial, const struct hull_dbus_call *c,
                         const struct hull_dbus_buf *body);

/* ---- parsing (wire.c, pure) -------------------------------------------- */
struct hull_dbus_rd {
  const uint8_t *p;
  size_t len, pos;
};
/* Each checks bounds (and zero padding, bool 0/1, NUL-terminated strings
 * without an inner NUL); -1 with *err naming what was wrong. */
int hull_dbus_get_u8(struct hull_dbus_rd *r, uint8_t *v, struct hull_err **err);
int hull_dbus_get_u32(struct hull_dbus_rd *r, uint32_t *v, struct hull_err **err);
int hull_dbus_get_u64(struct hull_dbus_rd *r, uint64_t *v, struct hull_err **err);
int hull_dbus_get_bool(struct hull_dbus_rd *r, bool *v, struct hull_err **err);
/* 's' or 'o': *s points into the buffer. */
int hull_dbus_get_str(struct hull_dbus_rd *r, const char **s, struct hull_err **err);
int hull_dbus_get_sig(struct hull_dbus_rd *r, const char **s, struct hull_err **err);
/* Skips one value of the complete type at sig[*i], advancing *i. */
int hull_dbus_skip(struct hull_dbus_rd *r, const char *sig, size_t *i, int depth,
                   struct hull_err **err);
/* Whether sig is a valid signature (a sequence of complete types). */
bool hull_dbus_sig_valid(const char *sig);

/* A received message; strings point into raw (owned). */
struct hull_dbus_msg {
  uint8_t *raw;
  size_t len;
  uint8_t type, flags;
  uint32_t serial, reply_serial;
  bool has_reply_serial;
  const char *path, *iface, *member, *error, *dest, *sender, *sig;
  const uint8_t *body;
  size_t body_len;
};
/* From the first 16 bytes: the message's whole length (-1 when the
 * header is malformed or the message too large). */
int hull_dbus_frame_len(const uint8_t *hdr, size_t n, size_t *total, struct hull_err **err);
/* Parses raw[0..len) (a whole message; ownership of raw passes to m on
 * success and on failure alike: hull_dbus_msg_free releases it). */
int hull_dbus_msg_parse(uint8_t *raw, size_t len, struct hull_dbus_msg *m, struct hull_err **err);
void hull_dbus_msg_free(struct hull_dbus_msg *m);
/* A reader over the body; fails unless the body's signature is sig. */
int hull_dbus_body(const struct hull_dbus_msg *m, const char *sig, struct hull_dbus_rd *r,
                   struct hull_err **err);
/* "Name: text" of an error reply, malloc'd. */
char *hull_dbus_error_text(const struct hull_dbus_msg *m);

/* ---- connection (conn.c) ----------------------------------------------- */
struct hull_dbus;
typedef void (*hull_dbus_signal_fn)(const struct hull_dbus_msg *m, void *data);

/* Connects to the unix socket at path, authenticates as our uid (SASL
 * EXTERNAL, as uid: the kernel checks it against our credentials); bus: a message bus (Hello is sent, and destinations are
 * set), else a peer (systemd's private socket). */
struct hull_dbus *hull_dbus_open(const char *path, bool bus, uid_t uid, struct hull_err **err);
void hull_dbus_close(struct hull_dbus *c);
static inline void hull_dbus_closep(struct hull_dbus **c) { hull_dbus_close(*c); }
/* Cleanup attributes (util.h's kind): closed or freed at the end of scope. */
#define _cleanup_dbus_ __attribute__((cleanup(hull_dbus_closep)))
#define _cleanup_dbus_buf_ __attribute__((cleanup(hull_dbus_buf_free)))
#define _cleanup_dbus_msg_ __attribute__((cleanup(hull_dbus_msg_free)))
bool hull_dbus_is_bus(const struct hull_dbus *c);
void hull_dbus_on_signal(struct hull_dbus *c, hull_dbus_signal_fn fn, void *data);
/* Sends the call and waits (timeout_ms) for its reply, dispatching the
 * signals that come meanwhile. An error reply fails with its text. reply
 * may be NULL. */
int hull_dbus_call(struct hull_dbus *c, const struct hull_dbus_call *call,
                   const struct hull_dbus_buf *body, int timeout_ms, struct hull_dbus_msg *reply,
                   struct hull_err **err);
/* Dispatches signals until done(data) or timeout_ms (ETIMEDOUT). */
int hull_dbus_wait(struct hull_dbus *c, bool (*done)(void *data), void *data, int timeout_ms,
                   struct hull_err **err);

/* ---- pure helpers ------------------------------------------------------ */
/* The SASL line for uid: "AUTH EXTERNAL <hex of the decimal uid>\r\n". */
char *hull_dbus_auth_line(uid_t uid);
/* The socket path of a bus address "unix:path=/x,guid=..." (NULL when
 * it has no unix path: abstract and tcp addresses are not supported). */
char *hull_dbus_address_path(const char *address);

#endif
