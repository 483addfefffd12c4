"""Sas: short authentication strings and MACs."""

import pytest

from harness import olm, require

pytestmark = require("sas")


@pytest.fixture
def pair():
    alice = olm.Sas()
    bob = olm.Sas(alice.pubkey)
    alice.set_their_pubkey(bob.pubkey)
    return alice, bob


def test_their_key_set_flag():
    alice = olm.Sas()
    assert len(alice.pubkey) == 43
    assert not alice.other_key_set
    assert olm.Sas(alice.pubkey).other_key_set


def test_both_sides_derive_the_same_bytes_and_macs(pair):
    alice, bob = pair
    for length in (1, 5, 6, 32):
        assert len(alice.generate_bytes("info", length)) == length
        assert alice.generate_bytes("info", length) == bob.generate_bytes("info", length)
    assert alice.generate_bytes("info", 6) != alice.generate_bytes("other info", 6)
    for mac in ("calculate_mac", "calculate_mac_fixed_base64", "calculate_mac_long_kdf"):
        ours, theirs = getattr(alice, mac)("message", "info"), getattr(bob, mac)("message", "info")
        assert ours == theirs and len(ours) == 43
        assert getattr(alice, mac)("other", "info") != ours


def test_the_historical_mac_differs_from_the_fixed_one(pair):
    alice, _ = pair
    assert alice.calculate_mac("m", "i") != alice.calculate_mac_fixed_base64("m", "i")


def test_different_partners_disagree():
    alice, bob, carol = olm.Sas(), olm.Sas(), olm.Sas()
    alice.set_their_pubkey(bob.pubkey)
    carol.set_their_pubkey(alice.pubkey)
    assert alice.generate_bytes("info", 6) != carol.generate_bytes("info", 6)


def test_nothing_is_derived_before_their_key_is_set():
    sas = olm.Sas()
    for call in (lambda: sas.generate_bytes("info", 6), lambda: sas.calculate_mac("m", "i"),
                 lambda: sas.calculate_mac_fixed_base64("m", "i"),
                 lambda: sas.calculate_mac_long_kdf("m", "i")):
        with pytest.raises(olm.OlmSasError, match="OLM_SAS_THEIR_KEY_NOT_SET"):
            call()


def test_bad_keys_and_lengths_are_refused(pair):
    alice, _ = pair
    with pytest.raises(ValueError):
        alice.generate_bytes("info", 0)
    with pytest.raises(olm.OlmSasError, match="OLM_INPUT_BUFFER_TOO_SMALL"):
        olm.Sas("abc")
    with pytest.raises(olm.OlmSasError, match="OLM_INPUT_BUFFER_TOO_SMALL"):
        olm.Sas().set_their_pubkey("")
    with pytest.raises(olm.OlmSasError, match="INVALID_BASE64"):
        olm.Sas("A" * 45)


def test_a_low_order_key_is_refused():
    """Deliberate difference 3: an all-zero X25519 shared secret is refused, not used."""
    with pytest.raises(olm.OlmSasError):
        olm.Sas("A" * 43).generate_bytes("info", 4)
