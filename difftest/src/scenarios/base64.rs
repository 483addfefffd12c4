//! Our core base64 codec against libolm's internal one (`_olm_encode_base64`,
//! `_olm_decode_base64`, which Debian's build exports): every input of up to two bytes, samples
//! of three and four over a representative alphabet, and random long ones.

use olm::core::base64 as ours;

use crate::api::{Base64, Lib};
use crate::harness::Report;

const F: &str = "base64";

/// The base64 alphabet and the characters libolm maps to garbage (including the URL-safe
/// alphabet, padding, NUL and high-bit bytes that alias letters after masking to 7 bits).
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_= .\x00\x7f\x80\xc1\xe1\xb0\xff";

fn reference_decode(b: &Base64, input: &[u8]) -> Option<Vec<u8>> {
    // SAFETY: the output has the length libolm's own length function asks for.
    unsafe {
        let n = (b._olm_decode_base64_length)(input.len());
        if n == usize::MAX {
            return None;
        }
        let mut out = vec![0u8; n];
        let r = (b._olm_decode_base64)(input.as_ptr(), input.len(), out.as_mut_ptr());
        (r != usize::MAX).then(|| {
            out.truncate(r);
            out
        })
    }
}

fn reference_encode(b: &Base64, input: &[u8]) -> Vec<u8> {
    // SAFETY: as above.
    unsafe {
        let mut out = vec![0u8; (b._olm_encode_base64_length)(input.len())];
        let r = (b._olm_encode_base64)(input.as_ptr(), input.len(), out.as_mut_ptr());
        out.truncate(r);
        out
    }
}

fn our_decode(input: &[u8]) -> Option<Vec<u8>> {
    let mut out = vec![0u8; ours::decoded_len(input.len())?];
    let n = ours::decode(input, &mut out)?;
    out.truncate(n);
    Some(out)
}

fn our_encode(input: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; ours::encoded_len(input.len())];
    let n = ours::encode(input, &mut out);
    out.truncate(n);
    out
}

fn check_decode(r: &mut Report, b: &Base64, input: &[u8]) {
    let (theirs, mine) = (reference_decode(b, input), our_decode(input));
    let ok = theirs == mine;
    r.check(F, ok, || format!("decode {input:?}: libolm {theirs:?} / ours {mine:?}"));
    // In place must agree with the copying decoder.
    if let Some(expected) = mine {
        let mut buf = input.to_vec();
        let n = ours::decode_in_place(&mut buf);
        let ok = n == Some(expected.len()) && buf[..expected.len()] == expected[..];
        r.check(F, ok, || format!("decode_in_place {input:?}"));
    }
}

fn check_encode(r: &mut Report, b: &Base64, input: &[u8]) {
    let (theirs, mine) = (reference_encode(b, input), our_encode(input));
    let ok = theirs == mine;
    r.check(F, ok, || format!("encode {input:?}: libolm {theirs:?} / ours {mine:?}"));
}

pub fn run(r: &mut Report, libs: [&Lib; 2], rounds: usize) {
    let b = libs[0].base64.as_ref().expect("the reference exports its base64 codec");
    // Every input of length 0, 1 and 2.
    check_decode(r, b, b"");
    check_encode(r, b, b"");
    for x in 0..=255u8 {
        check_decode(r, b, &[x]);
        check_encode(r, b, &[x]);
        for y in 0..=255u8 {
            check_decode(r, b, &[x, y]);
            check_encode(r, b, &[x, y]);
        }
    }
    // Lengths 3 and 4 over the representative alphabet, mostly, and any byte now and then.
    for _ in 0..rounds * 400 {
        for len in [3, 4] {
            let input: Vec<u8> =
                (0..len).map(|_| if r.rng.one_in(4) { r.rng.next_u64() as u8 } else { *r.rng.pick(ALPHABET) }).collect();
            check_decode(r, b, &input);
        }
        let raw = r.rng.bytes_in(3, 4);
        check_encode(r, b, &raw);
    }
    // Long inputs: valid encodings, and ones with foreign characters sprinkled in.
    for _ in 0..rounds * 10 {
        let raw = r.rng.bytes_in(5, 700);
        check_encode(r, b, &raw);
        let mut text = our_encode(&raw);
        check_decode(r, b, &text);
        for _ in 0..r.rng.below(4) {
            let i = r.rng.below(text.len());
            text[i] = *r.rng.pick(ALPHABET);
        }
        if r.rng.one_in(3) {
            text.truncate(r.rng.below(text.len() + 1));
        }
        check_decode(r, b, &text);
    }
}
