//! The admin API's JSON, our own stable format. Times are RFC 3339
//! strings; the clock also gives epoch milliseconds.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use crate::clock::Timestamp;
use crate::journal::RequestRecord;
use crate::ledger::InvariantCheck;
use crate::providers::Provider;
use crate::tenant::{CredentialMode, Tenant, TenantError, mode_name};

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ErrorBody {
    pub(crate) error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ErrorDetail {
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Health {
    pub(crate) status: &'static str,
    pub(crate) version: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ClockView {
    pub(crate) now: String,
    pub(crate) now_ms: i64,
    pub(crate) mode: &'static str,
}

impl ClockView {
    pub(crate) fn of(now: Timestamp, mode: &'static str) -> Self {
        Self {
            now: now.to_rfc3339(),
            now_ms: now.as_millis(),
            mode,
        }
    }
}

/// The answer to a clock change: the clock after it and how many events it ran.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ClockChanged {
    #[serde(flatten)]
    pub(crate) clock: ClockView,
    pub(crate) events_fired: usize,
    pub(crate) events_failed: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TenantSummary {
    pub(crate) id: String,
    pub(crate) scenario: String,
    pub(crate) seed: u64,
    pub(crate) clock: ClockView,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TenantList {
    pub(crate) tenants: Vec<TenantSummary>,
    /// Names `POST /_sandbox/tenants` accepts as `scenario`.
    pub(crate) scenarios: Vec<String>,
}

/// A tenant with what a caller needs to start calling it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TenantView {
    pub(crate) id: String,
    pub(crate) scenario: String,
    pub(crate) seed: u64,
    /// Every provider path answers under this base URL for this tenant, with no
    /// `X-Sandbox-Tenant` header (`{public_url}/t/{id}`).
    pub(crate) base_url: String,
    pub(crate) clock: ClockView,
    /// `fresh` (credentials of its own) or `scenario` (its scenario's, maybe shared).
    pub(crate) credential_mode: &'static str,
    /// Per provider (in `Provider::ALL` order), the credentials the tenant answers to,
    /// as each provider's face writes them.
    #[schema(value_type = Object)]
    pub(crate) credentials: Map<String, Value>,
    /// Per provider, the ids a caller can use at once.
    #[schema(value_type = Object)]
    pub(crate) inventory: Map<String, Value>,
}

impl TenantView {
    /// The view of `tenant`, with its base URL under `public_url`.
    pub(crate) fn of(tenant: &Tenant, public_url: &str) -> Result<Self, TenantError> {
        let (clock, credentials, inventory) = tenant.with(|w| {
            let clock = ClockView::of(w.now(), mode_name(&w.clock));
            let mut credentials = Map::new();
            let mut inventory = Map::new();
            for provider in Provider::ALL {
                let face = provider.face();
                credentials.insert(provider.name().to_owned(), face.credentials(w));
                // The id lists stay as they are; what each id is goes beside them.
                let mut ids = face.inventory(w);
                if let Value::Object(lists) = &mut ids {
                    lists.insert(
                        "details".to_owned(),
                        Value::Object(face.inventory_details(w)),
                    );
                }
                inventory.insert(provider.name().to_owned(), ids);
            }
            (clock, credentials, inventory)
        })?;
        Ok(Self {
            id: tenant.id.clone(),
            scenario: tenant.scenario.name.clone(),
            seed: tenant.seed,
            base_url: format!(
                "{}{}{}",
                public_url.trim_end_matches('/'),
                crate::request::TENANT_PREFIX,
                tenant.id
            ),
            clock,
            credential_mode: tenant.credentials.name(),
            credentials,
            inventory,
        })
    }
}

impl TenantSummary {
    pub(crate) fn of(tenant: &Tenant) -> Result<Self, TenantError> {
        let clock = tenant.with(|w| ClockView::of(w.now(), mode_name(&w.clock)))?;
        Ok(Self {
            id: tenant.id.clone(),
            scenario: tenant.scenario.name.clone(),
            seed: tenant.seed,
            clock,
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateTenant {
    pub(crate) id: Option<String>,
    /// A loaded scenario's name, or a whole scenario as YAML; absent: `default`.
    pub(crate) scenario: Option<String>,
    pub(crate) seed: Option<u64>,
    /// Whose credentials the tenant answers to; absent: fresh when a living tenant
    /// already answers to one of the scenario's, else the scenario's.
    pub(crate) credentials: Option<CredentialChoice>,
}

/// `"credentials"` of a tenant creation.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum CredentialChoice {
    Fresh,
    Scenario,
}

impl From<CredentialChoice> for CredentialMode {
    fn from(choice: CredentialChoice) -> Self {
        match choice {
            CredentialChoice::Fresh => Self::Fresh,
            CredentialChoice::Scenario => Self::Scenario,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ClockChange {
    /// RFC 3339, or `"now"` to stop the clock where it stands.
    pub(crate) freeze_at: Option<String>,
    pub(crate) advance_seconds: Option<f64>,
    pub(crate) resume: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Invariants {
    pub(crate) ok: bool,
    pub(crate) checks: Vec<Check>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Check {
    pub(crate) name: &'static str,
    pub(crate) ok: bool,
    pub(crate) detail: String,
}

impl Invariants {
    pub(crate) fn of(checks: Vec<InvariantCheck>) -> Self {
        Self {
            ok: checks.iter().all(|c| c.ok),
            checks: checks
                .into_iter()
                .map(|c| Check {
                    name: c.name,
                    ok: c.ok,
                    detail: c.detail,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct RequestsQuery {
    pub(crate) tenant: Option<String>,
    pub(crate) provider: Option<String>,
    pub(crate) path: Option<String>,
    pub(crate) limit: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RequestList {
    pub(crate) requests: Vec<RequestView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RequestView {
    pub(crate) seq: u64,
    pub(crate) request_id: String,
    pub(crate) tenant: Option<String>,
    pub(crate) provider: Option<&'static str>,
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    pub(crate) status: u16,
    pub(crate) at: Option<String>,
    /// Ids of the fault rules that fired on the request.
    pub(crate) faults: Vec<String>,
    pub(crate) duration_us: u64,
}

impl From<RequestRecord> for RequestView {
    fn from(r: RequestRecord) -> Self {
        Self {
            seq: r.seq,
            request_id: r.request_id,
            tenant: r.tenant,
            provider: r.provider,
            method: r.method,
            path: r.path,
            query: r.query,
            status: r.status,
            at: r.at.map(Timestamp::to_rfc3339),
            faults: r.faults,
            duration_us: r.duration_us,
        }
    }
}
