/* Error values: errno + message, with context prepended by callers. */
#define HULL_ERR_IMPL /* the definitions below, not util.h's analyzer macros */
#include "util/util.h"

#include <errno.h>
#include <string.h>

__attribute__((format(printf, 1, 0)))
static char *vformat(const char *fmt, va_list ap) {
  char *s = NULL;
  if (vasprintf(&s, fmt, ap) < 0) abort();
  return s;
}

__attribute__((format(printf, 3, 0)))
static int err_setv(struct hull_err **err, int errnum, const char *fmt, va_list ap) {
  if (err == NULL || *err != NULL) return -1; /* keep the first, deepest error */
  char *base = vformat(fmt, ap);
  struct hull_err *e = hull_xcalloc(1, sizeof(*e));
  e->errnum = errnum;
  if (errnum != 0) {
    e->msg = hull_xasprintf("%s: %s", base, strerror(errnum));
    free(base);
  } else {
    e->msg = base;
  }
  *err = e;
  return -1;
}

int hull_err_set(struct hull_err **err, int errnum, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  err_setv(err, errnum, fmt, ap);
  va_end(ap);
  return -1;
}

int hull_err_sys(struct hull_err **err, const char *fmt, ...) {
  int saved = errno;
  va_list ap;
  va_start(ap, fmt);
  err_setv(err, saved, fmt, ap);
  va_end(ap);
  errno = saved;
  return -1;
}

int hull_err_prefix(struct hull_err **err, const char *fmt, ...) {
  if (err == NULL || *err == NULL) return -1;
  va_list ap;
  va_start(ap, fmt);
  char *ctx = vformat(fmt, ap);
  va_end(ap);
  char *msg = hull_xasprintf("%s: %s", ctx, (*err)->msg);
  free(ctx);
  free((*err)->msg);
  (*err)->msg = msg;
  return -1;
}

int hull_err_move(struct hull_err **dst, struct hull_err **src) {
  if (*src == NULL) return 0;
  if (dst != NULL && *dst == NULL) *dst = hull_steal_ptr(src);
  else hull_err_free(src);
  return -1;
}

void hull_err_free(struct hull_err **err) {
  if (err == NULL || *err == NULL) return;
  free((*err)->msg);
  free(*err);
  *err = NULL;
}
