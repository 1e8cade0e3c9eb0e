//! `answergraph gen-kb --nodes N --seed S OUT_DIR`: a synthetic KB folder with labelled
//! questions, byte-identical for the same N and seed (see `service::synth`).

use std::path::PathBuf;

use crate::service::synth::{self, GenOptions};

use super::{output, CliResult};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Number of nodes to generate (at least 20).
    #[arg(long, value_name = "N")]
    pub nodes: usize,
    /// Seed of the generator: the same --nodes and --seed always give the same files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Directory to write schema.yaml, nodes.jsonl, edges.jsonl and eval/questions.jsonl into;
    /// created when missing, and it must be empty unless --force is given.
    pub out_dir: PathBuf,
    /// Write into a non-empty directory, replacing the generated files (other files stay).
    #[arg(long)]
    pub force: bool,
    /// Print the summary as one JSON object.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> CliResult {
    let options = GenOptions {
        nodes: args.nodes,
        seed: args.seed,
        force: args.force,
    };
    let summary = synth::generate(&args.out_dir, &options)?;
    if args.json {
        output::json(&summary);
    } else {
        println!(
            "generated {} nodes, {} edges and {} questions (seed {}) in {}",
            summary.nodes,
            summary.edges,
            summary.questions,
            summary.seed,
            summary.dir.display()
        );
    }
    Ok(())
}
