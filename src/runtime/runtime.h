/* runtime: the container lifecycle. cli/ calls only this header. */
#ifndef HULL_RUNTIME_H
#define HULL_RUNTIME_H

#include "util/util.h"

/* /run/hull for root in the initial user namespace, else
 * $XDG_RUNTIME_DIR/hull (falling back to /run/user/<uid>/hull). */
const char *hull_runtime_default_root(void);

#endif
