/* util/: errors, number parsing, log line formatting, JSON escaping, files. */
#include "unit.h"

#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>

static void err_keeps_first_and_prefixes(void **state) {
  struct hull_err *err = NULL;
  assert_int_equal(hull_err_set(&err, ENOENT, "open %s", "/x"), -1);
  hull_err_set(&err, 0, "second error is ignored");
  hull_err_prefix(&err, "mount %s", "/proc");
  assert_int_equal(err->errnum, ENOENT);
  assert_string_equal(err->msg, "mount /proc: open /x: No such file or directory");
  hull_err_free(&err);
  assert_null(err);
}

static void err_move_keeps_the_first(void **state) {
  (void)state;
  struct hull_err *first = NULL, *e = NULL;
  assert_int_equal(hull_err_move(&first, &e), 0); /* nothing to move */
  assert_null(first);
  hull_err_set(&e, EBUSY, "rmdir %s", "/a");
  assert_int_equal(hull_err_move(&first, &e), -1);
  assert_null(e);
  hull_err_set(&e, EIO, "later");
  assert_int_equal(hull_err_move(&first, &e), -1); /* freed: first wins */
  assert_null(e);
  assert_string_equal(first->msg, "rmdir /a: Device or resource busy");
  hull_err_set(&e, EIO, "nowhere");
  assert_int_equal(hull_err_move(NULL, &e), -1);
  assert_null(e);
  hull_err_free(&first);
}

static void err_null_is_safe(void **state) {
  assert_int_equal(hull_err_set(NULL, EINVAL, "nothing"), -1);
  assert_int_equal(hull_err_prefix(NULL, "ctx"), -1);
}

static void parse_numbers_strictly(void **state) {
  int64_t s;
  uint64_t u;
  assert_int_equal(hull_parse_int64("-42", &s), 0);
  assert_int_equal(s, -42);
  assert_int_equal(hull_parse_int64("12x", &s), -1);
  assert_int_equal(hull_parse_int64("", &s), -1);
  assert_int_equal(hull_parse_int64("99999999999999999999", &s), -1);
  assert_int_equal(hull_parse_uint64("18446744073709551615", &u), 0);
  assert_true(u == UINT64_MAX);
  assert_int_equal(hull_parse_uint64("-1", &u), -1);
  assert_int_equal(hull_parse_uint64(" 1", &u), -1);
  assert_int_equal(hull_parse_uint64("+1", &u), -1);
}

static void json_log_line_shape(void **state) {
  char buf[512];
  struct timespec ts = {.tv_sec = 0, .tv_nsec = 5};
  hull_log_format_line(buf, sizeof(buf), HULL_LOG_JSON, HULL_LOG_ERROR, "bad \"x\"\n", &ts);
  assert_string_equal(buf,
                      "{\"level\":\"error\",\"msg\":\"bad \\\"x\\\"\\n\","
                      "\"time\":\"1970-01-01T00:00:00.000000005Z\"}");
  hull_log_format_line(buf, sizeof(buf), HULL_LOG_TEXT, HULL_LOG_WARN, "w", &ts);
  assert_string_equal(buf, "time=\"1970-01-01T00:00:00.000000005Z\" level=warning msg=\"w\"");
  /* quotes inside the message do not end the text field */
  hull_log_format_line(buf, sizeof(buf), HULL_LOG_TEXT, HULL_LOG_ERROR, "container \"x\"", &ts);
  assert_string_equal(buf, "time=\"1970-01-01T00:00:00.000000005Z\" level=error "
                           "msg=\"container \\\"x\\\"\"");
}

static void json_escape_controls_and_truncation(void **state) {
  char buf[16];
  hull_json_escape(buf, sizeof(buf), "a\x01" "b");
  assert_string_equal(buf, "a\\u0001b");
  size_t need = hull_json_escape(buf, 4, "abcdef");
  assert_int_equal(need, 6);
  assert_string_equal(buf, "abc");
}

static void strv_append_and_len(void **state) {
  char **v = NULL;
  hull_strv_append(&v, "a");
  hull_strv_append(&v, "b");
  assert_int_equal(hull_strv_len(v), 2);
  assert_string_equal(v[1], "b");
  assert_null(v[2]);
  hull_strv_free(v);
}

