//! `answergraph serve`: the HTTP API and the editor console over the KB in the data directory.
//! Prints `listening on http://ADDR` once bound (port 0 picks a free port), then where the
//! console is, and `ready: …` once the KB has loaded; SIGTERM or Ctrl-C finishes in-flight
//! requests, flushes the store and exits.

use std::io::Write;

use crate::config::Settings;
use crate::http::{self, ServerEvent};

use super::CliResult;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on (default from the settings: 127.0.0.1:8080).
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
}

pub fn run(args: Args, settings: &Settings) -> CliResult {
    let mut settings = settings.clone();
    if let Some(bind) = args.bind {
        settings.server.bind = bind;
    }
    http::serve(&settings, |event| {
        let mut out = std::io::stdout().lock();
        let _ = match event {
            ServerEvent::Listening(addrs) => {
                let addrs: Vec<String> = addrs.iter().map(|a| format!("http://{a}")).collect();
                writeln!(out, "listening on {}", addrs.join(" ")).and_then(|()| {
                    match addrs.first() {
                        Some(first) => writeln!(out, "console: {first}/console/"),
                        None => Ok(()),
                    }
                })
            }
            ServerEvent::Ready { kb_version, nodes } => {
                writeln!(out, "ready: KB version {kb_version}, {nodes} nodes")
            }
            ServerEvent::Stopped => writeln!(out, "stopped; store flushed"),
        };
        let _ = out.flush();
    })?;
    Ok(())
}
