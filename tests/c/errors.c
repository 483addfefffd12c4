/* Error strings and codes: every code's string is libolm's (compared with Debian's
 * _olm_error_to_string, loaded privately), and errors are sticky. */
#include "check.h"

typedef const char *(*to_string_fn)(enum OlmErrorCode);

int main(void) {
    check_library_under_test();
    void *libolm = dlopen(REFERENCE_LIBOLM, RTLD_NOW | RTLD_LOCAL);
    CHECK(libolm != NULL, "Debian's libolm: %s", dlerror());
    if (!libolm) END();
    to_string_fn reference = (to_string_fn)dlsym(libolm, "_olm_error_to_string");
    CHECK(reference != NULL && reference != _olm_error_to_string, "libolm's own function");
    if (!reference) END();

    unsigned codes[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 100, 0x7fffffff, 0xffffffffu};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        enum OlmErrorCode code = (enum OlmErrorCode)codes[i];
        const char *ours = _olm_error_to_string(code), *theirs = reference(code);
        CHECK(ours && strcmp(ours, theirs) == 0, "code %u: ours %s, libolm %s", codes[i], ours, theirs);
    }
    CHECK(strcmp(_olm_error_to_string(OLM_PICKLE_EXTRA_DATA), "OLM_PICKLE_EXTRA_DATA") == 0, "prefix");
    CHECK(strcmp(_olm_error_to_string((enum OlmErrorCode)18), "UNKNOWN_ERROR") == 0, "unknown");

    /* Sticky: a success after a failure keeps the failure's code and string. */
    void *memory = malloc(olm_utility_size());
    OlmUtility *u = olm_utility(memory);
    char out[43];
    CHECK(strcmp(olm_utility_last_error(u), "SUCCESS") == 0, "fresh: %s", olm_utility_last_error(u));
    CHECK(olm_sha256(u, "x", 1, out, 1) == olm_error(), "fails");
    CHECK(olm_sha256(u, "x", 1, out, 43) == 43, "succeeds");
    CHECK(olm_utility_last_error_code(u) == OLM_OUTPUT_BUFFER_TOO_SMALL, "sticky code %d", olm_utility_last_error_code(u));
    CHECK(strcmp(olm_utility_last_error(u), "OUTPUT_BUFFER_TOO_SMALL") == 0, "sticky string");
    /* A later, different failure replaces it. */
    char sig[2] = {'A', 'A'};
    CHECK(olm_ed25519_verify(u, "A", 1, "m", 1, sig, 2) == olm_error(), "fails");
    CHECK(olm_utility_last_error_code(u) == OLM_INVALID_BASE64, "%d", olm_utility_last_error_code(u));
    CHECK(olm_clear_utility(u) > 0, "clear returns the size");
    CHECK(olm_utility_last_error_code(u) == OLM_SUCCESS, "clear resets the error");
    free(memory);
    dlclose(libolm);
    END();
}
