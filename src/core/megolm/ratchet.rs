//! The Megolm ratchet: four 32-byte parts R(0)..R(3) and a 32-bit counter.
//!
//! Part R(i) changes every 2^(8·(3−i)) steps; when it does, every later part is re-derived
//! from it. Re-deriving is HMAC-SHA-256 keyed with the source part over a one-byte seed naming
//! the target part. Because each part moves at its own rate, the ratchet jumps to any later
//! counter with at most 255 rehashes per part, never stepping through the indexes between.

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::core::crypto::hmac_sha256;
use crate::core::pickle::{Reader, UnpickleError, Writer};

pub const RATCHET_PARTS: usize = 4;
pub const RATCHET_PART_LENGTH: usize = 32;
/// The ratchet's key material: what session keys carry and what message keys derive from.
pub const RATCHET_LENGTH: usize = RATCHET_PARTS * RATCHET_PART_LENGTH;
/// Length of the ratchet in a pickle: its parts, then its counter.
pub const RATCHET_PICKLE_LENGTH: usize = RATCHET_LENGTH + 4;

#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Ratchet {
    data: [u8; RATCHET_LENGTH],
    counter: u32,
}

/// The all-zero ratchet of an object that has not been given a session yet (as in libolm).
impl Default for Ratchet {
    fn default() -> Self {
        Self { data: [0; RATCHET_LENGTH], counter: 0 }
    }
}

impl Ratchet {
    pub fn new(data: &[u8; RATCHET_LENGTH], counter: u32) -> Self {
        Self { data: *data, counter }
    }

    /// The index of the next message this ratchet state encrypts or decrypts.
    pub fn counter(&self) -> u32 {
        self.counter
    }

    /// The four parts, concatenated.
    pub fn data(&self) -> &[u8; RATCHET_LENGTH] {
        &self.data
    }

    fn part(&self, i: usize) -> &[u8] {
        &self.data[i * RATCHET_PART_LENGTH..(i + 1) * RATCHET_PART_LENGTH]
    }

    /// R(to) = HMAC-SHA-256(key = R(from), message = [to]).
    fn rehash(&mut self, from: usize, to: usize) {
        let mut next = hmac_sha256(self.part(from), &[to as u8]);
        self.data[to * RATCHET_PART_LENGTH..(to + 1) * RATCHET_PART_LENGTH].copy_from_slice(&next);
        next.zeroize();
    }

    /// One step forwards.
    pub fn advance(&mut self) {
        self.counter = self.counter.wrapping_add(1);
        // The highest part whose byte of the counter changed: it and every later part move.
        let mut h = 0;
        let mut mask = 0x00ff_ffffu32;
        while h < RATCHET_PARTS && self.counter & mask != 0 {
            h += 1;
            mask >>= 8;
        }
        for to in (h..RATCHET_PARTS).rev() {
            self.rehash(h, to);
        }
    }

    /// Jumps forwards to `target`, modulo 2^32: a target below the counter wraps around.
    pub fn advance_to(&mut self, target: u32) {
        for j in 0..RATCHET_PARTS {
            let shift = 8 * (RATCHET_PARTS - 1 - j) as u32;
            let mut steps = ((target >> shift).wrapping_sub(self.counter >> shift)) & 0xff;
            if steps == 0 {
                // Only R(0) can need a full turn: the target wrapped past 2^32.
                if target < self.counter {
                    steps = 0x100;
                } else {
                    continue;
                }
            }
            // All steps but the last move R(j) alone; the last also re-derives R(j+1)..R(3).
            for _ in 1..steps {
                self.rehash(j, j);
            }
            for to in (j..RATCHET_PARTS).rev() {
                self.rehash(j, to);
            }
            self.counter = target & (u32::MAX << shift);
        }
    }

    pub fn write_pickle(&self, w: &mut Writer<'_>) {
        w.bytes(&self.data);
        w.u32(self.counter);
    }

    pub fn read_pickle(r: &mut Reader<'_>) -> Result<Self, UnpickleError> {
        Ok(Self { data: r.array()?, counter: r.u32()? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &[u8; RATCHET_LENGTH] = b"0123456789ABCDEF0123456789ABCDEF\
        0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF\
        0123456789ABCDEF0123456789ABCDEF";

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    // libolm's own known answers (tests/test_megolm.cpp).
    const R3_AFTER_ONE: &str = "ba9cd955741d1c162323ec825e7c5ce889bbb423a18f23828fb2090d6e2af86a";

    #[test]
    fn single_step_matches_libolm() {
        let mut r = Ratchet::new(SEED, 0);
        r.advance();
        assert_eq!(r.counter(), 1);
        assert_eq!(&r.data()[..96], &SEED[..96]);
        assert_eq!(r.data()[96..].to_vec(), hex(R3_AFTER_ONE));

        let mut jumped = Ratchet::new(SEED, 0);
        jumped.advance_to(1);
        assert_eq!(jumped.data(), r.data());
    }

    #[test]
    fn jumps_match_libolm() {
        let mut r = Ratchet::new(SEED, 0);
        r.advance_to(1);
        r.advance_to(0x0100_0000);
        assert_eq!(r.counter(), 0x0100_0000);
        let expected = hex("54022d7dc0298e1637e21c97153092f933c056ff74fe1b922d971f2482c2859c
             7004c01ee49bd6efe0073525af9b1632c5be726d12349cc5bd472bdc2df6540f
             3112591194fda617e568c683101eaecd7eddd6de1fbc0767ae34da1a09a54eab
             ba9cd955741d1c162323ec825e7c5ce889bbb423a18f23828fb2090d6e2af86a");
        assert_eq!(r.data().to_vec(), expected);

        r.advance_to(0x0104_1506);
        assert_eq!(r.counter(), 0x0104_1506);
        let expected = hex("54022d7dc0298e1637e21c97153092f933c056ff74fe1b922d971f2482c2859c
             55588df5b7a48878428927868164589f3663447b51edc3595b036ca604c46dcd
             5c54850bfa98a1fd79a9df1cbe8fc5681937d30c85c8c31f7bb828816cf9ff3b
             956cbf807e65126a49558d45c84a2e4cd56f03e24416b98e1cfd97c206aa907a");
        assert_eq!(r.data().to_vec(), expected);
    }

    #[test]
    fn jumping_equals_stepping() {
        let mut stepped = Ratchet::new(SEED, 0x00ff_fff0);
        let mut jumped = stepped.clone();
        for _ in 0..0x120 {
            stepped.advance();
        }
        jumped.advance_to(0x0100_0110);
        assert_eq!(stepped.counter(), 0x0100_0110);
        assert_eq!(stepped.data(), jumped.data());
    }

    #[test]
    fn wraparound() {
        let mut a = Ratchet::new(SEED, u32::MAX);
        a.advance_to(0x0100_0000);
        let mut b = Ratchet::new(SEED, 0);
        b.advance_to(0x0200_0000);
        assert_eq!(a.counter(), 0x0100_0000);
        assert_eq!(a.data(), b.data());

        let mut a = Ratchet::new(SEED, u32::MAX);
        a.advance_to(0);
        let mut b = Ratchet::new(SEED, u32::MAX);
        b.advance();
        assert_eq!(a.counter(), 0);
        assert_eq!(a.data(), b.data());

        let mut a = Ratchet::new(SEED, 1);
        a.advance_to(0x8000_0000);
        a.advance_to(0);
        let mut b = Ratchet::new(SEED, 1);
        b.advance_to(0);
        assert_eq!(a.counter(), 0);
        assert_eq!(a.data(), b.data());
    }
}
