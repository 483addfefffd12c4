/* Constant time of Olm sessions: X25519 agreements, the root and chain ratchets (HKDF,
 * HMAC), AES-256-CBC and the MAC check of messages, with secret account keys, secret random
 * input and a secret pickle key. Messages and session ids are public. */
#include <olm/olm.h>

#include "ct.h"

static OlmAccount *new_account(uint32_t label, char *curve, char *otk) {
    OlmAccount *a = olm_account(object(olm_account_size()));
    uint8_t r[96];
    secret_random(r, 64, label);
    CHECK(olm_create_account(a, r, 64) == 0);
    secret_random(r, 32, label + 1);
    CHECK(olm_account_generate_one_time_keys(a, 1, r, 32) == 1);
    char json[200];
    size_t n = olm_account_identity_keys(a, json, sizeof json);
    json_value(json, n, "curve25519", curve, 64);
    n = olm_account_one_time_keys(a, json, sizeof json);
    memcpy(otk, strstr(json, "\":\"") + 3, 43);
    otk[43] = 0;
    return a;
}

static size_t encrypt(OlmSession *s, const char *text, char *out, size_t out_len, uint32_t label) {
    uint8_t r[64];
    size_t rl = olm_encrypt_random_length(s);
    secret_random(r, rl, label);
    size_t n = olm_encrypt(s, text, strlen(text), r, rl, out, out_len);
    CHECK(n != olm_error());
    PUBLIC(out, n);
    return n;
}

/* The plaintext is the caller's secret: it is declassified only to compare it. */
static void decrypt(OlmSession *s, size_t type, const char *msg, size_t len, const char *expect) {
    char copy[400], plain[400];
    memcpy(copy, msg, len);
    size_t n = olm_decrypt(s, type, copy, len, plain, sizeof plain);
    CHECK(n == strlen(expect));
    PUBLIC(plain, n);
    CHECK(memcmp(plain, expect, n) == 0);
}

int main(void) {
    char alice_curve[64], bob_curve[64], otk[64], unused[64];
    OlmAccount *alice = new_account(1, alice_curve, unused);
    OlmAccount *bob = new_account(3, bob_curve, otk);
    OlmSession *a = olm_session(object(olm_session_size()));
    OlmSession *b = olm_session(object(olm_session_size()));
    uint8_t r[64];
    secret_random(r, sizeof r, 5);
    CHECK(olm_create_outbound_session(a, alice, bob_curve, 43, otk, 43, r, sizeof r) == 0);

    char m[400], copy[400];
    size_t type = olm_encrypt_message_type(a);
    size_t n = encrypt(a, "hello bob", m, sizeof m, 6);
    memcpy(copy, m, n);
    CHECK(olm_create_inbound_session(b, bob, copy, n) == 0);
    memcpy(copy, m, n);
    CHECK(olm_matches_inbound_session(b, copy, n) == 1);
    decrypt(b, type, m, n, "hello bob");
    for (int i = 0; i < 4; i++) {
        OlmSession *from = i % 2 ? a : b, *to = i % 2 ? b : a;
        type = olm_encrypt_message_type(from);
        n = encrypt(from, "ping", m, sizeof m, 10 + i);
        decrypt(to, type, m, n, "ping");
    }
    /* A damaged message fails on its MAC; the failure is public. */
    type = olm_encrypt_message_type(a);
    n = encrypt(a, "pong", m, sizeof m, 20);
    m[n - 2] ^= 1;
    memcpy(copy, m, n);
    char plain[400];
    CHECK(olm_decrypt(b, type, copy, n, plain, sizeof plain) == olm_error());

    char id[64];
    n = olm_session_id(a, id, sizeof id);
    CHECK(n != olm_error());

    char key[32];
    secret_random(key, sizeof key, 30);
    size_t pl = olm_pickle_session_length(a);
    char *pickle = malloc(pl);
    CHECK(olm_pickle_session(a, key, sizeof key, pickle, pl) == pl);
    PUBLIC(pickle, pl);
    OlmSession *c = olm_session(object(olm_session_size()));
    SECRET(pickle, pl);
    CHECK(olm_unpickle_session(c, key, sizeof key, pickle, pl) == pl);
    /* The loaded session pickles to the same text, and decrypts what its peer sends. */
    char *again = malloc(pl);
    CHECK(olm_pickle_session(c, key, sizeof key, again, pl) == pl);
    PUBLIC(again, pl);
    PUBLIC(pickle, pl);
    CHECK(olm_pickle_session(a, key, sizeof key, pickle, pl) == pl);
    PUBLIC(pickle, pl);
    CHECK(memcmp(pickle, again, pl) == 0);
    free(again);
    type = olm_encrypt_message_type(b);
    n = encrypt(b, "to the copy", m, sizeof m, 40);
    decrypt(c, type, m, n, "to the copy");

    free(pickle);
    OlmSession *ss[] = {a, b, c};
    for (int i = 0; i < 3; i++) {
        olm_clear_session(ss[i]);
        free(ss[i]);
    }
    olm_clear_account(alice);
    olm_clear_account(bob);
    free(alice);
    free(bob);
    return finish("ct/session");
}
