//! Running CPU-heavy work off the reactor: every scoring, parsing and generating job goes
//! through [`run_job`], which takes a slot of the in-flight limit (or sheds the request
//! with a 503), runs the work on a blocking thread, and turns a panic into a 500.

use std::any::Any;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use tokio::sync::Semaphore;

use super::error::ApiError;

/// What the jobs report to `/metrics`: how many wait for a blocking thread, how many run,
/// and the seconds they ran.
#[derive(Clone, Default)]
pub struct JobMetrics {
    pub waiting: Gauge,
    pub running: Gauge,
    pub busy_seconds: Counter<f64, AtomicU64>,
}

/// The in-flight limit: at most `max` jobs run or wait at once.
pub struct Slots {
    semaphore: Arc<Semaphore>,
    max: usize,
    metrics: JobMetrics,
}

/// Keeps a gauge raised while it lives, even if the job panics.
struct Raised(Gauge);

impl Raised {
    fn new(gauge: &Gauge) -> Raised {
        gauge.inc();
        Raised(gauge.clone())
    }
}

impl Drop for Raised {
    fn drop(&mut self) {
        self.0.dec();
    }
}

impl Slots {
    pub fn new(max: usize, metrics: JobMetrics) -> Slots {
        Slots {
            semaphore: Arc::new(Semaphore::new(max)),
            max,
            metrics,
        }
    }

    pub fn max(&self) -> usize {
        self.max
    }

    /// Jobs running now.
    pub fn in_flight(&self) -> usize {
        self.max - self.semaphore.available_permits()
    }
}

/// Sets the job's stop flag when dropped: when the handler's future is dropped because
/// the client went away or the request timed out, the job sees the flag at its next
/// candidate and ends, releasing its slot.
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Release);
    }
}

/// Runs `work` on a blocking thread (`spawn_blocking`), holding one of `slots` from now
/// until the work returns, even if the request is abandoned meanwhile. `work` gets a stop
/// flag that is set once nobody waits for its result any more. No free slot: 503 at once.
pub async fn run_job<T, F>(slots: &Slots, work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&AtomicBool) -> T + Send + 'static,
{
    let permit = Arc::clone(&slots.semaphore)
        .try_acquire_owned()
        .map_err(|_| ApiError::busy(slots.max))?;
    let stop = Arc::new(AtomicBool::new(false));
    let _stop_on_drop = StopOnDrop(Arc::clone(&stop));
    let metrics = slots.metrics.clone();
    let waiting = Raised::new(&metrics.waiting);
    let job = move || {
        let _permit = permit;
        drop(waiting);
        let _running = Raised::new(&metrics.running);
        let started = Instant::now();
        let out = work(&stop);
        metrics.busy_seconds.inc_by(started.elapsed().as_secs_f64());
        out
    };
    run(job).await
}

/// The default: the reactor hands the job to tokio's blocking threads and awaits it.
#[cfg(not(feature = "bench-score-on-reactor"))]
async fn run<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(job).await.map_err(|e| {
        if e.is_panic() {
            ApiError::panicked(&panic_message(e.into_panic().as_ref()))
        } else {
            ApiError::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "shutting_down",
                "the server is shutting down",
            )
        }
    })
}

/// Benchmark only (`--features bench-score-on-reactor`): the job runs right here, on a
/// reactor thread, which then serves nothing else until it returns. This is what
/// spawn_blocking avoids; scripts/bench.sh measures the difference.
#[cfg(feature = "bench-score-on-reactor")]
async fn run<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(job))
        .map_err(|payload| ApiError::panicked(&panic_message(payload.as_ref())))
}

/// The text a panic was raised with (`panic!("...")` gives a `&str` or a `String`).
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    #[tokio::test]
    async fn a_panicking_job_becomes_a_500_and_frees_its_slot() {
        let slots = Slots::new(1, JobMetrics::default());
        let err = run_job(&slots, |_| -> u32 { panic!("scoring exploded") })
            .await
            .unwrap_err();
        assert_eq!(err.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(err.message.contains("scoring exploded"), "{}", err.message);
        assert_eq!(slots.in_flight(), 0);
        // The next job runs normally.
        assert_eq!(run_job(&slots, |_| 7).await, Ok(7));
    }

    #[tokio::test]
    async fn no_free_slot_sheds_with_503_and_retry_after() {
        let slots = Slots::new(1, JobMetrics::default());
        let held = Arc::clone(&slots.semaphore)
            .try_acquire_owned()
            .expect("a slot");
        let err = run_job(&slots, |_| ()).await.unwrap_err();
        assert_eq!(err.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(err.retry_after_s, Some(1));
        drop(held);
        assert_eq!(run_job(&slots, |_| ()).await, Ok(()));
    }

    #[tokio::test]
    async fn an_abandoned_job_is_told_to_stop() {
        let slots = Slots::new(1, JobMetrics::default());
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (stopped_tx, stopped_rx) = std::sync::mpsc::channel();
        let job = run_job(&slots, move |stop: &AtomicBool| {
            started_tx.send(()).expect("the test waits");
            while !stop.load(Ordering::Acquire) {
                std::thread::yield_now();
            }
            stopped_tx.send(()).expect("the test waits");
        });
        // Poll the job until it has started, then drop it, as hyper does when a client leaves.
        let mut job = Box::pin(job);
        tokio::select! {
            _ = &mut job => panic!("the job cannot finish before it is stopped"),
            _ = tokio::task::spawn_blocking(move || started_rx.recv()) => {}
        }
        drop(job);
        tokio::task::spawn_blocking(move || stopped_rx.recv())
            .await
            .expect("joined")
            .expect("the job saw the stop flag");
    }
}
