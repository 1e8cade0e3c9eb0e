//! `answergraph export OUT_DIR`: the KB in its source format, sorted, so that a round trip is
//! byte-identical.

use std::path::PathBuf;

use crate::config::Settings;
use crate::service::admin::Admin;

use super::{output, CliResult};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory to write schema.yaml, nodes.jsonl and edges.jsonl into.
    pub out_dir: PathBuf,
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, settings: &Settings) -> CliResult {
    let summary = Admin::open(settings)?.export(&args.out_dir)?;
    if args.json {
        output::json(&summary);
    } else {
        println!(
            "exported KB version {}: {} nodes, {} edges to {}",
            summary.kb_version,
            summary.nodes,
            summary.edges,
            summary.dir.display()
        );
    }
    Ok(())
}
