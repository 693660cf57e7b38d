//! The HTTP server: the router with its layers (request ids, version header, journal
//! and metrics, panic catching, body limit), the JSON fallbacks for unknown routes and
//! methods, startup loading, and `serve` with graceful shutdown. Only `main`, `commands`
//! and `lib` import it; the types handlers share live in `request/`.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, HttpBody};
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};

use crate::admin::{self, AdminError};
use crate::capture::KeptBody;
use crate::clock::Stopwatch;
use crate::journal::RequestRecord;
use crate::providers::Provider;
use crate::request::{
    AppState, BODY_LIMIT, DEFAULT_SHUTDOWN_GRACE, FaultNote, InternalError, ResolvedTenant,
    TENANT_HEADER, strip_tenant_prefix,
};
use crate::scenario::NamedScenario;
use crate::tenant::{DEFAULT_TENANT, TenantError, count_world_locks};

static VERSION_HEADER: HeaderName = HeaderName::from_static("x-sandbox-version");

/// Registers the startup scenarios by name (the embedded default first, so a file named
/// `default.yaml` replaces it), creates tenant `default` from the first of `scenarios`,
/// and marks the sandbox ready.
pub fn load_startup(
    state: &AppState,
    scenarios: Vec<NamedScenario>,
    seed: Option<u64>,
) -> Result<(), TenantError> {
    let embedded = NamedScenario {
        name: "default".to_owned(),
        scenario: crate::scenario::parse(
            "default.yaml (embedded)",
            crate::scenario::DEFAULT_SCENARIO,
        )?,
    };
    state.registry.register_scenario(embedded.clone());
    for scenario in crate::scenario::library()? {
        state.registry.register_scenario(scenario);
    }
    let mut first = None;
    for scenario in scenarios {
        let registered = state.registry.register_scenario(scenario);
        first.get_or_insert(registered);
    }
    let first = match first {
        Some(first) => first,
        None => state.registry.scenario("default")?,
    };
    state
        .registry
        .create(Some(DEFAULT_TENANT.to_owned()), first, seed, None)?;
    state.set_ready();
    Ok(())
}

/// The whole application: admin API, fallbacks and layers. Every request first loses
/// its `/t/{tenant}` prefix, if it has one ([`strip_tenant_prefix`]): the prefix must
/// come off before routing, which middleware on a router runs after.
pub fn app(state: AppState) -> Router {
    let inner = Router::new()
        .merge(admin::router(&state))
        .merge(crate::console::router())
        .merge(provider_routes())
        .route_layer(from_fn(tag_route))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(from_fn_with_state(state.clone(), crate::faults::inject))
        .layer(from_fn_with_state(state.clone(), observe))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(SequentialIds::default()))
        .layer(from_fn_with_state(state.clone(), crate::body::read_first));
    // Outermost, so preflights are answered before journal, faults and routing.
    let inner = match crate::cors::layer(&state.settings.cors_origins) {
        Some(cors) => inner.layer(cors),
        None => inner,
    }
    .with_state(state);
    Router::new().fallback_service(
        tower::ServiceBuilder::new()
            .map_request(strip_tenant_prefix)
            .service(inner),
    )
}

/// Every provider's routes.
fn provider_routes() -> Router<AppState> {
    Provider::ALL
        .into_iter()
        .fold(Router::new(), |router, p| router.merge(p.face().router()))
}

/// Serves `app` on an already-bound listener until `shutdown` completes, then lets
/// in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    crate::listener::serve(listener, app, shutdown, DEFAULT_SHUTDOWN_GRACE).await
}

/// [`serve`], giving requests in flight at shutdown at most `grace` to finish.
pub async fn serve_with_grace(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    grace: Duration,
) -> std::io::Result<()> {
    crate::listener::serve(listener, app, shutdown, grace).await
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// Request ids for requests that bring none: `req-` and a process-wide counter.
#[derive(Debug, Clone, Default)]
struct SequentialIds(Arc<AtomicU64>);

impl MakeRequestId for SequentialIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.0.fetch_add(1, Ordering::Relaxed) + 1;
        HeaderValue::from_str(&format!("req-{n:012}"))
            .ok()
            .map(RequestId::new)
    }
}

