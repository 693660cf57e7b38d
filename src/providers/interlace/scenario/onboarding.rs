//! The onboarding part of the scenario's `interlace:` section: review timings and
//! outcomes, cardholders declared mid-journey, and the onboarding state of an export
//! (profiles, uploaded files, KYC cases, cardholders, card-display tokens).

use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;
use crate::providers::interlace::onboarding::bins;
use crate::providers::interlace::onboarding::ops as onboarding;
use crate::providers::interlace::onboarding::state::{
    Cardholder, CardholderIdx, DisplayToken, KycCase, Onboarding, Outcome, Profile, Settings,
    UploadedFile, cardholder_status,
};
use crate::scenario::ScenarioError;
use crate::scenario::schema::Time;
use crate::tenant::World;

/// `interlace.onboarding`: how KYC and cardholder reviews end on the tenant clock.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnboardingDecl {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kyc_review: Option<ReviewDecl>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cardholder_review: Option<ReviewDecl>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewDecl {
    /// `pass` (default), `reject`, `more_info` (KYC only: status Request) or `never`
    /// (only the review simulation decides).
    #[serde(default = "pass")]
    pub outcome: String,
    /// Seconds from submission to the outcome (KYC 300 by default; cardholders 0: the
    /// creation answers PENDING and the next request finds the outcome).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_seconds: Option<u64>,
    /// The message of a reject or more_info outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

fn pass() -> String {
    "pass".to_owned()
}

/// A cardholder that exists when history starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardholderDecl {
    /// Scenario-local name cards refer to.
    pub key: String,
    /// The `key` of an account (a customer account must have passed KYC).
    pub account: String,
    /// A BIN id of `GET /open-api/v3/card/bins` (default the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bin_id: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// PENDING, ACTIVE (default) or INACTIVE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reject_reason: Option<String>,
}

pub(super) fn check_review(
    file: &str,
    at: &str,
    review: &ReviewDecl,
    kyc: bool,
) -> Result<(), ScenarioError> {
    let allowed: &[&str] = if kyc {
        &["pass", "reject", "more_info", "never"]
    } else {
        &["pass", "reject", "never"]
    };
    if !allowed.contains(&review.outcome.as_str()) {
        return Err(ScenarioError::new(
            file,
            format!("{at}.outcome"),
            format!(
                "outcome is one of {}, got {:?}",
                allowed.join(", "),
                review.outcome
            ),
        ));
    }
    Ok(())
}

pub(super) fn check_cardholder(
    file: &str,
    at: &str,
    c: &CardholderDecl,
    accounts: &[&str],
) -> Result<(), ScenarioError> {
    let err =
        |path: &str, message: String| ScenarioError::new(file, format!("{at}.{path}"), message);
    if !accounts.contains(&c.account.as_str()) {
        return Err(err(
            "account",
            format!("no account {:?} in interlace.accounts", c.account),
        ));
    }
    if let Some(id) = &c.bin_id
        && bins::find(id).is_none()
    {
        return Err(err(
            "bin_id",
            format!(
                "no card BIN {id:?}; the BIN ids are {}",
                bins::BINS.map(|b| b.id).join(", ")
            ),
        ));
    }
    if let Some(status) = &c.status
        && !cardholder_status::ALL.contains(&status.as_str())
    {
        return Err(err(
            "status",
            format!(
                "status is one of {}, got {status:?}",
                cardholder_status::ALL.join(", ")
            ),
        ));
    }
    Ok(())
}

fn outcome(review: Option<&ReviewDecl>, rejected: &str) -> Option<Outcome> {
    let r = review?;
    let reason = r.reason.clone();
    Some(match r.outcome.as_str() {
        "reject" => Outcome::Reject(reason.unwrap_or_else(|| rejected.to_owned())),
        "more_info" => {
            Outcome::MoreInfo(reason.unwrap_or_else(|| "More information is required".to_owned()))
        }
        "never" => Outcome::Never,
        _ => Outcome::Pass,
    })
}

/// The review settings a section gives, over the defaults.
pub(super) fn settings(decl: Option<&OnboardingDecl>) -> Settings {
    let mut s = Settings::default();
    let Some(d) = decl else { return s };
    let secs =
        |v: Option<u64>, default: i64| v.map_or(default, |v| i64::try_from(v).unwrap_or(i64::MAX));
    if let Some(r) = &d.kyc_review {
        s.kyc_seconds = secs(r.after_seconds, s.kyc_seconds);
    }
    if let Some(o) = outcome(d.kyc_review.as_ref(), "KYC rejected") {
        s.kyc_outcome = o;
    }
    if let Some(r) = &d.cardholder_review {
        s.cardholder_seconds = secs(r.after_seconds, s.cardholder_seconds);
    }
    if let Some(o) = outcome(
        d.cardholder_review.as_ref(),
        "Cardholder information could not be verified",
    ) {
        s.cardholder_outcome = o;
    }
    s
}

