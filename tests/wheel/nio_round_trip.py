"""matrix-nio's crypto classes on the installed wheel: an Olm session and a Megolm session between
two devices, every object pickled and loaded again and then used, and the libolm mapped into the
process checked to be the wheel's own copy. Exits non-zero on the first failure."""

from datetime import datetime

import olm
from nio.crypto import (InboundGroupSession, InboundSession, OlmAccount, OlmDevice,
                        OutboundGroupSession, OutboundSession, Session)

from mapped_library import check_bundled_library_serves

PASSPHRASE = "round trip"
ROOM = "!room:example.org"


def device(user_id, device_id, account):
    return OlmDevice(user_id, device_id, dict(account.identity_keys))


alice, bob = OlmAccount(), OlmAccount()
alice_device, bob_device = device("@alice:example.org", "ALICE", alice), device(
    "@bob:example.org", "BOB", bob)

# Bob publishes a signed one-time key; Alice checks the signature with his device's key.
bob.generate_one_time_keys(1)
one_time_key = list(bob.one_time_keys["curve25519"].values())[0]
olm.ed25519_verify(bob_device.ed25519, one_time_key, bob.sign(one_time_key))
bob.mark_keys_as_published()

# Olm: Alice's pre-key message opens Bob's inbound session.
alice_session = OutboundSession(alice, bob_device.curve25519, one_time_key)
first = alice_session.encrypt("hello bob")
assert isinstance(first, olm.OlmPreKeyMessage)
bob_session = InboundSession(bob, first, alice_device.curve25519)
assert bob_session.decrypt(first) == "hello bob"
bob.remove_one_time_keys(bob_session)
assert bob_session.id == alice_session.id

# Everything pickled and loaded again, then used.
alice = OlmAccount.from_pickle(alice.pickle(PASSPHRASE), PASSPHRASE, shared=True)
bob = OlmAccount.from_pickle(bob.pickle(PASSPHRASE), PASSPHRASE, shared=True)
assert alice.identity_keys == alice_device.keys and bob.identity_keys == bob_device.keys
now = datetime.now()
alice_session = Session.from_pickle(alice_session.pickle(PASSPHRASE), now, PASSPHRASE)
bob_session = Session.from_pickle(bob_session.pickle(PASSPHRASE), now, PASSPHRASE)
reply = bob_session.encrypt("hello alice")
assert isinstance(reply, olm.OlmMessage)
assert alice_session.decrypt(reply) == "hello alice"
assert bob_session.decrypt(alice_session.encrypt("again")) == "again"
try:
    Session.from_pickle(alice_session.pickle(PASSPHRASE), now, "wrong passphrase")
    raise AssertionError("a wrong passphrase loaded a session")
except olm.OlmSessionError as error:
    assert str(error) == "BAD_ACCOUNT_KEY", str(error)
print("nio round trip: Olm session %s, pickled and loaded, messages both ways" % alice_session.id)

# Megolm: Alice's outbound group session, shared with Bob as nio does, pickled and loaded.
outbound = OutboundGroupSession()
outbound.mark_as_shared()
inbound = InboundGroupSession(outbound.session_key, alice_device.ed25519, alice_device.curve25519,
                              ROOM)
assert inbound.id == outbound.id
assert inbound.decrypt(outbound.encrypt("group hello")) == ("group hello", 0)
# nio stores no outbound group session: python-olm's class loads the pickle nio's one wrote.
outbound = olm.OutboundGroupSession.from_pickle(outbound.pickle(PASSPHRASE), PASSPHRASE)
inbound = InboundGroupSession.from_pickle(inbound.pickle(PASSPHRASE), alice_device.ed25519,
                                          alice_device.curve25519, ROOM, PASSPHRASE)
assert (inbound.room_id, inbound.ed25519) == (ROOM, alice_device.ed25519)
assert inbound.decrypt(outbound.encrypt("after loading")) == ("after loading", 1)
exported = InboundGroupSession.import_session(inbound.export_session(1), alice_device.ed25519,
                                              alice_device.curve25519, ROOM)
assert exported.first_known_index == 1
assert exported.decrypt(outbound.encrypt("imported")) == ("imported", 2)
print("nio round trip: Megolm session %s, pickled, loaded and exported, 3 messages"
      % outbound.id)

print("nio round trip: libolm mapped: %s" % check_bundled_library_serves())
