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

/// All-ones when `x < k`, zero otherwise, without branching on `x`. Valid while `x - k` fits
/// an i8, which holds for every use here (x <= 127, k <= 123). Byte lanes and an arithmetic
/// shift keep the mapping loops vectorisable.
#[inline(always)]
fn lt_mask(x: u8, k: u8) -> u8 {
    (x.wrapping_sub(k) as i8 >> 7) as u8
}

/// All-ones when `lo <= x <= hi`.
#[inline(always)]
fn range_mask(x: u8, lo: u8, hi: u8) -> u8 {
    !lt_mask(x, lo) & lt_mask(x, hi + 1)
}

/// The character for a 6-bit value: 'A' plus the offset of each alphabet range it passes.
#[inline(always)]
fn encode_sextet(v: u8) -> u8 {
    let v = v & 0x3f;
    v.wrapping_add(b'A')
        .wrapping_add(!lt_mask(v, 26) & 6) // 'a' - 26 - 'A'
        .wrapping_sub(!lt_mask(v, 52) & 75) // ('a' - 26) - ('0' - 52)
        .wrapping_sub(!lt_mask(v, 62) & 15) // ('0' - 52) - ('+' - 62)
        .wrapping_add(!lt_mask(v, 63) & 3) // ('/' - 63) - ('+' - 62)
}

/// libolm's table value for a character: 0..=63 for the alphabet, 0xff for anything else.
#[inline(always)]
fn decode_char(c: u8) -> u8 {
    let c = c & 0x7f;
    let upper = range_mask(c, b'A', b'Z');
    let lower = range_mask(c, b'a', b'z');
    let digit = range_mask(c, b'0', b'9');
    let plus = range_mask(c, b'+', b'+');
    let slash = range_mask(c, b'/', b'/');
    let valid = upper | lower | digit | plus | slash;
    (upper & c.wrapping_sub(b'A'))
        | (lower & c.wrapping_sub(b'a' - 26))
        | (digit & (c + 4))
        | (plus & 62)
        | (slash & 63)
        | !valid
}

// Encoding and decoding run in two passes: one moves bits between 3-byte groups and 6-bit
// values, the other maps values to characters (or back) one byte at a time. The second is a
// plain loop of branch-free arithmetic that the compiler vectorises (SSE2), several times
// faster than mapping inside the bit-moving loop, and still constant time.

/// Maps 6-bit values to their characters, in place.
fn sextets_to_chars(buffer: &mut [u8]) {
    for b in buffer {
        *b = encode_sextet(*b);
    }
}

/// Writes the 6-bit values of `group` (1 to 3 bytes) to `out` (2 to 4 bytes).
#[inline(always)]
fn group_sextets(group: &[u8], out: &mut [u8]) {
    match group.len() {
        3 => {
            let v = (group[0] as u32) << 16 | (group[1] as u32) << 8 | group[2] as u32;
            out[0] = (v >> 18) as u8;
            out[1] = (v >> 12) as u8 & 0x3f;
            out[2] = (v >> 6) as u8 & 0x3f;
            out[3] = v as u8 & 0x3f;
        }
        2 => {
            let v = ((group[0] as u32) << 8 | group[1] as u32) << 2;
            out[0] = (v >> 12) as u8;
            out[1] = (v >> 6) as u8 & 0x3f;
            out[2] = v as u8 & 0x3f;
        }
        1 => {
            let v = (group[0] as u32) << 4;
            out[0] = (v >> 6) as u8;
            out[1] = v as u8 & 0x3f;
        }
        _ => {}
    }
}

/// Encodes `input` into the start of `output`, returning the encoded length.
///
/// Panics if `output` is shorter than [`encoded_len`]; callers check lengths first.
pub fn encode(input: &[u8], output: &mut [u8]) -> usize {
    let out_len = encoded_len(input.len());
    let output = &mut output[..out_len];
    let mut groups = input.chunks_exact(3);
    let mut outs = output.chunks_exact_mut(4);
    for (group, out) in (&mut groups).zip(&mut outs) {
        group_sextets(group, out);
    }
    group_sextets(groups.remainder(), outs.into_remainder());
    sextets_to_chars(output);
    out_len
}

