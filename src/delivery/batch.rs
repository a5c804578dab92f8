//! Many deliveries at once, for `send` and `replay` alike: jobs come from a [`Jobs`] source, run
//! under one retry policy with a concurrency limit and an even rate, failures are written
//! as dead letters, and every job's events go to a [`Reporter`], in job order when asked.
//!
//! Ctrl-C (the `stop` future) ends every batch the same way: finished results are already
//! reported; each job in flight or queued is reported [`Verdict::Interrupted`] with the
//! attempts it made (the one cut off included) and dead-lettered like any other failure.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http::{Method, Uri};
use tokio::sync::{watch, Notify, Semaphore};

use super::{dead_letter, AttemptRecord, Client, Delivery, Policy, Progress, Request, Verdict};
use crate::capture::Capture;

/// One delivery to make.
pub trait Job: Send + Sync + 'static {
    /// The request of attempt `attempt` (1-based), built afresh so it can be re-signed.
    fn request(&self, attempt: u32) -> Request;
    /// Where it came from, for people: a fixture's path, `file:line` of a capture.
    fn source(&self) -> &str;
    /// The delivery id it carries, when it has one.
    fn delivery_id(&self) -> Option<&str>;
    fn method(&self) -> &Method;
    fn url(&self) -> &Uri;
    /// Starts only once the job before it has finished (`send --duplicate`'s copy).
    fn follows_previous(&self) -> bool {
        false
    }
    /// What a dead letter keeps of it: the request as a capture.
    fn dead_letter(&self) -> Capture;
}

/// Where a batch's jobs come from: a list, a watched folder, a stream of captures.
pub trait Jobs<J> {
    /// A job ready now, without waiting.
    fn ready(&mut self) -> Option<J>;
    /// The next job, waiting for it if need be; `None` when there are no more.
    fn next(&mut self) -> impl Future<Output = Option<J>>;
    /// When the batch is stopped: the jobs it would have run, to be reported interrupted.
    /// (A stream of captures leaves them where they are, in its input.)
    fn unstarted(&mut self) -> Vec<J> {
        Vec::new()
    }
}

/// A fixed list.
impl<J> Jobs<J> for std::collections::VecDeque<J> {
    fn ready(&mut self) -> Option<J> {
        self.pop_front()
    }

    async fn next(&mut self) -> Option<J> {
        self.pop_front()
    }

    fn unstarted(&mut self) -> Vec<J> {
        self.drain(..).collect()
    }
}

/// How a batch runs.
#[derive(Debug, Clone)]
pub struct Settings {
    pub policy: Policy,
    /// Deliveries in flight at once (at least 1).
    pub concurrency: usize,
    /// At most this many starts per second, evenly spaced.
    pub rate: Option<f64>,
    /// Where failed deliveries are written.
    pub dead_letter: Option<PathBuf>,
    /// Report each job's events together and in job order (for line output), rather than
    /// as they happen (for live displays).
    pub in_order: bool,
}

/// What a job reports, in this order: `Sending`, `Attempted` (and `Waiting` before a
/// retry) per attempt, then `Finished` once.
#[derive(Debug, Clone)]
pub enum Event {
    Sending {
        attempt: u32,
        of: u32,
    },
    Attempted {
        record: AttemptRecord,
        of: u32,
    },
    Waiting {
        next: u32,
        delay: Duration,
    },
    Finished {
        delivery: Delivery,
        /// The dead letter written (`Ok`), or why it could not be.
        dead_letter: Option<Result<PathBuf, String>>,
    },
}

/// Receives the events of a batch. Called from the batch's tasks, one event at a time.
pub trait Reporter<J>: Send + Sync + 'static {
    fn event(&self, index: usize, job: &J, event: &Event);
}

/// How a batch ended.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Ended {
    /// Jobs cut short by `stop` (in flight or queued).
    pub interrupted: usize,
    /// Whether `stop` ended it.
    pub stopped: bool,
}

