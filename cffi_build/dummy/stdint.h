/* Empty on purpose: CFFI knows uint8_t, uint32_t, ... itself, and preprocessing our headers for
 * cdef must not pull in the C library's declarations. Used only by cffi_build/build_libolm.py. */
