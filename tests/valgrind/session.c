/* Olm sessions under valgrind memcheck: session setup both ways, messages in and out of order,
 * damaged and truncated messages, short buffers, pickles. */
#include <olm/olm.h>

#include "common.h"

static const char KEY[] = "pickle key";

static OlmAccount *new_account(uint32_t label) {
    OlmAccount *a = olm_account(object(olm_account_size()));
    uint8_t r[64];
    fill(r, sizeof r, label);
    CHECK(olm_create_account(a, r, sizeof r) == 0);
    size_t rl = olm_account_generate_one_time_keys_random_length(a, 3);
    uint8_t *otk = malloc(rl);
    fill(otk, rl, label + 1);
    CHECK(olm_account_generate_one_time_keys(a, 3, otk, rl) == 3);
    free(otk);
    return a;
}

static size_t encrypt(OlmSession *s, const char *text, char **out, size_t *type, uint32_t label) {
    *type = olm_encrypt_message_type(s);
    size_t rl = olm_encrypt_random_length(s);
    uint8_t *r = malloc(rl ? rl : 1);
    fill(r, rl, label);
    size_t ml = olm_encrypt_message_length(s, strlen(text));
    *out = malloc(ml);
    CHECK(olm_encrypt(s, text, strlen(text), r, rl, *out, ml - 1) == olm_error());
    fill(r, rl, label);
    size_t n = olm_encrypt(s, text, strlen(text), r, rl, *out, ml);
    CHECK(n == ml);
    free(r);
    return n;
}

/* Decrypts a copy of the message; returns the plaintext length or olm_error(). */
static size_t decrypt(OlmSession *s, size_t type, const char *msg, size_t len, const char *expect) {
    char *copy = malloc(len ? len : 1);
    memcpy(copy, msg, len);
    size_t max = olm_decrypt_max_plaintext_length(s, type, copy, len);
    if (max == olm_error()) {
        free(copy);
        return max;
    }
    char *plain = malloc(max ? max : 1);
    memcpy(copy, msg, len);
    size_t n = olm_decrypt(s, type, copy, len, plain, max);
    if (expect && n != olm_error()) CHECK(n == strlen(expect) && memcmp(plain, expect, n) == 0);
    free(plain);
    free(copy);
    return n;
}

