/* Constant time of Megolm: the ratchet's advance (HMAC-SHA-256 of secret parts), message keys
 * (HKDF), AES-256-CBC, the MAC check and signing, with a secret ratchet and signing seed, a
 * secret pickle key, and base64 of the secret session export both ways. Messages are public.
 *
 * olm_init_inbound_group_session is left out: its signature check hashes the secret ratchet
 * into the Ed25519 challenge, which verification (variable time, over public data by design)
 * then uses; olm_import_inbound_group_session loads the same ratchet without it. */
#include <olm/inbound_group_session.h>
#include <olm/olm.h>
#include <olm/outbound_group_session.h>

#include "ct.h"

int main(void) {
    OlmOutboundGroupSession *out = olm_outbound_group_session(object(olm_outbound_group_session_size()));
    uint8_t r[160];
    size_t rl = olm_init_outbound_group_session_random_length(out);
    secret_random(r, rl, 1);
    CHECK(olm_init_outbound_group_session(out, r, rl) == 0);
    uint8_t id[64];
    CHECK(olm_outbound_group_session_id(out, id, sizeof id) != olm_error());

    /* The session key at index 0 (secret: it holds the ratchet). */
    uint8_t key[400];
    size_t kl = olm_outbound_group_session_key(out, key, sizeof key);
    CHECK(kl != olm_error());

    /* Messages 0..299: the ratchet advances through R3 and, at 256, R2. */
    uint8_t *msgs[300];
    size_t lens[300];
    for (int i = 0; i < 300; i++) {
        lens[i] = olm_group_encrypt_message_length(out, 5);
        msgs[i] = malloc(lens[i]);
        CHECK(olm_group_encrypt(out, (const uint8_t *)"hello", 5, msgs[i], lens[i]) == lens[i]);
        PUBLIC(msgs[i], lens[i]);
    }

    OlmInboundGroupSession *first = olm_inbound_group_session(object(olm_inbound_group_session_size()));
    /* The session key's public parts (version, index, then from the Ed25519 key on) may be
     * public, but its signature check is left out here (see above): read its ratchet through an
     * export of an inbound session made from a public copy. */
    uint8_t public_key[400];
    memcpy(public_key, key, kl);
    PUBLIC(public_key, kl);
    CHECK(olm_init_inbound_group_session(first, public_key, kl) == 0);
    uint8_t exported[300];
    size_t el = olm_export_inbound_group_session(first, exported, sizeof exported, 0);
    CHECK(el != olm_error());
    /* The export is version (1 byte), index (4), ratchet (128), Ed25519 key (32): only the
     * ratchet is secret. In base64, characters 0..6 cover the version and index (and 2 bits of
     * the ratchet), characters 177.. the key (and 2 bits of the ratchet). */
    CHECK(el == 220);
    SECRET(exported + 7, 177 - 7);
    OlmInboundGroupSession *in = olm_inbound_group_session(object(olm_inbound_group_session_size()));
    CHECK(olm_import_inbound_group_session(in, exported, el) == 0);
    int order[] = {3, 1, 299, 0, 257, 298};
    for (int k = 0; k < 6; k++) {
        int i = order[k];
        uint8_t copy[400], plain[400];
        uint32_t index;
        memcpy(copy, msgs[i], lens[i]);
        size_t n = olm_group_decrypt(in, copy, lens[i], plain, sizeof plain, &index);
        CHECK(n == 5 && index == (uint32_t)i);
        PUBLIC(plain, 5);
        CHECK(memcmp(plain, "hello", 5) == 0);
    }
    /* A damaged message fails on its MAC or signature; the failure is public. */
    uint8_t copy[400], plain[400];
    uint32_t index;
    memcpy(copy, msgs[5], lens[5]);
    copy[20] ^= 1;
    CHECK(olm_group_decrypt(in, copy, lens[5], plain, sizeof plain, &index) == olm_error());

    /* Export at a later index advances a secret ratchet, output secret. */
    el = olm_export_inbound_group_session(in, exported, sizeof exported, 280);
    CHECK(el != olm_error());

    /* Pickles of both kinds under a secret key. */
    char pkey[32];
    secret_random(pkey, sizeof pkey, 2);
    size_t pl = olm_pickle_inbound_group_session_length(in);
    char *pickle = malloc(pl);
    CHECK(olm_pickle_inbound_group_session(in, pkey, sizeof pkey, pickle, pl) == pl);
    PUBLIC(pickle, pl);
    SECRET(pickle, pl);
    OlmInboundGroupSession *in2 = olm_inbound_group_session(object(olm_inbound_group_session_size()));
    CHECK(olm_unpickle_inbound_group_session(in2, pkey, sizeof pkey, pickle, pl) == pl);
    free(pickle);
    pl = olm_pickle_outbound_group_session_length(out);
    pickle = malloc(pl);
    CHECK(olm_pickle_outbound_group_session(out, pkey, sizeof pkey, pickle, pl) == pl);
    PUBLIC(pickle, pl);
    SECRET(pickle, pl);
    OlmOutboundGroupSession *out2 = olm_outbound_group_session(object(olm_outbound_group_session_size()));
    CHECK(olm_unpickle_outbound_group_session(out2, pkey, sizeof pkey, pickle, pl) == pl);
    CHECK(olm_outbound_group_session_message_index(out2) == 300);
    free(pickle);

    for (int i = 0; i < 300; i++) free(msgs[i]);
    OlmInboundGroupSession *ins[] = {first, in, in2};
    for (int i = 0; i < 3; i++) {
        olm_clear_inbound_group_session(ins[i]);
        free(ins[i]);
    }
    olm_clear_outbound_group_session(out);
    olm_clear_outbound_group_session(out2);
    free(out);
    free(out2);
    return finish("ct/megolm");
}
