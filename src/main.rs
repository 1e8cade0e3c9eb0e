//! The `answergraph` binary: parses the command line and hands over to `answergraph::cli`.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = answergraph::cli::Cli::parse();
    answergraph::cli::init_logging(&cli);
    answergraph::cli::run(cli)
}
