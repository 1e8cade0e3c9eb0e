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
        tune_malloc_for_server();
    }
    answergraph::cli::init_logging(&cli);
    answergraph::cli::run(cli)
}

/// glibc's malloc gives threads arenas of their own, up to eight per core, and keeps memory freed
/// in an arena for reuse by that arena. The server builds snapshots, answers and index segments
/// on some threads and drops them on others, so with the default its resident size grew by half
/// in two minutes of answers and editor writes and kept growing (see "Soak" in RELIABILITY.md);
/// with two arenas per core it stays flat after warm-up at the same throughput.
///
/// glibc also stops giving a large block a mapping of its own once a mapped block that size was
/// freed: start-up frees the tokenizer file it read (8.7 MB), after which every write's
/// text-index buffers (a 2.5 MB document channel, a 4 MB term table, 1 MB arena pages: ≈ 14 MB)
/// were carved out of the arenas, where small allocations made in between kept the holes they
/// left from being reused or returned, and the soak's memory grew ≈ 12 MB at a time. A fixed
/// threshold of 1 MiB keeps blocks that large in mappings of their own, returned to the system
/// when freed. An operator's own `MALLOC_ARENA_MAX`, `MALLOC_MMAP_THRESHOLD_` or `GLIBC_TUNABLES`
/// wins.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_malloc_for_server() {
    const MMAP_THRESHOLD: libc::c_int = 1 << 20;
    let tunables = std::env::var("GLIBC_TUNABLES").unwrap_or_default();
    if std::env::var_os("MALLOC_ARENA_MAX").is_none()
        && !tunables.contains("glibc.malloc.arena_max")
    {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let arenas = libc::c_int::try_from(2 * cores).unwrap_or(libc::c_int::MAX);
        // SAFETY: mallopt only sets an allocator parameter; called before any thread is started.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
    if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none()
        && !tunables.contains("glibc.malloc.mmap_threshold")
    {
        // SAFETY: as above. Setting the threshold also turns off glibc's raising it.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_malloc_for_server() {}
