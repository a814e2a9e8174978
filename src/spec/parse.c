/* spec/: config.json top level: ociVersion, root, mounts, process, hostname,
 * domainname, hooks, annotations, linux; loading from a file; freeing. */
#include "spec/internal.h"

#include <string.h>

static int parse_mount(struct pctx *c, yajl_val v, struct hull_mount *m) {
  if (vobj(c, v) < 0 || jstr_req(c, v, "destination", &m->destination) < 0) return -1;
  if (m->destination[0] != '/')
    return pctx_fail_key(c, "destination", "must be absolute, got \"%s\"", m->destination);
  if (jstr(c, v, "type", &m->type) < 0 || jstr(c, v, "source", &m->source) < 0 ||
      jstrv(c, v, "options", &m->options) < 0 ||
      id_mappings(c, v, "uidMappings", &m->uid_mappings, &m->n_uid_mappings) < 0 ||
      id_mappings(c, v, "gidMappings", &m->gid_mappings, &m->n_gid_mappings) < 0)
    return -1;
  if ((m->n_uid_mappings == 0) != (m->n_gid_mappings == 0))
    return pctx_fail(c, "idmapped mount needs both uidMappings and gidMappings");
  return 0;
}

static int parse_mounts(struct pctx *c, yajl_val obj, struct hull_spec *s) {
  yajl_val a;
  if (jarr(c, obj, "mounts", &a) < 0) return -1;
  if (a == NULL) return 0;
  s->mounts = hull_xcalloc(a->u.array.len + 1, sizeof(*s->mounts));
  s->n_mounts = a->u.array.len;
  size_t old = pctx_key(c, "mounts");
  for (size_t i = 0; i < a->u.array.len; i++) {
    size_t o2 = pctx_index(c, i);
    if (parse_mount(c, a->u.array.values[i], &s->mounts[i]) < 0) return -1;
    pctx_pop(c, o2);
  }
  pctx_pop(c, old);
  return 0;
}

static const char *const hook_keys[HULL_HOOK_NKINDS] = {
    [HULL_HOOK_PRESTART] = "prestart",
    [HULL_HOOK_CREATE_RUNTIME] = "createRuntime",
    [HULL_HOOK_CREATE_CONTAINER] = "createContainer",
    [HULL_HOOK_START_CONTAINER] = "startContainer",
    [HULL_HOOK_POSTSTART] = "poststart",
    [HULL_HOOK_POSTSTOP] = "poststop",
};

static int parse_hook(struct pctx *c, yajl_val v, struct hull_hook *h) {
  if (vobj(c, v) < 0 || jstr_req(c, v, "path", &h->path) < 0) return -1;
  if (h->path[0] != '/') return pctx_fail_key(c, "path", "must be absolute, got \"%s\"", h->path);
  int64_t t = 0;
  if (jstrv(c, v, "args", &h->args) < 0 || jstrv(c, v, "env", &h->env) < 0 ||
      jint(c, v, "timeout", INT32_MIN, INT32_MAX, &t, &h->has_timeout) < 0)
    return -1;
  if (h->has_timeout && t <= 0)
    return pctx_fail_key(c, "timeout", "must be greater than 0, got %lld", (long long)t);
  h->timeout = (int)t;
  return 0;
}

static int parse_hooks(struct pctx *c, yajl_val obj, struct hull_hooks *hooks) {
  yajl_val v;
  if (jobj(c, obj, "hooks", &v) < 0) return -1;
  if (v == NULL) return 0;
  size_t old = pctx_key(c, "hooks");
  for (int k = 0; k < HULL_HOOK_NKINDS; k++) {
    yajl_val a;
    if (jarr(c, v, hook_keys[k], &a) < 0) return -1;
    if (a == NULL) continue;
    hooks->list[k] = hull_xcalloc(a->u.array.len + 1, sizeof(struct hull_hook));
    hooks->count[k] = a->u.array.len;
    size_t o2 = pctx_key(c, hook_keys[k]);
    for (size_t i = 0; i < a->u.array.len; i++) {
      size_t o3 = pctx_index(c, i);
      if (parse_hook(c, a->u.array.values[i], &hooks->list[k][i]) < 0) return -1;
      pctx_pop(c, o3);
    }
    pctx_pop(c, o2);
  }
  pctx_pop(c, old);
  return 0;
}

static int parse_root(struct pctx *c, yajl_val obj, struct hull_spec *s) {
  yajl_val v;
  if (jobj(c, obj, "root", &v) < 0) return -1;
  if (v == NULL) return pctx_fail_key(c, "root", "required");
  size_t old = pctx_key(c, "root");
  if (jstr_req(c, v, "path", &s->root_path) < 0 ||
      jbool(c, v, "readonly", &s->root_readonly, NULL) < 0)
    return -1;
  if (s->root_path[0] == '\0') return pctx_fail_key(c, "path", "must not be empty");
  pctx_pop(c, old);
  return 0;
}

