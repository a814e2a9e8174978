/* Signal names as kill(1) and runc accept them. Pure. */
#include "runtime/runtime.h"

#include <ctype.h>
#include <signal.h>
#include <string.h>
#include <strings.h>

static const struct {
  const char *name;
  int sig;
} signals[] = {
    {"HUP", SIGHUP},     {"INT", SIGINT},       {"QUIT", SIGQUIT},   {"ILL", SIGILL},
    {"TRAP", SIGTRAP},   {"ABRT", SIGABRT},     {"IOT", SIGIOT},     {"BUS", SIGBUS},
    {"FPE", SIGFPE},     {"KILL", SIGKILL},     {"USR1", SIGUSR1},   {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},   {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},   {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},   {"CONT", SIGCONT},   {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP},   {"TTIN", SIGTTIN},     {"TTOU", SIGTTOU},   {"URG", SIGURG},
    {"XCPU", SIGXCPU},   {"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
    {"WINCH", SIGWINCH}, {"IO", SIGIO},         {"POLL", SIGPOLL},   {"PWR", SIGPWR},
    {"SYS", SIGSYS},
};

/* RTMIN, RTMIN+N, RTMAX-N. */
static int parse_rt(const char *s) {
  int base, sign = 0;
  const char *rest;
  if (strncasecmp(s, "RTMIN", 5) == 0) {
    base = SIGRTMIN;
    rest = s + 5;
  } else if (strncasecmp(s, "RTMAX", 5) == 0) {
    base = SIGRTMAX;
    rest = s + 5;
  } else {
    return -1;
  }
  if (*rest == '\0') return base;
  if (*rest == '+') sign = 1;
  else if (*rest == '-') sign = -1;
  else return -1;
  int64_t off;
  if (hull_parse_int64(rest + 1, &off) < 0 || off < 0 || off > 64) return -1;
  int sig = base + sign * (int)off;
  return sig >= SIGRTMIN && sig <= SIGRTMAX ? sig : -1;
}

int hull_signal_parse(const char *s) {
  if (s == NULL || *s == '\0') return -1;
  if (isdigit((unsigned char)s[0])) {
    int64_t v;
    /* 0 only checks the init is alive, as kill(2) and runc's kill do. */
    if (hull_parse_int64(s, &v) < 0 || v < 0 || v > SIGRTMAX) return -1;
    return (int)v;
  }
  if (strncasecmp(s, "SIG", 3) == 0) s += 3;
  for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
    if (strcasecmp(s, signals[i].name) == 0) return signals[i].sig;
  return parse_rt(s);
}

const char *hull_signal_name(int sig) {
  static const char *const full[] = {
      [SIGHUP] = "SIGHUP",   [SIGINT] = "SIGINT",     [SIGQUIT] = "SIGQUIT",
      [SIGILL] = "SIGILL",   [SIGTRAP] = "SIGTRAP",   [SIGABRT] = "SIGABRT",
      [SIGBUS] = "SIGBUS",   [SIGFPE] = "SIGFPE",     [SIGKILL] = "SIGKILL",
      [SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV",   [SIGUSR2] = "SIGUSR2",
      [SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM",   [SIGTERM] = "SIGTERM",
      [SIGSTKFLT] = "SIGSTKFLT", [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT",
      [SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP",   [SIGTTIN] = "SIGTTIN",
      [SIGTTOU] = "SIGTTOU", [SIGURG] = "SIGURG",     [SIGXCPU] = "SIGXCPU",
      [SIGXFSZ] = "SIGXFSZ", [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
      [SIGWINCH] = "SIGWINCH", [SIGIO] = "SIGIO",     [SIGPWR] = "SIGPWR",
      [SIGSYS] = "SIGSYS",
  };
  if (sig <= 0 || (size_t)sig >= sizeof(full) / sizeof(full[0])) return NULL;
  return full[sig];
}
