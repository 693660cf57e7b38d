//! Logging setup: `tracing` to stderr, pretty or JSON, through [`Batched`] (info lines
//! are written in batches, warnings at once; [`flush`] before exiting). The filter is
//! `--log-level` for the sandbox (dependencies at warn) when given, else `RUST_LOG`, else
//! info for the sandbox and warnings for its dependencies. Colours only when stderr is a
//! terminal and `NO_COLOR` is unset or empty, so a CI log never carries escape codes. The
//! one line each provider request logs is written by hand ([`line`]), in the stock
//! format's bytes.

use std::io::IsTerminal;
use std::sync::OnceLock;

use tracing_subscriber::EnvFilter;

use crate::cli::{LogFormat, LogLevel};

mod batched;
mod line;

pub use batched::Batched;
pub use line::Lines;

/// The process's log writer, once [`init`] made it.
static WRITER: OnceLock<Batched> = OnceLock::new();

/// The filter the flags and environment ask for.
fn filter(level: Option<LogLevel>) -> EnvFilter {
    match level {
        Some(level) => EnvFilter::new(format!("warn,card_sandbox={}", level.as_str())),
        None => EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| EnvFilter::new("warn,card_sandbox=info")),
    }
}

/// Whether to colour the pretty format: a terminal, and no `NO_COLOR` (see no-color.org).
fn colours(is_terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
    is_terminal && no_color.is_none_or(|v| v.is_empty())
}

pub fn init(format: LogFormat, level: Option<LogLevel>) {
    let ansi = colours(
        std::io::stderr().is_terminal(),
        std::env::var_os("NO_COLOR"),
    );
    let writer = WRITER
        .get_or_init(|| {
            // A panic's message comes after the lines logged before it.
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                if let Some(writer) = WRITER.get() {
                    writer.try_flush();
                }
                previous(info);
            }));
            Batched::new(std::io::stderr(), batched::DELAY)
        })
        .clone();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter(level))
        .with_ansi(ansi)
        .with_writer(writer);
    // A second init (tests) keeps the first subscriber, which is what we want.
    let _ = match format {
        LogFormat::Pretty => builder.event_format(Lines::text()).try_init(),
        LogFormat::Json => builder.json().event_format(Lines::json()).try_init(),
    };
}

/// Writes every log line still waiting (the binary calls it before it exits).
pub fn flush() {
    if let Some(writer) = WRITER.get() {
        writer.flush();
    }
}

/// The one log line of a provider request (info), so a failed CI job's sandbox log
/// shows what the app called. Status 0: a fault cut the connection. [`line`] writes it;
/// its fields and their order are what that module expects.
///
/// The client's method, path, request id and tenant are cut to the journal's bounds
/// (`journal::Capped`), so a hostile path makes no longer a line than a record.
pub fn log_request(record: &crate::journal::RequestRecord) {
    use crate::journal::{Capped, MAX_METHOD, MAX_PATH, MAX_REQUEST_ID, capped};
    let tenant = capped(record.tenant.as_deref().unwrap_or("-"), MAX_REQUEST_ID);
    tracing::info!(
        target: line::TARGET,
        tenant = &*tenant,
        provider = record.provider.unwrap_or("-"),
        method = %Capped(&record.method, MAX_METHOD),
        path = %Capped(&record.path, MAX_PATH),
        status = record.status,
        duration_ms = record.duration_us as f64 / 1000.0,
        request_id = %Capped(&record.request_id, MAX_REQUEST_ID),
        faults = %Joined(&record.faults),
        "request"
    );
}

/// Fault ids separated by commas, written without building the joined string.
struct Joined<'a>(&'a [String]);

impl std::fmt::Display for Joined<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, id) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(id)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_only_on_a_terminal_without_no_color() {
        assert!(colours(true, None));
        assert!(
            colours(true, Some("".into())),
            "an empty NO_COLOR does not count"
        );
        assert!(!colours(true, Some("1".into())));
        assert!(!colours(false, None));
    }

    #[test]
    fn the_level_flag_names_the_sandbox_and_keeps_dependencies_at_warn() {
        assert_eq!(
            filter(Some(LogLevel::Debug)).to_string(),
            "card_sandbox=debug,warn"
        );
    }
}
