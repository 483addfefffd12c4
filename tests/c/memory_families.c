/* The memory model for every object kind with keys, found at run time in our library so that
 * a kind is tested as soon as its family is exported (and reported as skipped until then):
 * any address works, olm_clear_X leaves a usable empty object, and clearing zeroes the key
 * bytes the object held. */
#include "check.h"

typedef size_t (*size_fn)(void);
typedef void *(*init_fn)(void *);
typedef size_t (*clear_fn)(void *);
typedef size_t (*code_fn)(const void *);
/* Puts known key material into a fresh object; returns the bytes to look for, or 0 on error. */
typedef size_t (*load_fn)(void *object, unsigned char key[32]);

static void *our(const char *name) { return dlsym(RTLD_DEFAULT, name); }

static void fill(unsigned char *random, size_t n, unsigned char seed) {
    for (size_t i = 0; i < n; i++) random[i] = (unsigned char)(seed + 37 * i + (i >> 3));
}

/* olm_create_account: libolm takes the Curve25519 private key from random bytes 32..63. */
static size_t load_account(void *account, unsigned char key[32]) {
    size_t (*create)(void *, void *, size_t) = (size_t (*)(void *, void *, size_t))our("olm_create_account");
    unsigned char random[64];
    fill(random, 64, 1);
    memcpy(key, random + 32, 32);
    return create(account, random, 64) == olm_error() ? 0 : 32;
}

/* olm_pk_key_from_private keeps the private key as given. */
static size_t load_pk_decryption(void *decryption, unsigned char key[32]) {
    size_t (*from_private)(void *, void *, size_t, const void *, size_t) =
        (size_t (*)(void *, void *, size_t, const void *, size_t))our("olm_pk_key_from_private");
    char pub[43];
    fill(key, 32, 2);
    return from_private(decryption, pub, sizeof pub, key, 32) == olm_error() ? 0 : 32;
}

/* olm_create_sas: the random bytes are the private key. */
static size_t load_sas(void *sas, unsigned char key[32]) {
    size_t (*create)(void *, void *, size_t) = (size_t (*)(void *, void *, size_t))our("olm_create_sas");
    unsigned char random[32];
    fill(random, 32, 3);
    memcpy(key, random, 32);
    return create(sas, random, 32) == olm_error() ? 0 : 32;
}

/* olm_init_outbound_group_session: the first 128 random bytes are the Megolm ratchet. */
static size_t load_outbound(void *session, unsigned char key[32]) {
    size_t (*init)(void *, uint8_t *, size_t) = (size_t (*)(void *, uint8_t *, size_t))our("olm_init_outbound_group_session");
    unsigned char random[160];
    fill(random, 160, 4);
    memcpy(key, random, 32);
    return init(session, random, 160) == olm_error() ? 0 : 32;
}

struct kind {
    const char *name, *size, *init, *clear, *code, *needs;
    load_fn load;
};

static const struct kind kinds[] = {
    {"account", "olm_account_size", "olm_account", "olm_clear_account", "olm_account_last_error_code", "olm_create_account", load_account},
    {"session", "olm_session_size", "olm_session", "olm_clear_session", "olm_session_last_error_code", NULL, NULL},
    {"outbound group session", "olm_outbound_group_session_size", "olm_outbound_group_session", "olm_clear_outbound_group_session",
     "olm_outbound_group_session_last_error_code", "olm_init_outbound_group_session", load_outbound},
    {"inbound group session", "olm_inbound_group_session_size", "olm_inbound_group_session", "olm_clear_inbound_group_session",
     "olm_inbound_group_session_last_error_code", NULL, NULL},
    {"pk encryption", "olm_pk_encryption_size", "olm_pk_encryption", "olm_clear_pk_encryption", "olm_pk_encryption_last_error_code", NULL, NULL},
    {"pk decryption", "olm_pk_decryption_size", "olm_pk_decryption", "olm_clear_pk_decryption", "olm_pk_decryption_last_error_code",
     "olm_pk_key_from_private", load_pk_decryption},
    {"pk signing", "olm_pk_signing_size", "olm_pk_signing", "olm_clear_pk_signing", "olm_pk_signing_last_error_code", NULL, NULL},
    {"sas", "olm_sas_size", "olm_sas", "olm_clear_sas", "olm_sas_last_error_code", "olm_create_sas", load_sas},
};

static void test_kind(const struct kind *k) {
    size_fn size = (size_fn)our(k->size);
    init_fn init = (init_fn)our(k->init);
    clear_fn clear = (clear_fn)our(k->clear);
    code_fn code = (code_fn)our(k->code);
    if (!size || !init || !clear || !code || (k->needs && !our(k->needs))) {
        printf("skipped: %s (not exported yet)\n", k->name);
        return;
    }
    size_t n = size();
    CHECK(n > 0 && n < (1u << 20), "%s: size %zu", k->name, n);
    unsigned char *block = malloc(n + 16);
    for (size_t offset = 0; offset < 16; offset += 5) {
        memset(block, 0, n + 16);
        void *object = init(block + offset);
        unsigned char *h = object;
        CHECK(h >= block + offset && h < block + offset + n, "%s: handle outside its memory", k->name);
        CHECK(code(object) == OLM_SUCCESS, "%s: fresh object has an error", k->name);
        if (k->load) {
            unsigned char key[32];
            size_t len = k->load(object, key);
            CHECK(len > 0, "%s: loading key material failed (error %zu)", k->name, code(object));
            /* The key must be found before clearing, or the check after it proves nothing. */
            CHECK(contains(block, n + 16, key, len), "%s: key bytes not found in the object", k->name);
            CHECK(clear(object) == n, "%s: clear returns the size", k->name);
            CHECK(!contains(block, n + 16, key, len), "%s: key bytes survive olm_clear", k->name);
            /* Usable again after clearing. */
            CHECK(k->load(object, key) > 0, "%s: unusable after clear", k->name);
            clear(object);
        } else {
            CHECK(clear(object) == n, "%s: clear returns the size", k->name);
            CHECK(code(object) == OLM_SUCCESS, "%s: cleared object has an error", k->name);
        }
    }
    free(block);
    /* A stack object. */
    unsigned char stack[1 << 16];
    if (n <= sizeof stack) {
        void *object = init(stack + 3);
        CHECK(code(object) == OLM_SUCCESS, "%s: stack object", k->name);
        clear(object);
    }
}

int main(void) {
    check_library_under_test();
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) test_kind(&kinds[i]);
    END();
}
