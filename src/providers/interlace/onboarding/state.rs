//! The onboarding part of Interlace's state: who registered a sub-account under whom, the
//! files uploaded for KYC, the KYC cases and their review, cardholders, card-display
//! tokens, and the review timings a scenario sets. Plain data, no serde.

use std::collections::HashMap;

use crate::clock::Timestamp;

/// `kycStatus` values of an account (README, Interlace onboarding).
pub mod kyc_status {
    pub const NA: &str = "Na";
    pub const PENDING: &str = "Pending";
    pub const REQUEST: &str = "Request";
    pub const PASSED: &str = "Passed";
    pub const CANCELED: &str = "Canceled";
    pub const ALL: [&str; 5] = [PENDING, REQUEST, PASSED, CANCELED, NA];
}

/// Cardholder statuses.
pub mod cardholder_status {
    pub const PENDING: &str = "PENDING";
    pub const ACTIVE: &str = "ACTIVE";
    pub const INACTIVE: &str = "INACTIVE";
    pub const ALL: [&str; 3] = [PENDING, ACTIVE, INACTIVE];
}

/// What a review decides when the clock reaches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// KYC `Passed` / cardholder `ACTIVE`.
    Pass,
    /// KYC `Canceled` / cardholder `INACTIVE`, with the reason.
    Reject(String),
    /// KYC `Request`: more information is asked for (cardholders: treated as a reject).
    MoreInfo(String),
    /// Nothing happens on the clock; only the simulation decides.
    Never,
}

/// How long reviews take and how they end (scenario `interlace.onboarding`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub kyc_seconds: i64,
    pub kyc_outcome: Outcome,
    pub cardholder_seconds: i64,
    pub cardholder_outcome: Outcome,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            kyc_seconds: 300,
            kyc_outcome: Outcome::Pass,
            cardholder_seconds: 0,
            cardholder_outcome: Outcome::Pass,
        }
    }
}

/// What is known of an account beyond its balances: its parent (a registered
/// sub-account), contact details, and its KYC status and message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Profile {
    /// The parent account's id, for a sub-account.
    pub parent: Option<String>,
    pub email: String,
    pub phone_number: String,
    pub phone_country_code: String,
    pub kyc_status: String,
    pub kyc_message: String,
}

/// An uploaded file: what it is, never its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedFile {
    pub id: String,
    pub account_id: String,
    pub name: String,
    /// `image/jpeg`, `image/png` or `application/pdf`, read from the bytes.
    pub content_type: String,
    pub size: u64,
    pub uploaded_at: Timestamp,
}

/// One KYC submission and its review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KycCase {
    pub id: String,
    pub account_id: String,
    /// The account `kycStatus` this case gave (Pending until reviewed).
    pub status: String,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: String,
    pub gender: String,
    pub nationality: String,
    pub id_type: String,
    pub country: String,
    /// `idFrontId`, `selfie` (and `idBackId` when sent).
    pub files: Vec<String>,
    pub message: String,
    pub submitted_at: Timestamp,
    pub reviewed_at: Option<Timestamp>,
}

/// A cardholder: a person cards are issued to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cardholder {
    pub id: String,
    pub account_id: String,
    pub bin_id: String,
    pub tier: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub dob: String,
    pub gender: String,
    pub nationality: String,
    pub phone_number: String,
    pub phone_country_code: String,
    pub country: String,
    pub status: String,
    pub reject_reason: Option<String>,
    pub created_at: Timestamp,
}

/// A card-display token: single use, 5 minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayToken {
    pub card_id: String,
    pub expires_at: Timestamp,
    /// Where it lapses on the wall clock when the tenant authenticates on it (never
    /// exported).
    pub wall_expires_at: Option<Timestamp>,
    pub used: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Onboarding {
    pub settings: Settings,
    /// Account id -> its profile (accounts without one: KYC `Passed` or `Na` from the
    /// account's `kyc_passed`).
    pub profiles: HashMap<String, Profile>,
    pub files: Vec<UploadedFile>,
    pub cases: Vec<KycCase>,
    pub cardholders: Vec<Cardholder>,
    pub display_tokens: crate::issued::Issued<DisplayToken>,
}

impl Onboarding {
    pub fn cardholder(&self, id: &str) -> Option<usize> {
        self.cardholders.iter().position(|c| c.id == id)
    }

    /// The account's latest KYC case.
    pub fn latest_case(&self, account_id: &str) -> Option<usize> {
        self.cases.iter().rposition(|c| c.account_id == account_id)
    }
}
