/* Capabilities: bounding set drop (prctl), effective/permitted/inheritable
 * (libcap), ambient (prctl). Runs after hull_identity_apply, whose
 * PR_SET_KEEPCAPS kept the permitted set across the uid change. */
#include "security/security.h"

#include <errno.h>
#include <sys/capability.h>
#include <sys/prctl.h>

int hull_caps_last_cap(void) {
  /* cap_max_bits() asks the kernel (cap_last_cap), not libcap's headers. */
  int n = (int)cap_max_bits();
  return n > 0 ? n - 1 : CAP_LAST_CAP;
}

static void caps_freep(cap_t *c) {
  if (*c) cap_free(*c);
}
#define _cleanup_cap_ __attribute__((cleanup(caps_freep)))

static int fill_flag(cap_t c, cap_flag_t flag, uint64_t mask, int last) {
  for (int i = 0; i <= last; i++) {
    if (!(mask & (UINT64_C(1) << i))) continue;
    cap_value_t v = i;
    if (cap_set_flag(c, flag, 1, &v, CAP_SET) < 0) return -1;
  }
  return 0;
}

/* After a uid change the effective set is empty: bring back what is
 * permitted, CAP_SETPCAP included, so the bounding set can be dropped. */
static int raise_effective(struct hull_err **err) {
  _cleanup_cap_ cap_t c = cap_get_proc();
  if (c == NULL) return hull_err_sys(err, "capabilities: cap_get_proc");
  for (int i = 0; i <= hull_caps_last_cap(); i++) {
    cap_flag_value_t on = CAP_CLEAR;
    cap_value_t v = i;
    if (cap_get_flag(c, v, CAP_PERMITTED, &on) == 0 && on == CAP_SET)
      cap_set_flag(c, CAP_EFFECTIVE, 1, &v, CAP_SET);
  }
  if (cap_set_proc(c) < 0) return hull_err_sys(err, "capabilities: raising the effective set");
  return 0;
}

static int drop_bounding(uint64_t drop, int last, struct hull_err **err) {
  for (int i = 0; i <= last; i++) {
    if (!(drop & (UINT64_C(1) << i))) continue;
    if (prctl(PR_CAPBSET_DROP, i, 0, 0, 0) == 0 || errno == EINVAL) continue;
    char name[64];
    hull_caps_format_name(i, name, sizeof(name));
    return hull_err_sys(err, "process.capabilities.bounding: prctl(PR_CAPBSET_DROP, %s)", name);
  }
  return 0;
}

static int set_eip(const uint64_t *sets, int last, struct hull_err **err) {
  _cleanup_cap_ cap_t c = cap_init();
  if (c == NULL) return hull_err_sys(err, "capabilities: cap_init");
  if (fill_flag(c, CAP_EFFECTIVE, sets[HULL_CAP_EFFECTIVE], last) < 0 ||
      fill_flag(c, CAP_PERMITTED, sets[HULL_CAP_PERMITTED], last) < 0 ||
      fill_flag(c, CAP_INHERITABLE, sets[HULL_CAP_INHERITABLE], last) < 0)
    return hull_err_sys(err, "capabilities: cap_set_flag");
  if (cap_set_proc(c) < 0)
    return hull_err_sys(err, "process.capabilities: capset(effective=%#llx, permitted=%#llx, inheritable=%#llx)",
                        (unsigned long long)sets[HULL_CAP_EFFECTIVE],
                        (unsigned long long)sets[HULL_CAP_PERMITTED],
                        (unsigned long long)sets[HULL_CAP_INHERITABLE]);
  return 0;
}

static int set_ambient(uint64_t ambient, int last, struct hull_err **err) {
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) {
    if (errno == EINVAL && ambient == 0) return 0; /* kernel without ambient caps */
    return hull_err_sys(err, "process.capabilities.ambient: clearing");
  }
  for (int i = 0; i <= last; i++) {
    if (!(ambient & (UINT64_C(1) << i))) continue;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, i, 0, 0) == 0) continue;
    char name[64];
    hull_caps_format_name(i, name, sizeof(name));
    return hull_err_sys(err, "process.capabilities.ambient: raising %s", name);
  }
  return 0;
}

int hull_caps_apply(const struct hull_capabilities *caps, struct hull_err **err) {
  int last = hull_caps_last_cap();
  struct hull_caps_plan plan;
  if (hull_caps_plan(caps, last, &plan, err) < 0) return -1;
  if (plan.unknown) {
    /* As runc: a capability the kernel does not know is ignored, loudly. */
    hull_warn("process.capabilities: ignoring capabilities unknown to this kernel (mask %#llx)",
              (unsigned long long)plan.unknown);
  }
  if (raise_effective(err) < 0) return -1;
  if (drop_bounding(plan.bounding_drop, last, err) < 0) return -1;
  if (set_eip(plan.sets, last, err) < 0) return -1;
  if (set_ambient(plan.sets[HULL_CAP_AMBIENT], last, err) < 0) return -1;
  /* keep-caps has done its job; execve clears it anyway. */
  prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
  return 0;
}

int hull_no_new_privs_apply(bool enable, struct hull_err **err) {
  if (!enable) return 0;
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return hull_err_sys(err, "process.noNewPrivileges: prctl(PR_SET_NO_NEW_PRIVS)");
  return 0;
}
