/* spec/: JSON text -> a yajl_val tree, built by hull from yajl's event
 * parser into one arena: the same read-only tree shape as yajl_tree_parse
 * (struct yajl_val_s, so the readers use the YAJL_* macros), but a handful
 * of allocations instead of several per value, one free, no copy of the
 * input, and the error position for free. Malformed JSON is reported with
 * line and column; so are nesting deeper than MAX_DEPTH, NUL bytes and
 * "\u0000" inside strings (C strings would silently cut there). */
#include "spec/internal.h"

#include <string.h>
#include <yajl/yajl_parse.h>

#define MAX_DEPTH 200
#define CHUNK_MIN 16384

struct chunk {
  struct chunk *next;
  size_t size, used;
  max_align_t data[];
};

struct json_doc {
  yajl_val root;
  struct chunk *chunks;
};

struct frame {
  yajl_val node;
  size_t start; /* first scratch slot of this container's children */
};

struct builder {
  struct json_doc *doc;
  struct frame frames[MAX_DEPTH];
  int depth;
  void **scratch; /* children of open containers; objects push key, value */
  size_t n, cap;
  const char *fail; /* why a callback stopped the parse */
};

static void *arena_alloc(struct json_doc *d, size_t n) {
  n = (n + 7) & ~(size_t)7; /* pointers, long long and double: 8 is enough */
  struct chunk *c = d->chunks;
  if (c == NULL || c->size - c->used < n) {
    size_t size = c ? c->size * 2 : CHUNK_MIN;
    if (size > (1u << 20)) size = 1u << 20;
    if (size < n) size = n;
    struct chunk *nc = hull_xmalloc(sizeof(*nc) + size);
    nc->size = size;
    nc->used = 0;
    nc->next = c;
    d->chunks = c = nc;
  }
  void *p = (char *)c->data + c->used;
  c->used += n;
  return p;
}

