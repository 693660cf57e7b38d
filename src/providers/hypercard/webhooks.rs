//! HyperCard push notifications: the events the operations emit (fields at the top level
//! with `notify_type`), signed exactly like requests but with the sandbox platform's
//! private key, what counts as received (`{"code": 1}`), and the retry schedule.

use std::sync::OnceLock;
use std::time::Duration;

use serde_json::{Map, Value, json};

use super::canonical::canonical_string;
use super::keys::PLATFORM_PRIVATE_KEY_PEM;
use super::signature::{PrivateKey, PublicKey, sign_request};
use super::state::{ApplicationIdx, RecordIdx};
use crate::clock::Timestamp;
use crate::providers::{Provider, Unsigned};
use crate::tenant::World;
use crate::webhooks::{Delivery, Policy};

/// Retries 1, 5, 30, 60 min, 2, 4, 12, 24 h after the previous attempt; no retry is
/// scheduled once 24 h have passed since the first attempt. The receiver has 10 s.
pub(crate) const POLICY: Policy = Policy {
    retry_delays_s: &[60, 300, 1800, 3600, 7200, 14_400, 43_200, 86_400],
    timeout: Duration::from_secs(10),
    give_up_after_s: Some(86_400),
};

pub(crate) const EXPECTED: &str = "HyperCard wants HTTP 200 with {\"code\": 1}";

fn platform_key() -> Result<&'static PrivateKey, String> {
    static KEY: OnceLock<Result<PrivateKey, String>> = OnceLock::new();
    KEY.get_or_init(|| PrivateKey::from_pem(PLATFORM_PRIVATE_KEY_PEM).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(Clone::clone)
}

/// Queues a push with these fields when the tenant has a HyperCard URL.
fn emit(world: &mut World, notify_type: &str, fields: Value) {
    if !world.webhooks.wants(Provider::Hypercard) {
        return;
    }
    let now = world.now();
    world
        .webhooks
        .emit(now, Provider::Hypercard, notify_type, fields);
}

/// `RECHARGE` for a settled or failed recharge (`result` "1" success, "2" failure, a
/// string as the documentation's example sends it).
pub(super) fn recharge(world: &mut World, card_id: &str, mc_trade_no: &str, success: bool) {
    emit(
        world,
        "RECHARGE",
        json!({"card_id": card_id, "mc_trade_no": mc_trade_no,
               "result": if success { "1" } else { "2" }, "remark": ""}),
    );
}

/// `OPEN_CARD` when an application's review ends: `result` 1 issued, 2 refused (a
/// number, as the documentation's table says), the refusal's reason as `remark`.
pub(super) fn open_card(world: &mut World, application: ApplicationIdx) {
    let a = &world.hypercard.applications[application];
    let card_type_id = world.hypercard.products[world.hypercard.cards[a.card].product]
        .card_type_id
        .clone();
    let fields = json!({"card_type_id": card_type_id, "email": a.email, "mobile": a.mobile,
        "mobile_code": a.mobile_code, "result": a.result, "remark": a.fail_reason,
        "mc_trade_no": a.mc_trade_no});
    emit(world, "OPEN_CARD", fields);
}

/// `CARD_STATUS_CHANGE` with the card status codes.
pub(super) fn card_status_change(world: &mut World, card_id: &str, old: u8, new: u8) {
    emit(
        world,
        "CARD_STATUS_CHANGE",
        json!({"card_id": card_id, "old_status": old, "new_status": new}),
    );
}

/// `OPERATION` when a card operation was carried out (`operate_status` "1", a string as
/// the documentation shows it).
pub(super) fn operation(world: &mut World, card_id: &str, request_number: &str, kind: u8) {
    emit(
        world,
        "OPERATION",
        json!({"request_number": request_number, "operate_status": "1", "card_id": card_id, "type": kind}),
    );
}

/// The push for a new transaction record, its fields those of the record in Transaction
/// Query v3: `CONSUME` (business type 1), `TRANSACTION_CHANGE` (3 withdrawal, 8 refund,
/// 10 fee), `BUY_COIN` (101), `CANCEL_CARD` (102). Recharges (2) send `RECHARGE` when
/// they settle.
pub(super) fn record(world: &mut World, index: RecordIdx) {
    if !world.webhooks.wants(Provider::Hypercard) {
        return;
    }
    let record = &world.hypercard.records[index];
    let notify_type = match record.detail.business_type() {
        1 => "CONSUME",
        3 | 8 | 10 => "TRANSACTION_CHANGE",
        101 => "BUY_COIN",
        102 => "CANCEL_CARD",
        _ => return,
    };
    match serde_json::to_value(super::wire::TxRecord::of(&world.hypercard, record)) {
        Ok(fields) => emit(world, notify_type, fields),
        Err(e) => tracing::error!(error = %e, notify_type, "could not serialise a push"),
    }
}

/// One attempt: the merchant, fields and nonce gathered under the tenant lock; the
/// RSA signature (about 0.4 ms) made by the returned closure, after the lock.
pub(crate) fn request(
    world: &mut World,
    delivery: &Delivery,
    now: Timestamp,
) -> Result<Unsigned, String> {
    let api_key = world
        .hypercard
        .merchants
        .first()
        .map(|m| m.api_key.clone())
        .ok_or("the tenant has no HyperCard merchant to notify")?;
    let key = platform_key()?;
    let mut body = Map::new();
    body.insert(
        "notify_type".to_owned(),
        Value::String(delivery.event.clone()),
    );
    if let Value::Object(fields) = &delivery.payload {
        for (name, value) in fields {
            body.insert(name.clone(), value.clone());
        }
    }
    let nonce = world.webhooks.hex(10);
    let timestamp = now.as_secs();
    Ok(Box::new(move || {
        let signed = sign_request(key, &api_key, timestamp, &nonce, "1.0", Some("en"), &body);
        let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
        headers.extend(signed.into_iter().map(|(n, v)| (n.to_owned(), v)));
        (headers, Value::Object(body).to_string())
    }))
}

/// HTTP 200 with an integer `code` of 1.
pub(crate) fn accepted(status: u16, body: &[u8]) -> bool {
    status == 200
        && serde_json::from_slice::<Value>(body).is_ok_and(|v| v.get("code") == Some(&json!(1)))
}

/// What a receiver makes of a push: the `signature` header must verify the canonical
/// string of the signed headers and the body with the platform's public `key`, as a
/// merchant's server checks it. `None` when the body is not a HyperCard push (no
/// `notify_type`). `headers` are name and value pairs as received.
pub fn inspect(
    key: &PublicKey,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Option<crate::providers::Inspected> {
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(body) else {
        return None;
    };
    let event = fields.get("notify_type")?.as_str()?.to_owned();
    let id = ["tx_id", "mc_trade_no", "request_number", "card_id"]
        .iter()
        .find_map(|name| match fields.get(*name) {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let signature = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("signature"))
        .map(|(_, value)| *value);
    let verdict = match signature {
        None => Err("no signature header".to_owned()),
        Some(signature) if key.verify(&canonical_string(headers, &fields), signature) => Ok(()),
        Some(_) => Err(
            "the signature does not verify with the platform public key over the canonical string"
                .to_owned(),
        ),
    };
    Some(crate::providers::Inspected { event, id, verdict })
}