/// Carries the matched route template from routing to `observe` (outer layers run
/// before routing, so they cannot read `MatchedPath` from the request).
async fn tag_route(req: Request, next: Next) -> Response {
    let matched = req.extensions().get::<MatchedPath>().cloned();
    let mut response = next.run(req).await;
    if let Some(matched) = matched {
        response.extensions_mut().insert(matched);
    }
    response
}

/// Adds the version header, counts the request in the metrics and files it in the
/// request journal (admin requests are counted but not journaled). A request whose
/// connection a fault cut is journaled with status 0 when its future is dropped.
///
/// The whole request runs inside [`count_world_locks`]: its world-lock acquisitions
/// (fault decision, handler, journal time) come back as a [`crate::tenant::LockCount`] extension.
async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut response, locks) = count_world_locks(observe_counted(state, req, next)).await;
    response.extensions_mut().insert(locks);
    response
}

async fn observe_counted(state: AppState, mut req: Request, next: Next) -> Response {
    let watch = Stopwatch::start();
    let method = req.method().clone();
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
                .get("x-request-id")
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
    if let Some(pending) = pending.as_mut() {
        req.extensions_mut().insert(pending.note.clone());
        if body_bytes > 0 {
            let (bytes, rebuilt) = keep_body(req).await;
            req = rebuilt;
            let content_type = req.headers().get(header::CONTENT_TYPE);
            pending.record.request_body =
                bytes.and_then(|b| KeptBody::keep(b, content_type, body_bytes));
        }
    }
    let mut response = next.run(req).await;
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
    let route = response
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |m| m.as_str());
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
async fn keep_body(req: Request) -> (Option<axum::body::Bytes>, Request) {
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
        log_request(&record);
        let registry = &self.state.registry;
        match record.tenant.as_deref().map(|t| registry.get(t)) {
            Some(Ok(tenant)) => {
                record.at = tenant.now().ok();
                tenant.record(record);
            }
            _ => registry.record_request(record),
        }
    }
}

/// The one log line of a provider request (info), so a failed CI job's sandbox log
/// shows what the app called. Status 0: a fault cut the connection.
fn log_request(record: &RequestRecord) {
    tracing::info!(
        target: "card_sandbox::request",
        tenant = record.tenant.as_deref().unwrap_or("-"),
        provider = record.provider.unwrap_or("-"),
        method = %record.method,
        path = %record.path,
        status = record.status,
        duration_ms = record.duration_us as f64 / 1000.0,
        request_id = %record.request_id,
        faults = %record.faults.join(","),
        "request"
    );
}

impl Drop for PendingRecord {
    fn drop(&mut self) {
        self.file();
    }
}

/// Unknown routes answer in the envelope of the provider whose path space they are in.
async fn not_found(State(state): State<AppState>, method: Method, uri: Uri) -> Response {
    match Provider::for_path(uri.path()) {
        Some(p) => p.face().not_found(&state, &method, &uri),
        None => admin_not_found(&method, &uri).into_response(),
    }
}

fn admin_not_found(method: &Method, uri: &Uri) -> AdminError {
    AdminError::new(
        StatusCode::NOT_FOUND,
        "route_not_found",
        format!(
            "no route for {method} {}; the admin API is under /_sandbox/ and GET /_sandbox/health answers when the sandbox is up",
            uri.path()
        ),
    )
}

async fn method_not_allowed(State(state): State<AppState>, method: Method, uri: Uri) -> Response {
    match Provider::for_path(uri.path()) {
        Some(p) => p.face().method_not_allowed(&state, &method, &uri),
        None => AdminError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("{} does not accept {method}", uri.path()),
        )
        .into_response(),
    }
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let mut response = AdminError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "the sandbox hit an internal error answering this request; nothing was changed",
    )
    .into_response();
    // `observe` logs it, with the route.
    InternalError::mark(
        &mut response,
        "a request handler panicked; the tenant's state was kept only if its ledger passed every invariant",
    );
    response
}
