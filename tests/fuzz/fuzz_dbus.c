/* libFuzzer target: bytes as a D-Bus message from a peer (systemd or a
 * bus daemon): framing, header fields, then the whole body walked by its
 * signature. Nothing may read out of bounds, leak or crash. */
#include "dbus/dbus.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct hull_err *err = NULL;
  size_t total;
  if (size < 16 || hull_dbus_frame_len(data, size, &total, &err) < 0 || total != size) {
    hull_err_free(&err);
    return 0;
  }
  uint8_t *raw = hull_xmalloc(size);
  memcpy(raw, data, size);
  struct hull_dbus_msg m;
  if (hull_dbus_msg_parse(raw, size, &m, &err) == 0) {
    struct hull_dbus_rd r = {m.body, m.body_len, 0};
    const char *sig = m.sig ? m.sig : "";
    size_t i = 0;
    while (sig[i] && hull_dbus_skip(&r, sig, &i, 0, &err) == 0) {}
    free(hull_dbus_error_text(&m));
  }
  hull_err_free(&err);
  hull_dbus_msg_free(&m);
  return 0;
}
