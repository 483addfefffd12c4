/* The release build's behaviour on lengths that would wrap size_t. For plaintext lengths
 * near SIZE_MAX the true output length does not fit in a size_t:
 * - the *_length functions return what libolm 3.2 returns (it computes in wrapping size_t
 *   arithmetic, so the value can be short); this is compared with Debian's libolm, loaded
 *   privately;
 * - the encryptions refuse, with olm_error() and OUTPUT_BUFFER_TOO_SMALL, any output buffer
 *   shorter than the true length: the wrapped length's buffer, an empty one, and for a
 *   plaintext longer than PTRDIFF_MAX (no buffer can be that long) even a claimed SIZE_MAX
 *   bytes. They refuse before they read: the plaintext pointer is an unreadable page, so any
 *   read crashes the test;
 * - lengths that fit are exact.
 * libolm reads the plaintext in these calls (it trusts its wrapped length), so they are
 * never made on libolm. */
#include "check.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

#include "olm/pk.h"
#include "olm/outbound_group_session.h"

typedef size_t (*length_fn)(const void *, size_t);

/* A quarter of size_t's range, 2^62 or 2^30: the lengths are written for any width of size_t,
 * and on a 32-bit one wrapping is easiest, so every check runs there too. */
#define QUARTER (SIZE_MAX / 4 + 1)

static const size_t lengths[] = {
    SIZE_MAX, SIZE_MAX - 1, SIZE_MAX - 15, SIZE_MAX - 16, SIZE_MAX - 100, SIZE_MAX / 4 * 3 + 1,
    SIZE_MAX / 4 * 3, SIZE_MAX / 4 * 3 - 100, SIZE_MAX / 2, (SIZE_MAX / 2) + 1, QUARTER,
    QUARTER * 3 - 200, QUARTER * 3,
};
#define N_LENGTHS (sizeof lengths / sizeof lengths[0])

/* Memory that faults on any access: a plaintext the library must not read. */
static void *unreadable(void) {
    void *p = mmap(NULL, 8192, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        printf("FAIL: mmap\n");
        exit(2);
    }
    return p;
}

/* The true base64 length of an AES-CBC ciphertext of n bytes of plaintext plus `extra` bytes,
 * or 0 when it does not fit in a size_t. */
static size_t fits(size_t n, size_t extra) {
    if (n > SIZE_MAX - 16) return 0;
    size_t padded = (n + 16) & ~(size_t)15;
    if (padded > SIZE_MAX - extra) return 0;
    size_t raw = padded + extra;
    if (raw / 3 > (SIZE_MAX - 4) / 4) return 0;
    return raw / 3 * 4 + (raw % 3 ? raw % 3 + 1 : 0);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0); /* a crash must not swallow the FAIL lines before it */
    check_library_under_test();
    void *libolm = dlopen(REFERENCE_LIBOLM, RTLD_NOW | RTLD_LOCAL);
    CHECK(libolm != NULL, "Debian's libolm: %s", dlerror());
    if (!libolm) END();
    void *plaintext = unreadable();
    char random[256];
    memset(random, 7, sizeof random);

    /* Objects of both libraries, made from the same random bytes. */
    OlmAccount *account = olm_account(malloc(olm_account_size()));
    CHECK(olm_create_account(account, random, 64) == 0, "account");
    OlmSession *session = olm_session(malloc(olm_session_size()));
    const char *key = "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo";
    memset(random, 7, sizeof random);
    CHECK(olm_create_outbound_session(session, account, key, 43, key, 43, random, 64) == 0, "outbound session");
    OlmOutboundGroupSession *group = olm_outbound_group_session(malloc(olm_outbound_group_session_size()));
    memset(random, 7, sizeof random);
    CHECK(olm_init_outbound_group_session(group, (uint8_t *)random, 160) == 0, "group session");
    OlmPkEncryption *pk = olm_pk_encryption(malloc(olm_pk_encryption_size()));
    CHECK(olm_pk_encryption_set_recipient_key(pk, key, 43) == 0, "pk recipient");

