//! Unpadded standard base64, exactly as libolm reads and writes it, in constant time.
//!
//! libolm decodes leniently: only a length of 1 mod 4 is refused; any other byte maps through a
//! table (after masking to 7 bits) and unknown characters contribute all-ones garbage bits, and
//! the spare low bits of the last character are dropped. We reproduce that result bit for bit,
//! but compute each character's value with arithmetic masks instead of a table indexed by the
//! input (libolm's table lookups leak secret material through the cache: CVE-2024-45192).

/// Length of the encoding of `input_length` bytes.
pub const fn encoded_len(input_length: usize) -> usize {
    4 * (input_length / 3) + match input_length % 3 {
        0 => 0,
        r => r + 1,
    }
}

/// Length of the decoding of `input_length` characters; `None` where libolm refuses the length.
pub const fn decoded_len(input_length: usize) -> Option<usize> {
    match input_length % 4 {
        1 => None,
        0 => Some(3 * (input_length / 4)),
        r => Some(3 * (input_length / 4) + r - 1),
    }
}

/// All-ones when `lo <= x <= hi`, zero otherwise, without branching on `x`.
#[inline(always)]
fn range_mask(x: u32, lo: u32, hi: u32) -> u32 {
    let x = x as i32;
    // Both differences are negative exactly when x is inside the range.
    (((lo as i32 - 1 - x) & (x - (hi as i32 + 1))) >> 31) as u32
}

/// The character for a 6-bit value.
#[inline(always)]
fn encode_sextet(v: u32) -> u8 {
    let v = v & 0x3f;
    let upper = range_mask(v, 0, 25) & (v + b'A' as u32);
    let lower = range_mask(v, 26, 51) & (v + b'a' as u32 - 26);
    let digit = range_mask(v, 52, 61) & (v + b'0' as u32).wrapping_sub(52);
    let plus = range_mask(v, 62, 62) & b'+' as u32;
    let slash = range_mask(v, 63, 63) & b'/' as u32;
    (upper | lower | digit | plus | slash) as u8
}

/// libolm's table value for a character: 0..=63 for the alphabet, 0xff for anything else.
#[inline(always)]
fn decode_char(c: u8) -> u32 {
    let c = (c & 0x7f) as u32;
    let upper = range_mask(c, b'A' as u32, b'Z' as u32);
    let lower = range_mask(c, b'a' as u32, b'z' as u32);
    let digit = range_mask(c, b'0' as u32, b'9' as u32);
    let plus = range_mask(c, b'+' as u32, b'+' as u32);
    let slash = range_mask(c, b'/' as u32, b'/' as u32);
    let valid = upper | lower | digit | plus | slash;
    let value = (upper & c.wrapping_sub(b'A' as u32))
        | (lower & c.wrapping_sub(b'a' as u32 - 26))
        | (digit & (c + 4))
        | (plus & 62)
        | (slash & 63)
        | (!valid & 0xff);
    // A no-op on the value, but it tells valgrind's memcheck that the upper 24 bits never
    // depend on the character, so that the constant-time check (tests/ct) can follow a secret
    // byte next to a public one through a shared character group.
    value & 0xff
}

/// Encodes `input` into the start of `output`, returning the encoded length.
///
/// Panics if `output` is shorter than [`encoded_len`]; callers check lengths first.
pub fn encode(input: &[u8], output: &mut [u8]) -> usize {
    let out_len = encoded_len(input.len());
    let output = &mut output[..out_len];
    let mut chunks = input.chunks_exact(3);
    let mut out = output.chunks_exact_mut(4);
    for (chunk, o) in (&mut chunks).zip(&mut out) {
        let v = (chunk[0] as u32) << 16 | (chunk[1] as u32) << 8 | chunk[2] as u32;
        o[0] = encode_sextet(v >> 18);
        o[1] = encode_sextet(v >> 12);
        o[2] = encode_sextet(v >> 6);
        o[3] = encode_sextet(v);
    }
    let rest = chunks.remainder();
    let tail = out.into_remainder();
    match rest.len() {
        1 => {
            let v = (rest[0] as u32) << 4;
            tail[0] = encode_sextet(v >> 6);
            tail[1] = encode_sextet(v);
        }
        2 => {
            let v = ((rest[0] as u32) << 8 | rest[1] as u32) << 2;
            tail[0] = encode_sextet(v >> 12);
            tail[1] = encode_sextet(v >> 6);
            tail[2] = encode_sextet(v);
        }
        _ => {}
    }
    out_len
}

