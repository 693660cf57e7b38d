//! Interlace's face (`providers::Face`): what the rest of the house calls — routes and
//! fallbacks, credentials and inventory, simulations, scheduled events and the
//! notification format — so nothing outside this folder names Interlace's modules.

use axum::Router;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{Map, Value};

use super::error::{Code, IlError};
use super::{
    activity, extract, files, global, negatives, onboarding, scenario, simulate, webhooks, wire,
};
use crate::clock::Timestamp;
use crate::providers::{Face, Inspected, ProviderFile, Refusal, Render, Unsigned, render_json};
use crate::request::AppState;
use crate::scenario::activity::Step;
use crate::scenario::schema::{Generator, Snapshot};
use crate::scenario::{Scenario, ScenarioError};
use crate::scheduler::Handlers;
use crate::tenant::{Limits, World};
use crate::webhooks::{Delivery, Policy};

/// The file kind of a card-display page, opened by its one-time token.
const CARD_DISPLAY: &str = "card-display";

/// Interlace, as the house sees it.
#[derive(Debug)]
pub(crate) struct Interlace;

impl Face for Interlace {
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
        let state = &world.interlace;
        let clients = state
            .clients
            .iter()
            .map(|c| extract::client_key(&c.client_id));
        let tokens = state.tokens.keys().map(|t| extract::token_key(t));
        clients.chain(tokens).collect()
    }

    fn use_fresh_credentials(&self, world: &mut World, fresh: &dyn Fn(&str) -> String) {
        for client in &mut world.interlace.clients {
            client.client_id = fresh(&client.client_id);
            client.client_secret = fresh(&client.client_secret);
        }
    }

    fn apply_limits(&self, world: &mut World, limits: &Limits) {
        let state = &mut world.interlace;
        state.codes.set_limit(limits.credentials);
        state.tokens.set_limit(limits.credentials);
        state.refresh_tokens.set_limit(limits.credentials);
        state.idempotency.set_limit(limits.idempotency_keys);
        state
            .onboarding
            .display_tokens
            .set_limit(limits.credentials);
    }

    fn credentials(&self, world: &World) -> Value {
        let credentials: Vec<_> = world
            .interlace
            .clients
            .iter()
            .map(|c| wire::AdminCredential {
                client_id: c.client_id.clone(),
                client_secret: c.client_secret.clone(),
            })
            .collect();
        serde_json::to_value(credentials).unwrap_or_default()
    }

    fn inventory(&self, world: &World) -> Value {
        let state = &world.interlace;
        let inventory = wire::AdminInventory {
            accounts: state.accounts.iter().map(|a| a.id.clone()).collect(),
            cards: state.cards.iter().map(|c| c.id.clone()).collect(),
            business_accounts: state
                .global
                .business_accounts
                .iter()
                .map(|b| b.id.clone())
                .collect(),
            legal_entities: state
                .global
                .legal_entities
                .iter()
                .map(|l| l.id.clone())
                .collect(),
        };
        serde_json::to_value(inventory).unwrap_or_default()
    }

    fn inventory_details(&self, world: &World) -> Map<String, Value> {
        let state = &world.interlace;
        let mut details = Map::new();
        for account in &state.accounts {
            details.insert(
                account.id.clone(),
                serde_json::json!({
                    "kind": "account",
                    "type": account.account_type,
                    "name": account.name,
                }),
            );
        }
        for card in &state.cards {
            details.insert(
                card.id.clone(),
                serde_json::json!({
                    "kind": if card.is_budget_card() { "budget_card" } else { "prepaid_card" },
                    "accountId": state.accounts[card.account].id,
                    "status": card.status,
                    "label": card.label,
                    "cardMode": card.card_mode,
                    "currency": "USD",
                }),
            );
        }
        for business in &state.global.business_accounts {
            details.insert(
                business.id.clone(),
                serde_json::json!({
                    "kind": "business_account",
                    "accountId": state.accounts[business.account].id,
                    "nickname": business.nickname,
                    "currency": business.currency.code(),
                }),
            );
        }
        for entity in &state.global.legal_entities {
            details.insert(
                entity.id.clone(),
                serde_json::json!({
                    "kind": "legal_entity",
                    "accountId": state.accounts[entity.account].id,
                    "status": entity.status,
                }),
            );
        }
        details
    }

    fn openapi(&self) -> Option<utoipa::openapi::OpenApi> {
        Some(super::openapi_document())
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
        if !world.interlace.enabled {
            return Some(Err(refusal(&IlError::param(
                "this tenant's scenario has no interlace section",
            ))));
        }
        let outcome = simulate::run(world, event, body)?;
        Some(outcome.map(render_json).map_err(|e| refusal(&e)))
    }

    fn file_opens_by_token(&self, kind: &str) -> bool {
        kind == CARD_DISPLAY
    }

    fn admin_list(&self, world: &World, name: &str) -> Option<Value> {
        (name == "batches").then(|| files::batches(world, &world.webhooks.files))
    }

    fn file(
        &self,
        world: &mut World,
        kind: &str,
        name: &str,
    ) -> Option<Result<ProviderFile, Refusal>> {
        if kind == CARD_DISPLAY {
            return Some(match onboarding::display::page(world, name) {
                Ok(html) => Ok(ProviderFile {
                    content_type: "text/html; charset=utf-8",
                    text: html,
                }),
                Err(e) => Err(Refusal {
                    status: StatusCode::GONE,
                    code: "card_display_token",
                    message: format!(
                        "{} (a card-display token opens the page once, within 5 minutes)",
                        e.message
                    ),
                }),
            });
        }
        files::file(world, kind, name).map(|text| {
            Ok(ProviderFile {
                content_type: "text/csv; charset=utf-8",
                text,
            })
        })
    }

    fn has_section(&self, scenario: &Scenario) -> bool {
        scenario.interlace.is_some()
    }

    fn check_section(&self, file: &str, scenario: &Scenario) -> Result<(), ScenarioError> {
        scenario
            .interlace
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
            .interlace
            .as_ref()
            .map_or(Ok(()), |section| scenario::build(file, world, section))
    }

    fn export_snapshot(&self, world: &World, source: &Scenario, snapshot: &mut Snapshot) {
        let section = source.interlace.as_ref().or(source
            .snapshot
            .as_ref()
            .and_then(|s| s.interlace.as_ref().map(|h| &h.section)));
        snapshot.interlace = scenario::export(world, section);
    }

    fn restore_snapshot(
        &self,
        file: &str,
        world: &mut World,
        snapshot: &Snapshot,
    ) -> Result<(), ScenarioError> {
        snapshot
            .interlace
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
        match item {
            Generator::Interlace(spec) => activity::draw(world, generator, spec, start, steps),
            Generator::InterlaceBusiness(spec) => {
                global::activity::draw(world, generator, spec, start, steps);
            }
            _ => {}
        }
    }

    fn register_events(&self, handlers: &mut Handlers<World>) {
        handlers.register(negatives::DAILY_STAT, negatives::daily_stat);
        handlers.register(
            global::ops::LEGAL_ENTITY_STEP,
            global::ops::legal_entity_step,
        );
        handlers.register(global::ops::TRANSACTION_STEP, global::ops::transaction_step);
        handlers.register(onboarding::ops::KYC_REVIEW, onboarding::ops::kyc_review);
        handlers.register(
            onboarding::ops::CARDHOLDER_REVIEW,
            onboarding::ops::cardholder_review,
        );
    }

    fn inspect_webhook(
        &self,
        key: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Option<Inspected> {
        let signature = headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("signature"))
            .map(|(_, value)| *value);
        webhooks::inspect(key, signature, body)
    }

    fn webhook_ack(&self) -> Value {
        serde_json::json!({"received": true})
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
fn refusal(e: &IlError) -> Refusal {
    let (status, code) = match e.code {
        Code::NotFound => (StatusCode::NOT_FOUND, "not_found"),
        Code::BadParameter => (StatusCode::BAD_REQUEST, "invalid_request"),
        Code::BalanceMissing | Code::NoKyc | Code::InsufficientBalance | Code::NotAllowed => {
            (StatusCode::CONFLICT, "not_possible")
        }
        Code::Unauthorized | Code::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
    };
    Refusal {
        status,
        code,
        message: format!("{} ({})", e.message, e.code.as_str()),
    }
}
