//! The card BINs every tenant can issue on (`GET /open-api/v3/card/bins`), and the
//! strict phone validation that BINs 493193, 414631 and 493728 apply to numbers outside
//! mainland China (quirks.rs).

/// One BIN as the API lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bin {
    pub id: &'static str,
    pub bin: &'static str,
    /// 0: prepaid cards with a balance of their own; 1: budget cards (quirks.rs).
    pub kind: u8,
    pub currencies: &'static [&'static str],
    pub network: &'static str,
    pub avs: bool,
    pub three_ds: bool,
    pub day: &'static str,
    pub single: &'static str,
    pub lifetime: &'static str,
    pub physical: bool,
    pub strict_phone: bool,
}

pub const BINS: [Bin; 5] = [
    Bin {
        id: "1926684703962181633",
        bin: "493193",
        kind: 0,
        currencies: &["USD"],
        network: "Visa",
        avs: true,
        three_ds: true,
        day: "10000",
        single: "5000",
        lifetime: "1000000",
        physical: false,
        strict_phone: true,
    },
    Bin {
        id: "1926684703962181634",
        bin: "414631",
        kind: 0,
        currencies: &["USD"],
        network: "Visa",
        avs: true,
        three_ds: true,
        day: "10000",
        single: "5000",
        lifetime: "1000000",
        physical: true,
        strict_phone: true,
    },
    Bin {
        id: "1926684703962181635",
        bin: "493728",
        kind: 0,
        currencies: &["USD"],
        network: "Visa",
        avs: false,
        three_ds: true,
        day: "5000",
        single: "2000",
        lifetime: "500000",
        physical: false,
        strict_phone: true,
    },
    Bin {
        id: "1926684703962181636",
        bin: "531993",
        kind: 0,
        currencies: &["USD"],
        network: "Master",
        avs: true,
        three_ds: true,
        day: "20000",
        single: "10000",
        lifetime: "2000000",
        physical: true,
        strict_phone: false,
    },
    Bin {
        id: "1926684703962181637",
        bin: "556766",
        kind: 1,
        currencies: &["USD"],
        network: "Master",
        avs: true,
        three_ds: true,
        day: "50000",
        single: "20000",
        lifetime: "5000000",
        physical: false,
        strict_phone: false,
    },
];

pub fn find(id: &str) -> Option<&'static Bin> {
    BINS.iter().find(|b| b.id == id)
}

/// Checks a phone number against a BIN's rules: digits only, 6 to 15 in all; on a
/// strict-phone BIN a number outside mainland China (country code other than 86) must
/// be a full national number: 10 digits for +1, 7 to 12 elsewhere.
pub fn check_phone(bin: &Bin, country_code: &str, number: &str) -> Result<(), String> {
    let code = country_code.trim_start_matches('+');
    if code.is_empty() || code.len() > 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "phoneCountryCode must be 1 to 3 digits such as \"1\" or \"86\", got {country_code:?}"
        ));
    }
    if !number.bytes().all(|b| b.is_ascii_digit()) || !(6..=15).contains(&number.len()) {
        return Err(format!(
            "phoneNumber must be 6 to 15 digits, got {number:?}"
        ));
    }
    if bin.strict_phone && code != "86" {
        let ok = if code == "1" {
            number.len() == 10 && !number.starts_with(['0', '1'])
        } else {
            (7..=12).contains(&number.len())
        };
        if !ok {
            return Err(format!(
                "BIN {} validates phone numbers strictly: +{code} {number} is not a valid national number{}",
                bin.bin,
                if code == "1" {
                    " (10 digits, not starting with 0 or 1)"
                } else {
                    " (7 to 12 digits)"
                }
            ));
        }
    }
    Ok(())
}
