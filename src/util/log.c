/* Logging: text to stderr, or text/JSON lines to --log (containerd reads the
 * last {"level":"error"} line of log.json and shows it to users). */
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

static int log_fd = -1; /* -1: stderr */
static enum hull_log_format log_format = HULL_LOG_TEXT;
static bool log_debug = false;

static const char *const level_names[] = {"error", "warning", "info", "debug"};

int hull_log_init(const char *path, enum hull_log_format format, bool debug,
                  struct hull_err **err) {
  log_format = format;
  log_debug = debug;
  if (path == NULL || *path == '\0') return 0;
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return hull_err_sys(err, "open log file %s", path);
  if (log_fd >= 0) close(log_fd);
  log_fd = fd;
  return 0;
}

void hull_log_close(void) {
  if (log_fd >= 0) close(log_fd);
  log_fd = -1;
}

int hull_log_fd(void) { return log_fd; }

void hull_format_time(char *buf, size_t size, const struct timespec *ts) {
  struct tm tm;
  gmtime_r(&ts->tv_sec, &tm);
  size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, size - n, ".%09ldZ", (long)ts->tv_nsec);
}

size_t hull_json_escape(char *buf, size_t size, const char *s) {
  size_t o = 0;
#define PUT(c) do { if (o + 1 < size) buf[o] = (c); o++; } while (0)
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
    case '"': PUT('\\'); PUT('"'); break;
    case '\\': PUT('\\'); PUT('\\'); break;
    case '\n': PUT('\\'); PUT('n'); break;
    case '\r': PUT('\\'); PUT('r'); break;
    case '\t': PUT('\\'); PUT('t'); break;
    default:
      if (*p < 0x20) {
        char hex[7];
        snprintf(hex, sizeof(hex), "\\u%04x", *p);
        for (int i = 0; hex[i]; i++) PUT(hex[i]);
      } else {
        PUT((char)*p);
      }
    }
  }
#undef PUT
  if (size > 0) buf[o < size ? o : size - 1] = '\0';
  return o;
}

size_t hull_log_format_line(char *buf, size_t size, enum hull_log_format format,
                            enum hull_log_level level, const char *msg,
                            const struct timespec *when) {
  char ts[64];
  hull_format_time(ts, sizeof(ts), when);
  if (format == HULL_LOG_TEXT)
    return (size_t)snprintf(buf, size, "time=\"%s\" level=%s msg=\"%s\"", ts,
                            level_names[level], msg);
  char esc[4096];
  hull_json_escape(esc, sizeof(esc), msg);
  return (size_t)snprintf(buf, size, "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}",
                          level_names[level], esc, ts);
}

void hull_log(enum hull_log_level level, const char *fmt, ...) {
  if (level == HULL_LOG_DEBUG && !log_debug) return;
  int saved = errno;
  char msg[3072];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  char line[8192];
  if (log_fd < 0) {
    /* Plain stderr: what a person at a shell wants to read. */
    int n = snprintf(line, sizeof(line), "hull: %s%s\n",
                     level == HULL_LOG_ERROR ? "" : level == HULL_LOG_WARN ? "warning: " : "",
                     msg);
    hull_write_all(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
  } else {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    size_t n = hull_log_format_line(line, sizeof(line) - 1, log_format, level, msg, &now);
    if (n > sizeof(line) - 2) n = sizeof(line) - 2;
    line[n++] = '\n';
    hull_write_all(log_fd, line, n);
  }
  errno = saved;
}