int main(void) {
    OlmAccount *alice = new_account(1), *bob = new_account(5);
    char ids[200], bob_curve[64], alice_curve[64];
    size_t n = olm_account_identity_keys(bob, ids, sizeof ids);
    json_value(ids, n, "curve25519", bob_curve, sizeof bob_curve);
    n = olm_account_identity_keys(alice, ids, sizeof ids);
    json_value(ids, n, "curve25519", alice_curve, sizeof alice_curve);
    char otks[400], otk[64];
    n = olm_account_one_time_keys(bob, otks, sizeof otks);
    char *first = strstr(otks, "\":\"");
    CHECK(first != NULL);
    memcpy(otk, first + 3, 43);
    otk[43] = 0;

    OlmSession *a = olm_session(object(olm_session_size()));
    OlmSession *b = olm_session(object(olm_session_size()));
    size_t rl = olm_create_outbound_session_random_length(a);
    uint8_t *r = malloc(rl);
    fill(r, rl, 20);
    CHECK(olm_create_outbound_session(a, alice, bob_curve, 43, otk, 43, r, rl - 1) == olm_error());
    CHECK(olm_create_outbound_session(a, alice, bob_curve, 42, otk, 43, r, rl) == olm_error());
    fill(r, rl, 20);
    uint8_t kept[64];
    memcpy(kept, r, 64);
    CHECK(olm_create_outbound_session(a, alice, bob_curve, 43, otk, 43, r, rl) == 0);
    /* A fresh outbound session holds its first ratchet key (random input) until cleared. */
    OlmSession *z = olm_session(object(olm_session_size()));
    memcpy(r, kept, 64);
    CHECK(olm_create_outbound_session(z, alice, bob_curve, 43, otk, 43, r, rl) == 0);
    VALGRIND_MAKE_MEM_DEFINED(z, olm_session_size()); /* padding included, see common.h */
    CHECK(contains_piece((const uint8_t *)z, olm_session_size(), kept, 64, 32));
    olm_clear_session(z);
    expect_key_material("session", z, olm_session_size(), kept, 64, 0);
    free(z);
    free(r);

    char *m1;
    size_t t1;
    size_t l1 = encrypt(a, "hello bob", &m1, &t1, 21);
    CHECK(t1 == OLM_MESSAGE_TYPE_PRE_KEY);
    /* Damaged pre-key messages. */
    for (size_t cut = 0; cut < l1; cut += 13) {
        char *copy = malloc(l1);
        memcpy(copy, m1, l1);
        olm_create_inbound_session(b, bob, copy, cut);
        memcpy(copy, m1, l1);
        olm_matches_inbound_session(b, copy, cut);
        free(copy);
    }
    char *copy = malloc(l1);
    memcpy(copy, m1, l1);
    CHECK(olm_create_inbound_session_from(b, bob, alice_curve, 43, copy, l1) == 0);
    memcpy(copy, m1, l1);
    CHECK(olm_matches_inbound_session(b, copy, l1) == 1);
    memcpy(copy, m1, l1);
    CHECK(olm_matches_inbound_session_from(b, alice_curve, 43, copy, l1) == 1);
    free(copy);
    CHECK(olm_remove_one_time_keys(bob, b) != olm_error());
    CHECK(olm_remove_one_time_keys(bob, b) == olm_error());
    CHECK(decrypt(b, t1, m1, l1, "hello bob") == 9);

    /* A conversation, with one message held back and delivered late, one damaged. */
    char *late = NULL;
    size_t late_len = 0, late_type = 0;
    for (int i = 0; i < 6; i++) {
        char *m;
        size_t t;
        size_t l = encrypt(i % 2 ? a : b, "ping", &m, &t, 30 + i);
        if (i == 2) {
            late = m, late_len = l, late_type = t;
            continue;
        }
        char *bad = malloc(l);
        memcpy(bad, m, l);
        bad[l - 3] ^= 0x10;
        CHECK(decrypt(i % 2 ? b : a, t, bad, l, NULL) == olm_error());
        free(bad);
        CHECK(decrypt(i % 2 ? b : a, t, m, l, "ping") == 4);
        free(m);
    }
    CHECK(decrypt(a, late_type, late, late_len, "ping") == 4);
    free(late);
    CHECK(decrypt(a, 1, "", 0, NULL) == olm_error());
    CHECK(decrypt(a, 7, "AAAA", 4, NULL) == olm_error());

    char desc[600];
    olm_session_describe(a, desc, sizeof desc);
    olm_session_describe(a, desc, 25);
    char sid[100];
    CHECK(olm_session_id(a, sid, olm_session_id_length(a)) == olm_session_id_length(a));
    CHECK(olm_session_id(a, sid, 3) == olm_error());

    size_t pl = olm_pickle_session_length(a);
    char *pickle = malloc(pl), *pcopy = malloc(pl);
    CHECK(olm_pickle_session(a, KEY, strlen(KEY), pickle, pl - 1) == olm_error());
    CHECK(olm_pickle_session(a, KEY, strlen(KEY), pickle, pl) == pl);
    OlmSession *c = olm_session(object(olm_session_size()));
    memcpy(pcopy, pickle, pl);
    CHECK(olm_unpickle_session(c, KEY, strlen(KEY), pcopy, pl) == pl);
    memcpy(pcopy, pickle, pl);
    CHECK(olm_unpickle_session(c, "no", 2, pcopy, pl) == olm_error());
    for (size_t cut = 0; cut < pl; cut += 41) {
        memcpy(pcopy, pickle, pl);
        CHECK(olm_unpickle_session(c, KEY, strlen(KEY), pcopy, cut) == olm_error());
    }
    char *m;
    size_t t;
    size_t l = encrypt(b, "after pickle", &m, &t, 50);
    CHECK(decrypt(c, t, m, l, "after pickle") == 12);
    free(m);
    free(pickle);
    free(pcopy);

    OlmSession *objs[] = {a, b, c};
    for (int i = 0; i < 3; i++) {
        olm_clear_session(objs[i]);
        free(objs[i]);
    }
    olm_clear_account(alice);
    olm_clear_account(bob);
    free(alice);
    free(bob);
    free(m1);
    return finish("valgrind/session");
}
