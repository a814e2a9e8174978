/* Test driver for net/: calls hull_net_setup / hull_net_teardown /
 * hull_net_extra_mounts on a process the test started, with a config built
 * from the command line (no config.json parser needed):
 *   net-driver setup|teardown|mounts --id ID --root DIR --state DIR
 *              [--pid PID] [--net MODE] [--ann KEY=VALUE]... [--netdev HOST[:NAME]]...
 * Exit 0 on success; the error text on stderr otherwise. */
#include "net/net.h"

#include <getopt.h>
#include <string.h>

static void add_annotation(struct hull_spec *s, const char *kv) {
  const char *eq = strchr(kv, '=');
  s->annotations = hull_xrealloc(s->annotations, (s->n_annotations + 1) * sizeof(*s->annotations));
  struct hull_annotation *a = &s->annotations[s->n_annotations++];
  a->key = eq ? strndup(kv, (size_t)(eq - kv)) : hull_xstrdup(kv);
  a->value = hull_xstrdup(eq ? eq + 1 : "");
}

static void add_netdev(struct hull_spec *s, const char *arg) {
  struct hull_linux *l = &s->linux_;
  s->has_linux = true;
  l->net_devices = hull_xrealloc(l->net_devices, (l->n_net_devices + 1) * sizeof(*l->net_devices));
  struct hull_net_device *d = &l->net_devices[l->n_net_devices++];
  const char *colon = strchr(arg, ':');
  d->host_name = colon ? strndup(arg, (size_t)(colon - arg)) : hull_xstrdup(arg);
  d->name = colon ? hull_xstrdup(colon + 1) : NULL;
}

static void spec_freep(struct hull_spec **s) { hull_spec_free(*s); }

int main(int argc, char **argv) {
  static const struct option longopts[] = {
      {"id", required_argument, NULL, 'i'},    {"root", required_argument, NULL, 'r'},
      {"state", required_argument, NULL, 's'}, {"pid", required_argument, NULL, 'p'},
      {"net", required_argument, NULL, 'n'},   {"ann", required_argument, NULL, 'a'},
      {"netdev", required_argument, NULL, 'd'}, {NULL, 0, NULL, 0}};
  /* freed at exit, so the sanitizer run sees no leak of the driver's own */
  __attribute__((cleanup(spec_freep))) struct hull_spec *spec = hull_xcalloc(1, sizeof(*spec));
  struct hull_net_ctx ctx = {0};
  int c;
  while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
    switch (c) {
    case 'i': ctx.id = optarg; break;
    case 'r': ctx.state_root = optarg; break;
    case 's': ctx.state_dir = optarg; break;
    case 'p': ctx.pid = (pid_t)atoi(optarg); break;
    case 'n': ctx.net_mode = optarg; break;
    case 'a': add_annotation(spec, optarg); break;
    case 'd': add_netdev(spec, optarg); break;
    default: return 2;
    }
  }
  if (optind != argc - 1 || ctx.id == NULL) {
    fprintf(stderr, "usage: net-driver setup|teardown|mounts --id ID [options]\n");
    return 2;
  }
  const char *cmd = argv[optind];
  _cleanup_err_ struct hull_err *err = NULL;
  int rc;
  if (strcmp(cmd, "setup") == 0) {
    rc = hull_net_setup(spec, &ctx, &err);
  } else if (strcmp(cmd, "teardown") == 0) {
    rc = hull_net_teardown(spec, &ctx, &err);
  } else if (strcmp(cmd, "mounts") == 0) {
    struct hull_mount *m;
    size_t n;
    rc = hull_net_extra_mounts(spec, &ctx, &m, &n, &err);
    for (size_t i = 0; rc == 0 && i < n; i++) printf("%s %s\n", m[i].source, m[i].destination);
    if (rc == 0) hull_net_mounts_free(m, n);
  } else {
    fprintf(stderr, "unknown command %s\n", cmd);
    return 2;
  }
  if (rc < 0) {
    fprintf(stderr, "net-driver: %s\n", err ? err->msg : "unknown error");
    return 1;
  }
  return 0;
}
