//! Bank account numbers that look real and validate: IBANs with a correct ISO 13616
//! mod-97 check (GB for GBP, IE for EUR, routed by BIC) and US account numbers with an
//! ABA routing number whose checksum holds. Generation draws from the tenant's id
//! stream; validation is separate so tests (and callers) can check any number.

use crate::ids::IdGen;

/// Whether `iban` (spaces allowed) has a valid country code, length and mod-97 check.
pub fn iban_is_valid(iban: &str) -> bool {
    let compact: String = iban.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = compact.as_bytes();
    let expected_len = match compact.get(..2) {
        Some("GB" | "IE") => 22,
        Some("DE") => 22,
        Some("FR") => 27,
        Some("NL") => 18,
        Some(_) if (15..=34).contains(&bytes.len()) => bytes.len(),
        _ => return false,
    };
    if bytes.len() != expected_len
        || !bytes[..2].iter().all(u8::is_ascii_uppercase)
        || !bytes[2..4].iter().all(u8::is_ascii_digit)
        || !bytes
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return false;
    }
    mod97(&format!("{}{}", &compact[4..], &compact[..4])) == 1
}

/// The remainder mod 97 of the number an IBAN string spells (letters as 10..35).
fn mod97(text: &str) -> u32 {
    let mut rest = 0u32;
    for c in text.chars() {
        let value = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'A'..='Z' => c as u32 - 'A' as u32 + 10,
            _ => return u32::MAX,
        };
        let width = if value >= 10 { 100 } else { 10 };
        rest = (rest * width + value) % 97;
    }
    rest
}

/// An IBAN for `country` from its basic bank account number, with the check digits set.
pub fn iban(country: &str, bban: &str) -> String {
    let check = 98 - mod97(&format!("{bban}{country}00"));
    format!("{country}{check:02}{bban}")
}

/// Whether a 9-digit ABA routing number's checksum holds:
/// 3(d1+d4+d7) + 7(d2+d5+d8) + (d3+d6+d9) is a multiple of 10.
pub fn aba_is_valid(routing: &str) -> bool {
    let digits: Vec<u32> = routing.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 9 || routing.len() != 9 {
        return false;
    }
    let sum = 3 * (digits[0] + digits[3] + digits[6])
        + 7 * (digits[1] + digits[4] + digits[7])
        + (digits[2] + digits[5] + digits[8]);
    sum.is_multiple_of(10)
}

/// A routing number with a valid checksum: eight seeded digits and the check digit.
pub fn aba(ids: &mut IdGen) -> String {
    // Federal Reserve routing symbols start 01-12 (banks) or 21-32 (thrifts).
    let prefix = format!("0{}", 1 + ids.numeric(1).parse::<u32>().unwrap_or(1) % 9);
    let body = format!("{prefix}{}", ids.numeric(6));
    let digits: Vec<u32> = body.chars().filter_map(|c| c.to_digit(10)).collect();
    let partial = 3 * (digits[0] + digits[3] + digits[6])
        + 7 * (digits[1] + digits[4] + digits[7])
        + digits[2]
        + digits[5];
    let check = (10 - partial % 10) % 10;
    format!("{body}{check}")
}

/// The bank details of a new bank account in `currency`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankDetails {
    pub account_no: String,
    pub bank_name: String,
    pub routing_type: String,
    pub routing_number: String,
    pub swift: String,
    pub bank_address: String,
    pub branch_name: String,
    pub branch_code: String,
}

/// Draws bank details for `currency`: GBP and EUR get an IBAN routed by BIC, USD an ABA
/// routing number; `None` for other currencies.
pub fn details(ids: &mut IdGen, currency: &str) -> Option<BankDetails> {
    match currency {
        "GBP" => {
            let sort = format!("23{}", ids.numeric(4));
            let bban = format!("TCCL{sort}{}", ids.numeric(8));
            Some(BankDetails {
                account_no: iban("GB", &bban),
                bank_name: "The Currency Cloud Limited".to_owned(),
                routing_type: "BIC_SWIFT".to_owned(),
                routing_number: "TCCLGB3L".to_owned(),
                swift: "TCCLGB3L".to_owned(),
                bank_address: "12 Steward Street, The Steward Building, London, E1 6FQ, GB"
                    .to_owned(),
                branch_name: "London".to_owned(),
                branch_code: sort,
            })
        }
        "EUR" => {
            let sort = format!("99{}", ids.numeric(4));
            let bban = format!("TCCL{sort}{}", ids.numeric(8));
            Some(BankDetails {
                account_no: iban("IE", &bban),
                bank_name: "The Currency Cloud Limited (Ireland)".to_owned(),
                routing_type: "BIC_SWIFT".to_owned(),
                routing_number: "TCCLIE22".to_owned(),
                swift: "TCCLIE22".to_owned(),
                bank_address: "1 Grant's Row, Lower Mount Street, Dublin 2, D02 HX96, IE"
                    .to_owned(),
                branch_name: "Dublin".to_owned(),
                branch_code: sort,
            })
        }
        "USD" => Some(BankDetails {
            account_no: format!("8{}", ids.numeric(11)),
            bank_name: "Community Federal Savings Bank".to_owned(),
            routing_type: "ABA".to_owned(),
            routing_number: aba(ids),
            swift: "CMFGUS33".to_owned(),
            bank_address: "89-16 Jamaica Ave, Woodhaven, NY 11421, US".to_owned(),
            branch_name: "Woodhaven".to_owned(),
            branch_code: String::new(),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_ibans_validate_and_corruptions_do_not() {
        for good in [
            "GB82WEST12345698765432",
            "GB29 NWBK 6016 1331 9268 19",
            "DE89370400440532013000",
            "IE29AIBK93115212345678",
            "FR1420041010050500013M02606",
            "NL91ABNA0417164300",
        ] {
            assert!(iban_is_valid(good), "{good}");
        }
        for bad in [
            "GB82WEST12345698765433",
            "GB28WEST12345698765432",
            "GB82WEST1234569876543",
            "gb82WEST12345698765432",
            "XX",
            "",
        ] {
            assert!(!iban_is_valid(bad), "{bad}");
        }
    }

    #[test]
    fn known_routing_numbers_validate_and_corruptions_do_not() {
        for good in ["021000021", "011000015", "026009593", "111000025"] {
            assert!(aba_is_valid(good), "{good}");
        }
        for bad in ["021000022", "12345678", "0210000210", "02100002a"] {
            assert!(!aba_is_valid(bad), "{bad}");
        }
    }

    #[test]
    fn generated_numbers_always_validate() {
        let mut ids = IdGen::new(9);
        for _ in 0..500 {
            for currency in ["GBP", "EUR"] {
                let d = details(&mut ids, currency).expect("supported");
                assert!(iban_is_valid(&d.account_no), "{}", d.account_no);
                assert_eq!(d.routing_type, "BIC_SWIFT");
            }
            let us = details(&mut ids, "USD").expect("supported");
            assert!(aba_is_valid(&us.routing_number), "{}", us.routing_number);
            assert_eq!(us.routing_number.len(), 9);
        }
        assert!(details(&mut ids, "JPY").is_none());
    }
}