/// Creates a declared cardholder through the operation, then sets its declared status.
pub(super) fn build_cardholder(
    world: &mut World,
    account_id: &str,
    c: &CardholderDecl,
) -> Result<CardholderIdx, String> {
    let form = onboarding::CardholderForm {
        account_id: account_id.to_owned(),
        bin_id: c
            .bin_id
            .clone()
            .unwrap_or_else(|| bins::BINS[0].id.to_owned()),
        tier: "CONSUMER".to_owned(),
        first_name: c.first_name.clone(),
        last_name: c.last_name.clone(),
        email: c.email.clone(),
        dob: "1990-01-01".to_owned(),
        gender: "F".to_owned(),
        nationality: "US".to_owned(),
        phone_number: "4155550123".to_owned(),
        phone_country_code: "1".to_owned(),
        country: "US".to_owned(),
    };
    let index = onboarding::create_cardholder(world, form).map_err(|e| e.message)?;
    let status = c.status.as_deref().unwrap_or(cardholder_status::ACTIVE);
    if status != cardholder_status::PENDING {
        let key = index.to_string();
        world.scheduler.retain(|e| {
            !(e.kind == onboarding::CARDHOLDER_REVIEW && e.data.get("cardholder") == Some(&key))
        });
        let h = &mut world.interlace.onboarding.cardholders[index];
        h.status = status.to_owned();
        if status == cardholder_status::INACTIVE {
            h.reject_reason = Some(
                c.reject_reason
                    .clone()
                    .unwrap_or_else(|| "Cardholder information could not be verified".to_owned()),
            );
        }
    }
    Ok(index)
}

