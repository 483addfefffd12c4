/* Accounts and the utility object under valgrind memcheck: every call, with good and bad
 * input and short buffers, must make no invalid read or write, use no uninitialised byte and
 * leak nothing. */
#include <olm/olm.h>

#include "common.h"

static const char KEY[] = "pickle key";

static OlmAccount *new_account(uint32_t label) {
    OlmAccount *a = olm_account(object(olm_account_size()));
    size_t rl = olm_create_account_random_length(a);
    uint8_t *r = malloc(rl);
    fill(r, rl, label);
    CHECK(olm_create_account(a, r, rl) == 0);
    free(r);
    return a;
}

static void utility(void) {
    void *mem = object(olm_utility_size());
    OlmUtility *u = olm_utility(mem);
    char out[64];
    CHECK(olm_sha256(u, "abc", 3, out, olm_sha256_length(u)) == 43);
    CHECK(olm_sha256(u, "abc", 3, out, 10) == olm_error());
    CHECK(strcmp(olm_utility_last_error(u), "OUTPUT_BUFFER_TOO_SMALL") == 0);

    OlmAccount *a = new_account(1);
    char ids[200];
    size_t n = olm_account_identity_keys(a, ids, sizeof ids);
    CHECK(n != olm_error());
    char ed[64];
    CHECK(json_value(ids, n, "ed25519", ed, sizeof ed) == 43);
    const char msg[] = "a message";
    char sig[100];
    size_t sl = olm_account_sign(a, msg, strlen(msg), sig, olm_account_signature_length(a));
    CHECK(sl == 86);
    char copy[100];
    memcpy(copy, sig, sl);
    CHECK(olm_ed25519_verify(u, ed, 43, msg, strlen(msg), copy, sl) == 0);
    memcpy(copy, sig, sl);
    CHECK(olm_ed25519_verify(u, ed, 43, "another", 7, copy, sl) == olm_error());
    memcpy(copy, sig, sl);
    CHECK(olm_ed25519_verify(u, ed, 42, msg, strlen(msg), copy, sl) == olm_error());
    CHECK(olm_ed25519_verify(u, ed, 43, msg, strlen(msg), copy, 10) == olm_error());
    CHECK(olm_ed25519_verify(u, NULL, 0, NULL, 0, NULL, 0) == olm_error());
    olm_clear_account(a);
    free(a);
    olm_clear_utility(u);
    free(mem);
}

