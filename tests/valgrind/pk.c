/* PK encryption, decryption and signing under valgrind memcheck. */
#include <olm/olm.h>
#include <olm/pk.h>

#include "common.h"

static const char KEY[] = "pickle key";

int main(void) {
    OlmPkDecryption *d = olm_pk_decryption(object(olm_pk_decryption_size()));
    uint8_t priv[32];
    fill(priv, sizeof priv, 1);
    char pub[64];
    CHECK(olm_pk_key_from_private(d, pub, olm_pk_key_length() - 1, priv, 32) == olm_error());
    CHECK(olm_pk_key_from_private(d, pub, olm_pk_key_length(), priv, 31) == olm_error());
    CHECK(olm_pk_key_from_private(d, pub, olm_pk_key_length(), priv, 32) == 0);
    uint8_t back[32];
    CHECK(olm_pk_get_private_key(d, back, 32) == 32 && memcmp(back, priv, 32) == 0);

    OlmPkEncryption *e = olm_pk_encryption(object(olm_pk_encryption_size()));
    CHECK(olm_pk_encryption_set_recipient_key(e, pub, 10) == olm_error());
    CHECK(olm_pk_encryption_set_recipient_key(e, pub, olm_pk_key_length()) == 0);
    const char *text = "a secret for the backup";
    size_t cl = olm_pk_ciphertext_length(e, strlen(text));
    char *ct = malloc(cl), *copy = malloc(cl);
    /* libolm writes 11 bytes of MAC; give room for them whatever the length it reports. */
    char mac[16], eph[64];
    size_t rl = olm_pk_encrypt_random_length(e);
    uint8_t *r = malloc(rl);
    fill(r, rl, 2);
    CHECK(olm_pk_encrypt(e, text, strlen(text), ct, cl, mac, sizeof mac, eph, sizeof eph, r, rl - 1) == olm_error());
    CHECK(olm_pk_encrypt(e, text, strlen(text), ct, cl, mac, sizeof mac, eph, sizeof eph, r, rl) != olm_error());
    free(r);
    size_t ml = olm_pk_mac_length(e), kl = olm_pk_key_length();
    size_t max = olm_pk_max_plaintext_length(d, cl);
    char *plain = malloc(max);
    memcpy(copy, ct, cl);
    CHECK(olm_pk_decrypt(d, eph, kl, mac, ml, copy, cl, plain, max) == strlen(text));
    CHECK(memcmp(plain, text, strlen(text)) == 0);
    memcpy(copy, ct, cl);
    CHECK(olm_pk_decrypt(d, eph, kl, mac, ml, copy, cl, plain, 3) == olm_error());
    char badmac[16];
    memcpy(badmac, mac, sizeof mac);
    badmac[2] ^= 1;
    memcpy(copy, ct, cl);
    CHECK(olm_pk_decrypt(d, eph, kl, badmac, ml, copy, cl, plain, max) == olm_error());
    memcpy(copy, ct, cl);
    CHECK(olm_pk_decrypt(d, eph, kl - 1, mac, ml, copy, cl, plain, max) == olm_error());
    free(plain);

    size_t pl = olm_pickle_pk_decryption_length(d);
    char *pickle = malloc(pl), *pcopy = malloc(pl);
    CHECK(olm_pickle_pk_decryption(d, KEY, strlen(KEY), pickle, pl - 1) == olm_error());
    CHECK(olm_pickle_pk_decryption(d, KEY, strlen(KEY), pickle, pl) == pl);
    OlmPkDecryption *d2 = olm_pk_decryption(object(olm_pk_decryption_size()));
    for (size_t cut = 0; cut < pl; cut += 19) {
        memcpy(pcopy, pickle, pl);
        CHECK(olm_unpickle_pk_decryption(d2, KEY, strlen(KEY), pcopy, cut, pub, kl) == olm_error());
    }
    memcpy(pcopy, pickle, pl);
    char pub2[64];
    CHECK(olm_unpickle_pk_decryption(d2, KEY, strlen(KEY), pcopy, pl, pub2, kl) == pl);
    CHECK(memcmp(pub, pub2, kl) == 0);
    free(pickle);
    free(pcopy);

    OlmPkSigning *s = olm_pk_signing(object(olm_pk_signing_size()));
    uint8_t seed[32];
    fill(seed, sizeof seed, 3);
    char spub[64], sig[100];
    CHECK(olm_pk_signing_key_from_seed(s, spub, olm_pk_signing_public_key_length(), seed, 31) == olm_error());
    CHECK(olm_pk_signing_key_from_seed(s, spub, olm_pk_signing_public_key_length(), seed, 32) == 0);
    CHECK(olm_pk_sign(s, (const uint8_t *)"msg", 3, (uint8_t *)sig, 10) == olm_error());
    CHECK(olm_pk_sign(s, (const uint8_t *)"msg", 3, (uint8_t *)sig, olm_pk_signature_length()) == olm_pk_signature_length());

    free(ct);
    free(copy);
    OlmPkDecryption *ds[] = {d, d2};
    for (int i = 0; i < 2; i++) {
        expect_key_material("pk decryption", ds[i], olm_pk_decryption_size(), priv, 32, 1);
        olm_clear_pk_decryption(ds[i]);
        expect_key_material("pk decryption", ds[i], olm_pk_decryption_size(), priv, 32, 0);
    }
    olm_clear_pk_encryption(e);
    olm_clear_pk_signing(s);
    free(d);
    free(d2);
    free(e);
    free(s);
    return finish("valgrind/pk");
}