/// The onboarding state of an export.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapOnboarding {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub profiles: Vec<SnapProfile>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<SnapFile>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cases: Vec<SnapCase>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cardholders: Vec<SnapCardholder>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub display_tokens: Vec<SnapDisplayToken>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapProfile {
    pub account_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub email: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phone_number: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phone_country_code: String,
    pub kyc_status: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kyc_message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapFile {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub content_type: String,
    pub size: u64,
    pub uploaded_at: Time,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapCase {
    pub id: String,
    pub account_id: String,
    pub status: String,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: String,
    pub gender: String,
    pub nationality: String,
    pub id_type: String,
    pub country: String,
    pub files: Vec<String>,
    pub message: String,
    pub submitted_at: Time,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed_at: Option<Time>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapCardholder {
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
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub country: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reject_reason: Option<String>,
    pub created_at: Time,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapDisplayToken {
    pub token: String,
    pub card_id: String,
    pub expires_at: Time,
    pub used: bool,
}

/// Writes the onboarding state (`None` when there is none).
pub(super) fn export(o: &Onboarding, now: Timestamp) -> Option<SnapOnboarding> {
    let mut profiles: Vec<SnapProfile> = o
        .profiles
        .iter()
        .map(|(id, p)| SnapProfile {
            account_id: id.clone(),
            parent: p.parent.clone(),
            email: p.email.clone(),
            phone_number: p.phone_number.clone(),
            phone_country_code: p.phone_country_code.clone(),
            kyc_status: p.kyc_status.clone(),
            kyc_message: p.kyc_message.clone(),
        })
        .collect();
    profiles.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    let display_tokens: Vec<SnapDisplayToken> = o
        .display_tokens
        .iter()
        .filter(|(_, t)| !t.used && t.expires_at > now)
        .map(|(token, t)| SnapDisplayToken {
            token: token.clone(),
            card_id: t.card_id.clone(),
            expires_at: Time(t.expires_at),
            used: t.used,
        })
        .collect();
    let snap = SnapOnboarding {
        profiles,
        files: o
            .files
            .iter()
            .map(|f| SnapFile {
                id: f.id.clone(),
                account_id: f.account_id.clone(),
                name: f.name.clone(),
                content_type: f.content_type.clone(),
                size: f.size,
                uploaded_at: Time(f.uploaded_at),
            })
            .collect(),
        cases: o
            .cases
            .iter()
            .map(|c| SnapCase {
                id: c.id.clone(),
                account_id: c.account_id.clone(),
                status: c.status.clone(),
                first_name: c.first_name.clone(),
                last_name: c.last_name.clone(),
                date_of_birth: c.date_of_birth.clone(),
                gender: c.gender.clone(),
                nationality: c.nationality.clone(),
                id_type: c.id_type.clone(),
                country: c.country.clone(),
                files: c.files.clone(),
                message: c.message.clone(),
                submitted_at: Time(c.submitted_at),
                reviewed_at: c.reviewed_at.map(Time),
            })
            .collect(),
        cardholders: o
            .cardholders
            .iter()
            .map(|h| SnapCardholder {
                id: h.id.clone(),
                account_id: h.account_id.clone(),
                bin_id: h.bin_id.clone(),
                tier: h.tier.clone(),
                first_name: h.first_name.clone(),
                last_name: h.last_name.clone(),
                email: h.email.clone(),
                dob: h.dob.clone(),
                gender: h.gender.clone(),
                nationality: h.nationality.clone(),
                phone_number: h.phone_number.clone(),
                phone_country_code: h.phone_country_code.clone(),
                country: h.country.clone(),
                status: h.status.clone(),
                reject_reason: h.reject_reason.clone(),
                created_at: Time(h.created_at),
            })
            .collect(),
        display_tokens,
    };
    (snap != SnapOnboarding::default()).then_some(snap)
}

/// Restores the onboarding state into a world whose accounts and cards are restored.
pub(super) fn restore(
    file: &str,
    world: &mut World,
    snap: &SnapOnboarding,
) -> Result<(), ScenarioError> {
    let known = |world: &World, id: &str, at: String| {
        world
            .interlace
            .account_index(id)
            .map(|_| ())
            .ok_or_else(|| ScenarioError::new(file, at, format!("no account {id}")))
    };
    for (i, p) in snap.profiles.iter().enumerate() {
        known(
            world,
            &p.account_id,
            format!("snapshot.interlace.onboarding.profiles[{i}]"),
        )?;
        world.interlace.onboarding.profiles.insert(
            p.account_id.clone(),
            Profile {
                parent: p.parent.clone(),
                email: p.email.clone(),
                phone_number: p.phone_number.clone(),
                phone_country_code: p.phone_country_code.clone(),
                kyc_status: p.kyc_status.clone(),
                kyc_message: p.kyc_message.clone(),
            },
        );
    }
    let o = &mut world.interlace.onboarding;
    o.files = snap
        .files
        .iter()
        .map(|f| UploadedFile {
            id: f.id.clone(),
            account_id: f.account_id.clone(),
            name: f.name.clone(),
            content_type: f.content_type.clone(),
            size: f.size,
            uploaded_at: f.uploaded_at.0,
        })
        .collect();
    o.cases = snap
        .cases
        .iter()
        .map(|c| KycCase {
            id: c.id.clone(),
            account_id: c.account_id.clone(),
            status: c.status.clone(),
            first_name: c.first_name.clone(),
            last_name: c.last_name.clone(),
            date_of_birth: c.date_of_birth.clone(),
            gender: c.gender.clone(),
            nationality: c.nationality.clone(),
            id_type: c.id_type.clone(),
            country: c.country.clone(),
            files: c.files.clone(),
            message: c.message.clone(),
            submitted_at: c.submitted_at.0,
            reviewed_at: c.reviewed_at.map(|t| t.0),
        })
        .collect();
    o.cardholders = snap
        .cardholders
        .iter()
        .map(|h| Cardholder {
            id: h.id.clone(),
            account_id: h.account_id.clone(),
            bin_id: h.bin_id.clone(),
            tier: h.tier.clone(),
            first_name: h.first_name.clone(),
            last_name: h.last_name.clone(),
            email: h.email.clone(),
            dob: h.dob.clone(),
            gender: h.gender.clone(),
            nationality: h.nationality.clone(),
            phone_number: h.phone_number.clone(),
            phone_country_code: h.phone_country_code.clone(),
            country: h.country.clone(),
            status: h.status.clone(),
            reject_reason: h.reject_reason.clone(),
            created_at: h.created_at.0,
        })
        .collect();
    o.display_tokens = snap
        .display_tokens
        .iter()
        .map(|t| {
            (
                t.token.clone(),
                DisplayToken {
                    card_id: t.card_id.clone(),
                    expires_at: t.expires_at.0,
                    wall_expires_at: None,
                    used: t.used,
                },
            )
        })
        .collect();
    Ok(())
}
