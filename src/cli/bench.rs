//! `answergraph bench`: a load generator. With `--url` it drives a running server's
//! `/v1/answer` (and reports the per-stage times the server put in its answers); with
//! `--data-dir` alone it answers in this process and reports where the time went per stage. `--rate` sends on a fixed schedule instead of as fast as answers come.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::bench::{read_questions, run, Load, Target};
use crate::config::Settings;
use crate::service::KnowledgeBase;

use super::progress::Bars;
use super::{output, CliError, CliResult};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Base URL of a running server (e.g. http://127.0.0.1:8080); without it, answers in process.
    #[arg(long)]
    pub url: Option<String>,
    /// API key for the server (role reader or above).
    #[arg(long, env = "ANSWERGRAPH_BENCH_KEY")]
    pub key: Option<String>,
    /// Questions: an eval-format file or plain text, one question a line.
    #[arg(long)]
    pub queries: PathBuf,
    #[arg(long, default_value_t = 1)]
    pub concurrency: usize,
    /// Seconds to run.
    #[arg(long, default_value_t = 10.0)]
    pub duration: f64,
    /// Requests per second over all workers, on a fixed schedule (latency counts from when a
    /// request was due); without it, each worker asks again as soon as it has its answer.
    #[arg(long)]
    pub rate: Option<f64>,
    #[arg(long)]
    pub json: bool,
}

pub fn run_command(args: Args, settings: &Settings) -> CliResult {
    if args.concurrency == 0 || args.concurrency > 1024 {
        return Err(CliError::Usage(
            "--concurrency must be between 1 and 1024".into(),
        ));
    }
    if !(args.duration > 0.0 && args.duration <= 86_400.0) {
        return Err(CliError::Usage(
            "--duration must be between 0 and 86400 seconds".into(),
        ));
    }
    if args
        .rate
        .is_some_and(|rate| !(rate > 0.0 && rate <= 1_000_000.0))
    {
        return Err(CliError::Usage(
            "--rate must be between 0 and 1000000 requests per second".into(),
        ));
    }
    let questions = read_questions(&args.queries)?;
    let in_process = args.url.is_none();
    let target = match args.url {
        Some(url) => Target::Http { url, key: args.key },
        None => Target::InProcess(Arc::new(KnowledgeBase::open(settings, &Bars::default())?)),
    };
    let load = Load {
        concurrency: args.concurrency,
        duration: Duration::from_secs_f64(args.duration),
        rate: args.rate,
    };
    let report = run(&target, &questions, load, &Bars::default());
    if args.json {
        output::json(&report);
        return Ok(());
    }
    let l = &report.latency_ms;
    let rate = report
        .rate
        .map(|rate| format!(" (asked for {rate} req/s)"))
        .unwrap_or_default();
    println!(
        "{} requests ({} errors) in {:.1} s at concurrency {}: {:.1} req/s{rate}",
        report.requests, report.errors, report.duration_s, report.concurrency, report.qps
    );
    println!(
        "latency ms: p50 {:.2}  p90 {:.2}  p99 {:.2}  max {:.2}",
        l.p50, l.p90, l.p99, l.max
    );
    if !report.stages_ms.is_empty() {
        println!(
            "{}",
            if in_process {
                "stages, ms:"
            } else {
                "the server's own stages (its answers' timings_ms), ms:"
            }
        );
    }
    for (stage, p) in &report.stages_ms {
        println!(
            "  {stage:<12} p50 {:.3}  p90 {:.3}  p99 {:.3}",
            p.p50, p.p90, p.p99
        );
    }
    for sample in &report.error_samples {
        println!("error: {sample}");
    }
    Ok(())
}
