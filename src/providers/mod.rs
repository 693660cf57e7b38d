//! The closed list of emulated providers, the path spaces they own, and the one face
//! each provider shows the rest of the house ([`Face`]).
//!
//! Each provider lives in its own folder and never imports another. This module is the
//! only place outside a provider's folder that names providers: [`Provider::face`] maps
//! the enum to each provider's `face.rs`, and everything else (the router, the fault
//! middleware, scheduled events, credentials, the admin API's views and simulations,
//! webhook delivery) loops over [`Provider::ALL`] and calls the face, so no list of
//! providers or simulations is written twice.

use axum::Router;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use crate::clock::Timestamp;
use crate::request::AppState;
use crate::scenario::activity::Step;
use crate::scenario::schema::{Generator, Snapshot};
use crate::scenario::{Scenario, ScenarioError};
use crate::scheduler::Handlers;
use crate::tenant::{Limits, World};
use crate::webhooks::{Delivery, Policy};

pub mod hypercard;
pub mod interlace;
pub mod opcard;
pub(crate) mod schema;

/// A webhook delivery as a receiver reads it (`card-sandbox listen`): the event name,
/// the id that identifies it (Interlace's event id; for HyperCard the record, trade or
/// request number, else the card id) and whether its signature verified, or why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspected {
    pub event: String,
    pub id: String,
    pub verdict: Result<(), String>,
}

/// Headers and body of one webhook attempt.
pub type WebhookMessage = (Vec<(String, String)>, String);

/// The signing half of a webhook attempt: what the tenant lock gathered (fields, keys,
/// a nonce from the tenant's stream), signed and serialised after the lock is released.
pub type Unsigned = Box<dyn FnOnce() -> WebhookMessage + Send>;

/// An answer whose data is already taken from the world, rendered when called: a
/// simulation's JSON is written after the tenant's lock is released, not under it.
pub type Render = Box<dyn FnOnce() -> Response + Send>;

/// An owned, serialisable answer as a [`Render`].
pub fn render_json<T: serde::Serialize + Send + 'static>(value: T) -> Render {
    Box::new(move || axum::Json(value).into_response())
}

/// A simulation a provider refused, in the terms the admin API answers with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

/// Who signs a request and with what (`Face::sign_request`).
#[derive(Debug, Clone, Default)]
pub struct SignOptions {
    /// Which credential signs; absent: the tenant's first.
    pub key: Option<String>,
    /// Unix seconds.
    pub timestamp: i64,
    pub nonce: String,
}

/// A file a provider's answers link to, as `GET /_sandbox/files/...` serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderFile {
    pub content_type: &'static str,
    pub text: String,
}

/// Everything the house needs from one provider. Each provider implements it in its
/// `face.rs`; callers reach it through [`Provider::face`].
pub(crate) trait Face: Sync {
    /// Every route of the provider.
    fn router(&self) -> Router<AppState>;

    /// An unknown path in the provider's path space: 404 in its envelope.
    fn not_found(&self, state: &AppState, method: &Method, uri: &Uri) -> Response;

    /// A known path with the wrong method: 405 in its envelope.
    fn method_not_allowed(&self, state: &AppState, method: &Method, uri: &Uri) -> Response;

    /// The registry key of the credential a request carries in its headers, for finding
    /// its tenant before the handler runs (fault decisions).
    fn credential_key(&self, headers: &HeaderMap) -> Option<String>;

    /// An injected error in the provider's envelope; `code` replaces the provider's
    /// internal-error (or rate-limit) code.
    fn fault_response(
        &self,
        state: &AppState,
        status: StatusCode,
        code: Option<&str>,
        message: &str,
    ) -> Response;

    /// The registry keys of every credential `world` answers to for this provider.
    fn credential_keys(&self, world: &World) -> Vec<String>;

    /// Gives the tenant credentials of its own: replaces each key, secret and token its
    /// scenario declares for this provider with `fresh(value)` (README, "A tenant per
    /// test").
    fn use_fresh_credentials(&self, world: &mut World, fresh: &dyn Fn(&str) -> String);

    /// Applies the registry's bounds to what clients can make the provider keep in
    /// `world` (issued credentials, remembered nonces).
    fn apply_limits(&self, world: &mut World, limits: &Limits);

