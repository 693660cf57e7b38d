//! What each command does: `serve` (bind, print the address, load scenarios in the
//! background, serve until a signal), `validate`, `healthcheck`, `listen` and
//! `hypercard sign`.

use std::io::Read as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::net::TcpListener;

use crate::cli::{Config, HealthcheckArgs, ListenArgs, SignArgs, SignFormat};
use crate::ids::IdGen;
use crate::providers::hypercard::keys::PLATFORM_PUBLIC_KEY_PEM;
use crate::providers::hypercard::signature::{PrivateKey, PublicKey, sign_request};
use crate::request::{AppState, Settings};
use crate::server;
use crate::tenant::{Registry, core_handlers};
use crate::{clock, scenario};

/// Serves until Ctrl-C or SIGTERM. Scenario files are parsed before binding, so a bad
/// file fails at once; building tenants happens after binding, so health answers while
/// a large scenario loads (ready turns 200 when it is done, and the ready file, if any,
/// is written then).
pub async fn serve(config: Config) -> anyhow::Result<()> {
    if let Some(path) = &config.ready_file {
        remove_ready_file(path)?;
    }
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
    registry.set_limits(config.limits);
    let state = AppState::new(
        registry,
        Settings {
            admin_token: config.admin_token.clone(),
            public_url,
            max_fault_delay: config.max_fault_delay,
            body_timeout: config.body_timeout,
            webhook_url: config.webhook_url.clone(),
            journal_body_bytes: config.journal_body_bytes,
            cors_origins: config.cors_origins.clone(),
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
    let ready_file = config.ready_file.clone();
    tokio::task::spawn_blocking(move || {
        let loaded = server::load_startup(&loader, scenarios, seed)
            .map_err(|e| e.to_string())
            .and_then(|()| match &ready_file {
                Some(path) => std::fs::write(path, reachable(addr).to_string())
                    .map_err(|e| format!("cannot write --ready-file {}: {e}", path.display())),
                None => Ok(()),
            });
        match loaded {
            Ok(()) => tracing::info!("startup scenarios loaded; ready"),
            Err(e) => {
                let _ = failed_tx.send(e);
            }
        }
    });
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
    let served = server::serve_with_grace(
        listener,
        server::app(state),
        shutdown,
        config.shutdown_grace,
    )
    .await
    .context("serving");
    if let Some(path) = &config.ready_file {
        remove_ready_file(path)?;
    }
    served?;
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

/// Removes a ready file left by an earlier run (a restarted container keeps its files).
fn remove_ready_file(path: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot remove --ready-file {}", path.display())),
    }
}

/// Where a client on this host reaches a server bound to `addr`: loopback when it is
/// bound to every address (0.0.0.0 or [::]).
fn reachable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => (Ipv4Addr::LOCALHOST, addr.port()).into(),
        IpAddr::V6(ip) if ip.is_unspecified() => (Ipv6Addr::LOCALHOST, addr.port()).into(),
        _ => addr,
    }
}

/// The base URL `healthcheck` probes: `--url`, else the address in the ready file,
/// else `--listen`. `Err` says why the server is not ready (or the flags are wrong).
fn healthcheck_base(args: &HealthcheckArgs) -> Result<String, String> {
    if let Some(url) = &args.url {
        return Ok(url.trim_end_matches('/').to_owned());
    }
    if let Some(path) = &args.ready_file {
        return match std::fs::read_to_string(path) {
            Ok(text) => Ok(format!("http://{}", text.trim())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(format!(
                "not ready: {} does not exist yet (the server writes it once its scenarios are loaded)",
                path.display()
            )),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        };
    }
    let addr: SocketAddr = args.listen.parse().map_err(|_| {
        format!(
            "--listen {:?} is not an address; write IP:PORT such as 127.0.0.1:8080",
            args.listen
        )
    })?;
    Ok(format!("http://{}", reachable(addr)))
}

/// Exit 0 when the sandbox's `/_sandbox/ready` answers 200 within 5 seconds.
pub async fn healthcheck(args: &HealthcheckArgs) -> ExitCode {
    let base = match healthcheck_base(args) {
        Ok(base) => base,
        Err(why) => {
            eprintln!("healthcheck: {why}");
            return ExitCode::FAILURE;
        }
    };
    let target = format!("{base}/_sandbox/ready");
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

/// Receives webhooks until Ctrl-C or SIGTERM (`card-sandbox listen`).
pub async fn listen(args: &ListenArgs) -> anyhow::Result<()> {
    let receiver = listen_receiver(args)?;
    let bind: SocketAddr = args.bind.parse().map_err(|_| {
        anyhow::anyhow!(
            "--bind {:?} is not an address; write IP:PORT such as 0.0.0.0:9000",
            args.bind
        )
    })?;
    let listener = TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    let addr = listener.local_addr().context("reading the bound address")?;
    println!(
        "card-sandbox {} receiving webhooks on http://{addr} (deliveries: GET http://{addr}/deliveries)",
        crate::VERSION
    );
    crate::listen::serve(listener, receiver, server::shutdown_signal())
        .await
        .context("serving")
}

/// The receiver `args` describe: the given secret and key, else the default scenario's
/// Interlace client secret and the shipped platform key.
pub fn listen_receiver(args: &ListenArgs) -> anyhow::Result<crate::listen::Receiver> {
    let interlace_secret = match &args.interlace_secret {
        Some(secret) => secret.clone(),
        None => scenario::parse("default.yaml (embedded)", scenario::DEFAULT_SCENARIO)?
            .interlace
            .and_then(|section| section.clients.into_iter().next())
            .map(|client| client.client_secret)
            .context("the default scenario has no Interlace client; pass --interlace-secret")?,
    };
    let pem = match &args.hypercard_public_key {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read --hypercard-public-key {}", path.display()))?,
        None => PLATFORM_PUBLIC_KEY_PEM.to_owned(),
    };
    PublicKey::from_pem(&pem).context("--hypercard-public-key")?;
    let status = args
        .status
        .map(axum::http::StatusCode::from_u16)
        .transpose()
        .context("--status")?;
    Ok(crate::listen::Receiver {
        keys: [
            (crate::providers::Provider::Interlace, interlace_secret),
            (crate::providers::Provider::Hypercard, pem),
        ]
        .into(),
        status,
        keep: args.keep.max(1),
    })
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
