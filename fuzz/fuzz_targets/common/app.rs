//! The sandbox's real router on the embedded default scenario, built once per fuzz
//! process, and a way to send it one request.

use std::sync::LazyLock;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;

static APP: LazyLock<(tokio::runtime::Runtime, card_sandbox::App)> = LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let registry =
        card_sandbox::tenant::Registry::new(card_sandbox::tenant::core_handlers(), 10, 0);
    let state =
        card_sandbox::AppState::new(registry, card_sandbox::Settings::new("http://fuzz.test"));
    card_sandbox::load_startup(&state, Vec::new(), None).expect("the default scenario");
    (runtime, card_sandbox::app(state))
});

/// Sends `request` to the router; its status.
pub fn send(request: Request<Body>) -> StatusCode {
    let (runtime, router) = &*APP;
    runtime
        .block_on(router.clone().oneshot(request))
        .expect("infallible")
        .status()
}