    /// The credentials the admin API shows for a tenant (`credentials.<provider>`).
    fn credentials(&self, world: &World) -> Value;

    /// The ids a caller can use at once (`inventory.<provider>`).
    fn inventory(&self, world: &World) -> Value;

    /// What each of those ids is, keyed by id (`inventory.<provider>.details`).
    fn inventory_details(&self, world: &World) -> Map<String, Value>;

    /// The simulations `POST /_sandbox/tenants/{t}/simulate/{provider}/{event}` runs.
    fn simulations(&self) -> &'static [&'static str];

    /// Runs simulation `event` on the world; `None` when there is no such simulation.
    /// The answer is rendered by the caller after the world lock is released.
    fn simulate(
        &self,
        world: &mut World,
        event: &str,
        body: &Map<String, Value>,
    ) -> Option<Result<Render, Refusal>>;

    /// Whether files of `kind` open with a one-time token of their own (their name),
    /// never with a link key or the admin token's say-so.
    fn file_opens_by_token(&self, _kind: &str) -> bool {
        false
    }

    /// The file `kind`/`name` the provider's answers linked to; `None` when there is no
    /// such file.
    fn file(
        &self,
        _world: &mut World,
        _kind: &str,
        _name: &str,
    ) -> Option<Result<ProviderFile, Refusal>> {
        None
    }

    /// Whether `scenario` declares the provider's section.
    fn has_section(&self, scenario: &Scenario) -> bool;

    /// Checks the provider's section of `scenario`, if it declares one (at parse time).
    fn check_section(&self, file: &str, scenario: &Scenario) -> Result<(), ScenarioError>;

    /// Builds the provider's section into `world`, before the history is generated.
    fn build_section(
        &self,
        file: &str,
        world: &mut World,
        scenario: &Scenario,
    ) -> Result<(), ScenarioError>;

    /// Applies what the section sets for the clock's start, after the history and the
    /// ledger's holds (HyperCard's card statuses and applications).
    fn finish_section(
        &self,
        _file: &str,
        _world: &mut World,
        _scenario: &Scenario,
    ) -> Result<(), ScenarioError> {
        Ok(())
    }

    /// Writes the provider's part of an export into `snapshot`; `source` is the
    /// scenario the tenant was built from (its section, or its snapshot's).
    fn export_snapshot(&self, world: &World, source: &Scenario, snapshot: &mut Snapshot);

    /// Restores the provider's part of `snapshot` into a world whose ledger is restored.
    fn restore_snapshot(
        &self,
        file: &str,
        world: &mut World,
        snapshot: &Snapshot,
    ) -> Result<(), ScenarioError>;

    /// Draws the steps of activity item number `generator` when it is one of the
    /// provider's generators (the others are left alone).
    fn draw_activity(
        &self,
        world: &mut World,
        generator: usize,
        item: Generator<'_>,
        start: Timestamp,
        steps: &mut Vec<Step>,
    );

    /// Registers the provider's scheduled-event kinds.
    fn register_events(&self, handlers: &mut Handlers<World>);

    /// The OpenAPI 3.1 document of the provider's API, generated from its handlers and
    /// wire types; `None` while the provider has none (`GET /_sandbox/openapi`).
    fn openapi(&self) -> Option<utoipa::openapi::OpenApi> {
        None
    }

    /// The headers that sign a request carrying `body`, for providers whose clients sign
    /// each request (`POST /_sandbox/tenants/{t}/{provider}/sign`); `None` for the others.
    /// `credentials` are the tenant's as [`Face::credentials`] lists them, gathered under
    /// the tenant lock; the signing itself runs after it.
    fn sign_request(
        &self,
        _credentials: &Value,
        _body: &Map<String, Value>,
        _request: &SignOptions,
    ) -> Option<Result<Vec<(String, String)>, String>> {
        None
    }

    /// The provider's own admin listing `name` of `world`
    /// (`GET /_sandbox/tenants/{t}/{provider}/{name}`); `None` when there is none.
    fn admin_list(&self, _world: &World, _name: &str) -> Option<Value> {
        None
    }

    /// What `card-sandbox listen` makes of a delivery that may be this provider's: its
    /// event, id and whether the signature verifies with `key` (a secret or a public
    /// key PEM, as `listen` is given it); `None` when the body is not in the
    /// provider's format.
    fn inspect_webhook(
        &self,
        _key: &str,
        _headers: &[(&str, &str)],
        _body: &[u8],
    ) -> Option<Inspected> {
        None
    }

    /// The acknowledgement a merchant's receiver answers the provider's webhooks with.
    fn webhook_ack(&self) -> Value {
        Value::Object(Map::new())
    }

    /// Whether the provider sends webhooks at all (a tenant's webhook configuration
    /// takes a URL only for those that do).
    fn sends_webhooks(&self) -> bool {
        true
    }

    /// Gathers one webhook attempt under the tenant lock; the returned [`Unsigned`]
    /// signs and renders it after the lock is released.
    fn webhook_request(
        &self,
        world: &mut World,
        delivery: &Delivery,
        now: Timestamp,
    ) -> Result<Unsigned, String>;

    /// The retry schedule and receiver timeout of the provider's webhooks.
    fn webhook_policy(&self) -> Policy;

    /// Whether a receiver's answer counts as received.
    fn webhook_accepted(&self, status: u16, body: &[u8]) -> bool;

    /// What a receiver must answer, for the journal's error of a refused attempt.
    fn webhook_expected(&self) -> &'static str;
}

