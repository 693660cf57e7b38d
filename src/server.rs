//! The HTTP server: application state, the router with its layers (request ids, version
//! header, journal and metrics, panic catching, body limit), the JSON fallbacks for
//! unknown routes and methods, startup loading, and `serve` with graceful shutdown.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};

use crate::admin::{self, AdminError};
use crate::clock::Stopwatch;
use crate::journal::RequestRecord;
use crate::metrics::Metrics;
use crate::providers::{Provider, hypercard, interlace, opcard};
use crate::scenario::NamedScenario;
use crate::tenant::{DEFAULT_TENANT, Registry, TenantError};

/// The largest request body the sandbox reads: 1 MiB.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// The header that picks a tenant for a provider request.
pub const TENANT_HEADER: &str = "x-sandbox-tenant";

static VERSION_HEADER: HeaderName = HeaderName::from_static("x-sandbox-version");

/// Settings the handlers read; fixed once the server is bound.
#[derive(Debug, Clone)]
pub struct Settings {
    /// When set, the admin API (health and ready excepted) needs this bearer token.
    pub admin_token: Option<String>,
    /// The base of links the sandbox hands out (file URLs in provider responses).
    pub public_url: String,
    /// The longest delay an injected fault may add to one answer.
    pub max_fault_delay: Duration,
    /// Where webhooks go for providers a tenant's scenario gives no URL.
    pub webhook_url: Option<String>,
    /// The longest a request body may take to arrive, from its headers on.
    pub body_timeout: Duration,
}

impl Settings {
    /// No admin token, links to `public_url`, the default 60 s fault delay cap.
    pub fn new(public_url: impl Into<String>) -> Self {
        Self {
            admin_token: None,
            public_url: public_url.into(),
            max_fault_delay: DEFAULT_MAX_FAULT_DELAY,
            webhook_url: None,
            body_timeout: DEFAULT_BODY_TIMEOUT,
        }
    }
}

/// The default of `--body-timeout`.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// The default of `--shutdown-grace`.
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The default of `--max-fault-delay`.
pub const DEFAULT_MAX_FAULT_DELAY: Duration = Duration::from_secs(60);

/// What every handler can reach. Every layer and extractor clones it, so it is one
/// `Arc` (one shared counter per clone, not one per field).
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

/// The fields behind [`AppState`] (reached through `Deref`: `state.registry`).
#[derive(Debug)]
pub struct Shared {
    pub registry: Arc<Registry>,
    pub metrics: Arc<Metrics>,
    pub settings: Arc<Settings>,
    ready: AtomicBool,
    shutdown: watch::Sender<bool>,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    pub fn new(registry: Registry, settings: Settings) -> Self {
        registry.set_public_url(&settings.public_url);
        registry.set_admin_token(settings.admin_token.as_deref());
        registry.set_default_webhook_url(settings.webhook_url.as_deref());
        Self(Arc::new(Shared {
            registry: Arc::new(registry),
            metrics: Arc::new(Metrics::new()),
            settings: Arc::new(settings),
            ready: AtomicBool::new(false),
            shutdown: watch::Sender::new(false),
        }))
    }

    /// Tells injected delays to stop waiting: the server is shutting down.
    pub fn begin_shutdown(&self) {
        self.shutdown.send_replace(true);
    }

    /// Sleeps `duration` unless shutdown begins first; whether it slept it all.
    pub async fn pause(&self, duration: Duration) -> bool {
        let mut shutdown = self.shutdown.subscribe();
        tokio::select! {
            () = tokio::time::sleep(duration) => true,
            _ = shutdown.wait_for(|down| *down) => false,
        }
    }

    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    pub fn set_ready(&self) {
        self.ready.store(true, Ordering::Release);
    }
}

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
        .create(Some(DEFAULT_TENANT.to_owned()), first, seed)?;
    state.set_ready();
    Ok(())
}

/// The whole application: admin API, fallbacks and layers.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(admin::router(&state))
        .merge(hypercard::router())
        .merge(opcard::router())
        .merge(interlace::router())
        .route_layer(from_fn(tag_route))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(from_fn_with_state(state.clone(), crate::faults::inject))
        .layer(from_fn_with_state(state.clone(), observe))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(SequentialIds::default()))
        .layer(from_fn_with_state(state.clone(), crate::body::read_first))
        .with_state(state)
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

/// Which provider a response came from, set by provider handlers that resolved the
/// tenant from a credential rather than the `X-Sandbox-Tenant` header.
#[derive(Debug, Clone)]
pub struct ResolvedTenant(pub String);

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
async fn observe(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
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
        },
        watch,
        done: false,
    });
    if let Some(pending) = &pending {
        req.extensions_mut().insert(pending.note.clone());
    }
    let mut response = next.run(req).await;
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
    if let Some(pending) = pending.as_mut() {
        if let Some(tenant) = response.extensions().get::<ResolvedTenant>() {
            pending.record.tenant = Some(tenant.0.clone());
        }
        pending.record.status = status;
        pending.file();
    }
    response
}

/// What the fault middleware tells `observe` about a request: the rules that fired and
/// the tenant it found (kept even when the request's future is dropped).
#[derive(Debug, Clone, Default)]
pub struct FaultNote(Arc<std::sync::Mutex<(Vec<String>, Option<String>)>>);

impl FaultNote {
    pub fn set(&self, fired: Vec<String>, tenant: Option<String>) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = (fired, tenant);
    }

    fn take(&self) -> (Vec<String>, Option<String>) {
        std::mem::take(
            &mut *self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
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
        Some(Provider::Hypercard) => hypercard::not_found(&method, &uri),
        Some(Provider::Opcard) => opcard::not_found(&state, &method, &uri),
        Some(Provider::Interlace) => interlace::not_found(&method, &uri),
        _ => admin_not_found(&method, &uri).into_response(),
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
        Some(Provider::Hypercard) => hypercard::method_not_allowed(&method, &uri),
        Some(Provider::Opcard) => opcard::method_not_allowed(&state, &method, &uri),
        Some(Provider::Interlace) => interlace::method_not_allowed(&method, &uri),
        _ => AdminError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("{} does not accept {method}", uri.path()),
        )
        .into_response(),
    }
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!(
        "a request handler panicked; the tenant's state was kept only if its ledger passed every invariant"
    );
    AdminError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "the sandbox hit an internal error answering this request; nothing was changed",
    )
    .into_response()
}
