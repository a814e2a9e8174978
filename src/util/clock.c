/* Monotonic milliseconds for bounded waits (a D-Bus reply, a cgroup
 * freeze): a wall clock set back or forward while we wait must neither
 * stretch nor cut the bound. */
#include "util/util.h"

#include <errno.h>
#include <limits.h>

int64_t hull_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int hull_ms_until(int64_t deadline) {
  int64_t left = deadline - hull_now_ms();
  if (left <= 0) return 0;
  return left > INT_MAX ? INT_MAX : (int)left;
}

void hull_sleep_ms(long ms) {
  struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
  /* A signal cuts the sleep short: sleep the rest, as the callers count
   * on the time having passed (retry budgets, poll intervals). */
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
  }
}