/// Encodes the `raw_length` bytes that sit at the end of `buffer[..encoded_len(raw_length)]`
/// into the start of the same buffer. This is how libolm fills output buffers without a second
/// allocation: the raw bytes are produced where the encoding will end, then encoded forwards,
/// which never overwrites a byte before it has been read.
pub fn encode_in_place(buffer: &mut [u8], raw_length: usize) -> usize {
    let out_len = encoded_len(raw_length);
    let start = out_len - raw_length;
    let mut i = 0;
    let mut o = 0;
    while i + 3 <= raw_length {
        let p = start + i;
        let v = (buffer[p] as u32) << 16 | (buffer[p + 1] as u32) << 8 | buffer[p + 2] as u32;
        buffer[o] = encode_sextet(v >> 18);
        buffer[o + 1] = encode_sextet(v >> 12);
        buffer[o + 2] = encode_sextet(v >> 6);
        buffer[o + 3] = encode_sextet(v);
        i += 3;
        o += 4;
    }
    let p = start + i;
    match raw_length - i {
        1 => {
            let v = (buffer[p] as u32) << 4;
            buffer[o] = encode_sextet(v >> 6);
            buffer[o + 1] = encode_sextet(v);
        }
        2 => {
            let v = ((buffer[p] as u32) << 8 | buffer[p + 1] as u32) << 2;
            buffer[o] = encode_sextet(v >> 12);
            buffer[o + 1] = encode_sextet(v >> 6);
            buffer[o + 2] = encode_sextet(v);
        }
        _ => {}
    }
    out_len
}

/// Where the raw bytes go for [`encode_in_place`].
pub const fn in_place_offset(raw_length: usize) -> usize {
    encoded_len(raw_length) - raw_length
}

/// Decodes `input` into the start of `output` as libolm does, returning the decoded length.
///
/// Fails with `None` only for a length of 1 mod 4. Panics if `output` is shorter than
/// [`decoded_len`]. `input` and `output` may be the same memory through [`decode_in_place`].
pub fn decode(input: &[u8], output: &mut [u8]) -> Option<usize> {
    let len = decoded_len(input.len())?;
    let mut out = output[..len].chunks_exact_mut(3);
    let mut chunks = input.chunks_exact(4);
    for (c, o) in (&mut chunks).zip(&mut out) {
        let v = quad(c[0], c[1], c[2], c[3]);
        o[0] = (v >> 16) as u8;
        o[1] = (v >> 8) as u8;
        o[2] = v as u8;
    }
    finish_tail(chunks.remainder(), out.into_remainder());
    Some(len)
}

/// Decodes `buffer` into its own start, returning the decoded length.
pub fn decode_in_place(buffer: &mut [u8]) -> Option<usize> {
    let len = decoded_len(buffer.len())?;
    let full = buffer.len() / 4;
    for k in 0..full {
        let i = 4 * k;
        let v = quad(buffer[i], buffer[i + 1], buffer[i + 2], buffer[i + 3]);
        let o = 3 * k;
        buffer[o] = (v >> 16) as u8;
        buffer[o + 1] = (v >> 8) as u8;
        buffer[o + 2] = v as u8;
    }
    let mut tail = [0u8; 3];
    tail[..buffer.len() % 4].copy_from_slice(&buffer[4 * full..]);
    let mut out = [0u8; 2];
    let rest = buffer.len() % 4;
    finish_tail(&tail[..rest], &mut out[..rest.saturating_sub(1)]);
    buffer[3 * full..len].copy_from_slice(&out[..rest.saturating_sub(1)]);
    Some(len)
}

#[inline(always)]
fn quad(a: u8, b: u8, c: u8, d: u8) -> u32 {
    // libolm shifts the (possibly 8-bit garbage) table values into one word with plain ORs.
    let mut v = decode_char(a);
    v = v << 6 | decode_char(b);
    v = v << 6 | decode_char(c);
    v << 6 | decode_char(d)
}

