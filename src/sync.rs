//! Thread plumbing shared by the embedding workers and the server's request threads.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};

/// A poisoned lock still guards consistent data wherever this is used (no code that can panic
/// runs under those locks), so it is used as it is.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Jobs for a fixed set of worker threads (numbered from 0), where the worker that went idle
/// last takes the next job: a lone client keeps meeting the same thread, its stack, malloc
/// caches (and for the embedding workers, the model's weights and scratch memory) still warm.
/// Handing jobs round the workers in turn — as a channel or tokio's blocking pool does — made
/// each job meet the thread whose caches had gone cold meanwhile.
pub struct IdleFirstQueue<J> {
    state: Mutex<State<J>>,
    /// One per worker: only the worker chosen for a job is woken.
    wake: Vec<Condvar>,
}

struct State<J> {
    jobs: VecDeque<J>,
    /// Idle workers, the most recently idle last.
    idle: Vec<usize>,
    open: bool,
}

/// What became of a job given to [`IdleFirstQueue::push`].
#[derive(Debug, PartialEq, Eq)]
pub enum Pushed<J> {
    /// An idle worker was woken for it.
    Woken,
    /// Queued, with no worker idle: it waits for a busy one (or for one yet to be started).
    Queued,
    /// The queue is closed: the job is handed back.
    Closed(J),
}

impl<J> IdleFirstQueue<J> {
    /// A queue for `workers` workers (at least one).
    pub fn new(workers: usize) -> IdleFirstQueue<J> {
        IdleFirstQueue {
            state: Mutex::new(State {
                jobs: VecDeque::new(),
                idle: Vec::new(),
                open: true,
            }),
            wake: (0..workers.max(1)).map(|_| Condvar::new()).collect(),
        }
    }

    /// How many workers the queue serves.
    pub fn workers(&self) -> usize {
        self.wake.len()
    }

    /// Queues `job` and wakes the worker that went idle last, if any.
    pub fn push(&self, job: J) -> Pushed<J> {
        let mut state = lock(&self.state);
        if !state.open {
            return Pushed::Closed(job);
        }
        state.jobs.push_back(job);
        match state.idle.pop() {
            Some(worker) => {
                self.wake[worker].notify_one();
                Pushed::Woken
            }
            None => Pushed::Queued,
        }
    }

    /// The next job for `worker`, waiting while there is none; `None` once the queue is closed
    /// and empty.
    pub fn next(&self, worker: usize) -> Option<J> {
        let mut state = lock(&self.state);
        loop {
            if let Some(job) = state.jobs.pop_front() {
                return Some(job);
            }
            if !state.open {
                return None;
            }
            // A worker woken for a job another worker took first goes back on top.
            if !state.idle.contains(&worker) {
                state.idle.push(worker);
            }
            state = self.wake[worker]
                .wait(state)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    /// Takes no more jobs; the workers finish those queued, then [`Self::next`] returns `None`.
    pub fn close(&self) {
        lock(&self.state).open = false;
        for wake in &self.wake {
            wake.notify_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_that_went_idle_last_takes_the_next_job() {
        let queue = std::sync::Arc::new(IdleFirstQueue::new(2));
        assert_eq!(queue.push(1), Pushed::Queued);
        assert_eq!(queue.next(0), Some(1));
        // Worker 1 goes idle first, then worker 0: a job wakes worker 0.
        let (tx, rx) = std::sync::mpsc::channel();
        let workers: Vec<_> = [1, 0]
            .into_iter()
            .map(|worker| {
                let shared = std::sync::Arc::clone(&queue);
                let tx = tx.clone();
                let handle = std::thread::spawn(move || {
                    while let Some(job) = shared.next(worker) {
                        tx.send((worker, job)).unwrap();
                    }
                });
                // Until this worker is idle, the next one is not started.
                while lock(&queue.state).idle.last() != Some(&worker) {
                    std::thread::yield_now();
                }
                handle
            })
            .collect();
        assert_eq!(queue.push(2), Pushed::Woken);
        assert_eq!(rx.recv().unwrap(), (0, 2));
        queue.close();
        assert!(matches!(queue.push(3), Pushed::Closed(3)));
        for worker in workers {
            worker.join().unwrap();
        }
    }
}
