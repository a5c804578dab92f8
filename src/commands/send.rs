//! `hookline send FIXTURE… --to URL`: signed deliveries through the delivery engine, with
//! retries, ordered output, a summary and dead letters. Exit 0 only if all were delivered.

use std::collections::VecDeque;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use bytes::Bytes;
use http::HeaderMap;

use super::signals::Signals;
use crate::capture::Capture;
use crate::cli::SendArgs;
use crate::config::{Config, SigningSettings};
use crate::delivery::{self, batch};
use crate::fixture::{self, template, Fixture};
use crate::http_headers::append_pairs;
use crate::output::delivery::{Detail, Printer, Style};
use crate::secret::Secret;
use crate::signing::{Header, Scheme, SchemeChoice, Signer};
use crate::watch::FixtureWatcher;

pub fn run(config: &Config, args: SendArgs) -> Result<ExitCode> {
    // Everything is read and checked before anything is sent.
    let fixtures = fixture::load_all(&args.fixtures, args.recursive)?;
    let plan = Arc::new(plan(config, &args, &fixtures)?);
    if let Some(dir) = &args.dead_letter {
        super::prepare_output_dir("--dead-letter", dir)?;
    }
    append_pairs(&mut HeaderMap::new(), &args.headers).map_err(|e| anyhow::anyhow!("-H: {e}"))?;
    for fixture in fixtures.iter().filter(|f| !f.headers.is_empty()) {
        append_pairs(&mut HeaderMap::new(), &fixture.headers)
            .map_err(|e| anyhow::anyhow!("{}: {e}", fixture.label))?;
    }

    let mut jobs = SendJobs {
        queue: VecDeque::new(),
        plan: plan.clone(),
        watcher: None,
    };
    // Each body's placeholders and `--set` are filled in here, so one that cannot be is
    // an error before anything is sent.
    for fixture in fixtures {
        jobs.add(fixture)?;
    }

    // One runtime thread, as for replay: the deliveries are I/O-bound, and a work-stealing
    // pool spends its CPU on wake-ups between workers (bench/send.sh: 46–55k against
    // 28–43k req/s for 5,000 fixtures at c32).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    // Watching starts before the first batch, so a change made meanwhile is not missed.
    if args.watch {
        let mut watcher = runtime
            .block_on(async { FixtureWatcher::new(&args.fixtures) })
            .map_err(|e| anyhow::anyhow!("--watch: {e:#}"))?;
        for job in &jobs.queue {
            if let Some(path) = &job.fixture.path {
                watcher.seen(path);
            }
        }
        jobs.watcher = Some(watcher);
    }
    let client = Arc::new(super::delivery_client(&plan.to, &args.tls)?);
    let live = !args.json && std::io::stdout().is_terminal();
    let style = match (args.json, live) {
        (true, _) => Style::Json,
        (false, true) => Style::Live,
        (false, false) => Style::Lines,
    };
    let printer = Arc::new(Printer::new(style, Detail::Attempts));
    let batch = batch::Settings {
        policy: super::policy(&args.retry),
        concurrency: args.concurrency as usize,
        rate: None,
        dead_letter: args.dead_letter.clone(),
        in_order: !live,
    };
    let mut signals = runtime
        .block_on(async { Signals::new() })
        .context("cannot listen for Ctrl-C / SIGTERM")?;
    let ended = runtime.block_on(batch::run(
        client,
        batch,
        jobs,
        printer.clone(),
        signals.next(),
    ));
    // Dropping the runtime cancels what is still in flight.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    let summary = printer.finish(&[]);
    // Under --watch, Ctrl-C is how a run ends: only a delivery it cut short makes it 130.
    Ok(super::batch_exit(&summary, ended.interrupted > 0))
}

