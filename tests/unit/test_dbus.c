/* dbus/wire.c: method calls marshalled byte for byte; replies, errors and
 * signals parsed from hand-built bytes; every truncation and corruption
 * refused (or at least never read out of bounds: run under valgrind/ASan). */
#include "unit.h"

#include "dbus/dbus.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

static void put_bytes(struct hull_dbus_buf *b, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) hull_dbus_put_u8(b, (uint8_t)s[i]);
}

/* A message of any type, built by hand from the same primitives the
 * sender uses: fields given as (code, sig, value) with value a string or,
 * for 'u', a decimal. */
struct fld {
  uint8_t code;
  const char *sig, *val;
};
static void build(struct hull_dbus_buf *m, uint8_t type, uint32_t serial, const struct fld *f,
                  size_t nf, const struct hull_dbus_buf *body) {
  m->len = 0;
  put_bytes(m, "l", 1);
  hull_dbus_put_u8(m, type);
  hull_dbus_put_u8(m, 0);
  hull_dbus_put_u8(m, 1);
  hull_dbus_put_u32(m, body ? (uint32_t)body->len : 0);
  hull_dbus_put_u32(m, serial);
  size_t a = hull_dbus_array_begin(m, 8);
  for (size_t i = 0; i < nf; i++) {
    hull_dbus_put_align(m, 8);
    hull_dbus_put_u8(m, f[i].code);
    hull_dbus_put_sig(m, f[i].sig);
    if (f[i].sig[0] == 'u') hull_dbus_put_u32(m, (uint32_t)strtoul(f[i].val, NULL, 10));
    else if (f[i].sig[0] == 'g') hull_dbus_put_sig(m, f[i].val);
    else hull_dbus_put_str(m, f[i].val);
  }
  hull_dbus_array_end(m, a, 8);
  hull_dbus_put_align(m, 8);
  if (body)
    for (size_t i = 0; i < body->len; i++) hull_dbus_put_u8(m, body->p[i]);
}

static int parse_copy(const struct hull_dbus_buf *b, size_t len, struct hull_dbus_msg *m,
                      struct hull_err **err) {
  uint8_t *raw = malloc(len ? len : 1);
  memcpy(raw, b->p, len);
  return hull_dbus_msg_parse(raw, len, m, err);
}

static void test_call_bytes(void **state) {
  (void)state;
  struct hull_dbus_buf out = {0};
  struct hull_dbus_call c = {NULL, "/a", NULL, "M", NULL};
  hull_dbus_msg_build(&out, 1, &c, NULL);
  static const uint8_t want[] = {
      'l', 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0,      /* fixed header, fields 26 */
      1, 1, 'o', 0, 2, 0, 0, 0, '/', 'a', 0, 0, 0, 0, 0, 0,   /* PATH "/a", padded to 8 */
      3, 1, 's', 0, 1, 0, 0, 0, 'M', 0, 0, 0, 0, 0, 0, 0};    /* MEMBER "M", header padded */
  assert_int_equal(out.len, sizeof(want));
  assert_memory_equal(out.p, want, sizeof(want));
  hull_dbus_buf_free(&out);
}

