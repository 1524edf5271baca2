//! One small runner for background jobs (photo checks, thumbnails, the
//! receipt PDF, the full database check): a named thread started on first use,
//! a bounded queue, results polled by the UI each frame. Heavy results
//! (decoded images) are moved to the UI, never copied on it.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError, sync_channel};

/// Called when a job is done (the UI passes `ctx.request_repaint`).
pub type Wake = Box<dyn FnOnce() + Send>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    #[error("后台任务较多，请稍候再试。")]
    Full,
    #[error("后台任务线程无法启动，请重新启动工作台。")]
    Stopped,
}

pub struct Jobs<J: Send + 'static, D: Send + 'static> {
    name: &'static str,
    depth: usize,
    work: Arc<dyn Fn(J) -> D + Send + Sync>,
    tx: Option<SyncSender<(J, Wake)>>,
    done_tx: SyncSender<D>,
    done_rx: Receiver<D>,
    pending: usize,
}

impl<J: Send + 'static, D: Send + 'static> Jobs<J, D> {
    /// `depth` bounds both the queue and the finished results waiting.
    pub fn new(
        name: &'static str,
        depth: usize,
        work: impl Fn(J) -> D + Send + Sync + 'static,
    ) -> Self {
        let (done_tx, done_rx) = sync_channel(depth.max(1));
        Jobs {
            name,
            depth: depth.max(1),
            work: Arc::new(work),
            tx: None,
            done_tx,
            done_rx,
            pending: 0,
        }
    }

    fn start(&self) -> Option<SyncSender<(J, Wake)>> {
        let (tx, rx) = sync_channel::<(J, Wake)>(self.depth);
        let work = self.work.clone();
        let done = self.done_tx.clone();
        let name = self.name;
        std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                for (job, wake) in rx {
                    let started = std::time::Instant::now();
                    let out = work(job);
                    tracing::debug!(
                        job = name,
                        ms = started.elapsed().as_millis() as u64,
                        "job done"
                    );
                    if done.send(out).is_err() {
                        break;
                    }
                    wake();
                }
            })
            .ok()
            .map(|_| tx)
    }

    /// Queues a job; never blocks.
    pub fn submit(&mut self, job: J, wake: Wake) -> Result<(), JobError> {
        if self.tx.is_none() {
            self.tx = self.start();
        }
        let Some(tx) = &self.tx else {
            return Err(JobError::Stopped);
        };
        match tx.try_send((job, wake)) {
            Ok(()) => {
                self.pending += 1;
                Ok(())
            }
            Err(TrySendError::Full(_)) => Err(JobError::Full),
            Err(TrySendError::Disconnected(_)) => {
                // The thread ended (a job panicked): start afresh next time.
                self.tx = None;
                self.pending = 0;
                Err(JobError::Stopped)
            }
        }
    }

    /// A finished job's result, if any; never blocks.
    pub fn poll(&mut self) -> Option<D> {
        match self.done_rx.try_recv() {
            Ok(d) => {
                self.pending = self.pending.saturating_sub(1);
                Some(d)
            }
            Err(TryRecvError::Empty | TryRecvError::Disconnected) => None,
        }
    }

    /// Jobs queued or running.
    pub fn pending(&self) -> usize {
        self.pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_jobs_in_order_and_bounds_the_queue() {
        let mut jobs = Jobs::new("test-jobs", 2, |n: u32| {
            std::thread::sleep(std::time::Duration::from_millis(20));
            n * 2
        });
        jobs.submit(1, Box::new(|| ())).unwrap();
        jobs.submit(2, Box::new(|| ())).unwrap();
        // One running, two queued at most: a burst beyond is refused, not blocked on.
        let mut refused = false;
        for n in 3..10 {
            refused |= jobs.submit(n, Box::new(|| ())) == Err(JobError::Full);
        }
        assert!(refused);
        let mut got = Vec::new();
        while jobs.pending() > 0 {
            if let Some(d) = jobs.poll() {
                got.push(d);
            }
            std::thread::yield_now();
        }
        assert_eq!(&got[..2], &[2, 4]);
    }
}
