"""Whether the C that cffi generates for `_libolm` (cffi_build/build_libolm.py's wheel_ffi, with the
cffi of the interpreter running this) defines Py_LIMITED_API once preprocessed against this
interpreter's headers: then the module compiled from it uses only CPython's stable ABI (abi3)."""

import os
import subprocess
import sys
import sysconfig
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "cffi_build"))
import build_libolm  # noqa: E402

with tempfile.TemporaryDirectory() as tmp:
    source = os.path.join(tmp, "_libolm.c")
    build_libolm.wheel_ffi().emit_c_code(source)
    macros = subprocess.run(
        os.environ.get("CC", "cc").split() + ["-E", "-dM", "-I", sysconfig.get_paths()["include"],
                                              "-I", os.path.join(ROOT, "include"), source],
        capture_output=True, text=True, check=True).stdout.splitlines()
limited = [m for m in macros if m.split()[:2] == ["#define", "Py_LIMITED_API"]]
assert limited, "Py_LIMITED_API is not defined in cffi's C for _libolm"
print("%s (cffi %s)" % (limited[0], __import__("cffi").__version__))
