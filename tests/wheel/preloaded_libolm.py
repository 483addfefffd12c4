"""The wheel's module uses its own libolm even when another libolm.so.3 is already loaded
(glibc reuses a loaded object whose soname matches a needed name; the bundled copy's own soname
prevents that), and even when that libolm's symbols are global (a program linking libolm,
LD_PRELOAD, or dlopen with RTLD_GLOBAL: the module binds its calls itself). Usage:

    preloaded_libolm.py [--local LIBRARY | --global LIBRARY | --ld-preload LIBRARY]

--local and --global load LIBRARY with ctypes first (RTLD_LOCAL, ctypes' default, or
RTLD_GLOBAL); --ld-preload only checks that LIBRARY, named in LD_PRELOAD by the caller, is
mapped. Then python-olm runs an Olm and a Megolm exchange, and the calls must have gone to the
wheel's library."""

import ctypes
import os
import sys

from mapped_library import check_bundled_library_serves, libolm_files

how, preloaded = (sys.argv[1], os.path.realpath(sys.argv[2])) if len(sys.argv) == 3 else (None, None)
if how in ("--local", "--global"):
    ctypes.CDLL(preloaded, mode=ctypes.RTLD_GLOBAL if how == "--global" else ctypes.RTLD_LOCAL)
elif how not in ("--ld-preload", None):
    sys.exit(__doc__)
if preloaded:
    assert preloaded in libolm_files(), "%s is not loaded" % preloaded

import olm  # noqa: E402

alice, bob = olm.Account(), olm.Account()
bob.generate_one_time_keys(1)
key = list(bob.one_time_keys["curve25519"].values())[0]
outbound = olm.OutboundSession(alice, bob.identity_keys["curve25519"], key)
message = outbound.encrypt("hello")
assert olm.InboundSession(bob, message).decrypt(message) == "hello"
group = olm.OutboundGroupSession()
assert olm.InboundGroupSession(group.session_key).decrypt(group.encrypt("hi")) == ("hi", 0)

bundled = check_bundled_library_serves()
print("preloaded %s; calls went to %s; libolm files mapped: %s"
      % ("%s (%s)" % (preloaded, how[2:]) if preloaded else "nothing", bundled,
         ", ".join(sorted(libolm_files()))))
