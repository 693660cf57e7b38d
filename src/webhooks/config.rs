//! A tenant's webhook configuration as the admin API and a scenario spell it: a
//! callback URL per provider that sends webhooks (a key named after the provider), the
//! queue limit and seeded misbehaviour, and their checks.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::faults::Latency;
use crate::providers::Provider;

/// A tenant's webhook configuration, as `PUT /_sandbox/tenants/{t}/webhooks/config` and
/// a scenario's `webhooks:` spell it: `{"<provider>": {"url"}, "queue_limit",
/// "misbehaviour"}`, a provider key for each provider whose face sends webhooks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WebhookConfig {
    /// Where each provider's webhooks go.
    pub endpoints: BTreeMap<Provider, Endpoint>,
    /// Pending deliveries kept at most; events beyond it are dropped and journaled.
    pub queue_limit: Option<usize>,
    /// Seeded ways to misbehave on purpose.
    pub misbehaviour: Option<Misbehaviour>,
}

/// The keys a configuration takes, in the order they are written: the providers that
/// send webhooks (in `Provider::ALL` order), then the options.
static FIELDS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    Provider::ALL
        .into_iter()
        .filter(|p| p.face().sends_webhooks())
        .map(Provider::name)
        .chain(["queue_limit", "misbehaviour"])
        .collect()
});

impl Serialize for WebhookConfig {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for provider in Provider::ALL {
            if let Some(endpoint) = self.endpoints.get(&provider) {
                map.serialize_entry(provider.name(), endpoint)?;
            }
        }
        if let Some(limit) = &self.queue_limit {
            map.serialize_entry("queue_limit", limit)?;
        }
        if let Some(misbehaviour) = &self.misbehaviour {
            map.serialize_entry("misbehaviour", misbehaviour)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for WebhookConfig {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ConfigVisitor)
    }
}

struct ConfigVisitor;

impl<'de> Visitor<'de> for ConfigVisitor {
    type Value = WebhookConfig;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a webhook configuration object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut config = WebhookConfig::default();
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::QueueLimit => config.queue_limit = map.next_value()?,
                Key::Misbehaviour => config.misbehaviour = map.next_value()?,
                Key::Provider(provider) => {
                    if let Some(endpoint) = map.next_value::<Option<Endpoint>>()? {
                        config.endpoints.insert(provider, endpoint);
                    }
                }
            }
        }
        Ok(config)
    }
}

/// A configuration key, refused while it is read (so an error's path names it).
enum Key {
    Provider(Provider),
    QueueLimit,
    Misbehaviour,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a provider name, queue_limit or misbehaviour")
            }

            fn visit_str<E: de::Error>(self, name: &str) -> Result<Key, E> {
                match name {
                    "queue_limit" => Ok(Key::QueueLimit),
                    "misbehaviour" => Ok(Key::Misbehaviour),
                    _ => Provider::from_name(name)
                        .filter(|p| p.face().sends_webhooks())
                        .map(Key::Provider)
                        .ok_or_else(|| E::unknown_field(name, &FIELDS)),
                }
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
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
        for (provider, endpoint) in &self.endpoints {
            let field = format!("{}.url", provider.name());
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
        for provider in Provider::ALL {
            if provider.face().sends_webhooks() {
                self.endpoints.entry(provider).or_insert_with(|| Endpoint {
                    url: url.to_owned(),
                });
            }
        }
    }

    pub fn url(&self, provider: Provider) -> Option<&str> {
        self.endpoints.get(&provider).map(|e| e.url.as_str())
    }
}
