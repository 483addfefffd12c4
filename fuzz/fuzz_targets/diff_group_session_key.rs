#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: { olm_fuzz::write_seeds_if_asked("diff_group_session_key") }, |data: &[u8]| {
    (olm_fuzz::targets::target("diff_group_session_key").run)(data);
});
