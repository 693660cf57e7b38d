//! OPCard's cursor listings through the real router with arbitrary bodies: an answer in
//! OPCard's envelope, never a panic or a 5xx.
#![no_main]

#[path = "common/app.rs"]
mod app;

use axum::body::Body;
use axum::http::Request;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for path in [
        "/card-api/v1/balance/change/records",
        "/card-api/v1/payouts/list",
    ] {
        let request = Request::post(path)
            .header("content-type", "application/json")
            .header("Authorization", "opc_sandbox_static_token")
            .body(Body::from(data.to_vec()))
            .expect("a request");
        let status = app::send(request);
        assert!(status.as_u16() < 500, "{path}: {status}");
    }
});
