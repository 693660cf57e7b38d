//! card-sandbox: one server that emulates the Interlace, Oceanpayment OPCard and
//! HyperPay HyperCard APIs over one stateful in-memory ledger per tenant.
//!
//! # Layout
//!
//! - [`money`], [`clock`], [`ids`], [`rng`]: the value types and the only sources of
//!   time, identifiers and randomness; [`chunked`]: the append-only list for records
//!   that grow with every request.
//! - [`ledger`]: the double-entry core (accounts, entries, holds, invariants); knows
//!   nothing of HTTP or providers.
//! - [`scheduler`]: events due on a tenant's clock and the handlers that run them.
//! - [`tenant`]: the world of one tenant (clock, ids, ledger, scheduler) and the
//!   registry of tenants and named scenarios.
//! - [`scenario`]: the YAML format, building a world from it, exporting a world to it.
//! - [`journal`], [`metrics`]: what was asked, and how often and how fast.
//! - `admin`: the `/_sandbox/` API. [`providers`]: the emulated APIs' path spaces.
//! - [`request`]: what every API surface shares about a request (application state,
//!   settings, tenant resolution, the JSON body reader, journal extensions).
//! - [`server`]: router, layers, startup loading and graceful shutdown; [`cli`]: the
//!   command line and its validated [`cli::Config`]; [`commands`]: what each command does.
//! - [`listen`]: `card-sandbox listen`, the webhook receiver for developers.

mod admin;
mod body;
pub mod capture;
pub mod card_number;
pub mod chunked;
pub mod cli;
pub mod clock;
pub mod commands;
mod console;
pub mod cors;
pub mod faults;
pub mod file_links;
mod handle;
mod http_util;
pub mod id_index;
pub mod ids;
pub mod issued;
pub mod journal;
pub mod ledger;
pub mod listen;
pub mod listener;
pub mod memory;
pub mod metrics;
pub mod money;
mod observe;
pub mod providers;
pub mod request;
pub mod rng;
mod routing;
pub mod scenario;
pub mod scheduler;
pub mod server;
pub mod telemetry;
pub mod tenant;
pub mod webhooks;

pub use request::{AppState, Settings};
pub use server::{App, app, load_startup, serve, shutdown_signal};

/// The version in `x-sandbox-version` and `GET /_sandbox/health`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
