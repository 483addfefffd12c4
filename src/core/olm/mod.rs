//! Olm: pairwise sessions over the Double Ratchet.

mod list;
pub mod message;
pub mod ratchet;
pub mod session;

pub use session::Session;
