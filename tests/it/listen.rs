//! `card-sandbox listen`, the webhook receiver, on a loopback port: it verifies the
//! sandbox's own Interlace and HyperCard deliveries with its defaults, refuses bad
//! signatures, answers a chosen status (which the sandbox then retries) and keeps the
//! last deliveries, newest first.

use std::time::Duration;

use card_sandbox::cli::ListenArgs;
use card_sandbox::commands::listen_receiver;
use serde_json::{Value, json};

use crate::support::TestApp;

/// A receiver built from `listen`'s own flags, serving on a loopback port: its base URL.
async fn start(status: Option<u16>, keep: usize) -> String {
    let receiver = listen_receiver(&ListenArgs {
        bind: "127.0.0.1:0".to_owned(),
        interlace_secret: None,
        hypercard_public_key: None,
        status,
        keep,
    })
    .expect("the defaults make a receiver");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let addr = listener.local_addr().expect("bound");
    tokio::spawn(card_sandbox::listen::serve(
        listener,
        receiver,
        std::future::pending(),
    ));
    format!("http://{addr}")
}

async fn deliveries(base: &str) -> Vec<Value> {
    let bytes = reqwest::get(format!("{base}/deliveries"))
        .await
        .expect("the receiver answers")
        .bytes()
        .await
        .expect("a body");
    let answer: Value = serde_json::from_slice(&bytes).expect("JSON");
    answer["deliveries"].as_array().expect("a list").clone()
}

/// Waits (up to 10 s of real time) until the receiver kept `n` deliveries.
async fn wait_for(base: &str, n: usize) -> Vec<Value> {
    for _ in 0..200 {
        let got = deliveries(base).await;
        if got.len() >= n {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the receiver kept {} deliveries, expected {n}",
        deliveries(base).await.len()
    );
}

async fn post(base: &str, headers: &[(&str, &str)], body: &str) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{base}/webhooks"))
        .body(body.to_owned());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("the receiver answers");
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("a body");
    (status, serde_json::from_slice(&bytes).expect("JSON"))
}