/// The flags as what every delivery shares; the secret checked against the scheme.
fn plan(config: &Config, args: &SendArgs, fixtures: &[Fixture]) -> Result<Plan> {
    let settings = SigningSettings::resolve(config, &args.signing, None)?;
    // Built-in fixtures of one provider are signed the way that provider signs.
    let mut hinted = fixtures.iter().filter_map(|f| f.scheme);
    let hint = hinted
        .next()
        .filter(|first| hinted.all(|s| s == *first) && fixtures.iter().all(|f| f.scheme.is_some()));
    let scheme = match settings.scheme {
        None => hint.unwrap_or(Scheme::Generic),
        Some(SchemeChoice::Fixed(s)) => s,
        Some(SchemeChoice::Auto) => bail!("--scheme auto: send needs a definite scheme (generic, github, stripe, standard, slack or shopify)"),
    };
    let secret = if args.unsigned {
        if !settings.secrets.is_empty() {
            super::warn_unused("--secret", "--unsigned sends no signature");
        }
        None
    } else {
        let secret = settings.require_secrets()?[0].clone();
        scheme.mac_key(&secret).map_err(|e| settings.key_error(e))?;
        Some(secret)
    };
    let (to, basic_auth) = crate::http_headers::split_userinfo(&args.to);
    Ok(Plan {
        to,
        basic_auth,
        method: args.method.clone(),
        scheme,
        secret,
        signature_header: settings.signature_header.clone(),
        event: args.event.clone(),
        content_type: args.content_type.clone(),
        extra_headers: args.headers.clone(),
        duplicate: args.duplicate,
        sets: args.sets.clone(),
    })
}

/// What every delivery shares.
struct Plan {
    to: http::Uri,
    /// From `user:password@` in --to, which never appears in output or dead letters.
    basic_auth: Option<http::HeaderValue>,
    method: http::Method,
    scheme: Scheme,
    /// `None` with `--unsigned`.
    secret: Option<Secret>,
    signature_header: Option<String>,
    event: Option<String>,
    content_type: Option<String>,
    extra_headers: Vec<Header>,
    /// `--duplicate`: each fixture twice under one id, the copy after the first.
    duplicate: bool,
    /// `--set PATH=VALUE`, applied to each delivery's body.
    sets: Vec<template::Set>,
}

/// One fixture's delivery.
struct SendJob {
    plan: Arc<Plan>,
    /// The fixture without its body (that is `body`, filled in for this delivery).
    fixture: Arc<Fixture>,
    /// Shared by the attempts and a `--duplicate` copy, not copied for each.
    body: Bytes,
    id: String,
    copy: bool,
}

impl batch::Job for SendJob {
    fn request(&self, _attempt: u32) -> delivery::Request {
        self.plan.request(&self.fixture, &self.body, &self.id)
    }

    fn source(&self) -> &str {
        &self.fixture.label
    }

    fn delivery_id(&self) -> Option<&str> {
        Some(&self.id)
    }

    fn method(&self) -> &http::Method {
        &self.plan.method
    }

    fn url(&self) -> &http::Uri {
        &self.plan.to
    }

    fn follows_previous(&self) -> bool {
        self.copy
    }

    /// The request as it would be sent now (freshly signed), as a capture that `replay`
    /// and `verify` read.
    fn dead_letter(&self) -> Capture {
        let request = self.request(1);
        let fixture = &self.fixture;
        // The body as sent: its placeholders filled in.
        let mut capture = match &fixture.capture {
            Some(envelope) => Capture {
                body: self.body.to_vec(),
                ..envelope.clone()
            },
            None => Capture::from_body(self.body.to_vec()),
        };
        capture.id = Some(self.id.clone());
        capture.method = request.method.to_string();
        capture.path = request.url.path().to_string();
        capture.query = request.url.query().map(str::to_string);
        capture.headers = request
            .headers
            .iter()
            .filter_map(|(n, v)| Some((n.as_str().to_string(), v.to_str().ok()?.to_string())))
            .collect();
        capture.event = self.plan.event.clone().or(fixture.event.clone());
        // The time of the last attempt, filled in as the letter is written.
        capture.received_at = None;
        capture
    }
}

/// The fixtures given, then (with `--watch`) each one whose bytes change, until Ctrl-C.
struct SendJobs {
    queue: VecDeque<SendJob>,
    plan: Arc<Plan>,
    watcher: Option<FixtureWatcher>,
}

