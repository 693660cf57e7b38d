//! The one integration-test binary.

// Shared harness: TestApp (in-process router), request helpers, the test scenario.
mod support;

// Admin API: every route's success and error shapes, auth, readiness, headers.
mod admin;
// Clock, scheduler and tenants through the admin API: isolation, determinism, export.
mod tenants;
// Scenario files: shipped ones load, bad ones fail with file and key path.
mod scenarios;
// HyperCard: signatures, endpoints, v3 business types, consistency.
mod hypercard;
// OPCard: tokens, cards, limits, payouts, cursor paging, monthly bills.
mod opcard;
// Interlace: OAuth, cards, transfers, card transactions, card negatives.
mod interlace;
// Request verification: bodies and masked headers in the journal, find, verify, clear.
mod verify;
// A base URL per tenant: provider paths under /t/{tenant}, no header needed.
mod tenant_prefix;
// Authentication and the tenant clock: wall-clock clients survive time travel.
mod auth_clock;
// Isolation and bounds: credentials reach only their tenant; codes and tokens stay bounded.
mod isolation;
// Fault and latency injection: rules, envelopes, selectors, journal, sockets.
mod faults;
// Webhooks against a real receiver: signatures, retries on the clock, the queue.
mod webhooks;
// The webhook receiver (`card-sandbox listen`) against the sandbox's own deliveries.
mod listen;
// Generated history reads like a real programme's: declines, rhythm, merchants, codes.
mod realism;
// The scenario library: listed, built, checked and pinned by snapshots.
mod library;
// The README's walkthroughs, run as written with bash, curl and jq.
mod readme;
// The demo console without a browser (page, assets, its admin routes) and opt-in CORS.
mod console;
// Real sockets and the real binary: port 0, signals, validate, healthcheck.
mod server;
// The OpenAPI documents: served, valid 3.1, every operation a route, snapshots.
mod openapi;
