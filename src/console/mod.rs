//! The demo console: a page served by the binary at `GET /_sandbox/console` (and a
//! landing page at `GET /` linking to it), its script and stylesheet embedded with
//! `include_str!`. The page holds no tenant data: its script reads and acts through the
//! admin API and the providers' own APIs under the tenant's base URL, with the admin
//! token the user gives it (ARCHITECTURE.md places it above the admin API, never in
//! provider internals). The two admin routes it needs beyond the others are in `api.rs`
//! (mounted behind the admin guard by `admin::router`).

pub(crate) mod api;
mod page;

use axum::Router;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use crate::request::AppState;

pub(crate) use page::CONSOLE_PATH;

const SCRIPT: &str = include_str!("assets/console.js");
const STYLE: &str = include_str!("assets/console.css");

/// The page, its assets and the landing page. Open under `--admin-token`: they carry no
/// data, and the page asks for the token before it reads anything.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(landing))
        .route(CONSOLE_PATH, get(console))
        .route("/_sandbox/console/", get(console))
        .route("/_sandbox/console/console.js", get(script))
        .route("/_sandbox/console/console.css", get(style))
}

async fn landing() -> Html<String> {
    Html(page::landing().into_string())
}

async fn console() -> Response {
    (
        [(header::CACHE_CONTROL, "no-store")],
        Html(page::console().into_string()),
    )
        .into_response()
}

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SCRIPT,
    )
        .into_response()
}

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        STYLE,
    )
        .into_response()
}
