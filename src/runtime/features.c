/* `hull features` (runtime-spec features.md): exactly what hull supports,
 * from the same name tables the implementation uses. */
#include "runtime/runtime.h"
#include "security/security.h"
#include "storage/storage.h"
#include "init/init.h"
#include "net/net.h"
#include "ns/ns.h"

#include <string.h>
#include <yajl/yajl_gen.h>

static void str(yajl_gen g, const char *s) {
  yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void str_list(yajl_gen g, const char *key, const char *const *names) {
  str(g, key);
  yajl_gen_array_open(g);
  for (size_t i = 0; names && names[i]; i++) str(g, names[i]);
  yajl_gen_array_close(g);
}

static void key_bool(yajl_gen g, const char *key, bool v) {
  str(g, key);
  yajl_gen_bool(g, v);
}

static bool has_name(const char *const *names, const char *n) {
  for (size_t i = 0; names && names[i]; i++)
    if (strcmp(names[i], n) == 0) return true;
  return false;
}

static void caps(yajl_gen g) {
  str(g, "capabilities");
  yajl_gen_array_open(g);
  for (int c = 0; c <= hull_cap_last(); c++)
    if (hull_cap_name(c)) str(g, hull_cap_name(c));
  yajl_gen_array_close(g);
}

static void seccomp(yajl_gen g) {
  str(g, "seccomp");
  yajl_gen_map_open(g);
  key_bool(g, "enabled", true);
  str_list(g, "actions", hull_seccomp_action_names());
  str_list(g, "operators", hull_seccomp_operator_names());
  str_list(g, "archs", hull_seccomp_arch_names());
  str_list(g, "knownFlags", hull_seccomp_flag_names());
  str_list(g, "supportedFlags", hull_seccomp_flag_names());
  yajl_gen_map_close(g);
}

static void linux_section(yajl_gen g) {
  str(g, "linux");
  yajl_gen_map_open(g);
  str(g, "namespaces");
  yajl_gen_array_open(g);
  /* The config names ("mount", "network"), not the /proc ones. */
  for (int t = 0; t < HULL_NS_NTYPES; t++) str(g, hull_ns_type_name((enum hull_ns_type)t));
  yajl_gen_array_close(g);
  caps(g);
  str(g, "cgroup");
  yajl_gen_map_open(g);
  key_bool(g, "v1", true);
  key_bool(g, "v2", true);
  key_bool(g, "systemd", true);
  key_bool(g, "systemdUser", true);
  key_bool(g, "rdma", false);
  yajl_gen_map_close(g);
  seccomp(g);
  str(g, "apparmor");
  yajl_gen_map_open(g);
  key_bool(g, "enabled", hull_apparmor_enabled());
  yajl_gen_map_close(g);
  str(g, "selinux");
  yajl_gen_map_open(g);
  key_bool(g, "enabled", hull_selinux_enabled());
  yajl_gen_map_close(g);
  str(g, "intelRdt");
  yajl_gen_map_open(g);
  key_bool(g, "enabled", false);
  yajl_gen_map_close(g);
  str(g, "memoryPolicy");
  yajl_gen_map_open(g);
  str_list(g, "modes", hull_spec_mpol_mode_names());
  str_list(g, "flags", hull_spec_mpol_flag_names());
  yajl_gen_map_close(g);
  str(g, "mountExtensions");
  yajl_gen_map_open(g);
  str(g, "idmap");
  yajl_gen_map_open(g);
  key_bool(g, "enabled", has_name(hull_mount_option_names(), "idmap"));
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);
  str(g, "netDevices");
  yajl_gen_map_open(g);
  key_bool(g, "enabled", true);
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);
}

const char *const *hull_annotation_docs(void) {
  static const char *docs[64]; /* net's pairs, two more pairs, NULL */
  if (docs[0] != NULL) return docs;
  size_t n = 0;
  for (const char *const *d = hull_net_annotation_docs(); *d && n + 5 < 64; d++) docs[n++] = *d;
  docs[n++] = HULL_ANNOTATION_INIT;
  docs[n++] = "\"true\": PID 1 is hull-init, a static reaper run from a sealed memfd that "
              "forwards signals, reaps zombies and exits with the process's status (as --init)";
  docs[n++] = HULL_ANNOTATION_ROOTFS_OVERLAY;
  docs[n++] = "copy-on-write rootfs on overlayfs, as create/run --overlay: comma-separated "
              "true (lower = root.path; \"\" too), false, volatile, lower=DIR[:DIR...] (top "
              "first), upper=DIR (changes kept); a bare DIR[:DIR...] means lower=";
  return docs;
}

char *hull_features_json(struct hull_err **err) {
  yajl_gen g = yajl_gen_alloc(NULL);
  yajl_gen_config(g, yajl_gen_beautify, 1);
  yajl_gen_config(g, yajl_gen_indent_string, "    ");
  yajl_gen_map_open(g);
  str(g, "ociVersionMin");
  str(g, "1.0.0");
  str(g, "ociVersionMax");
  str(g, "1.3.0");
  str(g, "hooks");
  yajl_gen_array_open(g);
  for (int k = 0; k < HULL_HOOK_NKINDS; k++) str(g, hull_hook_kind_name((enum hull_hook_kind)k));
  yajl_gen_array_close(g);
  str_list(g, "mountOptions", hull_mount_option_names());
  linux_section(g);
  str(g, "annotations");
  yajl_gen_map_open(g);
  for (const char *const *d = hull_annotation_docs(); *d; d++) str(g, *d);
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);
  const unsigned char *buf;
  size_t len;
  char *out = NULL;
  if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
    out = hull_xmalloc(len + 1);
    memcpy(out, buf, len);
    out[len] = '\0';
  } else {
    hull_err_set(err, 0, "features: generating JSON failed");
  }
  yajl_gen_free(g);
  return out;
}
