//! OPCard's cursor listings through the real router with arbitrary bodies: an answer in
//! OPCard's envelope, never a panic or a 5xx.
#![no_main]

use std::sync::LazyLock;

use axum::body::Body;
use axum::http::Request;
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;

static APP: LazyLock<(tokio::runtime::Runtime, axum::Router)> = LazyLock::new(|| {
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

fuzz_target!(|data: &[u8]| {
    let (runtime, router) = &*APP;
    for path in [
        "/card-api/v1/balance/change/records",
        "/card-api/v1/payouts/list",
    ] {
        let request = Request::post(path)
            .header("content-type", "application/json")
            .header("Authorization", "opc_sandbox_static_token")
            .body(Body::from(data.to_vec()))
            .expect("a request");
        let response = runtime
            .block_on(router.clone().oneshot(request))
            .expect("infallible");
        assert!(
            response.status().as_u16() < 500,
            "{path}: {}",
            response.status()
        );
    }
});
