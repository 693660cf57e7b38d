//! OPCard's face (`providers::Face`): what the rest of the house calls — routes and
//! fallbacks, credentials and inventory, simulations and scheduled events — so nothing
//! outside this folder names OPCard's modules. OPCard documents no webhooks.

use axum::Router;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{Map, Value};

use super::error::{Code, OpError};
use super::{activity, extract, ops, scenario, simulate, wire};
use crate::clock::Timestamp;
use crate::providers::{Face, Refusal, Render, Unsigned, render_json};
use crate::request::AppState;
use crate::scenario::activity::Step;
use crate::scenario::schema::{Generator, Snapshot};
use crate::scenario::{Scenario, ScenarioError};
use crate::scheduler::Handlers;
use crate::tenant::{Limits, World};
use crate::webhooks::{Delivery, Policy};

/// What a receiver is told when an OPCard delivery is attempted at all.
const NO_WEBHOOKS: &str = "OPCard documents no webhooks";

/// OPCard, as the house sees it.
#[derive(Debug)]
pub(crate) struct Opcard;

impl Face for Opcard {
    fn router(&self) -> Router<AppState> {
        super::router()
    }

    fn not_found(&self, state: &AppState, method: &Method, uri: &Uri) -> Response {
        super::not_found(state, method, uri)
    }

    fn method_not_allowed(&self, state: &AppState, method: &Method, uri: &Uri) -> Response {
        super::method_not_allowed(state, method, uri)
    }

    fn credential_key(&self, headers: &HeaderMap) -> Option<String> {
        super::credential_key(headers)
    }

    fn fault_response(
        &self,
        state: &AppState,
        status: StatusCode,
        code: Option<&str>,
        message: &str,
    ) -> Response {
        super::fault_response(state, status, code, message)
    }

    fn credential_keys(&self, world: &World) -> Vec<String> {
        let state = &world.opcard;
        let clients = state.clients.iter().flat_map(|c| {
            let app = extract::app_key(&c.app_key);
            let token = c.static_token.as_deref().map(extract::token_key);
            std::iter::once(app).chain(token)
        });
        let tokens = state.tokens.keys().map(|t| extract::token_key(t));
        clients.chain(tokens).collect()
    }

    fn use_fresh_credentials(&self, world: &mut World, fresh: &dyn Fn(&str) -> String) {
        for client in &mut world.opcard.clients {
            client.app_key = fresh(&client.app_key);
            client.app_secret = fresh(&client.app_secret);
            client.static_token = client.static_token.as_deref().map(fresh);
        }
    }

    fn apply_limits(&self, world: &mut World, limits: &Limits) {
        world.opcard.tokens.set_limit(limits.credentials);
    }

    fn credentials(&self, world: &World) -> Value {
        let credentials: Vec<_> = world
            .opcard
            .clients
            .iter()
            .map(|c| wire::AdminCredential {
                app_key: c.app_key.clone(),
                app_secret: c.app_secret.clone(),
                token: c.static_token.clone(),
            })
            .collect();
        serde_json::to_value(credentials).unwrap_or_default()
    }

    fn inventory(&self, world: &World) -> Value {
        let state = &world.opcard;
        let inventory = wire::AdminInventory {
            programs: state.programs.iter().map(|p| p.value).collect(),
            cards: state.cards.iter().map(|c| c.card_id.to_string()).collect(),
        };
        serde_json::to_value(inventory).unwrap_or_default()
    }

    fn inventory_details(&self, world: &World) -> Map<String, Value> {
        let state = &world.opcard;
        let mut details = Map::new();
        for program in &state.programs {
            let currencies: Vec<&str> = program.accounts.keys().map(|c| c.code()).collect();
            details.insert(
                program.value.to_string(),
                serde_json::json!({
                    "kind": "program",
                    "en_name": program.en_name,
                    "currencies": currencies,
                }),
            );
        }
        for card in &state.cards {
            details.insert(
                card.card_id.to_string(),
                serde_json::json!({
                    "kind": "card",
                    "card_name": card.card_name,
                    "card_status": card.status,
                    "program_value": state.programs[card.program].value,
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
        if world.opcard.settings.is_none() {
            return Some(Err(refusal(&OpError::param(
                "this tenant's scenario has no opcard section",
            ))));
        }
        let outcome = simulate::run(world, event, body)?;
        Some(outcome.map(render_json).map_err(|e| refusal(&e)))
    }

    fn has_section(&self, scenario: &Scenario) -> bool {
        scenario.opcard.is_some()
    }

    fn check_section(&self, file: &str, scenario: &Scenario) -> Result<(), ScenarioError> {
        scenario
            .opcard
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
            .opcard
            .as_ref()
            .map_or(Ok(()), |section| scenario::build(file, world, section))
    }

    fn export_snapshot(&self, world: &World, source: &Scenario, snapshot: &mut Snapshot) {
        let section = source.opcard.as_ref().or(source
            .snapshot
            .as_ref()
            .and_then(|s| s.opcard.as_ref().map(|h| &h.section)));
        snapshot.opcard = scenario::export(world, section);
    }

    fn restore_snapshot(
        &self,
        file: &str,
        world: &mut World,
        snapshot: &Snapshot,
    ) -> Result<(), ScenarioError> {
        snapshot
            .opcard
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
        if let Generator::Opcard(spec) = item {
            activity::draw(world, generator, spec, start, steps);
        }
    }

    fn register_events(&self, handlers: &mut Handlers<World>) {
        handlers.register(ops::LOAD_CONFIRM, ops::confirm_load);
        handlers.register(ops::MONTHLY_BILL, ops::monthly_bill);
    }

    fn openapi(&self) -> Option<utoipa::openapi::OpenApi> {
        Some(super::openapi_document())
    }

    fn sends_webhooks(&self) -> bool {
        false
    }

    fn webhook_request(
        &self,
        _: &mut World,
        _: &Delivery,
        _: Timestamp,
    ) -> Result<Unsigned, String> {
        Err(NO_WEBHOOKS.to_owned())
    }

    /// Never used: nothing is ever queued for OPCard.
    fn webhook_policy(&self) -> Policy {
        Policy {
            retry_delays_s: &[],
            timeout: std::time::Duration::from_secs(10),
            give_up_after_s: None,
        }
    }

    fn webhook_accepted(&self, _: u16, _: &[u8]) -> bool {
        false
    }

    fn webhook_expected(&self) -> &'static str {
        NO_WEBHOOKS
    }
}

/// A refused simulation, in the admin API's terms.
fn refusal(e: &OpError) -> Refusal {
    let (status, code) = match e.code {
        Code::NotFound => (StatusCode::NOT_FOUND, "card_not_found"),
        Code::BadParameter => (StatusCode::BAD_REQUEST, "invalid_request"),
        Code::Conflict | Code::InsufficientBalance => (StatusCode::CONFLICT, "not_possible"),
        Code::Unauthorized | Code::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
    };
    Refusal {
        status,
        code,
        message: format!("{} ({})", e.msg, e.code.as_str()),
    }
}
