//! `card-sandbox listen`: a webhook receiver for developers, in the spirit of
//! `stripe listen`. It takes the sandbox's Interlace notifications and HyperCard pushes
//! on any path, checks each signature the way a merchant's server does (HMAC with the
//! Interlace client secret; RSA with the HyperCard platform public key, through the
//! providers' own `inspect` functions), prints one line per delivery, answers with the
//! provider's acknowledgement (or a status chosen to exercise the sandbox's retries), and
//! keeps the last deliveries readable as JSON at `GET /deliveries`.

use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::providers::{Inspected, Provider};

/// How the receiver checks and answers deliveries.
#[derive(Debug, Clone)]
pub struct Receiver {
    /// Per provider, what verifies its signatures (Interlace: the client secret;
    /// HyperCard: the platform public key PEM); each face inspects its own format.
    pub keys: BTreeMap<Provider, String>,
    /// Answer every delivery with this status; `None`: the provider's acknowledgement
    /// when the signature verifies, 401 when it does not, 400 for anything else.
    pub status: Option<StatusCode>,
    /// Deliveries kept for `GET /deliveries`.
    pub keep: usize,
}

/// One delivery as `GET /deliveries` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Received {
    /// 1 for the first delivery since the receiver started.
    pub seq: u64,
    /// Wall-clock time of arrival, RFC 3339.
    pub received_at: String,
    /// `interlace`, `hypercard`, or null for a body neither provider sends.
    pub provider: Option<&'static str>,
    pub event: Option<String>,
    pub id: Option<String>,
    pub signature_ok: bool,
    /// Why the signature did not verify, or why the body is not a delivery.
    pub problem: Option<String>,
    pub method: String,
    pub path: String,
    /// The status the receiver answered.
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    /// The body: JSON when it parses, else the text.
    pub body: Value,
}

#[derive(Debug)]
struct Shared {
    receiver: Receiver,
    log: Mutex<Log>,
}

#[derive(Debug, Default)]
struct Log {
    seq: u64,
    deliveries: VecDeque<Received>,
}

/// The receiver's routes: `GET`/`DELETE /deliveries`, and a delivery on any other path.
pub fn router(receiver: Receiver) -> Router {
    let shared = Arc::new(Shared {
        receiver,
        log: Mutex::new(Log::default()),
    });
    Router::new()
        .route("/deliveries", get(list).delete(clear))
        .fallback(receive)
        .with_state(shared)
}

/// Serves the receiver on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    receiver: Receiver,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(receiver))
        .with_graceful_shutdown(shutdown)
        .await
}

async fn list(State(shared): State<Arc<Shared>>) -> Response {
    let log = shared.log.lock().unwrap_or_else(PoisonError::into_inner);
    let deliveries: Vec<&Received> = log.deliveries.iter().rev().collect();
    axum::Json(json!({ "deliveries": deliveries })).into_response()
}

async fn clear(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared
        .log
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .deliveries
        .clear();
    StatusCode::NO_CONTENT
}

async fn receive(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if method != Method::POST {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            axum::Json(json!({"error": "deliveries are POSTed; GET /deliveries lists them"})),
        )
            .into_response();
    }
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
        .collect();
    let receiver = &shared.receiver;
    let inspected = identify(receiver, &pairs, &body);
    let (status, answer) = answer(receiver, inspected.as_ref());
    let (provider, event, id, signature_ok, problem) = match inspected {
        Some((provider, Inspected { event, id, verdict })) => (
            Some(provider.name()),
            Some(event),
            Some(id),
            verdict.is_ok(),
            verdict.err(),
        ),
        None => (
            None,
            None,
            None,
            false,
            Some(
                "neither an Interlace notification (eventType) nor a HyperCard push (notify_type)"
                    .to_owned(),
            ),
        ),
    };
    println!(
        "{} {} id={} signature={} -> {}",
        provider.unwrap_or("unknown"),
        event.as_deref().unwrap_or("-"),
        id.as_deref().filter(|id| !id.is_empty()).unwrap_or("-"),
        match (&problem, signature_ok) {
            (_, true) => "ok".to_owned(),
            (Some(why), false) => format!("BAD ({why})"),
            (None, false) => "BAD".to_owned(),
        },
        status.as_u16()
    );
    let record = Received {
        seq: 0,
        received_at: crate::clock::wall_now().to_rfc3339(),
        provider,
        event,
        id,
        signature_ok,
        problem,
        method: method.to_string(),
        path: uri.path().to_owned(),
        status: status.as_u16(),
        headers: pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect(),
        body: serde_json::from_slice(&body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned())),
    };
    let mut log = shared.log.lock().unwrap_or_else(PoisonError::into_inner);
    log.seq += 1;
    let seq = log.seq;
    log.deliveries.push_back(Received { seq, ..record });
    while log.deliveries.len() > receiver.keep {
        log.deliveries.pop_front();
    }
    drop(log);
    (status, axum::Json(answer)).into_response()
}

/// Which provider sent `body`, and what its signature says.
fn identify(
    receiver: &Receiver,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Option<(Provider, Inspected)> {
    receiver.keys.iter().find_map(|(provider, key)| {
        provider
            .face()
            .inspect_webhook(key, headers, body)
            .map(|inspected| (*provider, inspected))
    })
}

/// The status and body the receiver answers.
fn answer(receiver: &Receiver, inspected: Option<&(Provider, Inspected)>) -> (StatusCode, Value) {
    let acknowledgement =
        |provider: Option<Provider>| provider.map_or_else(|| json!({}), |p| p.face().webhook_ack());
    let provider = inspected.map(|(provider, _)| *provider);
    match (receiver.status, inspected) {
        (Some(StatusCode::OK), _) => (StatusCode::OK, acknowledgement(provider)),
        (Some(status), _) => (
            status,
            json!({"error": format!("answering {} as asked (--status)", status.as_u16())}),
        ),
        (
            None,
            Some((
                _,
                Inspected {
                    verdict: Ok(()), ..
                },
            )),
        ) => (StatusCode::OK, acknowledgement(provider)),
        (
            None,
            Some((
                _,
                Inspected {
                    verdict: Err(why), ..
                },
            )),
        ) => (
            StatusCode::UNAUTHORIZED,
            json!({"error": format!("signature check failed: {why}")}),
        ),
        (None, None) => (
            StatusCode::BAD_REQUEST,
            json!({"error": "not a card-sandbox webhook delivery"}),
        ),
    }
}
