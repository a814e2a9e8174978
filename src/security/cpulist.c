/* Kernel list syntax ("0-3,7,9-11"), shared by execCPUAffinity (cpus) and
 * memoryPolicy (nodes). Pure. */
#include "security/security.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

static int parse_num(const char **p, unsigned long *out) {
  if (!isdigit((unsigned char)**p)) return -1;
  unsigned long v = 0;
  while (isdigit((unsigned char)**p)) {
    v = v * 10 + (unsigned long)(**p - '0');
    if (v > 1UL << 20) return -1;
    (*p)++;
  }
  *out = v;
  return 0;
}

int hull_parse_id_list(const char *s, unsigned long *mask, size_t nbits, struct hull_err **err) {
  memset(mask, 0, (nbits + 8 * sizeof(unsigned long) - 1) / (8 * sizeof(unsigned long)) *
                      sizeof(unsigned long));
  const char *p = s;
  if (s == NULL || *s == '\0') return hull_err_set(err, 0, "empty list");
  const size_t per = 8 * sizeof(unsigned long);
  for (;;) {
    unsigned long lo, hi;
    if (parse_num(&p, &lo) < 0) return hull_err_set(err, 0, "\"%s\": expected a number at offset %td", s, p - s);
    hi = lo;
    if (*p == '-') {
      p++;
      if (parse_num(&p, &hi) < 0) return hull_err_set(err, 0, "\"%s\": expected a number at offset %td", s, p - s);
      if (hi < lo) return hull_err_set(err, 0, "\"%s\": range %lu-%lu is backwards", s, lo, hi);
    }
    if (hi >= nbits) return hull_err_set(err, 0, "\"%s\": %lu is too large (max %zu)", s, hi, nbits - 1);
    for (unsigned long i = lo; i <= hi; i++) mask[i / per] |= 1UL << (i % per);
    if (*p == '\0') return 0;
    if (*p != ',') return hull_err_set(err, 0, "\"%s\": unexpected '%c' at offset %td", s, *p, p - s);
    p++;
  }
}
