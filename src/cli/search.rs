//! `answergraph search QUERY`: lexical, dense or hybrid search with per-leg ranks.

use crate::config::Settings;
use crate::service::search::{SearchMode, SearchRequest};
use crate::service::KnowledgeBase;

use super::progress::Bars;
use super::{output, CliResult};

#[derive(Debug, clap::Args)]
pub struct Args {
    pub query: String,
    #[arg(long, default_value = "hybrid")]
    pub mode: SearchMode,
    /// Number of hits.
    #[arg(long)]
    pub k: Option<usize>,
    /// Only nodes of this kind (repeatable).
    #[arg(long = "kind")]
    pub kinds: Vec<String>,
    /// Only nodes with this tag (repeatable).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Drop hits whose fused score is below this.
    #[arg(long)]
    pub min_score: Option<f32>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, settings: &Settings) -> CliResult {
    let kb = KnowledgeBase::open(settings, &Bars::default())?;
    let response = kb.search(&SearchRequest {
        query: args.query,
        mode: args.mode,
        k: args.k,
        kinds: args.kinds,
        tags: args.tags,
        min_score: args.min_score,
        fusion: None,
    })?;
    if args.json {
        output::json(&response);
        return Ok(());
    }
    if response.degraded {
        println!(
            "(degraded: {})",
            response
                .degraded_reason
                .as_deref()
                .unwrap_or("dense leg unavailable")
        );
    }
    println!(
        "{:>3}  {:<36} {:<9} {:>8}  {:>11}  {:>11}  name",
        "#", "id", "kind", "score", "lexical", "dense"
    );
    let leg = |rank: Option<crate::service::fusion::LegRank>| {
        rank.map_or("-".to_owned(), |r| format!("{}:{:.3}", r.rank, r.score))
    };
    for (i, hit) in response.hits.iter().enumerate() {
        println!(
            "{:>3}  {:<36} {:<9} {:>8.4}  {:>11}  {:>11}  {}",
            i + 1,
            output::cell(&hit.id, 36),
            output::cell(&hit.kind, 9),
            hit.score,
            leg(hit.lexical),
            leg(hit.dense),
            output::cell(&hit.name, 60)
        );
    }
    println!(
        "{} hits in {:.1} ms (KB version {})",
        response.hits.len(),
        response.took_ms,
        response.kb_version
    );
    Ok(())
}