static void test_call_with_body_roundtrip(void **state) {
  (void)state;
  struct hull_dbus_buf body = {0}, out = {0};
  hull_dbus_put_str(&body, "hull-x.scope");
  hull_dbus_put_str(&body, "replace");
  size_t p = hull_dbus_array_begin(&body, 8);
  hull_dbus_prop_str(&body, "Slice", "system.slice");
  hull_dbus_prop_bool(&body, "Delegate", true);
  uint32_t pids[2] = {42, 43};
  hull_dbus_prop_au(&body, "PIDs", pids, 2);
  hull_dbus_prop_u64(&body, "MemoryMax", 67108864);
  hull_dbus_array_end(&body, p, 8);
  size_t aux = hull_dbus_array_begin(&body, 8);
  hull_dbus_array_end(&body, aux, 8);
  struct hull_dbus_call c = {"org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                             "org.freedesktop.systemd1.Manager", "StartTransientUnit",
                             "ssa(sv)a(sa(sv))"};
  hull_dbus_msg_build(&out, 7, &c, &body);
  struct hull_dbus_msg m;
  struct hull_err *err = NULL;
  assert_int_equal(parse_copy(&out, out.len, &m, &err), 0);
  assert_int_equal(m.type, HULL_DBUS_METHOD_CALL);
  assert_int_equal(m.serial, 7);
  assert_string_equal(m.dest, "org.freedesktop.systemd1");
  assert_string_equal(m.member, "StartTransientUnit");
  assert_string_equal(m.sig, "ssa(sv)a(sa(sv))");
  /* The body walks exactly, type by type. */
  struct hull_dbus_rd r;
  assert_int_equal(hull_dbus_body(&m, "ssa(sv)a(sa(sv))", &r, &err), 0);
  const char *s;
  assert_int_equal(hull_dbus_get_str(&r, &s, &err), 0);
  assert_string_equal(s, "hull-x.scope");
  assert_int_equal(hull_dbus_get_str(&r, &s, &err), 0);
  assert_string_equal(s, "replace");
  size_t i = 0;
  assert_int_equal(hull_dbus_skip(&r, "a(sv)a(sa(sv))", &i, 0, &err), 0);
  assert_int_equal(hull_dbus_skip(&r, "a(sv)a(sa(sv))", &i, 0, &err), 0);
  assert_int_equal(r.pos, r.len);
  /* The empty aux array: length 0, then padding to 8. */
  assert_memory_equal(body.p + body.len - 8, "\0\0\0\0\0\0\0\0", 8);
  hull_dbus_msg_free(&m);
  hull_dbus_buf_free(&out);
  hull_dbus_buf_free(&body);
}

static void test_array_alignment(void **state) {
  (void)state;
  struct hull_dbus_buf b = {0};
  hull_dbus_put_u8(&b, 1);
  size_t a = hull_dbus_array_begin(&b, 8); /* len at 4, elements from 8 */
  hull_dbus_put_u64(&b, 5);
  hull_dbus_array_end(&b, a, 8);
  assert_int_equal(b.len, 16);
  assert_int_equal(b.p[4], 8); /* the padding after the length is not counted */
  hull_dbus_buf_free(&b);
}

/* A JobRemoved signal as systemd sends it. */
static void job_removed(struct hull_dbus_buf *m, const char *result) {
  struct hull_dbus_buf body = {0};
  hull_dbus_put_u32(&body, 1234);
  hull_dbus_put_str(&body, "/org/freedesktop/systemd1/job/1234");
  hull_dbus_put_str(&body, "hull-x.scope");
  hull_dbus_put_str(&body, result);
  const struct fld f[] = {{1, "o", "/org/freedesktop/systemd1"},
                          {2, "s", "org.freedesktop.systemd1.Manager"},
                          {3, "s", "JobRemoved"},
                          {8, "g", "uoss"}};
  build(m, HULL_DBUS_SIGNAL, 99, f, 4, &body);
  hull_dbus_buf_free(&body);
}

