/* libFuzzer target: seccomp profiles all the way to BPF. The input is a
 * config.json (seed: profiles of the runtime-spec vectors and containerd's
 * default); when it parses and has linux.seccomp, the profile is compiled
 * (libseccomp, the ENOSYS stub, notify checks) but never loaded. A profile
 * that parses but does not compile must say why. */
#include "security/security.h"
#include "spec/spec.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct hull_err *err = NULL;
  struct hull_spec *s = hull_spec_parse((const char *)data, size, &err);
  if (s == NULL) {
    hull_err_free(&err);
    return 0;
  }
  if (s->linux_.seccomp.present) {
    struct hull_seccomp_filter *f = hull_seccomp_compile(&s->linux_.seccomp, &err);
    if (f) {
      hull_seccomp_filter_free(f);
    } else {
      if (err == NULL || err->msg == NULL || err->msg[0] == '\0') abort();
      hull_err_free(&err);
    }
  }
  hull_spec_free(s);
  return 0;
}
