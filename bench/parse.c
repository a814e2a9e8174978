/* bench: time to parse and validate one config.json (default: a config with a
 * Docker-default-style seccomp profile, one rule per syscall). Prints the
 * mean and best time per parse. Usage: bench-parse [FILE] [ITERATIONS] */
#include "spec/spec.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : "bench/parse-docker-default.json";
  long iters = argc > 2 ? atol(argv[2]) : 2000;
  if (iters <= 0) iters = 1;
  struct hull_err *err = NULL;
  size_t len = 0;
  char *text = hull_read_file(path, &len, &err);
  if (text == NULL) {
    fprintf(stderr, "bench-parse: %s\n", err->msg);
    hull_err_free(&err);
    return 1;
  }
  struct hull_spec *s = hull_spec_parse(text, len, &err);
  if (s == NULL) {
    fprintf(stderr, "bench-parse: %s\n", err->msg);
    hull_err_free(&err);
    free(text);
    return 1;
  }
  size_t rules = s->linux_.seccomp.n_syscalls, names = 0;
  for (size_t i = 0; i < rules; i++) names += hull_strv_len(s->linux_.seccomp.syscalls[i].names);
  hull_spec_free(s);
  double best = 1e18, start = now_us();
  for (long i = 0; i < iters; i++) {
    double t0 = now_us();
    s = hull_spec_parse(text, len, &err);
    if (s == NULL) return 1;
    hull_spec_free(s);
    double dt = now_us() - t0;
    if (dt < best) best = dt;
  }
  double mean = (now_us() - start) / (double)iters;
  printf("parse %s: %zu bytes, %zu seccomp rules (%zu syscall names)\n", path, len, rules, names);
  printf("parse: %ld iterations, mean %.1f us/parse, best %.1f us/parse\n", iters, mean, best);
  free(text);
  return 0;
}
