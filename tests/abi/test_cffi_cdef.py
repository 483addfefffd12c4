"""The python-olm route: python-olm preprocesses libolm's headers with `cpp` over dummy
stddef.h/stdint.h/olm/error.h and feeds the result to cffi's cdef(). Our headers must survive
the same treatment, and declare every function we export with libolm's type as cffi sees it."""

import os
import subprocess

import pytest
from cffi import FFI

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OURS = os.path.join(ROOT, "include")
LIBOLM = "/usr/include"
SO = os.path.join(ROOT, "target", "release", "libolm.so")
# The headers python-olm cdefs, in its order.
CDEF_HEADERS = ["error.h", "olm.h", "pk.h", "sas.h"]


@pytest.fixture(scope="module")
def dummy(tmp_path_factory):
    d = tmp_path_factory.mktemp("dummy")
    (d / "olm").mkdir()
    for name in ["stddef.h", "stdint.h", "olm/error.h"]:
        (d / name).write_text("")
    return str(d)


def preprocess(include_dir, header, dummy):
    # error.h is cdef'd on its own; where the others include it, the empty dummy comes first.
    # libolm's own headers need their export macro off (python-olm builds libolm statically).
    args = ["cpp", "-DOLM_STATIC_DEFINE", "-I", dummy, "-I", include_dir, os.path.join(include_dir, "olm", header)]
    res = subprocess.run(args, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    return res.stdout


def cdef_all(include_dir, dummy):
    ffi = FFI()
    for header in CDEF_HEADERS:
        ffi.cdef(preprocess(include_dir, header, dummy), override=True)
    return ffi


def functions(ffi):
    """{name: C type of the function} as cffi parsed it. Our error.h spells the enum type
    through its typedef (`typedef enum OlmErrorCode {...} OlmErrorCode`), libolm's does not;
    cffi names the same type either way, so both spellings are made one."""
    decls = ffi._parser._declarations
    return {
        key.split(" ", 1)[1]: decl[0].get_c_name().replace("enum OlmErrorCode", "OlmErrorCode")
        for key, decl in decls.items()
        if key.startswith("function ")
    }


def exported():
    out = subprocess.run(["nm", "-D", "--defined-only", SO], capture_output=True, text=True, check=True).stdout
    names = {line.split()[-1] for line in out.splitlines() if line.strip()}
    return sorted(n for n in names if n.startswith("olm_") or n == "_olm_error_to_string")


def test_our_headers_survive_cdef(dummy):
    ffi = cdef_all(OURS, dummy)
    assert "function olm_sha256" in ffi._parser._declarations


def test_every_export_is_declared_with_libolms_type(dummy):
    ours = functions(cdef_all(OURS, dummy))
    theirs = functions(cdef_all(LIBOLM, dummy))
    names = exported()
    assert names, "build the library first"
    # olm.h's cdef covers the group-session headers it includes; cffi must see every export.
    for name in names:
        assert name in ours, f"{name} is exported but cffi does not see it in our headers"
        assert ours[name] == theirs[name], f"{name}: ours {ours[name]} / libolm {theirs[name]}"


def test_error_codes_are_libolms(dummy):
    ffi = cdef_all(OURS, dummy)
    ref = cdef_all(LIBOLM, dummy)
    enum = ffi._parser._declarations["enum OlmErrorCode"][0]
    ref_enum = ref._parser._declarations["enum OlmErrorCode"][0]
    assert list(zip(enum.enumerators, enum.enumvalues)) == list(zip(ref_enum.enumerators, ref_enum.enumvalues))


def test_a_wrong_header_is_caught(dummy, tmp_path):
    # The comparison can fail: a header with a changed parameter type is told apart.
    text = open(os.path.join(OURS, "olm", "olm.h")).read()
    assert "size_t olm_sha256_length(const struct OlmUtility *utility);" in text
    (tmp_path / "olm").mkdir()
    for h in os.listdir(os.path.join(OURS, "olm")):
        src = open(os.path.join(OURS, "olm", h)).read()
        if h == "olm.h":
            src = src.replace("size_t olm_sha256_length(const struct OlmUtility *utility);",
                              "size_t olm_sha256_length(struct OlmUtility *utility);")
        (tmp_path / "olm" / h).write_text(src)
    wrong = functions(cdef_all(str(tmp_path), dummy))
    theirs = functions(cdef_all(LIBOLM, dummy))
    assert wrong["olm_sha256_length"] != theirs["olm_sha256_length"]
