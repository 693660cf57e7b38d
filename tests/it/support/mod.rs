//! TestApp: the sandbox's router driven in-process with `oneshot`, built from a small
//! inline scenario. Dropping a TestApp asserts every tenant's ledger invariants.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use card_sandbox::scenario::{self, NamedScenario};
use card_sandbox::tenant::{Registry, core_handlers};
use card_sandbox::{AppState, Settings};
use serde_json::Value;
use tower::ServiceExt;

/// A small deterministic world: frozen clock, three accounts, a week of transfers and
/// one hold that lapses an hour after start.
pub(crate) const TEST_SCENARIO: &str = r#"
version: 1
seed: 42
clock:
  start: "2026-03-01T12:00:00Z"
ledger:
  accounts:
    - key: funding
      currency: USD
      balance: "1000.00"
    - key: wallet
      currency: USD
      balance: "100.00"
    - key: world
      kind: external
      currency: USD
  holds:
    - account: wallet
      amount: "25.00"
      expires_in_seconds: 3600
activity:
  - transfers:
      from: [funding]
      to: [wallet]
      count: 5
      min: "1.00"
      max: "20.00"
      days: 7
"#;

#[derive(Debug)]
pub(crate) struct TestApp {
    pub(crate) state: AppState,
    router: card_sandbox::App,
}

/// A response, with the body parsed as JSON when it is JSON.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) bytes: Bytes,
    /// How many times the request locked a tenant's world (`tenant::LockCount`).
    pub(crate) world_locks: Option<u32>,
}

