//! `hookline replay CAPTURE… --to URL`: captured requests sent again through the delivery
//! engine, body bytes and headers as captured. Capture files and JSON-lines files are all
//! read and checked before anything is sent; JSON lines are then streamed (bounded
//! memory). Standard input cannot be read twice: a bad line there stops the run at it,
//! saying how many were already sent.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use anyhow::{anyhow, bail, Context, Result};
use bytes::Bytes;
use http::{HeaderMap, Method, Uri};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::sync::mpsc;

mod inputs;
mod resign;
mod select;

use inputs::{check_lines, expand, feed, read_capture, Batch, Input, Item};
use resign::{is_stale, Resign};
use select::Selection;

use super::send::{client_for, policy};
use super::EXIT_FALSE;
use crate::capture::Capture;
use crate::cli::ReplayArgs;
use crate::config::{Config, SigningSettings};
use crate::delivery::{self, Delivery};
use crate::http_headers::{append_pairs, is_hop_by_hop};
use crate::output::send::Summary;

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
        true => Some(Arc::new(Resign::new(&signing)?)),
        false => None,
    };
    let tolerance = signing.tolerance;
    let inputs = expand(&args.captures, args.recursive, args.jsonl)?;
    if !args.skip_invalid {
        for input in &inputs {
            if let Input::Lines(Some(path)) = input {
                check_lines(path)?;
            }
        }
    }
    // Capture files are checked up front, so a bad one stops the run before any request.
    let mut skipped = 0usize;
    let mut files: BTreeMap<usize, Vec<Item>> = BTreeMap::new();
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
    let client = Arc::new(client_for(&to, &args.tls)?);
    let policy = Arc::new(policy(&args.retry));
    let summary = Arc::new(Mutex::new(Summary::default()));

    // A progress bar on a terminal; its length is known unless JSON lines are streamed.
    let bar = (!args.json && !args.dry_run && std::io::stdout().is_terminal()).then(|| {
        let streamed = inputs.iter().any(|i| matches!(i, Input::Lines(_)));
        let total = (!streamed).then(|| bar_length(files.values().map(Vec::len).sum(), args.limit));
        Arc::new(progress_bar(total))
    });
    // A reader thread feeds the requests through a bounded channel (a few batches): memory
    // stays flat however long the JSON-lines input is.
    let (tx, mut rx) = mpsc::channel::<Batch>(4);
    let skip_invalid = args.skip_invalid;
    let reader = std::thread::spawn(move || feed(inputs, files, skip_invalid, tx));

    let (json, dry_run) = (args.json, args.dry_run);
    let selection = Selection::from(&args);
    let mut taken = 0u64;

    let dead_letter = Arc::new(args.dead_letter.clone());
    // Result lines are written in blocks, not one write per request; flushed at the end.
    let out = Arc::new(Mutex::new(std::io::BufWriter::with_capacity(
        64 * 1024,
        std::io::stdout(),
    )));
    let limit = Arc::new(tokio::sync::Semaphore::new(args.concurrency as usize));
    let stopped = runtime.block_on(async {
        // Evenly spaced starts: one per 1/rate seconds, not bursts.
        let mut pace = args.rate.map(|n| {
            let mut ticks = tokio::time::interval(std::time::Duration::from_secs_f64(1.0 / n));
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticks
        });
        let mut tasks = tokio::task::JoinSet::new();
        let mut stopped = None;
        let mut warned_stale = false;
        let mut batch = Batch::new().into_iter();
        loop {
            let next = match batch.next() {
                Some(next) => next,
                None => match rx.recv().await {
                    Some(more) => {
                        batch = more.into_iter();
                        continue;
                    }
                    None => break,
                },
            };
            let item = match next {
                Ok(item) => item,
                Err(message) => {
                    stopped = Some(message);
                    break;
                }
            };
            if !selection.wants(&item.capture) {
                continue;
            }
            if args.limit.is_some_and(|limit| taken >= limit) {
                break;
            }
            taken += 1;
            let mut item = item;
            let request = match build_request(&mut item.capture, &to) {
                Ok(mut request) => {
                    if let Some(auth) = &basic_auth {
                        request.headers.entry(http::header::AUTHORIZATION).or_insert_with(|| auth.clone());
                    }
                    request
                }
                Err(e) if args.skip_invalid => {
                    eprintln!("hookline: skipped {}: {e:#}", item.label);
                    skipped += 1;
                    continue;
                }
                Err(e) => {
                    stopped = Some(format!("{}: {e}", item.label));
                    break;
                }
            };
            let signer = match &resign {
                Some(resign) => match resign.for_capture(&item.capture) {
                    Ok(plan) => Some(plan),
                    Err(e) => {
                        stopped = Some(format!("{}: {e}", item.label));
                        break;
                    }
                },
                None => {
                    if !warned_stale && is_stale(&item.capture, tolerance) {
                        warned_stale = true;
                        eprintln!("hookline: warning: {}: the captured signature is older than the tolerance ({}); timestamped schemes will reject it as stale: use --resign", item.label, humantime::format_duration(tolerance));
                    }
                    None
                }
            };
            if dry_run {
                print_dry_run(&request);
                continue;
            }
            let permit = limit.clone().acquire_owned().await.expect("never closed");
            if let Some(ticks) = pace.as_mut() {
                ticks.tick().await;
            }
            let (client, policy, summary, dead_letter, bar, out) = (
                client.clone(),
                policy.clone(),
                summary.clone(),
                dead_letter.clone(),
                bar.clone(),
                out.clone(),
            );
            tasks.spawn(async move {
                let _permit = permit;
                let build = |_| match &signer {
                    Some(signer) => signer.sign(&request),
                    None => request.clone(),
                };
                let delivery = client.deliver(&policy, build, |_| {}).await;
                let line = result_line(&item.label, &request, &delivery, json);
                match &bar {
                    Some(bar) => {
                        bar.inc(1);
                        if !delivery.is_delivered() {
                            bar.println(line);
                            let failed = crate::lock(&summary).failed.len() + 1;
                            bar.set_message(format!("{failed} failed"));
                        }
                    }
                    None => {
                        let mut out = crate::lock(&out);
                        let _ = writeln!(out, "{line}");
                    }
                }
                if let (Some(dir), Some(reason)) = (&*dead_letter, delivery.verdict.failure()) {
                    let to = request.url.to_string();
                    let mut capture = item.capture;
                    capture.body = request.body.to_vec();
                    let written = super::dead_letter::write(dir, capture, &delivery.attempts, &reason, &to, &item.label);
                    if let Err(e) = written {
                        eprintln!("hookline: {e:#}");
                    } else {
                        crate::lock(&summary).dead_lettered += 1;
                    }
                }
                crate::lock(&summary).add(&item.label, &delivery);
            });
            // Finished tasks are kept until joined: reap them, so memory stays flat.
            while tasks.try_join_next().is_some() {}
        }
        while tasks.join_next().await.is_some() {}
        stopped
    });
    drop(rx);
    let _ = reader.join();
    let _ = crate::lock(&out).flush();
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }

    let mut summary = std::mem::take(&mut *crate::lock(&summary));
    if let Some(message) = stopped {
        let sent = summary.delivered + summary.failed.len();
        bail!(
            "{message} (stopped there; {sent} request{} already sent)",
            if sent == 1 { "" } else { "s" }
        );
    }
    if dry_run {
        return Ok(ExitCode::SUCCESS);
    }
    let mut text = summary.text();
    if skipped > 0 {
        text.push_str(&format!(
            "\n  skipped {skipped} malformed capture{}",
            if skipped == 1 { "" } else { "s" }
        ));
    }
    if json {
        eprintln!("{text}");
    } else {
        println!("{text}");
    }
    Ok(if summary.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FALSE)
    })
}

