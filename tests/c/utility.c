/* The utility family through the C API: SHA-256 known answers, Ed25519 verification (valid,
 * invalid, malleated), buffer and base64 errors. */
#include "check.h"

static OlmUtility *utility(void) {
    static void *memory;
    free(memory);
    memory = malloc(olm_utility_size());
    return olm_utility(memory);
}

static size_t sha(OlmUtility *u, const char *input, char *out, size_t out_len) {
    return olm_sha256(u, input, strlen(input), out, out_len);
}

/* RFC 8032 test 2 (message 0x72), base64; MALLEATED has S replaced by S+L. */
#define KEY "PUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgw"
#define SIG "kqAJqfDUyrhyDoILX2QlQKKye1QWUD+Ps3YiI+vbadoIWsHkPhWZbkWPNhPQ8R2MOHsurrQwKu6wDSkWErsMAA"
#define MALLEATED "kqAJqfDUyrhyDoILX2QlQKKye1QWUD+Ps3YiI+vbadr1LbdBWXirxhssLrau6/ygOHsurrQwKu6wDSkWErsMEA"

static size_t verify(OlmUtility *u, const char *key, size_t key_len, const char *msg, const char *sig, size_t sig_len) {
    char copy[128];
    memcpy(copy, sig, sig_len); /* libolm decodes the signature in place */
    return olm_ed25519_verify(u, key, key_len, msg, strlen(msg), copy, sig_len);
}

int main(void) {
    check_library_under_test();
    OlmUtility *u = utility();
    char out[64];

    CHECK(olm_sha256_length(u) == 43, "%zu", olm_sha256_length(u));
    memset(out, 0, sizeof out);
    CHECK(sha(u, "", out, 43) == 43, "sha256 length");
    CHECK(memcmp(out, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", 43) == 0, "%.43s", out);
    CHECK(sha(u, "abc", out, 64) == 43, "a larger buffer is fine");
    CHECK(memcmp(out, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0", 43) == 0, "%.43s", out);
    CHECK(olm_utility_last_error_code(u) == OLM_SUCCESS, "no error yet");

    CHECK(sha(u, "abc", out, 42) == olm_error(), "one byte short");
    CHECK(olm_utility_last_error_code(u) == OLM_OUTPUT_BUFFER_TOO_SMALL, "%d", olm_utility_last_error_code(u));
    CHECK(strcmp(olm_utility_last_error(u), "OUTPUT_BUFFER_TOO_SMALL") == 0, "%s", olm_utility_last_error(u));

    u = utility();
    CHECK(verify(u, KEY, 43, "\x72", SIG, 86) == 0, "valid signature: %s", olm_utility_last_error(u));
    CHECK(verify(u, KEY, 43, "\x73", SIG, 86) == olm_error(), "other message");
    CHECK(olm_utility_last_error_code(u) == OLM_BAD_MESSAGE_MAC, "%s", olm_utility_last_error(u));

    /* Strict Ed25519 (deliberate difference 1): libolm accepts S+L, we refuse it. */
    u = utility();
    CHECK(verify(u, KEY, 43, "\x72", MALLEATED, 86) == olm_error(), "S+L accepted");
    CHECK(olm_utility_last_error_code(u) == OLM_BAD_MESSAGE_MAC, "%s", olm_utility_last_error(u));

    u = utility();
    CHECK(verify(u, KEY, 42, "\x72", SIG, 86) == olm_error(), "short key");
    CHECK(olm_utility_last_error_code(u) == OLM_INVALID_BASE64, "%s", olm_utility_last_error(u));
    u = utility();
    CHECK(verify(u, KEY "A", 44, "\x72", SIG, 86) == olm_error(), "long key");
    CHECK(olm_utility_last_error_code(u) == OLM_INVALID_BASE64, "%s", olm_utility_last_error(u));
    u = utility();
    CHECK(verify(u, KEY, 43, "\x72", SIG, 85) == olm_error(), "short signature");
    CHECK(olm_utility_last_error_code(u) == OLM_INVALID_BASE64, "%s", olm_utility_last_error(u));
    END();
}
