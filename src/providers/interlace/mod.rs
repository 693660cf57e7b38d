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
pub(crate) mod ops;
pub mod quirks;
pub(crate) mod scenario;
pub mod simulate;
pub(crate) mod state;
pub mod webhooks;
pub mod wire;

use axum::Router;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

pub use error::{Code, IlError};

use crate::request::AppState;
use global::handlers as gh;
use onboarding::handlers as oh;

/// Every Interlace route.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/open-api/oauth/authorize", get(handlers::authorize))
        .route("/open-api/v3/oauth/authorize", get(handlers::authorize))
        .route("/open-api/oauth/access-token", post(handlers::access_token))
        .route(
            "/open-api/v3/oauth/access-token",
            post(handlers::access_token),
        )
        .route(
            "/open-api/v3/oauth/refresh-token",
            post(handlers::refresh_token),
        )
        .route("/open-api/v3/accounts/register", post(oh::register))
        .route("/open-api/v1/accounts/register", post(oh::register))
        .route(
            "/open-api/v3/files/upload",
            post(oh::upload).layer(axum::extract::DefaultBodyLimit::max(
                onboarding::handlers::UPLOAD_LIMIT,
            )),
        )
        .route("/open-api/v3/accounts/{id}/kyc", post(oh::kyc))
        .route(
            "/open-api/v3/vcc/simulate/kyc/review",
            post(oh::simulate_review),
        )
        .route(
            "/open-api/v2/accounts/{id}/initialization",
            post(oh::initialize),
        )
        .route("/open-api/v3/accounts/cdd/detail/{id}", get(oh::cdd_detail))
        .route("/open-api/v3/card/bins", get(oh::bins))
        .route(
            "/open-api/v3/cardholders",
            post(oh::cardholders_create).get(oh::cardholders_list),
        )
        .route("/open-api/v3/cardholders/{id}", get(oh::cardholders_get))
        .route("/open-api/v3/prepaid-card", post(oh::prepaid_card))
        .route(
            "/open-api/v3/cards/{id}/private-info/access-token",
            get(oh::display_token),
        )
        .route(
            "/open-api/v3/cards",
            post(handlers::cards_create).get(handlers::cards_list),
        )
        .route("/open-api/v3/cards/wallets", get(handlers::wallets))
        .route(
            "/open-api/v3/cards/transfer-in",
            post(handlers::transfer_in),
        )
        .route(
            "/open-api/v3/cards/transfer-out",
            post(handlers::transfer_out),
        )
        .route("/open-api/v3/cards/{id}", get(handlers::cards_get))
        .route(
            "/open-api/v3/card/transactions",
            get(handlers::card_transactions),
        )
        .route(
            "/open-api/v3/card-negative/accounts",
            get(handlers::negative_accounts),
        )
        .route(
            "/open-api/v3/card-negative/bills",
            get(handlers::negative_bills),
        )
        .route(
            "/open-api/v3/card-negative/repayments",
            get(handlers::negative_repayments),
        )
        .route(
            "/open-api/v3/business/legal-entity",
            post(gh::legal_entity_create),
        )
        .route(
            "/open-api/v3/business/legal-entity/{id}",
            get(gh::legal_entity_get),
        )
        .route(
            "/open-api/v3/business/accounts",
            post(gh::business_accounts_create).get(gh::business_accounts_list),
        )
        .route(
            "/open-api/v3/business/accounts/transactions",
            get(gh::transactions_list),
        )
        .route(
            "/open-api/v3/business/accounts/{id}",
            get(gh::business_accounts_get),
        )
        .route(
            "/open-api/v3/business/accounts/{id}/balance",
            get(gh::business_accounts_balance),
        )
        .route(
            "/open-api/v3/business/account/{id}/bank-account",
            post(gh::bank_account_create),
        )
        .route(
            "/open-api/v3/business/transfer/external",
            post(gh::transfer_external),
        )
        .route(
            "/open-api/v3/business/transfer/external/{id}/cancel",
            post(gh::transfer_cancel),
        )
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
