//! Long-lived helper threads for the branch of a check that runs beside the
//! caller (the segmentation). A thread spawned per check ran the segmentation
//! several milliseconds slower than one that had run it before: tract's
//! scratch buffers and the allocator's memory are per thread, and a new
//! thread maps and faults them in again. Helpers are kept idle between jobs;
//! when all are busy (checks running in parallel) another one is started.

use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, Sender};

type Job = Box<dyn FnOnce() + Send>;

/// Helpers waiting for a job.
static IDLE: Mutex<Vec<Sender<Job>>> = Mutex::new(Vec::new());

/// Runs `job` on an idle helper thread. `None` when no helper thread could
/// be started (the job was dropped unrun: the caller does the work itself).
/// Otherwise the receiver yields the result, or an error when the job
/// panicked (the caller must not run it again: it would panic again).
pub fn run<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> Option<Receiver<T>> {
    let (result, answer) = mpsc::channel();
    let mut job: Job = Box::new(move || {
        let value = job();
        // the job's captures are dropped before the answer is sent
        let _ = result.send(value);
    });
    loop {
        let idle = IDLE.lock().ok().and_then(|mut helpers| helpers.pop());
        let Some(helper) = idle else {
            return start(job).then_some(answer);
        };
        // a helper that has gone away hands the job back
        match helper.send(job) {
            Ok(()) => return Some(answer),
            Err(mpsc::SendError(back)) => job = back,
        }
    }
}

/// A new helper thread that runs `first`, then waits for more; false when
/// the thread could not be started.
fn start(first: Job) -> bool {
    let (jobs, inbox) = mpsc::channel::<Job>();
    let spawned = std::thread::Builder::new()
        .name("photo-side".into())
        .spawn(move || {
            let mut next = first;
            loop {
                next();
                match IDLE.lock() {
                    Ok(mut helpers) => helpers.push(jobs.clone()),
                    Err(_) => return,
                }
                match inbox.recv() {
                    Ok(job) => next = job,
                    Err(_) => return,
                }
            }
        });
    match spawned {
        Ok(_) => true,
        Err(e) => {
            // the job (and its result sender) is dropped unrun
            tracing::warn!(error = %e, "could not start a photo helper thread");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_run_on_kept_threads_and_return_their_results() {
        let name = || std::thread::current().name().map(str::to_owned);
        let first = run(name).unwrap().recv().unwrap();
        assert_eq!(first.as_deref(), Some("photo-side"));
        // several at once: each gets a helper, results come back in full
        let pending: Vec<_> = (0..4u64)
            .map(|i| {
                run(move || {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    i * i
                })
                .unwrap()
            })
            .collect();
        let got: Vec<u64> = pending.into_iter().map(|r| r.recv().unwrap()).collect();
        assert_eq!(got, [0, 1, 4, 9]);
    }

    #[test]
    fn a_panicking_job_is_an_error_not_a_hang() {
        let r = run(|| -> u8 { panic!("injected") }).unwrap();
        assert!(r.recv().is_err());
        // helpers still work afterwards
        assert_eq!(run(|| 7).unwrap().recv().unwrap(), 7);
    }
}
