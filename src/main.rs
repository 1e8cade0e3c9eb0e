//! The `answergraph` binary: parses the command line and hands over to `answergraph::cli`.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = answergraph::cli::Cli::parse();
    if cli.command.prints_to_a_pipe() {
        // Like other command-line tools: `answergraph eval … | head` ends quietly when the
        // reader goes away. (The server and the load generator keep Rust's default, so a closed
        // socket is an error to handle, not a signal that kills the process.)
        // SAFETY: setting a signal disposition before any thread is started.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    answergraph::cli::init_logging(&cli);
    answergraph::cli::run(cli)
}
