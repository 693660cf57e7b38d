//! Prometheus metrics: request counts and latency histograms per provider and route,
//! rendered in the text exposition format at `GET /_sandbox/metrics`.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    provider: String,
    route: String,
    method: String,
    status: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    provider: String,
    route: String,
    method: String,
}

type LatencyFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    tenants: Gauge,
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
        Self {
            registry,
            requests,
            latency,
            tenants,
        }
    }

    /// Counts one answered request. `route` is the matched route template, so ids in
    /// paths do not multiply the series.
    pub fn observe(&self, provider: &str, route: &str, method: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                provider: provider.to_owned(),
                route: route.to_owned(),
                method: method.to_owned(),
                status: status.to_string(),
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                provider: provider.to_owned(),
                route: route.to_owned(),
                method: method.to_owned(),
            })
            .observe(seconds);
    }

    pub fn render(&self, tenants: usize) -> String {
        self.tenants.set(i64::try_from(tenants).unwrap_or(i64::MAX));
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
