//! Webhooks against a real receiver on port 0: Interlace's HMAC signature, HyperCard's
//! platform-key signature, retries at the scheduled tenant-clock times, success ending
//! them, redelivery, the queue limit and configuration errors. The apps here run no
//! webhook worker: each test sends what is due in one step
//! (`TestApp::deliver_webhooks`) and then checks exactly what arrived, with no waiting
//! on real time. `listen.rs` covers the worker itself.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{Map, Value, json};
use sha2::Sha256;

use crate::support::TestApp;

/// What the receiver got and what it answers.
#[derive(Debug, Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
    answer: Arc<Mutex<(u16, String)>>,
}

impl Receiver {
    /// Listens on a loopback port; answers `status` with `body` until told otherwise.
    async fn start(status: u16, body: &str) -> (Self, String) {
        let receiver = Self::default();
        receiver.answer_with(status, body);
        let app = Router::new()
            .route("/hook", axum::routing::post(receive))
            .with_state(receiver.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds");
        let addr = listener.local_addr().expect("bound");
        tokio::spawn(async move { axum::serve(listener, app).await });
        (receiver, format!("http://{addr}/hook"))
    }

    fn answer_with(&self, status: u16, body: &str) {
        *self.answer.lock().expect("lock") = (status, body.to_owned());
    }

    fn count(&self) -> usize {
        self.got.lock().expect("lock").len()
    }

    fn get(&self, i: usize) -> (HeaderMap, Value) {
        let got = self.got.lock().expect("lock");
        let (headers, body) = got[i].clone();
        (headers, serde_json::from_slice(&body).expect("a JSON body"))
    }
}

async fn receive(
    State(receiver): State<Receiver>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    receiver.got.lock().expect("lock").push((headers, body));
    let (status, body) = receiver.answer.lock().expect("lock").clone();
    (StatusCode::from_u16(status).expect("a status"), body)
}

/// Sends what is due on the tenant clock, then checks the receiver got exactly `n`
/// requests in all.
async fn delivered(app: &TestApp, receiver: &Receiver, n: usize) {
    app.deliver_webhooks().await;
    assert_eq!(receiver.count(), n, "requests the receiver got");
}

/// The delivery journal, checking its newest delivery has `attempts` attempts recorded.
async fn journal_with_attempts(app: &TestApp, attempts: usize) -> Value {
    let journal = app.get("/_sandbox/tenants/default/webhooks").await.json();
    assert_eq!(
        journal["deliveries"][0]["attempts"]
            .as_array()
            .map(Vec::len),
        Some(attempts),
        "{journal}"
    );
    journal
}

async fn configure(app: &TestApp, config: Value) {
    let answer = app
        .call(
            axum::http::Method::PUT,
            "/_sandbox/tenants/default/webhooks/config",
            Some(&config.to_string()),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("header {name}"))
}

async fn card_transaction(app: &TestApp) {
    crate::interlace::simulate(
        app,
        "card-transaction",
        json!({"cardId": crate::interlace::CARD, "type": "authorization", "amount": "12.50", "merchantName": "BLUE BOTTLE", "mcc": "5812"}),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interlace_notifications_carry_the_resource_and_verify_with_the_client_secret() {
    let app = TestApp::manual_webhooks(crate::interlace::SCENARIO);
    let (receiver, url) = Receiver::start(200, r#"{"received": true}"#).await;
    configure(&app, json!({"interlace": {"url": url}})).await;
    card_transaction(&app).await;
    delivered(&app, &receiver, 1).await;
    let (headers, body) = receiver.get(0);
    assert_eq!(header(&headers, "signature-method"), "HMAC-SHA256");
    let timestamp = header(&headers, "timestamp");
    assert_eq!(timestamp.len(), 13, "milliseconds");
    assert_eq!(body["eventType"], "CARD_TRANSACTION.CREATED");
    assert_eq!(body["apiVersion"], "v3");
    assert_eq!(body["code"], "000000");
    let resource = body["resource"]
        .as_str()
        .expect("the resource is a JSON string");
    let mut mac = Hmac::<Sha256>::new_from_slice(b"secret-1").expect("a key");
    mac.update(resource.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    assert_eq!(header(&headers, "signature"), expected);
    let resource: Value = serde_json::from_str(resource).expect("the resource is JSON");
    assert_eq!(resource["cardId"], crate::interlace::CARD);
    assert_eq!(resource["transactionAmount"], "12.50");
    let listed = crate::interlace::get(
        &app,
        &crate::interlace::login(&app).await,
        &format!(
            "/open-api/v3/card/transactions?cardId={}",
            crate::interlace::CARD
        ),
    )
    .await;
    assert!(
        listed["data"]["list"]
            .as_array()
            .expect("a list")
            .iter()
            .any(|t| t["id"] == resource["id"]),
        "the notified transaction is the listed one"
    );
    delivered(&app, &receiver, 1).await;
    let journal = journal_with_attempts(&app, 1).await;
    assert_eq!(journal["deliveries"][0]["status"], "delivered");
    assert_eq!(
        journal["deliveries"][0]["attempts"][0]["response_status"],
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_receiver_gets_retries_at_the_scheduled_clock_times_until_it_succeeds() {
    let app = TestApp::manual_webhooks(crate::interlace::SCENARIO);
    let (receiver, url) = Receiver::start(500, "down").await;
    configure(&app, json!({"interlace": {"url": url}})).await;
    card_transaction(&app).await;
    delivered(&app, &receiver, 1).await;
    delivered(&app, &receiver, 1).await;
    app.advance(9).await;
    delivered(&app, &receiver, 1).await;
    app.advance(1).await;
    delivered(&app, &receiver, 2).await;
    app.advance(29).await;
    delivered(&app, &receiver, 2).await;
    app.advance(1).await;
    delivered(&app, &receiver, 3).await;
    let journal = journal_with_attempts(&app, 3).await;
    let delivery = &journal["deliveries"][0];
    assert_eq!(delivery["status"], "pending");
    let times: Vec<&str> = delivery["attempts"]
        .as_array()
        .expect("attempts")
        .iter()
        .map(|a| a["at"].as_str().expect("a time"))
        .collect();
    assert_eq!(
        times,
        [
            "2026-03-01T12:00:00Z",
            "2026-03-01T12:00:10Z",
            "2026-03-01T12:00:40Z"
        ]
    );
    assert_eq!(
        delivery["next_attempt_at"], "2026-03-01T12:01:40Z",
        "then 1 min"
    );
    assert_eq!(
        delivery["attempts"][0]["error"],
        "Interlace wants HTTP 200 with {\"received\": true}"
    );
    receiver.answer_with(200, r#"{"received": true}"#);
    app.advance(60).await;
    delivered(&app, &receiver, 4).await;
    app.advance(3600).await;
    delivered(&app, &receiver, 4).await;
    let journal = journal_with_attempts(&app, 4).await;
    assert_eq!(journal["deliveries"][0]["status"], "delivered");
    let id = journal["deliveries"][0]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let again = app
        .post(
            &format!("/_sandbox/tenants/default/webhooks/{id}/redeliver"),
            "{}",
        )
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text());
    delivered(&app, &receiver, 5).await;
    let unknown = app
        .post(
            "/_sandbox/tenants/default/webhooks/wh-999999/redeliver",
            "{}",
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hypercard_pushes_verify_with_the_shipped_platform_key() {
    use card_sandbox::providers::hypercard::canonical::canonical_string;
    use card_sandbox::providers::hypercard::keys::PLATFORM_PUBLIC_KEY_PEM;
    use card_sandbox::providers::hypercard::signature::PublicKey;

    let app = TestApp::manual_webhooks(crate::hypercard::SCENARIO);
    let (receiver, url) = Receiver::start(200, r#"{"code": 1, "msg": "ok", "data": {}}"#).await;
    configure(&app, json!({"hypercard": {"url": url}})).await;
    let client = crate::hypercard::Client::new(&app);
    let answer = client
        .post(
            "/openapi/card/operation",
            json!({"card_id": crate::hypercard::USD_CARD, "request_number": "op-1", "type": 1}),
        )
        .await;
    assert_eq!(answer.json()["code"], "00000", "{}", answer.text());
    delivered(&app, &receiver, 2).await;
    assert_eq!(
        receiver.get(1).1,
        json!({"notify_type": "OPERATION", "request_number": "op-1", "operate_status": "1", "card_id": crate::hypercard::USD_CARD, "type": 1})
    );
    let (headers, body) = receiver.get(0);
    assert_eq!(
        body,
        json!({"notify_type": "CARD_STATUS_CHANGE", "card_id": crate::hypercard::USD_CARD, "old_status": 9, "new_status": 10})
    );
    let names = ["timestamp", "nonce", "api-key", "version", "lang"];
    let pairs: Vec<(&str, &str)> = names.iter().map(|n| (*n, header(&headers, n))).collect();
    let Value::Object(map) = body else {
        panic!("an object")
    };
    let canonical = canonical_string(&pairs, &map);
    let key = PublicKey::from_pem(PLATFORM_PUBLIC_KEY_PEM).expect("the shipped key");
    assert!(
        key.verify(&canonical, header(&headers, "signature")),
        "the signature verifies"
    );
    let mut tampered: Map<String, Value> = map.clone();
    tampered.insert("new_status".to_owned(), json!(9));
    assert!(!key.verify(
        &canonical_string(&pairs, &tampered),
        header(&headers, "signature")
    ));
    delivered(&app, &receiver, 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_limit_drops_and_journals_the_excess() {
    let app = TestApp::manual_webhooks(crate::interlace::SCENARIO);
    // Nothing listens on port 9: every attempt fails and the deliveries stay pending.
    configure(
        &app,
        json!({"interlace": {"url": "http://127.0.0.1:9/hook"}, "queue_limit": 2}),
    )
    .await;
    for _ in 0..3 {
        card_transaction(&app).await;
    }
    let journal = app.get("/_sandbox/tenants/default/webhooks").await.json();
    let statuses: Vec<&str> = journal["deliveries"]
        .as_array()
        .expect("deliveries")
        .iter()
        .map(|d| d["status"].as_str().expect("a status"))
        .collect();
    assert_eq!(statuses, ["dropped", "pending", "pending"]);
    assert_eq!(
        journal["deliveries"][0]["error"],
        "the queue was full (2 pending deliveries)"
    );
    let metrics = app.get("/_sandbox/metrics").await.text();
    assert!(
        metrics.contains("sandbox_webhook_dropped_events{provider=\"interlace\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("sandbox_webhook_deliveries{provider=\"interlace\",status=\"pending\"} 2"),
        "{metrics}"
    );
}

#[tokio::test]
async fn bad_configurations_are_refused_with_the_field() {
    let app = TestApp::new();
    for (name, body) in [
        ("not_a_url", json!({"interlace": {"url": "receiver"}})),
        (
            "https",
            json!({"hypercard": {"url": "https://example.test/hook"}}),
        ),
        (
            "unknown_provider",
            json!({"opcard": {"url": "http://127.0.0.1:1/"}}),
        ),
        ("misbehaviour", json!({"misbehaviour": {"duplicate": 2}})),
        ("unknown_knob", json!({"misbehaviour": {"explode": true}})),
    ] {
        let answer = app
            .call(
                axum::http::Method::PUT,
                "/_sandbox/tenants/default/webhooks/config",
                Some(&body.to_string()),
            )
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{name}");
        insta::assert_json_snapshot!(format!("webhooks_config_error_{name}"), answer.json());
    }
    assert_eq!(
        app.get("/_sandbox/tenants/default/webhooks/config")
            .await
            .json(),
        json!({}),
        "nothing changed"
    );
}

#[tokio::test]
async fn a_scenarios_webhooks_section_configures_the_tenant_and_is_exported() {
    let yaml = format!(
        "{}webhooks:\n  interlace:\n    url: http://127.0.0.1:9/hook\n  queue_limit: 50\n",
        crate::interlace::SCENARIO
    );
    let app = TestApp::manual_webhooks(&yaml);
    assert_eq!(
        app.get("/_sandbox/tenants/default/webhooks/config")
            .await
            .json(),
        json!({"interlace": {"url": "http://127.0.0.1:9/hook"}, "queue_limit": 50})
    );
    assert_eq!(
        app.get("/_sandbox/tenants/default/webhooks").await.json(),
        json!({"deliveries": []}),
        "the scenario's own history sends nothing"
    );
    let export = app.export_state("default").await;
    assert!(export.contains("url: http://127.0.0.1:9/hook"), "{export}");
    let bad = yaml.replace("http://127.0.0.1:9/hook", "ftp://x/hook");
    let error = card_sandbox::scenario::parse("bad.yaml", &bad).expect_err("refused");
    assert!(
        error
            .to_string()
            .contains("webhooks.interlace.url: the scheme must be http"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_hook_of_250_negative_accounts_arrives_as_three_pages() {
    let mut yaml = String::from(
        "version: 1\nseed: 9\nclock:\n  start: \"2026-03-01T12:00:00Z\"\ninterlace:\n  clients:\n    - client_id: c\n      client_secret: s\n  accounts:\n",
    );
    for i in 0..250 {
        yaml.push_str(&format!(
            "    - key: a{i}\n      type: 1\n      name: \"Customer {i}\"\n"
        ));
    }
    yaml.push_str("  cards:\n");
    for i in 0..250 {
        yaml.push_str(&format!(
            "    - account: a{i}\n      id: \"c0000000-0000-4000-8000-{i:012}\"\n"
        ));
    }
    let app = TestApp::manual_webhooks(&yaml);
    for i in 0..250 {
        crate::interlace::simulate(
            &app,
            "card-transaction",
            json!({"cardId": format!("c0000000-0000-4000-8000-{i:012}"), "type": "fee", "amount": "1.25"}),
        )
        .await;
    }
    let (receiver, url) = Receiver::start(200, r#"{"received": true}"#).await;
    configure(&app, json!({"interlace": {"url": url}})).await;
    crate::interlace::simulate(&app, "negative-stat", json!({})).await;
    delivered(&app, &receiver, 3).await;
    delivered(&app, &receiver, 3).await;
    let pages: Vec<Value> = (0..3)
        .map(|i| {
            let (_, body) = receiver.get(i);
            assert_eq!(body["eventType"], "ACCOUNT_NEGATIVE.BATCH");
            serde_json::from_str(body["resource"].as_str().expect("a string")).expect("JSON")
        })
        .collect();
    let summary: Vec<(Value, Value, Value, Value, usize)> = pages
        .iter()
        .map(|p| {
            (
                p["page"].clone(),
                p["size"].clone(),
                p["total"].clone(),
                p["lastPage"].clone(),
                p["list"].as_array().expect("a list").len(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (json!(1), json!(100), json!(250), json!(false), 100),
            (json!(2), json!(100), json!(250), json!(false), 100),
            (json!(3), json!(100), json!(250), json!(true), 50),
        ]
    );
    assert!(
        pages[0]["list"]
            .as_array()
            .expect("a list")
            .iter()
            .all(|n| n["cardNegative"] == "1.25"),
        "every account is 1.25 negative: {}",
        pages[0]["list"][0]
    );
    let file_url = pages[0]["fileUrl"].as_str().expect("a fileUrl");
    assert_eq!(file_url, pages[2]["fileUrl"], "one file for the batch");
    let path = file_url
        .strip_prefix("http://sandbox.test")
        .expect("under the public URL");
    let csv = app.get(path).await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.text());
    assert_eq!(csv.text().lines().count(), 251, "a header and 250 rows");
}

/// The event ids the receiver got, in arrival order.
fn arrived_ids(receiver: &Receiver) -> Vec<String> {
    (0..receiver.count())
        .map(|i| receiver.get(i).1["id"].as_str().expect("an id").to_owned())
        .collect()
}

/// Runs `n` card transactions with `misbehaviour` and an accepting receiver; returns the
/// app, the receiver and the event ids in creation order.
async fn misbehaving(misbehaviour: Value, n: usize) -> (TestApp, Receiver, Vec<String>) {
    let app = TestApp::manual_webhooks(crate::interlace::SCENARIO);
    let (receiver, url) = Receiver::start(200, r#"{"received": true}"#).await;
    configure(
        &app,
        json!({"interlace": {"url": url}, "misbehaviour": misbehaviour}),
    )
    .await;
    for _ in 0..n {
        card_transaction(&app).await;
    }
    let journal = app.get("/_sandbox/tenants/default/webhooks").await.json();
    let mut created: Vec<String> = Vec::new();
    for d in journal["deliveries"]
        .as_array()
        .expect("deliveries")
        .iter()
        .rev()
    {
        if d["duplicate_of"].is_null() {
            created.push(d["event_id"].as_str().expect("an event id").to_owned());
        }
    }
    (app, receiver, created)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicates_come_at_the_seeded_rate_and_the_same_seed_repeats_them() {
    async fn duplicated(n: usize) -> (usize, Vec<bool>) {
        let (app, receiver, created) = misbehaving(json!({"duplicate": 0.3}), n).await;
        let journal = app.get("/_sandbox/tenants/default/webhooks").await.json();
        let deliveries = journal["deliveries"].as_array().expect("deliveries");
        let copies = deliveries
            .iter()
            .filter(|d| !d["duplicate_of"].is_null())
            .count();
        delivered(&app, &receiver, n + copies).await;
        let pattern = created
            .iter()
            .map(|id| {
                deliveries
                    .iter()
                    .filter(|d| d["event_id"] == id.as_str())
                    .count()
                    == 2
            })
            .collect();
        (copies, pattern)
    }
    let (copies, pattern) = duplicated(200).await;
    assert!(
        (35..=85).contains(&copies),
        "{copies} duplicates of 200 at 0.3"
    );
    let (_, again) = duplicated(200).await;
    assert_eq!(pattern, again, "the same events are duplicated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reorder_window_holds_events_and_sends_them_shuffled_the_same_way_each_run() {
    async fn order() -> (Vec<String>, Vec<String>) {
        let (app, receiver, created) = misbehaving(json!({"reorder_window_ms": 1000}), 12).await;
        delivered(&app, &receiver, 0).await;
        app.advance(1).await;
        delivered(&app, &receiver, 12).await;
        (created, arrived_ids(&receiver))
    }
    let (created, arrived) = order().await;
    let mut sorted = arrived.clone();
    sorted.sort();
    let mut expected = created.clone();
    expected.sort();
    assert_eq!(sorted, expected, "every event arrives once");
    assert_ne!(arrived, created, "shuffled");
    let (created_again, arrived_again) = order().await;
    assert_eq!(
        (created_again, arrived_again),
        (created, arrived),
        "the same seed, the same order"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_first_attempts_are_retried_on_schedule() {
    let (app, receiver, _) = misbehaving(json!({"drop_first_attempts": 1}), 1).await;
    delivered(&app, &receiver, 0).await;
    let journal = journal_with_attempts(&app, 1).await;
    assert_eq!(
        journal["deliveries"][0]["attempts"][0]["error"],
        "lost on purpose (misbehaviour.drop_first_attempts); not sent"
    );
    app.advance(10).await;
    delivered(&app, &receiver, 1).await;
    let journal = journal_with_attempts(&app, 2).await;
    assert_eq!(journal["deliveries"][0]["status"], "delivered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupted_signature_does_not_verify_and_a_delay_is_real() {
    let watch = card_sandbox::clock::Stopwatch::start();
    let (app, receiver, _) = misbehaving(
        json!({"fail_signature": 1.0, "delay": {"fixed_ms": 300}}),
        1,
    )
    .await;
    delivered(&app, &receiver, 1).await;
    assert!(watch.elapsed() >= Duration::from_millis(300), "a real wait");
    let (headers, body) = receiver.get(0);
    let resource = body["resource"].as_str().expect("a string");
    let mut mac = Hmac::<Sha256>::new_from_slice(b"secret-1").expect("a key");
    mac.update(resource.as_bytes());
    let good = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    let sent = header(&headers, "signature");
    assert_ne!(sent, good, "the signature was corrupted");
    assert!(
        base64::engine::general_purpose::STANDARD
            .decode(sent)
            .is_ok(),
        "still well-formed base64"
    );
    let journal = journal_with_attempts(&app, 1).await;
    assert_eq!(journal["deliveries"][0]["attempts"][0]["delayed_ms"], 300);
}

/// The (eventType, status) of every notification the receiver got, in order.
fn events_with_status(receiver: &Receiver) -> Vec<(String, String)> {
    (0..receiver.count())
        .map(|i| {
            let body = receiver.get(i).1;
            let resource: Value =
                serde_json::from_str(body["resource"].as_str().expect("a string")).expect("JSON");
            (
                body["eventType"].as_str().expect("a type").to_owned(),
                resource["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn global_account_events_follow_legal_entities_and_transactions_through_their_statuses() {
    let app = TestApp::manual_webhooks(&crate::interlace::global::scenario());
    let (receiver, url) = Receiver::start(200, r#"{"received": true}"#).await;
    configure(&app, json!({"interlace": {"url": url}})).await;
    crate::interlace::simulate(
        &app,
        "deposit",
        json!({"businessAccountId": "b0000000-0000-4000-8000-000000000001", "amount": "1000", "counterparty": "ACME LTD", "reference": "inv-1"}),
    )
    .await;
    delivered(&app, &receiver, 1).await;
    app.advance(3600).await;
    delivered(&app, &receiver, 2).await;
    let events = events_with_status(&receiver);
    assert_eq!(events[0].0, "BUSINESS_ACCOUNT_TRANSACTION.CREATED");
    assert_eq!(events[1].0, "BUSINESS_ACCOUNT_TRANSACTION.STATUS_CHANGED");
    assert_ne!(events[0].1, events[1].1, "a new status: {events:?}");
    let tenant = app.get("/_sandbox/tenants/default").await.json();
    let entity = tenant["inventory"]["interlace"]["legal_entities"][0].clone();
    let entity = entity["id"]
        .as_str()
        .or_else(|| entity.as_str())
        .unwrap_or_else(|| panic!("a legal entity id in {}", tenant["inventory"]["interlace"]))
        .to_owned();
    crate::interlace::simulate(
        &app,
        "legal-entity-status",
        json!({"id": entity, "status": "FROZEN"}),
    )
    .await;
    let wanted = (
        "LEGAL_ENTITY.STATUS_CHANGED".to_owned(),
        "FROZEN".to_owned(),
    );
    app.deliver_webhooks().await;
    assert!(
        events_with_status(&receiver).contains(&wanted),
        "{:?}",
        events_with_status(&receiver)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clearing_updates_its_authorisation() {
    let app = TestApp::manual_webhooks(crate::interlace::SCENARIO);
    let (receiver, url) = Receiver::start(200, r#"{"received": true}"#).await;
    configure(&app, json!({"interlace": {"url": url}})).await;
    let auth = crate::interlace::simulate(
        &app,
        "card-transaction",
        json!({"cardId": crate::interlace::CARD, "type": "authorization", "amount": "20", "merchantName": "SHOP", "mcc": "5411"}),
    )
    .await;
    let auth_id = auth["transaction"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("an id in {auth}"))
        .to_owned();
    crate::interlace::simulate(
        &app,
        "card-transaction",
        json!({"cardId": crate::interlace::CARD, "type": "clearing", "transactionId": auth_id, "amount": "20"}),
    )
    .await;
    delivered(&app, &receiver, 3).await;
    let events = events_with_status(&receiver);
    let kinds: Vec<&str> = events.iter().map(|(e, _)| e.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "CARD_TRANSACTION.CREATED",
            "CARD_TRANSACTION.UPDATED",
            "CARD_TRANSACTION.CREATED"
        ]
    );
    assert_eq!(events[1].1, "CLOSED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hypercard_pushes_carry_new_transaction_records() {
    let app = TestApp::manual_webhooks(crate::hypercard::SCENARIO);
    let (receiver, url) = Receiver::start(200, r#"{"code": 1, "msg": "ok", "data": {}}"#).await;
    configure(&app, json!({"hypercard": {"url": url}})).await;
    let consumed = crate::hypercard::simulate(
        &app,
        "consume",
        json!({"card_id": crate::hypercard::USD_CARD, "amount": "5"}),
    )
    .await;
    delivered(&app, &receiver, 1).await;
    let body = receiver.get(0).1;
    assert_eq!(body["notify_type"], "CONSUME", "{body}");
    assert_eq!(body["business_type"], 1, "{body}");
    assert_eq!(body["card_id"], crate::hypercard::USD_CARD);
    let tx_id = body["tx_id"].as_str().expect("a tx_id");
    assert!(
        consumed.to_string().contains(tx_id),
        "the pushed record is the simulated one: {consumed}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kyc_reviews_and_cardholder_outcomes_are_notified_signed() {
    let app = TestApp::manual_webhooks(crate::interlace::SCENARIO);
    let (receiver, url) = Receiver::start(200, r#"{"received": true}"#).await;
    configure(&app, json!({"interlace": {"url": url}})).await;
    let token = crate::interlace::login(&app).await;
    let sub = crate::interlace::onboarding::register(&app, &token, "hook@example.com").await;
    let case = crate::interlace::onboarding::pass_kyc(&app, &token, &sub).await;
    delivered(&app, &receiver, 2).await;
    let mut statuses = Vec::new();
    for i in 0..2 {
        let (headers, body) = receiver.get(i);
        assert_eq!(body["eventType"], "KYC.STATUS_CHANGED");
        let resource = body["resource"].as_str().expect("a JSON string");
        let mut mac = Hmac::<Sha256>::new_from_slice(b"secret-1").expect("a key");
        mac.update(resource.as_bytes());
        let expected =
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        assert_eq!(header(&headers, "signature"), expected);
        let resource: Value = serde_json::from_str(resource).expect("JSON");
        assert_eq!(resource["accountId"], sub.as_str());
        assert_eq!(resource["caseId"], case.as_str());
        statuses.push(resource["kycStatus"].as_str().expect("status").to_owned());
    }
    assert_eq!(statuses, ["Pending", "Passed"]);
    let holder = crate::interlace::post(
        &app,
        &token,
        "/open-api/v3/cardholders",
        json!({"accountId": sub, "binId": "1926684703962181636", "firstName": "Ada",
               "lastName": "Lovelace", "email": "ada@example.com", "dob": "1990-12-10",
               "gender": "F", "nationality": "GB", "phoneNumber": "4155550123",
               "phoneCountryCode": "1"}),
    )
    .await;
    // The review ends at once by default: the next request finds it done.
    crate::interlace::get(
        &app,
        &token,
        &format!("/open-api/v3/cardholders?accountId={sub}"),
    )
    .await;
    delivered(&app, &receiver, 3).await;
    let (_, body) = receiver.get(2);
    assert_eq!(body["eventType"], "CARDHOLDER.STATUS_CHANGED");
    let resource: Value =
        serde_json::from_str(body["resource"].as_str().expect("a string")).expect("JSON");
    assert_eq!(resource["id"], holder["data"]["id"]);
    assert_eq!(resource["status"], "ACTIVE");
}