static void test_signal_parse(void **state) {
  (void)state;
  struct hull_dbus_buf b = {0};
  job_removed(&b, "done");
  struct hull_dbus_msg m;
  struct hull_err *err = NULL;
  size_t total;
  assert_int_equal(hull_dbus_frame_len(b.p, 16, &total, &err), 0);
  assert_int_equal(total, b.len);
  assert_int_equal(parse_copy(&b, b.len, &m, &err), 0);
  assert_int_equal(m.type, HULL_DBUS_SIGNAL);
  assert_string_equal(m.iface, "org.freedesktop.systemd1.Manager");
  struct hull_dbus_rd r;
  uint32_t id;
  const char *job, *unit, *res;
  assert_int_equal(hull_dbus_body(&m, "uoss", &r, &err), 0);
  assert_int_equal(hull_dbus_get_u32(&r, &id, &err), 0);
  assert_int_equal(hull_dbus_get_str(&r, &job, &err), 0);
  assert_int_equal(hull_dbus_get_str(&r, &unit, &err), 0);
  assert_int_equal(hull_dbus_get_str(&r, &res, &err), 0);
  assert_int_equal(id, 1234);
  assert_string_equal(job, "/org/freedesktop/systemd1/job/1234");
  assert_string_equal(res, "done");
  /* Asking for another signature is an error, not a misread. */
  assert_int_equal(hull_dbus_body(&m, "o", &r, &err), -1);
  assert_non_null(strstr(err->msg, "\"uoss\""));
  hull_err_free(&err);
  hull_dbus_msg_free(&m);
  hull_dbus_buf_free(&b);
}

static void test_error_reply(void **state) {
  (void)state;
  struct hull_dbus_buf body = {0}, b = {0};
  hull_dbus_put_str(&body, "Unit hull-x.scope already exists.");
  const struct fld f[] = {{4, "s", "org.freedesktop.systemd1.UnitExists"}, {5, "u", "3"},
                          {8, "g", "s"}};
  build(&b, HULL_DBUS_ERROR, 10, f, 3, &body);
  struct hull_dbus_msg m;
  struct hull_err *err = NULL;
  assert_int_equal(parse_copy(&b, b.len, &m, &err), 0);
  assert_true(m.has_reply_serial);
  assert_int_equal(m.reply_serial, 3);
  char *t = hull_dbus_error_text(&m);
  assert_string_equal(t, "org.freedesktop.systemd1.UnitExists: Unit hull-x.scope already exists.");
  free(t);
  hull_dbus_msg_free(&m);
  /* An error without its name is malformed. */
  const struct fld g[] = {{5, "u", "3"}};
  build(&b, HULL_DBUS_ERROR, 10, g, 1, NULL);
  assert_int_equal(parse_copy(&b, b.len, &m, &err), -1);
  assert_non_null(strstr(err->msg, "required header field"));
  hull_err_free(&err);
  hull_dbus_msg_free(&m);
  hull_dbus_buf_free(&b);
  hull_dbus_buf_free(&body);
}

static void test_unknown_field_skipped(void **state) {
  (void)state;
  struct hull_dbus_buf b = {0};
  /* A field code from the future with a struct in its variant. */
  b.len = 0;
  put_bytes(&b, "l", 1);
  hull_dbus_put_u8(&b, HULL_DBUS_METHOD_RETURN);
  hull_dbus_put_u8(&b, 0);
  hull_dbus_put_u8(&b, 1);
  hull_dbus_put_u32(&b, 0);
  hull_dbus_put_u32(&b, 5);
  size_t a = hull_dbus_array_begin(&b, 8);
  hull_dbus_put_u8(&b, 5);
  hull_dbus_put_sig(&b, "u");
  hull_dbus_put_u32(&b, 1);
  hull_dbus_put_align(&b, 8);
  hull_dbus_put_u8(&b, 77);
  hull_dbus_put_sig(&b, "(st)");
  hull_dbus_put_align(&b, 8);
  hull_dbus_put_str(&b, "x");
  hull_dbus_put_u64(&b, 9);
  hull_dbus_array_end(&b, a, 8);
  hull_dbus_put_align(&b, 8);
  struct hull_dbus_msg m;
  struct hull_err *err = NULL;
  assert_int_equal(parse_copy(&b, b.len, &m, &err), 0);
  assert_int_equal(m.reply_serial, 1);
  hull_dbus_msg_free(&m);
  hull_dbus_buf_free(&b);
}

/* Every prefix of a valid message is refused; every single-byte change
 * is parsed or refused without reading outside the buffer. */
