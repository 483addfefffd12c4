"""Unpacks python-olm's pure-Python package from its release wheel: the olm/ folder into a
site-packages directory, and the README (the body of the wheel's METADATA) to a file. Nothing
else of the wheel (its compiled _libolm, its bundled libolm) is taken."""
import email
import sys
import zipfile

wheel, site, readme = sys.argv[1:4]
with zipfile.ZipFile(wheel) as whl:
    names = [n for n in whl.namelist() if n.startswith("olm/") and not n.endswith("/")]
    if not names:
        sys.exit(f"{wheel}: no olm/ package")
    whl.extractall(site, members=names)
    metadata = next(n for n in whl.namelist() if n.endswith(".dist-info/METADATA"))
    body = email.message_from_bytes(whl.read(metadata)).get_payload()
with open(readme, "w") as f:
    f.write(body)
