/* Pure conversions between OCI resource values and cgroup file values,
 * following runc so a config means the same under hull and runc. */
#include "cgroup/internal.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

/* runc's current formula: a quadratic in log2(shares) through the points
 * (2 -> 1), (1024 -> 100), (262144 -> 10000), so the default share maps
 * to the default weight and the ends of both ranges meet. */
uint64_t hull_cg_shares_to_weight(uint64_t shares) {
  if (shares == 0) return 0;
  if (shares <= 2) return 1;
  if (shares >= 262144) return 10000;
  double l = log2((double)shares);
  double exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
  return (uint64_t)ceil(pow(10, exponent));
}

/* blkio weight [10, 1000] onto io.weight [1, 10000], linearly (runc). */
uint64_t hull_cg_blkio_to_io_weight(uint16_t weight) {
  if (weight == 0) return 0;
  if (weight < 10) weight = 10;
  return 1 + ((uint64_t)weight - 10) * 9999 / 990;
}

int hull_cg_swap_v2(int64_t swap, int64_t limit, int64_t *out, struct hull_err **err) {
  /* Unlimited memory with swap unset means both unlimited, as on v1. */
  if (limit == -1 && swap == 0) {
    *out = -1;
    return 0;
  }
  if (swap == -1 || swap == 0) {
    *out = swap;
    return 0;
  }
  if (limit == 0 || limit == -1)
    return hull_err_set(err, EINVAL, "linux.resources.memory.swap: cannot set a swap limit without a memory limit");
  if (limit < 0)
    return hull_err_set(err, EINVAL, "linux.resources.memory.limit: invalid value %" PRId64, limit);
  if (swap < limit)
    return hull_err_set(err, EINVAL,
                        "linux.resources.memory.swap: memory+swap limit %" PRId64
                        " must be >= memory limit %" PRId64, swap, limit);
  *out = swap - limit;
  return 0;
}

bool hull_cg_cpu_max(bool has_quota, int64_t quota, bool has_period, uint64_t period,
                     char *buf, size_t size) {
  if (!has_quota) quota = 0;
  if (!has_period) period = 0;
  if (quota == 0 && period == 0) return false;
  if (period == 0) period = 100000;
  if (quota > 0)
    snprintf(buf, size, "%" PRId64 " %" PRIu64, quota, period);
  else
    snprintf(buf, size, "max %" PRIu64, period);
  return true;
}

void hull_cg_fmt_limit(int64_t v, char *buf, size_t size) {
  if (v < 0)
    snprintf(buf, size, "max");
  else
    snprintf(buf, size, "%" PRId64, v);
}

bool hull_cg_valid_pagesize(const char *s) {
  size_t i = 0;
  while (s[i] >= '0' && s[i] <= '9') i++;
  if (i == 0) return false;
  return !strcmp(s + i, "KB") || !strcmp(s + i, "MB") || !strcmp(s + i, "GB");
}