impl Answer {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.bytes)
            )
        })
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl TestApp {
    /// The test scenario as tenant `default` (also registered as scenario `test`).
    pub(crate) fn new() -> Self {
        Self::build(Some(TEST_SCENARIO), None, true)
    }

    /// `yaml` as tenant `default` (also registered as scenario `test`).
    pub(crate) fn from_yaml(yaml: &str) -> Self {
        Self::build(Some(yaml), None, true)
    }

    /// The embedded default scenario as tenant `default`.
    pub(crate) fn embedded() -> Self {
        Self::build(None, None, true)
    }

    pub(crate) fn with_admin_token(token: &str) -> Self {
        Self::build(Some(TEST_SCENARIO), Some(token), true)
    }

    /// `yaml` as tenant `default`, the admin API behind `token`.
    pub(crate) fn from_yaml_with_admin_token(yaml: &str, token: &str) -> Self {
        Self::build(Some(yaml), Some(token), true)
    }

    /// An app whose startup scenarios have not been loaded.
    pub(crate) fn not_ready() -> Self {
        Self::build(Some(TEST_SCENARIO), None, false)
    }

    /// The embedded default scenario, with injected delays capped at `cap`.
    pub(crate) fn embedded_with_fault_cap(cap: std::time::Duration) -> Self {
        Self::build_with(
            None,
            Settings {
                max_fault_delay: cap,
                ..Settings::new("http://sandbox.test")
            },
            true,
        )
    }

    /// `yaml` as tenant `default`, with no webhook worker: webhooks go out only when
    /// the test calls [`TestApp::deliver_webhooks`].
    pub(crate) fn manual_webhooks(yaml: &str) -> Self {
        let app = Self::build_limited(
            None,
            Settings::new("http://sandbox.test"),
            false,
            card_sandbox::tenant::Limits::default(),
        );
        app.state.registry.set_webhook_workers(false);
        app.load(Some(yaml));
        app
    }

    /// Sends every webhook attempt due on tenant `default`'s clock, in one step;
    /// returns how many were made.
    pub(crate) async fn deliver_webhooks(&self) -> usize {
        let tenant = self.state.registry.get("default").expect("tenant default");
        card_sandbox::webhooks::deliver_due(&tenant).await
    }

    /// The embedded default scenario under `settings`.
    pub(crate) fn embedded_with(settings: Settings) -> Self {
        Self::build_with(None, settings, true)
    }

    fn build(yaml: Option<&str>, token: Option<&str>, load: bool) -> Self {
        let settings = Settings {
            admin_token: token.map(str::to_owned),
            ..Settings::new("http://sandbox.test")
        };
        Self::build_with(yaml, settings, load)
    }

    /// `yaml` as tenant `default`, its tenants built under `limits`.
    pub(crate) fn from_yaml_with_limits(yaml: &str, limits: card_sandbox::tenant::Limits) -> Self {
        Self::build_limited(
            Some(yaml),
            Settings::new("http://sandbox.test"),
            true,
            limits,
        )
    }

    fn build_with(yaml: Option<&str>, settings: Settings, load: bool) -> Self {
        Self::build_limited(
            yaml,
            settings,
            load,
            card_sandbox::tenant::Limits::default(),
        )
    }

    fn build_limited(
        yaml: Option<&str>,
        settings: Settings,
        load: bool,
        limits: card_sandbox::tenant::Limits,
    ) -> Self {
        let registry = Registry::new(core_handlers(), 50, 0);
        registry.set_limits(limits);
        let state = AppState::new(registry, settings);
        let router = card_sandbox::app(state.clone());
        let app = Self { state, router };
        if load {
            app.load(yaml);
        }
        app
    }

    /// Loads the startup scenarios: `yaml` as `test` (and tenant `default`), else the
    /// embedded default.
    fn load(&self, yaml: Option<&str>) {
        let scenarios = yaml
            .map(|y| NamedScenario {
                name: "test".to_owned(),
                scenario: scenario::parse("test.yaml", y).expect("the test scenario parses"),
            })
            .into_iter()
            .collect();
        card_sandbox::load_startup(&self.state, scenarios, None).expect("the scenario loads");
    }

    /// Serves the app on a real loopback socket until the test's runtime ends.
    pub(crate) async fn serve(&self) -> std::net::SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds a loopback port");
        let addr = listener.local_addr().expect("bound");
        tokio::spawn(card_sandbox::serve(
            listener,
            self.router.clone(),
            std::future::pending(),
        ));
        addr
    }

    pub(crate) async fn send(&self, request: Request<Body>) -> Answer {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router is infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let world_locks = response
            .extensions()
            .get::<card_sandbox::tenant::LockCount>()
            .map(|count| count.0);
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("the body is readable");
        Answer {
            status,
            headers,
            bytes,
            world_locks,
        }
    }

    pub(crate) async fn call(&self, method: Method, uri: &str, body: Option<&str>) -> Answer {
        let mut builder = Request::builder().method(method).uri(uri);
        if body.is_some() {
            builder = builder.header("content-type", "application/json");
        }
        let request = builder
            .body(body.map_or_else(Body::empty, |b| Body::from(b.to_owned())))
            .expect("a valid request");
        self.send(request).await
    }

    pub(crate) async fn get(&self, uri: &str) -> Answer {
        self.call(Method::GET, uri, None).await
    }

    pub(crate) async fn post(&self, uri: &str, body: &str) -> Answer {
        self.call(Method::POST, uri, Some(body)).await
    }

    pub(crate) async fn delete(&self, uri: &str) -> Answer {
        self.call(Method::DELETE, uri, None).await
    }

    /// The tenant's export with its description line (which names the tenant) removed.
    pub(crate) async fn export_state(&self, tenant: &str) -> String {
        let answer = self
            .get(&format!("/_sandbox/tenants/{tenant}/export"))
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        answer
            .text()
            .lines()
            .filter(|l| !l.starts_with("description:"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl TestApp {
    /// Runs a simulation on tenant `default`, asserting HTTP 200, and returns its answer.
    pub(crate) async fn simulate(&self, provider: &str, event: &str, body: &Value) -> Value {
        let answer = self
            .post(
                &format!("/_sandbox/tenants/default/simulate/{provider}/{event}"),
                &body.to_string(),
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "{provider}/{event}: {}",
            answer.text()
        );
        answer.json()
    }

    /// Moves tenant `default`'s clock forward.
    pub(crate) async fn advance(&self, seconds: i64) {
        let body = serde_json::json!({ "advance_seconds": seconds });
        let answer = self
            .post("/_sandbox/tenants/default/clock", &body.to_string())
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        for tenant in self.state.registry.list() {
            let checks = tenant
                .with(|w| w.ledger.check_invariants())
                .expect("the tenant is usable");
            for check in checks {
                assert!(
                    check.ok,
                    "tenant {}: invariant {} broken: {}",
                    tenant.id, check.name, check.detail
                );
            }
        }
    }
}

/// The array at `path` inside `v` (an export or an answer), empty when there is none.
pub(crate) fn list_at<'a>(v: &'a Value, path: &[&str]) -> Vec<&'a Value> {
    let mut at = v;
    for key in path {
        at = &at[*key];
    }
    at.as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}
