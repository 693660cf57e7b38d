//! HyperCard's canonical string and signature check over arbitrary headers and bodies:
//! no panic, and the canonical string stays proportional to its input.
#![no_main]

use std::sync::LazyLock;

use card_sandbox::providers::hypercard::canonical::canonical_string;
use card_sandbox::providers::hypercard::keys::MERCHANT_PUBLIC_KEY_PEM;
use card_sandbox::providers::hypercard::signature::PublicKey;
use libfuzzer_sys::fuzz_target;

static KEY: LazyLock<PublicKey> =
    LazyLock::new(|| PublicKey::from_pem(MERCHANT_PUBLIC_KEY_PEM).expect("the shipped key"));

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // Five header values, then the body, separated by newlines.
    let mut parts = text.splitn(7, '\n');
    let names = ["timestamp", "nonce", "api-key", "version", "lang"];
    let values: Vec<&str> = names.iter().map(|_| parts.next().unwrap_or("")).collect();
    let signature = parts.next().unwrap_or("");
    let body = parts.next().unwrap_or("{}");
    let headers: Vec<(&str, &str)> = names.iter().copied().zip(values).collect();
    let body = match serde_json::from_str::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let canonical = canonical_string(&headers, &body);
    assert!(
        canonical.len() <= 8 * data.len() + 256,
        "the canonical string blew up"
    );
    let _ = KEY.verify(&canonical, signature);
});
