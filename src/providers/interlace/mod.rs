//! Emulates Interlace's card side (https://developer.interlace.money/): OAuth codes and
//! tokens, prepaid and budget cards issued from an account's Infinity balance,
//! transfers, wallets, card transactions, and card negatives (daily statistics, bills
//! with CSV files, repayments, batch hooks), plus the simulations a card network and a
//! bank would drive.
//!
//! Owns its wire format (`wire.rs`), envelope and codes (`error.rs`) and its oddities
//! (`quirks.rs`), its scenario section and export snapshot (`scenario/`) and history
//! generator (`activity.rs`); the rest of the house reaches it only through its face
//! (`face.rs`). Never imports another provider; reaches state only through the
//! tenant's world (`ops.rs` and `negatives.rs` change ledger and records together).

mod activity;
mod error;
mod extract;
pub(super) mod face;
pub mod files;
pub mod global;
mod handlers;
pub mod negatives;
pub mod onboarding;
mod openapi;
pub(crate) mod ops;
pub mod quirks;
pub mod requests;
pub(crate) mod scenario;
pub mod simulate;
pub(crate) mod state;
pub mod webhooks;
pub mod wire;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

pub use error::{Code, IlError};

use crate::request::AppState;
use crate::routing::route_list;
use global::handlers as gh;
use onboarding::handlers as oh;

route_list! {
    /// Every Interlace route with its OpenAPI operation (`openapi.rs`): OAuth, accounts,
    /// cards, transfers, card transactions, card negatives, global accounts. The router and
    /// the document come from the same list, so no route goes undocumented.
    fn routes, plain(openapi::base()) {
        (handlers::authorize);
        (handlers::authorize_v3);
        (handlers::access_token);
        (handlers::access_token_v3);
        (handlers::refresh_token);
        (oh::register);
        (oh::register_v1);
        (oh::upload).layer(DefaultBodyLimit::max(oh::UPLOAD_LIMIT));
        (oh::kyc);
        (oh::simulate_review);
        (oh::initialize);
        (oh::cdd_detail);
        (oh::bins);
        (oh::cardholders_create, oh::cardholders_list);
        (oh::cardholders_get);
        (oh::prepaid_card);
        (oh::display_token);
        (handlers::cards_create, handlers::cards_list);
        (handlers::cards_get);
        (handlers::wallets);
        (handlers::transfer_in);
        (handlers::transfer_out);
        (handlers::card_transactions);
        (handlers::negative_accounts);
        (handlers::negative_bills);
        (handlers::negative_repayments);
        (gh::legal_entity_create);
        (gh::legal_entity_get);
        (gh::business_accounts_create, gh::business_accounts_list);
        (gh::transactions_list);
        (gh::business_accounts_get);
        (gh::business_accounts_balance);
        (gh::bank_account_create);
        (gh::transfer_external);
        (gh::transfer_cancel);
    }
}

/// Every Interlace route.
pub(crate) fn router() -> Router<AppState> {
    plain().into_router()
}

/// The OpenAPI 3.1 document of the Interlace API.
pub(crate) fn openapi_document() -> utoipa::openapi::OpenApi {
    openapi::finish(routes().into_openapi())
}

/// An unknown path under `/open-api/`: 404 in the envelope.
pub(crate) fn not_found(method: &Method, uri: &Uri) -> Response {
    IlError::not_found(format!(
        "no Interlace endpoint {method} {}; see the README for the emulated ones",
        uri.path()
    ))
    .with_status(StatusCode::NOT_FOUND)
    .into_response()
}

/// A known path with the wrong method: 405 in the envelope.
pub(crate) fn method_not_allowed(method: &Method, uri: &Uri) -> Response {
    IlError::param(format!("{} does not accept {method}", uri.path()))
        .with_status(StatusCode::METHOD_NOT_ALLOWED)
        .into_response()
}

/// The registry key of the request's `x-access-token` header.
pub(crate) fn credential_key(headers: &HeaderMap) -> Option<String> {
    crate::http_util::header_text(headers, "x-access-token").map(|t| extract::token_key(&t))
}

/// An injected fault: `{"code", "message"}` with the rule's status; the code defaults
/// to `999999` (internal error).
pub(crate) fn fault_response(status: StatusCode, code: Option<&str>, message: &str) -> Response {
    let body = serde_json::json!({"code": code.unwrap_or("999999"), "message": message});
    (status, axum::Json(body)).into_response()
}

#[cfg(test)]
mod route_tests {
    #[test]
    fn the_router_routes_what_the_document_documents() {
        super::plain().assert_routes_documented(&super::routes().into_openapi());
    }
}