/// An emulated provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Provider {
    Interlace,
    Opcard,
    Hypercard,
}

impl Provider {
    pub const ALL: [Self; 3] = [Self::Interlace, Self::Opcard, Self::Hypercard];

    /// The order scenario sections are checked, built and restored in: building draws
    /// from the tenant's id stream, so this order fixes every generated id.
    pub const SECTION_ORDER: [Self; 3] = [Self::Hypercard, Self::Opcard, Self::Interlace];

    pub fn name(self) -> &'static str {
        match self {
            Self::Interlace => "interlace",
            Self::Opcard => "opcard",
            Self::Hypercard => "hypercard",
        }
    }

    /// The provider's face: the one place its folder is named from outside it.
    pub(crate) fn face(self) -> &'static dyn Face {
        match self {
            Self::Interlace => &interlace::face::Interlace,
            Self::Opcard => &opcard::face::Opcard,
            Self::Hypercard => &hypercard::face::Hypercard,
        }
    }

    /// The provider called `name` (`"interlace"`), if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The simulations `POST /_sandbox/tenants/{t}/simulate/{provider}/{event}` runs for
    /// this provider: each provider's own table.
    pub fn simulations(self) -> &'static [&'static str] {
        self.face().simulations()
    }

    /// The provider whose path space holds `path`, if any.
    pub fn for_path(path: &str) -> Option<Self> {
        if path.starts_with("/open-api/") {
            Some(Self::Interlace)
        } else if path.starts_with("/card-api/") {
            Some(Self::Opcard)
        } else if [
            "/openapi/",
            "/v2/openapi/",
            "/v3/openapi/",
            "/v4/openapi/",
            "/v5/openapi/",
        ]
        .iter()
        .any(|p| path.starts_with(p))
        {
            Some(Self::Hypercard)
        } else {
            None
        }
    }

    /// The registry key of the credential a request carries in its headers, for
    /// finding its tenant before the handler runs (fault decisions).
    pub fn credential_key(self, headers: &HeaderMap) -> Option<String> {
        self.face().credential_key(headers)
    }

    /// An injected error in this provider's envelope; `code` replaces the provider's
    /// internal-error (or rate-limit) code.
    pub fn fault_response(
        self,
        state: &AppState,
        status: StatusCode,
        code: Option<&str>,
        message: &str,
    ) -> Response {
        self.face().fault_response(state, status, code, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_their_provider() {
        assert_eq!(
            Provider::for_path("/open-api/v3/cards"),
            Some(Provider::Interlace)
        );
        assert_eq!(
            Provider::for_path("/card-api/v1/balance/change/records"),
            Some(Provider::Opcard)
        );
        assert_eq!(
            Provider::for_path("/v3/openapi/card/transactions"),
            Some(Provider::Hypercard)
        );
        assert_eq!(Provider::for_path("/_sandbox/health"), None);
        assert_eq!(Provider::for_path("/openapix"), None);
    }
}
