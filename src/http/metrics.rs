//! Prometheus metrics, kept in memory and rendered as the text exposition format: requests and
//! latency per route, answer confidence, answers and handoffs, and the KB's version and size.
//! Routes are labelled by their pattern (`/v1/nodes/{id}`), never by the raw path, so the number
//! of series stays bounded.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::time::Instant;

use parking_lot::Mutex;

use crate::service::answer::AnswerResponse;
use crate::service::status::Readiness;

/// Upper bounds of the request-duration buckets, in seconds.
const DURATION_BOUNDS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Upper bounds of the answer-confidence buckets.
const CONFIDENCE_BOUNDS: &[f64] = &[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];

#[derive(Debug, Clone)]
struct Histogram {
    bounds: &'static [f64],
    /// Non-cumulative counts per bucket; the last is `+Inf`.
    counts: Vec<u64>,
    sum: f64,
    count: u64,
}

impl Histogram {
    fn new(bounds: &'static [f64]) -> Self {
        Self {
            bounds,
            counts: vec![0; bounds.len() + 1],
            sum: 0.0,
            count: 0,
        }
    }

    fn observe(&mut self, value: f64) {
        let bucket = self
            .bounds
            .iter()
            .position(|bound| value <= *bound)
            .unwrap_or(self.bounds.len());
        self.counts[bucket] += 1;
        self.sum += value;
        self.count += 1;
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        let mut cumulative = 0;
        for (i, count) in self.counts.iter().enumerate() {
            cumulative += count;
            let le = self
                .bounds
                .get(i)
                .map_or_else(|| "+Inf".to_owned(), |b| b.to_string());
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels}{sep}le=\"{le}\"}} {cumulative}"
            );
        }
        let braces = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        };
        let _ = writeln!(out, "{name}_sum{braces} {}", self.sum);
        let _ = writeln!(out, "{name}_count{braces} {}", self.count);
    }
}

#[derive(Default)]
struct Counters {
    /// (route, method, status) → requests.
    requests: BTreeMap<(String, String, u16), u64>,
    durations: BTreeMap<String, Histogram>,
    confidence: Option<Histogram>,
    /// answered (true) / not answered (false) → answers.
    answers: BTreeMap<bool, u64>,
    handoffs: BTreeMap<String, u64>,
}

