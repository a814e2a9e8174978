/* state.json: the internal record of a container (a superset of the OCI
 * state) and the OCI state object printed by `state` and `list`. Pure. */
#include "runtime/runtime.h"

#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

void hull_state_free(struct hull_state *st) {
  if (st == NULL) return;
  free(st->id);
  free(st->bundle);
  free(st->rootfs);
  free(st->created);
  free(st->owner);
  for (size_t i = 0; i < st->n_annotations; i++) {
    free(st->annotations[i].key);
    free(st->annotations[i].value);
  }
  free(st->annotations);
  free(st->cgroup);
  free(st->cgroup_manager);
  free(st->net_mode);
  free(st);
}

void hull_statep_free(struct hull_state **st) { hull_state_free(*st); }

static void gen_free(yajl_gen *g) {
  if (*g) yajl_gen_free(*g);
}
#define _cleanup_gen_ __attribute__((cleanup(gen_free)))

static void put_str(yajl_gen g, const char *s) {
  yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void put_kv(yajl_gen g, const char *k, const char *v) {
  put_str(g, k);
  if (v) put_str(g, v);
  else yajl_gen_null(g);
}

static void put_int(yajl_gen g, const char *k, long long v) {
  put_str(g, k);
  yajl_gen_integer(g, v);
}

static void put_bool(yajl_gen g, const char *k, bool v) {
  put_str(g, k);
  yajl_gen_bool(g, v);
}

static void put_annotations(yajl_gen g, const struct hull_state *st) {
  put_str(g, "annotations");
  yajl_gen_map_open(g);
  for (size_t i = 0; i < st->n_annotations; i++)
    put_kv(g, st->annotations[i].key, st->annotations[i].value ? st->annotations[i].value : "");
  yajl_gen_map_close(g);
}

static char *gen_take(yajl_gen g, struct hull_err **err) {
  const unsigned char *buf;
  size_t len;
  if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
    return hull_err_set(err, 0, "state: generating JSON failed"), NULL;
  char *out = hull_xmalloc(len + 1);
  memcpy(out, buf, len);
  out[len] = '\0';
  return out;
}

/* The OCI fields, shared by both writers. */
static void put_oci(yajl_gen g, const struct hull_state *st, const char *status) {
  put_kv(g, "ociVersion", "1.3.0");
  put_kv(g, "id", st->id);
  put_int(g, "pid", status && strcmp(status, "stopped") == 0 ? 0 : st->pid);
  if (status) put_kv(g, "status", status);
  put_kv(g, "bundle", st->bundle ? st->bundle : "");
  put_kv(g, "rootfs", st->rootfs ? st->rootfs : "");
  put_kv(g, "created", st->created ? st->created : "");
  if (st->n_annotations) put_annotations(g, st);
  put_kv(g, "owner", st->owner ? st->owner : "");
}

char *hull_state_to_json(const struct hull_state *st, struct hull_err **err) {
  _cleanup_gen_ yajl_gen g = yajl_gen_alloc(NULL);
  yajl_gen_map_open(g);
  put_oci(g, st, NULL);
  put_int(g, "initStartTime", (long long)st->start_time);
  put_bool(g, "creating", st->creating);
  put_kv(g, "cgroup", st->cgroup);
  put_kv(g, "cgroupManager", st->cgroup_manager);
  put_kv(g, "netMode", st->net_mode);
  put_bool(g, "netSetup", st->net_setup);
  put_bool(g, "netnsNew", st->netns_new != 0);
  put_bool(g, "rootless", st->rootless);
  yajl_gen_map_close(g);
  return gen_take(g, err);
}

char *hull_state_oci_json(const struct hull_state *st, enum hull_status status, bool pretty,
                          struct hull_err **err) {
  _cleanup_gen_ yajl_gen g = yajl_gen_alloc(NULL);
  if (pretty) {
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_config(g, yajl_gen_indent_string, "  ");
  }
  yajl_gen_map_open(g);
  put_oci(g, st, hull_status_name(status));
  yajl_gen_map_close(g);
  return gen_take(g, err);
}

static void tree_free(yajl_val *v) {
  if (*v) yajl_tree_free(*v);
}
#define _cleanup_tree_ __attribute__((cleanup(tree_free)))

static char *get_str(yajl_val root, const char *key) {
  const char *path[] = {key, NULL};
  yajl_val v = yajl_tree_get(root, path, yajl_t_string);
  return v ? hull_xstrdup(YAJL_GET_STRING(v)) : NULL;
}

static bool get_bool(yajl_val root, const char *key) {
  const char *path[] = {key, NULL};
  yajl_val v = yajl_tree_get(root, path, yajl_t_any);
  return v && YAJL_IS_TRUE(v);
}

static long long get_int(yajl_val root, const char *key) {
  const char *path[] = {key, NULL};
  yajl_val v = yajl_tree_get(root, path, yajl_t_number);
  return v && YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : 0;
}

static void get_annotations(yajl_val root, struct hull_state *st) {
  const char *path[] = {"annotations", NULL};
  yajl_val v = yajl_tree_get(root, path, yajl_t_object);
  if (v == NULL) return;
  /* yajl_tree_get checked the type: v is an object */
  size_t n = v->u.object.len;
  st->annotations = hull_xcalloc(n ? n : 1, sizeof(*st->annotations));
  for (size_t i = 0; i < n; i++) {
    yajl_val val = v->u.object.values[i];
    if (!YAJL_IS_STRING(val)) continue;
    st->annotations[st->n_annotations].key = hull_xstrdup(v->u.object.keys[i]);
    st->annotations[st->n_annotations++].value = hull_xstrdup(YAJL_GET_STRING(val));
  }
}

struct hull_state *hull_state_from_json(const char *json, struct hull_err **err) {
  char ebuf[256] = "";
  _cleanup_tree_ yajl_val root = yajl_tree_parse(json, ebuf, sizeof(ebuf));
  if (root == NULL || !YAJL_IS_OBJECT(root))
    return hull_err_set(err, 0, "state.json: invalid JSON %s", ebuf), NULL;
  struct hull_state *st = hull_xcalloc(1, sizeof(*st));
  st->id = get_str(root, "id");
  if (st->id == NULL) {
    hull_state_free(st);
    return hull_err_set(err, 0, "state.json: no id"), NULL;
  }
  st->pid = (pid_t)get_int(root, "pid");
  st->start_time = (uint64_t)get_int(root, "initStartTime");
  st->creating = get_bool(root, "creating");
  st->bundle = get_str(root, "bundle");
  st->rootfs = get_str(root, "rootfs");
  st->created = get_str(root, "created");
  st->owner = get_str(root, "owner");
  st->cgroup = get_str(root, "cgroup");
  st->cgroup_manager = get_str(root, "cgroupManager");
  st->net_mode = get_str(root, "netMode");
  st->net_setup = get_bool(root, "netSetup");
  st->netns_new = get_bool(root, "netnsNew");
  st->rootless = get_bool(root, "rootless");
  get_annotations(root, st);
  return st;
}
