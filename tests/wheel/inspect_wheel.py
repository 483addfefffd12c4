"""Checks of the built wheel file itself, one per subcommand (exit status 0 when it holds):

  tags WHEEL PLATFORM         file name and WHEEL say cp38-abi3-PLATFORM (each of a tag set), not pure
  metadata WHEEL              name, version, license, Python versions, where the parts come from
  contents WHEEL PYOLM_WHEEL LIBRARY
                              exactly olm/ (python-olm's release, byte for byte), _libolm.abi3.so
                              and python_olm.libs/libolm-<hash>.so.3 (LIBRARY's exports, its own
                              soname, the module's only run path $ORIGIN/python_olm.libs)
  same-files WHEEL OTHER      same files and bytes apart from the tag-bearing WHEEL and RECORD
"""

import email
import os
import re
import subprocess
import sys
import tempfile
import zipfile

VERSION = re.compile(r"^3\.2\.16\.post[0-9]+$")


def dist_info(whl, name):
    found = [n for n in whl.namelist() if re.match(r"python_olm-[^/]+\.dist-info/%s$" % name, n)]
    assert len(found) == 1, found
    return whl.read(found[0]).decode()


def tags(wheel, platform):
    """PLATFORM may be a compressed tag set (manylinux2014_aarch64.manylinux_2_17_aarch64, as
    auditwheel names a glibc 2.17 wheel): WHEEL then lists one Tag for each."""
    name = os.path.basename(wheel)
    expected = "cp38-abi3-%s" % platform
    assert name.endswith("-%s.whl" % expected), "%s is not tagged %s" % (name, expected)
    with zipfile.ZipFile(wheel) as whl:
        info = email.message_from_string(dist_info(whl, "WHEEL"))
    listed = ["cp38-abi3-%s" % p for p in platform.split(".")]
    assert sorted(info.get_all("Tag")) == sorted(listed), info.get_all("Tag")
    assert info["Root-Is-Purelib"] == "false"
    print("tags: %s" % expected)


def metadata(wheel):
    with zipfile.ZipFile(wheel) as whl:
        meta = email.message_from_string(dist_info(whl, "METADATA"))
        assert dist_info(whl, "top_level.txt").split() == ["_libolm", "olm"]
    assert meta["Name"] == "python-olm", meta["Name"]
    assert VERSION.match(meta["Version"]), meta["Version"]
    assert meta["License-Expression"] == "Apache-2.0", meta["License-Expression"]
    assert meta.get_all("License-File") == ["LICENSE"], meta.get_all("License-File")
    with zipfile.ZipFile(wheel) as whl:
        text = dist_info(whl, "licenses/LICENSE")
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "LICENSE")) as f:
        assert text == f.read(), "the wheel's licenses/LICENSE is not the repository's LICENSE"
    assert meta["Requires-Python"] == ">=3.8", meta["Requires-Python"]
    assert [r for r in meta.get_all("Requires-Dist") if r.startswith("cffi")], "no cffi dependency"
    assert "poljar@termina.org.uk" in meta["Author-email"], meta["Author-email"]
    text = meta["Summary"] + meta.get_payload()
    for needed in ("python-olm 3.2.16", "olm-rs", "Apache License 2.0", "sha256-checked"):
        assert needed in text, "METADATA does not say %r" % needed
    print("metadata: python-olm %s, Apache-2.0 (its text as licenses/LICENSE), Python >=3.8"
          % meta["Version"])


def readelf(path, what):
    return subprocess.run(["readelf", what, path], capture_output=True, text=True,
                          check=True).stdout


def exports(path):
    out = subprocess.run(["nm", "-D", "--defined-only", path], capture_output=True, text=True,
                         check=True).stdout
    return sorted(line.split()[-1] for line in out.splitlines() if line.strip())


def contents(wheel, pyolm_wheel, library):
    with zipfile.ZipFile(pyolm_wheel) as release:
        released = {n: release.read(n) for n in release.namelist()
                    if n.startswith("olm/") and not n.endswith("/")}
    with zipfile.ZipFile(wheel) as whl, tempfile.TemporaryDirectory() as tmp:
        files = [n for n in whl.namelist() if not n.endswith("/")]
        packaged = {n: whl.read(n) for n in files if n.startswith("olm/")}
        assert packaged == released, "olm/ differs from python-olm's release: %s" % sorted(
            set(packaged.items()) ^ set(released.items()))[:3]
        bundled = [n for n in files if n.startswith("python_olm.libs/")]
        assert len(bundled) == 1 and re.match(r"python_olm\.libs/libolm-[0-9a-f]{8}\.so\.3$",
                                              bundled[0]), bundled
        rest = set(files) - set(packaged) - set(bundled) - {"_libolm.abi3.so"}
        metadata_file = r"python_olm-[^/]+\.dist-info/(METADATA|WHEEL|RECORD|top_level.txt|licenses/LICENSE)$"
        assert all(re.match(metadata_file, n) for n in rest), "unexpected files: %s" % sorted(rest)
        whl.extractall(tmp, members=["_libolm.abi3.so", bundled[0]])
        module, copy = os.path.join(tmp, "_libolm.abi3.so"), os.path.join(tmp, bundled[0])
        soname = os.path.basename(bundled[0])
        dynamic = readelf(module, "-d")
        needed = re.findall(r"\(NEEDED\).*\[(.*)\]", dynamic)
        assert soname in needed and not [n for n in needed if n.startswith("libolm.")], needed
        paths = re.findall(r"\((?:RUNPATH|RPATH)\).*\[(.*)\]", dynamic)
        assert paths == ["$ORIGIN/python_olm.libs"], paths
        assert re.findall(r"\(SONAME\).*\[(.*)\]", readelf(copy, "-d")) == [soname]
        assert exports(copy) == exports(library), "the bundled library's exports differ from %s" \
            % library
    print("contents: olm/ as released (%d files), _libolm.abi3.so -> %s (run path "
          "$ORIGIN/python_olm.libs), exports as %s" % (len(packaged), soname, library))


def same_files(wheel, other):
    def body(path):
        with zipfile.ZipFile(path) as whl:
            return {n: whl.read(n) for n in whl.namelist() if not n.endswith("/")
                    and not re.search(r"\.dist-info/(WHEEL|RECORD)$", n)}
    a, b = body(wheel), body(other)
    assert a == b, "differ: %s" % sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
    print("same files: %d files byte for byte" % len(a))


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    {"tags": tags, "metadata": metadata, "contents": contents,
     "same-files": same_files}[command](*arguments)
