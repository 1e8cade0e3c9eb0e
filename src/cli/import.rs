//! `answergraph import PATH`: a KB folder replaces the KB; a `.jsonl` delta or `.csv` FAQ sheet
//! edits it. One atomic batch either way.

use std::path::PathBuf;

use crate::config::Settings;
use crate::service::KnowledgeBase;
use crate::store::Provenance;

use super::progress::Bars;
use super::{output, CliResult};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// KB folder, .jsonl delta file or .csv FAQ sheet.
    pub path: PathBuf,
    /// Validate and report what would change, without changing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the summary as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Who is importing (recorded in the changelog).
    #[arg(long, default_value = "cli")]
    pub actor: String,
}

pub fn run(args: Args, settings: &Settings) -> CliResult {
    let bars = Bars::default();
    let provenance = Provenance {
        actor: args.actor.clone(),
        source: args.path.display().to_string(),
    };
    let outcome = KnowledgeBase::import(settings, &args.path, &provenance, args.dry_run, &bars)?;
    if args.json {
        output::json(&outcome);
        return Ok(());
    }
    let s = &outcome.summary;
    println!(
        "{}: nodes +{} ~{} -{} ={}, edges +{} ~{} -{} ={}{}",
        if outcome.dry_run {
            "dry run"
        } else {
            "imported"
        },
        s.nodes_added,
        s.nodes_updated,
        s.nodes_deleted,
        s.nodes_unchanged,
        s.edges_added,
        s.edges_updated,
        s.edges_deleted,
        s.edges_unchanged,
        if s.schema_changed {
            ", schema replaced"
        } else {
            ""
        },
    );
    let verdict = match (outcome.dry_run, outcome.changed) {
        (true, _) => format!(
            "nothing changed; KB stays at version {}",
            outcome.kb_version
        ),
        (false, true) => format!("KB is now at version {}", outcome.kb_version),
        (false, false) => format!("no differences; KB stays at version {}", outcome.kb_version),
    };
    println!(
        "{verdict} ({} texts embedded, {:.0} ms)",
        outcome.embedded, outcome.took_ms
    );
    Ok(())
}
