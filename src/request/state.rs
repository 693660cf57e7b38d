//! The application state every handler, layer and extractor reaches ([`AppState`]) and
//! the [`Settings`] fixed once the server is bound.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::watch;

use crate::metrics::Metrics;
use crate::tenant::Registry;

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
    /// What the journal keeps of one request or response body (`--journal-body-bytes`;
    /// 0 keeps none).
    pub journal_body_bytes: usize,
    /// Origins CORS answers for (`--cors-origin`; `*` any); empty: CORS off.
    pub cors_origins: Vec<String>,
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
            journal_body_bytes: crate::capture::DEFAULT_BODY_BYTES,
            cors_origins: Vec::new(),
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