pub struct Metrics {
    started: Instant,
    counters: Mutex<Counters>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        Self {
            started: Instant::now(),
            counters: Mutex::new(Counters::default()),
        }
    }

    /// Counts one request on `route` (a route pattern, or `unmatched`).
    pub fn observe_request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let mut counters = self.counters.lock();
        *counters
            .requests
            .entry((route.to_owned(), method.to_owned(), status))
            .or_insert(0) += 1;
        counters
            .durations
            .entry(route.to_owned())
            .or_insert_with(|| Histogram::new(DURATION_BOUNDS))
            .observe(seconds);
    }

    /// Records an answer's confidence, whether it answered and why it handed off.
    pub fn observe_answer(&self, response: &AnswerResponse) {
        let mut counters = self.counters.lock();
        counters
            .confidence
            .get_or_insert_with(|| Histogram::new(CONFIDENCE_BOUNDS))
            .observe(f64::from(response.confidence));
        *counters
            .answers
            .entry(response.answer.is_some())
            .or_insert(0) += 1;
        if let Some(reason) = response.handoff.reason {
            *counters
                .handoffs
                .entry(reason.as_str().to_owned())
                .or_insert(0) += 1;
        }
    }

    /// The exposition text; `kb` is `None` while the KB is loading.
    pub fn render(&self, kb: Option<&Readiness>) -> String {
        let counters = self.counters.lock();
        let mut out = String::new();
        header(
            &mut out,
            "answergraph_http_requests_total",
            "counter",
            "HTTP requests by route pattern, method and status.",
        );
        for ((route, method, status), count) in &counters.requests {
            let _ = writeln!(
                out,
                "answergraph_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {count}",
                escape(route),
                escape(method)
            );
        }
        header(
            &mut out,
            "answergraph_http_request_duration_seconds",
            "histogram",
            "Time from request to response by route pattern.",
        );
        for (route, histogram) in &counters.durations {
            histogram.render(
                &mut out,
                "answergraph_http_request_duration_seconds",
                &format!("route=\"{}\"", escape(route)),
            );
        }
        header(
            &mut out,
            "answergraph_answer_confidence",
            "histogram",
            "Confidence of answers given by /v1/answer.",
        );
        counters
            .confidence
            .clone()
            .unwrap_or_else(|| Histogram::new(CONFIDENCE_BOUNDS))
            .render(&mut out, "answergraph_answer_confidence", "");
        header(
            &mut out,
            "answergraph_answers_total",
            "counter",
            "Questions answered (answered=\"true\") or left unanswered.",
        );
        for answered in [true, false] {
            let count = counters.answers.get(&answered).copied().unwrap_or(0);
            let _ = writeln!(
                out,
                "answergraph_answers_total{{answered=\"{answered}\"}} {count}"
            );
        }
        header(
            &mut out,
            "answergraph_handoffs_total",
            "counter",
            "Handoffs to a human recommended, by reason.",
        );
        for (reason, count) in &counters.handoffs {
            let _ = writeln!(
                out,
                "answergraph_handoffs_total{{reason=\"{}\"}} {count}",
                escape(reason)
            );
        }
        header(
            &mut out,
            "answergraph_ready",
            "gauge",
            "1 when the KB, index, vectors and model are loaded.",
        );
        let _ = writeln!(
            out,
            "answergraph_ready {}",
            u8::from(kb.is_some_and(|r| r.ready))
        );
        if let Some(kb) = kb {
            header(
                &mut out,
                "answergraph_kb_version",
                "gauge",
                "The published KB version.",
            );
            let _ = writeln!(out, "answergraph_kb_version {}", kb.kb_version);
            header(
                &mut out,
                "answergraph_kb_nodes",
                "gauge",
                "Nodes in the published KB version.",
            );
            let _ = writeln!(out, "answergraph_kb_nodes {}", kb.nodes);
            header(
                &mut out,
                "answergraph_kb_edges",
                "gauge",
                "Edges in the published KB version.",
            );
            let _ = writeln!(out, "answergraph_kb_edges {}", kb.edges);
        }
        header(
            &mut out,
            "answergraph_uptime_seconds",
            "gauge",
            "Seconds since the server started.",
        );
        let _ = writeln!(
            out,
            "answergraph_uptime_seconds {:.3}",
            self.started.elapsed().as_secs_f64()
        );
        out
    }
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// Escapes a label value (`\`, `"` and newlines).
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The label for a matched route pattern: regex parts of parameters removed
/// (`/v1/nodes/{id:.+}` → `/v1/nodes/{id}`).
pub fn route_label(pattern: Option<String>) -> String {
    let Some(pattern) = pattern else {
        return "unmatched".to_owned();
    };
    let mut out = String::with_capacity(pattern.len());
    let (mut in_param, mut in_regex) = (false, false);
    for c in pattern.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push(c);
            }
            '}' => {
                (in_param, in_regex) = (false, false);
                out.push(c);
            }
            ':' if in_param => in_regex = true,
            _ if in_regex => {}
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative() {
        let mut histogram = Histogram::new(&[1.0, 2.0]);
        for value in [0.5, 1.5, 1.7, 9.0] {
            histogram.observe(value);
        }
        let mut out = String::new();
        histogram.render(&mut out, "h", "a=\"b\"");
        assert!(out.contains("h_bucket{a=\"b\",le=\"1\"} 1\n"), "{out}");
        assert!(out.contains("h_bucket{a=\"b\",le=\"2\"} 3\n"));
        assert!(out.contains("h_bucket{a=\"b\",le=\"+Inf\"} 4\n"));
        assert!(out.contains("h_count{a=\"b\"} 4\n"));
    }

    #[test]
    fn route_labels_drop_parameter_regexes() {
        assert_eq!(
            route_label(Some("/v1/nodes/{id:.+}".into())),
            "/v1/nodes/{id}"
        );
        assert_eq!(
            route_label(Some("/v1/nodes/{id:.+}/neighbors".into())),
            "/v1/nodes/{id}/neighbors"
        );
        assert_eq!(route_label(Some("/v1/answer".into())), "/v1/answer");
        assert_eq!(route_label(None), "unmatched");
    }
}