static int parse_top(struct pctx *c, yajl_val v, struct hull_spec *s) {
  if (vobj(c, v) < 0) return -1;
  if (jstr_req(c, v, "ociVersion", &s->oci_version) < 0) return -1;
  if (s->oci_version[0] == '\0') return pctx_fail_key(c, "ociVersion", "must not be empty");
  if (parse_root(c, v, s) < 0 || parse_mounts(c, v, s) < 0) return -1;
  yajl_val sub;
  if (jobj(c, v, "process", &sub) < 0) return -1;
  if (sub) {
    size_t old = pctx_key(c, "process");
    s->has_process = true;
    if (parse_process(c, sub, &s->process) < 0) return -1;
    pctx_pop(c, old);
  }
  if (jstr(c, v, "hostname", &s->hostname) < 0 || jstr(c, v, "domainname", &s->domainname) < 0 ||
      parse_hooks(c, v, &s->hooks) < 0)
    return -1;
  struct hull_kv *kv = NULL;
  size_t n = 0;
  if (jkv(c, v, "annotations", &kv, &n) < 0) return -1;
  /* hull_kv and hull_annotation have the same layout; copy to be strict. */
  if (kv) {
    s->annotations = hull_xcalloc(n + 1, sizeof(*s->annotations));
    for (size_t i = 0; i < n; i++) {
      s->annotations[i].key = kv[i].key;
      s->annotations[i].value = kv[i].value;
    }
    s->n_annotations = n;
    free(kv);
  }
  if (jobj(c, v, "linux", &sub) < 0) return -1;
  if (sub) {
    size_t old = pctx_key(c, "linux");
    s->has_linux = true;
    if (parse_linux(c, sub, &s->linux_) < 0) return -1;
    pctx_pop(c, old);
  }
  return validate_spec(c, s);
}

struct hull_spec *hull_spec_parse(const char *json, size_t len, struct hull_err **err) {
  struct json_doc *doc = json_parse_text(json, len, "config", err);
  if (doc == NULL) return NULL;
  struct pctx c;
  pctx_init(&c, NULL, err);
  struct hull_spec *s = hull_xcalloc(1, sizeof(*s));
  int r = parse_top(&c, json_doc_root(doc), s);
  json_doc_free(doc);
  if (r < 0) {
    hull_spec_free(s);
    return NULL;
  }
  return s;
}

struct hull_spec *hull_spec_load(const char *path, struct hull_err **err) {
  size_t len = 0;
  _cleanup_free_ char *text = hull_read_file(path, &len, err);
  if (text == NULL) return NULL;
  struct hull_spec *s = hull_spec_parse(text, len, err);
  if (s == NULL) hull_err_prefix(err, "%s", path);
  return s;
}

/* Only the parts teardown uses, each on its own: annotations with string
 * values (net/ reads run.hull.net*), and the poststop hooks that parse. */
static void teardown_annotations(yajl_val root, struct hull_spec *s) {
  yajl_val m = jget(root, "annotations");
  if (m == NULL || !YAJL_IS_OBJECT(m)) return;
  s->annotations = hull_xcalloc(m->u.object.len + 1, sizeof(*s->annotations));
  for (size_t i = 0; i < m->u.object.len; i++) {
    yajl_val v = m->u.object.values[i];
    if (key_repeated_later(m, i) || !YAJL_IS_STRING(v)) continue;
    s->annotations[s->n_annotations].key = hull_xstrdup(m->u.object.keys[i]);
    s->annotations[s->n_annotations++].value = hull_xstrdup(YAJL_GET_STRING(v));
  }
}

static void teardown_poststop(yajl_val root, struct hull_hooks *hooks) {
  yajl_val a = jget(jget(root, "hooks"), "poststop");
  if (a == NULL || !YAJL_IS_ARRAY(a)) return;
  struct hull_hook *list = hull_xcalloc(a->u.array.len + 1, sizeof(*list));
  size_t n = 0;
  for (size_t i = 0; i < a->u.array.len; i++) {
    struct hull_err *e = NULL;
    struct pctx c;
    pctx_init(&c, NULL, &e);
    if (parse_hook(&c, a->u.array.values[i], &list[n]) == 0) {
      n++;
    } else {
      free(list[n].path);
      hull_strv_free(list[n].args);
      hull_strv_free(list[n].env);
      memset(&list[n], 0, sizeof(list[n]));
    }
    hull_err_free(&e);
  }
  hooks->list[HULL_HOOK_POSTSTOP] = list;
  hooks->count[HULL_HOOK_POSTSTOP] = n;
}

struct hull_spec *hull_spec_parse_teardown(const char *json, size_t len, struct hull_err **err) {
  struct json_doc *doc = json_parse_text(json, len, "config", err);
  if (doc == NULL) return NULL;
  yajl_val root = json_doc_root(doc);
  struct hull_spec *s = hull_xcalloc(1, sizeof(*s));
  teardown_annotations(root, s);
  teardown_poststop(root, &s->hooks);
  json_doc_free(doc);
  return s;
}

struct hull_spec *hull_spec_load_teardown(const char *path, struct hull_err **err) {
  size_t len = 0;
  _cleanup_free_ char *text = hull_read_file(path, &len, err);
  if (text == NULL) return NULL;
  struct hull_spec *s = hull_spec_parse_teardown(text, len, err);
  if (s == NULL) hull_err_prefix(err, "%s", path);
  return s;
}

void hull_spec_free(struct hull_spec *s) {
  if (s == NULL) return;
  free(s->oci_version);
  free(s->root_path);
  for (size_t i = 0; i < s->n_mounts; i++) {
    struct hull_mount *m = &s->mounts[i];
    free(m->destination);
    free(m->type);
    free(m->source);
    hull_strv_free(m->options);
    free(m->uid_mappings);
    free(m->gid_mappings);
  }
  free(s->mounts);
  process_clear(&s->process);
  free(s->hostname);
  free(s->domainname);
  for (int k = 0; k < HULL_HOOK_NKINDS; k++) {
    for (size_t i = 0; i < s->hooks.count[k]; i++) {
      free(s->hooks.list[k][i].path);
      hull_strv_free(s->hooks.list[k][i].args);
      hull_strv_free(s->hooks.list[k][i].env);
    }
    free(s->hooks.list[k]);
  }
  for (size_t i = 0; i < s->n_annotations; i++) {
    free(s->annotations[i].key);
    free(s->annotations[i].value);
  }
  free(s->annotations);
  linux_clear(&s->linux_);
  free(s);
}

void hull_specp_free(struct hull_spec **s) {
  if (s) hull_spec_free(*s);
}