#define REF(name) ((__typeof__(&name))dlsym(libolm, #name))
    size_t (*ref_size)(void);
    ref_size = REF(olm_account_size);
    void *ref_account = REF(olm_account)(malloc(ref_size()));
    memset(random, 7, sizeof random);
    REF(olm_create_account)(ref_account, random, 64);
    void *ref_session = REF(olm_session)(malloc(REF(olm_session_size)()));
    memset(random, 7, sizeof random);
    CHECK(REF(olm_create_outbound_session)(ref_session, ref_account, key, 43, key, 43, random, 64) == 0, "libolm session");
    void *ref_group = REF(olm_outbound_group_session)(malloc(REF(olm_outbound_group_session_size)()));
    memset(random, 7, sizeof random);
    CHECK(REF(olm_init_outbound_group_session)(ref_group, (uint8_t *)random, 160) == 0, "libolm group session");
    void *ref_pk = REF(olm_pk_encryption)(malloc(REF(olm_pk_encryption_size)()));
    CHECK(REF(olm_pk_encryption_set_recipient_key)(ref_pk, key, 43) == 0, "libolm pk recipient");

    char message[512], mac[64], ephemeral[64];
    size_t wrapped = 0;
    for (size_t i = 0; i < N_LENGTHS; i++) {
        size_t n = lengths[i];

        /* Olm: the length function agrees with libolm, and olm_encrypt refuses every buffer
         * it could be given (the length's wrapped value, a small one, and SIZE_MAX when the
         * true length does not fit) without reading the plaintext. */
        size_t ours = olm_encrypt_message_length(session, n);
        size_t theirs = REF(olm_encrypt_message_length)(ref_session, n);
        CHECK(ours == theirs, "olm_encrypt_message_length(%zu): ours %zu, libolm %zu", n, ours, theirs);
        /* The buffers tried: the length's value (at most the real buffer), none, and for a
         * plaintext no buffer could hold, a claim of SIZE_MAX bytes. */
        size_t sizes[] = {ours < sizeof message ? ours : sizeof message, 0, SIZE_MAX};
        size_t tries = n > PTRDIFF_MAX ? 3 : 2;
        for (size_t k = 0; k < tries; k++) {
            memset(random, 7, sizeof random);
            size_t r = olm_encrypt(session, plaintext, n, random, olm_encrypt_random_length(session), message, sizes[k]);
            CHECK(r == olm_error() && olm_session_last_error_code(session) == OLM_OUTPUT_BUFFER_TOO_SMALL,
                  "olm_encrypt(%zu bytes, buffer %zu): %zu %s", n, sizes[k], r, olm_session_last_error(session));
        }

        /* Megolm. */
        ours = olm_group_encrypt_message_length(group, n);
        theirs = REF(olm_group_encrypt_message_length)(ref_group, n);
        CHECK(ours == theirs, "olm_group_encrypt_message_length(%zu): ours %zu, libolm %zu", n, ours, theirs);
        wrapped += ours < n;
        size_t gsizes[] = {ours < sizeof message ? ours : sizeof message, 0, SIZE_MAX};
        for (size_t k = 0; k < tries; k++) {
            size_t r = olm_group_encrypt(group, plaintext, n, (uint8_t *)message, gsizes[k]);
            CHECK(r == olm_error() && olm_outbound_group_session_last_error_code(group) == OLM_OUTPUT_BUFFER_TOO_SMALL,
                  "olm_group_encrypt(%zu bytes, buffer %zu): %zu %s", n, gsizes[k], r,
                  olm_outbound_group_session_last_error(group));
        }

        /* PK. */
        ours = olm_pk_ciphertext_length(pk, n);
        theirs = REF(olm_pk_ciphertext_length)(ref_pk, n);
        CHECK(ours == theirs, "olm_pk_ciphertext_length(%zu): ours %zu, libolm %zu", n, ours, theirs);
        size_t psizes[] = {ours < sizeof message ? ours : sizeof message, 0, SIZE_MAX};
        for (size_t k = 0; k < tries; k++) {
            memset(random, 7, sizeof random);
            size_t r = olm_pk_encrypt(pk, plaintext, n, message, psizes[k], mac, sizeof mac, ephemeral, sizeof ephemeral,
                                      random, olm_pk_encrypt_random_length(pk));
            CHECK(r == olm_error() && olm_pk_encryption_last_error_code(pk) == OLM_OUTPUT_BUFFER_TOO_SMALL,
                  "olm_pk_encrypt(%zu bytes, buffer %zu): %zu %s", n, psizes[k], r, olm_pk_encryption_last_error(pk));
        }

        /* PK decryption's bound is a quotient: it never wraps, and is libolm's. */
        OlmPkDecryption *dec = olm_pk_decryption(malloc(olm_pk_decryption_size()));
        void *ref_dec = REF(olm_pk_decryption)(malloc(REF(olm_pk_decryption_size)()));
        ours = olm_pk_max_plaintext_length(dec, n);
        theirs = REF(olm_pk_max_plaintext_length)(ref_dec, n);
        CHECK(ours == theirs && (ours == olm_error() || ours <= n), "olm_pk_max_plaintext_length(%zu): ours %zu, libolm %zu",
              n, ours, theirs);
        free(dec);
        free(ref_dec);
    }
    CHECK(wrapped > 0, "some lengths wrap (else this test tests nothing)");

    /* A plaintext buffer claimed as SIZE_MAX bytes passes libolm's size check even for a
     * ciphertext length it cannot decode (5 characters), which then gives INVALID_BASE64;
     * any smaller claim gives OUTPUT_BUFFER_TOO_SMALL. The library treats claims above
     * PTRDIFF_MAX as PTRDIFF_MAX bytes internally, and must still answer as libolm. */
    OlmPkDecryption *dec = olm_pk_decryption(malloc(olm_pk_decryption_size()));
    void *ref_dec = REF(olm_pk_decryption)(malloc(REF(olm_pk_decryption_size)()));
    uint8_t private_key[32], public_key[64];
    memset(private_key, 9, sizeof private_key);
    CHECK(olm_pk_key_from_private(dec, public_key, sizeof public_key, private_key, 32) != olm_error(), "pk key");
    CHECK(REF(olm_pk_key_from_private)(ref_dec, public_key, sizeof public_key, private_key, 32) != olm_error(), "libolm pk key");
    size_t claims[] = {SIZE_MAX, SIZE_MAX - 1, (size_t)PTRDIFF_MAX + 1, PTRDIFF_MAX, 100};
    for (size_t i = 0; i < sizeof claims / sizeof claims[0]; i++) {
        char ours_ct[8] = "AAAAA", theirs_ct[8] = "AAAAA", out[16];
        size_t ours = olm_pk_decrypt(dec, key, 43, "AAAAAAAAAAA", 11, ours_ct, 5, out, claims[i]);
        size_t theirs = REF(olm_pk_decrypt)(ref_dec, key, 43, "AAAAAAAAAAA", 11, theirs_ct, 5, out, claims[i]);
        unsigned ours_code = olm_pk_decryption_last_error_code(dec);
        unsigned theirs_code = REF(olm_pk_decryption_last_error_code)(ref_dec);
        CHECK(ours == theirs && ours_code == theirs_code, "olm_pk_decrypt(5 characters, claim %zu): ours %zu/%u, libolm %zu/%u",
              claims[i], ours, ours_code, theirs, theirs_code);
    }
    free(dec);
    free(ref_dec);

    /* Lengths that fit are exact: the formula with no wrap. */
    size_t fitting[] = {0, 1, 15, 16, 17, 1000, (SIZE_MAX >> 24) + 1, SIZE_MAX / 8};
    for (size_t i = 0; i < sizeof fitting / sizeof fitting[0]; i++) {
        size_t n = fitting[i];
        /* 8-byte MAC in Olm and Megolm; Megolm also carries a 64-byte signature. */
        size_t expect = fits(n, 0);
        CHECK(expect && olm_pk_ciphertext_length(pk, n) == expect, "olm_pk_ciphertext_length(%zu) = %zu, not %zu", n,
              olm_pk_ciphertext_length(pk, n), expect);
        CHECK(olm_group_encrypt_message_length(group, n) > olm_pk_ciphertext_length(pk, n),
              "olm_group_encrypt_message_length(%zu) = %zu", n, olm_group_encrypt_message_length(group, n));
        CHECK(olm_encrypt_message_length(session, n) > olm_pk_ciphertext_length(pk, n),
              "olm_encrypt_message_length(%zu) = %zu", n, olm_encrypt_message_length(session, n));
    }

    munmap(plaintext, 8192);
    dlclose(libolm);
    END();
}
