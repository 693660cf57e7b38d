//! Money and currency parsing over arbitrary text: a value or an error, never a panic;
//! what parses prints back to an amount that parses again to the same value.
#![no_main]

use card_sandbox::money::{Currency, Money};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (code, amount) = text.split_once(' ').unwrap_or(("USD", text));
    let _ = Currency::parse(code);
    let currency = Currency::parse(code).unwrap_or_else(|_| Currency::parse("USD").expect("USD"));
    if let Ok(money) = Money::parse(amount, currency) {
        let printed = money.to_scaled_string();
        let again = Money::parse(&printed, currency).expect("a printed amount parses");
        assert_eq!(again.amount(), money.amount(), "{amount:?} -> {printed:?}");
    }
});
