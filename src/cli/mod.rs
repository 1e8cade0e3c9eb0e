//! The command line: one file per subcommand. Each parses its arguments, calls the service and
//! renders the result (a table, or one JSON object with `--json`). Nothing here touches sled,
//! tantivy, ONNX or petgraph.

mod ask;
mod backup;
mod bench;
mod eval;
mod export;
mod fit_scorer;
mod gen_kb;
mod import;
mod models;
mod output;
mod progress;
mod restore;
mod search;
mod serve;
mod stats;
mod tune;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::http::ServeError;
use crate::service::ServiceError;

#[derive(Debug, Parser)]
#[command(
    name = "answergraph",
    version,
    about = "Answers customer-service questions from a product/FAQ knowledge graph"
)]
pub struct Cli {
    /// Data directory (store, indexes, logs).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Config file (TOML); environment variables ANSWERGRAPH__SECTION__KEY override it.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Models directory (default: ./models).
    #[arg(long, global = true, value_name = "DIR")]
    pub models_dir: Option<PathBuf>,
    /// Embedding model (a sub-directory of the models directory with a model.toml).
    #[arg(long, global = true, value_name = "NAME")]
    pub model: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import a KB folder (replaces the KB), a .jsonl delta file or a .csv FAQ sheet.
    Import(import::Args),
    /// Export the KB as schema.yaml, nodes.jsonl and edges.jsonl.
    Export(export::Args),
    /// Print counts of nodes, edges, kinds and the KB version.
    Stats(stats::Args),
    /// Search the KB (lexical, dense or hybrid).
    Search(search::Args),
    /// Generate a synthetic KB of any size, with labelled questions (deterministic per seed).
    #[command(name = "gen-kb")]
    GenKb(gen_kb::Args),
    /// Pick the fusion of retrieval legs on a labelled question file and store it in the KB.
    Tune(tune::Args),
    /// Fit the answer scorer on candidates exported by `tune --export` (several KBs pooled).
    #[command(name = "fit-scorer")]
    FitScorer(fit_scorer::Args),
    /// Answer a question (with confidence, evidence and handoff decision).
    Ask(ask::Args),
    /// Measure answer quality on a labelled question file.
    Eval(eval::Args),
    /// Load-test answers: against a server (--url) or in process (--data-dir).
    Bench(bench::Args),
    /// Check or fetch the model files.
    Models(models::Args),
    /// Serve the HTTP API (answer, search, graph reads, editor writes, analytics, metrics).
    Serve(serve::Args),
    /// Write the whole store to one checksummed backup file.
    Backup(backup::Args),
    /// Restore a backup file into the data directory.
    Restore(restore::Args),
}

impl Command {
    /// True for commands whose output is read by other programs and that hold no sockets.
    pub fn prints_to_a_pipe(&self) -> bool {
        !matches!(self, Command::Serve(_) | Command::Bench(_))
    }

    /// True for the long-running server.
    pub fn is_server(&self) -> bool {
        matches!(self, Command::Serve(_))
    }
}

/// What went wrong, for the exit code and the message on stderr.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Serve(#[from] crate::http::ServeError),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Io(String),
}

pub type CliResult = Result<(), CliError>;

impl Cli {
    /// Settings from defaults, the config file, the environment and these flags.
    pub fn settings(&self) -> Result<Settings, CliError> {
        let mut settings = Settings::load(self.config.as_deref())?;
        if let Some(dir) = &self.data_dir {
            settings.data_dir = dir.clone();
        }
        if let Some(dir) = &self.models_dir {
            settings.models.dir = dir.clone();
        }
        if let Some(model) = &self.model {
            settings.models.name = model.clone();
        }
        Ok(settings)
    }
}

/// Runs the parsed command line and returns the process exit code: 0 success, 2 refused input
/// (nothing changed), 1 any other failure.
pub fn run(cli: Cli) -> ExitCode {
    let result = cli.settings().and_then(|settings| match cli.command {
        Command::Import(args) => import::run(args, &settings),
        Command::Export(args) => export::run(args, &settings),
        Command::Stats(args) => stats::run(args, &settings),
        Command::Search(args) => search::run(args, &settings),
        Command::Tune(args) => tune::run(args, &settings),
        Command::FitScorer(args) => fit_scorer::run(args),
        Command::Ask(args) => ask::run(args, &settings),
        Command::Eval(args) => eval::run(args, &settings),
        Command::GenKb(args) => gen_kb::run(args),
        Command::Bench(args) => bench::run_command(args, &settings),
        Command::Models(args) => models::run(args, &settings),
        Command::Serve(args) => serve::run(args, &settings),
        Command::Backup(args) => backup::run(args, &settings),
        Command::Restore(args) => restore::run(args, &settings),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => report(&error),
    }
}

fn report(error: &CliError) -> ExitCode {
    match error {
        CliError::Service(ServiceError::Invalid(problems)) => {
            for problem in problems {
                eprintln!("error: {problem}");
            }
            eprintln!(
                "refused: {} problem(s) found; nothing was changed",
                problems.len()
            );
            ExitCode::from(2)
        }
        CliError::Service(
            e @ (ServiceError::BadRequest { .. }
            | ServiceError::Input { .. }
            | ServiceError::NotFound { .. }),
        ) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
        CliError::Usage(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        CliError::Service(
            e @ (ServiceError::Model(_)
            | ServiceError::Busy(_)
            | ServiceError::Store(_)
            | ServiceError::Text(_)
            | ServiceError::Internal(_)),
        ) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
        CliError::Config(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
        CliError::Io(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
        CliError::Serve(
            e @ (ServeError::Keys(_) | ServeError::Bind { .. } | ServeError::WakeupLatency { .. }),
        ) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
        CliError::Serve(e @ (ServeError::Load(_) | ServeError::Server(_))) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr: warnings by default, `info` for the server; `RUST_LOG` overrides.
pub fn init_logging(cli: &Cli) {
    let default = match cli.command {
        _ if std::env::var_os("RUST_LOG").is_some() => String::new(),
        Command::Serve(_) => "info".to_owned(),
        _ => "warn".to_owned(),
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
