"""Olm sessions: establishment, conversations, matching, pickles, bad input."""

import re

import pytest

from harness import olm, require

pytestmark = require("utility", "account", "session")


def new_session_pair():
    alice, bob = olm.Account(), olm.Account()
    bob.generate_one_time_keys(1)
    one_time_key = list(bob.one_time_keys["curve25519"].values())[0]
    outbound = olm.OutboundSession(alice, bob.identity_keys["curve25519"], one_time_key)
    return alice, bob, outbound


def test_first_messages_are_pre_key_messages_until_a_reply(alice_and_bob):
    alice, bob, outbound, inbound = alice_and_bob
    again = outbound.encrypt("still no reply")
    assert isinstance(again, olm.OlmPreKeyMessage) and again.message_type == 0
    assert inbound.decrypt(again) == "still no reply"
    reply = inbound.encrypt("hello alice")
    assert isinstance(reply, olm.OlmMessage) and reply.message_type == 1
    assert outbound.decrypt(reply) == "hello alice"
    after = outbound.encrypt("got it")
    assert isinstance(after, olm.OlmMessage)
    assert inbound.decrypt(after) == "got it"


def test_both_sides_agree_on_the_session_id(alice_and_bob):
    _, _, outbound, inbound = alice_and_bob
    assert outbound.id == inbound.id
    assert re.match(r"^[A-Za-z0-9+/]{43}$", outbound.id)


def test_inbound_session_with_the_sender_identity_key():
    alice, bob, outbound = new_session_pair()
    message = outbound.encrypt("hi")
    inbound = olm.InboundSession(bob, message, alice.identity_keys["curve25519"])
    assert inbound.decrypt(message) == "hi"


def test_inbound_session_with_another_identity_key_is_refused():
    _, bob, outbound = new_session_pair()
    message = outbound.encrypt("hi")
    with pytest.raises(olm.OlmSessionError, match="BAD_MESSAGE_KEY_ID"):
        olm.InboundSession(bob, message, olm.Account().identity_keys["curve25519"])


def test_inbound_session_for_another_account_is_refused():
    _, _, outbound = new_session_pair()
    with pytest.raises(olm.OlmSessionError, match="BAD_MESSAGE_KEY_ID"):
        olm.InboundSession(olm.Account(), outbound.encrypt("hi"))


def test_long_conversation_in_both_directions(alice_and_bob):
    _, _, outbound, inbound = alice_and_bob
    for turn in range(150):
        # Runs of several messages each way, so that both ratchets turn and chains advance.
        sender, receiver = (outbound, inbound) if turn % 2 == 0 else (inbound, outbound)
        messages = [(sender.encrypt("turn %d message %d" % (turn, i)), i)
                    for i in range(1 + turn % 4)]
        for message, i in messages:
            assert receiver.decrypt(message) == "turn %d message %d" % (turn, i)


def test_out_of_order_delivery(alice_and_bob):
    _, _, outbound, inbound = alice_and_bob
    inbound.decrypt(outbound.encrypt("x"))
    outbound.decrypt(inbound.encrypt("reply"))
    messages = [outbound.encrypt("message %d" % i) for i in range(30)]
    for i in reversed(range(30)):
        assert inbound.decrypt(messages[i]) == "message %d" % i


def test_a_message_decrypts_only_once(alice_and_bob):
    _, _, outbound, inbound = alice_and_bob
    outbound.decrypt(inbound.encrypt("reply"))
    message = outbound.encrypt("once")
    assert inbound.decrypt(message) == "once"
    with pytest.raises(olm.OlmSessionError, match="BAD_MESSAGE_MAC"):
        inbound.decrypt(message)


def test_plaintext_kinds(alice_and_bob):
    _, _, outbound, inbound = alice_and_bob
    for plaintext in ("ünïcödé ✓", "x" * 20000):
        assert inbound.decrypt(outbound.encrypt(plaintext)) == plaintext
    assert inbound.decrypt(outbound.encrypt(b"bytes")) == "bytes"
    invalid_utf8 = outbound.encrypt(b"\xff\xfeok")
    assert inbound.decrypt(invalid_utf8) == "\ufffd\ufffdok"
    assert inbound.decrypt(outbound.encrypt(b"\xffok"), "ignore") == "ok"
    with pytest.raises(UnicodeDecodeError):
        inbound.decrypt(outbound.encrypt(b"\xff"), "strict")


def test_matches_tells_which_session_a_pre_key_message_belongs_to():
    alice, bob, outbound = new_session_pair()
    first = outbound.encrypt("1")
    inbound = olm.InboundSession(bob, first)
    second = outbound.encrypt("2")
    assert inbound.matches(second)
    assert inbound.matches(second, alice.identity_keys["curve25519"])
    assert not inbound.matches(second, olm.Account().identity_keys["curve25519"])
    _, _, other_outbound = new_session_pair()
    assert not inbound.matches(other_outbound.encrypt("other"))
    with pytest.raises(TypeError):
        inbound.matches(olm.OlmMessage(second.ciphertext))


def test_matches_refuses_bad_input():
    _, bob, outbound = new_session_pair()
    message = outbound.encrypt("1")
    inbound = olm.InboundSession(bob, message)
    with pytest.raises(olm.OlmSessionError, match="INVALID_BASE64"):
        inbound.matches(olm.OlmPreKeyMessage(message.ciphertext[:-3]))
    assert not inbound.matches(olm.OlmPreKeyMessage("AAAA"))