/// Encodes the `raw_length` bytes that sit at the end of `buffer[..encoded_len(raw_length)]`
/// into the start of the same buffer. This is how libolm fills output buffers without a second
/// allocation: the raw bytes are produced where the encoding will end, then encoded forwards,
/// which never overwrites a byte before it has been read.
pub fn encode_in_place(buffer: &mut [u8], raw_length: usize) -> usize {
    let out_len = encoded_len(raw_length);
    let start = out_len - raw_length;
    let full_groups = raw_length / 3;
    for k in 0..full_groups {
        let p = start + 3 * k;
        let group = [buffer[p], buffer[p + 1], buffer[p + 2]];
        group_sextets(&group, &mut buffer[4 * k..4 * k + 4]);
    }
    let rest = raw_length - 3 * full_groups;
    let mut group = [0u8; 3];
    group[..rest].copy_from_slice(&buffer[start + 3 * full_groups..out_len]);
    group_sextets(&group[..rest], &mut buffer[4 * full_groups..out_len]);
    sextets_to_chars(&mut buffer[..out_len]);
    out_len
}

/// Where the raw bytes go for [`encode_in_place`].
pub const fn in_place_offset(raw_length: usize) -> usize {
    encoded_len(raw_length) - raw_length
}

/// Characters mapped to values per pass of the decoder (a multiple of 4).
const DECODE_CHUNK: usize = 64;

/// Maps characters to libolm's table values (see [`decode_char`]).
fn chars_to_values(chars: &[u8], values: &mut [u8]) {
    for (v, &c) in values.iter_mut().zip(chars) {
        *v = decode_char(c);
    }
}

/// Packs table values, four to three bytes (a partial last quad as libolm does), into `out`;
/// returns the number of bytes written.
fn pack_values(values: &[u8], out: &mut [u8]) -> usize {
    let mut quads = values.chunks_exact(4);
    let o = values.len() / 4 * 3;
    for (q, triple) in (&mut quads).zip(out[..o].chunks_exact_mut(3)) {
        // libolm shifts the (possibly 8-bit garbage) table values into one word with plain ORs.
        let v = (q[0] as u32) << 18 | (q[1] as u32) << 12 | (q[2] as u32) << 6 | q[3] as u32;
        triple.copy_from_slice(&v.to_be_bytes()[1..]);
    }
    let rest = quads.remainder();
    match rest.len() {
        2 => {
            out[o] = (((rest[0] as u32) << 6 | rest[1] as u32) >> 4) as u8;
            o + 1
        }
        3 => {
            let v = ((rest[0] as u32) << 12 | (rest[1] as u32) << 6 | rest[2] as u32) >> 2;
            out[o] = (v >> 8) as u8;
            out[o + 1] = v as u8;
            o + 2
        }
        _ => o,
    }
}

/// Decodes `input` into the start of `output` as libolm does, returning the decoded length.
///
/// Fails with `None` only for a length of 1 mod 4. Panics if `output` is shorter than
/// [`decoded_len`].
pub fn decode(input: &[u8], output: &mut [u8]) -> Option<usize> {
    let len = decoded_len(input.len())?;
    let output = &mut output[..len];
    let mut values = [0u8; DECODE_CHUNK];
    let mut o = 0;
    for chunk in input.chunks(DECODE_CHUNK) {
        chars_to_values(chunk, &mut values);
        o += pack_values(&values[..chunk.len()], &mut output[o..]);
    }
    Some(len)
}

