/* Constant time of what accounts reach: X25519 and Ed25519 key generation from secret random
 * bytes, Ed25519 signing, the pickle envelope (HKDF, AES-256-CBC both ways, HMAC-SHA-256, its
 * comparison) under a secret pickle key, base64 of secret data both ways, and SHA-256. */
#include <olm/olm.h>

#include "ct.h"

int main(void) {
    OlmAccount *a = olm_account(object(olm_account_size()));
    uint8_t r[64];
    secret_random(r, sizeof r, 1);
    CHECK(olm_create_account(a, r, sizeof r) == 0);

    /* Public keys come out defined: the library declassifies them where it derives them. */
    char ids[200];
    size_t n = olm_account_identity_keys(a, ids, sizeof ids);
    CHECK(n == olm_account_identity_keys_length(a));
    CHECK(memcmp(ids, "{\"curve25519\":\"", 15) == 0 && ids[n - 1] == '}');

    size_t rl = olm_account_generate_one_time_keys_random_length(a, 3);
    uint8_t otk_r[96];
    secret_random(otk_r, rl, 2);
    CHECK(olm_account_generate_one_time_keys(a, 3, otk_r, rl) == 3);
    uint8_t fb_r[32];
    secret_random(fb_r, sizeof fb_r, 3);
    CHECK(olm_account_generate_fallback_key(a, fb_r, sizeof fb_r) == 1);
    char json[400];
    n = olm_account_one_time_keys(a, json, sizeof json);
    CHECK(n != olm_error() && json[n - 1] == '}');
    n = olm_account_unpublished_fallback_key(a, json, sizeof json);
    CHECK(n != olm_error() && json[n - 1] == '}');

    /* Signing: the signature is public once made. */
    const char msg[] = "{\"a\":\"message to sign\"}";
    char sig1[86], sig2[86];
    CHECK(olm_account_sign(a, msg, strlen(msg), sig1, sizeof sig1) == 86);
    PUBLIC(sig1, sizeof sig1);
    char ed[64];
    json_value(ids, olm_account_identity_keys_length(a), "ed25519", ed, sizeof ed);
    OlmUtility *u = olm_utility(object(olm_utility_size()));
    memcpy(sig2, sig1, 86);
    CHECK(olm_ed25519_verify(u, ed, 43, msg, strlen(msg), sig2, 86) == 0);

    /* The pickle envelope under a secret key: the pickle (a ciphertext) is public. */
    char key[32];
    secret_random(key, sizeof key, 4);
    size_t pl = olm_pickle_account_length(a);
    char *pickle = malloc(pl), *copy = malloc(pl);
    CHECK(olm_pickle_account(a, key, sizeof key, pickle, pl) == pl);
    PUBLIC(pickle, pl);

    /* Unpickling: the key and, to test base64 decoding of secret data, the pickle text itself
     * are secret. Success or failure is public (the library declassifies the MAC result). */
    OlmAccount *b = olm_account(object(olm_account_size()));
    memcpy(copy, pickle, pl);
    SECRET(copy, pl);
    CHECK(olm_unpickle_account(b, key, sizeof key, copy, pl) == pl);
    CHECK(olm_account_sign(b, msg, strlen(msg), sig2, sizeof sig2) == 86);
    PUBLIC(sig2, sizeof sig2);
    CHECK(memcmp(sig1, sig2, 86) == 0);
    char wrong[32];
    secret_random(wrong, sizeof wrong, 5);
    memcpy(copy, pickle, pl);
    SECRET(copy, pl);
    CHECK(olm_unpickle_account(b, wrong, sizeof wrong, copy, pl) == olm_error());
    CHECK(olm_account_last_error_code(b) == OLM_BAD_ACCOUNT_KEY);

    /* SHA-256 of a secret. */
    char digest[43];
    secret_random(copy, 100, 6);
    CHECK(olm_sha256(u, copy, 100, digest, sizeof digest) == 43);

    olm_clear_account(a);
    olm_clear_account(b);
    olm_clear_utility(u);
    free(a);
    free(b);
    free(u);
    free(pickle);
    free(copy);
    return finish("ct/account");
}
