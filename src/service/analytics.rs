//! Service-quality analytics over a time window of the query log: volume, answer and handoff
//! rates (with the handoff reasons), latency percentiles, feedback and CSAT, and the questions
//! most often left unanswered — the gaps an editor should fill in the KB — for one window, or
//! per bucket of a window as a time series.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, SecondsFormat, Utc};

use crate::store::{FeedbackRecord, QueryRecord};

use super::{KnowledgeBase, Result, ServiceError};

/// The default window: the last seven days.
const DEFAULT_WINDOW_MS: i64 = 7 * 24 * 3600 * 1000;
/// Most unanswered questions one report lists.
pub const MAX_TOP: usize = 100;

#[derive(Debug, Clone)]
pub struct AnalyticsRequest {
    /// Window start: RFC 3339 (`2025-01-31T00:00:00Z`) or an age such as `30m`, `24h`, `7d`.
    /// Default: seven days before `until`.
    pub since: Option<String>,
    /// Window end, in the same forms. Default: now.
    pub until: Option<String>,
    /// How many unanswered questions to list.
    pub top: usize,
}

#[derive(Debug, Clone)]
pub struct Analytics {
    /// RFC 3339.
    pub since: String,
    pub until: String,
    pub queries: u64,
    /// Queries that got an answer.
    pub answered: u64,
    /// `answered / queries`; `None` without queries.
    pub answer_rate: Option<f64>,
    pub handoffs: u64,
    pub handoff_rate: Option<f64>,
    /// Handoffs by reason (`low_confidence`, `asked_for_human`, …).
    pub handoff_reasons: BTreeMap<String, u64>,
    /// Queries answered without the dense legs (embedding failed or timed out).
    pub degraded: u64,
    pub languages: BTreeMap<String, u64>,
    pub mean_confidence: Option<f64>,
    /// Service time per query (from the log); `None` without queries.
    pub latency_ms: Option<Latency>,
    pub feedback: FeedbackStats,
    /// Most frequent unanswered questions, most frequent first.
    pub top_unanswered: Vec<Gap>,
}

#[derive(Debug, Clone, Copy)]
pub struct Latency {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
    pub mean: f64,
}

#[derive(Debug, Clone, Default)]
pub struct FeedbackStats {
    /// Feedback records on queries of the window.
    pub responses: u64,
    pub helpful: u64,
    pub not_helpful: u64,
    pub helpful_rate: Option<f64>,
    /// Feedback with a 1–5 rating.
    pub ratings: u64,
    pub mean_rating: Option<f64>,
    /// Customer satisfaction: the share of ratings that are 4 or 5.
    pub csat: Option<f64>,
}

/// An unanswered question (masked), grouped case- and space-insensitively.
#[derive(Debug, Clone)]
pub struct Gap {
    /// The most recent wording.
    pub question: String,
    pub count: u64,
    /// RFC 3339.
    pub last_asked: String,
}

/// Most buckets one series may have.
pub const MAX_BUCKETS: usize = 366;

#[derive(Debug, Clone)]
pub struct SeriesRequest {
    /// Window start, as in [`AnalyticsRequest`]. Default: seven days before `until`.
    pub since: Option<String>,
    /// Window end. Default: now.
    pub until: Option<String>,
    /// Equal parts the window is cut into.
    pub buckets: usize,
}

/// The window cut into equal buckets, each summarised like a whole [`Analytics`] report (without
/// unanswered questions): how volume, answer rate, handoffs, latency and CSAT move over time.
#[derive(Debug, Clone)]
pub struct AnalyticsSeries {
    /// RFC 3339.
    pub since: String,
    pub until: String,
    pub bucket_ms: i64,
    /// Oldest first; each point's `since`/`until` are its bucket's bounds.
    pub points: Vec<Analytics>,
}

impl KnowledgeBase {
    /// Summarises the query log and feedback between `since` and `until`. Fails with
    /// [`ServiceError::BadRequest`] for an unreadable time, a window that ends before it starts
    /// or `top` outside 0..=[`MAX_TOP`].
    pub fn analytics(&self, request: &AnalyticsRequest) -> Result<Analytics> {
        let (since, until) = window(request.since.as_deref(), request.until.as_deref())?;
        if request.top > MAX_TOP {
            return Err(ServiceError::bad_request(
                "top",
                format!("must be at most {MAX_TOP}"),
            ));
        }
        let log = self.log_between(since, until)?;
        let queries: Vec<&QueryRecord> = log.queries.iter().collect();
        Ok(summarize(
            since,
            until,
            &queries,
            &log.feedback,
            request.top,
        ))
    }

