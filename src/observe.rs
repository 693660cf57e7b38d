//! The one layer every routed request passes through ([`ObserveLayer`], applied by
//! `server::app`): it reads the body ahead (`body::read_first`), gives the request an id
//! (`x-request-id`, kept when the client sent one, echoed on the answer), decides and
//! applies faults (`faults::inject`), adds the version header, counts the request in the
//! metrics and files it in the request journal (admin requests are counted but not
//! journaled). A request whose connection a fault cut is journaled with status 0 when
//! its future is dropped.
//!
//! These were five middlewares once; as one hand-written service the request pays one
//! boxed future instead of a boxed service and a boxed future per layer, and no header
//! value is formatted through `format!` (ARCHITECTURE.md, "Performance").

use std::convert::Infallible;
use std::future::Future;
use std::io::Write as _;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::Response;
use tower::{Layer, Service, ServiceExt};

use crate::capture::KeptBody;
use crate::clock::Stopwatch;
use crate::journal::RequestRecord;
use crate::providers::Provider;
use crate::request::{
    AppState, BODY_LIMIT, FaultNote, InternalError, ResolvedTenant, TENANT_HEADER,
};
use crate::tenant::count_world_locks;

static VERSION_HEADER: HeaderName = HeaderName::from_static("x-sandbox-version");
static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Wraps every route (and the fallbacks) in [`Observe`].
#[derive(Debug, Clone)]
pub(crate) struct ObserveLayer {
    state: AppState,
    ids: Arc<AtomicU64>,
}

impl ObserveLayer {
    pub(crate) fn new(state: AppState) -> Self {
        Self {
            state,
            ids: Arc::default(),
        }
    }
}

impl<S> Layer<S> for ObserveLayer {
    type Service = Observe<S>;

    fn layer(&self, inner: S) -> Observe<S> {
        Observe {
            inner,
            state: self.state.clone(),
            ids: self.ids.clone(),
        }
    }
}

/// See the module header.
#[derive(Debug, Clone)]
pub(crate) struct Observe<S> {
    inner: S,
    state: AppState,
    ids: Arc<AtomicU64>,
}

impl<S> Service<Request> for Observe<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request) -> Self::Future {
        // The service that was polled ready answers; its clone waits for the next call.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let state = self.state.clone();
        let id = match req.headers().get(&REQUEST_ID) {
            Some(id) => id.clone(),
            None => {
                let id = sequential_id(self.ids.fetch_add(1, Ordering::Relaxed) + 1);
                req.headers_mut().insert(REQUEST_ID.clone(), id.clone());
                id
            }
        };
        Box::pin(async move {
            let req = crate::body::read_first(&state, req).await;
            let (mut response, locks) = count_world_locks(observe(state, req, inner)).await;
            response.extensions_mut().insert(locks);
            if !response.headers().contains_key(&REQUEST_ID) {
                response.headers_mut().insert(REQUEST_ID.clone(), id);
            }
            Ok(response)
        })
    }
}

/// `req-` and `n` in twelve digits at least, the id of a request that brought none
/// (formatted on the stack: no `String` a request).
fn sequential_id(n: u64) -> HeaderValue {
    let mut text = [0u8; 24];
    let mut rest = &mut text[..];
    // 24 bytes hold "req-" and the twenty digits of u64::MAX.
    let _ = write!(rest, "req-{n:012}");
    let len = 24 - rest.len();
    HeaderValue::from_maybe_shared(Bytes::copy_from_slice(&text[..len]))
        .unwrap_or_else(|_| HeaderValue::from_static("req-unknown"))
}

