//! Prometheus metrics: request counts and latency histograms per provider and route,
//! tenants, and webhook outboxes (gathered at scrape time), rendered in the text exposition format at `GET /_sandbox/metrics`.

use std::borrow::Cow;

use axum::http::Method;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    provider: &'static str,
    route: String,
    method: Cow<'static, str>,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    provider: &'static str,
    route: String,
    method: Cow<'static, str>,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DeliveryLabels {
    provider: String,
    status: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ProviderLabels {
    provider: String,
}

/// What the tenants' webhook outboxes hold, gathered when metrics are scraped.
#[derive(Debug, Clone, Default)]
pub struct WebhookGauges {
    /// (provider, status) -> deliveries in the journals now.
    pub deliveries: std::collections::BTreeMap<(&'static str, &'static str), u64>,
    /// provider -> events dropped because a queue was full (living tenants).
    pub dropped: std::collections::BTreeMap<&'static str, u64>,
}

type LatencyFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    tenants: Gauge,
    webhook_deliveries: Family<DeliveryLabels, Gauge>,
    webhook_dropped: Family<ProviderLabels, Gauge>,
}

/// 100 us to about 3.3 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.0001, 2.0, 16))
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("sandbox");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = LatencyFamily::new_with_constructor(latency_histogram);
        let tenants = Gauge::default();
        registry.register(
            "http_requests",
            "Requests answered, by provider, route, method and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request, by provider, route and method",
            latency.clone(),
        );
        registry.register("tenants", "Tenants that exist now", tenants.clone());
        let webhook_deliveries = Family::<DeliveryLabels, Gauge>::default();
        registry.register(
            "webhook_deliveries",
            "Webhook deliveries in the tenants' journals now, by provider and status (pending, delivered, failed, dropped)",
            webhook_deliveries.clone(),
        );
        let webhook_dropped = Family::<ProviderLabels, Gauge>::default();
        registry.register(
            "webhook_dropped_events",
            "Webhook events dropped because a tenant's queue was full, over the living tenants",
            webhook_dropped.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            tenants,
            webhook_deliveries,
            webhook_dropped,
        }
    }

    /// Counts one answered request. `route` is the matched route template, so ids in
    /// paths do not multiply the series.
    pub fn observe(
        &self,
        provider: &'static str,
        route: &str,
        method: &Method,
        status: u16,
        seconds: f64,
    ) {
        // Labels borrow what they can: one allocation (the route) per series lookup.
        let method = method_label(method);
        self.requests
            .get_or_create(&RequestLabels {
                provider,
                route: route.to_owned(),
                method: method.clone(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                provider,
                route: route.to_owned(),
                method,
            })
            .observe(seconds);
    }

    pub fn render(&self, tenants: usize, webhooks: &WebhookGauges) -> String {
        self.tenants.set(i64::try_from(tenants).unwrap_or(i64::MAX));
        self.webhook_deliveries.clear();
        for ((provider, status), n) in &webhooks.deliveries {
            self.webhook_deliveries
                .get_or_create(&DeliveryLabels {
                    provider: (*provider).to_owned(),
                    status: (*status).to_owned(),
                })
                .set(i64::try_from(*n).unwrap_or(i64::MAX));
        }
        self.webhook_dropped.clear();
        for (provider, n) in &webhooks.dropped {
            self.webhook_dropped
                .get_or_create(&ProviderLabels {
                    provider: (*provider).to_owned(),
                })
                .set(i64::try_from(*n).unwrap_or(i64::MAX));
        }
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// A method's label, from a closed set: the standard methods, and `other` for any other
/// (a client inventing methods must not create series).
fn method_label(method: &Method) -> Cow<'static, str> {
    const STANDARD: [Method; 9] = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::HEAD,
        Method::OPTIONS,
        Method::CONNECT,
        Method::TRACE,
    ];
    const NAMES: [&str; 9] = [
        "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "CONNECT", "TRACE",
    ];
    match STANDARD.iter().position(|m| m == method) {
        Some(i) => Cow::Borrowed(NAMES[i]),
        None => Cow::Borrowed("other"),
    }
}
