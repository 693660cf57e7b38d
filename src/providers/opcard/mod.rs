//! Emulates Oceanpayment OPCard (https://dev.oceanpayment.com/en/docs/opcard): tokens,
//! cards, card limits (loads, releases), payouts and the Balance Change Records listing,
//! over card accounts (one per `program_value` + currency) whose balance is the
//! `card_limit_amount` every record carries; plus card-spend simulations billed monthly.
//!
//! Owns its wire format (`wire.rs`), envelope and codes (`error.rs`) and its oddities
//! (`quirks.rs`), its scenario section and export snapshot (`scenario/`) and history
//! generator (`activity.rs`); the rest of the house reaches it only through its face
//! (`face.rs`). Never imports another provider; reaches state only through the
//! tenant's world (`ops.rs` changes ledger and records together).

mod activity;
mod error;
mod extract;
pub(super) mod face;
mod handlers;
mod openapi;
pub(crate) mod ops;
mod query;
pub mod quirks;
pub(crate) mod scenario;
pub mod simulate;
pub(crate) mod state;
pub mod wire;

use axum::Router;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

pub use error::{Code, OpError};

use crate::request::AppState;
use crate::routing::route_list;

route_list! {
    /// Every OPCard route with its OpenAPI operation (`openapi.rs`): the documented ones in
    /// the order of the documentation, then the sandbox's own. The router and the document
    /// come from the same list, so no route goes undocumented.
    fn routes, plain(openapi::base()) {
        (handlers::cards_create);
        (handlers::card_detail);
        (handlers::load_create);
        (handlers::balance_change_records);
        (handlers::payouts_list);
        (handlers::auth_token);
        (handlers::load_release);
        (handlers::payouts_create);
    }
}

/// Every OPCard route.
pub(crate) fn router() -> Router<AppState> {
    plain().into_router()
}

/// The OpenAPI 3.1 document of the OPCard API.
pub(crate) fn openapi_document() -> utoipa::openapi::OpenApi {
    openapi::finish(routes().into_openapi())
}

/// An unknown path under `/card-api/`: 404 in the envelope.
pub(crate) fn not_found(state: &AppState, method: &Method, uri: &Uri) -> Response {
    extract::early(
        state,
        OpError::new(
            Code::NotFound,
            format!(
                "no OPCard endpoint {method} {}; see the README for the emulated ones",
                uri.path()
            ),
        )
        .with_status(StatusCode::NOT_FOUND),
    )
}

/// A known path with the wrong method: 405 in the envelope.
pub(crate) fn method_not_allowed(state: &AppState, method: &Method, uri: &Uri) -> Response {
    extract::early(
        state,
        OpError::param(format!("{} does not accept {method}", uri.path()))
            .with_status(StatusCode::METHOD_NOT_ALLOWED),
    )
    .into_response()
}

/// The registry key of the request's `Authorization` token.
pub(crate) fn credential_key(headers: &HeaderMap) -> Option<String> {
    crate::http_util::header_text(headers, axum::http::header::AUTHORIZATION.as_str())
        .map(|t| extract::token_key(t.strip_prefix("Bearer ").unwrap_or(&t)))
}

/// An injected fault: `{"code", "msg", "trace_id"}` and `X-Trace-Id`, with the rule's
/// status; the code defaults to `42900` for 429 and `50000` otherwise.
pub(crate) fn fault_response(
    state: &AppState,
    status: StatusCode,
    code: Option<&str>,
    message: &str,
) -> Response {
    let trace_id = state.registry.next_trace_id();
    let default = if status == StatusCode::TOO_MANY_REQUESTS {
        "42900"
    } else {
        "50000"
    };
    let body =
        serde_json::json!({"code": code.unwrap_or(default), "msg": message, "trace_id": trace_id});
    (status, [("x-trace-id", trace_id)], axum::Json(body)).into_response()
}

#[cfg(test)]
mod route_tests {
    #[test]
    fn the_router_routes_what_the_document_documents() {
        super::plain().assert_routes_documented(&super::routes().into_openapi());
    }
}
