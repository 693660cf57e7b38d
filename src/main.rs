//! The `card-sandbox` binary: parse the command line, set up logging, run the command,
//! and turn its outcome into an exit code.

use std::process::ExitCode;

use card_sandbox::cli::{Cli, Command, Config, HypercardCommand, ListenArgs, ServeArgs};
use card_sandbox::{commands, telemetry};
use clap::Parser;

/// jemalloc: about a third less CPU a request than glibc's allocator at the same idle
/// memory (ARCHITECTURE.md, "Memory"); `src/memory.rs` purges it after tenant deletes.
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    match Cli::parse().command_or_serve() {
        Command::Validate { paths } => commands::validate(&paths),
        Command::Healthcheck(args) => runtime().block_on(commands::healthcheck(&args)),
        Command::Listen(args) => listen(&args),
        Command::Serve(args) => serve(args),
        Command::Hypercard {
            command: HypercardCommand::Sign(args),
        } => commands::hypercard_sign(&args),
    }
}

fn serve(args: ServeArgs) -> ExitCode {
    let config = match Config::from_args(args) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(config.log_format, config.log_level);
    let served = runtime().block_on(commands::serve(config));
    telemetry::flush();
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn listen(args: &ListenArgs) -> ExitCode {
    match runtime().block_on(commands::listen(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the tokio runtime starts")
}
