"""Which libolm a process that imported the wheel's python-olm runs on, from /proc/self/maps:
the wheel's own copy (python_olm.libs/libolm-<hash>.so.3 next to `_libolm`) must be mapped, and
the functions `_libolm` calls must lie inside it."""

import ctypes
import glob
import os
import subprocess


def bundled_library():
    """The library the wheel installed next to its `_libolm` module."""
    import _libolm
    found = glob.glob(os.path.join(os.path.dirname(_libolm.__file__),
                                   "python_olm.libs", "libolm-*.so.3"))
    assert len(found) == 1, "expected one bundled libolm next to %s, found %s" % (
        _libolm.__file__, found)
    return os.path.realpath(found[0])


def mappings():
    """Every file-backed mapping of this process as (start, end, path)."""
    found = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split(None, 5)
            if len(fields) == 6 and fields[5].startswith("/"):
                start, end = (int(x, 16) for x in fields[0].split("-"))
                found.append((start, end, fields[5].strip()))
    return found


def libolm_files():
    """The libolm files mapped, as {realpath: (device, inode)}."""
    return {os.path.realpath(path): (os.stat(path).st_dev, os.stat(path).st_ino)
            for _, _, path in mappings() if os.path.basename(path).startswith("libolm")}


def file_holding(address):
    for start, end, path in mappings():
        if start <= address < end:
            return os.path.realpath(path)
    return None


def bound_functions(module_path):
    """{libolm function: the address `_libolm` calls it at}: the module calls each libolm function
    through a pointer olmrs_bound_<function> that its constructor binds with dlsym on the bundled
    library (cffi_build/build_libolm.py); the pointers' places come from its symbol table."""
    module_path = os.path.realpath(module_path)
    base = min(start for start, _, path in mappings() if os.path.realpath(path) == module_path)
    symbols = subprocess.run(["nm", "--defined-only", module_path], capture_output=True,
                             text=True, check=True).stdout
    bound = {}
    for line in symbols.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[2].startswith("olmrs_bound_"):
            pointer = base + int(fields[0], 16)
            # A pointer's own width: 4 bytes on i686 and armv7l.
            bound[fields[2][len("olmrs_bound_"):]] = ctypes.c_void_p.from_address(pointer).value or 0
    return bound


def check_bundled_library_serves():
    """Asserts that the bundled library is mapped, that every libolm function `_libolm` calls
    is called inside it, and that it reports libolm 3.2.16 (Debian's libolm is 3.2.13); returns
    the bundled library's path."""
    import _libolm
    bundled = bundled_library()
    assert bundled in libolm_files(), "%s is not mapped; libolm files mapped: %s" % (
        bundled, sorted(libolm_files()))
    bound = bound_functions(_libolm.__file__)
    assert len(bound) >= 150, "only %d olm_ functions found bound in %s" % (
        len(bound), _libolm.__file__)
    elsewhere = {name: file_holding(address) for name, address in bound.items()
                 if file_holding(address) != bundled}
    assert not elsewhere, "bound outside %s: %s" % (bundled, sorted(elsewhere.items())[:5])
    version = [_libolm.ffi.new("uint8_t *") for _ in range(3)]
    _libolm.lib.olm_get_library_version(*version)
    assert [v[0] for v in version] == [3, 2, 16], [v[0] for v in version]
    return bundled
