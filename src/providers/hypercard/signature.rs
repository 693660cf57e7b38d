//! HyperCard signatures: SHA256withRSA (RSASSA-PKCS1-v1_5 over SHA-256) of the canonical
//! string, base64-encoded in the `signature` header.
//!
//! It owns reading RSA keys from PEM (PKCS#8 and PKCS#1), signing, verifying, and the set
//! of headers a signed request carries. Verification, which every signed request pays,
//! goes through `ring` (RSA-1024 in about a fifth of RustCrypto's time; ARCHITECTURE.md,
//! "Dependencies"); keys under 1024 bits, which `ring` refuses, and signing stay with
//! RustCrypto's `rsa`. What the signature covers is `canonical.rs`'s
//! business; which key belongs to which merchant, and whether a timestamp or nonce is
//! fresh, is the caller's. Requests are signed with the merchant's private key and
//! verified with its public key; push notifications the other way round, with the
//! platform pair (scenarios/keys/README.md).

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey, EncodeRsaPublicKey};
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::sha2::Sha256;
use rsa::signature::{SignatureEncoding, Signer, Verifier as _};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{Map, Value};

use super::canonical::canonical_string;

/// The smallest modulus that can hold a PKCS#1 v1.5 SHA-256 signature (51 bytes of
/// DigestInfo plus 11 of padding), rounded up to a customary size. HyperCard uses 1024.
const MIN_BITS: usize = 512;

/// Why a PEM text is not a usable RSA key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("expected a PEM public key (BEGIN PUBLIC KEY or BEGIN RSA PUBLIC KEY), found {found}")]
    NotPublic { found: String },
    #[error(
        "expected a PEM private key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY), found {found}"
    )]
    NotPrivate { found: String },
    #[error(
        "the BEGIN {label} block is not a readable RSA key ({reason}); write it again with `openssl pkey`"
    )]
    Unreadable { label: String, reason: String },
    #[error(
        "the key has {bits} bits; use an RSA key of at least {MIN_BITS} bits (HyperCard uses 1024)"
    )]
    TooSmall { bits: usize },
}

/// Which implementation checks a signature: `ring` (the default for keys of 1024 bits
/// and more) or RustCrypto's `rsa` (any size; kept for smaller keys and for the
/// comparison in `cargo bench`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verifier {
    Ring,
    RustCrypto,
}

/// The smallest modulus `ring` verifies.
const RING_MIN_BITS: usize = 1024;

/// An RSA public key that verifies HyperCard signatures.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    key: RsaPublicKey,
    /// The PKCS#1 `RSAPublicKey` DER `ring` reads; `None` under [`RING_MIN_BITS`].
    der: Option<Vec<u8>>,
}

impl PublicKey {
    fn new(key: RsaPublicKey) -> Self {
        let der = (key.n().bits() >= RING_MIN_BITS)
            .then(|| key.to_pkcs1_der().ok())
            .flatten()
            .map(|der| der.as_bytes().to_vec());
        Self { key, der }
    }

