//! The query log's writer. An answer hands its record over and returns; a thread of its own
//! writes the records to the store a batch at a time, so that no answer waits for sled (on the
//! demo, writing each record on the answering thread was ≈ 0.01 ms of every answer).
//!
//! Nothing is lost or seen late by this process: whoever reads the log (feedback checking its
//! query id, analytics, a backup) first calls [`QueryLog::flush`], which writes what is pending
//! and waits for a batch being written; dropping the log (closing the KB) writes the rest. Like
//! the store's own writes, records still in memory are lost only if the process dies (sled
//! itself syncs to disk every half second).

use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::store::{QueryRecord, Store};
use crate::sync::lock;

use super::Result;

/// How long a record waits, at most, before the writer takes it.
const WRITE_EVERY: Duration = Duration::from_millis(100);

/// Records pending past this many are written by the answering thread itself, so the memory
/// they take stays bounded even if the writer falls behind.
const MOST_PENDING: usize = 10_000;

pub(crate) struct QueryLog {
    shared: Arc<Shared>,
    writer: Option<JoinHandle<()>>,
}

struct Shared {
    store: Store,
    pending: Mutex<Pending>,
    wake: Condvar,
    /// Held while a batch is written, so that a flush returns only after every record handed
    /// over before it is in the store.
    writing: Mutex<()>,
}

#[derive(Default)]
struct Pending {
    records: Vec<QueryRecord>,
    closed: bool,
}

impl QueryLog {
    /// Starts the writer thread for `store`.
    pub fn start(store: Store) -> QueryLog {
        let shared = Arc::new(Shared {
            store,
            pending: Mutex::new(Pending::default()),
            wake: Condvar::new(),
            writing: Mutex::new(()),
        });
        let writer = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("query-log".into())
                .spawn(move || shared.run())
        };
        match writer {
            Ok(writer) => QueryLog {
                shared,
                writer: Some(writer),
            },
            // Without a thread of its own the log is written by the answering thread.
            Err(e) => {
                tracing::warn!(error = %e, "cannot start the query log writer; answers write their own records");
                QueryLog {
                    shared,
                    writer: None,
                }
            }
        }
    }

    /// Hands one record over. Fails only when the record has to be written here (the writer
    /// is missing or far behind) and the store fails.
    pub fn add(&self, record: QueryRecord) -> Result<()> {
        let mut pending = lock(&self.shared.pending);
        pending.records.push(record);
        if self.writer.is_none() || pending.records.len() > MOST_PENDING {
            drop(pending);
            return self.flush();
        }
        Ok(())
    }

    /// Writes every record handed over so far; returns once they are all in the store. Fails
    /// when the store fails.
    pub fn flush(&self) -> Result<()> {
        self.shared.write_pending()
    }
}

impl Drop for QueryLog {
    fn drop(&mut self) {
        lock(&self.shared.pending).closed = true;
        self.shared.wake.notify_one();
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
        if let Err(e) = self.flush() {
            tracing::error!(error = %e, "cannot write the last query log records");
        }
    }
}

impl Shared {
    /// The writer thread: every [`WRITE_EVERY`], writes what is pending, until the log closes.
    fn run(&self) {
        loop {
            let closed = {
                let pending = lock(&self.pending);
                let (pending, _) = self
                    .wake
                    .wait_timeout_while(pending, WRITE_EVERY, |p| !p.closed)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                pending.closed
            };
            if let Err(e) = self.write_pending() {
                tracing::error!(error = %e, "cannot write query log records");
            }
            if closed {
                return;
            }
        }
    }

    /// Writes every record pending; a concurrent call waits for this one's batch.
    fn write_pending(&self) -> Result<()> {
        let _writing = lock(&self.writing);
        let records = std::mem::take(&mut lock(&self.pending).records);
        for record in &records {
            self.store.put_query(record)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(query_id: &str) -> QueryRecord {
        QueryRecord {
            query_id: query_id.to_owned(),
            at_ms: 1,
            question: Some("where is my [email] receipt".to_owned()),
            lang: "en".to_owned(),
            answer_id: None,
            confidence: 0.5,
            handoff_reason: None,
            session_id: None,
            total_ms: 0.7,
            timings_ms: Default::default(),
            degraded: false,
        }
    }

    #[test]
    fn records_are_in_the_store_after_a_flush_and_after_the_log_closes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let log = QueryLog::start(store.clone());
        log.add(record("q1")).unwrap();
        log.flush().unwrap();
        assert_eq!(store.query("q1").unwrap(), Some(record("q1")));

        log.add(record("q2")).unwrap();
        log.add(record("q3")).unwrap();
        drop(log);
        for id in ["q2", "q3"] {
            assert_eq!(store.query(id).unwrap(), Some(record(id)));
        }
    }
}
