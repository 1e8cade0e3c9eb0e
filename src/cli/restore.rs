//! `answergraph restore IN`: a backup becomes the data directory's store, after its format
//! version and checksum are checked; derived state is rebuilt at the next open.

use std::path::PathBuf;

use crate::config::Settings;
use crate::service::admin::Admin;

use super::{output, CliResult};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The backup file (from `answergraph backup`).
    pub backup: PathBuf,
    /// Replace the knowledge base already in the data directory.
    #[arg(long)]
    pub force: bool,
    /// Print the summary as one JSON object.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, settings: &Settings) -> CliResult {
    let summary = Admin::restore(settings, &args.backup, args.force)?;
    if args.json {
        output::json(&summary);
        return Ok(());
    }
    let info = &summary.info;
    println!(
        "restored KB version {} (backed up {}) into {}{}: {} records in {} trees, {:.0} ms",
        info.meta.kb_version,
        info.meta.created_at,
        summary.data_dir.display(),
        if summary.replaced {
            ", replacing its store"
        } else {
            ""
        },
        info.trees.values().sum::<u64>(),
        info.trees.len(),
        summary.took_ms
    );
    println!("the text index is rebuilt when the KB is next opened");
    Ok(())
}
