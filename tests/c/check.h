/* A tiny test frame for the C tests: CHECK counts, END prints `N passed, N failed` and gives
 * the exit status. Every program first makes sure it runs against OUR library (the rpath of the
 * build must not fall back to Debian's libolm.so.3, which has the same soname). */
#ifndef OLM_TEST_CHECK_H
#define OLM_TEST_CHECK_H

#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "olm/olm.h"

/* Debian's libolm of the architecture under test, the reference some programs compare with. */
#ifndef REFERENCE_LIBOLM
#error "REFERENCE_LIBOLM: the path of Debian's libolm.so.3 (tests/c/Makefile defines it)"
#endif

#ifndef CHECK_VARIANT
#define CHECK_VARIANT ""
#endif

static int check_passed, check_failed;

#define CHECK(cond, ...)                                                  \
    do {                                                                  \
        if (cond) {                                                       \
            check_passed++;                                               \
        } else {                                                          \
            check_failed++;                                               \
            printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);        \
            printf(__VA_ARGS__);                                          \
            printf("\n");                                                 \
        }                                                                 \
    } while (0)

#define END()                                                             \
    do {                                                                  \
        printf("%s%s: %d passed, %d failed\n", __FILE__, CHECK_VARIANT,   \
               check_passed, check_failed);                               \
        return check_failed ? 1 : 0;                                      \
    } while (0)

/* The library our symbols come from is the one under test: version 3.2.16 (Debian's libolm
 * says 3.2.13) and, when dynamically linked, a file of our build. */
static inline void check_library_under_test(void) {
    uint8_t major = 0, minor = 0, patch = 0;
    olm_get_library_version(&major, &minor, &patch);
    if (major != 3 || minor != 2 || patch != 16) {
        printf("FAIL: running against libolm %u.%u.%u, not this library\n", major, minor, patch);
        exit(2);
    }
    Dl_info info;
    if (dladdr((void *)olm_sha256, &info) && info.dli_fname && strstr(info.dli_fname, "libolm.so.3")
        && strncmp(info.dli_fname, "/usr/", 5) == 0) {
        printf("FAIL: olm_sha256 comes from %s\n", info.dli_fname);
        exit(2);
    }
}

/* Memory holding `needle`? (key material left behind). */
static inline int contains(const void *haystack, size_t n, const void *needle, size_t m) {
    const unsigned char *h = haystack;
    for (size_t i = 0; i + m <= n; i++) {
        if (memcmp(h + i, needle, m) == 0) return 1;
    }
    return 0;
}

#endif