static void test_truncation_and_corruption(void **state) {
  (void)state;
  struct hull_dbus_buf b = {0};
  job_removed(&b, "failed");
  struct hull_err *err = NULL;
  for (size_t n = 0; n < b.len; n++) {
    struct hull_dbus_msg m;
    assert_int_equal(parse_copy(&b, n, &m, &err), -1);
    hull_err_free(&err);
    hull_dbus_msg_free(&m);
  }
  static const uint8_t vals[] = {0x00, 0x01, 0x07, 0x7f, 0x80, 0xff, '(', 'a', 'v', '{'};
  for (size_t i = 0; i < b.len; i++)
    for (size_t v = 0; v < sizeof(vals); v++) {
      uint8_t *raw = malloc(b.len);
      memcpy(raw, b.p, b.len);
      raw[i] = vals[v];
      struct hull_dbus_msg m;
      if (hull_dbus_msg_parse(raw, b.len, &m, &err) == 0) {
        struct hull_dbus_rd r = {m.body, m.body_len, 0};
        size_t k = 0;
        const char *sig = m.sig ? m.sig : "";
        while (sig[k] && hull_dbus_skip(&r, sig, &k, 0, &err) == 0) {}
      }
      hull_err_free(&err);
      hull_dbus_msg_free(&m);
    }
  hull_dbus_buf_free(&b);
}

static void test_bad_values(void **state) {
  (void)state;
  struct hull_err *err = NULL;
  const char *s;
  bool bv;
  /* A string whose length runs past the end. */
  static const uint8_t big[] = {0xff, 0xff, 0xff, 0xff, 'a', 0};
  struct hull_dbus_rd r = {big, sizeof(big), 0};
  assert_int_equal(hull_dbus_get_str(&r, &s, &err), -1);
  hull_err_free(&err);
  /* Not NUL-terminated; an inner NUL. */
  static const uint8_t nonul[] = {2, 0, 0, 0, 'a', 'b', 'c'};
  r = (struct hull_dbus_rd){nonul, sizeof(nonul), 0};
  assert_int_equal(hull_dbus_get_str(&r, &s, &err), -1);
  assert_non_null(strstr(err->msg, "NUL"));
  hull_err_free(&err);
  static const uint8_t inner[] = {2, 0, 0, 0, 'a', 0, 0};
  r = (struct hull_dbus_rd){inner, sizeof(inner), 0};
  assert_int_equal(hull_dbus_get_str(&r, &s, &err), -1);
  hull_err_free(&err);
  /* A boolean of 2; non-zero padding. */
  static const uint8_t two[] = {2, 0, 0, 0};
  r = (struct hull_dbus_rd){two, sizeof(two), 0};
  assert_int_equal(hull_dbus_get_bool(&r, &bv, &err), -1);
  hull_err_free(&err);
  static const uint8_t pad[] = {1, 9, 0, 0, 5, 0, 0, 0};
  uint8_t y;
  uint32_t u;
  r = (struct hull_dbus_rd){pad, sizeof(pad), 0};
  assert_int_equal(hull_dbus_get_u8(&r, &y, &err), 0);
  assert_int_equal(hull_dbus_get_u32(&r, &u, &err), -1);
  assert_non_null(strstr(err->msg, "padding"));
  hull_err_free(&err);
  /* An array longer than what is left. */
  static const uint8_t arr[] = {16, 0, 0, 0, 1, 0, 0, 0};
  size_t i = 0;
  r = (struct hull_dbus_rd){arr, sizeof(arr), 0};
  assert_int_equal(hull_dbus_skip(&r, "au", &i, 0, &err), -1);
  hull_err_free(&err);
  /* An array whose length cuts an element in half. */
  static const uint8_t half[] = {6, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0};
  i = 0;
  r = (struct hull_dbus_rd){half, sizeof(half), 0};
  assert_int_equal(hull_dbus_skip(&r, "au", &i, 0, &err), -1);
  hull_err_free(&err);
  /* Variants nested past the depth limit. */
  struct hull_dbus_buf deep = {0};
  for (int k = 0; k < 40; k++) hull_dbus_put_sig(&deep, "v");
  hull_dbus_put_sig(&deep, "y");
  hull_dbus_put_u8(&deep, 1);
  i = 0;
  r = (struct hull_dbus_rd){deep.p, deep.len, 0};
  assert_int_equal(hull_dbus_skip(&r, "v", &i, 0, &err), -1);
  assert_non_null(strstr(err->msg, "nested"));
  hull_err_free(&err);
  hull_dbus_buf_free(&deep);
}

