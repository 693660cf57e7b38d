//! Opt-in CORS (`--cors-origin`): tower-http's `CorsLayer` over provider and admin paths,
//! so a browser app on another origin can call the sandbox. Off by default: without the
//! flag no CORS header is ever sent and preflights are answered like any other OPTIONS.

use std::time::Duration;

use axum::http::{HeaderName, HeaderValue, Method};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The request headers the providers' clients send (HyperCard's signing headers,
/// Interlace's `x-access-token`, OPCard's `authorization`) and the sandbox's own.
const ALLOWED_HEADERS: [&str; 13] = [
    "timestamp",
    "nonce",
    "api-key",
    "version",
    "lang",
    "signature",
    "x-access-token",
    "authorization",
    "content-type",
    "idempotency-key",
    "x-sandbox-tenant",
    "x-request-id",
    "x-case",
];

/// Response headers a browser script may read.
const EXPOSED_HEADERS: [&str; 3] = ["x-request-id", "x-sandbox-version", "x-trace-id"];

/// Whether `origin` can be given to `--cors-origin`: `*`, or `scheme://host[:port]` with
/// no path, as browsers send in `Origin`.
pub fn valid_origin(origin: &str) -> bool {
    if origin == "*" {
        return true;
    }
    let Some((scheme, rest)) = origin.split_once("://") else {
        return false;
    };
    !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !rest.is_empty()
        && !rest.contains('/')
        && HeaderValue::from_str(origin).is_ok()
}

/// The layer for `origins`, or `None` when there are none (CORS off).
pub(crate) fn layer(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok()),
        )
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
                Method::OPTIONS,
            ])
            .allow_headers(ALLOWED_HEADERS.map(HeaderName::from_static))
            .expose_headers(EXPOSED_HEADERS.map(HeaderName::from_static))
            .max_age(Duration::from_secs(600)),
    )
}
