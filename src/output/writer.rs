//! A writer for servers' output: text is rendered on the caller's thread and appended to
//! one buffer (whole blocks, so they never interleave), which a flusher thread writes out
//! every few milliseconds; the same lock keeps the caller's counts (`S`). A stalled
//! terminal or pipe slows callers down instead of growing memory, and a closed stdout
//! (`| head -n 2`) is reported once.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::Duration;

/// How often buffered output is written out: quick enough to feel live, rare enough that
/// a burst of events costs one write, not one thread wake-up each.
const FLUSH_EVERY: Duration = Duration::from_millis(10);
/// Buffered output past which the flusher is woken at once.
const WAKE_AT: usize = 512 * 1024;
/// Buffered output past which requests wait for the flusher (a stalled terminal or pipe
/// slows the server down instead of growing memory).
const MAX_PENDING: usize = 4 * 1024 * 1024;

/// One buffer that a flusher thread writes out. The lock is held only to append, so text
/// comes out in the order it was pushed.
pub struct Writer<S> {
    pending: Mutex<Pending<S>>,
    room: Condvar,
    stop: AtomicBool,
    /// The flusher found nothing to write and sleeps until an event wakes it, so an idle
    /// listener uses no CPU.
    idle: AtomicBool,
    flusher: OnceLock<std::thread::Thread>,
    joined: Mutex<Option<std::thread::JoinHandle<()>>>,
    /// Called once when stdout goes away (`| head -n 2`): events would be recorded
    /// nowhere, so the command stops the server.
    on_stdout_closed: OnceLock<Box<dyn Fn() + Send + Sync>>,
    stdout_closed: AtomicBool,
}

struct Pending<S> {
    out: Vec<u8>,
    err: Vec<u8>,
    counts: S,
}

impl<S: Default + Send + 'static> Writer<S> {
    pub fn start() -> Arc<Writer<S>> {
        let printer = Arc::new(Writer {
            pending: Mutex::new(Pending {
                out: Vec::new(),
                err: Vec::new(),
                counts: S::default(),
            }),
            room: Condvar::new(),
            stop: AtomicBool::new(false),
            idle: AtomicBool::new(false),
            flusher: OnceLock::new(),
            joined: Mutex::new(None),
            on_stdout_closed: OnceLock::new(),
            stdout_closed: AtomicBool::new(false),
        });
        let worker = printer.clone();
        let handle = std::thread::spawn(move || worker.flush_loop());
        let _ = printer.flusher.set(handle.thread().clone());
        *crate::lock(&printer.joined) = Some(handle);
        printer
    }

    /// What to do when stdout closes (once).
    pub fn on_stdout_closed(&self, then: impl Fn() + Send + Sync + 'static) {
        let _ = self.on_stdout_closed.set(Box::new(then));
    }

    /// Whether stdout went away while events were being printed.
    pub fn stdout_closed(&self) -> bool {
        self.stdout_closed.load(Ordering::SeqCst)
    }

    /// Writes what is left and returns the counts.
    pub fn finish(&self) -> S {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(handle) = crate::lock(&self.joined).take() {
            handle.thread().unpark();
            let _ = handle.join();
        }
        std::mem::take(&mut crate::lock(&self.pending).counts)
    }

    fn is_empty(&self) -> bool {
        let pending = crate::lock(&self.pending);
        pending.out.is_empty() && pending.err.is_empty()
    }

    fn flush_loop(&self) {
        let mut stdout_open = true;
        let (mut out, mut err) = (Vec::new(), Vec::new());
        loop {
            if self.idle.load(Ordering::SeqCst) {
                std::thread::park();
            }
            // Let a burst gather, so it costs one write.
            std::thread::park_timeout(FLUSH_EVERY);
            let stopping = self.stop.load(Ordering::SeqCst);
            {
                // Swap, not copy: the lock is held for two pointer swaps.
                let mut pending = crate::lock(&self.pending);
                std::mem::swap(&mut out, &mut pending.out);
                std::mem::swap(&mut err, &mut pending.err);
            }
            self.room.notify_all();
            let wrote = !(out.is_empty() && err.is_empty());
            if !out.is_empty() && stdout_open {
                let mut stdout = io::stdout().lock();
                stdout_open = stdout.write_all(&out).and_then(|()| stdout.flush()).is_ok();
                if !stdout_open {
                    self.stdout_closed.store(true, Ordering::SeqCst);
                    if let Some(then) = self.on_stdout_closed.get() {
                        then();
                    }
                }
            }
            if !err.is_empty() {
                let _ = io::stderr().lock().write_all(&err);
            }
            out.clear();
            err.clear();
            if stopping {
                return;
            }
            if !wrote {
                self.idle.store(true, Ordering::SeqCst);
                // An event pushed before `idle` was set would not wake us: look again.
                if !self.is_empty() {
                    self.idle.store(false, Ordering::SeqCst);
                }
            }
        }
    }

    /// Appends under the lock (to stderr or stdout), counting with `count`; waits while
    /// too much is pending.
    pub fn push(&self, to_stderr: bool, text: &str, count: impl FnOnce(&mut S)) {
        self.push_parts(to_stderr, &[text], count);
    }

    /// [`Writer::push`] of several pieces as one (a line and its newline), not copied first.
    pub fn push_parts(&self, to_stderr: bool, parts: &[&str], count: impl FnOnce(&mut S)) {
        self.push_with(
            to_stderr,
            |buf| {
                parts
                    .iter()
                    .for_each(|text| buf.extend_from_slice(text.as_bytes()))
            },
            count,
        );
    }

    /// Appends what `write` writes straight into the buffer (no text made and copied
    /// first). `write` must append whole UTF-8 text; it runs under the lock.
    pub fn push_with(
        &self,
        to_stderr: bool,
        write: impl FnOnce(&mut Vec<u8>),
        count: impl FnOnce(&mut S),
    ) {
        let mut pending = crate::lock(&self.pending);
        while pending.out.len() + pending.err.len() > MAX_PENDING
            && !self.stop.load(Ordering::SeqCst)
        {
            pending = self
                .room
                .wait_timeout(pending, FLUSH_EVERY)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        count(&mut pending.counts);
        let buf = if to_stderr {
            &mut pending.err
        } else {
            &mut pending.out
        };
        write(buf);
        let wake = buf.len() > WAKE_AT;
        drop(pending);
        // Load before swapping: under load `idle` stays false, and a plain load keeps
        // the cache line shared between threads.
        let was_idle = self.idle.load(Ordering::SeqCst) && self.idle.swap(false, Ordering::SeqCst);
        if wake || was_idle {
            if let Some(flusher) = self.flusher.get() {
                flusher.unpark();
            }
        }
    }
}
