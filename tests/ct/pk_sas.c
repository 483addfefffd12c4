/* Constant time of PK (X25519, the HKDF-derived AES and HMAC keys, the MAC check, PK signing)
 * and SAS (X25519, HKDF for bytes and MAC keys, HMAC, base64), with secret private keys and
 * random input. Ciphertexts, MACs, signatures and public keys are public. */
#include <olm/olm.h>
#include <olm/pk.h>
#include <olm/sas.h>

#include "ct.h"

static void pk(void) {
    OlmPkDecryption *d = olm_pk_decryption(object(olm_pk_decryption_size()));
    uint8_t priv[32];
    secret_random(priv, sizeof priv, 1);
    char pub[64];
    CHECK(olm_pk_key_from_private(d, pub, olm_pk_key_length(), priv, 32) == 0);
    OlmPkEncryption *e = olm_pk_encryption(object(olm_pk_encryption_size()));
    CHECK(olm_pk_encryption_set_recipient_key(e, pub, olm_pk_key_length()) == 0);
    const char text[] = "a backup key";
    char ct[64], mac[16], eph[64], plain[64];
    size_t cl = olm_pk_ciphertext_length(e, strlen(text));
    uint8_t r[32];
    secret_random(r, sizeof r, 2);
    CHECK(olm_pk_encrypt(e, text, strlen(text), ct, cl, mac, sizeof mac, eph, sizeof eph, r, 32) != olm_error());
    PUBLIC(ct, cl);
    PUBLIC(mac, sizeof mac);
    size_t n = olm_pk_decrypt(d, eph, olm_pk_key_length(), mac, olm_pk_mac_length(e), ct, cl, plain, sizeof plain);
    CHECK(n == strlen(text));
    PUBLIC(plain, n);
    CHECK(memcmp(plain, text, n) == 0);

    char key[32];
    secret_random(key, sizeof key, 3);
    size_t pl = olm_pickle_pk_decryption_length(d);
    char *pickle = malloc(pl);
    CHECK(olm_pickle_pk_decryption(d, key, sizeof key, pickle, pl) == pl);
    PUBLIC(pickle, pl);
    SECRET(pickle, pl);
    OlmPkDecryption *d2 = olm_pk_decryption(object(olm_pk_decryption_size()));
    char pub2[64];
    CHECK(olm_unpickle_pk_decryption(d2, key, sizeof key, pickle, pl, pub2, olm_pk_key_length()) == pl);
    CHECK(memcmp(pub, pub2, olm_pk_key_length()) == 0);
    free(pickle);

    OlmPkSigning *s = olm_pk_signing(object(olm_pk_signing_size()));
    uint8_t seed[32];
    secret_random(seed, sizeof seed, 4);
    char spub[64], sig[100];
    CHECK(olm_pk_signing_key_from_seed(s, spub, olm_pk_signing_public_key_length(), seed, 32) == 0);
    CHECK(spub[0] != 0);
    CHECK(olm_pk_sign(s, (const uint8_t *)"m", 1, (uint8_t *)sig, olm_pk_signature_length()) != olm_error());

    olm_clear_pk_decryption(d);
    olm_clear_pk_decryption(d2);
    olm_clear_pk_encryption(e);
    olm_clear_pk_signing(s);
    free(d);
    free(d2);
    free(e);
    free(s);
}

static void sas(void) {
    OlmSAS *a = olm_sas(object(olm_sas_size())), *b = olm_sas(object(olm_sas_size()));
    uint8_t r[32];
    secret_random(r, sizeof r, 5);
    CHECK(olm_create_sas(a, r, 32) == 0);
    secret_random(r, sizeof r, 6);
    CHECK(olm_create_sas(b, r, 32) == 0);
    char ka[64], kb[64];
    CHECK(olm_sas_get_pubkey(a, ka, olm_sas_pubkey_length(a)) == 0);
    CHECK(olm_sas_get_pubkey(b, kb, olm_sas_pubkey_length(b)) == 0);
    CHECK(olm_sas_set_their_key(a, kb, 43) == 0);
    CHECK(olm_sas_set_their_key(b, ka, 43) == 0);
    uint8_t x[6], y[6];
    CHECK(olm_sas_generate_bytes(a, "info", 4, x, 6) == 0);
    CHECK(olm_sas_generate_bytes(b, "info", 4, y, 6) == 0);
    PUBLIC(x, 6);
    PUBLIC(y, 6);
    CHECK(memcmp(x, y, 6) == 0);
    char m1[64], m2[64];
    size_t ml = olm_sas_mac_length(a);
    CHECK(olm_sas_calculate_mac(a, "in", 2, "info", 4, m1, ml) == 0);
    CHECK(olm_sas_calculate_mac_fixed_base64(a, "in", 2, "info", 4, m2, ml) == 0);
    CHECK(olm_sas_calculate_mac_long_kdf(a, "in", 2, "info", 4, m2, ml) == 0);
    olm_clear_sas(a);
    olm_clear_sas(b);
    free(a);
    free(b);
}

int main(void) {
    pk();
    sas();
    return finish("ct/pk_sas");
}
