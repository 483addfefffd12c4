"""Unpacks python-olm's pure-Python package from its release wheel: the olm/ folder into a
site-packages directory, and the README (the body of the wheel's METADATA) to a file. Nothing
else of the wheel (its compiled _libolm, its bundled libolm) is taken.

    unpack_python_olm.py WHEEL SITE README [--egg-info]

With --egg-info, SITE also gets python_olm-VERSION.egg-info (the release's own metadata as
PKG-INFO, and its top_level.txt), as a system package installs it, so that pip and
importlib.metadata see python-olm there."""
import email
import os
import sys
import zipfile

wheel, site, readme = sys.argv[1:4]
egg_info = sys.argv[4:] == ["--egg-info"]
if sys.argv[4:] and not egg_info:
    sys.exit(__doc__)
with zipfile.ZipFile(wheel) as whl:
    names = [n for n in whl.namelist() if n.startswith("olm/") and not n.endswith("/")]
    if not names:
        sys.exit(f"{wheel}: no olm/ package")
    whl.extractall(site, members=names)
    dist_info = next(n for n in whl.namelist() if n.endswith(".dist-info/METADATA")).rsplit("/", 1)[0]
    metadata = whl.read(dist_info + "/METADATA")
    if egg_info:
        target = "%s/%s.egg-info" % (site, dist_info[: -len(".dist-info")])
        os.makedirs(target, exist_ok=True)
        with open(target + "/PKG-INFO", "wb") as f:
            f.write(metadata)
        with open(target + "/top_level.txt", "wb") as f:
            f.write(whl.read(dist_info + "/top_level.txt"))
    body = email.message_from_bytes(metadata).get_payload()
with open(readme, "w") as f:
    f.write(body)
