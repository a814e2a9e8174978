/* Compiled seccomp filters cached on disk, so repeated starts of the same
 * profile skip libseccomp. The file name is a hash of the profile's
 * canonical text; the file holds that full text too and a hit requires it
 * to match byte for byte, so a crafted hash collision can never hand one
 * container another profile's filter. Files must be ours and not writable
 * by anyone else; anything odd is a miss, never an error. */
#include "security/seccomp_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <string.h>
#include <sys/stat.h>

#define CACHE_MAGIC "HULLSCF1"
/* Profiles in use at once are few; past this many entries the oldest go. */
#define CACHE_MAX_ENTRIES 64

static char *cache_dir;
static bool cache_dir_set;

void hull_seccomp_set_cache_dir(const char *dir) {
  free(cache_dir);
  cache_dir = dir ? hull_xstrdup(dir) : NULL;
  cache_dir_set = true;
}

static const char *get_cache_dir(void) {
  if (cache_dir_set) return cache_dir;
  cache_dir_set = true;
  const char *xdg = getenv("XDG_RUNTIME_DIR");
  if (geteuid() == 0)
    cache_dir = hull_xstrdup("/run/hull/.seccomp-cache");
  else if (xdg && xdg[0] == '/')
    cache_dir = hull_xasprintf("%s/hull/.seccomp-cache", xdg);
  return cache_dir;
}

uint64_t hull_fnv1a64(const void *p, size_t n) {
  const unsigned char *c = p;
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  for (size_t i = 0; i < n; i++) h = (h ^ c[i]) * UINT64_C(0x100000001b3);
  return h;
}

void hull_buf_add(struct hull_buf *b, const void *p, size_t n) {
  if (b->len + n + 1 > b->cap) {
    b->cap = (b->len + n + 1) * 2;
    b->data = hull_xrealloc(b->data, b->cap);
  }
  memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void hull_buf_addf(struct hull_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = NULL;
  int n = vasprintf(&s, fmt, ap);
  va_end(ap);
  if (n < 0) abort();
  hull_buf_add(b, s, (size_t)n);
  free(s);
}

/* Length-prefixed strings: no separator can be smuggled inside a name. */
static void add_str(struct hull_buf *b, const char *s) {
  s = s ? s : "";
  hull_buf_addf(b, "%zu:", strlen(s));
  hull_buf_add(b, s, strlen(s));
}

char *hull_seccomp_profile_key(const struct hull_seccomp *sc, size_t *len) {
  struct hull_buf b = {0};
  const struct scmp_version *v = seccomp_version();
  /* The program also depends on libseccomp's syscall tables and the
   * native architecture. */
  hull_buf_addf(&b, "hull-seccomp-2 libseccomp-%u.%u.%u native-%#x\n", v->major, v->minor,
                v->micro, seccomp_arch_native());
  hull_buf_addf(&b, "default %#x %d %u\narchs", sc->default_action, sc->has_default_errno_ret,
                sc->default_errno_ret);
  for (size_t i = 0; sc->architectures && sc->architectures[i]; i++) add_str(&b, sc->architectures[i]);
  for (size_t i = 0; i < sc->n_syscalls; i++) {
    const struct hull_syscall_rule *r = &sc->syscalls[i];
    hull_buf_addf(&b, "\nrule %#x %d %u names", r->action, r->has_errno_ret, r->errno_ret);
    for (size_t j = 0; r->names && r->names[j]; j++) add_str(&b, r->names[j]);
    for (size_t j = 0; j < r->n_args; j++)
      hull_buf_addf(&b, " arg %u %d %llu %llu", r->args[j].index, r->args[j].op,
                    (unsigned long long)r->args[j].value, (unsigned long long)r->args[j].value_two);
  }
  *len = b.len;
  return b.data;
}

struct cache_header {
  char magic[8];
  uint32_t key_len, n_insns, notify, pad;
};

static char *entry_path(const char *dir, const char *key, size_t keylen) {
  return hull_xasprintf("%s/%016llx.bpf", dir, (unsigned long long)hull_fnv1a64(key, keylen));
}

int hull_seccomp_cache_get(const char *key, size_t keylen, struct hull_seccomp_filter *f) {
  const char *dir = get_cache_dir();
  if (dir == NULL) return -1;
  _cleanup_free_ char *path = entry_path(dir, key, keylen);
  _cleanup_close_ int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
      (st.st_mode & 022))
    return -1;
  size_t len;
  _cleanup_free_ char *data = hull_read_fd(fd, &len, NULL);
  struct cache_header h;
  if (data == NULL || len < sizeof(h)) return -1;
  memcpy(&h, data, sizeof(h));
  if (memcmp(h.magic, CACHE_MAGIC, 8) != 0 || h.key_len != keylen || h.n_insns == 0 ||
      len != sizeof(h) + keylen + (size_t)h.n_insns * sizeof(struct sock_filter) ||
      memcmp(data + sizeof(h), key, keylen) != 0)
    return -1;
  size_t bytes = (size_t)h.n_insns * sizeof(struct sock_filter);
  f->insns = hull_xmalloc(bytes);
  memcpy(f->insns, data + sizeof(h) + keylen, bytes);
  f->n_insns = h.n_insns;
  f->notify = h.notify != 0;
  return 0;
}

