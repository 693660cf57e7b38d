//! The scenario loader over arbitrary text: a scenario or a ScenarioError, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = card_sandbox::scenario::parse("fuzz.yaml", text);
    }
});