static void atomic_write_and_read_back(void **state) {
  char dir[] = "/tmp/hull-unit-XXXXXX";
  assert_non_null(mkdtemp(dir));
  _cleanup_free_ char *sub = hull_xasprintf("%s/a/b", dir);
  _cleanup_free_ char *path = hull_xasprintf("%s/file", sub);
  struct hull_err *err = NULL;
  assert_int_equal(hull_mkdir_p(sub, 0700, &err), 0);
  assert_int_equal(hull_write_file_atomic(path, "1234", 4, 0600, &err), 0);
  size_t len = 0;
  _cleanup_free_ char *data = hull_read_file(path, &len, &err);
  assert_non_null(data);
  assert_int_equal(len, 4);
  assert_string_equal(data, "1234");
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
  assert_null(hull_read_file("/nonexistent/x", NULL, &err));
  assert_string_equal(err->msg, "open /nonexistent/x: No such file or directory");
  hull_err_free(&err);
  _cleanup_free_ char *cmd = hull_xasprintf("rm -rf %s", dir);
  assert_int_equal(system(cmd), 0);
}

static void close_fds_keeps_listed(void **state) {
  int a = open("/dev/null", O_RDONLY);
  int b = open("/dev/null", O_RDONLY);
  int lo = a < b ? a : b, hi = a < b ? b : a;
  int keep[] = {hi};
  hull_close_fds_from(lo, keep, 1);
  assert_int_equal(fcntl(lo, F_GETFD), -1);
  assert_true(fcntl(hi, F_GETFD) >= 0);
  close(hi);
}

/* Kept fds in any order, twice, or below `from`: every other fd from
 * `from` up is closed (close_range over the gaps), nothing below it. */
