//! `POST /_sandbox/faults` through the real router with arbitrary bodies: 201 or a 400
//! that says what to fix, never a panic or a 5xx. Accepted rules are removed again.
#![no_main]

use std::sync::LazyLock;

use axum::body::Body;
use axum::http::{Method, Request};
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
    let request = Request::post("/_sandbox/faults")
        .header("content-type", "application/json")
        .body(Body::from(data.to_vec()))
        .expect("a request");
    let response = runtime
        .block_on(router.clone().oneshot(request))
        .expect("infallible");
    let status = response.status().as_u16();
    assert!(status == 201 || status == 400, "status {status}");
    if status == 201 {
        let clear = Request::builder()
            .method(Method::DELETE)
            .uri("/_sandbox/faults")
            .body(Body::empty())
            .expect("a request");
        let _ = runtime.block_on(router.clone().oneshot(clear));
    }
});
