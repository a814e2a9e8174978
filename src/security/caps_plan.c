/* Capability sets: pure checks and naming, apart from the syscalls so unit
 * tests can run them without privileges. */
#include "security/security.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/capability.h>

static const char *const set_names[HULL_CAP_NSETS] = {
    [HULL_CAP_BOUNDING] = "bounding",       [HULL_CAP_EFFECTIVE] = "effective",
    [HULL_CAP_INHERITABLE] = "inheritable", [HULL_CAP_PERMITTED] = "permitted",
    [HULL_CAP_AMBIENT] = "ambient",
};

const char *hull_caps_set_name(enum hull_cap_set set) {
  return set < HULL_CAP_NSETS ? set_names[set] : "?";
}

void hull_caps_format_name(int cap, char *buf, size_t size) {
  char *n = cap_to_name((cap_value_t)cap);
  if (n == NULL || isdigit((unsigned char)n[0])) {
    snprintf(buf, size, "capability %d", cap);
  } else {
    size_t i = 0;
    for (; n[i] && i + 1 < size; i++) buf[i] = (char)toupper((unsigned char)n[i]);
    buf[i] = '\0';
  }
  cap_free(n);
}

static int first_bit(uint64_t v) {
  return v ? __builtin_ctzll(v) : -1;
}

/* A set that must be a subset of another: names the first offender. */
static int check_subset(const uint64_t *s, enum hull_cap_set sub, uint64_t super,
                        const char *why, struct hull_err **err) {
  int bad = first_bit(s[sub] & ~super);
  if (bad < 0) return 0;
  char name[64];
  hull_caps_format_name(bad, name, sizeof(name));
  return hull_err_set(err, 0, "process.capabilities.%s: %s %s", hull_caps_set_name(sub),
                      name, why);
}

int hull_caps_plan(const struct hull_capabilities *in, int last_cap, struct hull_caps_plan *out,
                   struct hull_err **err) {
  memset(out, 0, sizeof(*out));
  uint64_t known = last_cap >= 63 ? UINT64_MAX : ((UINT64_C(1) << (last_cap + 1)) - 1);
  /* An absent set is an empty set: a container gets only what it asks. */
  for (int s = 0; s < HULL_CAP_NSETS; s++) {
    uint64_t v = in->present[s] ? in->sets[s] : 0;
    out->unknown |= v & ~known;
    out->sets[s] = v & known;
  }
  const uint64_t *s = out->sets;
  if (check_subset(s, HULL_CAP_EFFECTIVE, s[HULL_CAP_PERMITTED], "is not in the permitted set", err) < 0)
    return -1;
  if (check_subset(s, HULL_CAP_INHERITABLE, s[HULL_CAP_BOUNDING], "is not in the bounding set", err) < 0)
    return -1;
  if (check_subset(s, HULL_CAP_AMBIENT, s[HULL_CAP_PERMITTED] & s[HULL_CAP_INHERITABLE],
                   "must be in both the permitted and the inheritable sets", err) < 0)
    return -1;
  out->bounding_drop = known & ~s[HULL_CAP_BOUNDING];
  return 0;
}
