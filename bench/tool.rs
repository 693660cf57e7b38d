//! `bench-tool`: the Rust half of `bench/run` (the Python driver `bench/bench.py` is the
//! other half).
//!
//! - `ceiling`: the throughput ceiling. A minimal axum server with no state that answers
//!   every request with the same bytes the measured endpoint returned, on the same kind
//!   of tokio runtime as the sandbox, so `sandbox / ceiling` is what the sandbox's own
//!   work costs. `--work-us N` makes it spend about N microseconds of CPU (a busy loop
//!   calibrated at start) on each request first: `bench.py --model` measures what share
//!   of the plain ceiling such a server reaches.
//! - `sign-pool`: pre-signed HyperCard requests, one unused nonce each, because wrk's
//!   Lua cannot sign with RSA and the sandbox refuses a nonce it saw in the last ten
//!   minutes. Lines are `nonce<TAB>signature`; the body, timestamp and other headers are
//!   the same for every line.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use card_sandbox::providers::hypercard::signature::{PrivateKey, sign_request};
use clap::{Parser, Subcommand};

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve FILE's bytes to every request on 127.0.0.1:0; prints `listening on http://ADDR`
    Ceiling {
        #[arg(long)]
        body: PathBuf,
        #[arg(long, default_value = "application/json")]
        content_type: String,
        /// Spend about this many microseconds of CPU (a calibrated busy loop) on each
        /// request before answering: a model server whose only overhead is its own work
        #[arg(long, default_value_t = 0)]
        work_us: u64,
    },
    /// Print COUNT `nonce<TAB>signature` lines for one HyperCard body and timestamp
    SignPool {
        #[arg(long)]
        key: PathBuf,
        #[arg(long)]
        api_key: String,
        /// The JSON body, as sent
        #[arg(long)]
        body: PathBuf,
        #[arg(long)]
        timestamp: i64,
        #[arg(long)]
        count: usize,
        /// Nonces are PREFIX followed by the line number
        #[arg(long)]
        prefix: String,
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Ceiling {
            body,
            content_type,
            work_us,
        } => ceiling(&body, content_type, work_us),
        Command::SignPool {
            key,
            api_key,
            body,
            timestamp,
            count,
            prefix,
            out,
        } => sign_pool(&key, &api_key, &body, timestamp, count, &prefix, &out),
    }
}

fn ceiling(body: &PathBuf, content_type: String, work_us: u64) -> anyhow::Result<()> {
    let bytes = Bytes::from(std::fs::read(body).with_context(|| format!("{}", body.display()))?);
    let spins = if work_us == 0 {
        0
    } else {
        work_us * spins_per_us()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let answer = move || {
            let bytes = bytes.clone();
            let content_type = content_type.clone();
            spin(spins);
            async move { ([(CONTENT_TYPE, content_type)], bytes) }
        };
        let app = axum::Router::new().fallback(answer);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        println!("listening on http://{}", listener.local_addr()?);
        std::io::stdout().flush()?;
        axum::serve(listener, app).await?;
        Ok(())
    })
}

/// Iterations of [`spin`] a microsecond, measured over 20 ms at start.
fn spins_per_us() -> u64 {
    let start = card_sandbox::clock::Stopwatch::start();
    let mut spins = 0;
    while start.elapsed() < std::time::Duration::from_millis(20) {
        spin(1_000);
        spins += 1_000;
    }
    let us = u64::try_from(start.elapsed().as_micros())
        .unwrap_or(u64::MAX)
        .max(1);
    (spins / us).max(1)
}

fn spin(n: u64) {
    let mut x = 0u64;
    for i in 0..n {
        x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
    }
    std::hint::black_box(x);
}

fn sign_pool(
    key: &PathBuf,
    api_key: &str,
    body: &PathBuf,
    timestamp: i64,
    count: usize,
    prefix: &str,
    out: &PathBuf,
) -> anyhow::Result<()> {
    let pem = std::fs::read_to_string(key).with_context(|| format!("{}", key.display()))?;
    let key = Arc::new(PrivateKey::from_pem(&pem)?);
    let text = std::fs::read_to_string(body).with_context(|| format!("{}", body.display()))?;
    let serde_json::Value::Object(body) = serde_json::from_str(&text)? else {
        bail!("the body must be a JSON object");
    };
    let body = Arc::new(body);
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = count.div_ceil(threads).max(1);
    let workers: Vec<_> = (0..count)
        .step_by(chunk)
        .map(|first| {
            let (key, body) = (key.clone(), body.clone());
            let (api_key, prefix) = (api_key.to_owned(), prefix.to_owned());
            let last = (first + chunk).min(count);
            std::thread::spawn(move || {
                let mut lines = String::new();
                for i in first..last {
                    let nonce = format!("{prefix}{i}");
                    let headers =
                        sign_request(&key, &api_key, timestamp, &nonce, "1.0", None, &body);
                    let signature = &headers.last().expect("signature header").1;
                    lines.push_str(&format!("{nonce}\t{signature}\n"));
                }
                lines
            })
        })
        .collect();
    let mut file = std::io::BufWriter::new(
        std::fs::File::create(out).with_context(|| format!("{}", out.display()))?,
    );
    for worker in workers {
        let lines = worker
            .join()
            .map_err(|_| anyhow::anyhow!("a signing thread panicked"))?;
        file.write_all(lines.as_bytes())?;
    }
    file.flush()?;
    Ok(())
}
