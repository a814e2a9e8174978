/* Logging: text to stderr, or text/JSON lines to --log (containerd reads the
 * last {"level":"error"} line of log.json and shows it to users). */
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

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

/* --log /dev/stderr (runc's default spelled out): one copy is enough. */
static bool log_is_stderr(void) {
  struct stat a, b;
  return log_fd >= 0 && fstat(log_fd, &a) == 0 && fstat(STDERR_FILENO, &b) == 0 &&
         a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
 * civil_from_days). Done by hand because glibc's gmtime_r loads the local
 * timezone (/etc/localtime) on first use, a few syscalls on every create
 * for a UTC string. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

void hull_format_time(char *buf, size_t size, const struct timespec *ts) {
  int64_t t = ts->tv_sec, days = t / 86400, rem = t % 86400;
  if (rem < 0) {
    rem += 86400;
    days--;
  }
  int64_t y;
  unsigned mo, d;
  civil_from_days(days, &y, &mo, &d);
  snprintf(buf, size, "%04lld-%02u-%02uT%02u:%02u:%02u.%09ldZ", (long long)y, mo, d,
           (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60), (unsigned)(rem % 60),
           (long)ts->tv_nsec);
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
  /* Text lines quote msg as logrus does (\" \\ \n escaped): a quote in the
   * message must not end the field for a logfmt reader. */
  char esc[4096];
  hull_json_escape(esc, sizeof(esc), msg);
  if (format == HULL_LOG_TEXT)
    return (size_t)snprintf(buf, size, "time=\"%s\" level=%s msg=\"%s\"", ts,
                            level_names[level], esc);
  return (size_t)snprintf(buf, size, "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}",
                          level_names[level], esc, ts);
}

void hull_log(enum hull_log_level level, const char *fmt, ...) {
  if (level == HULL_LOG_DEBUG && !log_debug) return;
  int saved = errno;
  char msg[3072];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized): va_start above (clang 14 false positive)
  va_end(ap);
  char line[8192];
  /* An error also goes to stderr when the log is a file, as runc does:
   * containerd (go-runc) and podman put the runtime's stderr in their
   * errors and match words there ("container not running", "does not
   * exist"). */
  if (log_fd < 0 || (level == HULL_LOG_ERROR && !log_is_stderr())) {
    /* Plain stderr: what a person at a shell wants to read. */
    int n = snprintf(line, sizeof(line), "hull: %s%s\n",
                     level == HULL_LOG_ERROR ? "" : level == HULL_LOG_WARN ? "warning: " : "",
                     msg);
    hull_write_all(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
  }
  if (log_fd >= 0) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    size_t n = hull_log_format_line(line, sizeof(line) - 1, log_format, level, msg, &now);
    if (n > sizeof(line) - 2) n = sizeof(line) - 2;
    line[n++] = '\n';
    hull_write_all(log_fd, line, n);
  }
  errno = saved;
}

char *hull_passwd_name(const char *text, uid_t uid) {
  for (const char *l = text; l && *l;) {
    const char *nl = strchr(l, '\n');
    size_t len = nl ? (size_t)(nl - l) : strlen(l);
    /* name:passwd:uid:...; no comments nor NIS +/- entries */
    const char *c1 = memchr(l, ':', len);
    const char *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - l)) : NULL;
    const char *c3 = c2 ? memchr(c2 + 1, ':', len - (size_t)(c2 + 1 - l)) : NULL;
    if (c3 && c1 > l && c3 > c2 + 1 && l[0] != '+' && l[0] != '-' && l[0] != '#') {
      char num[24];
      size_t nlen = (size_t)(c3 - c2 - 1);
      uint64_t v;
      if (nlen < sizeof(num)) {
        memcpy(num, c2 + 1, nlen);
        num[nlen] = '\0';
        if (hull_parse_uint64(num, &v) == 0 && v == (uint64_t)uid) {
          char *name = hull_xmalloc((size_t)(c1 - l) + 1);
          memcpy(name, l, (size_t)(c1 - l));
          name[c1 - l] = '\0';
          return name;
        }
      }
    }
    l = nl ? nl + 1 : NULL;
  }
  return NULL;
}
