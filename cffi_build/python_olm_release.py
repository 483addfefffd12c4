"""python-olm's pinned release (cffi_build/python-olm-release.mk) for the wheel's build backend:
fetched once into a cache with pip, checked against its sha256, and its olm/ package unpacked.
make does the same from the same pin (mk/40-python.mk); only olm/ is ever taken from it."""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
PIN_FILE = os.path.join(HERE, "python-olm-release.mk")
CACHE = os.environ.get("PYOLM_CACHE", os.path.join(os.path.expanduser("~"), ".cache", "olm-rs"))


def pin():
    """The pinned release as a dict: PYOLM_VERSION, PYOLM_WHEEL_NAME, PYOLM_SHA256."""
    with open(PIN_FILE) as f:
        found = dict(re.findall(r"^(PYOLM_\w+) := (\S+)$", f.read(), re.M))
    wanted = {"PYOLM_VERSION", "PYOLM_WHEEL_NAME", "PYOLM_SHA256"}
    if set(found) != wanted:
        raise RuntimeError("%s: expected %s, found %s" % (PIN_FILE, sorted(wanted), sorted(found)))
    return found


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def fetch(cache=CACHE):
    """The path of the pinned wheel in `cache`, downloaded by pip when missing; its sha256 is
    checked every time (a cached file that does not match is an error, never used)."""
    release = pin()
    path = os.path.join(cache, release["PYOLM_WHEEL_NAME"])
    if not os.path.exists(path):
        os.makedirs(cache, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            # The same request as mk/40-python.mk's: that exact binary wheel, whatever Python runs.
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary", ":all:",
                 "--platform", "manylinux2014_x86_64", "--python-version", "3.11",
                 "--implementation", "cp", "--abi", "cp311", "-d", tmp,
                 "python-olm==" + release["PYOLM_VERSION"]], check=True)
            downloaded = os.path.join(tmp, release["PYOLM_WHEEL_NAME"])
            if sha256_of(downloaded) != release["PYOLM_SHA256"]:
                raise RuntimeError("%s: sha256 is not the pinned %s"
                                   % (release["PYOLM_WHEEL_NAME"], release["PYOLM_SHA256"]))
            shutil.move(downloaded, path)
    if sha256_of(path) != release["PYOLM_SHA256"]:
        raise RuntimeError("%s: sha256 is not the pinned %s" % (path, release["PYOLM_SHA256"]))
    return path


def extract_package(wheel, dest):
    """Unpacks the wheel's olm/ folder, and nothing else, into dest; returns the files written."""
    with zipfile.ZipFile(wheel) as whl:
        names = [n for n in whl.namelist() if n.startswith("olm/") and not n.endswith("/")]
        if not names:
            raise RuntimeError("%s: no olm/ package" % wheel)
        whl.extractall(dest, members=names)
    return [os.path.join(dest, n) for n in names]
