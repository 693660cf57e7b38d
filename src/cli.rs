//! The command line: clap's raw [`Cli`] (each server flag with a `SANDBOX_*` environment
//! fallback), the validated [`Config`] the server runs on, and the arguments of the
//! client-side helpers (`hypercard sign`).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::faults::{Action, FaultRule, Latency, Uniform};
use crate::webhooks::WebhookConfig;

#[derive(Debug, Parser)]
#[command(
    name = "card-sandbox",
    version,
    about = "A stateful sandbox for the Interlace, OPCard and HyperCard APIs",
    long_about = "A stateful sandbox for the Interlace, Oceanpayment OPCard and HyperPay HyperCard APIs.\n\nWith no command it serves, like `card-sandbox serve`.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

impl Cli {
    /// The command to run; no command means `serve` with the top-level flags.
    pub fn command_or_serve(self) -> Command {
        self.command.unwrap_or(Command::Serve(self.serve))
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the sandbox (what `card-sandbox` with no command does)
    Serve(ServeArgs),
    /// Check scenario files: print a summary of each, or the file, key path and reason of
    /// the first problem (exit 1)
    Validate {
        /// Scenario files to check
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Exit 0 when the sandbox is ready (GET /_sandbox/ready answers 200), else 1: the
    /// container health check, for images without curl. It finds the server through
    /// --url, else the --ready-file the server wrote, else --listen (an unspecified
    /// address such as 0.0.0.0 is reached on loopback)
    Healthcheck(HealthcheckArgs),
    /// Receive the sandbox's webhooks: verify each signature, print a line per
    /// delivery, keep the last ones readable at GET /deliveries
    Listen(ListenArgs),
    /// HyperCard client helpers
    Hypercard {
        #[command(subcommand)]
        command: HypercardCommand,
    },
}

#[derive(Debug, Clone, Args)]
pub struct HealthcheckArgs {
    /// Base URL of the sandbox [default: from --ready-file, else --listen]
    #[arg(long, env = "SANDBOX_HEALTHCHECK_URL")]
    pub url: Option<String>,
    /// The file a serving sandbox writes its address to once it is ready
    #[arg(long, env = "SANDBOX_READY_FILE", value_name = "PATH")]
    pub ready_file: Option<PathBuf>,
    /// The address the sandbox was told to listen on
    #[arg(long, env = "SANDBOX_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
}

#[derive(Debug, Clone, Args)]
pub struct ListenArgs {
    /// Address to receive deliveries on
    #[arg(long, env = "LISTEN_BIND", default_value = "127.0.0.1:9000")]
    pub bind: String,
    /// The Interlace client secret notifications are signed with [default: the
    /// default scenario's client secret]
    #[arg(long, env = "LISTEN_INTERLACE_SECRET", hide_env_values = true)]
    pub interlace_secret: Option<String>,
    /// PEM file of the HyperCard platform public key pushes are signed for [default:
    /// the sandbox's shipped test key, scenarios/keys/hypercard-platform.pub.pem]
    #[arg(long, env = "LISTEN_HYPERCARD_PUBLIC_KEY", value_name = "PATH")]
    pub hypercard_public_key: Option<PathBuf>,
    /// Answer every delivery with this HTTP status (200 answers the provider's
    /// acknowledgement) [default: the acknowledgement when the signature verifies, 401
    /// when it does not]
    #[arg(long, env = "LISTEN_STATUS", value_parser = clap::value_parser!(u16).range(200..=599))]
    pub status: Option<u16>,
    /// Deliveries kept for GET /deliveries
    #[arg(long, env = "LISTEN_KEEP", default_value_t = 100)]
    pub keep: usize,
}

#[derive(Debug, Subcommand)]
pub enum HypercardCommand {
    /// Print the signed headers of a HyperCard request (timestamp, nonce, api-key,
    /// version, lang, signature) to send with the same JSON body (exit 2 on bad input)
    Sign(SignArgs),
}

#[derive(Debug, Clone, Args)]
pub struct SignArgs {
    /// The merchant's api-key
    #[arg(long, value_name = "KEY")]
    pub api_key: String,
    /// The merchant's RSA private key, PEM (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY),
    /// such as the test key scenarios/keys/hypercard-merchant.pem
    #[arg(long, value_name = "PATH")]
    pub key: PathBuf,
    /// The request body: a JSON object, or @FILE to read it from a file (@- for stdin)
    #[arg(long, value_name = "JSON")]
    pub body: String,
    /// Unix seconds [default: now]
    #[arg(long, value_name = "SECS", allow_negative_numbers = true)]
    pub timestamp: Option<i64>,
    /// The nonce [default: 10 random lower-case hex characters]
    #[arg(long, value_name = "N")]
    pub nonce: Option<String>,
    /// The version header
    #[arg(long, default_value = "1.0")]
    pub version: String,
    /// The lang header (en or zh-CN); an empty value sends none
    #[arg(long, default_value = "en")]
    pub lang: String,
    /// Output: `name: value` lines, or `-H 'name: value'` curl arguments on one line
    #[arg(long, value_enum, default_value_t = SignFormat::Headers)]
    pub format: SignFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SignFormat {
    Headers,
    Curl,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port and the bound address is printed
    #[arg(long, env = "SANDBOX_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Scenario file to load; repeatable (comma-separated in the environment). The
    /// first builds tenant `default`; each is also available by its file stem to
    /// POST /_sandbox/tenants. Without one, the embedded scenarios/default.yaml
    #[arg(long = "scenario", env = "SANDBOX_SCENARIO", value_delimiter = ',')]
    pub scenarios: Vec<PathBuf>,
    /// Seed for ids and generated data; overrides the startup scenario's own seed
    #[arg(long, env = "SANDBOX_SEED")]
    pub seed: Option<u64>,
    /// Base URL for links the sandbox hands out (default: http://<bound address>)
    #[arg(long, env = "SANDBOX_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Require `Authorization: Bearer <token>` on /_sandbox/* (health and ready excepted)
    #[arg(long, env = "SANDBOX_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// Requests kept per tenant in the request journal
    #[arg(long, env = "SANDBOX_JOURNAL_SIZE", default_value_t = 1000)]
    pub journal_size: usize,
    /// Bytes one request journal may hold (per tenant, and for requests naming none)
    #[arg(long, env = "SANDBOX_JOURNAL_BYTES", default_value_t = crate::journal::DEFAULT_JOURNAL_BYTES)]
    pub journal_bytes: usize,
    /// Bytes of one request or response body the journal keeps (the cut is marked; 0
    /// keeps no bodies)
    #[arg(long, env = "SANDBOX_JOURNAL_BODY_BYTES", default_value_t = crate::capture::DEFAULT_BODY_BYTES)]
    pub journal_body_bytes: usize,
    /// Live credentials of one kind a tenant keeps (OAuth codes, tokens); the oldest go
    /// first beyond it
    #[arg(long, env = "SANDBOX_CREDENTIAL_LIMIT", default_value_t = crate::issued::DEFAULT_LIMIT)]
    pub credential_limit: usize,
    /// HyperCard nonces a tenant remembers for replay detection (ten minutes, the
    /// newest this many)
    #[arg(long, env = "SANDBOX_NONCE_LIMIT", default_value_t = crate::providers::hypercard::state::DEFAULT_NONCE_LIMIT)]
    pub nonce_limit: usize,
    /// Interlace answers a tenant remembers for repeated Idempotency-Keys; the oldest
    /// go first beyond it
    #[arg(long, env = "SANDBOX_IDEMPOTENCY_LIMIT", default_value_t = crate::providers::interlace::state::DEFAULT_IDEMPOTENCY_LIMIT)]
    pub idempotency_limit: usize,
    /// Shorthand for one global latency rule: MS (fixed) or MIN..MAX (uniform), in ms
    #[arg(long, env = "SANDBOX_LATENCY", value_name = "MS|MIN..MAX")]
    pub latency: Option<String>,
    /// Shorthand for one global rule answering HTTP 500 in the provider's envelope with
    /// this probability (0..1)
    #[arg(long, env = "SANDBOX_ERROR_RATE", value_name = "P")]
    pub error_rate: Option<f64>,
    /// The longest delay, in seconds, injected faults may add to one answer
    #[arg(
        long,
        env = "SANDBOX_MAX_FAULT_DELAY",
        value_name = "SECS",
        default_value_t = 60
    )]
    pub max_fault_delay: u64,
    /// The longest a request body may take to arrive, in seconds (a slower one is
    /// refused in the provider's envelope and the connection closed)
    #[arg(
        long,
        env = "SANDBOX_BODY_TIMEOUT",
        value_name = "SECS",
        default_value_t = 30
    )]
    pub body_timeout: u64,
    /// On SIGTERM, how long requests in flight may take to finish, in seconds; idle and
    /// half-sent connections close at once
    #[arg(
        long,
        env = "SANDBOX_SHUTDOWN_GRACE",
        value_name = "SECS",
        default_value_t = 5
    )]
    pub shutdown_grace: u64,
    /// Send every tenant's Interlace and HyperCard webhooks to this URL unless its
    /// scenario or the admin API sets one for that provider
    #[arg(long, env = "SANDBOX_WEBHOOK_URL", value_name = "URL")]
    pub webhook_url: Option<String>,
    /// Write the bound address (loopback for 0.0.0.0) to this file once the startup
    /// scenarios are loaded, and remove it on exit; `healthcheck` reads it
    #[arg(long, env = "SANDBOX_READY_FILE", value_name = "PATH")]
    pub ready_file: Option<PathBuf>,
    /// Answer CORS for this browser origin (`scheme://host[:port]`, or `*` for any) on
    /// provider and admin paths; repeatable (comma-separated in the environment). Off
    /// without it
    #[arg(
        long = "cors-origin",
        env = "SANDBOX_CORS_ORIGIN",
        value_delimiter = ',',
        value_name = "ORIGIN"
    )]
    pub cors_origins: Vec<String>,
    /// Log format on stderr
    #[arg(long, env = "SANDBOX_LOG_FORMAT", value_enum, default_value_t = LogFormat::Pretty)]
    pub log_format: LogFormat,
    /// The sandbox's log level (dependencies log warnings); without it, `RUST_LOG`
    /// decides, else `info` (one line per request)
    #[arg(long, env = "SANDBOX_LOG_LEVEL", value_enum)]
    pub log_level: Option<LogLevel>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogLevel {
    Off,
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Error => "error",
            Self::Warn => "warn",
            Self::Info => "info",
            Self::Debug => "debug",
            Self::Trace => "trace",
        }
    }
}

