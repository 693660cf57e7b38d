//! Reading every request body before routing, so a body the route never looks at does
//! not cost the connection.
//!
//! hyper only keeps a keep-alive connection when the request body was read to its end;
//! a route that takes no body (`GET /_sandbox/metrics`, exports, listings) or an answer
//! given before the body was read (an injected fault) left the body unread, so hyper
//! closed the connection with the body's bytes still in the socket, and the kernel
//! answered them with a TCP reset: the client saw a reset or a broken pipe instead of
//! the answer. Bodies up to [`BODY_LIMIT`] are read here first and handed on as bytes
//! (routes that take none ignore them); a longer body is handed on as it comes, so each
//! API still refuses it with 413 in its own shape.
//!
//! A body must arrive within the body timeout (`--body-timeout`, from its headers on):
//! a client that stalls part-way through it gets a read error in place of the rest, which
//! each API answers in its own envelope, and the connection closes. A stalled client
//! never holds a connection, or shutdown, for longer.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, header};
use futures_util::StreamExt;

use crate::request::{AppState, BODY_LIMIT};

fn timed_out(limit: std::time::Duration) -> axum::Error {
    axum::Error::new(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        format!(
            "the body did not arrive within {} s (--body-timeout)",
            limit.as_secs()
        ),
    ))
}

/// Reads the request body (up to [`BODY_LIMIT`]) within the body timeout, and gives the
/// request back with it (`observe` calls this first).
pub(crate) async fn read_first(state: &AppState, request: Request) -> Request {
    if !has_body(request.headers()) {
        return request;
    }
    let limit = state.settings.body_timeout;
    let deadline = tokio::time::Instant::now() + limit;
    let (parts, body) = request.into_parts();
    let mut stream = body.into_data_stream();
    let mut buffered = Vec::new();
    let body = loop {
        match tokio::time::timeout_at(deadline, stream.next()).await {
            Err(_) => {
                let items: [Result<Bytes, axum::Error>; 2] =
                    [Ok(Bytes::from(buffered)), Err(timed_out(limit))];
                break Body::from_stream(futures_util::stream::iter(items));
            }
            Ok(None) => break Body::from(buffered),
            Ok(Some(Ok(chunk))) => {
                buffered.extend_from_slice(&chunk);
                if buffered.len() > BODY_LIMIT {
                    // The rest goes on as it comes, under the same deadline.
                    let rest =
                        futures_util::stream::unfold(Some(stream), move |state| async move {
                            let mut stream = state?;
                            match tokio::time::timeout_at(deadline, stream.next()).await {
                                Ok(Some(item)) => Some((item, Some(stream))),
                                Ok(None) => None,
                                Err(_) => Some((Err(timed_out(limit)), None)),
                            }
                        });
                    let head = futures_util::stream::iter([Ok(Bytes::from(buffered))]);
                    break Body::from_stream(head.chain(rest));
                }
            }
            Ok(Some(Err(e))) => {
                let items: [Result<Bytes, axum::Error>; 2] = [Ok(Bytes::from(buffered)), Err(e)];
                break Body::from_stream(futures_util::stream::iter(items));
            }
        }
    };
    Request::from_parts(parts, body)
}

/// Whether the request announces a body (a non-zero length, or chunks).
fn has_body(headers: &HeaderMap) -> bool {
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim() != "0")
}
