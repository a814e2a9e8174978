/* util: errors, logging, cleanup helpers, fd and file helpers, strings. */
#ifndef HULL_UTIL_H
#define HULL_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>
#include <stdlib.h>
#include <unistd.h>

/* ---- errors ------------------------------------------------------------
 * A fallible function returns -1 (or NULL) and fills *err. Callers add
 * context with hull_err_prefix() and pass it up; main prints it once. */
struct hull_err {
  int errnum;  /* errno value, 0 when the error is not from a syscall */
  char *msg;   /* full message, context first: "mount /proc: No such file" */
};

/* Sets *err (if err is non-NULL and *err still empty); errnum's text is
 * appended as ": strerror" when errnum != 0. Always returns -1. */
int hull_err_set(struct hull_err **err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Same as hull_err_set with errnum = errno. */
int hull_err_sys(struct hull_err **err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prepends "context: " to an existing error. Returns -1. */
int hull_err_prefix(struct hull_err **err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void hull_err_free(struct hull_err **err);
/* Moves *src into *dst (dst NULL: nowhere) unless *dst holds an error
 * already: the first one is what gets reported, as with hull_err_set, so
 * a cleanup that goes on after a failure keeps it. *src is empty after.
 * Returns -1 when *src held an error, 0 when it was empty. */
int hull_err_move(struct hull_err **dst, struct hull_err **src);
#if defined(__clang_analyzer__) && !defined(HULL_ERR_IMPL)
/* The static analyzer (make lint) checks one file at a time: without this
 * it does not know these return -1 and follows error paths as successes
 * (dozens of false "garbage value" reports). Analysis only. */
#define hull_err_set(...) (hull_err_set(__VA_ARGS__), -1)
#define hull_err_sys(...) (hull_err_sys(__VA_ARGS__), -1)
#define hull_err_prefix(...) (hull_err_prefix(__VA_ARGS__), -1)
#endif

/* ---- cleanup helpers --------------------------------------------------- */
void hull_freep(void *p);
void hull_closep(int *fd);
void hull_fclosep(FILE **f);
void hull_strvfreep(char ***v);
#define _cleanup_free_ __attribute__((cleanup(hull_freep)))
#define _cleanup_close_ __attribute__((cleanup(hull_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(hull_fclosep)))
#define _cleanup_strv_ __attribute__((cleanup(hull_strvfreep)))
#define _cleanup_err_ __attribute__((cleanup(hull_err_free)))

/* Moves ownership out of a cleanup variable. */
static inline void *hull_steal_ptr(void *pp) {
  void **p = pp;
  void *v = *p;
  *p = NULL;
  return v;
}
static inline int hull_steal_fd(int *fd) {
  int v = *fd;
  *fd = -1;
  return v;
}

/* send(2) of all LEN bytes of DATA on a stream socket, retried on EINTR
 * and short sends, never raising SIGPIPE (a peer gone is EPIPE): 0, or -1
 * with errno. */
int hull_send_all(int sock, const void *data, size_t len);
/* sendmsg of LEN bytes of DATA with FD attached (SCM_RIGHTS), retried on
 * EINTR, never raising SIGPIPE: bytes sent, or -1 with errno. */
ssize_t hull_send_with_fd(int sock, const void *data, size_t len, int fd);
/* The same with N fds (0..HULL_MAX_PASS_FDS; none: a plain message). */
#define HULL_MAX_PASS_FDS 32
ssize_t hull_send_with_fds(int sock, const void *data, size_t len, const int *fds, size_t n);

/* A connected AF_UNIX stream socket to path (close-on-exec; connect
 * retried on EINTR). Errors start with what (a flag, a config field,
 * "D-Bus") and name the path: "--console-socket: connect /x: ...". */
int hull_unix_connect(const char *path, const char *what, struct hull_err **err);

/* ---- time -------------------------------------------------------------- */
/* CLOCK_MONOTONIC in milliseconds: for deadlines, never for dates. */
int64_t hull_now_ms(void);
/* Milliseconds left until deadline (a hull_now_ms() value), 0 once it has
 * passed, at most INT_MAX: a poll(2) timeout. */
int hull_ms_until(int64_t deadline);
/* Sleeps ms milliseconds, the whole of them even across signals. */
void hull_sleep_ms(long ms);

/* ---- logging ----------------------------------------------------------- */
enum hull_log_level { HULL_LOG_ERROR, HULL_LOG_WARN, HULL_LOG_INFO, HULL_LOG_DEBUG };
enum hull_log_format { HULL_LOG_TEXT, HULL_LOG_JSON };

/* path NULL: stderr. Fails when the log file cannot be opened. */
int hull_log_init(const char *path, enum hull_log_format format, bool debug,
                  struct hull_err **err);
void hull_log_close(void);
void hull_log(enum hull_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The fd logs go to (for children that must keep logging), -1 for stderr. */
int hull_log_fd(void);
#define hull_error(...) hull_log(HULL_LOG_ERROR, __VA_ARGS__)
#define hull_warn(...) hull_log(HULL_LOG_WARN, __VA_ARGS__)
#define hull_info(...) hull_log(HULL_LOG_INFO, __VA_ARGS__)
#define hull_debug(...) hull_log(HULL_LOG_DEBUG, __VA_ARGS__)

/* Formats a log line into buf (no trailing newline). Pure; unit-tested. */
size_t hull_log_format_line(char *buf, size_t size, enum hull_log_format format,
                            enum hull_log_level level, const char *msg,
                            const struct timespec *when);
/* Escapes s as a JSON string body (without quotes) into buf. */
size_t hull_json_escape(char *buf, size_t size, const char *s);
/* RFC 3339 UTC time with nanoseconds: 2026-12-02T18:23:10.123456789Z */
void hull_format_time(char *buf, size_t size, const struct timespec *ts);
/* The name of uid in passwd-format text (/etc/passwd), malloc'd; NULL
 * when no well-formed line has it. Pure; unit-tested. */
char *hull_passwd_name(const char *text, uid_t uid);

/* ---- memory and strings ------------------------------------------------ */
/* The x-allocators abort on exhaustion: never NULL (hull_xstrdup(NULL)
 * excepted), which the compiler and the static analyzers are told. */
void *hull_xmalloc(size_t n) __attribute__((returns_nonnull, malloc));
void *hull_xcalloc(size_t n, size_t size) __attribute__((returns_nonnull, malloc));
void *hull_xrealloc(void *p, size_t n) __attribute__((returns_nonnull));
char *hull_xstrdup(const char *s);
char *hull_xstrndup(const char *s, size_t n) __attribute__((returns_nonnull, malloc, nonnull));
char *hull_xasprintf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), returns_nonnull, malloc));
size_t hull_strv_len(char *const *v);
void hull_strv_free(char **v);
/* Appends a copy of s to a NULL-terminated vector, growing it. */
void hull_strv_append(char ***v, const char *s);
bool hull_str_has_prefix(const char *s, const char *prefix);
/* Strict decimal parsing: the whole string, no sign games, range checked. */
int hull_parse_int64(const char *s, int64_t *out);
int hull_parse_uint64(const char *s, uint64_t *out);

/* Lexically cleans path as if it were rooted: no leading '/', no "." or
 * empty components, ".." never above the root; "" is the root itself.
 * Pure: "/a/./b/../c" -> "a/c", "../../etc" -> "etc". */
char *hull_path_clean(const char *path);

/* ---- files and fds ----------------------------------------------------- */
/* Reads a whole file (NUL-terminated; *len gets the length if non-NULL). */
char *hull_read_file(const char *path, size_t *len, struct hull_err **err);
char *hull_read_fd(int fd, size_t *len, struct hull_err **err);
/* Writes data to path via a temp file + rename in the same directory. */
int hull_write_file_atomic(const char *path, const void *data, size_t len,
                           mode_t mode, struct hull_err **err);
/* write(2) until done, retrying on EINTR. */
int hull_write_all(int fd, const void *data, size_t len);
/* Writes a small string to an existing file (cgroupfs, procfs). */
int hull_write_string(const char *path, const char *s, struct hull_err **err);
int hull_write_string_at(int dirfd, const char *name, const char *s,
                         struct hull_err **err);
/* mkdir -p with the given mode; existing directories are fine. */
int hull_mkdir_p(const char *path, mode_t mode, struct hull_err **err);
/* rm -r of name under parent without following symlinks, with a bounded
 * number of open fds however deep the tree (a container writes an overlay
 * upper layer: depth and modes are its choice). ENOENT is success. */
int hull_remove_tree(int parent, const char *name, struct hull_err **err);
/* Closes every fd >= from except those in keep[0..nkeep). */
void hull_close_fds_from(int from, const int *keep, size_t nkeep);
/* Marks every fd >= from close-on-exec. */
int hull_cloexec_fds_from(int from);

#endif
