//! What each command does: `serve` (bind, print the address, load scenarios in the
//! background, serve until a signal), `validate` and `healthcheck`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::net::TcpListener;

use crate::cli::Config;
use crate::scenario;
use crate::server::{self, AppState, Settings};
use crate::tenant::{Registry, core_handlers};

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
        },
    );
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
    let shutdown = async move {
        tokio::select! {
            () = server::shutdown_signal() => tracing::info!("shutting down"),
            Ok(reason) = failed_rx => {
                *failure_slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(reason);
            }
        }
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