/// The default world with both providers' webhooks sent to `base`; the first
/// HyperCard and Interlace cards of its inventory.
async fn default_world_sending_to(base: &str) -> (TestApp, String, String) {
    let app = TestApp::embedded();
    let url = format!("{base}/webhooks");
    let answer = app
        .call(
            axum::http::Method::PUT,
            "/_sandbox/tenants/default/webhooks/config",
            Some(&json!({"interlace": {"url": url}, "hypercard": {"url": url}}).to_string()),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let tenant = app.get("/_sandbox/tenants/default").await.json();
    let card = |provider: &str| {
        tenant["inventory"][provider]["cards"][0]
            .as_str()
            .expect("a card")
            .to_owned()
    };
    let (hypercard, interlace) = (card("hypercard"), card("interlace"));
    (app, hypercard, interlace)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_verifies_the_sandboxs_own_deliveries_with_its_defaults() {
    let base = start(None, 100).await;
    let (app, hypercard_card, interlace_card) = default_world_sending_to(&base).await;
    app.simulate(
        "hypercard",
        "consume",
        &json!({"card_id": hypercard_card, "amount": "1.00"}),
    )
    .await;
    let got = wait_for(&base, 1).await;
    assert_eq!(got[0]["provider"], "hypercard");
    assert_eq!(got[0]["event"], "CONSUME");
    assert_eq!(got[0]["signature_ok"], true, "{}", got[0]);
    assert_eq!(got[0]["problem"], Value::Null);
    assert_eq!(got[0]["status"], 200);
    assert_eq!(got[0]["path"], "/webhooks");
    assert_eq!(got[0]["body"]["card_id"], hypercard_card.as_str());

    app.simulate(
        "interlace",
        "card-transaction",
        &json!({"cardId": interlace_card, "type": "authorization", "amount": "1.00"}),
    )
    .await;
    let got = wait_for(&base, 2).await;
    assert_eq!(got[0]["provider"], "interlace");
    assert_eq!(got[0]["event"], "CARD_TRANSACTION.CREATED");
    assert_eq!(got[0]["signature_ok"], true, "{}", got[0]);
    assert_eq!(got[0]["seq"], 2);
    assert_eq!(got[1]["seq"], 1, "newest first");
    assert!(
        !got[0]["id"].as_str().expect("an id").is_empty(),
        "the Interlace event id"
    );
    // The sandbox took the receiver's answers as acknowledgements.
    for _ in 0..100 {
        let journal = app.get("/_sandbox/tenants/default/webhooks").await.json();
        let deliveries = journal["deliveries"].as_array().expect("deliveries");
        if deliveries.len() == 2 && deliveries.iter().all(|d| d["status"] == "delivered") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the sandbox never recorded both deliveries as delivered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_refuses_bad_signatures_and_what_no_provider_sends() {
    let base = start(None, 100).await;
    let resource = r#"{"id":"t1"}"#;
    let interlace =
        json!({"eventType": "CARD_TRANSACTION.CREATED", "resource": resource, "id": "e1"});
    let (status, answer) = post(
        &base,
        &[("signature", "bm90IHRoZSBzaWduYXR1cmU=")],
        &interlace.to_string(),
    )
    .await;
    assert_eq!(status, 401);
    assert!(
        answer["error"]
            .as_str()
            .expect("why")
            .contains("HMAC-SHA256")
    );

    let (status, _) = post(&base, &[], &interlace.to_string()).await;
    assert_eq!(status, 401, "no signature at all");

    let push = json!({"notify_type": "RECHARGE", "card_id": "123", "mc_trade_no": "m1"});
    let (status, _) = post(
        &base,
        &[
            ("timestamp", "1700000000"),
            ("nonce", "abc"),
            ("api-key", "k"),
            ("signature", "AAAA"),
        ],
        &push.to_string(),
    )
    .await;
    assert_eq!(status, 401);

    let (status, _) = post(&base, &[], r#"{"hello": "world"}"#).await;
    assert_eq!(status, 400);
    let (status, _) = post(&base, &[], "not json").await;
    assert_eq!(status, 400);

    let got = deliveries(&base).await;
    assert_eq!(got.len(), 5);
    assert_eq!(got[0]["provider"], Value::Null);
    assert_eq!(got[0]["body"], "not json", "text bodies are kept as text");
    assert_eq!(got[2]["provider"], "hypercard");
    assert_eq!(got[2]["event"], "RECHARGE");
    assert_eq!(got[2]["id"], "m1");
    assert_eq!(got[2]["signature_ok"], false);
    assert!(
        got[2]["problem"]
            .as_str()
            .expect("why")
            .contains("platform public key")
    );
    assert_eq!(got[3]["problem"], "no Signature header");
    assert_eq!(got[4]["provider"], "interlace");
    assert_eq!(got[4]["id"], "e1");
    assert_eq!(got[4]["status"], 401);

    let cleared = reqwest::Client::new()
        .delete(format!("{base}/deliveries"))
        .send()
        .await
        .expect("answers");
    assert_eq!(cleared.status(), 204);
    assert!(deliveries(&base).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_answers_the_chosen_status_so_the_sandbox_retries() {
    let base = start(Some(503), 2).await;
    let (app, hypercard_card, _) = default_world_sending_to(&base).await;
    app.simulate(
        "hypercard",
        "consume",
        &json!({"card_id": hypercard_card, "amount": "1.00"}),
    )
    .await;
    let got = wait_for(&base, 1).await;
    assert_eq!(got[0]["status"], 503);
    assert_eq!(
        got[0]["signature_ok"], true,
        "the signature is checked all the same"
    );
    // The first retry is due a minute later on the tenant clock.
    app.advance(60).await;
    let got = wait_for(&base, 2).await;
    assert_eq!(got[0]["status"], 503);
    let journal = app.get("/_sandbox/tenants/default/webhooks").await.json();
    let delivery = &journal["deliveries"][0];
    assert_eq!(delivery["status"], "pending", "{delivery}");
    assert_eq!(delivery["attempts"][0]["response_status"], 503);

    // Only the last two deliveries are kept.
    app.advance(300).await;
    for _ in 0..200 {
        let got = deliveries(&base).await;
        if got[0]["seq"] == 3 {
            assert_eq!(got.len(), 2);
            assert_eq!(got[1]["seq"], 2);
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the third attempt never arrived");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_answers_the_provider_acknowledgement_when_told_200() {
    let base = start(Some(200), 10).await;
    let (status, answer) = post(
        &base,
        &[("signature", "AAAA")],
        &json!({"eventType": "X", "resource": "{}", "id": "e"}).to_string(),
    )
    .await;
    assert_eq!((status, answer), (200, json!({"received": true})));
    let wrong_method = reqwest::get(format!("{base}/webhooks"))
        .await
        .expect("answers");
    assert_eq!(wrong_method.status(), 405);
}