/// The request as captured: method, headers (order and repeats kept; hop-by-hop headers,
/// Host and Content-Length left to the client) and body bytes, moved out of the capture
/// rather than copied. The URL's path replaces the capture's when it has one other than `/`.
fn build_request(capture: &mut Capture, to: &Uri) -> Result<delivery::Request> {
    let method = Method::from_bytes(capture.method.as_bytes())
        .map_err(|_| anyhow!("`{}` is not an HTTP method", capture.method))?;
    let (path, query) = if to.path() == "/" || to.path().is_empty() {
        (capture.path.as_str(), capture.query.as_deref())
    } else {
        (to.path(), to.query().or(capture.query.as_deref()))
    };
    let target = match query {
        Some(q) => format!("{path}?{q}"),
        None => path.to_string(),
    };
    // The host is --to's, whatever the capture says: a captured path is only ever a path
    // (`@evil:1/x` or `.localdomain/x` pasted after the authority would change the host).
    if !target.starts_with('/') {
        bail!("path `{target}` does not start with /");
    }
    let path_and_query = http::uri::PathAndQuery::try_from(target.as_str())
        .map_err(|e| anyhow!("path `{target}`: {e}"))?;
    let mut parts = to.clone().into_parts();
    parts.path_and_query = Some(path_and_query);
    let url = Uri::from_parts(parts).map_err(|e| anyhow!("path `{target}`: {e}"))?;
    let mut headers = HeaderMap::new();
    let kept = capture.headers.iter().filter(|(name, _)| {
        let lower = name.to_ascii_lowercase();
        !(is_hop_by_hop(&lower) || lower == "host" || lower == "content-length")
    });
    append_pairs(&mut headers, kept).map_err(|e| anyhow!(e))?;
    Ok(delivery::Request {
        method,
        url,
        headers,
        body: Bytes::from(std::mem::take(&mut capture.body)),
    })
}

