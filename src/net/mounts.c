/* Extra bind mounts the network setup needs in the container: today the
 * resolv.conf written for run.hull.net.dns. */
#include "net/netpriv.h"

#include <string.h>

void hull_net_mounts_free(struct hull_mount *m, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(m[i].destination);
    free(m[i].type);
    free(m[i].source);
    hull_strv_free(m[i].options);
  }
  free(m);
}

int hull_net_extra_mounts(const struct hull_spec *spec, const struct hull_net_ctx *ctx,
                          struct hull_mount **out, size_t *n, struct hull_err **err) {
  *out = NULL;
  *n = 0;
  struct hull_net_opts o;
  if (hull_net_opts_parse(spec, ctx->net_mode, &o, err) < 0) return -1;
  if (o.n_dns == 0) {
    hull_net_opts_free(&o);
    return 0;
  }
  _cleanup_free_ char *text = hull_net_resolv_conf(o.dns, o.n_dns);
  hull_net_opts_free(&o);
  _cleanup_free_ char *path = hull_xasprintf("%s/resolv.conf", ctx->state_dir);
  if (hull_write_file_atomic(path, text, strlen(text), 0644, err) < 0)
    return hull_err_prefix(err, "run.hull.net.dns");
  struct hull_mount *m = hull_xcalloc(1, sizeof(*m));
  m->destination = hull_xstrdup("/etc/resolv.conf");
  m->type = hull_xstrdup("bind");
  m->source = hull_steal_ptr(&path);
  hull_strv_append(&m->options, "bind");
  hull_strv_append(&m->options, "nosuid");
  hull_strv_append(&m->options, "nodev");
  hull_strv_append(&m->options, "noexec");
  *out = m;
  *n = 1;
  return 0;
}
