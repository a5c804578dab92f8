//! Giving memory back. hookline runs on mimalloc (see `main.rs`), which returns freed
//! pages to the OS lazily, the next time the freeing thread allocates. A server that
//! freed a few large bodies and then went quiet would keep them: after a burst of 25 MiB
//! uploads listen stayed at 150 MB instead of about 20 (bench/abuse.sh).
//!
//! So each runtime thread collects its own heap when it runs out of work (at most once a
//! second), and a ticker makes sure a quiet thread gets there.

use std::cell::Cell;
use std::time::{Duration, Instant};

const AT_MOST_EVERY: Duration = Duration::from_secs(1);

thread_local! {
    static LAST: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// No transparent huge pages for this process (every command: `main` asks first).
/// mimalloc asks for them, and then each first touch of its memory has the kernel find and
/// zero 2 MiB. A server whose memory comes and goes (bodies freed, the inspector's events
/// replaced) paid that again and again: listen with the inspector on spent 6–10% of its
/// CPU in `clear_page_erms` (bench/listen.sh, perf). A short run gains nothing from them
/// either: `send` of 5,000 files peaked at 51 MB with them and 33 MB without, in the same
/// median time, and with them a run now and then stalled while the kernel compacted
/// memory to find 2 MiB pages.
/// Linux only; elsewhere, or if the kernel refuses, nothing changes.
pub fn small_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integer arguments only and affects this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// For `tokio::runtime::Builder::on_thread_park`: the parking thread returns what its
/// heap holds free, unless it did so less than a second ago.
pub fn collect_on_park() {
    let now = Instant::now();
    let due = LAST.with(|last| {
        let due = last.get().is_none_or(|at| now - at >= AT_MOST_EVERY);
        if due {
            last.set(Some(now));
        }
        due
    });
    if due {
        // SAFETY: mi_collect takes no pointers; it only works on this thread's heap and
        // the shared arenas.
        unsafe { libmimalloc_sys::mi_collect(true) };
    }
}

/// Wakes a runtime thread once a second, so a thread that freed memory and went quiet
/// parks again, and collects.
pub async fn tick() {
    let mut every = tokio::time::interval(AT_MOST_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        every.tick().await;
    }
}
