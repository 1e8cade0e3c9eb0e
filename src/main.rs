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
    if cli.command.is_server() {
        limit_malloc_arenas();
    }
    answergraph::cli::init_logging(&cli);
    answergraph::cli::run(cli)
}

/// glibc's malloc gives threads arenas of their own, up to eight per core, and keeps memory freed
/// in an arena for reuse by that arena. The server builds snapshots, answers and index segments
/// on some threads and drops them on others, so with the default its resident size grew by half
/// in two minutes of answers and editor writes and kept growing (see "Soak" in RELIABILITY.md);
/// with two arenas per core it stays flat after warm-up at the same throughput. An operator's
/// own `MALLOC_ARENA_MAX` wins.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
        return;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let arenas = libc::c_int::try_from(2 * cores).unwrap_or(libc::c_int::MAX);
    // SAFETY: mallopt only sets an allocator parameter; called before any thread is started.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, arenas);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}
