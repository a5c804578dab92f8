//! `hookline replay CAPTURE… --to URL`: captured requests sent again through the batch
//! engine, body bytes and headers as captured. Capture files and JSON-lines files are all
//! read and checked before anything is sent; JSON lines are then streamed (bounded
//! memory). Standard input cannot be read twice: a bad line there stops the run at it,
//! saying how many were already sent.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{anyhow, bail, Context, Result};
use http::{Method, Uri};
use tokio::sync::mpsc;

pub(super) mod inputs;
mod select;

use crate::delivery::resign::{is_stale, request_from_capture, Resign, Resigner};
use inputs::{check_lines, expand, feed, read_capture, Batch, Files, Input, Item};
use select::Selection;

use super::signals::Signals;
use crate::capture::Capture;
use crate::cli::ReplayArgs;
use crate::config::{Config, SigningSettings};
use crate::delivery::{self, batch};
use crate::output::delivery::{Detail, Printer, Style};

pub fn run(config: &Config, args: ReplayArgs) -> Result<ExitCode> {
    let signing = SigningSettings::resolve(config, &args.signing, args.tolerance)?;
    let signing_flags = !args.signing.secrets.is_empty() || args.signing.secret_file.is_some();
    if signing_flags && !args.resign {
        super::warn_unused(
            "--secret",
            "replay sends captures as they were signed; add --resign to sign afresh",
        );
    }
    let resign = match args.resign {
        true => {
            signing.require_secrets()?;
            super::resign_with(&signing)?.map(Arc::new)
        }
        false => None,
    };
    let (inputs, files, skipped) = read_inputs(&args)?;
    if let Some(dir) = &args.dead_letter {
        super::prepare_output_dir("--dead-letter", dir)?;
    }
    // One runtime thread (the reader thread parses beside it): a load tool shares the
    // machine with the receiver, and a work-stealing pool spends its CPU on wake-ups between
    // workers (measured in bench/replay.sh: about 15% fewer requests per second).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    // `user:password@` in --to: sent as Basic auth, never shown or saved.
    let (to, basic_auth) = crate::http_headers::split_userinfo(&args.to);
    let client = Arc::new(super::delivery_client(&to, &args.tls)?);

    let style = style(&args, &inputs, &files);
    let in_order = !matches!(style, Style::Bar(_));
    let printer = Arc::new(Printer::new(style, Detail::Results));
    // A reader thread feeds the captures through a bounded channel (a few batches): memory
    // stays flat however long the JSON-lines input is.
    let (tx, rx) = mpsc::channel::<Batch>(4);
    let skip_invalid = args.skip_invalid;
    let reader = std::thread::spawn(move || feed(inputs, files, skip_invalid, tx));
    let mut captures = Captures {
        rx,
        batch: Vec::new().into_iter(),
        ended: false,
        selection: Selection::from(&args),
        limit: args.limit,
        taken: 0,
        to,
        basic_auth,
        resign,
        tolerance: signing.tolerance,
        warned_stale: false,
        skip_invalid,
        skipped,
        stopped: None,
    };

    let settings = batch::Settings {
        policy: super::policy(&args.retry),
        concurrency: args.concurrency as usize,
        rate: args.rate,
        dead_letter: args.dead_letter.clone(),
        in_order,
    };
    let ended = runtime.block_on(async {
        if args.dry_run {
            let mut jobs = &mut captures;
            while let Some(job) = batch::Jobs::next(&mut jobs).await {
                printer.dry_run(&job.request);
            }
            return Ok(batch::Ended::default());
        }
        let mut signals = Signals::new().context("cannot listen for Ctrl-C / SIGTERM")?;
        let ended = batch::run(
            client,
            settings,
            &mut captures,
            printer.clone(),
            signals.next(),
        );
        anyhow::Ok(ended.await)
    })?;
    drop(captures.rx);
    // Interrupted, the reader may be blocked on standard input: it goes with the process.
    if !ended.stopped {
        let _ = reader.join();
    }

    let skipped = captures.skipped;
    let s = if skipped == 1 { "" } else { "s" };
    let notes: Vec<String> = (skipped > 0)
        .then(|| format!("skipped {skipped} malformed capture{s}"))
        .into_iter()
        .collect();
    if args.dry_run && captures.stopped.is_none() {
        printer.close();
        return Ok(ExitCode::SUCCESS);
    }
    let summary = printer.finish(&notes);
    if let Some(message) = captures.stopped {
        let sent = summary.delivered + summary.failed.len();
        bail!(
            "{message} (stopped there; {sent} request{} already sent)",
            if sent == 1 { "" } else { "s" }
        );
    }
    Ok(super::batch_exit(&summary, ended.interrupted > 0))
}

