/* Empty on purpose: CFFI knows size_t itself, and preprocessing our headers for cdef must not
 * pull in the C library's declarations. Used only by cffi_build/build_libolm.py. */
