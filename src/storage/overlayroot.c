/* The copy-on-write rootfs (annotation run.hull.rootfs.overlay): an
 * overlayfs whose lower layers are the bundle's rootfs (or the layer list
 * the annotation gives) and whose upper/work live in the state dir, so the
 * image is never written. Mounted on the rootfs path in the container's
 * mount namespace only. */
#include "storage/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

static const char *annotation(const struct hull_spec *spec) {
  for (size_t i = 0; i < spec->n_annotations; i++)
    if (spec->annotations[i].key && strcmp(spec->annotations[i].key, HULL_ANNOTATION_ROOTFS_OVERLAY) == 0)
      return spec->annotations[i].value ? spec->annotations[i].value : "";
  return NULL;
}

/* upper/ gets the mode and owner of the rootfs: the merged "/" shows them. */
static int make_dirs(const char *dir, const char *rootfs, struct hull_err **err) {
  struct stat st;
  if (stat(rootfs, &st) < 0) return hull_err_sys(err, "stat %s", rootfs);
  _cleanup_free_ char *upper = hull_xasprintf("%s/upper", dir);
  _cleanup_free_ char *work = hull_xasprintf("%s/work", dir);
  if (hull_mkdir_p(work, 0700, err) < 0 || hull_mkdir_p(upper, 0700, err) < 0) return -1;
  if (chown(upper, st.st_uid, st.st_gid) < 0 || chmod(upper, st.st_mode & 07777) < 0)
    return hull_err_sys(err, "prepare %s", upper);
  return 0;
}

/* Returns a detached overlay mount for the rootfs, -2 when the annotation
 * is not set (the plain bind is used then). */
int storage_overlay_root(const struct hull_spec *spec, const struct hull_rootfs_opts *opts,
                         struct hull_err **err) {
  const char *v = annotation(spec);
  if (v == NULL) return -2;
  if (opts->overlay_dir == NULL)
    return hull_err_set(err, EINVAL, "annotation %s: the runtime gave no state directory for it",
                        HULL_ANNOTATION_ROOTFS_OVERLAY);
  bool own = *v == '\0' || strcmp(v, "true") == 0;
  if (!own && strchr(v, ',') != NULL)
    return hull_err_set(err, EINVAL, "annotation %s: a layer path contains ','",
                        HULL_ANNOTATION_ROOTFS_OVERLAY);
  if (make_dirs(opts->overlay_dir, opts->rootfs, err) < 0)
    return hull_err_prefix(err, "annotation %s", HULL_ANNOTATION_ROOTFS_OVERLAY);
  _cleanup_free_ char *data = hull_xasprintf("lowerdir=%s,upperdir=%s/upper,workdir=%s/work",
                                             own ? opts->rootfs : v, opts->overlay_dir,
                                             opts->overlay_dir);
  struct hull_mount_flags f = {.data = data};
  int mfd = storage_fsmount("overlay", "overlay", &f, err);
  if (mfd < 0) return hull_err_prefix(err, "annotation %s", HULL_ANNOTATION_ROOTFS_OVERLAY);
  return mfd;
}
