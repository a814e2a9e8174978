/* libFuzzer target: the annotation and --net/--overlay value parsers
 * (run.hull.rootfs.overlay, run.hull.net and run.hull.net.*), which read
 * what the config's author or the caller wrote. Input: lines; the first is
 * the --net mode, the others KEY=VALUE annotations (a KEY without a dot is
 * taken as run.hull.net.KEY). Every value also goes through the overlay
 * parser, the ports and the MAC parsers. */
#include "net/netpriv.h"
#include "storage/storage.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ANN 32

static void check_err(struct hull_err **err) {
  if (*err == NULL || (*err)->msg == NULL || (*err)->msg[0] == '\0') abort();
  hull_err_free(err);
}

static void value_parsers(const char *v) {
  struct hull_err *err = NULL;
  struct hull_overlay_cfg oc;
  memset(&oc, 0, sizeof(oc));
  if (hull_overlay_cfg_parse(v, "run.hull.rootfs.overlay", &oc, &err) < 0) check_err(&err);
  else hull_overlay_cfg_free(&oc);
  struct hull_net_port *ports = NULL;
  size_t n = 0;
  if (hull_net_parse_ports(v, &ports, &n, &err) < 0) check_err(&err);
  free(ports);
  uint8_t mac[6];
  (void)hull_net_parse_mac(v, mac);
  (void)hull_net_ifname_valid(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = malloc(size + 1);
  if (text == NULL) return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  struct hull_annotation ann[MAX_ANN];
  struct hull_spec spec;
  memset(&spec, 0, sizeof(spec));
  spec.annotations = ann;
  char *save = NULL;
  char *mode = strtok_r(text, "\n", &save);
  for (char *l = strtok_r(NULL, "\n", &save); l && spec.n_annotations < MAX_ANN;
       l = strtok_r(NULL, "\n", &save)) {
    char *eq = strchr(l, '=');
    if (eq == NULL) continue;
    *eq = '\0';
    struct hull_annotation *a = &ann[spec.n_annotations++];
    a->key = strchr(l, '.') ? strdup(l) : hull_xasprintf("run.hull.net.%s", l);
    a->value = strdup(eq + 1);
    value_parsers(a->value);
  }
  if (mode) value_parsers(mode);
  struct hull_err *err = NULL;
  struct hull_net_opts o;
  memset(&o, 0, sizeof(o));
  if (hull_net_opts_parse(&spec, mode, &o, &err) < 0) check_err(&err);
  else hull_net_opts_free(&o);
  for (size_t i = 0; i < spec.n_annotations; i++) {
    free(ann[i].key);
    free(ann[i].value);
  }
  free(text);
  return 0;
}
