/* libFuzzer target: state.json as read back from the root dir (list,
 * state, delete, exec read it; anyone who can write the root dir controls
 * it), and the cgroup it records (exec, pause and delete load it).
 * Accepted states must serialize and parse back; a rejection must carry a
 * message. */
#include "cgroup/cgroup.h"
#include "runtime/runtime.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *json = malloc(size + 1);
  if (json == NULL) return 0;
  memcpy(json, data, size);
  json[size] = '\0';
  struct hull_err *err = NULL;
  struct hull_state *st = hull_state_from_json(json, &err);
  free(json);
  if (st == NULL) {
    if (err == NULL || err->msg == NULL || err->msg[0] == '\0') abort();
    hull_err_free(&err);
    return 0;
  }
  if (st->cgroup) {
    struct hull_cgroup *cg = hull_cgroup_load(st->cgroup, &err);
    if (cg) hull_cgroup_free(cg);
    else hull_err_free(&err);
  }
  char *out = hull_state_to_json(st, &err);
  if (out == NULL) abort(); /* what was accepted must be writable */
  struct hull_state *again = hull_state_from_json(out, &err);
  if (again == NULL) abort(); /* and read back */
  hull_state_free(again);
  free(out);
  hull_state_free(st);
  return 0;
}
