//! `answergraph ask QUESTION`: one answer with confidence, evidence and the handoff decision.
//! With `--session ID`, consecutive calls form one conversation (kept in the data directory).

use crate::config::Settings;
use crate::service::answer::{AnswerOptions, AnswerRequest};
use crate::service::KnowledgeBase;

use super::progress::Bars;
use super::{output, CliResult};

#[derive(Debug, clap::Args)]
pub struct Args {
    pub question: String,
    /// Conversation id: earlier turns of the same id resolve "it", "and the warranty?" etc.
    #[arg(long)]
    pub session: Option<String>,
    #[arg(long)]
    pub json: bool,
    /// Show how the question was understood and the candidates scored.
    #[arg(long)]
    pub explain: bool,
}

pub fn run(args: Args, settings: &Settings) -> CliResult {
    let kb = KnowledgeBase::open(settings, &Bars::default())?;
    let response = kb.answer(
        &AnswerRequest {
            question: args.question,
            session_id: args.session,
            explain: args.explain,
        },
        AnswerOptions {
            log: true,
            persist_session: true,
        },
    )?;
    if args.json {
        output::json(&response);
        return Ok(());
    }
    match &response.answer {
        Some(answer) => {
            println!("{} ({}, {})", answer.name, answer.node_id, answer.kind);
            println!("{}", answer.text);
        }
        None => println!("(no answer worth giving)"),
    }
    println!("confidence {:.2}", response.confidence);
    for evidence in &response.evidence {
        println!("evidence: {}", evidence.path.join(" → "));
    }
    if response.handoff.recommended {
        let reason = response.handoff.reason.map_or("", |r| r.as_str());
        println!("handoff to a human recommended: {reason}");
    }
    for alternative in &response.alternatives {
        println!(
            "  also: {} ({}, {:.2})",
            alternative.name, alternative.node_id, alternative.score
        );
    }
    Ok(())
}
