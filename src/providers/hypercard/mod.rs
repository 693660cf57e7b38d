//! Emulates HyperPay HyperCard (https://doc-api.hyperpay.io/en/2api/21_hypercard_api/):
//! signed requests, the card product list, express card applications and their
//! results, activation, sensitive card details, card balance, recharges and their query and
//! estimation, coin purchases, card operations and their results, the merchant balance,
//! the single-card statement and Transaction Query v3, plus the simulations a card
//! network would drive (consumption, withdrawal, refund, handling fee).
//!
//! Owns its wire format (`wire.rs`), envelope and codes (`error.rs`) and its oddities
//! (`quirks.rs`), its scenario section and export snapshot (`scenario/`) and history
//! generator (`activity.rs`); the rest of the house reaches it only through its face
//! (`face.rs`). Never imports another provider; reaches state only through the
//! tenant's world (`ops.rs` changes ledger and records together).

mod activity;
pub mod canonical;
pub mod card_details;
mod error;
mod extract;
pub(super) mod face;
mod handlers;
pub mod keys;
mod openapi;
pub(crate) mod ops;
mod query;
pub mod quirks;
pub(crate) mod scenario;
pub mod signature;
pub mod simulate;
pub(crate) mod state;
pub mod webhooks;
pub mod wire;

use axum::Router;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

pub use error::{Code, HcError};

use crate::request::AppState;
use crate::routing::route_list;

route_list! {
    /// Every HyperCard route with its OpenAPI operation (`openapi.rs`), in the order of
    /// HyperCard's documentation. The router and the document come from the same list, so
    /// no route goes undocumented.
    fn routes, plain(openapi::base()) {
        (handlers::apply_quick);
        (handlers::apply_result);
        (handlers::apply_result_v2);
        (handlers::card_active);
        (handlers::bank_details);
        (handlers::card_balance);
        (handlers::recharge);
        (handlers::recharge_query);
        (handlers::estimation_crypto);
        (handlers::card_operation);
        (handlers::operation_result);
        (handlers::buy_coin);
        (handlers::card_list);
        (handlers::merchant_balance);
        (handlers::transaction_record);
        (handlers::transactions_v3);
    }
}

/// Every HyperCard route.
pub(crate) fn router() -> Router<AppState> {
    plain().into_router()
}

/// The OpenAPI 3.1 document of the HyperCard API.
pub(crate) fn openapi_document() -> utoipa::openapi::OpenApi {
    openapi::finish(routes().into_openapi())
}

/// An unknown path under HyperCard's prefixes: 404 in the envelope.
pub(crate) fn not_found(method: &Method, uri: &Uri) -> Response {
    HcError::new(
        Code::A0000,
        format!(
            "no HyperCard endpoint {method} {}; see the README for the emulated ones",
            uri.path()
        ),
    )
    .with_status(StatusCode::NOT_FOUND)
    .into_response()
}

/// A known path with the wrong method (HyperCard is POST only): 405 in the envelope.
pub(crate) fn method_not_allowed(method: &Method, uri: &Uri) -> Response {
    HcError::new(
        Code::A0000,
        format!("{} accepts POST only, got {method}", uri.path()),
    )
    .with_status(StatusCode::METHOD_NOT_ALLOWED)
    .into_response()
}

/// The registry key of the request's `api-key` header.
pub(crate) fn credential_key(headers: &HeaderMap) -> Option<String> {
    crate::http_util::header_text(headers, "api-key")
}

/// An injected fault: `{"code", "msg"}` with the rule's status; the code defaults to
/// `B0000` (internal error), the only server-side code HyperCard documents.
pub(crate) fn fault_response(status: StatusCode, code: Option<&str>, message: &str) -> Response {
    let body = serde_json::json!({"code": code.unwrap_or("B0000"), "msg": message});
    (status, axum::Json(body)).into_response()
}

#[cfg(test)]
mod route_tests {
    #[test]
    fn the_router_routes_what_the_document_documents() {
        super::plain().assert_routes_documented(&super::routes().into_openapi());
    }
}
