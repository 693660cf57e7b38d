//! The HTTP server: the router with its layers (`observe`: body read-ahead, request ids,
//! version header, faults, journal and metrics; then panic catching and the body limit),
//! the JSON fallbacks for unknown routes and methods, startup loading, and `serve` with
//! graceful shutdown. Only `main`, `commands` and `lib` import it; the types handlers share live in `request/`.

use std::future::Future;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tower::util::MapRequest;
use tower_http::catch_panic::CatchPanicLayer;

use crate::admin::{self, AdminError};
use crate::observe::ObserveLayer;
use crate::providers::Provider;
use crate::request::{
    AppState, BODY_LIMIT, DEFAULT_SHUTDOWN_GRACE, InternalError, strip_tenant_prefix,
};
use crate::scenario::NamedScenario;
use crate::tenant::{DEFAULT_TENANT, TenantError};

/// Registers the startup scenarios by name (the embedded default first, so a file named
/// `default.yaml` replaces it; a file named like a library scenario replaces that one),
/// creates tenant `default` from the first of `scenarios`, and marks the sandbox ready.
/// The library is parsed on a second thread while the default tenant is built.
pub fn load_startup(
    state: &AppState,
    scenarios: Vec<NamedScenario>,
    seed: Option<u64>,
) -> Result<(), TenantError> {
    std::thread::scope(|scope| {
        let library = scope.spawn(crate::scenario::library);
        let embedded = NamedScenario {
            name: "default".to_owned(),
            scenario: crate::scenario::parse(
                "default.yaml (embedded)",
                crate::scenario::DEFAULT_SCENARIO,
            )?,
        };
        state.registry.register_scenario(embedded);
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
        let library = library
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        for scenario in library {
            state.registry.register_scenario_if_absent(scenario);
        }
        state.set_ready();
        Ok(())
    })
}

/// The application as the listener serves it: the tenant prefix comes off the path
/// ([`strip_tenant_prefix`]), then the router answers. A plain function around the
/// router rather than a router of its own: no second route lookup, boxed service or
/// boxed future a request (ARCHITECTURE.md, "Performance").
pub type App = MapRequest<Router, fn(Request) -> Request>;

/// The whole application: admin API, fallbacks and layers. Every request first loses
/// its `/t/{tenant}` prefix, if it has one ([`strip_tenant_prefix`]): the prefix must
/// come off before routing, which middleware on a router runs after.
pub fn app(state: AppState) -> App {
    let inner = Router::new()
        .merge(admin::router(&state))
        .merge(crate::console::router())
        .merge(provider_routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(ObserveLayer::new(state.clone()));
    // Outside the observe layer, so preflights are answered before journal and faults.
    // `Router::layer` wraps every route and the fallbacks (it runs after routing), so a
    // preflight to any path, known or not, gets the CORS answer.
    let inner = match crate::cors::layer(&state.settings.cors_origins) {
        Some(cors) => inner.layer(cors),
        None => inner,
    }
    .with_state(state);
    MapRequest::new(inner, strip_tenant_prefix as fn(Request) -> Request)
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
    app: App,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    crate::listener::serve(listener, app, shutdown, DEFAULT_SHUTDOWN_GRACE).await
}

/// [`serve`], giving requests in flight at shutdown at most `grace` to finish.
pub async fn serve_with_grace(
    listener: TcpListener,
    app: App,
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