    /// The same figures as [`KnowledgeBase::analytics`] per bucket of the window. Fails with
    /// [`ServiceError::BadRequest`] for an unreadable time, a window that ends before it starts
    /// or `buckets` outside 1..=[`MAX_BUCKETS`].
    pub fn analytics_series(&self, request: &SeriesRequest) -> Result<AnalyticsSeries> {
        let (since, until) = window(request.since.as_deref(), request.until.as_deref())?;
        if request.buckets == 0 || request.buckets > MAX_BUCKETS {
            return Err(ServiceError::bad_request(
                "buckets",
                format!("must be between 1 and {MAX_BUCKETS}"),
            ));
        }
        let log = self.log_between(since, until)?;
        let buckets = request.buckets as i64;
        let bucket_ms = ((until - since) / buckets).max(1);
        let points = (0..buckets)
            .map(|index| {
                let start = since + index * bucket_ms;
                // The last bucket ends at `until` (and includes it), whatever the rounding.
                let end = if index + 1 == buckets {
                    until
                } else {
                    start + bucket_ms
                };
                let queries: Vec<&QueryRecord> = log
                    .queries
                    .iter()
                    .filter(|q| {
                        q.at_ms >= start && (q.at_ms < end || (q.at_ms == end && end == until))
                    })
                    .collect();
                summarize(start, end, &queries, &log.feedback, 0)
            })
            .collect();
        Ok(AnalyticsSeries {
            since: rfc3339(since),
            until: rfc3339(until),
            bucket_ms,
            points,
        })
    }

    /// The logged queries of a window, in time order, and the feedback on them by query id.
    fn log_between(&self, since: i64, until: i64) -> Result<LogWindow> {
        // Query ids begin with the time in 12 hex digits, so the window is a range scan.
        let from_id = format!("{:012x}", since.max(0));
        self.query_log.flush()?;
        let queries: Vec<QueryRecord> = self
            .store
            .queries_from(&from_id)?
            .into_iter()
            .filter(|q| (since..=until).contains(&q.at_ms))
            .collect();
        let ids: HashSet<&str> = queries.iter().map(|q| q.query_id.as_str()).collect();
        let feedback = self
            .store
            .feedback_from(&from_id)?
            .into_iter()
            .filter(|record| ids.contains(record.query_id.as_str()))
            .map(|record| (record.query_id.clone(), record))
            .collect();
        Ok(LogWindow { queries, feedback })
    }
}

struct LogWindow {
    queries: Vec<QueryRecord>,
    /// At most one record per query: a later feedback replaces the earlier one.
    feedback: HashMap<String, FeedbackRecord>,
}

/// The window `since..=until` in Unix milliseconds, from the request's forms. Fails with
/// [`ServiceError::BadRequest`] for an unreadable time or a window that ends before it starts.
fn window(since: Option<&str>, until: Option<&str>) -> Result<(i64, i64)> {
    let now = Utc::now().timestamp_millis();
    let until = match until {
        Some(raw) => parse_time("until", raw, now)?,
        None => now,
    };
    let since = match since {
        Some(raw) => parse_time("since", raw, now)?,
        None => until - DEFAULT_WINDOW_MS,
    };
    if since > until {
        return Err(ServiceError::bad_request(
            "since",
            "the window starts after it ends",
        ));
    }
    Ok((since, until))
}