/// Runs every job `jobs` yields until it has no more and the last one finishes, or until
/// `stop` completes.
pub async fn run<J: Job, R: Reporter<J>>(
    client: Arc<Client>,
    settings: Settings,
    mut jobs: impl Jobs<J>,
    reporter: Arc<R>,
    stop: impl Future<Output = ()>,
) -> Ended {
    let concurrency = settings.concurrency.max(1);
    let shared = Arc::new(Shared {
        client,
        policy: settings.policy.clone(),
        dead_letter: settings.dead_letter.clone(),
        order: Mutex::new(Order::new(settings.in_order)),
        head_moved: Notify::new(),
        reporter,
    });
    let mut feed = Feed {
        shared: shared.clone(),
        limit: Arc::new(Semaphore::new(concurrency)),
        window: (concurrency * 8).max(256),
        pace: settings.rate.map(|n| {
            let mut ticks = tokio::time::interval(Duration::from_secs_f64(1.0 / n));
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticks
        }),
        tasks: tokio::task::JoinSet::new(),
        running: HashMap::new(),
        previous_done: None,
        next_index: 0,
        pending: None,
    };
    let finished = tokio::select! {
        biased;
        () = stop => false,
        () = feed.all(&mut jobs) => true,
    };
    if finished {
        return Ended::default();
    }
    let interrupted = feed.interrupt(jobs.unstarted()).await;
    Ended {
        interrupted,
        stopped: true,
    }
}

/// The running side of a batch: what has started, and what to start next.
struct Feed<J, R> {
    shared: Arc<Shared<J, R>>,
    limit: Arc<Semaphore>,
    /// How far past the head of job order jobs may start.
    window: usize,
    pace: Option<tokio::time::Interval>,
    tasks: tokio::task::JoinSet<usize>,
    running: HashMap<usize, (Arc<J>, Arc<Track>)>,
    /// Set by the job started last, for one that follows it.
    previous_done: Option<watch::Receiver<bool>>,
    next_index: usize,
    /// A job taken from the source but not started yet.
    pending: Option<(usize, Arc<J>)>,
}

impl<J: Job, R: Reporter<J>> Feed<J, R> {
    /// Starts every job, then waits for the last to finish. Cancelled by `stop`: what it
    /// has started stays in `self` for [`Feed::interrupt`].
    async fn all(&mut self, jobs: &mut impl Jobs<J>) {
        loop {
            let job = match jobs.ready() {
                Some(job) => Some(job),
                None => jobs.next().await,
            };
            let Some(job) = job else { break };
            self.start(job).await;
            // Finished tasks are kept until joined: reap them, so memory stays flat.
            while let Some(done) = self.tasks.try_join_next() {
                self.reaped(done);
            }
        }
        while let Some(done) = self.tasks.join_next().await {
            self.reaped(done);
        }
    }

    fn reaped(&mut self, done: Result<usize, tokio::task::JoinError>) {
        if let Ok(index) = done {
            self.running.remove(&index);
        }
    }

    /// Starts `job` once the window, the concurrency limit and the rate allow it.
    async fn start(&mut self, job: J) {
        let index = self.next_index;
        self.next_index += 1;
        let job = Arc::new(job);
        self.pending = Some((index, job.clone()));
        let shared = self.shared.clone();
        shared.order(|order| order.started(index));
        // In job order, a slow head holds the others' events: start at most `window`
        // jobs past it, so what is held stays bounded.
        loop {
            let notified = shared.head_moved.notified();
            if shared.order(|order| !order.in_order || index < order.head + self.window) {
                break;
            }
            notified.await;
        }
        let permit = self.limit.clone().acquire_owned().await;
        let permit = permit.expect("never closed");
        if let Some(ticks) = self.pace.as_mut() {
            ticks.tick().await;
        }
        let after = match job.follows_previous() {
            true => self.previous_done.take(),
            false => None,
        };
        let (done_tx, done_rx) = watch::channel(false);
        self.previous_done = Some(done_rx);
        let track = Arc::new(Track::default());
        self.running.insert(index, (job.clone(), track.clone()));
        self.pending = None;
        self.tasks.spawn(async move {
            let _permit = permit;
            if let Some(mut before) = after {
                let _ = before.wait_for(|done| *done).await;
            }
            // Boxed: tokio copies a task's whole future as it spawns, polls and reaps it;
            // a delivery's is kilobytes.
            Box::pin(shared.deliver(index, &job, &track)).await;
            let _ = done_tx.send(true);
            index
        });
    }