static void account(void) {
    void *mem = object(olm_account_size());
    OlmAccount *a = olm_account(mem);
    uint8_t r[64];
    fill(r, sizeof r, 2);
    CHECK(olm_create_account(a, r, 10) == olm_error());
    CHECK(olm_account_last_error_code(a) == OLM_NOT_ENOUGH_RANDOM);
    uint8_t kept[64];
    memcpy(kept, r, sizeof r);
    CHECK(olm_create_account(a, r, sizeof r) == 0);
    for (size_t i = 0; i < sizeof r; i++) CHECK(r[i] == 0); /* the random buffer is wiped */

    char small[8];
    CHECK(olm_account_identity_keys(a, small, sizeof small) == olm_error());
    CHECK(olm_account_sign(a, "x", 1, small, sizeof small) == olm_error());

    size_t otk_rl = olm_account_generate_one_time_keys_random_length(a, 120);
    uint8_t *otk_r = malloc(otk_rl);
    fill(otk_r, otk_rl, 3);
    CHECK(olm_account_generate_one_time_keys(a, 120, otk_r, otk_rl - 1) == olm_error());
    CHECK(olm_account_generate_one_time_keys(a, 120, otk_r, otk_rl) == 120);
    free(otk_r);
    size_t jl = olm_account_one_time_keys_length(a);
    char *json = malloc(jl);
    CHECK(olm_account_one_time_keys(a, json, jl - 1) == olm_error());
    CHECK(olm_account_one_time_keys(a, json, jl) == jl);
    free(json);

    uint8_t fr[32];
    for (int i = 0; i < 3; i++) {
        fill(fr, sizeof fr, 10 + i);
        CHECK(olm_account_generate_fallback_key(a, fr, sizeof fr) == 1);
    }
    CHECK(olm_account_generate_fallback_key(a, fr, 5) == olm_error());
    size_t fl = olm_account_unpublished_fallback_key_length(a);
    char *fb = malloc(fl);
    CHECK(olm_account_unpublished_fallback_key(a, fb, fl) == fl);
    CHECK(olm_account_fallback_key(a, fb, olm_account_fallback_key_length(a)) != olm_error());
    free(fb);
    CHECK(olm_account_mark_keys_as_published(a) == 100);
    olm_account_forget_old_fallback_key(a);

    /* Pickles: good, wrong key, damaged, truncated, short output buffer. */
    size_t pl = olm_pickle_account_length(a);
    char *pickle = malloc(pl);
    CHECK(olm_pickle_account(a, KEY, strlen(KEY), pickle, pl - 1) == olm_error());
    CHECK(olm_pickle_account(a, KEY, strlen(KEY), pickle, pl) == pl);
    OlmAccount *b = olm_account(object(olm_account_size()));
    char *copy = malloc(pl);
    memcpy(copy, pickle, pl);
    CHECK(olm_unpickle_account(b, KEY, strlen(KEY), copy, pl) == pl);
    memcpy(copy, pickle, pl);
    CHECK(olm_unpickle_account(b, "wrong", 5, copy, pl) == olm_error());
    CHECK(olm_account_last_error_code(b) == OLM_BAD_ACCOUNT_KEY);
    memcpy(copy, pickle, pl);
    copy[pl / 2] ^= 1;
    CHECK(olm_unpickle_account(b, KEY, strlen(KEY), copy, pl) == olm_error());
    for (size_t cut = 0; cut < pl; cut += 37) {
        memcpy(copy, pickle, pl);
        CHECK(olm_unpickle_account(b, KEY, strlen(KEY), copy, cut) == olm_error());
    }
    CHECK(olm_unpickle_account(b, KEY, strlen(KEY), NULL, 0) == olm_error());
    /* The account that loaded the pickle signs like the original. */
    char s1[86], s2[86];
    CHECK(olm_account_sign(a, "m", 1, s1, sizeof s1) == 86);
    CHECK(olm_account_sign(b, "m", 1, s2, sizeof s2) == 86);
    CHECK(memcmp(s1, s2, 86) == 0);
    free(copy);
    free(pickle);
    CHECK(olm_clear_account(b) == olm_account_size());
    free(b);
    /* olm_clear_account leaves none of the Curve25519 private key (the second half of the
     * random input) nor the identity public keys in the object. */
    char ids[200], b64[64];
    uint8_t pub[2][32];
    size_t n = olm_account_identity_keys(a, ids, sizeof ids);
    json_value(ids, n, "curve25519", b64, sizeof b64);
    CHECK(b64decode(b64, 43, pub[0]) == 32);
    json_value(ids, n, "ed25519", b64, sizeof b64);
    CHECK(b64decode(b64, 43, pub[1]) == 32);
    const uint8_t *secrets[] = {kept + 32, pub[0], pub[1]};
    for (int i = 0; i < 3; i++) expect_key_material("account", mem, olm_account_size(), secrets[i], 32, 1);
    olm_clear_account(a);
    for (int i = 0; i < 3; i++) expect_key_material("account", mem, olm_account_size(), secrets[i], 32, 0);
    free(mem);
}

static void misaligned_objects(void) {
    /* Any address works: the size leaves room to align. */
    uint8_t *mem = object(olm_account_size() + 1);
    OlmAccount *a = olm_account(mem + 1);
    uint8_t r[64];
    fill(r, sizeof r, 4);
    CHECK(olm_create_account(a, r, sizeof r) == 0);
    olm_clear_account(a);
    free(mem);
}

int main(void) {
    utility();
    account();
    misaligned_objects();
    return finish("valgrind/account");
}
