//! The onboarding part of Interlace's state: who registered a sub-account under whom, the
//! files uploaded for KYC, the KYC cases and their review, cardholders, card-display
//! tokens, and the review timings a scenario sets. Plain data, no serde.

use std::collections::HashMap;

use crate::clock::Timestamp;
use crate::handle::record_handle;

/// `kycStatus` values of an account (README, Interlace onboarding).
pub(crate) mod kyc_status {
    pub(crate) const NA: &str = "Na";
    pub(crate) const PENDING: &str = "Pending";
    pub(crate) const REQUEST: &str = "Request";
    pub(crate) const PASSED: &str = "Passed";
    pub(crate) const CANCELED: &str = "Canceled";
    pub(crate) const ALL: [&str; 5] = [PENDING, REQUEST, PASSED, CANCELED, NA];
}

/// Cardholder statuses.
pub(crate) mod cardholder_status {
    pub(crate) const PENDING: &str = "PENDING";
    pub(crate) const ACTIVE: &str = "ACTIVE";
    pub(crate) const INACTIVE: &str = "INACTIVE";
    pub(crate) const ALL: [&str; 3] = [PENDING, ACTIVE, INACTIVE];
}

/// The tiers a cardholder is created in.
pub(crate) const CARDHOLDER_TIERS: [&str; 2] = ["CONSUMER", "BUSINESS"];

record_handle!(
    /// A KYC case's position in `Onboarding::cases`.
    pub(crate) CaseIdx => KycCase
);
record_handle!(
    /// A cardholder's position in `Onboarding::cardholders`.
    pub(crate) CardholderIdx => Cardholder
);

/// What a review decides when the clock reaches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
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
pub(crate) struct Settings {
    pub(crate) kyc_seconds: i64,
    pub(crate) kyc_outcome: Outcome,
    pub(crate) cardholder_seconds: i64,
    pub(crate) cardholder_outcome: Outcome,
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
pub(crate) struct Profile {
    /// The parent account's id, for a sub-account.
    pub(crate) parent: Option<String>,
    pub(crate) email: String,
    pub(crate) phone_number: String,
    pub(crate) phone_country_code: String,
    pub(crate) kyc_status: String,
    pub(crate) kyc_message: String,
}

/// An uploaded file: what it is, never its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UploadedFile {
    pub(crate) id: String,
    pub(crate) account_id: String,
    pub(crate) name: String,
    /// `image/jpeg`, `image/png` or `application/pdf`, read from the bytes.
    pub(crate) content_type: String,
    pub(crate) size: u64,
    pub(crate) uploaded_at: Timestamp,
}

/// One KYC submission and its review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KycCase {
    pub(crate) id: String,
    pub(crate) account_id: String,
    /// The account `kycStatus` this case gave (Pending until reviewed).
    pub(crate) status: String,
    pub(crate) first_name: String,
    pub(crate) last_name: String,
    pub(crate) date_of_birth: String,
    pub(crate) gender: String,
    pub(crate) nationality: String,
    pub(crate) id_type: String,
    pub(crate) country: String,
    /// `idFrontId`, `selfie` (and `idBackId` when sent).
    pub(crate) files: Vec<String>,
    pub(crate) message: String,
    pub(crate) submitted_at: Timestamp,
    pub(crate) reviewed_at: Option<Timestamp>,
}

/// A cardholder: a person cards are issued to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cardholder {
    pub(crate) id: String,
    pub(crate) account_id: String,
    pub(crate) bin_id: String,
    pub(crate) tier: String,
    pub(crate) first_name: String,
    pub(crate) last_name: String,
    pub(crate) email: String,
    pub(crate) dob: String,
    pub(crate) gender: String,
    pub(crate) nationality: String,
    pub(crate) phone_number: String,
    pub(crate) phone_country_code: String,
    pub(crate) country: String,
    pub(crate) status: String,
    pub(crate) reject_reason: Option<String>,
    pub(crate) created_at: Timestamp,
}

/// A card-display token: single use, 5 minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DisplayToken {
    pub(crate) card_id: String,
    pub(crate) expires_at: Timestamp,
    /// Where it lapses on the wall clock when the tenant authenticates on it (never
    /// exported).
    pub(crate) wall_expires_at: Option<Timestamp>,
    pub(crate) used: bool,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Onboarding {
    pub(crate) settings: Settings,
    /// Account id -> its profile (accounts without one: KYC `Passed` or `Na` from the
    /// account's `kyc_passed`).
    pub(crate) profiles: HashMap<String, Profile>,
    pub(crate) files: Vec<UploadedFile>,
    pub(crate) cases: Vec<KycCase>,
    pub(crate) cardholders: Vec<Cardholder>,
    pub(crate) display_tokens: crate::issued::Issued<DisplayToken>,
}

impl Onboarding {
    pub(crate) fn cardholder(&self, id: &str) -> Option<CardholderIdx> {
        self.cardholders
            .iter()
            .position(|c| c.id == id)
            .map(CardholderIdx)
    }

    /// The account's latest KYC case.
    pub(crate) fn latest_case(&self, account_id: &str) -> Option<CaseIdx> {
        self.cases
            .iter()
            .rposition(|c| c.account_id == account_id)
            .map(CaseIdx)
    }
}
