//! `POST /_sandbox/faults` through the real router with arbitrary bodies: 201 or a 400
//! that says what to fix, never a panic or a 5xx. Accepted rules are removed again.
#![no_main]

#[path = "common/app.rs"]
mod app;

use axum::body::Body;
use axum::http::{Method, Request};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let request = Request::post("/_sandbox/faults")
        .header("content-type", "application/json")
        .body(Body::from(data.to_vec()))
        .expect("a request");
    let status = app::send(request).as_u16();
    assert!(status == 201 || status == 400, "status {status}");
    if status == 201 {
        let clear = Request::builder()
            .method(Method::DELETE)
            .uri("/_sandbox/faults")
            .body(Body::empty())
            .expect("a request");
        app::send(clear);
    }
});
