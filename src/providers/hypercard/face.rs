//! HyperCard's face (`providers::Face`): what the rest of the house calls — routes and
//! fallbacks, credentials and inventory, simulations, scheduled events and the push
//! format — so nothing outside this folder names HyperCard's modules.

use axum::Router;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{Map, Value};

use super::error::{Code, HcError};
use super::{activity, ops, scenario, simulate, webhooks, wire};
use crate::clock::Timestamp;
use crate::providers::{Face, Inspected, Refusal, Render, SignOptions, Unsigned, render_json};
use crate::request::AppState;
use crate::scenario::activity::Step;
use crate::scenario::schema::{Generator, Snapshot};
use crate::scenario::{Scenario, ScenarioError};
use crate::scheduler::Handlers;
use crate::tenant::{Limits, World};
use crate::webhooks::{Delivery, Policy};

/// HyperCard, as the house sees it.
#[derive(Debug)]
pub(crate) struct Hypercard;

impl Face for Hypercard {
    fn router(&self) -> Router<AppState> {
        super::router()
    }

    fn not_found(&self, _: &AppState, method: &Method, uri: &Uri) -> Response {
        super::not_found(method, uri)
    }

    fn method_not_allowed(&self, _: &AppState, method: &Method, uri: &Uri) -> Response {
        super::method_not_allowed(method, uri)
    }

    fn credential_key(&self, headers: &HeaderMap) -> Option<String> {
        super::credential_key(headers)
    }

    fn fault_response(
        &self,
        _: &AppState,
        status: StatusCode,
        code: Option<&str>,
        message: &str,
    ) -> Response {
        super::fault_response(status, code, message)
    }

    fn credential_keys(&self, world: &World) -> Vec<String> {
        world
            .hypercard
            .merchants
            .iter()
            .map(|m| m.api_key.clone())
            .collect()
    }

    fn use_fresh_credentials(&self, world: &mut World, fresh: &dyn Fn(&str) -> String) {
        for merchant in &mut world.hypercard.merchants {
            merchant.api_key = fresh(&merchant.api_key);
        }
    }

    fn apply_limits(&self, world: &mut World, limits: &Limits) {
        world.hypercard.nonces.set_limit(limits.nonces);
    }

    fn credentials(&self, world: &World) -> Value {
        let credentials: Vec<_> = world
            .hypercard
            .merchants
            .iter()
            .map(|m| wire::AdminCredential {
                api_key: m.api_key.clone(),
                private_key_pem: m.private_key_pem.clone(),
                platform_public_key_pem: super::keys::PLATFORM_PUBLIC_KEY_PEM.to_owned(),
            })
            .collect();
        serde_json::to_value(credentials).unwrap_or_default()
    }

    fn inventory(&self, world: &World) -> Value {
        let state = &world.hypercard;
        let inventory = wire::AdminInventory {
            cards: state.cards.iter().map(|c| c.card_id.clone()).collect(),
            card_types: state
                .products
                .iter()
                .map(|p| p.card_type_id.clone())
                .collect(),
        };
        serde_json::to_value(inventory).unwrap_or_default()
    }

    fn inventory_details(&self, world: &World) -> Map<String, Value> {
        let state = &world.hypercard;
        let mut details = Map::new();
        for card in &state.cards {
            let product = &state.products[card.product];
            details.insert(
                card.card_id.clone(),
                serde_json::json!({
                    "kind": "card",
                    "card_status": card.status,
                    "card_type_id": product.card_type_id,
                    "card_name": product.card_name,
                    "currency": product.card_coin.code().to_ascii_lowercase(),
                }),
            );
        }
        for product in &state.products {
            details.insert(
                product.card_type_id.clone(),
                serde_json::json!({
                    "kind": "card_type",
                    "card_name": product.card_name,
                    "currency": product.card_coin.code().to_ascii_lowercase(),
                }),
            );
        }
        details
    }

