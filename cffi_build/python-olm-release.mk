# The python-olm release whose unchanged Python package (its olm/ folder) runs on this library.
# One source of truth, read by make (mk/40-python.mk includes this file) and by the wheel's build
# backend (cffi_build/python_olm_release.py parses the `NAME := value` lines).
#
# python-olm 3.2.16's wheel for CPython 3.11 on x86_64, as PyPI serves it (sha256 pinned: the
# download must be that release, unchanged). Its olm/ folder is byte for byte the sdist's, and
# unlike the sdist it needs no build (the sdist makes pip compile its bundled libolm for minutes
# just to read its metadata). Only olm/ and the README (the wheel's METADATA body) are used; its
# bundled _libolm and libolm are never unpacked.
PYOLM_VERSION := 3.2.16
PYOLM_WHEEL_NAME := python_olm-3.2.16-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
PYOLM_SHA256 := d41ce8cf04bfe0986c802986d04d2808fbb0f8ddd7a5a53c1f2eef7a9db76ae1