#[inline(always)]
fn finish_tail(rest: &[u8], out: &mut [u8]) {
    match rest.len() {
        2 => {
            let v = (decode_char(rest[0]) << 6 | decode_char(rest[1])) >> 4;
            out[0] = v as u8;
        }
        3 => {
            let mut v = decode_char(rest[0]) << 6 | decode_char(rest[1]);
            v = (v << 6 | decode_char(rest[2])) >> 2;
            out[1] = v as u8;
            out[0] = (v >> 8) as u8;
        }
        _ => {}
    }
}

/// Decodes into a fixed-size array when the input decodes to exactly `N` bytes.
pub fn decode_array<const N: usize>(input: &[u8]) -> Option<[u8; N]> {
    if decoded_len(input.len())? != N {
        return None;
    }
    let mut out = [0u8; N];
    decode(input, &mut out)?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// libolm's decoder, written the obvious way with a table, to check ours against.
    fn reference_decode(input: &[u8]) -> Option<Vec<u8>> {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let table = |c: u8| -> u32 {
            ALPHABET.iter().position(|&a| a == c & 0x7f).map(|p| p as u32).unwrap_or(0xff)
        };
        let len = decoded_len(input.len())?;
        let mut out = Vec::new();
        let mut chunks = input.chunks_exact(4);
        for c in &mut chunks {
            let mut v = 0u32;
            for &x in c {
                v = v << 6 | table(x);
            }
            out.extend_from_slice(&[(v >> 16) as u8, (v >> 8) as u8, v as u8]);
        }
        let r = chunks.remainder();
        if r.len() == 2 {
            out.push(((table(r[0]) << 6 | table(r[1])) >> 4) as u8);
        } else if r.len() == 3 {
            let v = ((table(r[0]) << 6 | table(r[1])) << 6 | table(r[2])) >> 2;
            out.extend_from_slice(&[(v >> 8) as u8, v as u8]);
        }
        assert_eq!(out.len(), len);
        Some(out)
    }

    #[test]
    fn known_vectors() {
        let mut out = [0u8; 16];
        let n = encode(b"foobar", &mut out);
        assert_eq!(&out[..n], b"Zm9vYmFy");
        let n = encode(b"fo", &mut out);
        assert_eq!(&out[..n], b"Zm8");
        let n = encode(b"f", &mut out);
        assert_eq!(&out[..n], b"Zg");
        assert_eq!(decode_array::<3>(b"Zm9v"), Some(*b"foo"));
        assert_eq!(decoded_len(5), None);
        assert_eq!(decoded_len(0), Some(0));
    }

    #[test]
    fn every_character_decodes_like_libolm() {
        for a in 0..=255u8 {
            for b in [b'A', b'z', b'+', b'-', 0x80, 0xff] {
                let input = [a, b, a, b];
                assert_eq!(decode_vec(&input), reference_decode(&input));
                assert_eq!(decode_vec(&input[..3]), reference_decode(&input[..3]));
                assert_eq!(decode_vec(&input[..2]), reference_decode(&input[..2]));
            }
        }
    }

    fn decode_vec(input: &[u8]) -> Option<Vec<u8>> {
        let mut out = vec![0u8; decoded_len(input.len())?];
        decode(input, &mut out)?;
        let mut in_place = input.to_vec();
        let n = decode_in_place(&mut in_place)?;
        assert_eq!(&in_place[..n], &out[..]);
        Some(out)
    }

    #[test]
    fn round_trip_and_in_place() {
        let mut seed = 0x1234_5678u32;
        for len in 0..200usize {
            let data: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (seed >> 16) as u8
                })
                .collect();
            let mut enc = vec![0u8; encoded_len(len)];
            encode(&data, &mut enc);
            let mut buf = vec![0u8; encoded_len(len)];
            buf[in_place_offset(len)..].copy_from_slice(&data);
            assert_eq!(encode_in_place(&mut buf, len), enc.len());
            assert_eq!(buf, enc);
            assert_eq!(decode_vec(&enc).unwrap(), data);
            assert_eq!(reference_decode(&enc).unwrap(), data);
        }
    }
}
