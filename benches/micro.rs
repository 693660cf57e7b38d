//! Micro-benchmarks (`cargo bench`) for the hot paths the load benchmark (`bench/run`)
//! cannot isolate: HyperCard's canonical string and RSA signature check, which every
//! signed request pays (through ring and through RustCrypto's rsa, side by side), push
//! signing, one ledger posting, which every money movement pays, and the fixed-decimal
//! amount text every record of every answer prints several times.
//! Criterion keeps the last run under `target/criterion`, so a change shows as a
//! regression or an improvement against it.

use std::hint::black_box;
use std::time::Duration;

use card_sandbox::clock::{Stopwatch, Timestamp};
use card_sandbox::ledger::{AccountKind, AccountSpec, EntryDraft, Ledger, Metadata};
use card_sandbox::money::Currency;
use card_sandbox::providers::hypercard::canonical::canonical_string;
use card_sandbox::providers::hypercard::signature::{PrivateKey, PublicKey, Verifier};
use criterion::{Criterion, criterion_group, criterion_main};
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

const MERCHANT_KEY: &str = include_str!("../scenarios/keys/hypercard-merchant.pem");
const MERCHANT_PUB: &str = include_str!("../scenarios/keys/hypercard-merchant.pub.pem");

/// A Transaction Query v3 body and the headers a signed request carries.
fn request() -> (Vec<(&'static str, &'static str)>, Map<String, Value>) {
    let headers = vec![
        ("timestamp", "1780272000"),
        ("nonce", "a1b2c3d4e5"),
        ("api-key", "hc_sandbox_merchant"),
        ("version", "1.0"),
        ("lang", "en"),
    ];
    let Value::Object(body) = json!({
        "business_type": 1,
        "card_id": "2960684270306664323",
        "start_time": "1775174400",
        "end_time": "1780272000",
        "page": 1,
        "size": 10
    }) else {
        unreachable!("a JSON object literal")
    };
    (headers, body)
}

fn hypercard_signature(c: &mut Criterion) {
    let (headers, body) = request();
    let private = PrivateKey::from_pem(MERCHANT_KEY).expect("the published test key");
    let public = PublicKey::from_pem(MERCHANT_PUB).expect("the published test key");
    let signature = private.sign(&canonical_string(&headers, &body));
    let mut group = c.benchmark_group("hypercard");
    group.bench_function("canonical_string", |b| {
        b.iter(|| canonical_string(black_box(&headers), black_box(&body)));
    });
    group.bench_function("canonical_string + verify", |b| {
        b.iter(|| {
            let canonical = canonical_string(black_box(&headers), black_box(&body));
            assert!(public.verify(&canonical, black_box(&signature)));
        });
    });
    // The verifier comparison behind the choice in ARCHITECTURE.md ("Dependencies"):
    // the same RSA-1024 check through ring and through RustCrypto's rsa.
    let canonical = canonical_string(&headers, &body);
    for (name, verifier) in [
        ("verify/ring", Verifier::Ring),
        ("verify/rsa", Verifier::RustCrypto),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| assert!(public.verify_with(verifier, &canonical, black_box(&signature))));
        });
    }
    // Push signing (every HyperCard webhook), which stays with rsa: ring does not sign
    // with keys under 2048 bits.
    group.bench_function("sign/rsa", |b| {
        b.iter(|| private.sign(black_box(&canonical)));
    });
    group.finish();
}

fn ledger_posting(c: &mut Criterion) {
    let usd = Currency::parse("USD").expect("USD is known");
    let open = |ledger: &mut Ledger, key: &str, kind: AccountKind| {
        ledger
            .open_account(AccountSpec {
                key: key.to_owned(),
                kind,
                currency: usd,
                allow_negative: kind == AccountKind::External,
                opened_at: Timestamp::from_secs(0),
                metadata: Metadata::new(),
            })
            .expect("a new key")
    };
    c.bench_function("ledger/post transfer", |b| {
        // A fresh ledger per sample, so memory stays bounded however many iterations
        // criterion asks for; each posting appends to a history that keeps growing.
        b.iter_custom(|iterations| {
            let mut ledger = Ledger::new();
            let bank = open(&mut ledger, "bank", AccountKind::External);
            let card = open(&mut ledger, "card", AccountKind::Card);
            let watch = Stopwatch::start();
            for i in 0..iterations {
                let time = Timestamp::from_secs(i64::try_from(i).unwrap_or(i64::MAX));
                let draft =
                    EntryDraft::transfer(time, "consume", bank, card, Decimal::new(1250, 2))
                        .with_metadata("hypercard.tx_id", "20260601080000123456789");
                black_box(ledger.post(draft).expect("the bank may go negative"));
            }
            watch.elapsed()
        });
    });
}