    fn simulations(&self) -> &'static [&'static str] {
        &simulate::EVENTS
    }

    fn simulate(
        &self,
        world: &mut World,
        event: &str,
        body: &Map<String, Value>,
    ) -> Option<Result<Render, Refusal>> {
        if world.hypercard.settings.is_none() {
            return Some(Err(refusal(&HcError::param(
                "this tenant's scenario has no hypercard section",
            ))));
        }
        let outcome = simulate::run(world, event, body)?;
        Some(outcome.map(render_json).map_err(|e| refusal(&e)))
    }

    fn has_section(&self, scenario: &Scenario) -> bool {
        scenario.hypercard.is_some()
    }

    fn check_section(&self, file: &str, scenario: &Scenario) -> Result<(), ScenarioError> {
        scenario
            .hypercard
            .as_ref()
            .map_or(Ok(()), |section| scenario::check(file, section))
    }

    fn build_section(
        &self,
        file: &str,
        world: &mut World,
        scenario: &Scenario,
    ) -> Result<(), ScenarioError> {
        scenario
            .hypercard
            .as_ref()
            .map_or(Ok(()), |section| scenario::build(file, world, section))
    }

    fn finish_section(
        &self,
        file: &str,
        world: &mut World,
        scenario: &Scenario,
    ) -> Result<(), ScenarioError> {
        let Some(section) = &scenario.hypercard else {
            return Ok(());
        };
        scenario::apply_statuses(file, world, section)?;
        scenario::apply_applications(file, world, section)
    }

    fn export_snapshot(&self, world: &World, source: &Scenario, snapshot: &mut Snapshot) {
        let section = source.hypercard.as_ref().or(source
            .snapshot
            .as_ref()
            .and_then(|s| s.hypercard.as_ref().map(|h| &h.section)));
        snapshot.hypercard = scenario::export(world, section);
    }

    fn restore_snapshot(
        &self,
        file: &str,
        world: &mut World,
        snapshot: &Snapshot,
    ) -> Result<(), ScenarioError> {
        snapshot
            .hypercard
            .as_ref()
            .map_or(Ok(()), |snap| scenario::restore(file, world, snap))
    }

    fn draw_activity(
        &self,
        world: &mut World,
        generator: usize,
        item: Generator<'_>,
        start: Timestamp,
        steps: &mut Vec<Step>,
    ) {
        if let Generator::Hypercard(spec) = item {
            activity::draw(world, generator, spec, start, steps);
        }
    }

    fn register_events(&self, handlers: &mut Handlers<World>) {
        handlers.register(ops::RECHARGE_SETTLE, ops::settle_recharge);
        handlers.register(ops::APPLICATION_REVIEW, ops::review_application);
        handlers.register(ops::ACTIVATION_DONE, ops::finish_activation);
    }

    fn sign_request(
        &self,
        credentials: &Value,
        body: &Map<String, Value>,
        request: &SignOptions,
    ) -> Option<Result<Vec<(String, String)>, String>> {
        Some(sign_with_merchant(credentials, body, request))
    }

    fn openapi(&self) -> Option<utoipa::openapi::OpenApi> {
        Some(super::openapi_document())
    }

    fn inspect_webhook(
        &self,
        key: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Option<Inspected> {
        let key = super::signature::PublicKey::from_pem(key).ok()?;
        webhooks::inspect(&key, headers, body)
    }

    fn webhook_ack(&self) -> Value {
        serde_json::json!({"code": 1})
    }

    fn webhook_request(
        &self,
        world: &mut World,
        delivery: &Delivery,
        now: Timestamp,
    ) -> Result<Unsigned, String> {
        webhooks::request(world, delivery, now)
    }

    fn webhook_policy(&self) -> Policy {
        webhooks::POLICY
    }

    fn webhook_accepted(&self, status: u16, body: &[u8]) -> bool {
        webhooks::accepted(status, body)
    }

    fn webhook_expected(&self) -> &'static str {
        webhooks::EXPECTED
    }
}

/// A refused simulation, in the admin API's terms.
fn refusal(e: &HcError) -> Refusal {
    let (status, code) = match e.code {
        Code::A0004 => (StatusCode::NOT_FOUND, "card_not_found"),
        Code::A0003 => (StatusCode::BAD_REQUEST, "invalid_request"),
        Code::A0000 | Code::A0005 | Code::A0006 | Code::A0008 | Code::A0010 | Code::A0011 => {
            (StatusCode::CONFLICT, "not_possible")
        }
        Code::A0001 | Code::A0002 | Code::B0000 => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
    };
    Refusal {
        status,
        code,
        message: format!("{} ({})", e.msg, e.code.as_str()),
    }
}

/// Signs `body` with the merchant's private key from the tenant's credentials (the
/// code `card-sandbox hypercard sign` runs).
fn sign_with_merchant(
    credentials: &Value,
    body: &Map<String, Value>,
    request: &SignOptions,
) -> Result<Vec<(String, String)>, String> {
    let merchant = credentials.as_array().and_then(|merchants| {
        merchants.iter().find(|m| {
            request
                .key
                .as_deref()
                .is_none_or(|k| m["api_key"].as_str() == Some(k))
        })
    });
    let text = |field: &str| merchant.and_then(|m| m[field].as_str());
    let (Some(pem), Some(api_key)) = (text("private_key_pem"), text("api_key")) else {
        return Err(format!(
            "no HyperCard merchant{} with a private key to sign with",
            request
                .key
                .as_deref()
                .map(|k| format!(" {k:?}"))
                .unwrap_or_default()
        ));
    };
    let key = super::signature::PrivateKey::from_pem(pem)
        .map_err(|e| format!("the merchant's private key cannot sign: {e}"))?;
    let headers = super::signature::sign_request(
        &key,
        api_key,
        request.timestamp,
        &request.nonce,
        "1.0",
        Some("en"),
        body,
    );
    Ok(headers
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect())
}
