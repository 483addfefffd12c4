//! A drop-in replacement for libolm 3.2, the C library of Matrix's Olm and Megolm ratchets.
//!
//! The crate has two floors:
//! - [`core`]: safe Rust that knows nothing of C: primitives, codecs, the protocols and pickles.
//! - `ffi`: libolm's `extern "C"` API over the core, where the `unsafe` code lives.
//!
//! Beside them, `valgrind` emits the client request the constant-time check needs (inline
//! assembly): the one small `unsafe` block outside `ffi`, shared by both floors.

pub mod core;
mod ffi;
mod valgrind;

/// The libolm release whose API and behaviour this library matches.
pub const LIBOLM_VERSION: (u8, u8, u8) = (3, 2, 16);
