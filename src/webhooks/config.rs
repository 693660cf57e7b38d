//! A tenant's webhook configuration as the admin API and a scenario spell it: a
//! callback URL per provider, the queue limit and seeded misbehaviour, and their checks.

use serde::{Deserialize, Serialize};

use crate::faults::Latency;
use crate::providers::Provider;

/// A tenant's webhook configuration, as `PUT /_sandbox/tenants/{t}/webhooks/config` and
/// a scenario's `webhooks:` spell it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interlace: Option<Endpoint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hypercard: Option<Endpoint>,
    /// Pending deliveries kept at most; events beyond it are dropped and journaled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_limit: Option<usize>,
    /// Seeded ways to misbehave on purpose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub misbehaviour: Option<Misbehaviour>,
}

/// Delivery misbehaviour, every knob optional; decisions come from the tenant's webhook
/// stream, so a run is reproducible.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Misbehaviour {
    /// Chance that an event is queued twice (two deliveries, one event id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate: Option<f64>,
    /// Events wait this long on the tenant clock, and due ones go out in a seeded
    /// shuffled order instead of oldest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reorder_window_ms: Option<u64>,
    /// A real delay before each attempt, drawn like a fault rule's latency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<Latency>,
    /// The first N attempts of each delivery are "lost": not sent, counted as failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drop_first_attempts: Option<u32>,
    /// Chance that an attempt carries a corrupted signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_signature: Option<f64>,
}

impl Misbehaviour {
    fn validate(&self) -> Result<(), (String, String)> {
        for (name, p) in [
            ("duplicate", self.duplicate),
            ("fail_signature", self.fail_signature),
        ] {
            if let Some(p) = p
                && !(0.0..=1.0).contains(&p)
            {
                return Err((
                    format!("misbehaviour.{name}"),
                    format!("must be between 0 and 1, got {p}"),
                ));
            }
        }
        if let Some(delay) = &self.delay {
            delay.validate().map_err(|e| {
                (
                    e.field.replacen("action", "misbehaviour.delay", 1),
                    e.message,
                )
            })?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    pub url: String,
}

impl WebhookConfig {
    /// Checks the URLs and options; the error names the field.
    pub fn validate(&self) -> Result<(), (String, String)> {
        for (name, endpoint) in [
            ("interlace", &self.interlace),
            ("hypercard", &self.hypercard),
        ] {
            let Some(endpoint) = endpoint else { continue };
            let field = format!("{name}.url");
            let url = reqwest::Url::parse(&endpoint.url).map_err(|e| {
                (
                    field.clone(),
                    format!("{:?} is not a URL: {e}", endpoint.url),
                )
            })?;
            match url.scheme() {
                "http" => {}
                "https" => {
                    return Err((
                        field,
                        "https callbacks are not supported by this build (no TLS client); the sandbox runs next to your app, so use an http:// URL".to_owned(),
                    ));
                }
                other => {
                    return Err((field, format!("the scheme must be http, got {other:?}")));
                }
            }
            if url.host().is_none() {
                return Err((field, "the URL needs a host".to_owned()));
            }
        }
        if self.queue_limit == Some(0) {
            return Err((
                "queue_limit".to_owned(),
                "must be at least 1, got 0".to_owned(),
            ));
        }
        if let Some(misbehaviour) = &self.misbehaviour {
            misbehaviour.validate()?;
        }
        Ok(())
    }

    /// Sends each provider that has no URL yet to `url` (`--webhook-url`).
    pub fn fill_missing_urls(&mut self, url: &str) {
        for endpoint in [&mut self.interlace, &mut self.hypercard] {
            endpoint.get_or_insert_with(|| Endpoint {
                url: url.to_owned(),
            });
        }
    }

    pub fn url(&self, provider: Provider) -> Option<&str> {
        match provider {
            Provider::Interlace => self.interlace.as_ref(),
            Provider::Hypercard => self.hypercard.as_ref(),
            Provider::Opcard => None,
        }
        .map(|e| e.url.as_str())
    }
}