impl SendJobs {
    /// A fixture's delivery (and its copy with --duplicate), under a new id.
    /// Its placeholders and `--set` are filled in afresh for each delivery (not for each
    /// attempt, nor for a `--duplicate` copy: those are the same delivery).
    fn add(&mut self, mut fixture: Fixture) -> Result<()> {
        let written = std::mem::take(&mut fixture.body);
        let body = if template::is_template(&written, &self.plan.sets) {
            template::render(&written, &self.plan.sets)
                .map_err(|e| template_error(&fixture.label, e))?
        } else {
            written
        };
        let (fixture, body) = (Arc::new(fixture), Bytes::from(body));
        let id = new_delivery_id(self.plan.scheme);
        for copy in [false, true]
            .into_iter()
            .take(1 + usize::from(self.plan.duplicate))
        {
            self.queue.push_back(SendJob {
                plan: self.plan.clone(),
                fixture: fixture.clone(),
                body: body.clone(),
                id: id.clone(),
                copy,
            });
        }
        Ok(())
    }
}

impl batch::Jobs<SendJob> for SendJobs {
    fn ready(&mut self) -> Option<SendJob> {
        self.queue.pop_front()
    }

    async fn next(&mut self) -> Option<SendJob> {
        loop {
            if let Some(job) = self.queue.pop_front() {
                return Some(job);
            }
            let watcher = self.watcher.as_mut()?;
            for path in watcher.changed().await {
                match fixture::load_all(std::slice::from_ref(&path), false) {
                    Ok(loaded) => {
                        for fixture in loaded {
                            if let Err(e) = self.add(fixture) {
                                eprintln!("hookline: {e:#}");
                            }
                        }
                    }
                    Err(e) => eprintln!("hookline: {e:#}"),
                }
            }
        }
    }

    fn unstarted(&mut self) -> Vec<SendJob> {
        self.queue.drain(..).collect()
    }
}

impl Plan {
    /// One attempt's request: the fixture's headers, the event and delivery-id headers,
    /// `-H` headers, then a signature over a fresh timestamp.
    fn request(&self, fixture: &Fixture, body: &Bytes, id: &str) -> delivery::Request {
        let names = self.scheme.headers();
        let mut headers: Vec<Header> = fixture.headers.clone();
        if let Some(ct) = fixture.content_type.as_ref().or(self.content_type.as_ref()) {
            headers.push(("Content-Type".into(), ct.clone()));
        }
        if let (Some(name), Some(event)) =
            (names.event, self.event.as_ref().or(fixture.event.as_ref()))
        {
            headers.push((name.into(), self.scheme.event_value(event)));
        }
        let signed = match &self.secret {
            Some(secret) => {
                let mut signer = Signer::new(self.scheme, secret, crate::clock::unix_now(), id)
                    .expect("the key was checked before sending")
                    .with_signature_header(self.signature_header.as_deref());
                signer.update(body);
                signer.finish()
            }
            None => Vec::new(),
        };
        if let Some(name) = names.delivery_id {
            // Standard Webhooks signs its id: the signer already adds it.
            if !signed.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
                headers.push((name.into(), id.to_string()));
            }
        }
        headers.extend(self.extra_headers.iter().cloned());
        headers.extend(signed);
        let mut map = HeaderMap::new();
        // Checked before sending: envelope and -H headers (see `run`), signer output.
        let _ = append_pairs(&mut map, &headers);
        if let Some(auth) = &self.basic_auth {
            map.entry(http::header::AUTHORIZATION)
                .or_insert_with(|| auth.clone());
        }
        delivery::Request {
            method: self.method.clone(),
            url: self.to.clone(),
            headers: map,
            body: body.clone(),
        }
    }
}

/// A fixture's placeholder or `--set` that cannot be filled, with the flag when it is one.
fn template_error(label: &str, e: template::TemplateError) -> anyhow::Error {
    use template::TemplateError::{NoPath, NotJson};
    match e {
        NoPath(_) | NotJson => anyhow::anyhow!("{label}: --set {e}"),
        other => anyhow::anyhow!("{label}: {other}"),
    }
}

/// One id per delivery, kept across its retries: `msg_…` for Standard Webhooks (its
/// convention), `dlv_…` otherwise.
fn new_delivery_id(scheme: Scheme) -> String {
    match scheme {
        Scheme::Standard => crate::ids::new_id("msg_"),
        // GitHub's X-GitHub-Delivery is a UUID.
        Scheme::Github => uuid::Uuid::new_v4().to_string(),
        _ => crate::ids::new_id("dlv_"),
    }
}