    /// Reads `-----BEGIN PUBLIC KEY-----` (SPKI) or `-----BEGIN RSA PUBLIC KEY-----`
    /// (PKCS#1). Text around the PEM block is ignored.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let (label, block) = pem_block(pem).ok_or_else(|| KeyError::NotPublic {
            found: "no PEM block".to_owned(),
        })?;
        let key = match label {
            "PUBLIC KEY" => {
                RsaPublicKey::from_public_key_pem(block).map_err(|e| unreadable(label, e))
            }
            "RSA PUBLIC KEY" => {
                RsaPublicKey::from_pkcs1_pem(block).map_err(|e| unreadable(label, e))
            }
            other => {
                return Err(KeyError::NotPublic {
                    found: found_label(other),
                });
            }
        }?;
        check_size(&key)?;
        Ok(Self::new(key))
    }

    /// Whether `signature_b64` (standard base64 with padding) is this key's signature of
    /// `canonical`. False for bad base64, a wrong length or a wrong signature.
    pub fn verify(&self, canonical: &str, signature_b64: &str) -> bool {
        let verifier = if self.der.is_some() {
            Verifier::Ring
        } else {
            Verifier::RustCrypto
        };
        self.verify_with(verifier, canonical, signature_b64)
    }

    /// [`PublicKey::verify`] with a chosen implementation; `Ring` on a key under 1024
    /// bits falls back to RustCrypto.
    pub fn verify_with(&self, verifier: Verifier, canonical: &str, signature_b64: &str) -> bool {
        let Ok(bytes) = STANDARD.decode(signature_b64) else {
            return false;
        };
        match (verifier, &self.der) {
            (Verifier::Ring, Some(der)) => ring::signature::UnparsedPublicKey::new(
                &ring::signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
                der,
            )
            .verify(canonical.as_bytes(), &bytes)
            .is_ok(),
            _ => {
                let Ok(signature) = Signature::try_from(bytes.as_slice()) else {
                    return false;
                };
                VerifyingKey::<Sha256>::new(self.key.clone())
                    .verify(canonical.as_bytes(), &signature)
                    .is_ok()
            }
        }
    }

    pub fn bits(&self) -> usize {
        self.key.n().bits()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("bits", &self.bits())
            .finish_non_exhaustive()
    }
}

/// An RSA private key that signs HyperCard requests (merchant) or pushes (platform).
#[derive(Clone)]
pub struct PrivateKey(RsaPrivateKey);

impl PrivateKey {
    /// Reads `-----BEGIN PRIVATE KEY-----` (PKCS#8) or `-----BEGIN RSA PRIVATE KEY-----`
    /// (PKCS#1). Encrypted keys are refused. Text around the PEM block is ignored.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let (label, block) = pem_block(pem).ok_or_else(|| KeyError::NotPrivate {
            found: "no PEM block".to_owned(),
        })?;
        let key = match label {
            "PRIVATE KEY" => RsaPrivateKey::from_pkcs8_pem(block).map_err(|e| unreadable(label, e)),
            "RSA PRIVATE KEY" => {
                RsaPrivateKey::from_pkcs1_pem(block).map_err(|e| unreadable(label, e))
            }
            other => {
                return Err(KeyError::NotPrivate {
                    found: found_label(other),
                });
            }
        }?;
        check_size(&key)?;
        Ok(Self(key))
    }

    /// The base64 (standard, padded) SHA256withRSA signature of `canonical`. PKCS#1 v1.5
    /// is deterministic: the same key and text always give the same signature.
    pub fn sign(&self, canonical: &str) -> String {
        let signature: Signature = SigningKey::<Sha256>::new(self.0.clone())
            .try_sign(canonical.as_bytes())
            // Signing fails only for a modulus too small for the padded digest, and
            // `from_pem` refuses those.
            .expect("keys of at least MIN_BITS bits sign SHA-256");
        STANDARD.encode(signature.to_bytes())
    }

    pub fn public_key(&self) -> PublicKey {
        PublicKey::new(self.0.to_public_key())
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("bits", &self.0.n().bits())
            .finish_non_exhaustive()
    }
}

/// The headers of a signed HyperCard request, in the order they are sent: `timestamp`,
/// `nonce`, `api-key`, `version`, `lang` (when given) and `signature`. The body must be
/// sent as the same JSON object (nested key order included).
pub fn sign_request(
    key: &PrivateKey,
    api_key: &str,
    timestamp: i64,
    nonce: &str,
    version: &str,
    lang: Option<&str>,
    body: &Map<String, Value>,
) -> Vec<(&'static str, String)> {
    let mut headers = vec![
        ("timestamp", timestamp.to_string()),
        ("nonce", nonce.to_owned()),
        ("api-key", api_key.to_owned()),
        ("version", version.to_owned()),
    ];
    if let Some(lang) = lang {
        headers.push(("lang", lang.to_owned()));
    }
    let pairs: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let signature = key.sign(&canonical_string(&pairs, body));
    headers.push(("signature", signature));
    headers
}