/* A PropertiesChanged body (sa{sv}as), as systemd broadcasts them. */
static void test_dict_array(void **state) {
  (void)state;
  struct hull_dbus_buf b = {0};
  hull_dbus_put_str(&b, "org.freedesktop.systemd1.Unit");
  size_t a = hull_dbus_array_begin(&b, 8);
  hull_dbus_put_align(&b, 8);
  hull_dbus_put_str(&b, "ActiveState");
  hull_dbus_put_sig(&b, "s");
  hull_dbus_put_str(&b, "active");
  hull_dbus_put_align(&b, 8);
  hull_dbus_put_str(&b, "NRestarts");
  hull_dbus_put_sig(&b, "u");
  hull_dbus_put_u32(&b, 3);
  hull_dbus_array_end(&b, a, 8);
  size_t s = hull_dbus_array_begin(&b, 4);
  hull_dbus_put_str(&b, "Job");
  hull_dbus_array_end(&b, s, 4);
  struct hull_err *err = NULL;
  struct hull_dbus_rd r = {b.p, b.len, 0};
  size_t i = 0;
  while ("sa{sv}as"[i])
    assert_int_equal(hull_dbus_skip(&r, "sa{sv}as", &i, 0, &err), 0);
  assert_int_equal(r.pos, b.len);
  /* An entry cut short by the array's length is refused. */
  b.p[a] = (uint8_t)(b.p[a] - 4);
  r = (struct hull_dbus_rd){b.p, b.len, 0};
  i = 0;
  assert_int_equal(hull_dbus_skip(&r, "sa{sv}as", &i, 0, &err), 0);
  assert_int_equal(hull_dbus_skip(&r, "sa{sv}as", &i, 0, &err), -1);
  hull_err_free(&err);
  hull_dbus_buf_free(&b);
}

static void test_frame_len(void **state) {
  (void)state;
  struct hull_err *err = NULL;
  size_t t;
  uint8_t h[16] = {'l', 2, 0, 1, 4, 0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0};
  assert_int_equal(hull_dbus_frame_len(h, 16, &t, &err), 0);
  assert_int_equal(t, 16 + 16 + 4);
  h[0] = 'B';
  assert_int_equal(hull_dbus_frame_len(h, 16, &t, &err), -1);
  assert_non_null(strstr(err->msg, "little-endian"));
  hull_err_free(&err);
  h[0] = 'l';
  h[7] = 0x7f; /* a 2 GiB body */
  assert_int_equal(hull_dbus_frame_len(h, 16, &t, &err), -1);
  hull_err_free(&err);
  h[7] = 0;
  h[3] = 2;
  assert_int_equal(hull_dbus_frame_len(h, 16, &t, &err), -1);
  hull_err_free(&err);
  assert_int_equal(hull_dbus_frame_len(h, 15, &t, &err), -1);
  hull_err_free(&err);
}

static void test_signatures(void **state) {
  (void)state;
  assert_true(hull_dbus_sig_valid(""));
  assert_true(hull_dbus_sig_valid("ssa(sv)a(sa(sv))"));
  assert_true(hull_dbus_sig_valid("a{sv}uoss"));
  assert_false(hull_dbus_sig_valid("a"));
  assert_false(hull_dbus_sig_valid("()"));
  assert_false(hull_dbus_sig_valid("(s"));
  assert_false(hull_dbus_sig_valid("a{vs}"));
  assert_false(hull_dbus_sig_valid("z"));
  char deep[80];
  memset(deep, 'a', 70);
  strcpy(deep + 70, "u");
  assert_false(hull_dbus_sig_valid(deep));
}

