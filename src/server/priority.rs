//! The reactor's threads run at a lower priority than the scoring pool's (Linux only; a
//! no-op elsewhere), so that a flood of requests the server rejects cannot take the CPU
//! the accepted ones are scored on.
//!
//! Every request, accepted or rejected, is read, routed and answered on a reactor
//! thread, and those share the cores with the pool. At equal priority the scheduler
//! splits a busy core between them evenly: measured with 64 connections asking back to
//! back for recommendations over 20,000 products, the server pinned to one core answered
//! 29,000 requests a second with 503 and served 2.2 a second instead of 4.4. With the
//! reactor's threads 10 nice levels below the pool's (`--reactor-nice 10`, the default),
//! it served 3.9 a second while rejecting 4,600 a second. Short jobs also need one
//! waiting whenever one ends, since the reactor that hands the next one over now waits
//! for the CPU: hence the in-flight default of 4 x the pool's threads (the real catalog,
//! 2 ms jobs, same flood: 289 served a second at level priority, 278 lowered with 2 x
//! threads in flight, 472 lowered with 4 x, against a capacity of 500).
//!
//! The price is paid while the pool is busy: a rejection, a `/healthz` answer or a
//! finished job's response waits longer for its reactor thread (real catalog at 4 x its
//! capacity, open loop: p99 of the accepted requests 10 ms at level priority, 32 ms
//! lowered). Below capacity the pool leaves the cores idle and nothing waits.
//!
//! tokio's blocking threads (where a scoring job waits for the pool, and where uploads
//! are parsed) start through the same hook, so they are lowered too; the pool's own
//! threads are rayon's and keep the process's priority.

use std::sync::atomic::{AtomicI32, Ordering};

/// What the reactor's threads were lowered by (0: not lowered), for `/info`.
static LOWERED_BY: AtomicI32 = AtomicI32::new(0);

/// The nice levels the reactor's threads were lowered by, as far as the last one to
/// start managed (0 where none was, or on other systems).
pub fn reactor_nice() -> i32 {
    LOWERED_BY.load(Ordering::Relaxed)
}

/// The runtime's `on_thread_start` hook: each thread it starts runs `levels` nice levels
/// below the calling thread as it is now (the main thread, whose priority the pool's
/// threads inherit). The level is set, not added: a thread that a lowered thread starts
/// inherits its value, and is not lowered twice. 0 leaves every thread as it starts. On
/// failure a thread keeps the priority it started with, and `/info` says 0.
pub fn below_this_thread(levels: i32) -> impl Fn() + Send + Sync + 'static {
    let base = this_thread().ok().filter(|_| levels > 0);
    move || {
        if let Some(base) = base {
            let nice = (base + levels).min(19);
            let lowered = if set_this_thread(nice).is_ok() {
                nice - base
            } else {
                0
            };
            LOWERED_BY.store(lowered, Ordering::Relaxed);
        }
    }
}

/// The calling thread's nice value. Linux keeps one per thread, and
/// `getpriority(PRIO_PROCESS, tid)` reads this thread's alone.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn this_thread() -> std::io::Result<i32> {
    // SAFETY: gettid and getpriority take no pointers and only read the calling thread's
    // scheduling priority; errno is this thread's.
    unsafe {
        // getpriority may return -1 as a value: errno tells an error apart.
        *libc::__errno_location() = 0;
        let nice = libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t);
        if nice == -1 && *libc::__errno_location() != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(nice)
    }
}

/// Sets the calling thread's nice value; raising one's own needs no privilege.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn set_this_thread(nice: i32) -> std::io::Result<()> {
    // SAFETY: as in `this_thread`; setpriority sets the calling thread's priority only.
    match unsafe { libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, nice) } {
        0 => Ok(()),
        _ => Err(std::io::Error::last_os_error()),
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn this_thread() -> std::io::Result<i32> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn set_this_thread(_nice: i32) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    use super::*;

    fn nice() -> i32 {
        this_thread().expect("getpriority")
    }

    #[test]
    fn lowers_each_thread_it_starts_once_and_only_those() {
        let base = nice();
        let hook = below_this_thread(3);
        let (first, second) = std::thread::spawn(move || {
            hook();
            let first = nice();
            // A thread started by a lowered one inherits its value; the hook sets the
            // level again rather than lowering it further.
            let second = std::thread::spawn(move || {
                hook();
                nice()
            });
            (first, second.join().unwrap())
        })
        .join()
        .unwrap();
        let expected = (base + 3).min(19);
        assert_eq!((first, second), (expected, expected));
        assert_eq!(nice(), base, "the thread that made the hook is as it was");
    }

    #[test]
    fn zero_leaves_threads_as_they_start() {
        let base = nice();
        let hook = below_this_thread(0);
        let after = std::thread::spawn(move || {
            hook();
            nice()
        })
        .join()
        .unwrap();
        assert_eq!(after, base);
    }
}