static void close_fds_gaps(void **state) {
  int fd[8];
  for (int i = 0; i < 8; i++) fd[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
  for (int i = 1; i < 8; i++) assert_int_equal(fd[i], fd[0] + i); /* consecutive */
  int keep[] = {fd[6], fd[3], fd[0], fd[3], fd[7], 0};
  hull_close_fds_from(fd[1], keep, sizeof(keep) / sizeof(keep[0]));
  for (int i = 0; i < 8; i++) {
    bool kept = i == 0 || i == 3 || i == 6 || i == 7;
    assert_int_equal(fcntl(fd[i], F_GETFD) >= 0, kept);
    if (kept) close(fd[i]);
  }
  assert_true(fcntl(0, F_GETFD) >= 0);
}

/* No kept fds at all (NULL, 0: hooks.c before a hook's exec): every fd
 * from `from` up is closed. memcpy from that NULL, even of 0 bytes, was
 * undefined behaviour (UBSan in check-sanitizers). */
static void close_fds_none_kept(void **state) {
  int a = open("/dev/null", O_RDONLY | O_CLOEXEC);
  int b = open("/dev/null", O_RDONLY | O_CLOEXEC);
  assert_true(a >= 0 && b > a);
  hull_close_fds_from(a, NULL, 0);
  assert_int_equal(fcntl(a, F_GETFD), -1);
  assert_int_equal(fcntl(b, F_GETFD), -1);
  assert_true(fcntl(0, F_GETFD) >= 0);
}

/* The hand-made UTC breakdown agrees with strftime(gmtime_r). */
static void format_time_matches_gmtime(void **state) {
  (void)state;
  static const long long fixed[] = {0, 1, 86399, 86400, 951782400 /* 2000-02-29 */,
                                    4107542399LL /* 2100-02-28 23:59:59 */, 1796238190,
                                    -1, -86401, 253402300799LL /* 9999-12-31 */};
  unsigned seed = 42;
  for (int i = 0; i < 2000; i++) {
    long long t = i < 10 ? fixed[i]
                         : ((long long)rand_r(&seed) << 16 ^ rand_r(&seed)) % 253402300799LL;
    struct timespec ts = {.tv_sec = (time_t)t, .tv_nsec = 123456789};
    char got[64], want[64];
    hull_format_time(got, sizeof(got), &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(want + n, sizeof(want) - n, ".123456789Z");
    assert_string_equal(got, want);
  }
}

static void passwd_name_lookup(void **state) {
  (void)state;
  const char *text = "root:x:0:0:root:/root:/bin/bash\n"
                     "# a comment:x:5:\n"
                     "+nis:x:7:7::/:/bin/sh\n"
                     "broken:x:\n"
                     ":x:9:9::/:\n"
                     "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                     "big:x:4294967294:1::/:/bin/sh";
  _cleanup_free_ char *r = hull_passwd_name(text, 0);
  _cleanup_free_ char *d = hull_passwd_name(text, 1);
  _cleanup_free_ char *b = hull_passwd_name(text, 4294967294U);
  assert_string_equal(r, "root");
  assert_string_equal(d, "daemon");
  assert_string_equal(b, "big");
  assert_null(hull_passwd_name(text, 5));
  assert_null(hull_passwd_name(text, 7));
  assert_null(hull_passwd_name(text, 9));
  assert_null(hull_passwd_name("", 0));
}

/* The three cases every caller reports: no socket there, a path too long
 * for sun_path, and a listener (the fd close-on-exec, really connected). */
static void unix_connect_errors_and_success(void **state) {
  (void)state;
  struct hull_err *err = NULL;
  assert_int_equal(hull_unix_connect("/nonexistent/hull/sock", "--console-socket", &err), -1);
  assert_int_equal(err->errnum, ENOENT);
  assert_string_equal(err->msg, "--console-socket: connect /nonexistent/hull/sock: No such file or directory");
  hull_err_free(&err);

  char long_path[200];
  memset(long_path, 'a', sizeof(long_path) - 1);
  long_path[0] = '/';
  long_path[sizeof(long_path) - 1] = '\0';
  assert_int_equal(hull_unix_connect(long_path, "D-Bus", &err), -1);
  assert_int_equal(err->errnum, ENAMETOOLONG);
  assert_true(hull_str_has_prefix(err->msg, "D-Bus: connect /aaa"));
  assert_non_null(strstr(err->msg, ": 199 bytes, a unix socket takes 107: File name too long"));
  hull_err_free(&err);

  struct unit_listener l;
  unit_listen(&l);
  int fd = hull_unix_connect(l.path, "linux.seccomp.listenerPath", &err);
  assert_true(fd >= 0);
  assert_null(err);
  assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
  int peer = accept(l.fd, NULL, NULL);
  assert_true(peer >= 0);
  assert_int_equal(write(fd, "x", 1), 1);
  char c = 0;
  assert_int_equal(read(peer, &c, 1), 1);
  assert_int_equal(c, 'x');
  close(peer);
  close(fd);
  unit_unlisten(&l);
}

static void ms_until_clamps(void **state) {
  (void)state;
  int64_t now = hull_now_ms();
  assert_int_equal(hull_ms_until(now - 1), 0);
  assert_int_equal(hull_ms_until(INT64_MIN / 2), 0);
  assert_int_equal(hull_ms_until(now + (int64_t)INT_MAX * 4), INT_MAX);
  int left = hull_ms_until(now + 60000);
  assert_true(left > 0 && left <= 60000);
}

static void on_alarm(int sig) { (void)sig; }

/* A signal (no SA_RESTART) lands in the middle of the sleep: the sleep
 * still lasts its whole length. Only a lower bound: never flaky. */
static void sleep_ms_survives_signals(void **state) {
  (void)state;
  struct sigaction sa = {.sa_handler = on_alarm}, old;
  sigemptyset(&sa.sa_mask);
  assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
  struct itimerval it = {.it_value = {.tv_usec = 5000}};
  assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
  int64_t t0 = hull_now_ms();
  hull_sleep_ms(40);
  assert_true(hull_now_ms() - t0 >= 40);
  sigaction(SIGALRM, &old, NULL);
}

static void path_clean_stays_in_root(void **state) {
  (void)state;
  static const char *const cases[][2] = {
      {"/", ""},           {"", ""},          {"/proc", "proc"},     {"proc/", "proc"},
      {"//a//b/./c", "a/b/c"}, {"/a/../b", "b"}, {"/../../etc", "etc"}, {"/a/b/../../..", ""},
      {"a/./../../x/..", ""}, {"/dev/pts/", "dev/pts"}, {"/..a/b..", "..a/b.."},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char *c = hull_path_clean(cases[i][0]);
    assert_string_equal(c, cases[i][1]);
    free(c);
  }
}

/* A tree deeper than the walk keeps fds for (subtrees moved up and
 * removed in later passes), a mode-000 dir, and a symlink out of the tree
 * whose target must survive. */
static void remove_tree_deep_and_no_follow(void **state) {
  (void)state;
  char top[] = "/tmp/hull-util-rm.XXXXXX";
  assert_non_null(mkdtemp(top));
  int tfd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_true(tfd >= 0);
  assert_int_equal(mkdirat(tfd, "outside", 0755), 0);
  close(openat(tfd, "outside/keep", O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
  assert_int_equal(mkdirat(tfd, "tree", 0755), 0);
  int d = openat(tfd, "tree", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_int_equal(symlinkat("../outside", d, "link"), 0);
  assert_int_equal(mkdirat(d, "locked", 0755), 0);
  close(openat(d, "locked/f", O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
  assert_int_equal(fchmodat(d, "locked", 0, 0), 0);
  for (int i = 0; i < 80; i++) {
    assert_int_equal(mkdirat(d, "d", 0755), 0);
    close(openat(d, "f", O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
    int next = openat(d, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    assert_true(next >= 0);
    close(d);
    d = next;
  }
  close(d);
  struct hull_err *err = NULL;
  assert_int_equal(hull_remove_tree(tfd, "tree", &err), 0);
  assert_null(err);
  assert_int_equal(faccessat(tfd, "tree", F_OK, AT_SYMLINK_NOFOLLOW), -1);
  assert_int_equal(faccessat(tfd, "outside/keep", F_OK, 0), 0);
  assert_int_equal(hull_remove_tree(tfd, "tree", &err), 0); /* gone: fine */
  assert_int_equal(hull_remove_tree(tfd, "outside", &err), 0);
  close(tfd);
  assert_int_equal(rmdir(top), 0);
}

/* More than a socket buffer holds (short sends), then a closed peer: EPIPE,
 * and the test process is still alive (no SIGPIPE). */
static void send_all_whole_and_no_sigpipe(void **state) {
  (void)state;
  int sp[2];
  assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
  size_t len = 4 << 20;
  char *buf = hull_xmalloc(len);
  for (size_t i = 0; i < len; i++) buf[i] = (char)(i * 7);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    close(sp[0]);
    free(buf); /* the pattern is recomputed: nothing of the parent's kept */
    size_t got = 0;
    char c[65536];
    for (ssize_t n; (n = read(sp[1], c, sizeof(c))) > 0;) {
      for (ssize_t i = 0; i < n; i++)
        if (c[i] != (char)((got + (size_t)i) * 7)) _exit(2);
      got += (size_t)n;
    }
    _exit(got == len ? 0 : 1);
  }
  close(sp[1]);
  assert_int_equal(hull_send_all(sp[0], buf, len), 0);
  close(sp[0]);
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
  close(sp[1]);
  assert_int_equal(hull_send_all(sp[0], buf, 16), -1);
  assert_int_equal(errno, EPIPE);
  close(sp[0]);
  free(buf);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(passwd_name_lookup),
      cmocka_unit_test(format_time_matches_gmtime),
      cmocka_unit_test(err_keeps_first_and_prefixes),
      cmocka_unit_test(err_null_is_safe),
      cmocka_unit_test(err_move_keeps_the_first),
      cmocka_unit_test(parse_numbers_strictly),
      cmocka_unit_test(json_log_line_shape),
      cmocka_unit_test(json_escape_controls_and_truncation),
      cmocka_unit_test(strv_append_and_len),
      cmocka_unit_test(atomic_write_and_read_back),
      cmocka_unit_test(close_fds_keeps_listed),
      cmocka_unit_test(close_fds_gaps),
      cmocka_unit_test(close_fds_none_kept),
      cmocka_unit_test(unix_connect_errors_and_success),
      cmocka_unit_test(ms_until_clamps),
      cmocka_unit_test(sleep_ms_survives_signals),
      cmocka_unit_test(path_clean_stays_in_root),
      cmocka_unit_test(remove_tree_deep_and_no_follow),
      cmocka_unit_test(send_all_whole_and_no_sigpipe),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
