/* dbus_driver SOCKET: hull's D-Bus client against a real dbus-daemon
 * (dbus-bus.bats starts one): Hello, GetId, AddMatch, NameHasOwner, and a
 * StartTransientUnit with the driver's full property list, which the
 * daemon validates against its signature before finding no systemd to
 * route it to. One line per step on stdout; exit 1 on the first failure. */
#include "cgroup/internal.h"
#include "dbus/dbus.h"

#include <stdio.h>
#include <string.h>

#define BUS "org.freedesktop.DBus"
#define BUS_PATH "/org/freedesktop/DBus"

static int fail(struct hull_err *err) {
  printf("error: %s\n", err ? err->msg : "?");
  hull_err_free(&err);
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  struct hull_err *err = NULL;
  struct hull_dbus *c = hull_dbus_open(argv[1], true, geteuid(), &err);
  if (c == NULL) return fail(err);
  printf("hello: ok\n");
  struct hull_dbus_msg m;
  struct hull_dbus_rd r;
  const char *s;
  struct hull_dbus_call getid = {BUS, BUS_PATH, BUS, "GetId", NULL};
  if (hull_dbus_call(c, &getid, NULL, 5000, &m, &err) < 0 || hull_dbus_body(&m, "s", &r, &err) < 0 ||
      hull_dbus_get_str(&r, &s, &err) < 0)
    goto out;
  printf("id: %zu chars\n", strlen(s));
  hull_dbus_msg_free(&m);
  struct hull_dbus_buf b = {0};
  hull_dbus_put_str(&b, "type='signal',interface='org.freedesktop.systemd1.Manager',member='JobRemoved'");
  struct hull_dbus_call add = {BUS, BUS_PATH, BUS, "AddMatch", "s"};
  int rc = hull_dbus_call(c, &add, &b, 5000, NULL, &err);
  hull_dbus_buf_free(&b);
  if (rc < 0) goto out;
  printf("addmatch: ok\n");
  hull_dbus_put_str(&b, "org.freedesktop.systemd1");
  struct hull_dbus_call has = {BUS, BUS_PATH, BUS, "NameHasOwner", "s"};
  bool owned = true;
  rc = hull_dbus_call(c, &has, &b, 5000, &m, &err);
  hull_dbus_buf_free(&b);
  if (rc < 0 || hull_dbus_body(&m, "b", &r, &err) < 0 || hull_dbus_get_bool(&r, &owned, &err) < 0)
    goto out;
  printf("systemd owned: %s\n", owned ? "yes" : "no");
  hull_dbus_msg_free(&m);
  /* The driver's real call: well-formed, or the daemon says so. */
  struct hull_resources res = {0};
  res.memory.has_limit = res.pids.has_limit = true;
  res.memory.limit = 1 << 26;
  res.pids.limit = 42;
  hull_dbus_put_str(&b, "hull-test.scope");
  hull_dbus_put_str(&b, "replace");
  size_t p = hull_dbus_array_begin(&b, 8);
  if (hull_cg_sd_scope_props(&b, "system.slice", "test", getpid(), &res, &err) < 0) goto out;
  hull_dbus_array_end(&b, p, 8);
  size_t aux = hull_dbus_array_begin(&b, 8);
  hull_dbus_array_end(&b, aux, 8);
  struct hull_dbus_call start = {"org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                 "org.freedesktop.systemd1.Manager", "StartTransientUnit",
                                 "ssa(sv)a(sa(sv))"};
  rc = hull_dbus_call(c, &start, &b, 5000, NULL, &err);
  hull_dbus_buf_free(&b);
  printf("start: %s\n", rc < 0 ? err->msg : "ok");
  hull_err_free(&err);
  hull_dbus_close(c);
  return 0;
out:
  hull_dbus_msg_free(&m);
  hull_dbus_close(c);
  return fail(err);
}
