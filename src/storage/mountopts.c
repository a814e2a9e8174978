/* The mount option table: one OCI mount's "options" -> mount(2) flags,
 * propagation, mount_setattr attributes and the data string. Pure logic,
 * no syscalls (unit-tested in tests/unit/test_storage_opts.c). */
#include "storage/storage.h"
#include "storage/internal.h"

#include <errno.h>
#include <string.h>
#include <sys/mount.h>

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

enum opt_kind { OPT_FLAG, OPT_CLEAR, OPT_PROPAGATION, OPT_RATTR_SET, OPT_RATTR_CLR, OPT_SPECIAL };
enum special { SP_NONE, SP_IDMAP, SP_RIDMAP, SP_TMPCOPYUP };

struct opt {
  const char *name;
  enum opt_kind kind;
  unsigned long value;   /* MS_* or MOUNT_ATTR_* or enum special */
};

/* Everything runc understands, in one place. "defaults" is accepted and
 * means nothing. */
static const struct opt table[] = {
    {"defaults", OPT_FLAG, 0},
    {"ro", OPT_FLAG, MS_RDONLY},
    {"rw", OPT_CLEAR, MS_RDONLY},
    {"nosuid", OPT_FLAG, MS_NOSUID},
    {"suid", OPT_CLEAR, MS_NOSUID},
    {"nodev", OPT_FLAG, MS_NODEV},
    {"dev", OPT_CLEAR, MS_NODEV},
    {"noexec", OPT_FLAG, MS_NOEXEC},
    {"exec", OPT_CLEAR, MS_NOEXEC},
    {"sync", OPT_FLAG, MS_SYNCHRONOUS},
    {"async", OPT_CLEAR, MS_SYNCHRONOUS},
    {"dirsync", OPT_FLAG, MS_DIRSYNC},
    {"remount", OPT_FLAG, MS_REMOUNT},
    {"mand", OPT_FLAG, MS_MANDLOCK},
    {"nomand", OPT_CLEAR, MS_MANDLOCK},
    {"noatime", OPT_FLAG, MS_NOATIME},
    {"atime", OPT_CLEAR, MS_NOATIME},
    {"nodiratime", OPT_FLAG, MS_NODIRATIME},
    {"diratime", OPT_CLEAR, MS_NODIRATIME},
    {"relatime", OPT_FLAG, MS_RELATIME},
    {"norelatime", OPT_CLEAR, MS_RELATIME},
    {"strictatime", OPT_FLAG, MS_STRICTATIME},
    {"nostrictatime", OPT_CLEAR, MS_STRICTATIME},
    {"lazytime", OPT_FLAG, MS_LAZYTIME},
    {"nolazytime", OPT_CLEAR, MS_LAZYTIME},
    {"iversion", OPT_FLAG, MS_I_VERSION},
    {"noiversion", OPT_CLEAR, MS_I_VERSION},
    {"silent", OPT_FLAG, MS_SILENT},
    {"loud", OPT_CLEAR, MS_SILENT},
    {"nosymfollow", OPT_FLAG, MS_NOSYMFOLLOW},
    {"symfollow", OPT_CLEAR, MS_NOSYMFOLLOW},
    {"bind", OPT_FLAG, MS_BIND},
    {"rbind", OPT_FLAG, MS_BIND | MS_REC},
    {"private", OPT_PROPAGATION, MS_PRIVATE},
    {"rprivate", OPT_PROPAGATION, MS_PRIVATE | MS_REC},
    {"shared", OPT_PROPAGATION, MS_SHARED},
    {"rshared", OPT_PROPAGATION, MS_SHARED | MS_REC},
    {"slave", OPT_PROPAGATION, MS_SLAVE},
    {"rslave", OPT_PROPAGATION, MS_SLAVE | MS_REC},
    {"unbindable", OPT_PROPAGATION, MS_UNBINDABLE},
    {"runbindable", OPT_PROPAGATION, MS_UNBINDABLE | MS_REC},
    {"rro", OPT_RATTR_SET, MOUNT_ATTR_RDONLY},
    {"rrw", OPT_RATTR_CLR, MOUNT_ATTR_RDONLY},
    {"rnosuid", OPT_RATTR_SET, MOUNT_ATTR_NOSUID},
    {"rsuid", OPT_RATTR_CLR, MOUNT_ATTR_NOSUID},
    {"rnodev", OPT_RATTR_SET, MOUNT_ATTR_NODEV},
    {"rdev", OPT_RATTR_CLR, MOUNT_ATTR_NODEV},
    {"rnoexec", OPT_RATTR_SET, MOUNT_ATTR_NOEXEC},
    {"rexec", OPT_RATTR_CLR, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", OPT_RATTR_SET, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", OPT_RATTR_CLR, MOUNT_ATTR_NODIRATIME},
    {"rrelatime", OPT_RATTR_SET, MOUNT_ATTR_RELATIME | HULL_ATTR_ATIME},
    {"rnorelatime", OPT_RATTR_CLR, MOUNT_ATTR_RELATIME | HULL_ATTR_ATIME},
    {"rnoatime", OPT_RATTR_SET, MOUNT_ATTR_NOATIME | HULL_ATTR_ATIME},
    {"ratime", OPT_RATTR_CLR, MOUNT_ATTR_NOATIME | HULL_ATTR_ATIME},
    {"rstrictatime", OPT_RATTR_SET, MOUNT_ATTR_STRICTATIME | HULL_ATTR_ATIME},
    {"rnostrictatime", OPT_RATTR_CLR, MOUNT_ATTR_STRICTATIME | HULL_ATTR_ATIME},
    {"rnosymfollow", OPT_RATTR_SET, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", OPT_RATTR_CLR, MOUNT_ATTR_NOSYMFOLLOW},
    {"idmap", OPT_SPECIAL, SP_IDMAP},
    {"ridmap", OPT_SPECIAL, SP_RIDMAP},
    {"tmpcopyup", OPT_SPECIAL, SP_TMPCOPYUP},
};

#define ATIME_FLAGS (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)

static const struct opt *lookup(const char *name) {
  for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
    if (strcmp(table[i].name, name) == 0) return &table[i];
  return NULL;
}

static void append_data(char **data, const char *opt) {
  if (*data == NULL) {
    *data = hull_xstrdup(opt);
    return;
  }
  char *joined = hull_xasprintf("%s,%s", *data, opt);
  free(*data);
  *data = joined;
}

/* The atime options form one field of the mount attributes: any of them
 * replaces the whole field (MOUNT_ATTR__ATIME cleared); clearing an atime
 * mode ("ratime", "rnostrictatime") falls back to the default, relatime. */
static void apply_rattr(struct hull_mount_flags *out, const struct opt *o) {
  uint64_t v = o->value & ~(uint64_t)HULL_ATTR_ATIME;
  bool set = o->kind == OPT_RATTR_SET;
  out->recursive_attrs = true;
  if (o->value & HULL_ATTR_ATIME) {
    out->attr_clr |= MOUNT_ATTR__ATIME;
    out->attr_set &= ~(uint64_t)MOUNT_ATTR__ATIME;
    if (set) out->attr_set |= v;
  } else if (set) {
    out->attr_set |= v;
    out->attr_clr &= ~v;
  } else {
    out->attr_clr |= v;
    out->attr_set &= ~v;
  }
}

int hull_mount_flags_parse(char *const *options, struct hull_mount_flags *out,
                           struct hull_err **err) {
  if (out == NULL) return hull_err_set(err, EINVAL, "mount options: no output");
  memset(out, 0, sizeof(*out));
  for (size_t i = 0; options && options[i]; i++) {
    const char *name = options[i];
    if (*name == '\0') continue;
    const struct opt *o = lookup(name);
    if (o == NULL) {
      append_data(&out->data, name); /* filesystem option: passed through */
      continue;
    }
    switch (o->kind) {
    case OPT_FLAG:
      /* The atime modes are exclusive: the last one given wins. */
      if (o->value & ATIME_FLAGS) out->flags &= ~ATIME_FLAGS;
      out->flags |= o->value;
      out->clear &= ~o->value;
      break;
    case OPT_CLEAR:
      out->flags &= ~o->value;
      out->clear |= o->value;
      break;
    case OPT_PROPAGATION:
      out->propagation = o->value; /* the last one wins, as in runc */
      break;
    case OPT_RATTR_SET:
    case OPT_RATTR_CLR:
      apply_rattr(out, o);
      break;
    case OPT_SPECIAL:
      if (o->value == SP_IDMAP) out->idmap = true;
      else if (o->value == SP_RIDMAP) out->ridmap = true;
      else out->tmpcopyup = true;
      break;
    }
  }
  out->bind = (out->flags & MS_BIND) != 0;
  out->rbind = out->bind && (out->flags & MS_REC) != 0;
  if (out->rbind) out->bind = false;
  return 0;
}

void hull_mount_flags_free(struct hull_mount_flags *f) {
  if (f == NULL) return;
  free(f->data);
  f->data = NULL;
}

const char *const *hull_mount_option_names(void) {
  static const char *names[sizeof(table) / sizeof(table[0]) + 1];
  if (names[0] == NULL)
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) names[i] = table[i].name;
  return names;
}