/// The most requests one journal may keep.
const MAX_JOURNAL_SIZE: usize = 1_000_000;

/// Checked serve settings. No `Default`: every value comes from the command line.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub scenarios: Vec<PathBuf>,
    pub seed: Option<u64>,
    /// Without a trailing slash.
    pub public_url: Option<String>,
    pub admin_token: Option<String>,
    pub journal_size: usize,
    pub journal_body_bytes: usize,
    pub limits: crate::tenant::Limits,
    pub log_format: LogFormat,
    pub log_level: Option<LogLevel>,
    /// The global rules `--latency` and `--error-rate` stand for.
    pub fault_rules: Vec<FaultRule>,
    pub max_fault_delay: Duration,
    pub body_timeout: Duration,
    pub shutdown_grace: Duration,
    pub webhook_url: Option<String>,
    pub ready_file: Option<PathBuf>,
    /// `--cors-origin`, checked; empty: CORS off.
    pub cors_origins: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "--listen {0:?} is not an address; write IP:PORT such as 127.0.0.1:8080 (port 0 picks a free port)"
    )]
    Listen(String),
    #[error("--public-url {0:?} must start with http:// or https://")]
    PublicUrl(String),
    #[error("--webhook-url {0:?}: {1}")]
    WebhookUrl(String, String),
    #[error("--admin-token cannot be empty")]
    EmptyToken,
    #[error("--journal-size must be at most {MAX_JOURNAL_SIZE}, got {0}")]
    JournalSize(usize),
    #[error("--credential-limit must be at least 1")]
    CredentialLimit,
    #[error("--nonce-limit must be at least 1")]
    NonceLimit,
    #[error("--idempotency-limit must be at least 1")]
    IdempotencyLimit,
    #[error("--latency {0:?} must be milliseconds (200) or a range of them (50..400)")]
    Latency(String),
    #[error("--error-rate must be between 0 and 1, got {0}")]
    ErrorRate(String),
    #[error(
        "--cors-origin {0:?} must be * or an origin such as http://localhost:3000 (scheme, host, optional port, no path)"
    )]
    CorsOrigin(String),
}

