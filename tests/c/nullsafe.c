/* Null pointers and zero lengths never crash: they are empty inputs or buffers too small. */
#include "check.h"

int main(void) {
    check_library_under_test();
    void *memory = malloc(olm_utility_size());
    OlmUtility *u = olm_utility(memory);
    char out[43];

    CHECK(olm_sha256(u, NULL, 0, out, 43) == 43, "hash of NULL, 0");
    CHECK(memcmp(out, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", 43) == 0, "the hash of nothing");
    CHECK(olm_sha256(u, "", 0, out, 43) == 43, "empty input");
    CHECK(olm_sha256(u, NULL, 0, NULL, 0) == olm_error(), "NULL output");
    CHECK(olm_utility_last_error_code(u) == OLM_OUTPUT_BUFFER_TOO_SMALL, "%d", olm_utility_last_error_code(u));
    CHECK(olm_sha256(u, NULL, 0, NULL, 43) == olm_error(), "NULL output with a length");
    CHECK(olm_ed25519_verify(u, NULL, 0, NULL, 0, NULL, 0) == olm_error(), "all NULL");
    CHECK(olm_utility_last_error_code(u) == OLM_INVALID_BASE64, "%d", olm_utility_last_error_code(u));
    CHECK(olm_ed25519_verify(u, "PUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgw", 43, NULL, 0, NULL, 0) == olm_error(), "NULL signature");
    CHECK(olm_ed25519_verify(u, NULL, 43, "m", 1, NULL, 86) == olm_error(), "NULL key and signature with lengths");

    /* Null handles (outside libolm's contract, but never a crash here). */
    CHECK(olm_utility(NULL) == NULL, "olm_utility(NULL)");
    CHECK(olm_clear_utility(NULL) == olm_utility_size(), "clear(NULL)");
    CHECK(olm_utility_last_error(NULL) != NULL, "last_error(NULL)");
    CHECK(olm_sha256(NULL, "x", 1, out, 43) == olm_error(), "sha256 on NULL");
    CHECK(olm_ed25519_verify(NULL, NULL, 0, NULL, 0, NULL, 0) == olm_error(), "verify on NULL");
    olm_get_library_version(NULL, NULL, NULL);
    CHECK(1, "version with NULL outputs");
    free(memory);
    END();
}