/// Journal, metrics and faults around the rest of the stack (`inner`); the whole request
/// runs inside [`count_world_locks`], so its world-lock acquisitions (fault decision,
/// handler, journal time) come back as a [`crate::tenant::LockCount`] extension.
async fn observe<S>(state: AppState, mut req: Request, inner: S) -> Response
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    let watch = Stopwatch::start();
    let method = req.method().clone();
    let route = req.extensions().get::<MatchedPath>().cloned();
    let path = req.uri().path();
    let is_admin = path == "/_sandbox" || path.starts_with("/_sandbox/");
    let provider = Provider::for_path(path);
    // Admin requests are neither journaled nor subject to faults: no record to build.
    let mut pending = (!is_admin).then(|| PendingRecord {
        state: state.clone(),
        note: FaultNote::default(),
        record: RequestRecord {
            seq: 0,
            request_id: req
                .headers()
                .get(&REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned(),
            tenant: req
                .headers()
                .get(TENANT_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            provider: provider.map(Provider::name),
            method: method.to_string(),
            path: path.to_owned(),
            query: req.uri().query().map(str::to_owned),
            status: 0,
            at: None,
            faults: Vec::new(),
            duration_us: 0,
            headers: req.headers().clone(),
            request_body: None,
            response_body: None,
        },
        watch,
        done: false,
    });
    let body_bytes = state.settings.journal_body_bytes;
    if let Some(pending) = pending.as_mut()
        && body_bytes > 0
    {
        let (bytes, rebuilt) = keep_body(req).await;
        req = rebuilt;
        let content_type = req.headers().get(header::CONTENT_TYPE);
        pending.record.request_body =
            bytes.and_then(|b| KeptBody::keep(b, content_type, body_bytes));
    }
    let next = |req: Request| async move {
        match inner.oneshot(req).await {
            Ok(response) => response,
            Err(never) => match never {},
        }
    };
    let mut response = match (&pending, provider) {
        (Some(pending), Some(provider)) => {
            crate::faults::inject(&state, provider, &pending.note, req, next).await
        }
        _ => next(req).await,
    };
    if body_bytes > 0
        && let Some(pending) = pending.as_mut()
    {
        let (parts, body) = response.into_parts();
        // Only an answer whose length is known is kept: a streamed one (a trickled
        // `slow_body` fault) must reach the client as it comes.
        response = match body.size_hint().exact() {
            Some(len) if len <= BODY_LIMIT as u64 => {
                match axum::body::to_bytes(body, BODY_LIMIT).await {
                    Ok(bytes) => {
                        let content_type = parts.headers.get(header::CONTENT_TYPE);
                        pending.record.response_body =
                            KeptBody::keep(bytes.clone(), content_type, body_bytes);
                        Response::from_parts(parts, Body::from(bytes))
                    }
                    Err(_) => Response::from_parts(parts, Body::empty()),
                }
            }
            _ => Response::from_parts(parts, body),
        };
    }
    response.headers_mut().insert(
        VERSION_HEADER.clone(),
        HeaderValue::from_static(crate::VERSION),
    );
    let elapsed = watch.elapsed();
    let status = response.status().as_u16();
    let route = route.as_ref().map_or("unmatched", MatchedPath::as_str);
    let provider_label = match (is_admin, provider) {
        (true, _) => "admin",
        (false, Some(p)) => p.name(),
        (false, None) => "none",
    };
    state.metrics.observe(
        provider_label,
        route,
        &method,
        status,
        elapsed.as_secs_f64(),
    );
    if let Some(internal) = response.extensions().get::<InternalError>() {
        tracing::error!(provider = provider_label, %method, route, status, error = %internal.0, "internal error");
    }
    if let Some(pending) = pending.as_mut() {
        if let Some(tenant) = response.extensions().get::<ResolvedTenant>() {
            pending.record.tenant = Some(tenant.0.clone());
        }
        pending.record.status = status;
        pending.file();
    }
    response
}

/// The request's body when its length is known and within [`BODY_LIMIT`] (it was read
/// before routing), and the request with the same body back in place.
async fn keep_body(req: Request) -> (Option<Bytes>, Request) {
    let (parts, body) = req.into_parts();
    match body.size_hint().exact() {
        Some(len) if len <= BODY_LIMIT as u64 => match axum::body::to_bytes(body, BODY_LIMIT).await
        {
            Ok(bytes) => (
                Some(bytes.clone()),
                Request::from_parts(parts, Body::from(bytes)),
            ),
            Err(_) => (None, Request::from_parts(parts, Body::empty())),
        },
        _ => (None, Request::from_parts(parts, body)),
    }
}

/// A journal record that files itself: when the answer is ready, or with status 0
/// when the request's future is dropped (a fault reset or closed its connection).
struct PendingRecord {
    state: AppState,
    note: FaultNote,
    record: RequestRecord,
    watch: Stopwatch,
    done: bool,
}

impl PendingRecord {
    fn file(&mut self) {
        if self.done {
            return;
        }
        self.done = true;
        let (fired, fault_tenant) = self.note.take();
        let mut record = std::mem::take(&mut self.record);
        record.faults = fired;
        if record.tenant.is_none() {
            record.tenant = fault_tenant;
        }
        record.seq = self.state.registry.next_request_seq();
        record.duration_us = u64::try_from(self.watch.elapsed().as_micros()).unwrap_or(u64::MAX);
        crate::telemetry::log_request(&record);
        let registry = &self.state.registry;
        match record.tenant.as_deref().map(|t| registry.get(t)) {
            Some(Ok(tenant)) => {
                record.at = tenant.now_for_journal().ok();
                tenant.record(record);
            }
            _ => registry.record_request(record),
        }
    }
}

impl Drop for PendingRecord {
    fn drop(&mut self) {
        self.file();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequential_ids_have_twelve_digits_at_least() {
        assert_eq!(sequential_id(1), "req-000000000001");
        assert_eq!(sequential_id(123_456_789_012), "req-123456789012");
        assert_eq!(sequential_id(1_234_567_890_123), "req-1234567890123");
        assert_eq!(sequential_id(u64::MAX), "req-18446744073709551615");
    }
}
