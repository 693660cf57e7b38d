//! The card-display page a `private-info/access-token` opens, served by the sandbox at
//! `/_sandbox/files/{tenant}/interlace/card-display/{token}`: the card's number, CVV and
//! expiry, once per token, within its 5 minutes. The number is Luhn-valid on the card's
//! BIN, ends in its `cardLastFour` and is stable for the card (derived from its id).

use sha2::{Digest, Sha256};

use super::ops;
use crate::providers::interlace::error::IlError;
use crate::providers::interlace::state::Card;
use crate::tenant::World;

/// The card's number, CVV and expiry (`MM/YY`, three years after issue).
pub fn details(card: &Card) -> (String, String, String) {
    let hash = Sha256::digest(card.id.as_bytes());
    let mut digits: Vec<u8> = card.bin.bytes().map(|b| b - b'0').take(8).collect();
    let mut pool = hash.iter().map(|b| b % 10);
    while digits.len() < 12 {
        digits.push(pool.next().unwrap_or(0));
    }
    digits.extend(card.last_four.bytes().map(|b| b - b'0'));
    // Index 11 is not doubled in a 16-digit Luhn sum: set it so the sum is a multiple of 10.
    digits[11] = 0;
    let sum: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let d = u32::from(*d);
            if i % 2 == 0 {
                let twice = d * 2;
                if twice > 9 { twice - 9 } else { twice }
            } else {
                d
            }
        })
        .sum();
    digits[11] = u8::try_from((10 - sum % 10) % 10).unwrap_or(0);
    let pan: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
    let cvv: String = hash[20..23]
        .iter()
        .map(|b| char::from(b'0' + b % 10))
        .collect();
    let issued = card.created_at.to_datetime();
    let expiry = format!(
        "{:02}/{:02}",
        u8::from(issued.month()),
        (issued.year() + 3).rem_euclid(100)
    );
    (pan, cvv, expiry)
}

/// Uses `token` and renders the page of the card it opens.
pub fn page(world: &mut World, token: &str) -> Result<String, IlError> {
    let card = ops::use_display_token(world, token)?;
    let c = &world.interlace.cards[card];
    let (pan, cvv, expiry) = details(c);
    let grouped: Vec<&str> = (0..4).map(|i| &pan[i * 4..i * 4 + 4]).collect();
    Ok(format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Card details</title>\
         <style>body{{font-family:system-ui,sans-serif;margin:0;padding:16px;background:#111827;color:#f9fafb}}\
         .card{{max-width:340px;padding:20px;border-radius:12px;background:linear-gradient(135deg,#1f2937,#374151)}}\
         .pan{{font:600 20px ui-monospace,monospace;letter-spacing:2px;margin:12px 0}}\
         .row{{display:flex;gap:24px;font:14px ui-monospace,monospace}}.label{{color:#9ca3af;font-size:11px}}</style></head>\
         <body><div class=\"card\"><div class=\"label\">{name}</div>\
         <div class=\"pan\" id=\"pan\">{pan}</div><div class=\"row\">\
         <div><div class=\"label\">EXPIRY</div><span id=\"expiry\">{expiry}</span></div>\
         <div><div class=\"label\">CVV</div><span id=\"cvv\">{cvv}</span></div></div></div>\
         <p class=\"label\">Sandbox card: this page opens once per token.</p></body></html>\n",
        name = html_escape(&c.user_name),
        pan = grouped.join(" "),
    ))
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Timestamp;
    use crate::ledger::AccountId;

    fn luhn_ok(pan: &str) -> bool {
        let sum: u32 = pan
            .bytes()
            .rev()
            .enumerate()
            .map(|(i, b)| {
                let d = u32::from(b - b'0');
                if i % 2 == 1 {
                    let t = d * 2;
                    if t > 9 { t - 9 } else { t }
                } else {
                    d
                }
            })
            .sum();
        sum.is_multiple_of(10)
    }

    #[test]
    fn numbers_are_luhn_valid_on_the_bin_and_end_in_the_last_four() {
        for (i, bin) in ["531993", "49319300", "414631"].into_iter().enumerate() {
            let card = Card {
                id: format!("card-{i}"),
                account: 0,
                user_name: "Ada".to_owned(),
                bin: bin.to_owned(),
                last_four: format!("{:04}", 1234 + i * 1111),
                status: "ACTIVE".to_owned(),
                label: String::new(),
                balance_id: None,
                cardholder_id: String::new(),
                card_mode: "VIRTUAL_CARD".to_owned(),
                created_at: Timestamp::from_secs(1_772_366_400),
                ledger: AccountId(0),
                negative_since: None,
            };
            let (pan, cvv, expiry) = details(&card);
            assert_eq!(pan.len(), 16);
            assert!(pan.starts_with(bin), "{pan}");
            assert!(pan.ends_with(&card.last_four), "{pan}");
            assert!(luhn_ok(&pan), "{pan}");
            assert_eq!(cvv.len(), 3);
            assert_eq!(expiry, "03/29");
            assert_eq!(details(&card), (pan, cvv, expiry), "stable");
        }
    }
}
