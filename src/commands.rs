//! What each command does: `serve` (bind, print the address, load scenarios in the
//! background, serve until a signal), `validate`, `healthcheck` and `hypercard sign`.

use std::io::Read as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::net::TcpListener;

use crate::cli::{Config, SignArgs, SignFormat};
use crate::ids::IdGen;
use crate::providers::hypercard::signature::{PrivateKey, sign_request};
use crate::server::{self, AppState, Settings};
use crate::tenant::{Registry, core_handlers};
use crate::{clock, scenario};

/// Serves until Ctrl-C or SIGTERM. Scenario files are parsed before binding, so a bad
/// file fails at once; building tenants happens after binding, so health answers while
/// a large scenario loads (ready turns 200 when it is done).
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let scenarios = config
        .scenarios
        .iter()
        .map(|p| scenario::load_file(p))
        .collect::<Result<Vec<_>, _>>()?;
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = listener.local_addr().context("reading the bound address")?;
    let public_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));
    let registry = Registry::new(
        core_handlers(),
        config.journal_size,
        config.seed.unwrap_or(0),
    );
    let state = AppState::new(
        registry,
        Settings {
            admin_token: config.admin_token.clone(),
            public_url,
            max_fault_delay: config.max_fault_delay,
        },
    );
    for rule in &config.fault_rules {
        state
            .registry
            .add_global_fault(rule.clone())
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    println!("card-sandbox {} listening on http://{addr}", crate::VERSION);
    tracing::info!(%addr, "listening");

    let (failed_tx, failed_rx) = tokio::sync::oneshot::channel::<String>();
    let loader = state.clone();
    let seed = config.seed;
    tokio::task::spawn_blocking(
        move || match server::load_startup(&loader, scenarios, seed) {
            Ok(()) => tracing::info!("startup scenarios loaded; ready"),
            Err(e) => {
                let _ = failed_tx.send(e.to_string());
            }
        },
    );
    let failure = Arc::new(Mutex::new(None));
    let failure_slot = failure.clone();
    let stopping = state.clone();
    let shutdown = async move {
        tokio::select! {
            () = server::shutdown_signal() => tracing::info!("shutting down"),
            Ok(reason) = failed_rx => {
                *failure_slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(reason);
            }
        }
        stopping.begin_shutdown();
    };
    server::serve(listener, server::app(state), shutdown)
        .await
        .context("serving")?;
    let reason = failure
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take();
    if let Some(reason) = reason {
        bail!("loading the startup scenarios failed: {reason}");
    }
    Ok(())
}

/// Parses and builds each scenario; prints a summary line per good file and the problem
/// of each bad one.
pub fn validate(paths: &[PathBuf]) -> ExitCode {
    let mut failed = false;
    for path in paths {
        let checked = scenario::load_file(path).and_then(|named| {
            let seed = named.scenario.seed.unwrap_or(0);
            scenario::build_world(
                &path.display().to_string(),
                &named.scenario,
                seed,
                Arc::new(core_handlers()),
            )?;
            Ok(named)
        });
        match checked {
            Ok(named) => println!(
                "ok {}: {}",
                path.display(),
                scenario::summary(&named.scenario)
            ),
            Err(e) => {
                eprintln!("error: {e}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Exit 0 when `{url}/_sandbox/health` answers 200 within 5 seconds.
pub async fn healthcheck(url: &str) -> ExitCode {
    let target = format!("{}/_sandbox/health", url.trim_end_matches('/'));
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
    {
        Ok(client) => client,
        Err(e) => {
            eprintln!("healthcheck: {e}");
            return ExitCode::FAILURE;
        }
    };
    match client.get(&target).send().await {
        Ok(response) if response.status() == reqwest::StatusCode::OK => ExitCode::SUCCESS,
        Ok(response) => {
            eprintln!("healthcheck: {target} answered {}", response.status());
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("healthcheck: {target}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Prints the signed headers of a HyperCard request; bad input prints `error: ...` and
/// exits 2.
pub fn hypercard_sign(args: &SignArgs) -> ExitCode {
    match signed_headers(args) {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn signed_headers(args: &SignArgs) -> anyhow::Result<String> {
    let text = match args.body.strip_prefix('@') {
        Some("-") => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("cannot read --body from stdin")?;
            text
        }
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read --body file {path}"))?,
        None => args.body.clone(),
    };
    let body = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(serde_json::Value::Object(map)) => map,
        Ok(_) => bail!("--body must be a JSON object ({{...}})"),
        Err(e) => bail!("--body is not valid JSON: {e}"),
    };
    let pem = std::fs::read_to_string(&args.key)
        .with_context(|| format!("cannot read --key {}", args.key.display()))?;
    let key =
        PrivateKey::from_pem(&pem).with_context(|| format!("--key {}", args.key.display()))?;

    let now = clock::wall_now();
    let timestamp = args.timestamp.unwrap_or_else(|| now.as_secs());
    let nonce = args
        .nonce
        .clone()
        .unwrap_or_else(|| IdGen::new(u64::try_from(now.as_millis()).unwrap_or_default()).hex(10));
    let lang = Some(args.lang.as_str()).filter(|l| !l.is_empty());
    let headers = sign_request(
        &key,
        &args.api_key,
        timestamp,
        &nonce,
        &args.version,
        lang,
        &body,
    );
    Ok(match args.format {
        SignFormat::Headers => headers
            .iter()
            .map(|(name, value)| format!("{name}: {value}"))
            .collect::<Vec<_>>()
            .join("\n"),
        SignFormat::Curl => headers
            .iter()
            .map(|(name, value)| format!("-H {}", shell_quote(&format!("{name}: {value}"))))
            .collect::<Vec<_>>()
            .join(" "),
    })
}

/// `text` as one POSIX shell word: single-quoted, with each `'` written as `'\''`.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}
