/* Pure parsing and decisions of the lifecycle: --user, ids, status, and
 * /proc/<pid>/stat. No syscalls here, so cmocka covers all of it. */
#include "runtime/runtime.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

/* Strict: digits only (no sign, no spaces), fits in 32 bits. */
static int parse_u32(const char *s, size_t len, uint32_t *out) {
  if (len == 0 || len > 10) return -1;
  uint64_t v = 0;
  for (size_t i = 0; i < len; i++) {
    if (!isdigit((unsigned char)s[i])) return -1;
    v = v * 10 + (uint64_t)(s[i] - '0');
  }
  if (v > UINT32_MAX) return -1;
  *out = (uint32_t)v;
  return 0;
}

int hull_user_parse(const char *s, uint32_t *uid, uint32_t *gid, bool *has_gid) {
  if (s == NULL) return -1;
  const char *colon = strchr(s, ':');
  *has_gid = false;
  if (colon == NULL) return parse_u32(s, strlen(s), uid);
  if (parse_u32(s, (size_t)(colon - s), uid) < 0) return -1;
  if (parse_u32(colon + 1, strlen(colon + 1), gid) < 0) return -1;
  *has_gid = true;
  return 0;
}

bool hull_id_valid(const char *id) {
  size_t n = id ? strlen(id) : 0;
  if (n == 0 || n > 1024) return false;
  if (!isalnum((unsigned char)id[0])) return false;
  for (size_t i = 1; i < n; i++) {
    unsigned char c = (unsigned char)id[i];
    if (!isalnum(c) && c != '_' && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

const char *hull_status_name(enum hull_status s) {
  switch (s) {
  case HULL_STATUS_CREATING: return "creating";
  case HULL_STATUS_CREATED: return "created";
  case HULL_STATUS_RUNNING: return "running";
  case HULL_STATUS_PAUSED: return "paused";
  case HULL_STATUS_STOPPED: return "stopped";
  }
  return "unknown";
}

enum hull_status hull_status_decide(bool recorded_creating, bool alive, bool fifo,
                                    bool frozen) {
  if (!alive) return recorded_creating ? HULL_STATUS_CREATING : HULL_STATUS_STOPPED;
  if (recorded_creating) return HULL_STATUS_CREATING;
  if (frozen) return HULL_STATUS_PAUSED;
  return fifo ? HULL_STATUS_CREATED : HULL_STATUS_RUNNING;
}

/* "pid (comm) S ppid ...": comm may hold spaces and parens, so fields are
 * counted from the last ')'. starttime is field 22 overall, i.e. the 20th
 * after the comm. */
/* Field `want` (1-based, as proc(5) counts) of /proc/<pid>/stat text: its
 * start and length. The name (field 2) may hold spaces and parentheses:
 * counting starts after its last ')'. */
static int stat_field(const char *text, int want, const char **start, size_t *len) {
  const char *p = text ? strrchr(text, ')') : NULL;
  if (p == NULL || want < 3) return -1;
  p++;
  int field = 2;
  while (*p) {
    while (*p == ' ') p++;
    if (*p == '\0') break;
    field++;
    const char *end = p;
    while (*end && *end != ' ' && *end != '\n') end++;
    if (field == want) {
      *start = p;
      *len = (size_t)(end - p);
      return 0;
    }
    p = *end ? end + 1 : end;
  }
  return -1;
}

static int stat_uint64(const char *text, int want, uint64_t *v) {
  const char *p;
  size_t len;
  char buf[32];
  if (stat_field(text, want, &p, &len) < 0 || len == 0 || len >= sizeof(buf)) return -1;
  memcpy(buf, p, len);
  buf[len] = '\0';
  return hull_parse_uint64(buf, v);
}

int hull_proc_stat_parse(const char *text, char *state, uint64_t *start_time) {
  const char *p;
  size_t len;
  if (stat_field(text, 3, &p, &len) < 0 || len != 1) return -1;
  *state = *p;
  return stat_uint64(text, 22, start_time);
}

int hull_proc_stat_cpu(const char *text, int *cpu) {
  uint64_t v;
  if (stat_uint64(text, 39, &v) < 0 || v > INT_MAX) return -1;
  *cpu = (int)v;
  return 0;
}

int hull_loadavg_running(const char *text) {
  /* "0.52 0.38 0.31 2/345 6789": the 4th field, before the slash */
  const char *p = text;
  for (int i = 0; i < 3 && p; i++) {
    p = strchr(p, ' ');
    if (p) p++;
  }
  if (p == NULL || !isdigit((unsigned char)*p)) return -1;
  const char *slash = strchr(p, '/');
  if (slash == NULL || slash - p > 9) return -1;
  int n = 0;
  for (; p < slash; p++) {
    if (!isdigit((unsigned char)*p)) return -1;
    n = n * 10 + (*p - '0');
  }
  return n;
}

int hull_init_wanted(const char *annotation, bool flag, bool *on, struct hull_err **err) {
  *on = flag;
  if (annotation == NULL) return 0;
  if (strcmp(annotation, "true") == 0) *on = true; /* --init wins over "false" */
  else if (strcmp(annotation, "false") != 0)
    return hull_err_set(err, EINVAL,
                        "annotation %s: expected \"true\" or \"false\", got \"%s\"",
                        HULL_ANNOTATION_INIT, annotation);
  return 0;
}

int hull_bytes_parse(const char *s, int64_t *out) {
  if (strcmp(s, "-1") == 0) return *out = -1, 0;
  const char *p = s;
  uint64_t whole = 0;
  if (!isdigit((unsigned char)*p)) return -1;
  for (; isdigit((unsigned char)*p); p++) {
    if (whole > (UINT64_MAX - 9) / 10) return -1;
    whole = whole * 10 + (uint64_t)(*p - '0');
  }
  /* The fraction, to 9 digits (more cannot matter below 2^63 bytes). */
  uint64_t frac = 0, scale = 1;
  if (*p == '.') {
    if (!isdigit((unsigned char)p[1])) return -1;
    for (p++; isdigit((unsigned char)*p); p++)
      if (scale < 1000000000ULL) frac = frac * 10 + (uint64_t)(*p - '0'), scale *= 10;
  }
  if (*p == ' ') p++;
  static const char units[] = "kmgtp";
  uint64_t mult = 1;
  const char *u = *p ? strchr(units, tolower((unsigned char)*p)) : NULL;
  if (u) {
    for (const char *q = units; q <= u; q++) mult *= 1024;
    p++;
  }
  if (u && (*p == 'i' || *p == 'I')) p++;
  if (*p == 'b' || *p == 'B') p++;
  if (*p) return -1;
  if (whole > (uint64_t)INT64_MAX / mult) return -1;
  uint64_t v = whole * mult + (uint64_t)((long double)frac * (long double)mult / (long double)scale);
  if (v > (uint64_t)INT64_MAX) return -1;
  *out = (int64_t)v;
  return 0;
}

/* The unit at *p (longest first: "ms" before "m"); advances *p. */
static uint64_t duration_unit(const char **p) {
  static const struct { const char *name; uint64_t ns; } units[] = {
      {"ns", 1}, {"us", 1000}, {"\xc2\xb5s", 1000}, {"\xce\xbcs", 1000}, {"ms", 1000000},
      {"s", 1000000000ULL}, {"m", 60000000000ULL}, {"h", 3600000000000ULL}};
  for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
    size_t n = strlen(units[i].name);
    if (strncmp(*p, units[i].name, n) == 0) {
      *p += n;
      return units[i].ns;
    }
  }
  return 0;
}

int hull_duration_parse(const char *s, uint64_t *ns) {
  long double total = 0;
  const char *p = s;
  bool bare = true;
  do {
    char *end;
    if (!isdigit((unsigned char)*p) && *p != '.') return -1;
    long double v = strtold(p, &end);
    if (end == p || (*end == '.' )) return -1;
    for (const char *q = p; q < end; q++)
      if (!isdigit((unsigned char)*q) && *q != '.') return -1; /* no exponents, signs, hex */
    p = end;
    uint64_t unit = duration_unit(&p);
    if (unit == 0) {
      if (*p || !bare) return -1;
      unit = 1000000000ULL; /* hull: a bare number is seconds */
    }
    bare = false;
    total += v * (long double)unit;
  } while (*p);
  if (total < 1 || total > (long double)INT64_MAX) return -1;
  *ns = (uint64_t)total;
  return 0;
}
