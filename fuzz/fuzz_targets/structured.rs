#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: { olm_fuzz::write_seeds_if_asked("structured") }, |data: &[u8]| {
    (olm_fuzz::targets::target("structured").run)(data);
});
