"""The wheel's module uses its own libolm even when another libolm.so.3 is already loaded
(glibc reuses a loaded object whose soname matches a needed name; the bundled copy's own soname
prevents that). Usage: preloaded_libolm.py [LIBRARY]: LIBRARY is loaded with ctypes first (as
any library would load it), then python-olm runs an Olm and a Megolm exchange."""

import ctypes
import os
import sys

from mapped_library import check_bundled_library_serves, libolm_files

preloaded = os.path.realpath(sys.argv[1]) if len(sys.argv) > 1 else None
if preloaded:
    ctypes.CDLL(preloaded)
    assert preloaded in libolm_files(), "%s did not load" % preloaded

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
      % (preloaded or "nothing", bundled, ", ".join(sorted(libolm_files()))))
