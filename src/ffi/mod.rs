//! libolm's C API over the safe core: the only unsafe code in the crate.
//!
//! One mechanism serves all nine object kinds:
//! - An object is a plain Rust struct `{ last_error, state }` of fixed size, with no heap, that
//!   lives in memory the caller allocates with the size `olm_X_size()` reports. That size has
//!   room to align the struct, so any address works (malloc, a stack array, a Python buffer).
//! - [`init`] writes a fresh object at the aligned address and returns it as the handle;
//!   [`clear`] wipes every byte and writes a fresh object again.
//! - [`call`] runs a core function on the state, turns `Err` into `olm_error()` with the error
//!   recorded on the object (errors are sticky: success never resets them), and catches panics
//!   so that none crosses into C.
//!
//! The safety contract of every exported function is libolm's: handles come from `olm_X()`,
//! and each pointer with a length points to at least that many bytes. A null pointer is taken
//! as an empty buffer, whatever length comes with it.
#![allow(clippy::missing_safety_doc)]

use std::ffi::c_void;
use std::os::raw::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

use zeroize::Zeroize;

use crate::core::pickle::UnpickleError;
use crate::core::OlmError;

pub mod account;
pub mod error;
pub mod inbound_group_session;
pub mod outbound_group_session;
pub mod pk;
pub mod sas;
pub mod session;
pub mod utility;

use error::{error_string, OlmErrorCode};

/// libolm's failure value, `(size_t)-1`.
pub(crate) const ERROR: usize = usize::MAX;

/// libolm has no code for an internal failure. A panic is a bug in this library that we never
/// expect; it is reported as an input the library could not process, never as a crash.
const PANIC_ERROR: OlmErrorCode = OlmErrorCode::OLM_BAD_MESSAGE_FORMAT;

/// An object as it sits in the caller's memory.
pub(crate) struct Object<T> {
    last_error: OlmErrorCode,
    state: T,
}

impl<T: Default> Default for Object<T> {
    fn default() -> Self {
        Self { last_error: OlmErrorCode::OLM_SUCCESS, state: T::default() }
    }
}

/// A C handle type: an opaque struct wrapping an [`Object`] of some core state.
pub(crate) trait Handle: Sized {
    type State: Default;
    /// How libolm reports a truncated pickle for this kind: `true` where it keeps an earlier
    /// error instead of CORRUPTED_PICKLE (accounts, sessions, pk decryption).
    const CORRUPTED_IS_SOFT: bool = true;
    fn fresh() -> Self;
    fn object(&mut self) -> &mut Object<Self::State>;
    fn object_ref(&self) -> &Object<Self::State>;
}

/// Makes `$name`, declared as `pub struct $name(Object<$state>)` (written out so that
/// cbindgen sees the opaque type), a [`Handle`].
macro_rules! olm_object {
    ($name:ident, $state:ty) => {
        olm_object!($name, $state, true);
    };
    ($name:ident, $state:ty, $soft:expr) => {
        impl $crate::ffi::Handle for $name {
            type State = $state;
            const CORRUPTED_IS_SOFT: bool = $soft;
            fn fresh() -> Self {
                $name(Default::default())
            }
            fn object(&mut self) -> &mut $crate::ffi::Object<$state> {
                &mut self.0
            }
            fn object_ref(&self) -> &$crate::ffi::Object<$state> {
                &self.0
            }
        }
    };
}
pub(crate) use olm_object;

/// `olm_X_size()`: the object and room to align it anywhere.
pub(crate) fn size<H: Handle>() -> usize {
    std::mem::size_of::<H>() + std::mem::align_of::<H>() - 1
}

/// `olm_X(memory)`: a fresh object at the first aligned address in `memory`.
pub(crate) unsafe fn init<H: Handle>(memory: *mut c_void) -> *mut H {
    if memory.is_null() {
        return std::ptr::null_mut();
    }
    let offset = (memory as *mut u8).align_offset(std::mem::align_of::<H>());
    let handle = (memory as *mut u8).add(offset) as *mut H;
    handle.write(H::fresh());
    handle
}

/// `olm_clear_X(handle)`: wipe every byte of the object, then leave a fresh one in its place.
pub(crate) unsafe fn clear<H: Handle>(handle: *mut H) -> usize {
    if !handle.is_null() {
        let bytes = std::slice::from_raw_parts_mut(handle as *mut u8, std::mem::size_of::<H>());
        bytes.zeroize();
        handle.write(H::fresh());
    }
    size::<H>()
}

