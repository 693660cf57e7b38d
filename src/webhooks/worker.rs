//! The delivery worker: one task per tenant that sends due attempts, one at a time and
//! outside the tenant lock, and records each outcome. It wakes when the tenant pokes it
//! (an event was queued, the clock moved) and on a short tick, which also lets a running
//! clock fire its due events between requests. It ends when its tenant is dropped.
//!
//! [`deliver_due`] is one round of the worker's work: tests whose registry runs no
//! workers (`Registry::set_webhook_workers(false)`) call it to send everything due in
//! one step instead of waiting on real time.

use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;

use tokio::sync::Notify;

use super::{Attempt, Mischief, Outbound, Policy, RESPONSE_KEPT};
use crate::clock::{Stopwatch, Timestamp};
use crate::providers::{Provider, Unsigned};
use crate::tenant::{Tenant, World};

/// How often an idle worker looks for due attempts without being woken.
const TICK: Duration = Duration::from_millis(100);

/// Starts the tenant's worker on the current tokio runtime (none outside one, as in
/// `card-sandbox validate`).
pub fn spawn_worker(tenant: &Arc<Tenant>) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let weak = Arc::downgrade(tenant);
    let wake = tenant.webhook_wake();
    runtime.spawn(run(weak, wake));
}

async fn run(tenant: Weak<Tenant>, wake: Arc<Notify>) {
    loop {
        {
            let Some(tenant) = tenant.upgrade() else {
                return;
            };
            deliver_due(&tenant).await;
        }
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(TICK) => {}
        }
    }
}

/// Sends every attempt due on the tenant's clock now, one at a time, and records each
/// outcome; returns how many attempts were made (lost ones included).
pub async fn deliver_due(tenant: &Tenant) -> usize {
    let mut made = 0;
    while let Ok(Some((pending, policy, at, mischief))) = tenant.with(next_attempt) {
        let outbound = pending.sign(mischief.bad_signature);
        let attempt = if mischief.lost {
            lost(&outbound, at)
        } else {
            let delay = mischief.delay.unwrap_or_default();
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            let mut attempt = send(&outbound, &policy, at).await;
            attempt.delayed_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
            attempt
        };
        made += 1;
        if tenant
            .with(|w| w.webhooks.record(&outbound.delivery, attempt, &policy))
            .is_err()
        {
            break;
        }
    }
    made
}

/// An attempt gathered under the tenant lock, not yet signed.
struct Pending {
    delivery: String,
    provider: Provider,
    url: String,
    unsigned: Unsigned,
}

impl Pending {
    /// Signs and renders the attempt (outside the tenant lock), spoiling the signature
    /// when the misbehaviour asks for it.
    fn sign(self, bad_signature: bool) -> Outbound {
        let (mut headers, body) = (self.unsigned)();
        if bad_signature {
            corrupt_signature(&mut headers);
        }
        Outbound {
            delivery: self.delivery,
            provider: self.provider,
            url: self.url,
            headers,
            body,
        }
    }
}

/// The next due attempt, gathered for its provider's format; deliveries that cannot be
/// rendered fail with the reason and the next one is looked at. Signing waits until the
/// lock is released ([`Pending::sign`]).
fn next_attempt(w: &mut World) -> Option<(Pending, Policy, Timestamp, Mischief)> {
    loop {
        let now = w.now();
        let delivery = w.webhooks.take_due(now)?.clone();
        let Some(url) = w.webhooks.config.url(delivery.provider).map(str::to_owned) else {
            w.webhooks.abandon(
                &delivery.id,
                format!(
                    "no {} webhook URL is configured any more",
                    delivery.provider.name()
                ),
            );
            continue;
        };
        let mischief = w.webhooks.misbehave(&delivery);
        let face = delivery.provider.face();
        match face.webhook_request(w, &delivery, now) {
            Ok(unsigned) => {
                let pending = Pending {
                    delivery: delivery.id,
                    provider: delivery.provider,
                    url,
                    unsigned,
                };
                return Some((pending, face.webhook_policy(), now, mischief));
            }
            Err(reason) => w.webhooks.abandon(&delivery.id, reason),
        }
    }
}

/// Changes the `Signature`/`signature` header so it no longer verifies (misbehaviour
/// `fail_signature`): the first byte of the signature flipped, still valid base64.
fn corrupt_signature(headers: &mut [(String, String)]) {
    use base64::Engine;
    let engine = base64::engine::general_purpose::STANDARD;
    for (name, value) in headers.iter_mut() {
        if name.eq_ignore_ascii_case("signature") {
            *value = match engine.decode(value.as_bytes()) {
                Ok(mut bytes) if !bytes.is_empty() => {
                    bytes[0] ^= 0xff;
                    engine.encode(bytes)
                }
                _ => format!("{value}x"),
            };
        }
    }
}

/// An attempt "lost" on purpose (misbehaviour `drop_first_attempts`): never sent.
fn lost(outbound: &Outbound, at: Timestamp) -> Attempt {
    Attempt {
        at,
        url: outbound.url.clone(),
        request_headers: outbound.headers.clone(),
        request_body: outbound.body.clone(),
        response_status: None,
        response_body: None,
        latency_ms: 0,
        delayed_ms: 0,
        error: Some("lost on purpose (misbehaviour.drop_first_attempts); not sent".to_owned()),
        ok: false,
    }
}

fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default()
    })
}

async fn send(outbound: &Outbound, policy: &Policy, at: Timestamp) -> Attempt {
    let face = outbound.provider.face();
    let watch = Stopwatch::start();
    let mut request = client()
        .post(&outbound.url)
        .timeout(policy.timeout)
        .body(outbound.body.clone());
    for (name, value) in &outbound.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let mut attempt = Attempt {
        at,
        url: outbound.url.clone(),
        request_headers: outbound.headers.clone(),
        request_body: outbound.body.clone(),
        response_status: None,
        response_body: None,
        latency_ms: 0,
        delayed_ms: 0,
        error: None,
        ok: false,
    };
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            attempt.response_status = Some(status);
            match response.bytes().await {
                Ok(body) => {
                    attempt.ok = face.webhook_accepted(status, &body);
                    let kept = &body[..body.len().min(RESPONSE_KEPT)];
                    attempt.response_body = Some(String::from_utf8_lossy(kept).into_owned());
                    if !attempt.ok {
                        attempt.error = Some(face.webhook_expected().to_owned());
                    }
                }
                Err(e) => attempt.error = Some(error_text(&e)),
            }
        }
        Err(e) => attempt.error = Some(error_text(&e)),
    }
    attempt.latency_ms = u64::try_from(watch.elapsed().as_millis()).unwrap_or(u64::MAX);
    attempt
}

/// The error with its causes (`error sending request: connection refused`).
fn error_text(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() {
        "timed out".to_owned()
    } else {
        e.to_string()
    };
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