impl Config {
    pub fn from_args(args: ServeArgs) -> Result<Self, ConfigError> {
        let listen = args
            .listen
            .parse()
            .map_err(|_| ConfigError::Listen(args.listen.clone()))?;
        let public_url = match args.public_url {
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                Some(url.trim_end_matches('/').to_owned())
            }
            Some(url) => return Err(ConfigError::PublicUrl(url)),
            None => None,
        };
        if let Some(url) = &args.webhook_url {
            let mut config = WebhookConfig::default();
            config.fill_missing_urls(url);
            config
                .validate()
                .map_err(|(_, why)| ConfigError::WebhookUrl(url.clone(), why))?;
        }
        if args.admin_token.as_deref() == Some("") {
            return Err(ConfigError::EmptyToken);
        }
        if args.journal_size > MAX_JOURNAL_SIZE {
            return Err(ConfigError::JournalSize(args.journal_size));
        }
        if args.credential_limit == 0 {
            return Err(ConfigError::CredentialLimit);
        }
        if args.nonce_limit == 0 {
            return Err(ConfigError::NonceLimit);
        }
        if args.idempotency_limit == 0 {
            return Err(ConfigError::IdempotencyLimit);
        }
        if let Some(bad) = args
            .cors_origins
            .iter()
            .find(|o| !crate::cors::valid_origin(o.trim()))
        {
            return Err(ConfigError::CorsOrigin(bad.clone()));
        }
        let mut fault_rules = Vec::new();
        if let Some(text) = &args.latency {
            fault_rules.push(latency_rule(text).ok_or_else(|| ConfigError::Latency(text.clone()))?);
        }
        if let Some(p) = args.error_rate {
            if !(0.0..=1.0).contains(&p) {
                return Err(ConfigError::ErrorRate(p.to_string()));
            }
            fault_rules.push(FaultRule {
                probability: Some(p),
                ..FaultRule::new(
                    "cli-error-rate",
                    Action::Error {
                        status: 500,
                        code: None,
                        message: None,
                        headers: BTreeMap::new(),
                    },
                )
            });
        }
        Ok(Self {
            fault_rules,
            max_fault_delay: Duration::from_secs(args.max_fault_delay),
            body_timeout: Duration::from_secs(args.body_timeout.max(1)),
            shutdown_grace: Duration::from_secs(args.shutdown_grace),
            listen,
            scenarios: args.scenarios,
            seed: args.seed,
            public_url,
            admin_token: args.admin_token,
            journal_size: args.journal_size,
            journal_body_bytes: args.journal_body_bytes,
            limits: crate::tenant::Limits {
                journal_bytes: args.journal_bytes,
                credentials: args.credential_limit,
                nonces: args.nonce_limit,
                idempotency_keys: args.idempotency_limit,
            },
            log_format: args.log_format,
            log_level: args.log_level,
            webhook_url: args.webhook_url,
            ready_file: args.ready_file,
            cors_origins: args
                .cors_origins
                .iter()
                .map(|o| o.trim().to_owned())
                .collect(),
        })
    }
}