/// The label and the text of the first PEM block in `pem`, from its BEGIN line to the end
/// of its END line.
fn pem_block(pem: &str) -> Option<(&str, &str)> {
    const BEGIN: &str = "-----BEGIN ";
    let start = pem.find(BEGIN)?;
    let after_begin = &pem[start + BEGIN.len()..];
    let label = &after_begin[..after_begin.find("-----")?];
    let end_line = format!("-----END {label}-----");
    let end = start + pem[start..].find(&end_line)? + end_line.len();
    Some((label, &pem[start..end]))
}

fn found_label(label: &str) -> String {
    if label == "ENCRYPTED PRIVATE KEY" {
        format!("BEGIN {label} (decrypt it first: openssl pkey -in KEY -out PLAIN.pem)")
    } else {
        format!("BEGIN {label}")
    }
}

fn unreadable(label: &str, reason: impl fmt::Display) -> KeyError {
    KeyError::Unreadable {
        label: label.to_owned(),
        reason: reason.to_string(),
    }
}

fn check_size(key: &impl PublicKeyParts) -> Result<(), KeyError> {
    let bits = key.n().bits();
    if bits < MIN_BITS {
        return Err(KeyError::TooSmall { bits });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey, LineEnding};
    use serde_json::json;

    const MERCHANT: &str = include_str!("../../../scenarios/keys/hypercard-merchant.pem");
    const MERCHANT_PUB: &str = include_str!("../../../scenarios/keys/hypercard-merchant.pub.pem");
    const PLATFORM: &str = include_str!("../../../scenarios/keys/hypercard-platform.pem");
    const PLATFORM_PUB: &str = include_str!("../../../scenarios/keys/hypercard-platform.pub.pem");

    /// A canonical string as `canonical_string` makes them.
    const CANONICAL: &str = "amount=10.00&api-key=merchant-1&card_id=15723682800000053333\
                             &lang=en&nonce=a1b2c3d4e5&timestamp=1700000000&version=1.0";

    /// `printf '%s' "$CANONICAL" | openssl dgst -sha256 -sign hypercard-merchant.pem | base64 -w0`
    const GOLDEN: &str = "Z34DhKeB/oLvJneSin5oYT4NLBBUA0FVfxfktfh5ezTuJUYhiLS7UXrYJMMfXxI2ZX0aBbs7mn+lNQfVixruzaKgZpxkSlZToKpGhEUhKQOhZMPjKToVSmlRp/zuTxXS63tpTUP4Gn2sG0y0g7Ox4wwBtHmZwIIIUWp/oZjUoYw=";

    fn private(pem: &str) -> PrivateKey {
        PrivateKey::from_pem(pem).expect("shipped private key")
    }

    fn public(pem: &str) -> PublicKey {
        PublicKey::from_pem(pem).expect("shipped public key")
    }

    #[test]
    fn signs_the_golden_vector_like_openssl() {
        let signature = private(MERCHANT).sign(CANONICAL);
        assert_eq!(signature, GOLDEN);
        for verifier in VERIFIERS {
            assert!(public(MERCHANT_PUB).verify_with(verifier, CANONICAL, GOLDEN));
        }
    }

    /// Both implementations, each through every check below.
    const VERIFIERS: [Verifier; 2] = [Verifier::Ring, Verifier::RustCrypto];

    #[test]
    fn the_shipped_keys_verify_with_ring() {
        assert!(public(MERCHANT_PUB).der.is_some());
        assert!(public(PLATFORM_PUB).der.is_some());
    }

    #[test]
    fn sign_then_verify_round_trips() {
        for (key, pub_pem) in [(MERCHANT, MERCHANT_PUB), (PLATFORM, PLATFORM_PUB)] {
            let key = private(key);
            let signature = key.sign("a=1&b=张三");
            for verifier in VERIFIERS {
                assert!(public(pub_pem).verify_with(verifier, "a=1&b=张三", &signature));
                assert!(
                    key.public_key()
                        .verify_with(verifier, "a=1&b=张三", &signature)
                );
            }
            assert_eq!(key.public_key(), public(pub_pem));
        }
    }

    #[test]
    fn verify_refuses_other_keys_tampering_and_garbage() {
        let signature = private(MERCHANT).sign(CANONICAL);
        for verifier in VERIFIERS {
            assert!(!public(PLATFORM_PUB).verify_with(verifier, CANONICAL, &signature));
            let tampered = CANONICAL.replace("10.00", "10.01");
            assert!(!public(MERCHANT_PUB).verify_with(verifier, &tampered, &signature));
            let merchant = public(MERCHANT_PUB);
            let mut flipped = STANDARD.decode(&signature).expect("base64");
            flipped[40] ^= 1;
            let flipped = STANDARD.encode(flipped);
            for garbage in [
                "",
                "not base64!",
                "AAAA",
                "QUJD",
                &signature[..signature.len() - 4],
                &flipped,
            ] {
                assert!(
                    !merchant.verify_with(verifier, CANONICAL, garbage),
                    "{verifier:?} {garbage:?}"
                );
            }
            let unpadded = signature.trim_end_matches('=');
            if unpadded != signature {
                assert!(!merchant.verify_with(verifier, CANONICAL, unpadded));
            }
        }
    }

    #[test]
    fn pkcs1_and_pkcs8_pems_both_load() {
        let pkcs8 = private(MERCHANT);
        let pkcs1_private = pkcs8.0.to_pkcs1_pem(LineEnding::LF).expect("encodes");
        assert!(pkcs1_private.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
        let pkcs1 = private(&pkcs1_private);
        assert_eq!(pkcs1.sign(CANONICAL), GOLDEN);

        let pkcs1_public = public(MERCHANT_PUB)
            .key
            .to_pkcs1_pem(LineEnding::LF)
            .expect("encodes");
        assert!(pkcs1_public.starts_with("-----BEGIN RSA PUBLIC KEY-----"));
        assert_eq!(public(&pkcs1_public), public(MERCHANT_PUB));
        // Text around the block (as some tools write) is ignored.
        assert_eq!(
            public(&format!("merchant key\n{MERCHANT_PUB}\n")),
            public(MERCHANT_PUB)
        );
    }

    #[test]
    fn wrong_pems_say_what_was_expected() {
        let err = PublicKey::from_pem(MERCHANT).expect_err("a private key");
        assert_eq!(
            err.to_string(),
            "expected a PEM public key (BEGIN PUBLIC KEY or BEGIN RSA PUBLIC KEY), found BEGIN PRIVATE KEY"
        );
        assert!(matches!(
            PrivateKey::from_pem(MERCHANT_PUB),
            Err(KeyError::NotPrivate { .. })
        ));
        assert!(matches!(
            PrivateKey::from_pem("hello"),
            Err(KeyError::NotPrivate { found }) if found == "no PEM block"
        ));
        let broken = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
        assert!(matches!(
            PublicKey::from_pem(broken),
            Err(KeyError::Unreadable { label, .. }) if label == "PUBLIC KEY"
        ));
    }

    #[test]
    fn sign_request_returns_the_headers_in_order() {
        let key = private(MERCHANT);
        let body = json!({"card_id": "15723682800000053333", "amount": "10.00"});
        let Value::Object(body) = body else {
            unreachable!("an object literal")
        };
        let headers = sign_request(
            &key,
            "merchant-1",
            1_700_000_000,
            "a1b2c3d4e5",
            "1.0",
            Some("en"),
            &body,
        );
        let names: Vec<&str> = headers.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                "timestamp",
                "nonce",
                "api-key",
                "version",
                "lang",
                "signature"
            ]
        );
        assert_eq!(headers[5].1, GOLDEN);

        let without_lang = sign_request(
            &key,
            "merchant-1",
            1_700_000_000,
            "a1b2c3d4e5",
            "1.0",
            None,
            &body,
        );
        assert_eq!(without_lang.len(), 5);
        let canonical = CANONICAL.replace("&lang=en", "");
        assert!(key.public_key().verify(&canonical, &without_lang[4].1));
    }

    #[test]
    fn debug_shows_the_size_not_the_key() {
        assert_eq!(
            format!("{:?}", private(MERCHANT)),
            "PrivateKey { bits: 1024, .. }"
        );
        assert_eq!(
            format!("{:?}", public(MERCHANT_PUB)),
            "PublicKey { bits: 1024, .. }"
        );
    }
}
