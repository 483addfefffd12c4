/* Null buffers and zero lengths on every family's calls: an error (or an empty success), never
 * a crash. Objects that need keys first get them, so that the checks reach past the first
 * guard. */
#include "check.h"
#include "olm/pk.h"
#include "olm/sas.h"

#define FAILS(call) CHECK((call) == olm_error(), "expected an error")

static void *alloc(size_t size) { return calloc(1, size); }

int main(void) {
    check_library_under_test();
    unsigned char random[256];
    for (size_t i = 0; i < sizeof random; i++) random[i] = (unsigned char)(i * 7 + 1);
    unsigned char copy[256];

    OlmAccount *acc = olm_account(alloc(olm_account_size()));
    FAILS(olm_create_account(acc, NULL, 0));
    CHECK(olm_account_last_error_code(acc) == OLM_NOT_ENOUGH_RANDOM, "%s", olm_account_last_error(acc));
    memcpy(copy, random, sizeof copy);
    CHECK(olm_create_account(acc, copy, 64) != olm_error(), "create");
    FAILS(olm_account_identity_keys(acc, NULL, 0));
    FAILS(olm_account_sign(acc, NULL, 0, NULL, 0));
    FAILS(olm_account_one_time_keys(acc, NULL, 0));
    olm_account_generate_one_time_keys(acc, 0, NULL, 0);
    FAILS(olm_account_generate_one_time_keys(acc, 1, NULL, 0));
    FAILS(olm_account_generate_fallback_key(acc, NULL, 0));
    FAILS(olm_account_fallback_key(acc, NULL, 0));
    FAILS(olm_account_unpublished_fallback_key(acc, NULL, 0));
    FAILS(olm_pickle_account(acc, NULL, 0, NULL, 0));
    OlmAccount *acc2 = olm_account(alloc(olm_account_size()));
    FAILS(olm_unpickle_account(acc2, NULL, 0, NULL, 0));

    OlmSession *sess = olm_session(alloc(olm_session_size()));
    FAILS(olm_create_outbound_session(sess, acc, NULL, 0, NULL, 0, NULL, 0));
    FAILS(olm_create_inbound_session(sess, acc, NULL, 0));
    FAILS(olm_create_inbound_session_from(sess, acc, NULL, 0, NULL, 0));
    olm_matches_inbound_session(sess, NULL, 0);
    olm_matches_inbound_session_from(sess, NULL, 0, NULL, 0);
    olm_decrypt_max_plaintext_length(sess, 0, NULL, 0);
    FAILS(olm_decrypt(sess, 0, NULL, 0, NULL, 0));
    FAILS(olm_decrypt(sess, 1, NULL, 0, NULL, 0));
    olm_encrypt(sess, NULL, 0, NULL, 0, NULL, 0);
    olm_session_describe(sess, NULL, 0);
    FAILS(olm_session_id(sess, NULL, 0));
    FAILS(olm_pickle_session(sess, NULL, 0, NULL, 0));
    FAILS(olm_unpickle_session(sess, NULL, 0, NULL, 0));
    olm_remove_one_time_keys(acc, sess);

    OlmOutboundGroupSession *out = olm_outbound_group_session(alloc(olm_outbound_group_session_size()));
    FAILS(olm_init_outbound_group_session(out, NULL, 0));
    memcpy(copy, random, sizeof copy);
    CHECK(olm_init_outbound_group_session(out, copy, 160) != olm_error(), "init");
    FAILS(olm_group_encrypt(out, NULL, 0, NULL, 0));
    FAILS(olm_outbound_group_session_id(out, NULL, 0));
    FAILS(olm_outbound_group_session_key(out, NULL, 0));
    FAILS(olm_pickle_outbound_group_session(out, NULL, 0, NULL, 0));
    FAILS(olm_unpickle_outbound_group_session(out, NULL, 0, NULL, 0));

    OlmInboundGroupSession *in = olm_inbound_group_session(alloc(olm_inbound_group_session_size()));
    FAILS(olm_init_inbound_group_session(in, NULL, 0));
    FAILS(olm_import_inbound_group_session(in, NULL, 0));
    olm_group_decrypt_max_plaintext_length(in, NULL, 0);
    FAILS(olm_group_decrypt(in, NULL, 0, NULL, 0, NULL));
    FAILS(olm_inbound_group_session_id(in, NULL, 0));
    FAILS(olm_export_inbound_group_session(in, NULL, 0, 0));
    FAILS(olm_pickle_inbound_group_session(in, NULL, 0, NULL, 0));
    FAILS(olm_unpickle_inbound_group_session(in, NULL, 0, NULL, 0));

    OlmPkEncryption *enc = olm_pk_encryption(alloc(olm_pk_encryption_size()));
    FAILS(olm_pk_encryption_set_recipient_key(enc, NULL, 0));
    FAILS(olm_pk_encrypt(enc, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0));
    OlmPkDecryption *dec = olm_pk_decryption(alloc(olm_pk_decryption_size()));
    FAILS(olm_pk_key_from_private(dec, NULL, 0, NULL, 0));
    FAILS(olm_pk_decrypt(dec, NULL, 0, NULL, 0, NULL, 0, NULL, 0));
    FAILS(olm_pk_get_private_key(dec, NULL, 0));
    FAILS(olm_pickle_pk_decryption(dec, NULL, 0, NULL, 0));
    FAILS(olm_unpickle_pk_decryption(dec, NULL, 0, NULL, 0, NULL, 0));
    OlmPkSigning *sign = olm_pk_signing(alloc(olm_pk_signing_size()));
    FAILS(olm_pk_signing_key_from_seed(sign, NULL, 0, NULL, 0));
    FAILS(olm_pk_sign(sign, NULL, 0, NULL, 0));

    OlmSAS *sas = olm_sas(alloc(olm_sas_size()));
    FAILS(olm_create_sas(sas, NULL, 0));
    FAILS(olm_sas_get_pubkey(sas, NULL, 0));
    FAILS(olm_sas_set_their_key(sas, NULL, 0));
    FAILS(olm_sas_generate_bytes(sas, NULL, 0, NULL, 0));
    FAILS(olm_sas_calculate_mac(sas, NULL, 0, NULL, 0, NULL, 0));
    FAILS(olm_sas_calculate_mac_fixed_base64(sas, NULL, 0, NULL, 0, NULL, 0));
    FAILS(olm_sas_calculate_mac_long_kdf(sas, NULL, 0, NULL, 0, NULL, 0));
    END();
}
