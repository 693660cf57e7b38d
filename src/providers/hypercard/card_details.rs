//! Sensitive card details (`/v2/openapi/card/bank/details`): the full card number,
//! CVV and expiry a card stands for, derived from the tenant's seed and the card (so
//! they are stable and agree with the masked number), and their encryption with the
//! merchant's RSA public key.
//!
//! Layout and padding (quirks.rs): the plaintext is a compact JSON object
//! (`{"card_number","cvv","expire"}`, or `{"url","password","expires_at","expires_in"}`
//! for hosted-page products), encrypted with RSAES-PKCS1-v1_5 in blocks of at most
//! k - 11 bytes (k the key's size in bytes), the cipher blocks concatenated and the
//! whole base64-encoded: what Java's `Cipher.getInstance("RSA")` produces segment by
//! segment. Padding bytes come from a ChaCha20 stream seeded from the tenant's data
//! stream, so answers repeat exactly.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rand::{RngCore as _, SeedableRng as _};
use rand_chacha::ChaCha20Rng;
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Encrypt, RsaPublicKey};
use sha2::{Digest, Sha256};

use crate::card_number::with_check_digit;
use crate::clock::Timestamp;

/// The smallest and largest merchant keys accepted (HyperCard uses 1024 bits).
const MIN_BITS: usize = 1024;
const MAX_BITS: usize = 4096;
/// Years from opening to expiry.
const VALID_YEARS: i32 = 3;

/// What a card's details are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pan {
    pub card_number: String,
    pub cvv: String,
    /// `MM/YYYY`.
    pub expire: String,
}

/// The card's full number, CVV and expiry: the product's BIN, five digits drawn from a
/// hash of the seed and the card id, one digit that makes the number Luhn-valid, and
/// the masked number's last four; expiry `VALID_YEARS` after opening (GMT+8).
pub fn pan(seed: u64, card_id: &str, masked: &str, opened_at: Timestamp) -> Pan {
    let digest = Sha256::new()
        .chain_update(seed.to_be_bytes())
        .chain_update(b"hypercard.pan")
        .chain_update(card_id.as_bytes())
        .finalize();
    let digit = |i: usize| char::from(b'0' + digest[i] % 10);
    let bin: String = masked.chars().take(6).collect();
    let last4: String = masked.rsplit('*').next().unwrap_or_default().to_owned();
    let last4 = format!("{last4:0>4}");
    let middle: String = (0..5).map(digit).collect();
    let number = with_check_digit(&format!("{bin}{middle}"), &last4);
    let cvv: String = (5..8).map(digit).collect();
    let dt = opened_at.to_datetime().to_offset(
        time::UtcOffset::from_whole_seconds(super::ops::GMT8).unwrap_or(time::UtcOffset::UTC),
    );
    Pan {
        card_number: number,
        cvv,
        expire: format!("{:02}/{:04}", u8::from(dt.month()), dt.year() + VALID_YEARS),
    }
}

/// Reads the merchant's `pub_key`: base64 of a DER public key (SubjectPublicKeyInfo, as
/// Java's `getEncoded()` gives it, or PKCS#1), whitespace allowed; a whole PEM text is
/// accepted too. The error says what was wrong.
pub fn parse_public_key(text: &str) -> Result<RsaPublicKey, String> {
    let key = if text.contains("-----BEGIN") {
        RsaPublicKey::from_public_key_pem(text.trim())
            .or_else(|_| RsaPublicKey::from_pkcs1_pem(text.trim()))
            .map_err(|e| format!("pub_key is not a readable RSA public key PEM ({e})"))?
    } else {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let der = STANDARD
            .decode(compact)
            .map_err(|e| format!("pub_key must be the base64 of an RSA public key ({e})"))?;
        RsaPublicKey::from_public_key_der(&der)
            .or_else(|_| RsaPublicKey::from_pkcs1_der(&der))
            .map_err(|e| {
                format!("pub_key is not an RSA public key (X.509 SubjectPublicKeyInfo or PKCS#1 DER): {e}")
            })?
    };
    let bits = key.size() * 8;
    if !(MIN_BITS..=MAX_BITS).contains(&bits) {
        return Err(format!(
            "pub_key has {bits} bits; use an RSA key of {MIN_BITS} to {MAX_BITS} bits"
        ));
    }
    Ok(key)
}

/// Encrypts `plaintext` with `key` (PKCS#1 v1.5, blocks of k - 11 bytes, concatenated,
/// base64), drawing padding from a ChaCha20 stream seeded with `seed`.
pub fn encrypt(key: &RsaPublicKey, plaintext: &[u8], seed: [u8; 32]) -> Result<String, String> {
    let mut rng = PaddingRng(ChaCha20Rng::from_seed(seed));
    let block = key.size() - 11;
    let mut out = Vec::new();
    for chunk in plaintext.chunks(block) {
        let cipher = key
            .encrypt(&mut rng, Pkcs1v15Encrypt, chunk)
            .map_err(|e| e.to_string())?;
        out.extend_from_slice(&cipher);
    }
    Ok(STANDARD.encode(out))
}

/// The seeded ChaCha20 stream in the `rand_core` 0.6 clothes `rsa` wants.
struct PaddingRng(ChaCha20Rng);

impl rsa::rand_core::RngCore for PaddingRng {
    fn next_u32(&mut self) -> u32 {
        self.0.next_u32()
    }
    fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        self.0.fill_bytes(dest);
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rsa::rand_core::Error> {
        self.0.fill_bytes(dest);
        Ok(())
    }
}

impl rsa::rand_core::CryptoRng for PaddingRng {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card_number::luhn_valid;

    #[test]
    fn numbers_are_luhn_valid_on_the_bin_and_agree_with_the_masked_number() {
        for i in 0..200 {
            let card_id = format!("2960680000000{i:06}");
            let masked = format!("296068******{}", &card_id[card_id.len() - 4..]);
            let p = pan(7, &card_id, &masked, Timestamp::from_secs(1_772_366_400));
            assert!(luhn_valid(&p.card_number), "{}", p.card_number);
            assert!(p.card_number.starts_with("296068"));
            assert!(p.card_number.ends_with(&card_id[card_id.len() - 4..]));
            assert_eq!(p.card_number.len(), 16);
            assert_eq!(p.cvv.len(), 3);
            assert_eq!(p.expire, "03/2029");
            assert_eq!(
                p,
                pan(7, &card_id, &masked, Timestamp::from_secs(1_772_366_400))
            );
        }
        assert!(luhn_valid("4111111111111111"));
        assert!(!luhn_valid("4111111111111112"));
    }
}
