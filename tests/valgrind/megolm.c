/* Megolm group sessions under valgrind memcheck: outbound and inbound sessions, session keys
 * and exports, damaged and replayed messages, short buffers, pickles. */
#include <olm/inbound_group_session.h>
#include <olm/olm.h>
#include <olm/outbound_group_session.h>

#include "common.h"

static const char KEY[] = "pickle key";

static size_t group_decrypt(OlmInboundGroupSession *s, const uint8_t *msg, size_t len, uint32_t *index) {
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, msg, len);
    size_t max = olm_group_decrypt_max_plaintext_length(s, copy, len);
    if (max == olm_error()) {
        free(copy);
        return max;
    }
    uint8_t *plain = malloc(max ? max : 1);
    memcpy(copy, msg, len);
    size_t n = olm_group_decrypt(s, copy, len, plain, max, index);
    free(plain);
    free(copy);
    return n;
}

int main(void) {
    OlmOutboundGroupSession *out = olm_outbound_group_session(object(olm_outbound_group_session_size()));
    size_t rl = olm_init_outbound_group_session_random_length(out);
    uint8_t *r = malloc(rl);
    fill(r, rl, 1);
    CHECK(olm_init_outbound_group_session(out, r, rl - 1) == olm_error());
    fill(r, rl, 1);
    uint8_t ratchet[96]; /* R0..R2 of the ratchet, unchanged for the first 256 messages */
    memcpy(ratchet, r, sizeof ratchet);
    CHECK(olm_init_outbound_group_session(out, r, rl) == 0);
    free(r);

    size_t kl = olm_outbound_group_session_key_length(out);
    uint8_t *key = malloc(kl);
    CHECK(olm_outbound_group_session_key(out, key, kl - 1) == olm_error());
    CHECK(olm_outbound_group_session_key(out, key, kl) == kl);
    uint8_t id[64];
    CHECK(olm_outbound_group_session_id(out, id, olm_outbound_group_session_id_length(out)) != olm_error());

    uint8_t *msgs[5];
    size_t lens[5];
    for (int i = 0; i < 5; i++) {
        const char *text = i == 3 ? "" : "group message";
        lens[i] = olm_group_encrypt_message_length(out, strlen(text));
        msgs[i] = malloc(lens[i]);
        CHECK(olm_group_encrypt(out, (const uint8_t *)text, strlen(text), msgs[i], lens[i] - 1) == olm_error());
        CHECK(olm_group_encrypt(out, (const uint8_t *)text, strlen(text), msgs[i], lens[i]) == lens[i]);
    }
    CHECK(olm_outbound_group_session_message_index(out) == 5);

    OlmInboundGroupSession *in = olm_inbound_group_session(object(olm_inbound_group_session_size()));
    CHECK(olm_init_inbound_group_session(in, key, kl - 1) == olm_error());
    CHECK(olm_init_inbound_group_session(in, key, 10) == olm_error());
    CHECK(olm_init_inbound_group_session(in, key, kl) == 0);
    uint32_t index = 99;
    CHECK(group_decrypt(in, msgs[4], lens[4], &index) == 13 && index == 4);
    CHECK(group_decrypt(in, msgs[1], lens[1], &index) == 13 && index == 1);
    CHECK(group_decrypt(in, msgs[3], lens[3], &index) == 0 && index == 3);
    for (size_t cut = 0; cut < lens[0]; cut += 7) group_decrypt(in, msgs[0], cut, &index);
    uint8_t *bad = malloc(lens[0]);
    memcpy(bad, msgs[0], lens[0]);
    bad[lens[0] / 2] ^= 4;
    CHECK(group_decrypt(in, bad, lens[0], &index) == olm_error());
    free(bad);

    /* Export from index 2 and import: earlier messages are unknown. */
    size_t el = olm_export_inbound_group_session_length(in);
    uint8_t *exported = malloc(el);
    CHECK(olm_export_inbound_group_session(in, exported, el - 1, 2) == olm_error());
    CHECK(olm_export_inbound_group_session(in, exported, el, 2) == el);
    OlmInboundGroupSession *imp = olm_inbound_group_session(object(olm_inbound_group_session_size()));
    CHECK(olm_import_inbound_group_session(imp, exported, el - 3) == olm_error());
    CHECK(olm_import_inbound_group_session(imp, exported, el) == 0);
    CHECK(olm_inbound_group_session_first_known_index(imp) == 2);
    CHECK(group_decrypt(imp, msgs[1], lens[1], &index) == olm_error());
    CHECK(olm_inbound_group_session_last_error_code(imp) == OLM_UNKNOWN_MESSAGE_INDEX);
    CHECK(group_decrypt(imp, msgs[2], lens[2], &index) == 13);
    CHECK(olm_inbound_group_session_is_verified(imp) == 1);
    CHECK(olm_inbound_group_session_id(imp, id, olm_inbound_group_session_id_length(imp)) != olm_error());
    free(exported);

    /* Pickles of both kinds. */
    size_t pl = olm_pickle_inbound_group_session_length(in);
    char *pickle = malloc(pl), *copy = malloc(pl);
    CHECK(olm_pickle_inbound_group_session(in, KEY, strlen(KEY), pickle, pl - 1) == olm_error());
    CHECK(olm_pickle_inbound_group_session(in, KEY, strlen(KEY), pickle, pl) == pl);
    OlmInboundGroupSession *in2 = olm_inbound_group_session(object(olm_inbound_group_session_size()));
    for (size_t cut = 0; cut < pl; cut += 29) {
        memcpy(copy, pickle, pl);
        CHECK(olm_unpickle_inbound_group_session(in2, KEY, strlen(KEY), copy, cut) == olm_error());
    }
    memcpy(copy, pickle, pl);
    CHECK(olm_unpickle_inbound_group_session(in2, "x", 1, copy, pl) == olm_error());
    memcpy(copy, pickle, pl);
    CHECK(olm_unpickle_inbound_group_session(in2, KEY, strlen(KEY), copy, pl) == pl);
    CHECK(group_decrypt(in2, msgs[0], lens[0], &index) == 13);
    free(pickle);
    free(copy);

    pl = olm_pickle_outbound_group_session_length(out);
    pickle = malloc(pl), copy = malloc(pl);
    CHECK(olm_pickle_outbound_group_session(out, KEY, strlen(KEY), pickle, pl) == pl);
    OlmOutboundGroupSession *out2 = olm_outbound_group_session(object(olm_outbound_group_session_size()));
    for (size_t cut = 0; cut < pl; cut += 29) {
        memcpy(copy, pickle, pl);
        CHECK(olm_unpickle_outbound_group_session(out2, KEY, strlen(KEY), copy, cut) == olm_error());
    }
    memcpy(copy, pickle, pl);
    CHECK(olm_unpickle_outbound_group_session(out2, KEY, strlen(KEY), copy, pl) == pl);
    CHECK(olm_outbound_group_session_message_index(out2) == 5);
    free(pickle);
    free(copy);

    for (int i = 0; i < 5; i++) free(msgs[i]);
    free(key);
    OlmInboundGroupSession *ins[] = {in, in2, imp};
    for (int i = 0; i < 3; i++) {
        size_t size = olm_inbound_group_session_size();
        if (i < 2) expect_key_material("inbound group session", ins[i], size, ratchet, sizeof ratchet, 1);
        olm_clear_inbound_group_session(ins[i]);
        expect_key_material("inbound group session", ins[i], size, ratchet, sizeof ratchet, 0);
        free(ins[i]);
    }
    expect_key_material("outbound group session", out, olm_outbound_group_session_size(), ratchet, sizeof ratchet, 1);
    olm_clear_outbound_group_session(out);
    expect_key_material("outbound group session", out, olm_outbound_group_session_size(), ratchet, sizeof ratchet, 0);
    olm_clear_outbound_group_session(out2);
    free(out);
    free(out2);
    return finish("valgrind/megolm");
}
