/* A first tour of libolm's C API: Alice and Bob set up an end-to-end encrypted channel.
 *
 *   1. each creates an account (long-term identity keys); Bob publishes a one-time key;
 *   2. Alice starts an Olm session from Bob's keys and sends a first (pre-key) message;
 *   3. Bob creates the matching session from that message, decrypts it and replies;
 *   4. Alice creates a Megolm (group) session and shares its key with Bob over the Olm session;
 *   5. Alice encrypts a group message once; Bob decrypts it with the shared key.
 *
 * Build and run:  make demo     (or: cc demo.c $(pkg-config --cflags --libs olm))
 * libolm never draws random bytes itself: the caller supplies them (here from getrandom()).
 * Every call returns olm_error() on failure, with a reason from the object's *_last_error(). */

#include <olm/olm.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* Stop with a message if a libolm call failed. A macro, so that the object's last error is read
 * after the call (the order in which a function's arguments are evaluated is unspecified). */
#define check(result, what, last_error)                                                     \
    do {                                                                                    \
        if ((result) == olm_error()) {                                                      \
            fprintf(stderr, "%s failed: %s\n", what, last_error);                           \
            exit(1);                                                                        \
        }                                                                                   \
    } while (0)

/* A buffer of `length` fresh random bytes (length 0 is fine). */
static void *random_bytes(size_t length) {
    unsigned char *buffer = malloc(length + 1);
    for (size_t done = 0; done < length;) {
        ssize_t got = getrandom(buffer + done, length - done, 0);
        if (got < 0) {
            perror("getrandom");
            exit(1);
        }
        done += (size_t)got;
    }
    return buffer;
}

/* Memory for an object of the given size, or a text buffer of length + 1 (zeroed, so printable). */
static void *zeroed(size_t length) { return calloc(1, length + 1); }

static OlmAccount *new_account(const char *name) {
    OlmAccount *account = olm_account(zeroed(olm_account_size()));
    size_t random_length = olm_create_account_random_length(account);
    void *random = random_bytes(random_length);
    check(olm_create_account(account, random, random_length), "olm_create_account",
          olm_account_last_error(account));
    free(random);

    size_t keys_length = olm_account_identity_keys_length(account);
    char *keys = zeroed(keys_length);
    check(olm_account_identity_keys(account, keys, keys_length), "olm_account_identity_keys",
          olm_account_last_error(account));
    printf("%s's identity keys: %s\n", name, keys);
    free(keys);
    return account;
}

/* Reads one value out of libolm's small JSON objects: the string after the first colon that follows
 * `after` (enough for the fixed shapes libolm writes; real code uses a JSON parser). */
static char *json_value_after(const char *json, const char *after) {
    const char *start = strstr(json, after);
    start = strchr(start + strlen(after), ':');
    start = strchr(start, '"') + 1;
    return strndup(start, (size_t)(strchr(start, '"') - start));
}

/* Olm-encrypts `plaintext` and returns the base64 message; its type (0 pre-key, 1 normal) in *type. */
static char *encrypt_message(OlmSession *session, const char *plaintext, size_t *type) {
    *type = olm_encrypt_message_type(session);
    size_t random_length = olm_encrypt_random_length(session);
    void *random = random_bytes(random_length);
    size_t message_length = olm_encrypt_message_length(session, strlen(plaintext));
    char *message = zeroed(message_length);
    check(olm_encrypt(session, plaintext, strlen(plaintext), random, random_length, message,
                      message_length),
          "olm_encrypt", olm_session_last_error(session));
    free(random);
    return message;
}

/* Olm-decrypts a base64 message of the given type and returns the plaintext. */
static char *decrypt_message(OlmSession *session, size_t type, const char *message) {
    /* Decryption works in place on the message, so it gets copies. */
    char *copy = strdup(message);
    size_t max_length = olm_decrypt_max_plaintext_length(session, type, copy, strlen(copy));
    check(max_length, "olm_decrypt_max_plaintext_length", olm_session_last_error(session));
    free(copy);
    copy = strdup(message);
    char *plaintext = zeroed(max_length);
    size_t length = olm_decrypt(session, type, copy, strlen(copy), plaintext, max_length);
    check(length, "olm_decrypt", olm_session_last_error(session));
    plaintext[length] = '\0';
    free(copy);
    return plaintext;
}

int main(void) {
    uint8_t major, minor, patch;
    olm_get_library_version(&major, &minor, &patch);
    printf("libolm version %d.%d.%d\n\n", major, minor, patch);

    printf("1. Accounts\n");
    OlmAccount *alice = new_account("Alice");
    OlmAccount *bob = new_account("Bob");

    size_t random_length = olm_account_generate_one_time_keys_random_length(bob, 1);
    void *random = random_bytes(random_length);
    check(olm_account_generate_one_time_keys(bob, 1, random, random_length),
          "olm_account_generate_one_time_keys", olm_account_last_error(bob));
    free(random);
    size_t otk_length = olm_account_one_time_keys_length(bob);
    char *one_time_keys = zeroed(otk_length);
    check(olm_account_one_time_keys(bob, one_time_keys, otk_length), "olm_account_one_time_keys",
          olm_account_last_error(bob));
    printf("Bob publishes a one-time key: %s\n", one_time_keys);
    olm_account_mark_keys_as_published(bob);

    size_t bob_keys_length = olm_account_identity_keys_length(bob);
    char *bob_keys = zeroed(bob_keys_length);
    olm_account_identity_keys(bob, bob_keys, bob_keys_length);
    char *bob_identity_key = json_value_after(bob_keys, "\"curve25519\"");
    char *bob_one_time_key = json_value_after(one_time_keys, "\"curve25519\":{");

    printf("\n2. Alice starts an Olm session with Bob\n");
    OlmSession *alice_session = olm_session(zeroed(olm_session_size()));
    random_length = olm_create_outbound_session_random_length(alice_session);
    random = random_bytes(random_length);
    check(olm_create_outbound_session(alice_session, alice, bob_identity_key,
                                      strlen(bob_identity_key), bob_one_time_key,
                                      strlen(bob_one_time_key), random, random_length),
          "olm_create_outbound_session", olm_session_last_error(alice_session));
    free(random);
    size_t type;
    char *first = encrypt_message(alice_session, "Hello Bob!", &type);
    printf("Alice sends (type %zu, pre-key): %s\n", type, first);

    printf("\n3. Bob answers\n");
    OlmSession *bob_session = olm_session(zeroed(olm_session_size()));
    char *copy = strdup(first); /* consumed in place */
    check(olm_create_inbound_session(bob_session, bob, copy, strlen(copy)),
          "olm_create_inbound_session", olm_session_last_error(bob_session));
    free(copy);
    check(olm_remove_one_time_keys(bob, bob_session), "olm_remove_one_time_keys",
          olm_account_last_error(bob));
    char *plaintext = decrypt_message(bob_session, type, first);
    printf("Bob decrypts: \"%s\"\n", plaintext);
    free(plaintext);
    char *reply = encrypt_message(bob_session, "Hi Alice, got it.", &type);
    printf("Bob replies (type %zu, normal): %s\n", type, reply);
    plaintext = decrypt_message(alice_session, type, reply);
    printf("Alice decrypts: \"%s\"\n", plaintext);
    free(plaintext);

    printf("\n4. Alice creates a Megolm group session and shares its key over Olm\n");
    OlmOutboundGroupSession *outbound = olm_outbound_group_session(
        zeroed(olm_outbound_group_session_size()));
    random_length = olm_init_outbound_group_session_random_length(outbound);
    random = random_bytes(random_length);
    check(olm_init_outbound_group_session(outbound, random, random_length),
          "olm_init_outbound_group_session", olm_outbound_group_session_last_error(outbound));
    free(random);
    size_t key_length = olm_outbound_group_session_key_length(outbound);
    char *session_key = zeroed(key_length);
    check(olm_outbound_group_session_key(outbound, (uint8_t *)session_key, key_length),
          "olm_outbound_group_session_key", olm_outbound_group_session_last_error(outbound));
    char *sealed_key = encrypt_message(alice_session, session_key, &type);
    printf("Alice sends the group session key inside an Olm message: %.40s...\n", sealed_key);
    char *received_key = decrypt_message(bob_session, type, sealed_key);
    OlmInboundGroupSession *inbound = olm_inbound_group_session(
        zeroed(olm_inbound_group_session_size()));
    check(olm_init_inbound_group_session(inbound, (const uint8_t *)received_key,
                                         strlen(received_key)),
          "olm_init_inbound_group_session", olm_inbound_group_session_last_error(inbound));
    printf("Bob joins the group session\n");

    printf("\n5. A group message\n");
    const char *text = "Hello, everyone in the room!";
    size_t group_length = olm_group_encrypt_message_length(outbound, strlen(text));
    char *group_message = zeroed(group_length);
    check(olm_group_encrypt(outbound, (const uint8_t *)text, strlen(text),
                            (uint8_t *)group_message, group_length),
          "olm_group_encrypt", olm_outbound_group_session_last_error(outbound));
    printf("Alice broadcasts: %s\n", group_message);
    copy = strdup(group_message);
    size_t max_length = olm_group_decrypt_max_plaintext_length(inbound, (uint8_t *)copy,
                                                                strlen(copy));
    check(max_length, "olm_group_decrypt_max_plaintext_length",
          olm_inbound_group_session_last_error(inbound));
    free(copy);
    copy = strdup(group_message);
    uint8_t *group_plaintext = zeroed(max_length);
    uint32_t index;
    size_t length = olm_group_decrypt(inbound, (uint8_t *)copy, strlen(copy), group_plaintext,
                                      max_length, &index);
    check(length, "olm_group_decrypt", olm_inbound_group_session_last_error(inbound));
    group_plaintext[length] = '\0';
    printf("Bob decrypts message %u: \"%s\"\n", index, (char *)group_plaintext);

    int ok = strcmp((char *)group_plaintext, text) == 0;
    printf("\n%s\n", ok ? "Done: everything decrypted as sent." : "MISMATCH");

    /* Objects hold keys: clear them before freeing their memory (real code frees the memory
     * block it allocated; this demo lets the process end). */
    olm_clear_inbound_group_session(inbound);
    olm_clear_outbound_group_session(outbound);
    olm_clear_session(bob_session);
    olm_clear_session(alice_session);
    olm_clear_account(bob);
    olm_clear_account(alice);
    return ok ? 0 : 1;
}
