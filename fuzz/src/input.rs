//! How a fuzz input is cut into the several byte strings a call takes, and how a seed is put
//! together from them: one layout for every target, plain and differential.

/// Splits `data` as `[len_a, len_b, a.., b.., rest..]`; `a` is at most `max_a` bytes, `b` at
/// most `max_b`, and lengths are cut to what `data` holds.
pub fn split3(data: &[u8], max_a: usize, max_b: usize) -> (&[u8], &[u8], &[u8]) {
    if data.len() < 2 {
        return (&[], &[], data);
    }
    let la = (data[0] as usize % (max_a + 1)).min(data.len() - 2);
    let lb = (data[1] as usize % (max_b + 1)).min(data.len() - 2 - la);
    let rest = &data[2..];
    (&rest[..la], &rest[la..la + lb], &rest[la + lb..])
}

/// The input that [`split3`] splits into `a`, `b` and `c` (each of `a` and `b` under 256 bytes).
pub fn join3(a: &[u8], b: &[u8], c: &[u8]) -> Vec<u8> {
    let mut v = vec![a.len() as u8, b.len() as u8];
    v.extend_from_slice(a);
    v.extend_from_slice(b);
    v.extend_from_slice(c);
    v
}
