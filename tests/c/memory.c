/* The memory model: an object lives in caller memory of olm_X_size() bytes at any address
 * (malloc, a stack array, an unaligned pointer), and olm_clear_X leaves a usable empty object.
 * The utility object here; memory_families.c covers the kinds with keys. */
#include "check.h"

static void use(OlmUtility *u, const char *where) {
    char out[43];
    CHECK(u != NULL, "%s: olm_utility returned NULL", where);
    if (!u) return;
    CHECK(olm_sha256(u, "abc", 3, out, sizeof out) == 43, "%s: sha256", where);
    CHECK(memcmp(out, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0", 43) == 0, "%s: digest", where);
    CHECK(olm_sha256(u, "abc", 3, out, 1) == olm_error(), "%s: error", where);
    CHECK(olm_utility_last_error_code(u) == OLM_OUTPUT_BUFFER_TOO_SMALL, "%s: error code", where);
    /* Clearing leaves a fresh, usable object. */
    CHECK(olm_clear_utility(u) == olm_utility_size(), "%s: clear returns the size", where);
    CHECK(olm_utility_last_error_code(u) == OLM_SUCCESS, "%s: cleared error", where);
    CHECK(olm_sha256(u, "abc", 3, out, sizeof out) == 43, "%s: usable after clear", where);
}

static void within(const void *handle, const unsigned char *memory, size_t size, const char *where) {
    const unsigned char *h = handle;
    CHECK(h >= memory && h < memory + size, "%s: the handle lies outside the memory given", where);
}

int main(void) {
    check_library_under_test();
    size_t size = olm_utility_size();
    CHECK(size > 0 && size < 4096, "size %zu", size);

    unsigned char *heap = malloc(size);
    OlmUtility *u = olm_utility(heap);
    within(u, heap, size, "malloc");
    use(u, "malloc");
    free(heap);

    unsigned char stack[4096];
    u = olm_utility(stack);
    within(u, stack, size, "stack");
    use(u, "stack");

    /* Every misalignment from 1 to 15 bytes. */
    unsigned char *block = malloc(size + 16);
    for (size_t offset = 1; offset < 16; offset++) {
        memset(block, 0xa5, size + 16);
        u = olm_utility(block + offset);
        within(u, block + offset, size, "unaligned");
        use(u, "unaligned");
        CHECK(block[offset - 1] == 0xa5, "wrote before the memory given (offset %zu)", offset);
        CHECK(block[offset + size] == 0xa5, "wrote past the memory given (offset %zu)", offset);
    }
    free(block);
    END();
}