static void test_auth_and_address(void **state) {
  (void)state;
  char *l = hull_dbus_auth_line(0);
  assert_string_equal(l, "AUTH EXTERNAL 30\r\n");
  free(l);
  l = hull_dbus_auth_line(1000);
  assert_string_equal(l, "AUTH EXTERNAL 31303030\r\n");
  free(l);
  char *p = hull_dbus_address_path("unix:path=/run/user/1000/bus");
  assert_string_equal(p, "/run/user/1000/bus");
  free(p);
  p = hull_dbus_address_path("unix:abstract=/tmp/x;unix:guid=1,path=/run/dbus/s");
  assert_string_equal(p, "/run/dbus/s");
  free(p);
  assert_null(hull_dbus_address_path("tcp:host=localhost,port=1"));
  assert_null(hull_dbus_address_path("unix:path=relative"));
  assert_null(hull_dbus_address_path(NULL));
}

/* ---- the connection against a scripted peer ---------------------------- */

static void write_all(int fd, const void *p, size_t n) {
  const uint8_t *b = p;
  while (n) {
    ssize_t w = write(fd, b, n);
    if (w <= 0) _exit(3);
    b += w;
    n -= (size_t)w;
  }
}

/* Reads what the client sent until it holds `want` bytes after the auth
 * lines (the whole first call), or EOF. */
static size_t read_some(int fd, char *buf, size_t size) {
  ssize_t n = read(fd, buf, size);
  return n > 0 ? (size_t)n : 0;
}

/* The peer: OK to the auth, then for the first call a JobRemoved signal
 * cut in two writes, then the reply (an object path) and a second signal
 * in one write; for the second call an error; then it closes in the
 * middle of a message. */
static void peer(int lfd) {
  int fd = accept(lfd, NULL, NULL);
  if (fd < 0) _exit(2);
  char in[4096];
  size_t got = read_some(fd, in, sizeof(in));
  if (got < 8 || memcmp(in, "\0AUTH EXTERNAL ", 15) != 0 || !memmem(in, got, "BEGIN\r\n", 7)) _exit(4);
  write_all(fd, "OK 0123456789abcdef0123456789abcdef\r\n", 37);
  read_some(fd, in, sizeof(in)); /* the first call */
  struct hull_dbus_buf sig = {0}, reply = {0}, body = {0}, err = {0};
  job_removed(&sig, "done");
  write_all(fd, sig.p, 10);
  usleep(20000);
  write_all(fd, sig.p + 10, sig.len - 10);
  hull_dbus_put_str(&body, "/org/freedesktop/systemd1/job/1234");
  const struct fld f[] = {{5, "u", "1"}, {8, "g", "o"}};
  build(&reply, HULL_DBUS_METHOD_RETURN, 2, f, 2, &body);
  struct hull_dbus_buf both = {0};
  for (size_t i = 0; i < reply.len; i++) hull_dbus_put_u8(&both, reply.p[i]);
  for (size_t i = 0; i < sig.len; i++) hull_dbus_put_u8(&both, sig.p[i]);
  write_all(fd, both.p, both.len);
  read_some(fd, in, sizeof(in)); /* the second call */
  body.len = 0;
  hull_dbus_put_str(&body, "Unit x.scope not loaded.");
  const struct fld g[] = {{4, "s", "org.freedesktop.systemd1.NoSuchUnit"}, {5, "u", "2"}, {8, "g", "s"}};
  build(&err, HULL_DBUS_ERROR, 3, g, 3, &body);
  write_all(fd, err.p, err.len);
  read_some(fd, in, sizeof(in)); /* the third call */
  write_all(fd, sig.p, 20);
  _exit(0);
}