/* Non-recursive MS_* flags -> MOUNT_ATTR_* for fsmount()/mount_setattr(). */
void hull_mount_attr_from_flags(unsigned long set, unsigned long clear, uint64_t *attr_set,
                                uint64_t *attr_clr) {
  static const struct { unsigned long ms; uint64_t attr; } map[] = {
      {MS_RDONLY, MOUNT_ATTR_RDONLY},       {MS_NOSUID, MOUNT_ATTR_NOSUID},
      {MS_NODEV, MOUNT_ATTR_NODEV},         {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
      {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME}, {MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
  };
  *attr_set = *attr_clr = 0;
  for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
    if (set & map[i].ms) *attr_set |= map[i].attr;
    if (clear & map[i].ms) *attr_clr |= map[i].attr;
  }
  /* The atime field: strictatime > noatime > relatime, like the kernel's
   * mount(2) which checks them in that order. */
  if (set & (MS_STRICTATIME | MS_NOATIME | MS_RELATIME)) {
    *attr_clr |= MOUNT_ATTR__ATIME;
    if (set & MS_STRICTATIME) *attr_set |= MOUNT_ATTR_STRICTATIME;
    else if (set & MS_NOATIME) *attr_set |= MOUNT_ATTR_NOATIME;
    else *attr_set |= MOUNT_ATTR_RELATIME;
  } else if (clear & (MS_NOATIME | MS_STRICTATIME)) {
    *attr_clr |= MOUNT_ATTR__ATIME; /* back to the default, relatime */
  }
}
