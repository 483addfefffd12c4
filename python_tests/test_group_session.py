"""Megolm: outbound and inbound group sessions, export and import, pickles, bad input."""

import random
import re

import pytest

from harness import olm, require

pytestmark = require("megolm")


def tampered(text, index):
    chars = list(text)
    chars[index] = "A" if chars[index] != "A" else "B"
    return "".join(chars)


@pytest.fixture
def group():
    outbound = olm.OutboundGroupSession()
    return outbound, olm.InboundGroupSession(outbound.session_key)


def test_sessions_share_an_id_and_start_at_index_zero(group):
    outbound, inbound = group
    assert re.match(r"^[A-Za-z0-9+/]{43}$", outbound.id)
    assert outbound.id == inbound.id
    assert outbound.message_index == 0 and inbound.first_known_index == 0
    assert len(outbound.session_key) == 306


def test_encrypt_advances_the_index_and_decrypt_reports_it(group):
    outbound, inbound = group
    for i in range(5):
        message = outbound.encrypt("message %d" % i)
        assert outbound.message_index == i + 1
        assert inbound.decrypt(message) == ("message %d" % i, i)


def test_the_session_key_follows_the_ratchet(group):
    outbound, _ = group
    outbound.encrypt("one")
    late = olm.InboundGroupSession(outbound.session_key)
    assert late.first_known_index == 1
    assert late.decrypt(outbound.encrypt("two")) == ("two", 1)


def test_many_messages_in_any_order_and_replayed(group):
    outbound, inbound = group
    messages = [(outbound.encrypt("message %d" % i), i) for i in range(300)]
    shuffled = messages[:]
    random.Random(7).shuffle(shuffled)
    for message, i in shuffled:
        assert inbound.decrypt(message) == ("message %d" % i, i)
    for message, i in messages[:3]:
        assert inbound.decrypt(message) == ("message %d" % i, i)


def test_plaintext_kinds(group):
    outbound, inbound = group
    assert inbound.decrypt(outbound.encrypt("ünïcödé ✓"))[0] == "ünïcödé ✓"
    assert inbound.decrypt(outbound.encrypt(b"bytes"))[0] == "bytes"
    assert inbound.decrypt(outbound.encrypt(b"\xffok"))[0] == "\ufffdok"
    assert inbound.decrypt(outbound.encrypt(b"\xffok"), "ignore")[0] == "ok"
    with pytest.raises(UnicodeDecodeError):
        inbound.decrypt(outbound.encrypt(b"\xff"), "strict")
    assert inbound.decrypt(outbound.encrypt("x" * 50000))[0] == "x" * 50000


def test_export_and_import_from_an_index(group):
    outbound, inbound = group
    messages = [outbound.encrypt("m%d" % i) for i in range(8)]
    exported = inbound.export_session(5)
    imported = olm.InboundGroupSession.import_session(exported)
    assert imported.id == inbound.id and imported.first_known_index == 5
    assert imported.decrypt(messages[5]) == ("m5", 5)
    assert imported.decrypt(messages[7]) == ("m7", 7)
    with pytest.raises(olm.OlmGroupSessionError, match="UNKNOWN_MESSAGE_INDEX"):
        imported.decrypt(messages[4])
    with pytest.raises(olm.OlmGroupSessionError, match="UNKNOWN_MESSAGE_INDEX"):
        imported.export_session(4)
    assert imported.export_session(5) == exported


def test_import_refuses_a_session_key_and_bad_exports(group):
    outbound, inbound = group
    with pytest.raises(olm.OlmGroupSessionError, match="BAD_SESSION_KEY"):
        olm.InboundGroupSession.import_session(outbound.session_key)
    with pytest.raises(olm.OlmGroupSessionError, match="INVALID_BASE64"):
        olm.InboundGroupSession.import_session(inbound.export_session(0)[:-3])


@pytest.mark.parametrize("change", [
    lambda key: key[:-3], lambda key: key[:-4], lambda key: "AAAA", lambda key: ""])
def test_malformed_session_keys_are_refused(group, change):
    outbound, _ = group
    with pytest.raises(olm.OlmGroupSessionError, match="BAD_SESSION_KEY"):
        olm.InboundGroupSession(change(outbound.session_key))


@pytest.mark.parametrize("position", [50, -5])
def test_forged_session_keys_are_refused(group, position):
    outbound, _ = group
    with pytest.raises(olm.OlmGroupSessionError, match="BAD_SIGNATURE"):
        olm.InboundGroupSession(tampered(outbound.session_key, position))


def test_bad_messages_are_refused(group):
    outbound, inbound = group
    message = outbound.encrypt("hello")
    for position in (len(message) // 2, -5):
        with pytest.raises(olm.OlmGroupSessionError, match="BAD_SIGNATURE"):
            inbound.decrypt(tampered(message, position))
    with pytest.raises(olm.OlmGroupSessionError, match="INVALID_BASE64"):
        inbound.decrypt(message[:-3])
    for garbage in ("AAAA", "Ag" + message[2:]):
        with pytest.raises(olm.OlmGroupSessionError, match="BAD_MESSAGE_VERSION"):
            inbound.decrypt(garbage)
    with pytest.raises(ValueError):
        inbound.decrypt("")
    with pytest.raises(olm.OlmGroupSessionError, match="BAD_SIGNATURE"):
        olm.InboundGroupSession(olm.OutboundGroupSession().session_key).decrypt(message)
    assert inbound.decrypt(message) == ("hello", 0)


@pytest.mark.parametrize("passphrase", ["", "a passphrase"])
def test_pickles_round_trip(group, passphrase):
    outbound, inbound = group
    outbound.encrypt("advance")
    outbound2 = olm.OutboundGroupSession.from_pickle(outbound.pickle(passphrase), passphrase)
    inbound2 = olm.InboundGroupSession.from_pickle(inbound.pickle(passphrase), passphrase)
    assert (outbound2.id, outbound2.message_index, outbound2.session_key) == (
        outbound.id, outbound.message_index, outbound.session_key)
    assert (inbound2.id, inbound2.first_known_index) == (inbound.id, 0)
    assert inbound2.decrypt(outbound2.encrypt("after")) == ("after", 1)


@pytest.mark.parametrize("kind", ["OutboundGroupSession", "InboundGroupSession"])
def test_pickle_errors(group, kind):
    session = group[0] if kind == "OutboundGroupSession" else group[1]
    cls = getattr(olm, kind)
    pickle = session.pickle("right")
    with pytest.raises(olm.OlmGroupSessionError, match="BAD_ACCOUNT_KEY"):
        cls.from_pickle(pickle, "wrong")
    with pytest.raises(olm.OlmGroupSessionError, match="BAD_ACCOUNT_KEY"):
        cls.from_pickle(pickle[:len(pickle) // 2 // 4 * 4], "right")
    with pytest.raises(olm.OlmGroupSessionError, match="INVALID_BASE64"):
        cls.from_pickle(pickle[:41], "right")
    with pytest.raises(ValueError):
        cls.from_pickle(b"", "right")
