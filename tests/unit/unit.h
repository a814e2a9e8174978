/* Common includes for cmocka unit tests. */
#ifndef HULL_UNIT_H
#define HULL_UNIT_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#endif
