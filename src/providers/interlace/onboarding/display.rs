//! The card-display page a `private-info/access-token` opens, served by the sandbox at
//! `/t/{tenant}/files/interlace/card-display/{token}`: the card's number, CVV and
//! expiry, once per token, within its 5 minutes. The number is Luhn-valid on the card's
//! BIN, ends in its `cardLastFour` and is stable for the card (derived from its id).

use sha2::{Digest, Sha256};

use super::ops;
use crate::card_number::with_check_digit;
use crate::providers::interlace::error::IlError;
use crate::providers::interlace::state::Card;
use crate::tenant::World;

/// The card's number, CVV and expiry (`MM/YY`, three years after issue).
pub(crate) fn details(card: &Card) -> (String, String, String) {
    let hash = Sha256::digest(card.id.as_bytes());
    let bin: String = card.bin.chars().take(8).collect();
    let middle: String = hash
        .iter()
        .map(|b| char::from(b'0' + b % 10))
        .take(11usize.saturating_sub(bin.len()))
        .collect();
    let pan = with_check_digit(&format!("{bin}{middle}"), &card.last_four);
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

    #[test]
    fn numbers_are_luhn_valid_on_the_bin_and_end_in_the_last_four() {
        for (i, bin) in ["531993", "49319300", "414631"].into_iter().enumerate() {
            let card = Card {
                id: format!("card-{i}"),
                account: crate::providers::interlace::state::AccountIdx(0),
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
            assert!(crate::card_number::luhn_valid(&pan), "{pan}");
            assert_eq!(cvv.len(), 3);
            assert_eq!(expiry, "03/29");
            assert_eq!(details(&card), (pan, cvv, expiry), "stable");
        }
    }
}