pub(crate) unsafe fn last_error_code<H: Handle>(handle: *const H) -> OlmErrorCode {
    match handle.as_ref() {
        Some(h) => h.object_ref().last_error,
        None => OlmErrorCode::OLM_SUCCESS,
    }
}

pub(crate) unsafe fn last_error<H: Handle>(handle: *const H) -> *const c_char {
    error_string(last_error_code(handle) as u32)
}

/// Runs `f` on the object's state with libolm's error convention.
pub(crate) unsafe fn call<H: Handle>(
    handle: *mut H,
    f: impl FnOnce(&mut H::State) -> Result<usize, OlmError>,
) -> usize {
    let Some(h) = handle.as_mut() else { return ERROR };
    let object = h.object();
    match catch_unwind(AssertUnwindSafe(|| f(&mut object.state))) {
        Ok(Ok(value)) => value,
        Ok(Err(e)) => {
            object.last_error = e.into();
            ERROR
        }
        Err(_) => {
            object.last_error = PANIC_ERROR;
            ERROR
        }
    }
}

/// Reads from the object's state for the functions that cannot fail (lengths, flags).
pub(crate) unsafe fn query<H: Handle, R>(handle: *const H, fallback: R, f: impl FnOnce(&H::State) -> R) -> R {
    let Some(h) = handle.as_ref() else { return fallback };
    catch_unwind(AssertUnwindSafe(|| f(&h.object_ref().state))).unwrap_or(fallback)
}

/// The state behind a second handle passed to a call (an account given to a session call).
pub(crate) unsafe fn state_ref<'a, H: Handle + 'a>(handle: *const H) -> Option<&'a H::State> {
    handle.as_ref().map(|h| &h.object_ref().state)
}

/// `olm_unpickle_X`: replaces the state with the one read from the pickle, or leaves the
/// object as it was and records libolm's error. Returns the pickle's length on success.
pub(crate) unsafe fn unpickle<H: Handle>(
    handle: *mut H,
    pickled_length: usize,
    f: impl FnOnce() -> Result<H::State, UnpickleError>,
) -> usize {
    let Some(h) = handle.as_mut() else { return ERROR };
    let object = h.object();
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(state)) => {
            object.state = state;
            pickled_length
        }
        Ok(Err(UnpickleError::Error(e))) => {
            object.last_error = e.into();
            ERROR
        }
        Ok(Err(UnpickleError::Corrupted)) => {
            if !H::CORRUPTED_IS_SOFT || object.last_error == OlmErrorCode::OLM_SUCCESS {
                object.last_error = OlmErrorCode::OLM_CORRUPTED_PICKLE;
            }
            ERROR
        }
        Err(_) => {
            object.last_error = PANIC_ERROR;
            ERROR
        }
    }
}

/// A caller's buffer length as a slice may have it. No object is longer than `isize::MAX`
/// bytes, and a slice that claims to be is undefined behaviour: the compiler assumes slice
/// lengths are at most that, so a check such as "is the output long enough" on a wrapped
/// message length would be folded away. Clamping keeps every check of a real buffer as it
/// was, and keeps message lengths far from wrapping: a plaintext of `isize::MAX` bytes needs
/// about 4/3 · 2^63 bytes of base64, more than any (clamped) output, so the encryptions
/// refuse it with OUTPUT_BUFFER_TOO_SMALL before reading it (tests/c/overflow.c).
fn clamp(len: usize) -> usize {
    len.min(isize::MAX as usize)
}

/// An input buffer; null is empty.
pub(crate) unsafe fn input<'a>(ptr: *const c_void, len: usize) -> &'a [u8] {
    if ptr.is_null() || len == 0 {
        &[]
    } else {
        std::slice::from_raw_parts(ptr as *const u8, clamp(len))
    }
}

/// An output (or in-out) buffer; null is empty.
pub(crate) unsafe fn output<'a>(ptr: *mut c_void, len: usize) -> &'a mut [u8] {
    if ptr.is_null() || len == 0 {
        &mut []
    } else {
        std::slice::from_raw_parts_mut(ptr as *mut u8, clamp(len))
    }
}

/// Wipes the caller's random buffer after use, as libolm does.
pub(crate) unsafe fn wipe(ptr: *mut c_void, len: usize) {
    output(ptr, len).zeroize();
}
