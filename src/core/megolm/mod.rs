//! Megolm, the group ratchet: one sender ([`OutboundGroupSession`]) encrypts and signs, any
//! number of receivers ([`InboundGroupSession`]) holding its session key decrypt.
//!
//! Both sides share the formats in this module: the session id (the sender's Ed25519 public
//! key), the message keys (the "MEGOLM_KEYS" cipher keyed with the ratchet), and the two ways
//! of handing a ratchet over:
//!
//! ```text
//! session key (v2): 0x02 | counter (BE u32) | ratchet (128) | signing key (32) | signature (64)
//! export      (v1): 0x01 | counter (BE u32) | ratchet (128) | signing key (32)
//! ```

pub mod inbound;
pub mod message;
pub mod outbound;
pub mod ratchet;

pub use inbound::InboundGroupSession;
pub use outbound::OutboundGroupSession;

use self::ratchet::{Ratchet, RATCHET_LENGTH};
use super::base64;
use super::crypto::{CipherKeys, ED25519_PUBLIC_KEY_LENGTH, ED25519_SIGNATURE_LENGTH};
use super::pickle::Writer;
use super::OlmError;

/// HKDF info of the cipher that turns a ratchet state into message keys.
const MEGOLM_CIPHER_INFO: &[u8] = b"MEGOLM_KEYS";

const SESSION_KEY_VERSION: u8 = 2;
const SESSION_EXPORT_VERSION: u8 = 1;

/// What a session key and an export have in common: version, counter, ratchet, signing key.
const KEY_BODY_LENGTH: usize = 1 + 4 + RATCHET_LENGTH + ED25519_PUBLIC_KEY_LENGTH;
const SESSION_KEY_RAW_LENGTH: usize = KEY_BODY_LENGTH + ED25519_SIGNATURE_LENGTH;
const SESSION_EXPORT_RAW_LENGTH: usize = KEY_BODY_LENGTH;

/// Length of a base64 session key.
pub const SESSION_KEY_LENGTH: usize = base64::encoded_len(SESSION_KEY_RAW_LENGTH);
/// Length of a base64 session export.
pub const SESSION_EXPORT_LENGTH: usize = base64::encoded_len(SESSION_EXPORT_RAW_LENGTH);
/// Length of a base64 session id.
pub const SESSION_ID_LENGTH: usize = base64::encoded_len(ED25519_PUBLIC_KEY_LENGTH);

/// The keys that encrypt and authenticate the message at the ratchet's index.
fn message_keys(ratchet: &Ratchet) -> CipherKeys {
    CipherKeys::derive(ratchet.data(), MEGOLM_CIPHER_INFO)
}

/// The session id: the signing key in base64.
fn write_session_id(signing_key: &[u8; ED25519_PUBLIC_KEY_LENGTH], output: &mut [u8]) -> Result<usize, OlmError> {
    if output.len() < SESSION_ID_LENGTH {
        return Err(OlmError::OutputBufferTooSmall);
    }
    Ok(base64::encode(signing_key, output))
}

/// Fills `output` with the base64 of `raw_length` bytes that `fill` produces, the way libolm
/// does: the raw bytes are written where the encoding ends and encoded forwards over
/// themselves, so secrets are never copied anywhere else. Fails before `fill` runs if the
/// output is too small.
fn encode_in_place(
    output: &mut [u8],
    raw_length: usize,
    fill: impl FnOnce(&mut [u8]) -> Result<(), OlmError>,
) -> Result<usize, OlmError> {
    let encoded_length = base64::encoded_len(raw_length);
    if output.len() < encoded_length {
        return Err(OlmError::OutputBufferTooSmall);
    }
    let output = &mut output[..encoded_length];
    fill(&mut output[base64::in_place_offset(raw_length)..])?;
    Ok(base64::encode_in_place(output, raw_length))
}