struct cache_entry {
  char name[32];
  struct timespec mtime;
};

static int entry_older(const void *a, const void *b) {
  const struct cache_entry *x = a, *y = b;
  if (x->mtime.tv_sec != y->mtime.tv_sec) return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
  return (x->mtime.tv_nsec > y->mtime.tv_nsec) - (x->mtime.tv_nsec < y->mtime.tv_nsec);
}

/* Keeps the cache bounded: only runs on a miss, which already paid for a
 * compilation. */
static void prune(const char *dir) {
  _cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = dfd >= 0 ? fdopendir(fcntl(dfd, F_DUPFD_CLOEXEC, 0)) : NULL;
  if (d == NULL) return;
  struct cache_entry *v = NULL;
  size_t n = 0, cap = 0;
  for (struct dirent *e; (e = readdir(d));) {
    struct stat st;
    size_t len = strlen(e->d_name);
    if (len < 5 || len >= sizeof(v->name) || strcmp(e->d_name + len - 4, ".bpf") != 0 ||
        fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
      continue;
    if (n == cap) v = hull_xrealloc(v, (cap = cap ? cap * 2 : 64) * sizeof(*v));
    memcpy(v[n].name, e->d_name, len + 1);
    v[n++].mtime = st.st_mtim;
  }
  closedir(d);
  if (n > CACHE_MAX_ENTRIES) {
    qsort(v, n, sizeof(*v), entry_older);
    for (size_t i = 0; i < n - CACHE_MAX_ENTRIES; i++) unlinkat(dfd, v[i].name, 0);
  }
  free(v);
}

void hull_seccomp_cache_put(const char *key, size_t keylen, const struct hull_seccomp_filter *f) {
  const char *dir = get_cache_dir();
  if (dir == NULL) return;
  _cleanup_err_ struct hull_err *err = NULL;
  if (hull_mkdir_p(dir, 0700, &err) < 0) {
    hull_debug("seccomp cache: %s", err->msg);
    return;
  }
  struct cache_header h = {.key_len = (uint32_t)keylen, .n_insns = (uint32_t)f->n_insns,
                           .notify = f->notify};
  memcpy(h.magic, CACHE_MAGIC, 8);
  struct hull_buf b = {0};
  hull_buf_add(&b, &h, sizeof(h));
  hull_buf_add(&b, key, keylen);
  hull_buf_add(&b, f->insns, f->n_insns * sizeof(struct sock_filter));
  _cleanup_free_ char *path = entry_path(dir, key, keylen);
  if (hull_write_file_atomic(path, b.data, b.len, 0600, &err) < 0)
    hull_debug("seccomp cache: %s", err->msg);
  free(b.data);
  prune(dir);
}