/// Ten HyperCard amounts (8 decimals), what one page of ten records prints about thirty
/// of.
fn amount_text(c: &mut Criterion) {
    let amounts: Vec<Decimal> = (0..10)
        .map(|i| Decimal::new(1_234_567 + i * 7_919, 2))
        .collect();
    c.bench_function("money/format_fixed x10", |b| {
        b.iter(|| {
            for amount in &amounts {
                black_box(card_sandbox::money::format_fixed(black_box(*amount), 8));
            }
        });
    });
}

/// A default-scenario world built from the scenario (history generated through the
/// operations) against a copy of one already built: what a new tenant costs with and
/// without the registry's template (ARCHITECTURE.md, "Tenant templates").
fn tenant_world(c: &mut Criterion) {
    let scenario =
        card_sandbox::scenario::parse("default", card_sandbox::scenario::DEFAULT_SCENARIO)
            .expect("the embedded default scenario");
    let handlers = std::sync::Arc::new(card_sandbox::tenant::core_handlers());
    let start = Timestamp::from_secs(1_780_272_000);
    let build = || {
        card_sandbox::scenario::build_world_at(
            "default",
            &scenario,
            20_260_101,
            start,
            handlers.clone(),
        )
        .expect("the default world builds")
    };
    let template = build();
    let mut group = c.benchmark_group("tenant");
    group.bench_function("build default world", |b| b.iter(|| black_box(build())));
    group.bench_function("copy default world", |b| {
        b.iter(|| black_box(template.clone()))
    });
    group.finish();
}

/// The request log line every provider request writes: through tracing-subscriber's
/// stock format into a sink (formatting alone) and into /dev/null (plus the write the
/// process pays with stderr sent there), and through `telemetry::Lines`, the format
/// `telemetry::init` installs, into a sink.
fn request_line(c: &mut Criterion) {
    let record = card_sandbox::journal::RequestRecord {
        request_id: "req-000000012345".to_owned(),
        tenant: Some("default".to_owned()),
        provider: Some("hypercard"),
        method: "POST".to_owned(),
        path: "/openapi/v3/transaction/query".to_owned(),
        status: 200,
        duration_us: 1234,
        ..Default::default()
    };
    let null = std::sync::Arc::new(
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/null")
            .expect("/dev/null opens"),
    );
    let stock = || tracing_subscriber::fmt().with_ansi(false);
    let subscribers = [
        (
            "request line, stock, sink",
            tracing::Dispatch::new(stock().with_writer(std::io::sink).finish()),
        ),
        (
            "request line, stock, /dev/null",
            tracing::Dispatch::new(stock().with_writer(null).finish()),
        ),
        (
            "request line, by hand, sink",
            tracing::Dispatch::new(
                stock()
                    .with_writer(std::io::sink)
                    .event_format(card_sandbox::telemetry::Lines::text())
                    .finish(),
            ),
        ),
    ];
    let mut group = c.benchmark_group("log");
    for (name, dispatch) in &subscribers {
        tracing::dispatcher::with_default(dispatch, || {
            group.bench_function(*name, |b| {
                b.iter(|| card_sandbox::telemetry::log_request(black_box(&record)))
            });
        });
    }
    group.finish();
}

criterion_group! {
    name = micro;
    config = Criterion::default().measurement_time(Duration::from_secs(3));
    targets = hypercard_signature, ledger_posting, amount_text, tenant_world, request_line
}
criterion_main!(micro);
