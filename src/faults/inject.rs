//! Applies fault decisions to provider requests (`observe` calls it around the rest of
//! the stack): waits (racing
//! shutdown and capped by `--max-fault-delay`), answers injected errors in the
//! provider's envelope, spoils or trickles real answers, and resets, closes or hangs
//! the connection. Admin routes under
//! `/_sandbox/` and paths outside every provider are never touched.

use std::future::Future;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;

use super::{Action, RequestFacts};
use crate::listener::{Connection, Kill};
use crate::providers::Provider;
use crate::request::{AppState, FaultNote, resolve_tenant};

/// How often a trickled body sends a piece.
const TRICKLE_TICK: Duration = Duration::from_millis(100);

/// Decides the faults for `req`, a request in `provider`'s paths, notes the rules that
/// fired in `note`, and answers: through `next` (the rest of the stack), changed, or not
/// at all.
pub async fn inject<F, Fut>(
    state: &AppState,
    provider: Provider,
    note: &FaultNote,
    req: Request,
    next: F,
) -> Response
where
    F: FnOnce(Request) -> Fut,
    Fut: Future<Output = Response>,
{
    let tenant = resolve_tenant(&state.registry, provider, req.headers(), || {
        provider.credential_key(req.headers())
    })
    .ok();
    let facts = RequestFacts {
        provider: provider.name(),
        method: req.method().as_str(),
        path: req.uri().path(),
        headers: req.headers(),
    };
    let decision = state.registry.decide_faults(tenant.as_deref(), &facts);
    if decision.fired.is_empty() {
        return next(req).await;
    }
    note.set(decision.fired.clone(), tenant.map(|t| t.id.clone()));
    let cap = state.settings.max_fault_delay;
    if !decision.delay.is_zero() {
        state.pause(decision.delay.min(cap)).await;
    }
    let rule = decision.action_id.clone().unwrap_or_default();
    match decision.action {
        None => next(req).await,
        Some(Action::Error {
            status,
            code,
            message,
            headers,
        }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let message = message.unwrap_or_else(|| {
                format!("internal error (injected by card-sandbox fault rule {rule})")
            });
            let mut response = provider.fault_response(state, status, code.as_deref(), &message);
            for (name, value) in headers {
                if let (Ok(name), Ok(value)) = (
                    HeaderName::try_from(name.as_str()),
                    HeaderValue::try_from(value.as_str()),
                ) {
                    response.headers_mut().insert(name, value);
                }
            }
            response
        }
        Some(Action::RateLimit { retry_after_s }) => {
            let message = format!(
                "too many requests; retry after {retry_after_s} s (injected by card-sandbox fault rule {rule})"
            );
            let mut response =
                provider.fault_response(state, StatusCode::TOO_MANY_REQUESTS, None, &message);
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_s));
            response
        }
        Some(Action::Malformed) => malformed(next(req).await).await,
        Some(Action::SlowBody { bytes_per_sec }) => {
            trickle(state.clone(), next(req).await, bytes_per_sec).await
        }
        Some(action @ (Action::Reset | Action::Empty | Action::Hang)) => {
            let Some(connection) = req.extensions().get::<Connection>().cloned() else {
                let message = format!(
                    "fault rule {rule} ({}) acts on a TCP connection and this request came without one",
                    action.kind()
                );
                return provider.fault_response(
                    state,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    None,
                    &message,
                );
            };
            if action == Action::Hang {
                state.pause(cap).await;
            }
            connection.kill(if action == Action::Reset {
                Kill::Reset
            } else {
                Kill::Close
            });
            // The connection's task drops this future with the connection.
            std::future::pending().await
        }
        // Latency never ends a decision.
        Some(Action::Latency(_)) => next(req).await,
    }
}

/// The real answer's first half, with status 200: JSON cut off mid-way.
async fn malformed(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let cut = if bytes.len() < 2 {
        Bytes::from_static(b"{\"")
    } else {
        bytes.slice(..bytes.len() / 2)
    };
    parts.status = StatusCode::OK;
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(cut))
}

/// The real answer sent a piece every 100 ms at `bytes_per_sec`; when the sandbox
/// shuts down, the rest goes at once.
async fn trickle(state: AppState, response: Response, bytes_per_sec: u64) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let piece = usize::try_from((bytes_per_sec / 10).max(1)).unwrap_or(usize::MAX);
    let tick = if bytes_per_sec < 10 {
        Duration::from_secs_f64(1.0 / bytes_per_sec as f64)
    } else {
        TRICKLE_TICK
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    let stream = futures_util::stream::unfold(
        (bytes, state, true),
        move |(mut rest, state, first)| async move {
            if rest.is_empty() {
                return None;
            }
            if !first && !state.pause(tick).await {
                return Some((
                    Ok::<_, std::io::Error>(std::mem::take(&mut rest)),
                    (Bytes::new(), state, false),
                ));
            }
            let piece = rest.split_to(piece.min(rest.len()));
            Some((Ok(piece), (rest, state, false)))
        },
    );
    Response::from_parts(parts, Body::from_stream(stream))
}
