//! The command line: clap's raw [`Cli`] (every flag with a `SANDBOX_*` environment
//! fallback) and the validated [`Config`] the server runs on.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// Exit 0 when a sandbox answers GET /_sandbox/health with 200, else 1 (for
    /// container health checks in images without curl)
    Healthcheck {
        /// Base URL of the sandbox
        #[arg(
            long,
            env = "SANDBOX_HEALTHCHECK_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        url: String,
    },
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
    /// Log format on stderr
    #[arg(long, env = "SANDBOX_LOG_FORMAT", value_enum, default_value_t = LogFormat::Pretty)]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Pretty,
    Json,
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
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "--listen {0:?} is not an address; write IP:PORT such as 127.0.0.1:8080 (port 0 picks a free port)"
    )]
    Listen(String),
    #[error("--public-url {0:?} must start with http:// or https://")]
    PublicUrl(String),
    #[error("--admin-token cannot be empty")]
    EmptyToken,
    #[error("--journal-size must be at most {MAX_JOURNAL_SIZE}, got {0}")]
    JournalSize(usize),
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
        if args.admin_token.as_deref() == Some("") {
            return Err(ConfigError::EmptyToken);
        }
        if args.journal_size > MAX_JOURNAL_SIZE {
            return Err(ConfigError::JournalSize(args.journal_size));
        }
        Ok(Self {
            listen,
            scenarios: args.scenarios,
            seed: args.seed,
            public_url,
            admin_token: args.admin_token,
            journal_size: args.journal_size,
            log_format: args.log_format,
        })
    }
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
}
