//! The threads that run the server's service calls ([`super::state::Kb::run`]), so that no
//! sled scan, tantivy search or wait for the model stalls an async worker.
//!
//! tokio's blocking pool, which did this before, wakes its idle threads first in, first out:
//! under one client two of its threads took turns, and each answer met the one whose stack and
//! malloc caches had gone cold meanwhile. Here the thread that went idle last takes the next
//! call ([`IdleFirstQueue`], as for the embedding workers).
//! Threads are started as calls need them, up to a limit; more calls than that wait their turn.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread::JoinHandle;

use crate::sync::{lock, IdleFirstQueue, Pushed};

type Job = Box<dyn FnOnce() + Send>;

pub struct Pool {
    queue: Arc<IdleFirstQueue<Job>>,
    /// Threads started so far (at most the queue's workers).
    threads: Mutex<Vec<JoinHandle<()>>>,
}

/// The call panicked (its message is on stderr) or the pool has stopped.
#[derive(Debug)]
pub struct Failed;

impl Pool {
    /// A pool of at most `threads` threads (at least one); none is started yet.
    pub fn new(threads: usize) -> Pool {
        Pool {
            queue: Arc::new(IdleFirstQueue::new(threads)),
            threads: Mutex::new(Vec::new()),
        }
    }

    /// Runs `call` on a pool thread; the future resolves to its result. Fails when `call`
    /// panics or the pool has stopped.
    pub fn run<T, F>(&self, call: F) -> impl Future<Output = Result<T, Failed>>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let reply = Arc::new(Mutex::new(ReplyState::Waiting(None)));
        let job: Job = {
            let reply = Arc::clone(&reply);
            Box::new(move || {
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(call));
                let waiting = std::mem::replace(
                    &mut *lock(&reply),
                    ReplyState::Done(result.map_err(|_| Failed)),
                );
                if let ReplyState::Waiting(Some(waker)) = waiting {
                    waker.wake();
                }
            })
        };
        if !self.push(job) {
            *lock(&reply) = ReplyState::Done(Err(Failed));
        }
        Reply(reply)
    }

    /// Queues a job and wakes the thread that went idle last, or starts one; false when the
    /// pool has stopped.
    fn push(&self, job: Job) -> bool {
        match self.queue.push(job) {
            Pushed::Closed(_) => false,
            Pushed::Woken => true,
            Pushed::Queued => {
                let mut threads = lock(&self.threads);
                let n = threads.len();
                if n < self.queue.workers() {
                    let queue = Arc::clone(&self.queue);
                    let spawned = std::thread::Builder::new()
                        .name(format!("answer-{n}"))
                        .spawn(move || {
                            while let Some(job) = queue.next(n) {
                                job();
                            }
                        });
                    match spawned {
                        Ok(handle) => threads.push(handle),
                        // The job waits for a thread already started.
                        Err(e) => tracing::error!(error = %e, "cannot start a thread for requests"),
                    }
                }
                true
            }
        }
    }
}

impl Drop for Pool {
    /// Lets the threads finish the jobs queued, then stops them.
    fn drop(&mut self) {
        self.queue.close();
        for handle in lock(&self.threads).drain(..) {
            let _ = handle.join();
        }
    }
}

enum ReplyState<T> {
    Waiting(Option<Waker>),
    Done(Result<T, Failed>),
    Taken,
}

struct Reply<T>(Arc<Mutex<ReplyState<T>>>);

impl<T> Future for Reply<T> {
    type Output = Result<T, Failed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = lock(&self.0);
        match std::mem::replace(&mut *state, ReplyState::Taken) {
            ReplyState::Done(result) => Poll::Ready(result),
            ReplyState::Waiting(_) => {
                *state = ReplyState::Waiting(Some(cx.waker().clone()));
                Poll::Pending
            }
            ReplyState::Taken => panic!("a reply polled after it was taken"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn the_thread_that_went_idle_last_takes_the_next_call() {
        let pool = Pool::new(4);
        // Two calls at once (a call is queued when it is made) start two threads.
        let slow = pool.run(|| {
            std::thread::sleep(std::time::Duration::from_millis(50));
            std::thread::current().id()
        });
        let quick = pool.run(|| std::thread::current().id());
        let (first, second) = (slow.await.unwrap(), quick.await.unwrap());
        assert_ne!(first, second);
        // The first call's thread went idle last.
        for _ in 0..3 {
            let next = pool.run(|| std::thread::current().id()).await.unwrap();
            assert_eq!(next, first);
        }
    }

    #[actix_web::test]
    async fn a_call_that_panics_fails_alone() {
        let pool = Pool::new(1);
        assert!(pool.run(|| panic!("on purpose")).await.is_err());
        assert_eq!(pool.run(|| 7).await.unwrap(), 7);
    }

    #[actix_web::test]
    async fn calls_beyond_the_limit_wait_their_turn() {
        let pool = Pool::new(2);
        let calls: Vec<_> = (0..10u32).map(|i| pool.run(move || i * 2)).collect();
        let mut results = Vec::new();
        for call in calls {
            results.push(call.await.unwrap());
        }
        assert_eq!(results, (0..10).map(|i| i * 2).collect::<Vec<_>>());
    }
}