/// The CAPTURE arguments, checked before anything is sent: every JSON-lines file read
/// through once, every capture file parsed (kept, in argument order). With
/// `--skip-invalid`, bad capture files are counted instead.
fn read_inputs(args: &ReplayArgs) -> Result<(Vec<Input>, Files, usize)> {
    let inputs = expand(&args.captures, args.recursive, args.jsonl)?;
    if !args.skip_invalid {
        for input in &inputs {
            if let Input::Lines(Some(path)) = input {
                check_lines(path).map_err(|e| {
                    anyhow!("{e:#} (nothing was sent; --skip-invalid skips bad lines)")
                })?;
            }
        }
    }
    let mut skipped = 0usize;
    let mut files = Files::new();
    for (i, input) in inputs.iter().enumerate() {
        if let Input::File(path) = input {
            match read_capture(path) {
                Ok(item) => files.entry(i).or_default().push(item),
                Err(e) if args.skip_invalid => {
                    eprintln!("hookline: skipped {e:#}");
                    skipped += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }
    Ok((inputs, files, skipped))
}

/// One capture's delivery.
struct ReplayJob {
    label: String,
    /// The delivery id the sender gave (as `listen` recorded it), else the capture's id.
    delivery_id: Option<String>,
    /// The capture, its body moved into `request`.
    capture: Capture,
    request: delivery::Request,
    signer: Option<Resigner>,
}

impl batch::Job for ReplayJob {
    fn request(&self, _attempt: u32) -> delivery::Request {
        match &self.signer {
            Some(signer) => signer.sign(&self.request),
            None => self.request.clone(),
        }
    }

    fn source(&self) -> &str {
        &self.label
    }

    fn delivery_id(&self) -> Option<&str> {
        self.delivery_id.as_deref()
    }

    fn method(&self) -> &Method {
        &self.request.method
    }

    fn url(&self) -> &Uri {
        &self.request.url
    }

    /// The capture as it was read.
    fn dead_letter(&self) -> Capture {
        let mut capture = self.capture.clone();
        capture.body = self.request.body.to_vec();
        capture
    }
}

/// The captures the reader thread hands over, as jobs: selected (`--event`, `--since`…,
/// `--limit`), built into requests for `--to`, signed afresh with `--resign`.
struct Captures {
    rx: mpsc::Receiver<Batch>,
    batch: std::vec::IntoIter<Result<Item, String>>,
    ended: bool,
    selection: Selection,
    limit: Option<u64>,
    taken: u64,
    to: Uri,
    basic_auth: Option<http::HeaderValue>,
    resign: Option<Arc<Resign>>,
    tolerance: std::time::Duration,
    warned_stale: bool,
    skip_invalid: bool,
    skipped: usize,
    /// Why the run stopped early (a bad line on standard input).
    stopped: Option<String>,
}

impl Captures {
    /// The item as a job; `None` when it is not selected or is skipped (or stops the run).
    fn job(&mut self, next: Result<Item, String>) -> Option<ReplayJob> {
        let mut item = match next {
            Ok(item) => item,
            Err(message) => return self.stop(message),
        };
        if !self.selection.wants(&item.capture) {
            return None;
        }
        if self.limit.is_some_and(|limit| self.taken >= limit) {
            self.ended = true;
            return None;
        }
        self.taken += 1;
        let mut request = match request_from_capture(&mut item.capture, &self.to) {
            Ok(request) => request,
            Err(e) if self.skip_invalid => {
                eprintln!("hookline: skipped {}: {e:#}", item.label);
                self.skipped += 1;
                return None;
            }
            Err(e) => return self.stop(format!("{}: {e}", item.label)),
        };
        if let Some(auth) = &self.basic_auth {
            request
                .headers
                .entry(http::header::AUTHORIZATION)
                .or_insert_with(|| auth.clone());
        }
        let signer = match &self.resign {
            Some(resign) => match resign.for_capture(&item.capture) {
                Ok(signer) => Some(signer),
                Err(e) => return self.stop(format!("{}: {e}", item.label)),
            },
            None => {
                if !self.warned_stale && is_stale(&item.capture, self.tolerance) {
                    self.warned_stale = true;
                    eprintln!("hookline: warning: {}: the captured signature is older than the tolerance ({}); timestamped schemes will reject it as stale: use --resign", item.label, humantime::format_duration(self.tolerance));
                }
                None
            }
        };
        let delivery_id = match item.capture.extra.get("delivery_id") {
            Some(serde_json::Value::String(id)) => Some(id.clone()),
            _ => item.capture.id.clone(),
        };
        Some(ReplayJob {
            label: item.label,
            delivery_id,
            capture: item.capture,
            request,
            signer,
        })
    }

    fn stop(&mut self, message: String) -> Option<ReplayJob> {
        self.stopped = Some(message);
        self.ended = true;
        None
    }
}

impl batch::Jobs<ReplayJob> for &mut Captures {
    fn ready(&mut self) -> Option<ReplayJob> {
        loop {
            if self.ended {
                return None;
            }
            match self.batch.next() {
                Some(next) => {
                    if let Some(job) = self.job(next) {
                        return Some(job);
                    }
                }
                None => match self.rx.try_recv() {
                    Ok(more) => self.batch = more.into_iter(),
                    Err(_) => return None,
                },
            }
        }
    }

    async fn next(&mut self) -> Option<ReplayJob> {
        loop {
            if let Some(job) = self.ready() {
                return Some(job);
            }
            if self.ended {
                return None;
            }
            match self.rx.recv().await {
                Some(more) => self.batch = more.into_iter(),
                None => {
                    self.ended = true;
                    return None;
                }
            }
        }
    }
}

/// A progress bar on a terminal (its length known unless JSON lines are streamed), else
/// lines or JSON.
fn style(args: &ReplayArgs, inputs: &[Input], files: &Files) -> Style {
    if args.json {
        Style::Json
    } else if std::io::stdout().is_terminal() && !args.dry_run {
        let streamed = inputs.iter().any(|i| matches!(i, Input::Lines(_)));
        let read = files.values().map(Vec::len).sum();
        Style::Bar((!streamed).then(|| bar_length(read, args.limit)))
    } else {
        Style::Lines
    }
}

/// The bar's length: the captures read, or `--limit` when that is fewer.
fn bar_length(captures: usize, limit: Option<u64>) -> u64 {
    let captures = captures as u64;
    limit.map_or(captures, |limit| captures.min(limit))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bar_counts_what_limit_will_send() {
        assert_eq!(super::bar_length(8, Some(3)), 3);
        assert_eq!(super::bar_length(2, Some(3)), 2);
        assert_eq!(super::bar_length(8, None), 8);
    }
}
