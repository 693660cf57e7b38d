//! Interlace v3 notifications: the events the operations emit, the body
//! (`{eventType, apiVersion, code, message, resource, createTime, id}` with `resource`
//! the object serialised as a string), the HMAC-SHA256 signature of `resource` keyed with
//! the client secret, what counts as received, and the retry schedule.

use std::time::Duration;

use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use super::global::state::{GlobalTxIdx, LegalEntityIdx};
use super::onboarding::state::CardholderIdx;
use super::state::{AccountIdx, TxIdx};
use super::wire::ms;
use crate::clock::Timestamp;
use crate::providers::{Provider, Unsigned};
use crate::tenant::World;
use crate::webhooks::{Delivery, Policy};

/// 16 retries, each after the previous attempt; the receiver has 5 s.
pub(crate) const POLICY: Policy = Policy {
    retry_delays_s: &[
        10, 30, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 1200, 1800, 3600, 7200,
    ],
    timeout: Duration::from_secs(5),
    give_up_after_s: None,
};

pub(crate) const EXPECTED: &str = "Interlace wants HTTP 200 with {\"received\": true}";

/// Queues `event` with `resource` when the tenant has an Interlace URL.
pub(super) fn emit(world: &mut World, event: &str, resource: &impl Serialize) {
    if !world.webhooks.wants(Provider::Interlace) {
        return;
    }
    match serde_json::to_value(resource) {
        Ok(payload) => {
            let now = world.now();
            world
                .webhooks
                .emit(now, Provider::Interlace, event, payload);
        }
        Err(e) => tracing::error!(error = %e, event, "could not serialise a webhook resource"),
    }
}

/// `CARD_TRANSACTION.CREATED` for the transaction at `index`.
pub(super) fn card_transaction_created(world: &mut World, index: TxIdx) {
    if !world.webhooks.wants(Provider::Interlace) {
        return;
    }
    let view = super::handlers::transaction_view(world, &world.interlace.transactions[index]);
    emit(world, "CARD_TRANSACTION.CREATED", &view);
}

/// `CARD_TRANSACTION.UPDATED` when the transaction at `index` changes status (an
/// authorisation closed by its clearing or reversal).
pub(super) fn card_transaction_updated(world: &mut World, index: TxIdx) {
    if !world.webhooks.wants(Provider::Interlace) {
        return;
    }
    let view = super::handlers::transaction_view(world, &world.interlace.transactions[index]);
    emit(world, "CARD_TRANSACTION.UPDATED", &view);
}

/// `BUSINESS_ACCOUNT_TRANSACTION.CREATED` or `.STATUS_CHANGED` for the business account
/// transaction at `index`.
pub(super) fn business_transaction(world: &mut World, index: GlobalTxIdx, event: &str) {
    if !world.webhooks.wants(Provider::Interlace) {
        return;
    }
    let view = super::global::wire::TransactionView::of(
        world,
        &world.interlace.global.transactions[index],
    );
    emit(world, event, &view);
}

/// `LEGAL_ENTITY.STATUS_CHANGED` for the legal entity at `index`.
pub(super) fn legal_entity_status(world: &mut World, index: LegalEntityIdx) {
    if !world.webhooks.wants(Provider::Interlace) {
        return;
    }
    let view = super::global::wire::LegalEntityView::of(
        world,
        &world.interlace.global.legal_entities[index],
    );
    emit(world, "LEGAL_ENTITY.STATUS_CHANGED", &view);
}

/// `KYC.STATUS_CHANGED` when an account's KYC case is submitted or reviewed; the
/// resource is the account's CDD detail.
pub(super) fn kyc_status(world: &mut World, account: AccountIdx) {
    if !world.webhooks.wants(Provider::Interlace) {
        return;
    }
    let view = super::onboarding::wire::CddView::of(world, account);
    emit(world, "KYC.STATUS_CHANGED", &view);
}

/// `CARDHOLDER.STATUS_CHANGED` when a cardholder's review ends.
pub(super) fn cardholder_status(world: &mut World, index: CardholderIdx) {
    if !world.webhooks.wants(Provider::Interlace) {
        return;
    }
    let view =
        super::onboarding::wire::CardholderView::of(&world.interlace.onboarding.cardholders[index]);
    emit(world, "CARDHOLDER.STATUS_CHANGED", &view);
}

/// `ACCOUNT_NEGATIVE.BATCH` for each BatchHook page in `pages` (one delivery a page).
pub(super) fn negative_batches(world: &mut World, pages: std::ops::Range<usize>) {
    if !world.webhooks.wants(Provider::Interlace) {
        return;
    }
    let links = world.webhooks.files.clone();
    for index in pages {
        let view = super::files::batch_view(world, index, &links);
        emit(world, "ACCOUNT_NEGATIVE.BATCH", &view);
    }
}

/// One attempt: the client secret and body gathered under the tenant lock; the
/// HMAC signature made by the returned closure, after the lock.
pub(crate) fn request(
    world: &World,
    delivery: &Delivery,
    now: Timestamp,
) -> Result<Unsigned, String> {
    let secret = world
        .interlace
        .clients
        .first()
        .map(|c| c.client_secret.clone())
        .ok_or("the tenant has no Interlace client whose secret could sign the notification")?;
    let mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|e| e.to_string())?;
    let resource = delivery.payload.to_string();
    let body = serde_json::json!({
        "eventType": delivery.event,
        "apiVersion": "v3",
        "code": "000000",
        "message": "",
        "resource": resource,
        "createTime": ms(delivery.created_at),
        "id": delivery.event_id,
    });
    let timestamp = now.as_millis().to_string();
    Ok(Box::new(move || {
        let mut mac = mac;
        mac.update(resource.as_bytes());
        let signature =
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        let headers = vec![
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("Signature-Method".to_owned(), "HMAC-SHA256".to_owned()),
            ("Signature".to_owned(), signature),
            ("Timestamp".to_owned(), timestamp),
        ];
        (headers, body.to_string())
    }))
}

/// HTTP 200 with `{"received": true}`.
pub(crate) fn accepted(status: u16, body: &[u8]) -> bool {
    status == 200
        && serde_json::from_slice::<serde_json::Value>(body)
            .is_ok_and(|v| v.get("received") == Some(&serde_json::Value::Bool(true)))
}

/// What a receiver makes of a notification: `Signature` must be the base64
/// HMAC-SHA256 of the body's `resource` string keyed with the client `secret`, as a
/// merchant's server checks it. `None` when the body is not an Interlace notification
/// (no `eventType`).
pub fn inspect(
    secret: &str,
    signature: Option<&str>,
    body: &[u8],
) -> Option<crate::providers::Inspected> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let event = value.get("eventType")?.as_str()?.to_owned();
    let id = value
        .get("id")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let verdict = match (value.get("resource"), signature) {
        (_, None) => Err("no Signature header".to_owned()),
        (Some(serde_json::Value::String(resource)), Some(signature)) => {
            verify(secret, resource, signature)
        }
        (_, Some(_)) => Err("`resource` is not a string".to_owned()),
    };
    Some(crate::providers::Inspected { event, id, verdict })
}

fn verify(secret: &str, resource: &str, signature: &str) -> Result<(), String> {
    let expected = base64::engine::general_purpose::STANDARD
        .decode(signature.trim())
        .map_err(|_| "the Signature header is not base64".to_owned())?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|e| e.to_string())?;
    mac.update(resource.as_bytes());
    mac.verify_slice(&expected).map_err(|_| {
        "the Signature is not the HMAC-SHA256 of `resource` with this secret".to_owned()
    })
}
