//! `answergraph backup OUT`: the whole store (KB, changelog, cached embeddings, query log,
//! sessions) as one checksummed file, written atomically.

use std::path::PathBuf;

use crate::config::Settings;
use crate::service::admin::Admin;

use super::{output, CliResult};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The backup file to write (replaced atomically if it exists).
    pub out: PathBuf,
    /// Print the summary as one JSON object.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, settings: &Settings) -> CliResult {
    let summary = Admin::open(settings)?.backup(&args.out)?;
    if args.json {
        output::json(&summary);
        return Ok(());
    }
    let info = &summary.info;
    println!(
        "backed up KB version {} to {}: {} records in {} trees, {:.1} MiB in {:.0} ms",
        info.meta.kb_version,
        summary.path.display(),
        info.trees.values().sum::<u64>(),
        info.trees.len(),
        info.bytes as f64 / (1024.0 * 1024.0),
        summary.took_ms
    );
    println!("sha256 {}", info.sha256);
    Ok(())
}
