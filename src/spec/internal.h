/* spec/ internals: JSON path tracking, typed readers over the yajl tree, enum
 * tables and the per-section parsers. Nothing here is visible outside spec/. */
#ifndef HULL_SPEC_INTERNAL_H
#define HULL_SPEC_INTERNAL_H

#include "spec/spec.h"

#include <yajl/yajl_tree.h>

/* Parse context: the JSON path of the value being read, for error messages
 * ("linux.resources.memory.limit: expected integer, got string"). */
struct pctx {
  struct hull_err **err;
  size_t len;
  char path[512];
};

void pctx_init(struct pctx *c, const char *root, struct hull_err **err);
/* Each push returns the previous length; pass it to pctx_pop. */
size_t pctx_key(struct pctx *c, const char *key);    /* .key */
size_t pctx_mapkey(struct pctx *c, const char *key); /* ["key"] */
size_t pctx_index(struct pctx *c, size_t i);         /* [i] */
void pctx_pop(struct pctx *c, size_t old);
/* "path: message". Always returns -1. */
int pctx_fail(struct pctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "path.key: message". Always returns -1. */
int pctx_fail_key(struct pctx *c, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

const char *json_type_name(yajl_val v);
/* Member of an object; NULL when absent or JSON null (null means "not set",
 * as Go-written configs use it). */
yajl_val jget(yajl_val obj, const char *key);
/* True when obj's i-th key appears again later (maps: the last one wins). */
bool key_repeated_later(yajl_val obj, size_t i);

/* Typed readers: the value at obj[key]. Absent: return 0, output untouched
 * (the *present flag, when given, is set to false). A wrong type or range is
 * an error naming path.key. */
int jstr(struct pctx *c, yajl_val obj, const char *key, char **out);
int jstr_req(struct pctx *c, yajl_val obj, const char *key, char **out);
int jbool(struct pctx *c, yajl_val obj, const char *key, bool *out, bool *present);
int jint(struct pctx *c, yajl_val obj, const char *key, int64_t min, int64_t max,
         int64_t *out, bool *present);
int juint(struct pctx *c, yajl_val obj, const char *key, uint64_t max, uint64_t *out,
          bool *present);
int ju32(struct pctx *c, yajl_val obj, const char *key, uint32_t *out, bool *present);
int ju32_req(struct pctx *c, yajl_val obj, const char *key, uint32_t *out);
int jstrv(struct pctx *c, yajl_val obj, const char *key, char ***out);
/* Object/array members: NULL and 0 when absent, -1 on a wrong type. */
int jobj(struct pctx *c, yajl_val obj, const char *key, yajl_val *out);
int jarr(struct pctx *c, yajl_val obj, const char *key, yajl_val *out);
/* The same checks on a value already in hand (path already pushed). */
int vint(struct pctx *c, yajl_val v, int64_t min, int64_t max, int64_t *out);
int vuint(struct pctx *c, yajl_val v, uint64_t max, uint64_t *out);
int vstr(struct pctx *c, yajl_val v, char **out);
int vobj(struct pctx *c, yajl_val v);
/* A "0-3,7" list of CPUs or memory nodes ("" is allowed: inherit). */
int jidlist(struct pctx *c, yajl_val obj, const char *key, const char *what, char **out);
/* A map of string to string (annotations, sysctl, unified). */
int jkv(struct pctx *c, yajl_val obj, const char *key, struct hull_kv **out, size_t *n);
int id_mappings(struct pctx *c, yajl_val obj, const char *key,
                struct hull_id_mapping **out, size_t *n);

/* Parses text into a read-only yajl_val tree held in one arena (free it
 * with json_doc_free); malformed JSON is reported with line and column, and
 * so are nesting deeper than 200, NUL bytes and "\u0000" in strings. */
struct json_doc;
struct json_doc *json_parse_text(const char *json, size_t len, const char *what,
                                 struct hull_err **err);
yajl_val json_doc_root(const struct json_doc *doc);
void json_doc_free(struct json_doc *doc);

/* ---- enum tables: name <-> value --------------------------------------- */
struct enum_entry {
  const char *name;
  int64_t value;
};
/* Returns 0 and the value, or fails "path: unknown <what> \"name\"". */
int enum_lookup(struct pctx *c, const struct enum_entry *table, const char *what,
                const char *name, int64_t *out);
extern const struct enum_entry seccomp_actions[], seccomp_ops[], seccomp_archs[],
    seccomp_flags[], sched_policies[], sched_flags[], ioprio_classes[], mpol_modes[],
    mpol_flags[], personality_domains[], propagations[];

/* ---- sections ---------------------------------------------------------- */
int parse_process(struct pctx *c, yajl_val v, struct hull_process *p);
int parse_linux(struct pctx *c, yajl_val v, struct hull_linux *l);
int parse_resources(struct pctx *c, yajl_val v, struct hull_resources *r);
int parse_seccomp(struct pctx *c, yajl_val v, struct hull_seccomp *s);
/* Checks that look at several fields together (after the parse). */
int validate_spec(struct pctx *c, const struct hull_spec *s);

void process_clear(struct hull_process *p);
void resources_clear(struct hull_resources *r);
void linux_clear(struct hull_linux *l);
void kv_free(struct hull_kv *kv, size_t n);

#endif
