#ifndef OLM_EXPORT_H
#define OLM_EXPORT_H

/*
 * The symbol-visibility macros of libolm's olm/olm_export.h, so that code which includes that
 * header or uses its macros builds unchanged. Written by hand: unlike the other headers it
 * declares no function, and this library's exports are set by the Rust build, not by these
 * macros. OLM_STATIC_DEFINE empties OLM_EXPORT and OLM_NO_EXPORT, as in libolm.
 */

#ifdef OLM_STATIC_DEFINE
#  ifndef OLM_EXPORT
#    define OLM_EXPORT
#  endif
#  ifndef OLM_NO_EXPORT
#    define OLM_NO_EXPORT
#  endif
#else
#  ifndef OLM_EXPORT
#    define OLM_EXPORT __attribute__((visibility("default")))
#  endif
#  ifndef OLM_NO_EXPORT
#    define OLM_NO_EXPORT __attribute__((visibility("hidden")))
#  endif
#endif

#ifndef OLM_DEPRECATED
#  define OLM_DEPRECATED __attribute__((__deprecated__))
#endif
#ifndef OLM_DEPRECATED_EXPORT
#  define OLM_DEPRECATED_EXPORT OLM_EXPORT OLM_DEPRECATED
#endif
#ifndef OLM_DEPRECATED_NO_EXPORT
#  define OLM_DEPRECATED_NO_EXPORT OLM_NO_EXPORT OLM_DEPRECATED
#endif

#endif /* OLM_EXPORT_H */
