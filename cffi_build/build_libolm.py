"""Builds the `_libolm` CFFI extension module, the one python-olm imports, from this library's
generated headers (include/olm/*.h) and links it to this library's libolm.so.

This is python-olm's own route with our library in place of its bundled C++ one: the public headers
are run through the C preprocessor with empty stand-ins for <stddef.h> and <stdint.h> (CFFI knows
those types), their integer macros are kept as CFFI constants, `memset` is declared because python-olm calls `lib.memset` to wipe buffers, and the
result is the cdef. By default the module records a run path to the library's directory, so it
finds our libolm.so.3 without LD_LIBRARY_PATH (and never falls back to the system's libolm);
`--rpath` records another one (`$ORIGIN/...` for a bundled copy) or, empty, none (a system
package, whose library is on the loader's default path).

    python cffi_build/build_libolm.py --libdir target/release --out DIR [--rpath RUNPATH]

DIR receives _libolm.*.so (put it on sys.path, e.g. a virtual environment's site-packages) and
olm_cdef.h, the preprocessed declarations, for reading.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

from cffi import FFI

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# The headers python-olm's module is made from; olm.h brings in error.h and the group sessions.
HEADERS = ["olm/olm.h", "olm/inbound_group_session.h", "olm/outbound_group_session.h",
           "olm/pk.h", "olm/sas.h"]

# python-olm zeroes plaintext and key buffers through lib.memset.
MEMSET = "void *memset(void *s, int c, size_t n);\n"


def preprocess(include_dir, *options):
    """The C preprocessor's output for our headers, without the system's headers or macros."""
    source = "".join("#include <%s>\n" % h for h in HEADERS)
    cpp = os.environ.get("CPP", "cpp").split()
    return subprocess.run(
        cpp + list(options) + ["-undef", "-nostdinc", "-I", os.path.join(HERE, "dummy"),
                               "-I", include_dir, "-"],
        input=source, capture_output=True, text=True, check=True).stdout


def preprocessed_declarations(include_dir):
    """Our headers as one C text that CFFI's cdef accepts: no comments, no line markers, no
    system declarations, no C++ guards."""
    return preprocess(include_dir, "-P") + MEMSET


def _ffi(include_dir, extra_source="", **link_options):
    """The FFI builder of `_libolm` from include_dir's headers; extra_source follows the headers in
    the module's C source, link_options go to set_source."""
    ffi = FFI()
    ffi.cdef(preprocessed_declarations(include_dir))
    ffi.set_source("_libolm", "".join("#include <%s>\n" % h for h in HEADERS) + extra_source,
                   include_dirs=[include_dir], **link_options)
    return ffi


def make_ffi(include_dir, libdir, rpath=None):
    """The FFI builder of `_libolm`, linked to libdir's libolm; run path `rpath` (default libdir,
    "" for none)."""
    rpath = libdir if rpath is None else rpath
    return _ffi(include_dir, library_dirs=[libdir], libraries=["olm"],
                extra_link_args=["-Wl,-rpath," + rpath] if rpath else [])


def library_functions(declarations):
    """The libolm functions declared in the cdef (memset, the C library's, excluded)."""
    return sorted(set(re.findall(r"\b(_?olm_\w+)\s*\(", declarations)))


# The wheel's module calls every libolm function through a pointer it binds itself, with dlsym on
# the bundled library's own handle. Linking alone (DT_NEEDED) is not enough: the loader resolves a
# module's undefined symbols in the global scope first, so a libolm that the program links or that
# was dlopen'ed RTLD_GLOBAL would otherwise serve the calls, whatever the module's run path. Each
# pointer starts as the loader's binding, so a failed dlsym changes nothing.
BOUND_POINTER = "__attribute__((visibility(\"hidden\"))) __typeof__(&%(f)s) olmrs_bound_%(f)s = &%(f)s;\n"
BIND = "    if ((found = dlsym(library, \"%(f)s\")) != NULL) olmrs_bound_%(f)s = (__typeof__(&%(f)s))found;\n"
CALL_THROUGH_POINTER = "#define %(f)s (*olmrs_bound_%(f)s)\n"


def bound_calls_source(functions):
    """C that follows the headers: the pointers, the constructor that binds them to the library
    whose soname is OLMRS_BUNDLED_SONAME, and macros that route the module's calls through them."""
    return "".join(
        ["\n#include <dlfcn.h>\n"]
        + [BOUND_POINTER % {"f": f} for f in functions]
        + ["__attribute__((constructor)) static void olmrs_bind_to_bundled_library(void)\n{\n",
           "    void *found, *library = dlopen(OLMRS_BUNDLED_SONAME, RTLD_NOW | RTLD_NOLOAD);\n",
           "    if (library == NULL) return;\n"]
        + [BIND % {"f": f} for f in functions]
        + ["    dlclose(library);\n}\n"]
        + [CALL_THROUGH_POINTER % {"f": f} for f in functions])


def wheel_ffi():
    """The FFI builder the wheel's build backend names in `cffi_modules` (setup.py): the
    repository's headers, calls bound to the bundled library (bound_calls_source), and no library
    to link yet, because the bundled copy's name is only known once cargo has built it;
    setup.py's build_ext links that copy in and defines OLMRS_BUNDLED_SONAME."""
    include_dir = os.path.join(ROOT, "include")
    functions = library_functions(preprocessed_declarations(include_dir))
    return _ffi(include_dir, bound_calls_source(functions), libraries=["dl"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--include", default=os.path.join(ROOT, "include"),
                        help="directory holding olm/*.h (default: the repository's include/)")
    parser.add_argument("--libdir", default=os.path.join(ROOT, "target", "release"),
                        help="directory holding libolm.so and libolm.so.3; recorded as run path")
    parser.add_argument("--out", required=True, help="directory to write _libolm into")
    parser.add_argument("--rpath", default=None,
                        help="run path to record (default: --libdir; empty: none)")
    args = parser.parse_args()

    libdir = os.path.abspath(args.libdir)
    if not os.path.exists(os.path.join(libdir, "libolm.so.3")):
        sys.exit("build_libolm: %s/libolm.so.3 is missing: the loader would pick the system's "
                 "libolm instead (run `make soname-link`)" % libdir)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    ffi = make_ffi(os.path.abspath(args.include), libdir, args.rpath)
    with open(os.path.join(out, "olm_cdef.h"), "w") as f:
        f.write(preprocessed_declarations(os.path.abspath(args.include)))
    with tempfile.TemporaryDirectory() as tmp:
        built = ffi.compile(tmpdir=tmp)
        # A move, not a rename: the temporary directory may be on another file system.
        shutil.move(built, os.path.join(out, os.path.basename(built)))
    print(os.path.join(out, os.path.basename(built)))


if __name__ == "__main__":
    main()