struct seen {
  int n;
};
static void count_signal(const struct hull_dbus_msg *m, void *data) {
  struct seen *s = data;
  if (m->member && strcmp(m->member, "JobRemoved") == 0) s->n++;
}
static bool two_seen(void *data) { return ((struct seen *)data)->n >= 2; }

static void test_conn_scripted_peer(void **state) {
  (void)state;
  struct unit_listener l;
  unit_listen(&l);
  pid_t pid = fork();
  if (pid == 0) peer(l.fd);
  close(hull_steal_fd(&l.fd));
  struct hull_err *err = NULL;
  struct hull_dbus *c = hull_dbus_open(l.path, false, 1000, &err);
  assert_non_null(c);
  struct seen seen = {0};
  hull_dbus_on_signal(c, count_signal, &seen);
  struct hull_dbus_call call = {NULL, "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                                "StopUnit", NULL};
  struct hull_dbus_msg m;
  assert_int_equal(hull_dbus_call(c, &call, NULL, 5000, &m, &err), 0);
  /* The signal cut in two came first and was dispatched. */
  assert_int_equal(seen.n, 1);
  struct hull_dbus_rd r;
  const char *job;
  assert_int_equal(hull_dbus_body(&m, "o", &r, &err), 0);
  assert_int_equal(hull_dbus_get_str(&r, &job, &err), 0);
  assert_string_equal(job, "/org/freedesktop/systemd1/job/1234");
  hull_dbus_msg_free(&m);
  /* The one read with the reply is in the buffer: no wait on the socket. */
  assert_int_equal(hull_dbus_wait(c, two_seen, &seen, 5000, &err), 0);
  assert_int_equal(seen.n, 2);
  /* An error reply, with its name and text. */
  assert_int_equal(hull_dbus_call(c, &call, NULL, 5000, NULL, &err), -1);
  assert_string_equal(err->msg, "StopUnit: org.freedesktop.systemd1.NoSuchUnit: Unit x.scope not loaded.");
  hull_err_free(&err);
  /* The peer goes away in the middle of a message. */
  assert_int_equal(hull_dbus_call(c, &call, NULL, 5000, NULL, &err), -1);
  assert_non_null(strstr(err->msg, "closed the connection"));
  hull_err_free(&err);
  hull_dbus_close(c);
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  unit_unlisten(&l);
}

static void test_conn_refused_and_timeout(void **state) {
  (void)state;
  struct hull_err *err = NULL;
  assert_null(hull_dbus_open("/nonexistent/hull/bus", false, 0, &err));
  assert_non_null(strstr(err->msg, "D-Bus: connect /nonexistent/hull/bus: No such file or directory"));
  hull_err_free(&err);
  /* A peer that accepts and never answers the authentication. */
  struct unit_listener l;
  unit_listen(&l);
  pid_t pid = fork();
  if (pid == 0) {
    int fd = accept(l.fd, NULL, NULL);
    char b[256];
    while (read(fd, b, sizeof(b)) > 0) {}
    _exit(0);
  }
  close(hull_steal_fd(&l.fd));
  assert_null(hull_dbus_open(l.path, false, 0, &err));
  assert_int_equal(err->errnum, ETIMEDOUT);
  hull_err_free(&err);
  waitpid(pid, NULL, 0);
  unit_unlisten(&l);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_call_bytes),
      cmocka_unit_test(test_call_with_body_roundtrip),
      cmocka_unit_test(test_array_alignment),
      cmocka_unit_test(test_signal_parse),
      cmocka_unit_test(test_error_reply),
      cmocka_unit_test(test_unknown_field_skipped),
      cmocka_unit_test(test_truncation_and_corruption),
      cmocka_unit_test(test_bad_values),
      cmocka_unit_test(test_dict_array),
      cmocka_unit_test(test_frame_len),
      cmocka_unit_test(test_signatures),
      cmocka_unit_test(test_auth_and_address),
      cmocka_unit_test(test_conn_scripted_peer),
      cmocka_unit_test(test_conn_refused_and_timeout),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