/// The bar's length: the captures read, or `--limit` when that is fewer.
fn bar_length(captures: usize, limit: Option<u64>) -> u64 {
    let captures = captures as u64;
    limit.map_or(captures, |limit| captures.min(limit))
}

/// done/total (or a count when streaming), rate, ETA, failures so far.
fn progress_bar(total: Option<u64>) -> ProgressBar {
    let (bar, template) = match total {
        Some(n) => (
            ProgressBar::new(n),
            "{bar:30} {pos}/{len}  {rate}  ETA {eta}  {msg}",
        ),
        None => (
            ProgressBar::new_spinner(),
            "{spinner} {pos} sent  {rate}  {msg}",
        ),
    };
    bar.set_draw_target(ProgressDrawTarget::stdout());
    // indicatif's own {per_sec} shows `5.6534/s`; whole requests per second read better.
    let style = ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0}/s", state.per_sec());
            },
        );
    bar.set_style(style);
    bar.enable_steady_tick(std::time::Duration::from_millis(100));
    bar
}

fn print_dry_run(request: &delivery::Request) {
    println!(
        "{} {}  {} header{}, {} byte body",
        request.method,
        request.url,
        request.headers.len(),
        if request.headers.len() == 1 { "" } else { "s" },
        request.body.len()
    );
}

fn result_line(label: &str, request: &delivery::Request, d: &Delivery, json: bool) -> String {
    let last = d.attempts.last();
    let status = last.and_then(|a| a.status);
    let latency = last.map_or(0.0, |a| a.latency_ms);
    let (result, reason) = (d.verdict.name(), d.verdict.failure());
    if json {
        #[derive(serde::Serialize)]
        struct Line<'a> {
            capture: &'a str,
            method: &'a str,
            url: String,
            result: &'a str,
            status: Option<u16>,
            attempts: usize,
            latency_ms: f64,
            reason: Option<String>,
        }
        let line = Line {
            capture: label,
            method: request.method.as_str(),
            url: request.url.to_string(),
            result,
            status,
            attempts: d.attempts.len(),
            latency_ms: latency,
            reason,
        };
        return serde_json::to_string(&line).expect("a result line serialises");
    }
    let outcome = match (status, reason) {
        (Some(s), None) => s.to_string(),
        (_, Some(r)) => format!("failed: {r}"),
        (None, None) => String::new(),
    };
    format!(
        "{} {}  {outcome}  {}  ({label})",
        request.method,
        request.url.path(),
        crate::output::millis_text(latency)
    )
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
