/* SAS under valgrind memcheck: key exchange, bytes, every MAC variant, bad keys. */
#include <olm/olm.h>
#include <olm/sas.h>

#include "common.h"

int main(void) {
    OlmSAS *a = olm_sas(object(olm_sas_size())), *b = olm_sas(object(olm_sas_size()));
    size_t rl = olm_create_sas_random_length(a);
    uint8_t *r = malloc(rl);
    fill(r, rl, 1);
    uint8_t kept[32];
    memcpy(kept, r, 32);
    CHECK(olm_create_sas(a, r, rl - 1) == olm_error());
    CHECK(olm_create_sas(a, r, rl) == 0);
    fill(r, rl, 2);
    CHECK(olm_create_sas(b, r, rl) == 0);
    free(r);
    size_t kl = olm_sas_pubkey_length(a);
    char ka[64], kb[64], copy[64];
    CHECK(olm_sas_get_pubkey(a, ka, kl - 1) == olm_error());
    CHECK(olm_sas_get_pubkey(a, ka, kl) == 0);
    CHECK(olm_sas_get_pubkey(b, kb, kl) == 0);
    uint8_t bytes_a[6], bytes_b[6];
    CHECK(olm_sas_generate_bytes(a, "info", 4, bytes_a, 6) == olm_error());
    CHECK(olm_sas_last_error_code(a) == OLM_SAS_THEIR_KEY_NOT_SET);
    memcpy(copy, kb, kl);
    CHECK(olm_sas_set_their_key(a, copy, 10) == olm_error());
    memcpy(copy, kb, kl);
    CHECK(olm_sas_set_their_key(a, copy, kl) == 0);
    memcpy(copy, ka, kl);
    CHECK(olm_sas_set_their_key(b, copy, kl) == 0);
    CHECK(olm_sas_is_their_key_set(a) == 1);
    CHECK(olm_sas_generate_bytes(a, "info", 4, bytes_a, 6) == 0);
    CHECK(olm_sas_generate_bytes(b, "info", 4, bytes_b, 6) == 0);
    CHECK(memcmp(bytes_a, bytes_b, 6) == 0);
    size_t ml = olm_sas_mac_length(a);
    char mac_a[64], mac_b[64];
    CHECK(olm_sas_calculate_mac(a, "input", 5, "info", 4, mac_a, ml - 1) == olm_error());
    CHECK(olm_sas_calculate_mac(a, "input", 5, "info", 4, mac_a, ml) == 0);
    CHECK(olm_sas_calculate_mac(b, "input", 5, "info", 4, mac_b, ml) == 0);
    CHECK(memcmp(mac_a, mac_b, ml) == 0);
    CHECK(olm_sas_calculate_mac_fixed_base64(a, "input", 5, "info", 4, mac_a, ml) == 0);
    CHECK(olm_sas_calculate_mac_long_kdf(a, "input", 5, "info", 4, mac_a, ml) == 0);
    CHECK(olm_sas_calculate_mac(a, "", 0, "", 0, mac_a, ml) == 0);
    expect_key_material("sas", a, olm_sas_size(), kept, 32, 1);
    olm_clear_sas(a);
    expect_key_material("sas", a, olm_sas_size(), kept, 32, 0);
    olm_clear_sas(b);
    free(a);
    free(b);
    return finish("valgrind/sas");
}
