//! Valgrind client requests, for the constant-time check (tests/ct, TIMECOP style).
//!
//! This module sits beside the two floors, not in either: the core declassifies public values
//! computed from secrets, and the core may not reach up into the C layer. It is the only
//! `unsafe` outside src/ffi, because a client request is a magic instruction sequence that only
//! inline assembly can emit (`make lint-unsafe` allows exactly this file).
//!
//! The check runs the library under memcheck with the secret inputs marked undefined, so that
//! any branch or memory index that depends on a secret is reported. Values that are computed
//! from secrets but are public by design (public keys, the result of a MAC comparison, a
//! plaintext length, a pickle's version and counts) are marked defined again here. Outside
//! valgrind the request is a few no-op rotations of a register (valgrind's documented magic
//! sequence), so the library carries it always and the check tests the very code that ships.

/// Marks `value` as defined (public) for memcheck; does nothing outside valgrind.
pub(crate) fn declassify<T: ?Sized>(value: &mut T) {
    let ptr = value as *mut T as *mut u8 as usize;
    let len = std::mem::size_of_val(value);
    if len > 0 {
        client_request(MAKE_MEM_DEFINED, ptr, len);
    }
}

/// memcheck's VG_USERREQ__MAKE_MEM_DEFINED: VG_USERREQ_TOOL_BASE('M','C') + 2.
const MAKE_MEM_DEFINED: usize = (b'M' as usize) << 24 | (b'C' as usize) << 16 | 2;

#[cfg(all(target_arch = "x86_64", any(target_os = "linux", target_os = "freebsd")))]
fn client_request(request: usize, arg1: usize, arg2: usize) -> usize {
    let args: [usize; 6] = [request, arg1, arg2, 0, 0, 0];
    let result: usize;
    // SAFETY: the rotations add up to 128 bits and leave rdi as it was, and `xchg rbx, rbx`
    // changes nothing; valgrind recognises the sequence and reads `args` through rax. The
    // request only changes valgrind's shadow state, never our memory.
    unsafe {
        std::arch::asm!(
            "rol rdi, 3",
            "rol rdi, 13",
            "rol rdi, 61",
            "rol rdi, 51",
            "xchg rbx, rbx",
            inout("rdx") 0usize => result,
            in("rax") args.as_ptr(),
            options(nostack),
        );
    }
    result
}

#[cfg(not(all(target_arch = "x86_64", any(target_os = "linux", target_os = "freebsd"))))]
fn client_request(_request: usize, _arg1: usize, _arg2: usize) -> usize {
    0
}
