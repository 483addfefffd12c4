"""Byte-identity with the real libolm: with the same random bytes (conftest's fixed_random),
python-olm over our library gives exactly what it gave over Debian's libolm 3.2.13
(known_answers.json was recorded that way)."""

import json
import os

from harness import olm, require

with open(os.path.join(os.path.dirname(__file__), "known_answers.json")) as f:
    KNOWN = json.load(f)


@require("utility", "account")
def test_account(fixed_random):
    alice, bob = olm.Account(), olm.Account()
    assert alice.identity_keys == KNOWN["alice_identity"]
    assert alice.sign("known answer") == KNOWN["alice_sign"]
    bob.generate_one_time_keys(2)
    assert bob.one_time_keys == KNOWN["bob_one_time"]
    bob.generate_fallback_key()
    assert bob.fallback_key == KNOWN["bob_fallback"]
    assert olm.Account.from_pickle(KNOWN["alice_pickle"].encode(), "pass").identity_keys == \
        KNOWN["alice_identity"]


def recorded_olm_steps():
    """The recording's account and session steps, in its order (so the random stream is at the
    same place afterwards): what they made."""
    alice, bob = olm.Account(), olm.Account()
    bob.generate_one_time_keys(2)
    bob.generate_fallback_key()
    one_time_key = bob.one_time_keys["curve25519"]["AAAAAQ"]
    outbound = olm.OutboundSession(alice, bob.identity_keys["curve25519"], one_time_key)
    message = outbound.encrypt("first message")
    inbound = olm.InboundSession(bob, message)
    plaintext = inbound.decrypt(message)
    reply = inbound.encrypt("reply")
    return alice, outbound, message, plaintext, reply


@require("utility", "account", "session")
def test_session(fixed_random):
    alice, outbound, message, plaintext, reply = recorded_olm_steps()
    assert outbound.id == KNOWN["session_id"]
    assert message.ciphertext == KNOWN["pre_key_message"]
    assert plaintext == "first message"
    assert reply.ciphertext == KNOWN["reply"]
    assert alice.pickle("pass").decode() == KNOWN["alice_pickle"]
    assert outbound.pickle("pass").decode() == KNOWN["session_pickle"]
    restored = olm.Session.from_pickle(KNOWN["session_pickle"].encode(), "pass")
    assert restored.decrypt(olm.OlmMessage(KNOWN["reply"])) == "reply"


@require("utility", "account", "session", "megolm")
def test_megolm(fixed_random):
    recorded_olm_steps()
    group = olm.OutboundGroupSession()
    assert group.session_key == KNOWN["group_key"]
    assert group.encrypt("group message") == KNOWN["group_message"]
    assert group.pickle("pass").decode() == KNOWN["group_pickle"]
    inbound = olm.InboundGroupSession(KNOWN["group_key"])
    assert inbound.decrypt(KNOWN["group_message"]) == ("group message", 0)


@require("utility", "account", "session", "megolm", "pk", "sas")
def test_pk_and_sas(fixed_random):
    recorded_olm_steps()
    olm.OutboundGroupSession().encrypt("group message")
    decryption = olm.PkDecryption()
    assert decryption.public_key == KNOWN["pk_public"]
    message = olm.PkEncryption(decryption.public_key).encrypt("pk message")
    assert [message.ephemeral_key, message.mac, message.ciphertext] == KNOWN["pk_message"]
    assert decryption.pickle("pass").decode() == KNOWN["pk_pickle"]
    restored = olm.PkDecryption.from_pickle(KNOWN["pk_pickle"].encode(), "pass")
    assert restored.decrypt(olm.PkMessage(*KNOWN["pk_message"])) == "pk message"
    alice = olm.Sas()
    bob = olm.Sas(alice.pubkey)
    alice.set_their_pubkey(bob.pubkey)
    assert [alice.pubkey, bob.pubkey] == KNOWN["sas_pubkeys"]
    assert alice.generate_bytes("info", 6).hex() == KNOWN["sas_bytes"]
    assert alice.calculate_mac("message", "info") == KNOWN["sas_mac"]
    assert alice.calculate_mac_fixed_base64("message", "info") == KNOWN["sas_mac_fixed"]
    assert alice.calculate_mac_long_kdf("message", "info") == KNOWN["sas_mac_long"]


@require("utility", "pk")
def test_pk_signing():
    signing = olm.PkSigning(b"x" * 32)
    assert [signing.public_key, signing.sign("hi")] == KNOWN["pk_signing"]
