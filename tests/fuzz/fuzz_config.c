/* libFuzzer target: config.json, `exec --process` and `update --resources`
 * parsing. Any crash, leak or sanitizer report is a bug; rejected input is
 * fine, but a rejection must carry a message. */
#include "spec/spec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_err(struct hull_err *err) {
  if (err == NULL || err->msg == NULL || err->msg[0] == '\0') abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct hull_err *err = NULL;
  struct hull_spec *s = hull_spec_parse((const char *)data, size, &err);
  if (s) {
    /* Exercise the lookups on whatever was accepted. */
    for (int t = 0; t < HULL_NS_NTYPES; t++) (void)hull_spec_namespace(s, t);
    (void)hull_spec_annotation(s, "run.hull.init");
    hull_spec_free(s);
  } else {
    check_err(err);
    hull_err_free(&err);
  }
  struct hull_process *p = hull_process_parse((const char *)data, size, &err);
  if (p) hull_process_free(p);
  else {
    check_err(err);
    hull_err_free(&err);
  }
  struct hull_resources *r = hull_resources_parse((const char *)data, size, &err);
  if (r) hull_resources_free(r);
  else {
    check_err(err);
    hull_err_free(&err);
  }
  return 0;
}
