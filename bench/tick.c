/* tick: times one command (or N copies of it run at once) with the least
 * overhead a harness can add: posix_spawn, wait4, CLOCK_MONOTONIC. Appends
 * one line to the output file:
 *
 *   LABEL WALL_NS MAX_RSS_KB STATUS CPU_US
 *
 * WALL_NS spans from just before the first spawn to the last child's exit.
 * MAX_RSS_KB is the largest ru_maxrss that wait4 reports for a child: the
 * runtime process or any of its own children it waited for (the same number
 * `/usr/bin/time -v` prints). STATUS is 0 when every copy exited 0, else the
 * first failing copy's exit code (128+signal when killed). CPU_US is the
 * user+system CPU time of the children and the descendants they waited for
 * (summed over copies): work done, less sensitive than wall time to other
 * load on the machine, blind to processes left running (a created
 * container's init).
 *
 * usage: tick -o FILE -l LABEL [-p N] -- CMD [ARG...]
 *   -p N  run N copies concurrently; "{}" inside an argument becomes the
 *         copy's index (0..N-1), so each copy gets its own bundle and id.
 * tick exits with STATUS, so the caller can tell a failed run apart.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Returns a copy of ARG with every "{}" replaced by INDEX. */
static char *subst(const char *arg, int index) {
  char num[16];
  int nlen = snprintf(num, sizeof num, "%d", index);
  size_t n = 0;
  for (const char *p = arg; (p = strstr(p, "{}")); p += 2)
    n++;
  char *out = malloc(strlen(arg) + n * (size_t)nlen + 1);
  if (!out)
    return NULL;
  char *w = out;
  for (const char *p = arg; *p;) {
    if (p[0] == '{' && p[1] == '}') {
      memcpy(w, num, (size_t)nlen);
      w += nlen;
      p += 2;
    } else {
      *w++ = *p++;
    }
  }
  *w = '\0';
  return out;
}

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int status_code(int st) {
  return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

/* Spawns copy INDEX of CMD; returns its pid or -1. */
static pid_t spawn_copy(int argc, char **cmd, int index, int substitute) {
  char **argv = calloc((size_t)argc + 1, sizeof(char *));
  if (!argv)
    return -1;
  for (int i = 0; i < argc; i++)
    argv[i] = substitute ? subst(cmd[i], index) : cmd[i];
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
  if (substitute)
    for (int i = 0; i < argc; i++)
      free(argv[i]);
  free(argv);
  if (rc != 0) {
    fprintf(stderr, "tick: spawn %s: %s\n", cmd[0], strerror(rc));
    return -1;
  }
  return pid;
}

int main(int argc, char **argv) {
  const char *out = NULL, *label = "-";
  int copies = 1, opt;
  while ((opt = getopt(argc, argv, "+o:l:p:")) != -1) {
    switch (opt) {
    case 'o': out = optarg; break;
    case 'l': label = optarg; break;
    case 'p': copies = atoi(optarg); break;
    default: return 2;
    }
  }
  if (!out || optind >= argc || copies < 1) {
    fprintf(stderr, "usage: tick -o FILE -l LABEL [-p N] -- CMD [ARG...]\n");
    return 2;
  }
  FILE *f = fopen(out, "ae");
  if (!f) {
    fprintf(stderr, "tick: %s: %s\n", out, strerror(errno));
    return 2;
  }
  int cmdc = argc - optind, result = 0, running = 0;
  long maxrss = 0;
  long long cpu_us = 0;
  long long t0 = now_ns();
  for (int i = 0; i < copies; i++) {
    if (spawn_copy(cmdc, argv + optind, i, copies > 1) < 0) {
      result = 127;
      break;
    }
    running++;
  }
  while (running > 0) {
    int st;
    struct rusage ru;
    if (wait4(-1, &st, 0, &ru) < 0) {
      if (errno == EINTR)
        continue;
      perror("tick: wait4");
      return 2;
    }
    running--;
    if (ru.ru_maxrss > maxrss)
      maxrss = ru.ru_maxrss;
    cpu_us += (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL +
              ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
    if (result == 0 && status_code(st) != 0)
      result = status_code(st);
  }
  long long t1 = now_ns();
  fprintf(f, "%s %lld %ld %d %lld\n", label, t1 - t0, maxrss, result, cpu_us);
  fclose(f);
  return result;
}
