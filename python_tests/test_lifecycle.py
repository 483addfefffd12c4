"""Objects are cleared (python-olm's finalizers call olm_clear_*) when Python collects them, and
the library keeps working: many short-lived objects of every kind."""

import gc

import pytest

from harness import olm, require

KINDS = {
    "account": (lambda: olm.Account(), ("account",)),
    "session": (lambda: new_outbound_session(), ("account", "session")),
    "outbound group session": (lambda: olm.OutboundGroupSession(), ("megolm",)),
    "inbound group session":
        (lambda: olm.InboundGroupSession(olm.OutboundGroupSession().session_key), ("megolm",)),
    "pk encryption": (lambda: olm.PkEncryption(olm.PkDecryption().public_key), ("pk",)),
    "pk decryption": (lambda: olm.PkDecryption(), ("pk",)),
    "pk signing": (lambda: olm.PkSigning(olm.PkSigning.generate_seed()), ("pk",)),
    "sas": (lambda: olm.Sas(), ("sas",)),
}


def new_outbound_session():
    bob = olm.Account()
    bob.generate_one_time_keys(1)
    key = list(bob.one_time_keys["curve25519"].values())[0]
    return olm.OutboundSession(olm.Account(), bob.identity_keys["curve25519"], key)


@pytest.mark.parametrize("kind", [
    pytest.param(kind, marks=require(*families)) for kind, (_, families) in KINDS.items()])
def test_collected_objects_are_cleared(kind):
    make = KINDS[kind][0]
    for _ in range(50):
        obj = make()
        del obj
    gc.collect()
    survivor = make()
    assert survivor is not None


def test_required_arguments():
    if olm is None:
        pytest.skip("python-olm cannot load over this library")
    with pytest.raises(TypeError):
        olm.InboundGroupSession()
    with pytest.raises(TypeError):
        olm.PkEncryption()