def test_remove_one_time_keys_removes_the_used_key_once():
    _, bob, outbound = new_session_pair()
    inbound = olm.InboundSession(bob, outbound.encrypt("1"))
    bob.remove_one_time_keys(inbound)
    assert bob.one_time_keys == {"curve25519": {}}
    with pytest.raises(olm.OlmAccountError, match="BAD_MESSAGE_KEY_ID"):
        bob.remove_one_time_keys(inbound)


def test_sessions_from_a_fallback_key():
    alice, bob = olm.Account(), olm.Account()
    bob.generate_fallback_key()
    fallback = list(bob.fallback_key["curve25519"].values())[0]
    for i in range(2):
        outbound = olm.OutboundSession(alice, bob.identity_keys["curve25519"], fallback)
        message = outbound.encrypt("via fallback %d" % i)
        inbound = olm.InboundSession(bob, message)
        assert inbound.decrypt(message) == "via fallback %d" % i


def test_session_cannot_be_instantiated_directly():
    with pytest.raises(TypeError):
        olm.Session()


@pytest.mark.parametrize("passphrase", ["", "a passphrase"])
def test_pickle_round_trip_continues_the_conversation(alice_and_bob, passphrase):
    _, _, outbound, inbound = alice_and_bob
    outbound.decrypt(inbound.encrypt("reply"))
    pending = outbound.encrypt("sent before pickling")
    outbound = olm.Session.from_pickle(outbound.pickle(passphrase), passphrase)
    inbound = olm.Session.from_pickle(inbound.pickle(passphrase), passphrase)
    assert outbound.id == inbound.id
    assert inbound.decrypt(pending) == "sent before pickling"
    assert inbound.decrypt(outbound.encrypt("after")) == "after"
    assert outbound.decrypt(inbound.encrypt("back")) == "back"


def test_session_pickle_errors(alice_and_bob):
    _, _, outbound, _ = alice_and_bob
    pickle = outbound.pickle("right")
    with pytest.raises(olm.OlmSessionError, match="BAD_ACCOUNT_KEY"):
        olm.Session.from_pickle(pickle, "wrong")
    with pytest.raises(olm.OlmSessionError, match="BAD_ACCOUNT_KEY"):
        olm.Session.from_pickle(pickle[:len(pickle) // 2 // 4 * 4], "right")
    with pytest.raises(olm.OlmSessionError, match="INVALID_BASE64"):
        olm.Session.from_pickle(pickle[:41], "right")
    with pytest.raises(ValueError):
        olm.Session.from_pickle(b"", "right")


def tampered(ciphertext, index):
    chars = list(ciphertext)
    chars[index] = "A" if chars[index] != "A" else "B"
    return "".join(chars)


def test_changed_messages_are_refused(alice_and_bob):
    _, _, outbound, inbound = alice_and_bob
    outbound.decrypt(inbound.encrypt("reply"))
    message = outbound.encrypt("a message long enough to change in its middle")
    with pytest.raises(olm.OlmSessionError, match="BAD_MESSAGE_MAC"):
        inbound.decrypt(olm.OlmMessage(tampered(message.ciphertext, -5)))
    with pytest.raises(olm.OlmSessionError, match="BAD_MESSAGE_MAC"):
        inbound.decrypt(olm.OlmMessage(tampered(message.ciphertext, len(message.ciphertext) // 2)))
    # The session was left as it was: the real message still decrypts.
    assert inbound.decrypt(message) == "a message long enough to change in its middle"


def test_malformed_messages_are_refused(alice_and_bob):
    _, _, outbound, inbound = alice_and_bob
    outbound.decrypt(inbound.encrypt("reply"))
    message = outbound.encrypt("x")
    with pytest.raises(olm.OlmSessionError, match="INVALID_BASE64"):
        inbound.decrypt(olm.OlmMessage(message.ciphertext[:-3]))
    # Version 2 instead of 3 in the first byte.
    with pytest.raises(olm.OlmSessionError, match="BAD_MESSAGE_VERSION"):
        inbound.decrypt(olm.OlmMessage("Ag" + message.ciphertext[2:]))
    for garbage in ("AAAA", "Aw", "AwAAAAAAAAAAAAAAAAAAAAAA"):
        with pytest.raises(olm.OlmSessionError, match="BAD_MESSAGE_FORMAT"):
            inbound.decrypt(olm.OlmMessage(garbage))
        with pytest.raises(olm.OlmSessionError, match="BAD_MESSAGE_FORMAT"):
            inbound.decrypt(olm.OlmPreKeyMessage(garbage))
    with pytest.raises(ValueError):
        olm.OlmMessage("")
    assert inbound.decrypt(message) == "x"


def test_describe_reports_the_chains(alice_and_bob):
    _, _, outbound, inbound = alice_and_bob
    assert outbound.describe() == ("sender chain index: 1 receiver chain indices: "
                                   "skipped message keys:")
    assert inbound.describe() == "sender chain index: 0 receiver chain indices: 1 skipped message keys:"
    short = outbound.describe(30)
    assert short.endswith("...") and len(short) == 29