/// Decodes `buffer` into its own start, returning the decoded length.
pub fn decode_in_place(buffer: &mut [u8]) -> Option<usize> {
    let len = decoded_len(buffer.len())?;
    let mut values = [0u8; DECODE_CHUNK];
    let (mut i, mut o) = (0, 0);
    while i < buffer.len() {
        // Each chunk is read before its (shorter) output is written, at or before its start.
        let n = (buffer.len() - i).min(DECODE_CHUNK);
        chars_to_values(&buffer[i..i + n], &mut values);
        o += pack_values(&values[..n], &mut buffer[o..]);
        i += n;
    }
    Some(len)
}

/// libolm's decoding table: the value of a character (masked to 7 bits), 0xff outside the
/// alphabet. Only for public data (see [`decode_public_in_place`]); built from [`decode_char`],
/// so both decoders agree by construction (and a test checks every byte value).
const PUBLIC_DECODE_TABLE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        table[c] = decode_char_const(c as u8);
        c += 1;
    }
    table
};

/// [`decode_char`] as a `const fn`, for building the table.
const fn decode_char_const(c: u8) -> u8 {
    let c = c & 0x7f;
    match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => 0xff,
    }
}

/// [`decode_in_place`] for public data only (message ciphertexts, their MACs and signatures):
/// the same result bit for bit, by table lookups indexed by the input in one pass, which is not
/// constant time. Secrets (pickles, keys, session exports) go through [`decode_in_place`].
pub fn decode_public_in_place(buffer: &mut [u8]) -> Option<usize> {
    let len = decoded_len(buffer.len())?;
    let t = |c: u8| PUBLIC_DECODE_TABLE[c as usize] as u32;
    let quads = buffer.len() / 4;
    for k in 0..quads {
        // Quad k is read before its three bytes are written at 3k, which is at or before 4k.
        let q: [u8; 4] = buffer[4 * k..4 * k + 4].try_into().expect("four bytes");
        let v = t(q[0]) << 18 | t(q[1]) << 12 | t(q[2]) << 6 | t(q[3]);
        buffer[3 * k..3 * k + 3].copy_from_slice(&v.to_be_bytes()[1..]);
    }
    let mut rest = [0u8; 3];
    let r = buffer.len() - 4 * quads;
    rest[..r].copy_from_slice(&buffer[4 * quads..]);
    let values = rest.map(|c| PUBLIC_DECODE_TABLE[c as usize]);
    pack_values(&values[..r], &mut buffer[3 * quads..]);
    Some(len)
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

    #[test]
    fn long_inputs_with_any_bytes_decode_like_libolm() {
        let mut seed = 0x2545_f491u32;
        for len in 0..300usize {
            let input: Vec<u8> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    // Mostly alphabet characters, with any byte now and then.
                    if i % 5 == 3 { (seed >> 16) as u8 } else { b"Zz09+/Aa"[(seed >> 16) as usize % 8] }
                })
                .collect();
            assert_eq!(decode_vec(&input), reference_decode(&input), "length {len}");
        }
    }

    /// Decodes with every decoder (into a buffer, in place, and the public table path) and
    /// checks that they agree.
    fn decode_vec(input: &[u8]) -> Option<Vec<u8>> {
        let public = {
            let mut in_place = input.to_vec();
            decode_public_in_place(&mut in_place).map(|n| in_place[..n].to_vec())
        };
        let mut out = vec![0u8; decoded_len(input.len())?];
        decode(input, &mut out)?;
        let mut in_place = input.to_vec();
        let n = decode_in_place(&mut in_place)?;
        assert_eq!(&in_place[..n], &out[..]);
        assert_eq!(public.as_deref(), Some(&out[..]));
        Some(out)
    }

    #[test]
    fn public_table_is_the_constant_time_mapping() {
        for c in 0..=255u8 {
            assert_eq!(PUBLIC_DECODE_TABLE[c as usize], decode_char(c), "byte {c}");
        }
        assert_eq!(decode_public_in_place(&mut [b'A'; 5]), None);
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
