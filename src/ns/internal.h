/* Shared inside ns/ only. */
#ifndef HULL_NS_INTERNAL_H
#define HULL_NS_INTERNAL_H

#include "util/util.h"

#include <sys/types.h>

/* Writes text to /proc/<pid>/<file> (pid 0: /proc/self) in one write. */
int ns_write_proc(pid_t pid, const char *file, const char *text, struct hull_err **err);

#endif