/// The report over `queries` (in time order) with the feedback on them.
fn summarize(
    since: i64,
    until: i64,
    queries: &[&QueryRecord],
    feedback_by_query: &HashMap<String, FeedbackRecord>,
    top: usize,
) -> Analytics {
    let count = queries.len() as u64;
    let rate = |n: u64| (count > 0).then(|| n as f64 / count as f64);
    let answered = queries.iter().filter(|q| q.answer_id.is_some()).count() as u64;
    let mut handoff_reasons = BTreeMap::new();
    let mut languages = BTreeMap::new();
    for query in queries {
        if let Some(reason) = &query.handoff_reason {
            *handoff_reasons.entry(reason.clone()).or_insert(0) += 1;
        }
        *languages.entry(query.lang.clone()).or_insert(0) += 1;
    }
    let handoffs = handoff_reasons.values().sum();
    let mean_confidence = (count > 0)
        .then(|| queries.iter().map(|q| f64::from(q.confidence)).sum::<f64>() / count as f64);
    let mut latencies: Vec<f64> = queries.iter().map(|q| q.total_ms).collect();
    latencies.sort_by(f64::total_cmp);
    let latency_ms = (!latencies.is_empty()).then(|| Latency {
        p50: percentile(&latencies, 0.50),
        p90: percentile(&latencies, 0.90),
        p99: percentile(&latencies, 0.99),
        max: latencies[latencies.len() - 1],
        mean: latencies.iter().sum::<f64>() / latencies.len() as f64,
    });

    let mut feedback = FeedbackStats::default();
    let mut rating_sum = 0u64;
    let mut satisfied = 0u64;
    for record in queries
        .iter()
        .filter_map(|q| feedback_by_query.get(&q.query_id))
    {
        feedback.responses += 1;
        if record.helpful {
            feedback.helpful += 1;
        } else {
            feedback.not_helpful += 1;
        }
        if let Some(rating) = record.rating {
            feedback.ratings += 1;
            rating_sum += u64::from(rating);
            satisfied += u64::from(rating >= 4);
        }
    }
    feedback.helpful_rate =
        (feedback.responses > 0).then(|| feedback.helpful as f64 / feedback.responses as f64);
    feedback.mean_rating =
        (feedback.ratings > 0).then(|| rating_sum as f64 / feedback.ratings as f64);
    feedback.csat = (feedback.ratings > 0).then(|| satisfied as f64 / feedback.ratings as f64);

    // Queries are in time order, so the last wording seen is the most recent.
    let mut gaps: HashMap<String, Gap> = HashMap::new();
    for query in queries.iter().filter(|q| q.answer_id.is_none()) {
        let Some(question) = &query.question else {
            continue;
        };
        let key = question
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        let gap = gaps.entry(key).or_insert_with(|| Gap {
            question: String::new(),
            count: 0,
            last_asked: String::new(),
        });
        gap.question = question.clone();
        gap.count += 1;
        gap.last_asked = rfc3339(query.at_ms);
    }
    let mut top_unanswered: Vec<Gap> = gaps.into_values().collect();
    top_unanswered.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| b.last_asked.cmp(&a.last_asked))
            .then_with(|| a.question.cmp(&b.question))
    });
    top_unanswered.truncate(top);

    Analytics {
        since: rfc3339(since),
        until: rfc3339(until),
        queries: count,
        answered,
        answer_rate: rate(answered),
        handoffs,
        handoff_rate: rate(handoffs),
        handoff_reasons,
        degraded: queries.iter().filter(|q| q.degraded).count() as u64,
        languages,
        mean_confidence,
        latency_ms,
        feedback,
        top_unanswered,
    }
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn rfc3339(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// An RFC 3339 time, or an age before `now` such as `45m`, `24h` or `7d`, in Unix milliseconds.
fn parse_time(field: &str, raw: &str, now: i64) -> Result<i64> {
    let raw = raw.trim();
    if let Ok(time) = DateTime::parse_from_rfc3339(raw) {
        return Ok(time.timestamp_millis());
    }
    let unit_ms = match raw.chars().last() {
        Some('m') => Some(60_000),
        Some('h') => Some(3_600_000),
        Some('d') => Some(86_400_000),
        _ => None,
    };
    let amount = raw
        .get(..raw.len().saturating_sub(1))
        .and_then(|n| n.parse::<i64>().ok());
    match (amount, unit_ms) {
        (Some(amount), Some(unit_ms)) if amount >= 0 => {
            Ok(now - amount.saturating_mul(unit_ms))
        }
        _ => Err(ServiceError::bad_request(
            field,
            format!(
                "`{raw}` is not a time; use RFC 3339 (2025-01-31T00:00:00Z) or an age such as 30m, 24h, 7d"
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&values, 0.5), 50.0);
        assert_eq!(percentile(&values, 0.99), 99.0);
        assert_eq!(percentile(&[7.0], 0.99), 7.0);
    }

    #[test]
    fn times_are_rfc3339_or_ages() {
        let now = 10 * 86_400_000;
        assert_eq!(parse_time("since", "24h", now).unwrap(), now - 86_400_000);
        assert_eq!(parse_time("since", "7d", now).unwrap(), 3 * 86_400_000);
        assert_eq!(
            parse_time("since", "1970-01-02T00:00:00Z", now).unwrap(),
            86_400_000
        );
        for bad in ["yesterday", "h", "-3d", "12"] {
            assert!(parse_time("since", bad, now).is_err(), "{bad}");
        }
    }
}
