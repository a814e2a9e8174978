/* init/sync.c: the parent <-> shim messages, here those carrying fds (the
 * cgroup v1 tasks fds that GO brings to the shim, a pty master). */
#include "unit.h"

#include "init/init.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static void pair(int sp[2]) {
  assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
}

static bool same_file(int a, int b) {
  struct stat x, y;
  return fstat(a, &x) == 0 && fstat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

static bool is_open(int fd) { return fcntl(fd, F_GETFD) >= 0; }

static void fds_and_payload_arrive(void **state) {
  int sp[2];
  pair(sp);
  int sent[3] = {open("/dev/null", O_WRONLY | O_CLOEXEC), open("/", O_PATH | O_CLOEXEC),
                 open("/proc/self/stat", O_RDONLY | O_CLOEXEC)};
  assert_int_equal(hull_sync_send_fds(sp[0], HULL_SYNC_GO, "a/tasks\nb/tasks\nc/tasks", sent, 3), 0);
  int got[8];
  size_t n = 99;
  char *payload = NULL;
  struct hull_err *err = NULL;
  assert_int_equal(hull_sync_expect_fds(sp[1], HULL_SYNC_GO, &payload, got, 8, &n, "t", &err), 0);
  assert_int_equal(n, 3);
  assert_string_equal(payload, "a/tasks\nb/tasks\nc/tasks");
  for (int i = 0; i < 3; i++) {
    assert_true(same_file(sent[i], got[i]));
    assert_int_equal(fcntl(got[i], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    close(got[i]);
    close(sent[i]);
  }
  free(payload);
  close(sp[0]);
  close(sp[1]);
}

static void no_fds_is_a_plain_message(void **state) {
  int sp[2];
  pair(sp);
  assert_int_equal(hull_sync_send_fds(sp[0], HULL_SYNC_GO, NULL, NULL, 0), 0);
  int got[2];
  size_t n = 99;
  char *payload = NULL;
  struct hull_err *err = NULL;
  assert_int_equal(hull_sync_expect_fds(sp[1], HULL_SYNC_GO, &payload, got, 2, &n, "t", &err), 0);
  assert_int_equal(n, 0);
  assert_string_equal(payload, "");
  free(payload);
  /* The plain receiver takes the same message. */
  assert_int_equal(hull_sync_send_fds(sp[0], HULL_SYNC_GO, NULL, NULL, 0), 0);
  assert_int_equal(hull_sync_expect(sp[1], HULL_SYNC_GO, NULL, "t", &err), 0);
  close(sp[0]);
  close(sp[1]);
}

/* More fds than asked for: the extra ones are closed, never leaked. */
static void extra_fds_are_closed(void **state) {
  int sp[2];
  pair(sp);
  int sent[4];
  for (int i = 0; i < 4; i++) sent[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
  int probe = open("/dev/null", O_RDONLY | O_CLOEXEC); /* the lowest free fd */
  close(probe);
  assert_int_equal(hull_sync_send_fds(sp[0], HULL_SYNC_GO, "x", sent, 4), 0);
  int got[2];
  size_t n;
  struct hull_err *err = NULL;
  assert_int_equal(hull_sync_expect_fds(sp[1], HULL_SYNC_GO, NULL, got, 2, &n, "t", &err), 0);
  assert_int_equal(n, 2);
  for (size_t i = 0; i < n; i++) close(got[i]);
  /* Every received fd is closed again: the next open gets the probe's. */
  int again = open("/dev/null", O_RDONLY | O_CLOEXEC);
  assert_int_equal(again, probe);
  close(again);
  for (int i = 0; i < 4; i++) close(sent[i]);
  close(sp[0]);
  close(sp[1]);
}

/* An error or an unexpected message: the peer's text, no fd left open. */
static void errors_leave_no_fd(void **state) {
  int sp[2];
  pair(sp);
  int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  int probe = open("/dev/null", O_RDONLY | O_CLOEXEC); /* the lowest free fd */
  close(probe);
  int got[4];
  size_t n = 99;
  struct hull_err *err = NULL;
  assert_int_equal(hull_sync_send_fds(sp[0], HULL_SYNC_ERROR, "mount /proc: EPERM", &fd, 1), 0);
  assert_int_equal(hull_sync_expect_fds(sp[1], HULL_SYNC_GO, NULL, got, 4, &n, "t", &err), -1);
  assert_string_equal(err->msg, "mount /proc: EPERM");
  assert_int_equal(n, 0);
  hull_err_free(&err);
  assert_int_equal(hull_sync_send_fds(sp[0], HULL_SYNC_READY, NULL, &fd, 1), 0);
  assert_int_equal(hull_sync_expect_fds(sp[1], HULL_SYNC_GO, NULL, got, 4, &n, "init", &err), -1);
  assert_int_equal(err->errnum, EPROTO);
  assert_non_null(strstr(err->msg, "init: unexpected sync message"));
  hull_err_free(&err);
  int again = open("/dev/null", O_RDONLY | O_CLOEXEC);
  assert_int_equal(again, probe);
  close(again);
  /* The peer gone: "the container init exited". */
  close(sp[0]);
  assert_int_equal(hull_sync_expect_fds(sp[1], HULL_SYNC_GO, NULL, got, 4, &n, "init", &err), -1);
  assert_string_equal(err->msg, "init: the container init exited");
  hull_err_free(&err);
  close(fd);
  close(sp[1]);
}

/* The shim failing with our START (or GO2) still unread: its close
 * leaves ECONNRESET on our socket ahead of its ERROR, which must win. */
static void error_behind_a_reset(void **state) {
  for (int fds = 0; fds < 2; fds++) {
    int sp[2];
    pair(sp);
    assert_int_equal(hull_sync_send(sp[0], HULL_SYNC_START, NULL), 0);
    assert_int_equal(hull_sync_send(sp[1], HULL_SYNC_ERROR, "exec \"x\": not found"), 0);
    close(sp[1]);
    struct hull_err *err = NULL;
    int got[1];
    size_t n;
    if (fds) assert_int_equal(hull_sync_expect_fds(sp[0], HULL_SYNC_READY, NULL, got, 1, &n, "c", &err), -1);
    else assert_int_equal(hull_sync_expect(sp[0], HULL_SYNC_READY, NULL, "create", &err), -1);
    assert_string_equal(err->msg, "exec \"x\": not found");
    hull_err_free(&err);
    /* Then EOF, as for any peer gone. */
    assert_int_equal(hull_sync_expect(sp[0], HULL_SYNC_READY, NULL, "create", &err), -1);
    assert_string_equal(err->msg, "create: the container init exited");
    hull_err_free(&err);
    close(sp[0]);
  }
}

/* hull_sync_expect_fd (exec's pty master) wants exactly an fd. */
static void single_fd_receiver(void **state) {
  int sp[2];
  pair(sp);
  int fd = open("/dev/null", O_RDONLY | O_CLOEXEC), out = -1;
  struct hull_err *err = NULL;
  assert_int_equal(hull_sync_send_fd(sp[0], HULL_SYNC_PTY, fd), 0);
  assert_int_equal(hull_sync_expect_fd(sp[1], HULL_SYNC_PTY, &out, "exec", &err), 0);
  assert_true(same_file(fd, out));
  assert_true(is_open(out));
  close(out);
  assert_int_equal(hull_sync_send(sp[0], HULL_SYNC_PTY, NULL), 0);
  assert_int_equal(hull_sync_expect_fd(sp[1], HULL_SYNC_PTY, &out, "exec", &err), -1);
  assert_int_equal(out, -1);
  assert_non_null(strstr(err->msg, "carries no fd"));
  hull_err_free(&err);
  close(fd);
  close(sp[0]);
  close(sp[1]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(fds_and_payload_arrive),
      cmocka_unit_test(no_fds_is_a_plain_message),
      cmocka_unit_test(extra_fds_are_closed),
      cmocka_unit_test(errors_leave_no_fd),
      cmocka_unit_test(single_fd_receiver),
      cmocka_unit_test(error_behind_a_reset),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
