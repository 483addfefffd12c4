/* Constant-time check in the TIMECOP style: secret inputs are marked undefined for valgrind's
 * memcheck, which then reports every conditional jump and every memory index that depends on
 * them. Outputs that are public by design are marked defined again with PUBLIC before the test
 * looks at them; the library itself declassifies public keys, MAC comparison results,
 * plaintext lengths and pickle structure (src/valgrind.rs). Run with --error-exitcode=1. */
#ifndef OLM_CT_H
#define OLM_CT_H

#include <valgrind/memcheck.h>

#include "../valgrind/common.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

/* Fills with fixed bytes, then marks them secret. */
__attribute__((unused)) static void secret_random(void *buf, size_t len, uint32_t label) {
    fill(buf, len, label);
    SECRET(buf, len);
}

#endif
