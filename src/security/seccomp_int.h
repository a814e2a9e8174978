/* Private to security/: the compiled filter and the cache. */
#ifndef HULL_SECCOMP_INT_H
#define HULL_SECCOMP_INT_H

#include "security/security.h"

#include <linux/filter.h>

struct hull_seccomp_filter {
  struct sock_filter *insns;
  size_t n_insns;
  unsigned flags;  /* SECCOMP_FILTER_FLAG_* asked by the config */
  bool notify;     /* has SCMP_ACT_NOTIFY rules: load with NEW_LISTENER */
  bool from_cache;
};

/* A growable byte buffer for the canonical profile text. */
struct hull_buf {
  char *data;
  size_t len, cap;
};
void hull_buf_add(struct hull_buf *b, const void *p, size_t n);
void hull_buf_addf(struct hull_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The canonical text of everything that shapes the BPF program: the cache
 * key (its hash names the file; the full text is compared on a hit). */
char *hull_seccomp_profile_key(const struct hull_seccomp *sc, size_t *len);
uint64_t hull_fnv1a64(const void *p, size_t n);

/* Cache: 0 and a filled program on a hit, -1 on a miss (never an error:
 * a bad cache entry is just recompiled). */
int hull_seccomp_cache_get(const char *key, size_t keylen, struct hull_seccomp_filter *f);
void hull_seccomp_cache_put(const char *key, size_t keylen, const struct hull_seccomp_filter *f);

/* The ENOSYS stub for syscalls newer than the profile (seccomp_enosys.c):
 * *out NULL and *n_out 0 when none is needed. */
int hull_seccomp_enosys_stub(const struct hull_seccomp *sc, uint32_t def, const uint32_t *archs,
                             size_t n_archs, struct sock_filter **out, size_t *n_out);

int hull_seccomp_arch_token(const char *name, uint32_t *token);
int hull_seccomp_flag_value(const char *name, unsigned *flag);

#endif