/// The global rule `--latency` stands for: `MS` fixed or `MIN..MAX` uniform.
fn latency_rule(text: &str) -> Option<FaultRule> {
    let latency = match text.split_once("..") {
        Some((low, high)) => {
            let (min_ms, max_ms) = (low.trim().parse().ok()?, high.trim().parse().ok()?);
            if min_ms > max_ms {
                return None;
            }
            Latency {
                uniform: Some(Uniform { min_ms, max_ms }),
                ..Latency::default()
            }
        }
        None => Latency {
            fixed_ms: Some(text.trim().parse().ok()?),
            ..Latency::default()
        },
    };
    Some(FaultRule::new("cli-latency", Action::Latency(latency)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("card-sandbox").chain(args.iter().copied()))
            .expect("valid command line")
    }

    #[test]
    fn serve_flags_work_with_and_without_the_subcommand() {
        let bare = parse(&["--listen", "127.0.0.1:0", "--seed", "7"]);
        assert!(bare.command.is_none());
        assert_eq!(bare.serve.seed, Some(7));
        let explicit = parse(&["serve", "--scenario", "a.yaml", "--scenario", "b.yaml"]);
        let Some(Command::Serve(args)) = explicit.command else {
            panic!("expected the serve command");
        };
        assert_eq!(args.scenarios.len(), 2);
    }

    #[test]
    fn config_rejects_bad_values_with_the_flag_name() {
        let mut args = parse(&[]).serve;
        args.listen = "localhost".to_owned();
        let err = Config::from_args(args.clone()).expect_err("not an address");
        assert!(err.to_string().starts_with("--listen \"localhost\""));
        args.listen = "127.0.0.1:0".to_owned();
        args.public_url = Some("ftp://x".to_owned());
        assert_eq!(
            Config::from_args(args.clone()).map(|_| ()),
            Err(ConfigError::PublicUrl("ftp://x".to_owned()))
        );
        args.public_url = Some("http://sandbox:8080/".to_owned());
        let config = Config::from_args(args).expect("valid");
        assert_eq!(config.public_url.as_deref(), Some("http://sandbox:8080"));
    }

    #[test]
    fn latency_and_error_rate_become_global_rules() {
        let config = |flags: &[&str]| Config::from_args(parse(flags).serve);
        let fixed = config(&["--latency", "200", "--error-rate", "0.25"]).expect("valid");
        assert_eq!(fixed.fault_rules.len(), 2);
        assert_eq!(fixed.fault_rules[0].id.as_deref(), Some("cli-latency"));
        assert_eq!(
            fixed.fault_rules[0].action,
            Action::Latency(Latency {
                fixed_ms: Some(200),
                ..Latency::default()
            })
        );
        assert_eq!(fixed.fault_rules[1].probability, Some(0.25));
        assert!(fixed.fault_rules.iter().all(|r| r.validate().is_ok()));
        let range = config(&["--latency", "50..400"]).expect("valid");
        assert_eq!(
            range.fault_rules[0].action,
            Action::Latency(Latency {
                uniform: Some(Uniform {
                    min_ms: 50,
                    max_ms: 400
                }),
                ..Latency::default()
            })
        );
        assert_eq!(range.max_fault_delay, Duration::from_secs(60));
        for bad in ["fast", "400..50", "1.5"] {
            assert_eq!(
                config(&["--latency", bad]).map(|_| ()),
                Err(ConfigError::Latency(bad.to_owned()))
            );
        }
        assert_eq!(
            config(&["--error-rate", "1.5"]).map(|_| ()),
            Err(ConfigError::ErrorRate("1.5".to_owned()))
        );
    }

    #[test]
    fn hypercard_sign_parses_with_defaults_and_overrides() {
        let base = ["hypercard", "sign", "--api-key", "m1", "--key", "k.pem"];
        let sign = |extra: &[&str]| {
            let args: Vec<&str> = base.iter().chain(extra).copied().collect();
            match parse(&args).command {
                Some(Command::Hypercard {
                    command: HypercardCommand::Sign(args),
                }) => args,
                other => panic!("expected hypercard sign, got {other:?}"),
            }
        };
        let defaults = sign(&["--body", "{}"]);
        assert_eq!(defaults.api_key, "m1");
        assert_eq!(defaults.key, PathBuf::from("k.pem"));
        assert_eq!(defaults.body, "{}");
        assert_eq!((defaults.timestamp, defaults.nonce), (None, None));
        assert_eq!(
            (defaults.version.as_str(), defaults.lang.as_str()),
            ("1.0", "en")
        );
        assert_eq!(defaults.format, SignFormat::Headers);

        let given = sign(&[
            "--body",
            "@body.json",
            "--timestamp",
            "1700000000",
            "--nonce",
            "abcdef0123",
            "--version",
            "2.0",
            "--lang",
            "",
            "--format",
            "curl",
        ]);
        assert_eq!(given.body, "@body.json");
        assert_eq!(given.timestamp, Some(1_700_000_000));
        assert_eq!(given.nonce.as_deref(), Some("abcdef0123"));
        assert_eq!((given.version.as_str(), given.lang.as_str()), ("2.0", ""));
        assert_eq!(given.format, SignFormat::Curl);

        let missing = ["hypercard", "sign", "--api-key", "m1", "--key", "k.pem"];
        assert!(
            Cli::try_parse_from(std::iter::once("card-sandbox").chain(missing)).is_err(),
            "--body is required"
        );
    }
}
