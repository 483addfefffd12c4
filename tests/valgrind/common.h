/* Helpers shared by the memory-checking C programs (run under valgrind memcheck). */
#ifndef OLM_VG_COMMON_H
#define OLM_VG_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/memcheck.h>

void olm_get_library_version(uint8_t *major, uint8_t *minor, uint8_t *patch);

static int failures = 0;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                              \
        }                                                                            \
    } while (0)

/* Deterministic bytes, different for each label. */
static void fill(uint8_t *buf, size_t len, uint32_t label) {
    uint32_t x = 0x9e3779b9u ^ (label * 0x85ebca6bu);
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (uint8_t)(x >> 7);
    }
}

/* An object's memory from malloc, so that memcheck sees its bounds exactly. */
static void *object(size_t size) {
    void *p = malloc(size);
    if (!p) abort();
    return p;
}

/* Reports the result. With OLM_EXPECT_PATCH set, also fails unless the loaded library reports
 * that patch version (this library says 3.2.16, Debian's 3.2.13): a test meant for one library
 * must not silently run against the other (both have the soname libolm.so.3). */
static int finish(const char *name) {
    uint8_t major, minor, patch;
    olm_get_library_version(&major, &minor, &patch);
    const char *expect = getenv("OLM_EXPECT_PATCH");
    if (expect && atoi(expect) != patch) {
        fprintf(stderr, "%s: ran against libolm %u.%u.%u, expected patch %s\n", name, major, minor, patch, expect);
        failures++;
    }
    if (failures) {
        fprintf(stderr, "%s: %d checks failed\n", name, failures);
        return 1;
    }
    printf("%s: all checks passed\n", name);
    return 0;
}

/* Does any `window`-byte piece of `needle` occur in `hay`? */
__attribute__((unused)) static int contains_piece(const uint8_t *hay, size_t hay_len, const uint8_t *needle, size_t needle_len, size_t window) {
    for (size_t n = 0; n + window <= needle_len; n++)
        for (size_t h = 0; h + window <= hay_len; h++)
            if (memcmp(hay + h, needle + n, window) == 0) return 1;
    return 0;
}

/* Unpadded base64 decoding of a well-formed key (for the tests' own use). */
__attribute__((unused)) static size_t b64decode(const char *in, size_t len, uint8_t *out) {
    static const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint32_t acc = 0;
    int bits = 0;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        const char *p = strchr(alphabet, in[i]);
        if (!p || !in[i]) break;
        acc = acc << 6 | (uint32_t)(p - alphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (uint8_t)(acc >> bits);
        }
    }
    return n;
}

/* The base64 value of "key":"..." in a JSON text, copied into out (NUL-terminated). */
__attribute__((unused)) static size_t json_value(const char *json, size_t json_len, const char *key, char *out, size_t out_len) {
    char needle[64];
    snprintf(needle, sizeof needle, "\"%s\":\"", key);
    char *text = malloc(json_len + 1);
    memcpy(text, json, json_len);
    text[json_len] = 0;
    size_t n = 0;
    char *p = strstr(text, needle);
    if (p) {
        p += strlen(needle);
        while (p[n] && p[n] != '"' && n + 1 < out_len) {
            out[n] = p[n];
            n++;
        }
    }
    out[n] = 0;
    free(text);
    return n;
}

#endif

/* Zeroization check around olm_clear_X: call with present=1 before the clear (so the check
 * itself is shown to work: the key material is found in the object) and present=0 after it,
 * when no 8-byte piece of it may be left anywhere in the object's memory. */
__attribute__((unused)) static void expect_key_material(const char *what, const void *mem, size_t size, const uint8_t *secret,
                                                        size_t len, int present) {
    /* The scan reads every byte of the object, padding included: padding that the library
     * never wrote is undefined for memcheck, but its bytes are what this check is about. */
    VALGRIND_MAKE_MEM_DEFINED(mem, size);
    int found = contains_piece(mem, size, secret, len, 8);
    if (found != present) {
        fprintf(stderr, "%s: key material %s\n", what, present ? "not found before clear" : "left after clear");
        failures++;
    }
}