    /// After `stop`: what ran to its end is reported; every job in flight, pending or
    /// `unstarted` is reported interrupted (and dead-lettered), in job order. Returns how
    /// many.
    async fn interrupt(mut self, unstarted: Vec<J>) -> usize {
        self.tasks.shutdown().await;
        let mut cut: BTreeMap<usize, (Arc<J>, Vec<AttemptRecord>)> = BTreeMap::new();
        for (index, (job, track)) in self.running.drain() {
            if let Some(history) = track.interrupted() {
                cut.insert(index, (job, history));
            }
        }
        if let Some((index, job)) = self.pending.take() {
            cut.insert(index, (job, Vec::new()));
        }
        let shared = &self.shared;
        for job in unstarted {
            let index = self.next_index;
            self.next_index += 1;
            shared.order(|order| order.started(index));
            cut.insert(index, (Arc::new(job), Vec::new()));
        }
        let interrupted = cut.len();
        for (index, (job, attempts)) in cut {
            let during = attempts
                .last()
                .is_some_and(|a| a.error.as_deref() == Some(INTERRUPTED));
            let after = (attempts.len() - usize::from(during)) as u32;
            let delivery = Delivery {
                attempts,
                verdict: Verdict::Interrupted { after, during },
            };
            shared.finish(index, &job, delivery);
        }
        shared.order(|order| order.flush_all(&*shared.reporter));
        interrupted
    }
}

/// The error an attempt cut off by `stop` has in the history.
const INTERRUPTED: &str = "interrupted";

struct Shared<J, R> {
    client: Arc<Client>,
    policy: Policy,
    dead_letter: Option<PathBuf>,
    order: Mutex<Order<J>>,
    head_moved: Notify,
    reporter: Arc<R>,
}

impl<J: Job, R: Reporter<J>> Shared<J, R> {
    fn order<T>(&self, f: impl FnOnce(&mut Order<J>) -> T) -> T {
        f(&mut crate::lock(&self.order))
    }

    async fn deliver(&self, index: usize, job: &Arc<J>, track: &Track) {
        let delivery = self
            .client
            .deliver(
                &self.policy,
                |attempt| job.request(attempt),
                |step| {
                    let event = match step {
                        Progress::Sending { attempt, of } => {
                            track.sending(attempt);
                            Event::Sending { attempt, of }
                        }
                        Progress::Attempted { record, of, .. } => {
                            track.attempted(record.clone());
                            Event::Attempted {
                                record: record.clone(),
                                of,
                            }
                        }
                        Progress::Waiting { next, delay } => Event::Waiting { next, delay },
                    };
                    self.report(index, job, event);
                },
            )
            .await;
        // From here on nothing awaits, so `stop` cannot cut a result in half.
        track.finished();
        self.finish(index, job, delivery);
    }

    /// A job's end: its dead letter written if it failed, then `Finished` reported.
    fn finish(&self, index: usize, job: &Arc<J>, delivery: Delivery) {
        let dead_letter = match (&self.dead_letter, delivery.verdict.failure()) {
            (Some(dir), Some(reason)) => Some(
                dead_letter::write(
                    dir,
                    job.dead_letter(),
                    &delivery.attempts,
                    &reason,
                    &job.url().to_string(),
                    job.source(),
                )
                .map_err(|e| format!("dead letter in {}: {e}", dir.display())),
            ),
            _ => None,
        };
        self.report(
            index,
            job,
            Event::Finished {
                delivery,
                dead_letter,
            },
        );
        if self.order(|order| order.head_moved()) {
            self.head_moved.notify_waiters();
        }
    }

    fn report(&self, index: usize, job: &Arc<J>, event: Event) {
        let mut order = crate::lock(&self.order);
        order.report(index, job, event, &*self.reporter);
    }
}

