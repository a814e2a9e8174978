/* events: resource stats of a container, once (--stats) or every
 * --interval, plus an "oom" line whenever the OOM killer struck. */
#include "cli/ctx.h"

#include <time.h>

static bool stats;
static const char *interval;

static const struct hull_opt *options(void) {
  static const struct hull_opt table[] = {
      {"stats", 0, HULL_OPT_BOOL, &stats, NULL, "print stats once and exit"},
      {"interval", 0, HULL_OPT_STRING, &interval, "DURATION", "stats interval, as Go writes durations: 5s, 500ms, 1m30s (default: 5s)"},
      {NULL, 0, 0, NULL, NULL, NULL}};
  return table;
}

static int run(struct hull_global *g, int argc, char **argv) {
  int pos;
  int r = hull_cmd_parse(&hull_cmd_events, options(), argc, argv, &pos);
  if (r) return r == 2 ? 0 : r;
  if (hull_cli_nargs(&hull_cmd_events, argc, pos, 1)) return 1;
  uint64_t ns = 5000000000ULL;
  if (interval && hull_duration_parse(interval, &ns) < 0) {
    hull_error("events: --interval: invalid duration \"%s\"", interval);
    return 1;
  }
  _cleanup_err_ struct hull_err *err = NULL;
  struct hull_runtime_ctx ctx = hull_cli_ctx(g);
  const char *id = argv[pos];
  uint64_t ooms = 0, now;
  bool have_oom = hull_container_oom_count(&ctx, id, &ooms, NULL) == 0;
  for (bool first = true;; first = false) {
    _cleanup_free_ char *line = hull_container_stats_json(&ctx, id, &err);
    /* An absent or stopped container is an error up front; one that stops
     * while we watch ends the stream normally. */
    if (line == NULL) return stats || first ? hull_cmd_fail(err) : (hull_err_free(&err), 0);
    printf("%s\n", line);
    fflush(stdout);
    if (stats) return 0;
    struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000ULL), .tv_nsec = (long)(ns % 1000000000ULL)};
    nanosleep(&ts, NULL);
    if (have_oom && hull_container_oom_count(&ctx, id, &now, NULL) == 0 && now > ooms) {
      printf("{\"type\":\"oom\",\"id\":\"%s\"}\n", id);
      fflush(stdout);
      ooms = now;
    }
  }
}

const struct hull_cmd hull_cmd_events = {"events", "display container events and stats",
                                         "[command options] <container-id>",
                                         "Prints {\"type\":\"stats\",\"id\":..,\"data\":{..}} lines, and "
                                         "{\"type\":\"oom\"} when the OOM killer strikes.", options, run};