/// Writes the body of a session key or an export into `raw[..KEY_BODY_LENGTH]`.
fn write_key_body(raw: &mut [u8], version: u8, ratchet: &Ratchet, signing_key: &[u8; ED25519_PUBLIC_KEY_LENGTH]) {
    let mut w = Writer::new(&mut raw[..KEY_BODY_LENGTH]);
    w.u8(version);
    w.u32(ratchet.counter());
    w.bytes(ratchet.data());
    w.bytes(signing_key);
}

/// Reads the body of a session key or an export; a version other than `version` is
/// BAD_SESSION_KEY.
fn read_key_body(
    raw: &[u8; KEY_BODY_LENGTH],
    version: u8,
) -> Result<(Ratchet, [u8; ED25519_PUBLIC_KEY_LENGTH]), OlmError> {
    if raw[0] != version {
        return Err(OlmError::BadSessionKey);
    }
    let counter = u32::from_be_bytes([raw[1], raw[2], raw[3], raw[4]]);
    let (data, signing_key) = raw[5..].split_at(RATCHET_LENGTH);
    let data = data.try_into().expect("fixed layout");
    let signing_key = signing_key.try_into().expect("fixed layout");
    Ok((Ratchet::new(data, counter), signing_key))
}

/// Known answers produced by libolm 3.2 (Debian's 3.2.13) from the same inputs.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::pickle;

    /// The random bytes of the session: 0, 1, ..., 159.
    fn random() -> [u8; outbound::RANDOM_LENGTH] {
        std::array::from_fn(|i| i as u8)
    }

    const SESSION_ID: &str = "zRSzf5VulTGU/3+3Oz2B3MVh1hp1OAlLfD4aZD7l86o";
    const SESSION_KEY: &str = "AgAAAAAAAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5\
        Ojs8PT4/QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f80Us3+VbpUx\
        lP9/tzs9gdzFYdYadTgJS3w+GmQ+5fOqEr8kXbwHoCPdmNziaA3AS3E88NfBts8GkbgowcKfTZ/dUdpB5Lw7Bmjq/LD+MB4Hh2LFmPD5\
        178ooOHsrUquDw";
    /// The first three messages of the session, and their plaintexts.
    const MESSAGES: [(&str, &str); 3] = [
        (
            "",
            "AwgAEhDdolDZJ5i6M29SbWO9w9RAMO/J6YOJCtpsRFYqPXXV165EdrLKIajKMkaktrO4bg7NCryJuSM7cvMJrLzRc/UYQEaSlxyd\
             sY3Jg8dhjWSg+gCCYSBGbVoN",
        ),
        (
            "Message",
            "AwgBEhA+/a9frvdOlIBsXyo/FeJAi89Nr1S77LFv+bXYcH5BkokfxgjMDh+paP0JQ9c5AN56atnPYrSl6aVHXXwEO7TLJX5cfPOl\
             8+4nnYpBn7c/uZFChzgZmtQK",
        ),
        (
            "seventeen bytes!!",
            "AwgCEiDRl4eLAJPx9Eo4+tVZruu+IWWSdQbLqIKr0ugSq1mdZvlDD6f5HkRZQ20gjSS5lZpIZCz/ABQXO3ec0T6hpSendNM2WLQd\
             9eOEwvxIqeQV3nFwz1Z11eByggR/Q+98LcsHUx1o2Yj9DQ",
        ),
    ];
    const PICKLE_KEY: &[u8] = b"pickle key";
    /// The outbound session after the three messages.
    const OUTBOUND_PICKLE: &str =
        "67CEetgTH71I5GoE2bOduxbilfZO3TihskVI9dzYat0ARNiRRWivdvmByS01oT22ttypYWxkjvrOL1zyY6Ir\
        PZU2i3dI0pOLee9ulOEs5LabdHkUX3Z/D/efqPUiKTDHtdZ/keTNtKnBZwn06ll9ErOcS4PXd2BBTrI+42ME1U+3YqecvUcrHOzfOZHmCrV2\
        h5YKlZMts5HUoNXzsE5FNUSmIvPOdbhbfysFVt+vK/ebdHPjMSqhe193sX7PV3zZ89sMGdZJ2XVEiqboDFMnlR+KikleUnGBBqLkNm5KRY20\
        XsxOLw1W0wRiWZJIfgpxUpaKGfQGTdE";
    /// The inbound session: fresh from the session key, after decrypting message 2, after
    /// exporting at 2^24.
    const INBOUND_PICKLES: [&str; 3] = [
        "Yh+uxTsH9OQI98m3WifziosatAs3Urth3tou9KnZ2Pg/AFlMq1/f8Br8oNBN8D5gYu1BIMUvV6FUVD7p1EbrlHRZ2d8LnG5VP7N1sc3Gky\
         xjxaEBKG0v4DN6KT1X4a+TKEs3Gfd5BwAnC2l5Hz08TYIqGhqFAa4k3+c0XFMNSlkzWCpO2h7fHhcDPD78Fh4FsNNhhNu5M8hbEw5GrlOP\
         50rkDIAPxIUkIjpQ0Ivl2kmAqgWWYZjYNoIuqN/TcYy9XsHf2eh9OxPw7XOL1Nz28O0MLNajxk19/WgpvdrISMVJoElfRHS2WgVcZPzFsWVq\
         G4YwvmaV7qYcbkZjTX673+8NWiY8jP51V3Oc39/puqkTblfVsOxLudhDfKS1VgetWuKkZrYphaAR5rZr19j/DZb+J9Jp+5DJ",
        "Yh+uxTsH9OQI98m3WifziosatAs3Urth3tou9KnZ2Pg/AFlMq1/f8Br8oNBN8D5gYu1BIMUvV6FUVD7p1EbrlHRZ2d8LnG5VP7N1sc3Gky\
         xjxaEBKG0v4DN6KT1X4a+TKEs3Gfd5BwAnC2l5Hz08TYIqGhqFAa4k3+c0XFMNSlkzWCpO2h7fHhcDPD78Fh4FsNNhhNu5M8hbEw5GrlOP\
         50rkDIAPxIUkIjpQ0Ivl2kmAqgWWYZjYNoIuqN/TcYy9XsHf2eh9OxPw7XOL1Nz28O0MLNajxk19/WgpvdrISMUE+z6r6E+nUg3E1wS2yloX\
         x4KtlihHAyz5SEjlLBd1P9r8Wg8wMsfTXAnm1jhSD440Nglg7Dq+0ItRxATFdKk7o6deHaJrNJDlzEM1CUnRteeCXYYA3VQd",
        "Yh+uxTsH9OQI98m3WifziosatAs3Urth3tou9KnZ2Pg/AFlMq1/f8Br8oNBN8D5gYu1BIMUvV6FUVD7p1EbrlHRZ2d8LnG5VP7N1sc3Gky\
         xjxaEBKG0v4DN6KT1X4a+TKEs3Gfd5BwAnC2l5Hz08TYIqGhqFAa4k3+c0XFMNSllHWnsgVbIfVBVxZeDzQHqn9qOXeyuIVGyaRTOiibXSGC\
         gdmG0UWqh65Xzu3tDhwCqvwSj0cTiFWk9AGYfoYJvBq8TSXF1zdqoQUbRxT1/zYJ60/rldW0H5mODlb6REbuwrZ3UqSQmu6KWq0GCa2PC/YI\
         KSgMk8pbbG6P05TERDD6+bwC/mnpclkGtrvBXIKS7G360wPnb1Z+VfM/3hpY41vZ0+RELYg7WvNEcEbXYmvOBuL7ZeQz8K",
    ];
    const EXPORT_AT_1: &str = "AQAAAAEAAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5\
        Ojs8PT4/QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl9VB0TjNBFfof1z07cRdtQVcohjHLNwRaSf1izQYIyPXc0Us3+VbpUxlP9/\
        tzs9gdzFYdYadTgJS3w+GmQ+5fOq";
    const EXPORT_AT_2_24: &str = "AQEAAADnEVRuP6rUx8SqdWvCbK1qvqgkGYSg9rCDnHDKYcTviJtMgSCkgjqV9HzeF6JE9FByRO5uOVfR+rn6\
        KbRNOCm3QwTCLISlN1WrCOrY2XqNQpvl76SAaC160don9z4fvh0qJNAIeJ08dNr14CY2xnXfjwnsXnQMG99jBfkmH3scMs0Us3+VbpUxlP9/\
        tzs9gdzFYdYadTgJS3w+GmQ+5fOq";
    /// The session after a message failed its MAC under an export with the right signing key
    /// but a wrong ratchet (index 0, all 0x55): the latest ratchet has moved to index 2.
    const PICKLE_AFTER_MAC_FAILURE: &str =
        "2dOs8XZETfmOTPk2O6X2s6JMCurzLZ0fxdcRjKOYDvZob/V1FNOvBn+EyhgvI8WL0zqEHrHQYJm\
        mLfNGq+DjawbSbaHoUPtE7bHPpmMm3gYwVKGv5tBxC9ZW7MTThk2l91Ic+rmr/s6igIHdR78wCw18ek17+0DN9bzZ6rNa5mPhnRYXaHQUVmLr\
        Qf3zvjqMZRr6YKmf/EV6MICT+QBmDu8iqCBN2scR0S2Q+2Yfq+OPKkLOnc3BWNVCDJBf1Lz+lF1qBAkF0nJ2UwzWz/EEHhJDJGDx7w31PTNhC\
        W4kbPUA22AHxU4M1RVsIvmc96S7hGESA5k1euTK8GTK+Aqomc33WKrMiTgsnu8WGxFM0fgB4VCLm7vwfsO/oz9ywGFhiJZYDWfQpekYgX93XA\
        7afHGKLiBEbs0j";

    /// The string without the whitespace that line continuations leave in it.
    fn s(text: &str) -> Vec<u8> {
        text.bytes().filter(|b| !b.is_ascii_whitespace()).collect()
    }

    fn pickled<T: pickle::Pickle>(object: &T) -> Vec<u8> {
        let mut out = vec![0u8; pickle::sealed_len(object.pickle_len())];
        let n = pickle::seal(object, PICKLE_KEY, &mut out).unwrap();
        out.truncate(n);
        out
    }

    fn session_key(session: &OutboundGroupSession) -> Vec<u8> {
        let mut key = vec![0u8; SESSION_KEY_LENGTH];
        assert_eq!(session.session_key(&mut key[..SESSION_KEY_LENGTH - 1]), Err(OlmError::OutputBufferTooSmall));
        assert_eq!(session.session_key(&mut key), Ok(SESSION_KEY_LENGTH));
        key
    }

    fn decrypt(session: &mut InboundGroupSession, message: &str) -> (Result<Vec<u8>, OlmError>, Option<u32>) {
        let mut message = s(message);
        let mut plaintext = vec![0u8; message.len()];
        let mut index = None;
        let result = session.decrypt(&mut message, &mut plaintext, &mut index);
        (result.map(|n| plaintext[..n].to_vec()), index)
    }

    fn export(session: &mut InboundGroupSession, index: u32) -> Result<Vec<u8>, OlmError> {
        let mut out = vec![0u8; SESSION_EXPORT_LENGTH];
        session.export(index, &mut out).map(|n| out[..n].to_vec())
    }

    fn inbound(key: &[u8]) -> InboundGroupSession {
        let mut session = InboundGroupSession::default();
        session.init(key).unwrap();
        session
    }

    #[test]
    fn outbound_session_matches_libolm() {
        assert_eq!(
            OutboundGroupSession::new(&random()[..outbound::RANDOM_LENGTH - 1]).err(),
            Some(OlmError::NotEnoughRandom)
        );
        let mut session = OutboundGroupSession::new(&random()).unwrap();
        let mut id = [0u8; SESSION_ID_LENGTH];
        assert_eq!(session.session_id(&mut id), Ok(SESSION_ID_LENGTH));
        assert_eq!(id.to_vec(), s(SESSION_ID));
        assert_eq!(session_key(&session), s(SESSION_KEY));
        for (i, (plaintext, message)) in MESSAGES.iter().enumerate() {
            assert_eq!(session.message_index(), i as u32);
            let length = session.encrypt_message_len(plaintext.len());
            let mut out = vec![0u8; length];
            assert_eq!(
                session.encrypt(plaintext.as_bytes(), &mut out[..length - 1]),
                Err(OlmError::OutputBufferTooSmall)
            );
            assert_eq!(session.encrypt(plaintext.as_bytes(), &mut out), Ok(length));
            assert_eq!(out, s(message));
        }
        assert_eq!(session.message_index(), 3);
        assert_eq!(pickled(&session), s(OUTBOUND_PICKLE));
        let reloaded: OutboundGroupSession = pickle::open(PICKLE_KEY, &s(OUTBOUND_PICKLE)).unwrap();
        assert_eq!(pickled(&reloaded), s(OUTBOUND_PICKLE));
    }

    #[test]
    fn inbound_session_matches_libolm() {
        let mut session = inbound(&s(SESSION_KEY));
        assert_eq!((session.first_known_index(), session.is_verified()), (0, true));
        let mut id = [0u8; SESSION_ID_LENGTH];
        assert_eq!(session.session_id(&mut id), Ok(SESSION_ID_LENGTH));
        assert_eq!(id.to_vec(), s(SESSION_ID));
        assert_eq!(pickled(&session), s(INBOUND_PICKLES[0]));

        // Out of order: message 2 first moves the latest ratchet, message 0 comes from the
        // initial one.
        assert_eq!(decrypt(&mut session, MESSAGES[2].1), (Ok(MESSAGES[2].0.into()), Some(2)));
        assert_eq!(pickled(&session), s(INBOUND_PICKLES[1]));
        assert_eq!(decrypt(&mut session, MESSAGES[0].1), (Ok(vec![]), Some(0)));
        assert_eq!(decrypt(&mut session, MESSAGES[1].1), (Ok(b"Message".to_vec()), Some(1)));
        assert_eq!(pickled(&session), s(INBOUND_PICKLES[1]));

        assert_eq!(export(&mut session, 1), Ok(s(EXPORT_AT_1)));
        // Exporting ahead moves the latest ratchet, as in libolm.
        assert_eq!(export(&mut session, 1 << 24), Ok(s(EXPORT_AT_2_24)));
        assert_eq!(pickled(&session), s(INBOUND_PICKLES[2]));
        let mut small = [0u8; SESSION_EXPORT_LENGTH - 1];
        assert_eq!(session.export(0, &mut small), Err(OlmError::OutputBufferTooSmall));

        let reloaded: InboundGroupSession = pickle::open(PICKLE_KEY, &s(INBOUND_PICKLES[2])).unwrap();
        assert_eq!(pickled(&reloaded), s(INBOUND_PICKLES[2]));
    }

    #[test]
    fn imported_session_is_verified_by_a_message() {
        let mut session = InboundGroupSession::default();
        assert_eq!(session.import(&s(EXPORT_AT_1)), Ok(()));
        assert_eq!((session.first_known_index(), session.is_verified()), (1, false));
        assert_eq!(decrypt(&mut session, MESSAGES[0].1), (Err(OlmError::UnknownMessageIndex), Some(0)));
        assert_eq!(export(&mut session, 0), Err(OlmError::UnknownMessageIndex));
        assert!(!session.is_verified());
        assert_eq!(decrypt(&mut session, MESSAGES[1].1), (Ok(b"Message".to_vec()), Some(1)));
        assert!(session.is_verified());
        assert_eq!(export(&mut session, 1), Ok(s(EXPORT_AT_1)));

        // Importing leaves the verified flag alone.
        let mut session = inbound(&s(SESSION_KEY));
        session.import(&s(EXPORT_AT_1)).unwrap();
        assert_eq!((session.first_known_index(), session.is_verified()), (1, true));
    }

    #[test]
    fn failed_mac_still_moves_the_latest_ratchet() {
        let mut wrong_ratchet = unb64(&s(SESSION_KEY));
        wrong_ratchet.truncate(KEY_BODY_LENGTH);
        wrong_ratchet[0] = SESSION_EXPORT_VERSION;
        wrong_ratchet[5..5 + RATCHET_LENGTH].fill(0x55);
        let mut session = InboundGroupSession::default();
        session.import(&b64(&wrong_ratchet)).unwrap();
        assert_eq!(decrypt(&mut session, MESSAGES[2].1), (Err(OlmError::BadMessageMac), Some(2)));
        assert_eq!(pickled(&session), s(PICKLE_AFTER_MAC_FAILURE));
    }

    // libolm's own vectors (tests/test_group_session.cpp).
    const LIBOLM_SESSION_KEY: &str = "AgAAAAAwMTIzNDU2Nzg5QUJERUYwMTIzNDU2Nzg5QUJDREVGMDEyMzQ1Njc4OUFCREVGM\
        DEyMzQ1Njc4OUFCQ0RFRjAxMjM0NTY3ODlBQkRFRjAxMjM0NTY3ODlBQkNERUYwMTIzND\
        U2Nzg5QUJERUYwMTIzNDU2Nzg5QUJDREVGMDEyMw0bdg1BDq4Px/slBow06q8n/B9WBfw\
        WYyNOB8DlUmXGGwrFmaSb9bR/eY8xgERrxmP07hFmD9uqA2p8PMHdnV5ysmgufE6oLZ5+\
        8/mWQOW3VVTnDIlnwd8oHUYRuk8TCQ";
    const LIBOLM_MESSAGE: &str = "AwgAEhAcbh6UpbByoyZxufQ+h2B+8XHMjhR69G8F4+qjMaFlnIXusJZX3r8LnRORG9T3D\
        XFdbVuvIWrLyRfm4i8QRbe8VPwGRFG57B1CtmxanuP8bHtnnYqlwPsD";
    const LIBOLM_SESSION_KEY_2: &str = "AgAAAAAwMTIzNDU2Nzg5QUJERUYwMTIzNDU2Nzg5QUJDREVGMDEyMzQ1Njc4OUFCREVGM\
        DEyMzQ1Njc4OUFCQ0RFRjAxMjM0NTY3ODlBQkRFRjAxMjM0NTY3ODlBQkNERUYwMTIzND\
        U2Nzg5QUJERUYwMTIzNDU2Nzg5QUJDREVGMDEyMztqJ7zOtqQtYqOo0CpvDXNlMhV3HeJ\
        DpjrASKGLWdop4lx1cSN3Xv1TgfLPW8rhGiW+hHiMxd36nRuxscNv9k4oJA/KP+o0mi1w\
        v44StrEJ1wwx9WZHBUIWkQbaBSuBDw";
    const LIBOLM_MESSAGE_2: &str = "AwgAEhAcbh6UpbByoyZxufQ+h2B+8XHMjhR69G8nP4pNZGl/3QMgrzCZPmP+F2aPLyKPz\
        xRPBMUkeXRJ6Iqm5NeOdx2eERgTW7P20CM+lL3Xpk+ZUOOPvsSQNaAL";

    #[test]
    fn libolm_test_vectors() {
        let mut session = inbound(&s(LIBOLM_SESSION_KEY));
        let mut message = s(LIBOLM_MESSAGE);
        assert_eq!(InboundGroupSession::decrypt_max_plaintext_len(&mut message), Ok(16));
        assert_eq!(decrypt(&mut session, LIBOLM_MESSAGE), (Ok(b"Message".to_vec()), Some(0)));

        let mut session = inbound(&s(LIBOLM_SESSION_KEY_2));
        assert_eq!(decrypt(&mut session, LIBOLM_MESSAGE_2), (Ok(b"Message".to_vec()), Some(0)));
        let mut twiddled = s(LIBOLM_MESSAGE_2);
        *twiddled.last_mut().unwrap() = b'E';
        let twiddled = String::from_utf8(twiddled).unwrap();
        assert_eq!(decrypt(&mut session, &twiddled), (Err(OlmError::BadSignature), Some(0)));
    }

    /// The signature with S replaced by S + L, which libolm accepts (CVE-2024-45193).
    fn malleate(signature: &mut [u8]) {
        const L: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let mut carry = 0u16;
        for (s, l) in signature[32..].iter_mut().zip(L) {
            let sum = *s as u16 + l as u16 + carry;
            *s = sum as u8;
            carry = sum >> 8;
        }
    }

    fn b64(raw: &[u8]) -> Vec<u8> {
        let mut out = vec![0u8; base64::encoded_len(raw.len())];
        base64::encode(raw, &mut out);
        out
    }

    fn unb64(text: &[u8]) -> Vec<u8> {
        let mut out = vec![0u8; base64::decoded_len(text.len()).unwrap()];
        base64::decode(text, &mut out).unwrap();
        out
    }

    #[test]
    fn session_key_errors_leave_the_session_alone() {
        let key = s(SESSION_KEY);
        let raw = unb64(&key);
        let mut session = InboundGroupSession::default();
        session.import(&s(EXPORT_AT_1)).unwrap();
        let before = pickled(&session);

        let mut bad_version = raw.clone();
        bad_version[0] = 1;
        let mut bad_signature = raw.clone();
        bad_signature[200] ^= 1;
        let mut bad_body = raw.clone();
        bad_body[10] ^= 1;
        // Strict Ed25519, a deliberate difference: libolm accepts this key.
        let mut malleated = raw.clone();
        malleate(&mut malleated[KEY_BODY_LENGTH..]);
        let cases = [
            (key[..key.len() - 1].to_vec(), OlmError::InvalidBase64),
            (key[..key.len() - 4].to_vec(), OlmError::BadSessionKey),
            (b64(&bad_version), OlmError::BadSessionKey),
            (b64(&bad_signature), OlmError::BadSignature),
            (b64(&bad_body), OlmError::BadSignature),
            (b64(&malleated), OlmError::BadSignature),
            (s(EXPORT_AT_1), OlmError::BadSessionKey),
        ];
        for (bad, error) in cases {
            assert_eq!(session.init(&bad), Err(error));
            assert_eq!(pickled(&session), before);
        }
        let export = s(EXPORT_AT_1);
        assert_eq!(session.import(&export[..export.len() - 3]), Err(OlmError::InvalidBase64));
        assert_eq!(session.import(&key), Err(OlmError::BadSessionKey));
        let mut bad_version = unb64(&export);
        bad_version[0] = 2;
        assert_eq!(session.import(&b64(&bad_version)), Err(OlmError::BadSessionKey));
        assert_eq!(pickled(&session), before);
    }

    #[test]
    fn message_errors_in_libolms_order() {
        let mut session = inbound(&s(SESSION_KEY));
        let good = s(MESSAGES[1].1);
        let raw = unb64(&good);
        let check =
            |session: &mut InboundGroupSession, message: &[u8], expected: (Result<Vec<u8>, OlmError>, Option<u32>)| {
                assert_eq!(decrypt(session, std::str::from_utf8(message).unwrap()), expected);
            };
        check(&mut session, b"AAAAA", (Err(OlmError::InvalidBase64), None));
        check(&mut session, &b64(&[3; 72]), (Err(OlmError::BadMessageVersion), None));
        let mut version = raw.clone();
        version[0] = 4;
        check(&mut session, &b64(&version), (Err(OlmError::BadMessageVersion), None));
        let mut no_index = raw.clone();
        no_index[1] = 0x18;
        check(&mut session, &b64(&no_index), (Err(OlmError::BadMessageFormat), None));
        let mut tampered = raw.clone();
        tampered[10] ^= 1;
        check(&mut session, &b64(&tampered), (Err(OlmError::BadSignature), Some(1)));
        let mut malleated = raw.clone();
        let signature_start = malleated.len() - 64;
        malleate(&mut malleated[signature_start..]);
        check(&mut session, &b64(&malleated), (Err(OlmError::BadSignature), Some(1)));

        let mut message = good.clone();
        let mut plaintext = [0u8; 15];
        let mut index = None;
        assert_eq!(session.decrypt(&mut message, &mut plaintext, &mut index), Err(OlmError::OutputBufferTooSmall));
        assert_eq!(index, Some(1));
        assert_eq!(pickled(&session), s(INBOUND_PICKLES[0]));
        check(&mut session, &good, (Ok(b"Message".to_vec()), Some(1)));
    }

    /// A message signed and MACed with the session's keys whose ciphertext is `ciphertext`.
    fn forged(ciphertext: &[u8]) -> Vec<u8> {
        let random = random();
        let ratchet = Ratchet::new(random[..RATCHET_LENGTH].try_into().unwrap(), 0);
        let signing_key = crate::core::crypto::Ed25519KeyPair::from_seed(random[RATCHET_LENGTH..].try_into().unwrap());
        let mut raw = vec![0u8; message::message_len(0, ciphertext.len())];
        let start = message::write_header(&mut raw, 0, ciphertext.len());
        let mac_start = start + ciphertext.len();
        raw[start..mac_start].copy_from_slice(ciphertext);
        let mac = message_keys(&ratchet).mac(&raw[..mac_start]);
        raw[mac_start..mac_start + message::MAC_LENGTH].copy_from_slice(&mac[..message::MAC_LENGTH]);
        let signature = signing_key.sign(&raw[..mac_start + message::MAC_LENGTH]);
        raw[mac_start + message::MAC_LENGTH..].copy_from_slice(&signature);
        b64(&raw)
    }

    /// Deliberate difference: a sender can sign and MAC a ciphertext that is empty or not
    /// whole AES blocks, which makes libolm read or write out of bounds. We refuse it with
    /// BAD_MESSAGE_MAC, the error libolm gives for a ciphertext that does not decrypt.
    #[test]
    fn sender_made_partial_blocks_are_refused() {
        let mut session = inbound(&s(SESSION_KEY));
        for ciphertext in [&[][..], &[1u8; 15][..], &[2u8; 17][..]] {
            let message = forged(ciphertext);
            assert_eq!(
                decrypt(&mut session, std::str::from_utf8(&message).unwrap()),
                (Err(OlmError::BadMessageMac), Some(0))
            );
        }
        // The same forgery of a proper ciphertext decrypts: the refusals above are the lengths'.
        let ratchet = Ratchet::new(random()[..RATCHET_LENGTH].try_into().unwrap(), 0);
        let mut ciphertext = [0u8; 16];
        message_keys(&ratchet).encrypt(b"forged", &mut ciphertext);
        let message = forged(&ciphertext);
        assert_eq!(decrypt(&mut session, std::str::from_utf8(&message).unwrap()), (Ok(b"forged".to_vec()), Some(0)));
    }
}
