//! The safe core: everything libolm does, with no raw pointers and no C types.
#![forbid(unsafe_code)]

pub mod account;
pub mod base64;
pub mod crypto;
pub mod error;
pub mod fields;
pub mod megolm;
pub mod olm;
pub mod pickle;
pub mod pk;
pub mod sas;
pub mod utility;

pub use error::OlmError;
