//! `answergraph stats`: counts by kind and relation, KB version, stored vectors, data size.

use crate::config::Settings;
use crate::service::admin::Admin;

use super::{output, CliResult};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print exactly one JSON object.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, settings: &Settings) -> CliResult {
    let stats = Admin::open(settings)?.stats()?;
    if args.json {
        output::json(&stats);
        return Ok(());
    }
    println!(
        "KB version {}: {} nodes, {} edges",
        stats.kb_version, stats.nodes, stats.edges
    );
    for (kind, count) in &stats.kinds {
        println!("  {kind:<16} {count:>8}");
    }
    println!("relations:");
    for (rel, count) in &stats.relations {
        println!("  {rel:<16} {count:>8}");
    }
    println!(
        "{} cached vectors, {:.1} MiB on disk in {}",
        stats.vectors,
        stats.data_dir_bytes as f64 / (1024.0 * 1024.0),
        settings.data_dir.display()
    );
    Ok(())
}