static char *arena_str(struct json_doc *d, const unsigned char *s, size_t len) {
  char *p = arena_alloc(d, len + 1);
  memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

static yajl_val new_node(struct builder *b, yajl_type type) {
  yajl_val v = arena_alloc(b->doc, sizeof(*v));
  memset(v, 0, sizeof(*v));
  v->type = type;
  return v;
}

static void push(struct builder *b, void *p) {
  if (b->n == b->cap) {
    b->cap = b->cap ? b->cap * 2 : 256;
    b->scratch = hull_xrealloc(b->scratch, b->cap * sizeof(void *));
  }
  b->scratch[b->n++] = p;
}

/* A finished value goes to its parent (or becomes the root). */
static int add(struct builder *b, yajl_val v) {
  if (b->depth == 0) b->doc->root = v;
  else push(b, v);
  return 1;
}

static int on_null(void *ctx) { return add(ctx, new_node(ctx, yajl_t_null)); }

static int on_bool(void *ctx, int val) {
  return add(ctx, new_node(ctx, val ? yajl_t_true : yajl_t_false));
}

/* Numbers keep their text only (u.number.r): readers parse it with range
 * checks of their own; flags stay 0, so YAJL_IS_INTEGER is not to be used. */
static int on_number(void *ctx, const char *s, size_t len) {
  struct builder *b = ctx;
  yajl_val v = new_node(b, yajl_t_number);
  v->u.number.r = arena_str(b->doc, (const unsigned char *)s, len);
  return add(b, v);
}

static int on_string(void *ctx, const unsigned char *s, size_t len) {
  struct builder *b = ctx;
  if (memchr(s, '\0', len)) {
    b->fail = "\\u0000 in a string";
    return 0;
  }
  yajl_val v = new_node(b, yajl_t_string);
  v->u.string = arena_str(b->doc, s, len);
  return add(b, v);
}

static int on_key(void *ctx, const unsigned char *s, size_t len) {
  struct builder *b = ctx;
  if (memchr(s, '\0', len)) {
    b->fail = "\\u0000 in a key";
    return 0;
  }
  push(b, arena_str(b->doc, s, len));
  return 1;
}

static int open_container(struct builder *b, yajl_type type) {
  if (b->depth == MAX_DEPTH) {
    b->fail = "nesting deeper than 200 levels";
    return 0;
  }
  b->frames[b->depth].node = new_node(b, type);
  b->frames[b->depth++].start = b->n;
  return 1;
}

static int on_start_map(void *ctx) { return open_container(ctx, yajl_t_object); }
static int on_start_array(void *ctx) { return open_container(ctx, yajl_t_array); }

static int on_end_map(void *ctx) {
  struct builder *b = ctx;
  struct frame *f = &b->frames[--b->depth];
  size_t len = (b->n - f->start) / 2;
  yajl_val v = f->node;
  v->u.object.len = len;
  v->u.object.keys = arena_alloc(b->doc, (len ? len : 1) * sizeof(char *));
  v->u.object.values = arena_alloc(b->doc, (len ? len : 1) * sizeof(yajl_val));
  for (size_t i = 0; i < len; i++) {
    v->u.object.keys[i] = b->scratch[f->start + 2 * i];
    v->u.object.values[i] = b->scratch[f->start + 2 * i + 1];
  }
  b->n = f->start;
  return add(b, v);
}

static int on_end_array(void *ctx) {
  struct builder *b = ctx;
  struct frame *f = &b->frames[--b->depth];
  size_t len = b->n - f->start;
  yajl_val v = f->node;
  v->u.array.len = len;
  v->u.array.values = arena_alloc(b->doc, (len ? len : 1) * sizeof(yajl_val));
  if (len) /* scratch is still NULL when nothing was ever pushed */
    memcpy(v->u.array.values, b->scratch + f->start, len * sizeof(yajl_val));
  b->n = f->start;
  return add(b, v);
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_null,           .yajl_boolean = on_bool,
    .yajl_number = on_number,       .yajl_string = on_string,
    .yajl_start_map = on_start_map, .yajl_map_key = on_key,
    .yajl_end_map = on_end_map,     .yajl_start_array = on_start_array,
    .yajl_end_array = on_end_array,
};

static void line_col(const char *s, size_t off, size_t *line, size_t *col) {
  *line = 1;
  *col = 1;
  for (size_t i = 0; i < off; i++) {
    if (s[i] == '\n') {
      (*line)++;
      *col = 1;
    } else {
      (*col)++;
    }
  }
}

static void report(const char *text, size_t off, const char *what, const char *reason,
                   struct hull_err **err) {
  size_t line, col;
  line_col(text, off, &line, &col);
  hull_err_set(err, 0, "%s: invalid JSON at line %zu, column %zu: %s", what, line, col, reason);
}

/* yajl's message without its trailing punctuation and newline. */
static void yajl_reason(yajl_handle h, char *buf, size_t size) {
  unsigned char *msg = yajl_get_error(h, 0, NULL, 0);
  snprintf(buf, size, "%s", msg ? (char *)msg : "parse error");
  if (msg) yajl_free_error(h, msg);
  size_t n = strlen(buf);
  while (n && (buf[n - 1] == '\n' || buf[n - 1] == '.' || buf[n - 1] == ' ')) buf[--n] = '\0';
}

void json_doc_free(struct json_doc *doc) {
  if (doc == NULL) return;
  for (struct chunk *c = doc->chunks, *next; c; c = next) {
    next = c->next;
    free(c);
  }
  free(doc);
}

struct json_doc *json_parse_text(const char *json, size_t len, const char *what,
                                 struct hull_err **err) {
  const char *nul = memchr(json, '\0', len);
  if (nul) { /* yajl would call it an invalid char: say what it is */
    report(json, (size_t)(nul - json), what, "NUL byte", err);
    return NULL;
  }
  struct json_doc *doc = hull_xcalloc(1, sizeof(*doc));
  struct builder b = {.doc = doc};
  yajl_handle h = yajl_alloc(&callbacks, NULL, &b);
  yajl_config(h, yajl_allow_comments, 1); /* as yajl_tree_parse did */
  yajl_status st = yajl_parse(h, (const unsigned char *)json, len);
  size_t off = len;
  if (st != yajl_status_ok) {
    off = yajl_get_bytes_consumed(h);
    if (off > 0) off--; /* yajl stops just past the offending byte */
  } else {
    st = yajl_complete_parse(h);
  }
  if (st != yajl_status_ok) {
    char reason[160];
    if (b.fail) snprintf(reason, sizeof(reason), "%s", b.fail);
    else yajl_reason(h, reason, sizeof(reason));
    report(json, off > len ? len : off, what, reason, err);
    json_doc_free(doc);
    doc = NULL;
  }
  yajl_free(h);
  free(b.scratch);
  return doc;
}

yajl_val json_doc_root(const struct json_doc *doc) {
  return doc->root;
}
