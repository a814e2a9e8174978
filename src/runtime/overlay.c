/* create/run: the copy-on-write rootfs. `--overlay` wins over the
 * annotation and is recorded as the annotation in the container's state,
 * so `state` shows it and delete knows what to remove. */
#include "runtime/create.h"

#include <sched.h>
#include <string.h>
#include <unistd.h>

static void set_annotation(struct hull_spec *spec, const char *key, const char *value) {
  for (size_t i = 0; i < spec->n_annotations; i++) {
    if (spec->annotations[i].key && strcmp(spec->annotations[i].key, key) == 0) {
      free(spec->annotations[i].value);
      spec->annotations[i].value = hull_xstrdup(value);
      return;
    }
  }
  spec->annotations = hull_xrealloc(spec->annotations,
                                    (spec->n_annotations + 1) * sizeof(*spec->annotations));
  spec->annotations[spec->n_annotations].key = hull_xstrdup(key);
  spec->annotations[spec->n_annotations++].value = hull_xstrdup(value);
}

int hull_create_overlay_config(struct hull_create_job *j, struct hull_err **err) {
  const char *cli = j->opts->overlay;
  const char *what = cli ? "--overlay" : "annotation " HULL_ANNOTATION_ROOTFS_OVERLAY;
  if (cli) set_annotation(j->spec, HULL_ANNOTATION_ROOTFS_OVERLAY, *cli ? cli : "true");
  const char *v = hull_spec_annotation(j->spec, HULL_ANNOTATION_ROOTFS_OVERLAY);
  return hull_overlay_cfg_parse(v, what, &j->overlay_cfg, err);
}

/* After the state dir and the namespace flags exist, before the clone: a
 * privileged runtime makes the overlay here (idmapped lowers and root-only
 * dirs are in its reach); else the shim makes it in its namespaces. */
int hull_create_overlay_mount(struct hull_create_job *j, struct hull_err **err) {
  if (!j->overlay_cfg.enabled) return 0;
  j->overlay_dir = hull_xasprintf("%s/rootfs-overlay", j->c->dir);
  j->overlay_req = (struct hull_overlay_req){
      .cfg = &j->overlay_cfg, .id = j->id, .rootfs = j->rootfs, .dir = j->overlay_dir,
      .lx = &j->spec->linux_,
      .new_userns = (j->clone_flags & CLONE_NEWUSER) || j->ns_fds[HULL_NS_USER] >= 0};
  if (geteuid() != 0) return 0;
  j->overlay_fd = hull_overlay_mount(&j->overlay_req, err);
  return j->overlay_fd < 0 ? -1 : 0;
}