/// A running job's attempts, kept where `stop` can read them.
#[derive(Default)]
struct Track {
    state: Mutex<TrackState>,
}

#[derive(Default)]
struct TrackState {
    history: Vec<AttemptRecord>,
    /// The attempt on the wire: its number and when it started (written as history only
    /// if it is cut off).
    current: Option<(u32, std::time::SystemTime, Instant)>,
    finished: bool,
}

impl Track {
    fn sending(&self, attempt: u32) {
        let now = (std::time::SystemTime::now(), Instant::now());
        crate::lock(&self.state).current = Some((attempt, now.0, now.1));
    }

    fn attempted(&self, record: AttemptRecord) {
        let mut state = crate::lock(&self.state);
        state.current = None;
        state.history.push(record);
    }

    fn finished(&self) {
        crate::lock(&self.state).finished = true;
    }

    /// The history of a job cut short, the attempt on the wire last; `None` if it finished.
    fn interrupted(&self) -> Option<Vec<AttemptRecord>> {
        let mut state = crate::lock(&self.state);
        if state.finished {
            return None;
        }
        let mut history = std::mem::take(&mut state.history);
        if let Some((attempt, at, started)) = state.current.take() {
            history.push(AttemptRecord {
                attempt,
                at: humantime::format_rfc3339_millis(at).to_string(),
                status: None,
                error: Some(INTERRUPTED.to_string()),
                latency_ms: crate::clock::millis(started.elapsed()),
            });
        }
        Some(history)
    }
}

/// Job order for reports: the head job's events go out as they come; the others' wait
/// until every job before them has finished.
struct Order<J> {
    in_order: bool,
    head: usize,
    /// Started jobs from the head on: finished or not, and their held events.
    held: BTreeMap<usize, Held<J>>,
    moved: bool,
}

struct Held<J> {
    job: Option<Arc<J>>,
    events: Vec<Event>,
    finished: bool,
}

impl<J: Job> Order<J> {
    fn new(in_order: bool) -> Self {
        Order {
            in_order,
            head: 0,
            held: BTreeMap::new(),
            moved: false,
        }
    }

    fn started(&mut self, index: usize) {
        if self.in_order {
            self.held.insert(
                index,
                Held {
                    job: None,
                    events: Vec::new(),
                    finished: false,
                },
            );
        }
    }

    fn report<R: Reporter<J>>(&mut self, index: usize, job: &Arc<J>, event: Event, to: &R) {
        let finished = matches!(event, Event::Finished { .. });
        if !self.in_order {
            to.event(index, job, &event);
            if finished {
                self.head = self.head.max(index + 1);
                self.moved = true;
            }
            return;
        }
        if index == self.head {
            to.event(index, job, &event);
        } else if let Some(held) = self.held.get_mut(&index) {
            held.job.get_or_insert_with(|| job.clone());
            held.events.push(event);
        }
        if finished {
            if let Some(held) = self.held.get_mut(&index) {
                held.finished = true;
            }
            self.advance(to);
        }
    }

    /// Moves the head past finished jobs, reporting what the new head held.
    fn advance<R: Reporter<J>>(&mut self, to: &R) {
        while self.held.get(&self.head).is_some_and(|h| h.finished) {
            self.held.remove(&self.head);
            self.head += 1;
            self.moved = true;
            if let Some(held) = self.held.get_mut(&self.head) {
                if let Some(job) = &held.job {
                    for event in held.events.drain(..) {
                        to.event(self.head, job, &event);
                    }
                }
            }
        }
    }

    /// Whether the head moved since the last call.
    fn head_moved(&mut self) -> bool {
        std::mem::take(&mut self.moved)
    }

    /// Whatever is still held (the run is over).
    fn flush_all<R: Reporter<J>>(&mut self, to: &R) {
        for (index, held) in std::mem::take(&mut self.held) {
            if let Some(job) = &held.job {
                for event in &held.events {
                    to.event(index, job, event);
                }
            }
        }
    }
}
