//! How long-running work (imports, re-embedding, index rebuilds, benchmarks) reports progress
//! without the service knowing how it is shown. The CLI draws bars; servers and tests stay quiet.

/// Receives progress of one stage at a time.
pub trait Progress: Sync {
    /// A stage of `total` units begins (`total` 0: unknown).
    fn start(&self, stage: &str, total: u64);
    /// `done` units of the current stage are complete.
    fn set(&self, done: u64);
    /// The current stage is over.
    fn finish(&self);
}

/// Reports nothing.
pub struct Quiet;

impl Progress for Quiet {
    fn start(&self, _: &str, _: u64) {}
    fn set(&self, _: u64) {}
    fn finish(&self) {}
}
