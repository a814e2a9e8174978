/* Address leases under <root>/net/: one file per leased address
 * (leases/<address>, holding the container id), created O_EXCL while
 * holding an flock on <root>/net/lock, so concurrent creates never hand
 * out one address twice and a crash leaves nothing half-written that
 * release cannot find. */
#include "net/netpriv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

uint64_t hull_lease_pick(uint64_t first, uint64_t last,
                         bool (*used)(uint64_t off, void *data), void *data) {
  for (uint64_t off = first; off != 0 && off <= last; off++)
    if (!used(off, data)) return off;
  return 0;
}

/* Opens <root>/net/leases (creating it) and locks <root>/net/lock. */
static int lock_store(const char *root, int *lockfd, int *dirfd, struct hull_err **err) {
  _cleanup_free_ char *dir = hull_xasprintf("%s/net/leases", root);
  if (hull_mkdir_p(dir, 0700, err) < 0) return -1;
  _cleanup_free_ char *lock = hull_xasprintf("%s/net/lock", root);
  _cleanup_close_ int lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (lfd < 0) return hull_err_sys(err, "open %s", lock);
  while (flock(lfd, LOCK_EX) < 0)
    if (errno != EINTR) return hull_err_sys(err, "flock %s", lock);
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (dfd < 0) return hull_err_sys(err, "open %s", dir);
  *lockfd = hull_steal_fd(&lfd);
  *dirfd = dfd;
  return 0;
}

/* The id recorded in a lease file, or NULL when absent. */
static char *lease_owner(int dirfd, const char *name) {
  _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return NULL;
  return hull_read_fd(fd, NULL, NULL);
}

/* The lease file appears complete or not at all: the id is written to a
 * private temp file first, then hard-linked to the address name (link
 * fails with EEXIST when the address is taken). A crash leaves at most
 * the temp file, which release removes. */
static int write_lease(int dirfd, const char *name, const char *id, struct hull_err **err) {
  _cleanup_free_ char *tmp = hull_xasprintf(".tmp-%s", id);
  unlinkat(dirfd, tmp, 0);
  _cleanup_close_ int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return hull_err_sys(err, "create lease %s", tmp);
  if (hull_write_all(fd, id, strlen(id)) < 0) {
    hull_err_sys(err, "write lease %s", tmp);
    unlinkat(dirfd, tmp, 0);
    return -1;
  }
  int rc = linkat(dirfd, tmp, dirfd, name, 0);
  int saved = errno;
  unlinkat(dirfd, tmp, 0);
  errno = saved;
  return rc; /* errno for the caller (EEXIST: taken) */
}

struct scan {
  const struct hull_prefix *p;
  uint64_t gw_off;
  int dirfd;
};

static bool offset_used(uint64_t off, void *data) {
  struct scan *s = data;
  if (off == s->gw_off) return true;
  struct hull_ip ip;
  char name[HULL_IP_STRLEN];
  hull_prefix_nth(s->p, off, &ip);
  hull_ip_format(&ip, name, sizeof(name));
  return faccessat(s->dirfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

static int take_static(int dirfd, const char *id, const struct hull_ip *want,
                       struct hull_err **err) {
  char name[HULL_IP_STRLEN];
  hull_ip_format(want, name, sizeof(name));
  if (write_lease(dirfd, name, id, err) == 0) return 0;
  if (err != NULL && *err != NULL) return -1;
  if (errno != EEXIST) return hull_err_sys(err, "create lease %s", name);
  _cleanup_free_ char *owner = lease_owner(dirfd, name);
  if (owner != NULL && strcmp(owner, id) == 0) return 0;
  return hull_err_set(err, EADDRINUSE, "address %s is leased by container %s", name,
                      owner ? owner : "(unknown)");
}

int hull_lease_take(const char *root, const char *id, const struct hull_prefix *p,
                    const struct hull_ip *gateway, const struct hull_ip *want,
                    struct hull_ip *out, struct hull_err **err) {
  _cleanup_close_ int lockfd = -1;
  _cleanup_close_ int dirfd = -1;
  if (lock_store(root, &lockfd, &dirfd, err) < 0) return -1;
  if (want != NULL) {
    if (take_static(dirfd, id, want, err) < 0) return -1;
    *out = *want;
    return 0;
  }
  struct scan s = {.p = p, .dirfd = dirfd};
  if (hull_prefix_offset(p, gateway, &s.gw_off) < 0) s.gw_off = 0;
  uint64_t off = hull_lease_pick(1, hull_prefix_last_host(p), offset_used, &s);
  char net[HULL_IP_STRLEN];
  hull_ip_format(&p->ip, net, sizeof(net));
  if (off == 0) return hull_err_set(err, ENOSPC, "no free address left in %s/%u", net, p->len);
  hull_prefix_nth(p, off, out);
  char name[HULL_IP_STRLEN];
  hull_ip_format(out, name, sizeof(name));
  if (write_lease(dirfd, name, id, err) < 0) return hull_err_sys(err, "create lease %s", name);
  return 0;
}

int hull_lease_release(const char *root, const char *id, struct hull_err **err) {
  _cleanup_free_ char *dir = hull_xasprintf("%s/net/leases", root);
  if (access(dir, F_OK) < 0 && errno == ENOENT) return 0; /* nothing ever leased */
  _cleanup_close_ int lockfd = -1;
  int dirfd = -1;
  if (lock_store(root, &lockfd, &dirfd, err) < 0) return -1;
  DIR *d = fdopendir(dirfd);
  if (d == NULL) {
    close(dirfd);
    return hull_err_sys(err, "opendir %s", dir);
  }
  _cleanup_free_ char *tmp = hull_xasprintf(".tmp-%s", id);
  int rc = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.' && strcmp(de->d_name + 1, tmp + 1) != 0) continue;
    _cleanup_free_ char *owner = lease_owner(dirfd, de->d_name);
    if (de->d_name[0] != '.' && (owner == NULL || strcmp(owner, id) != 0)) continue;
    if (unlinkat(dirfd, de->d_name, 0) < 0 && errno != ENOENT)
      rc = hull_err_sys(err, "remove lease %s/%s", dir, de->d_name);
  }
  closedir(d);
  return rc;
}
