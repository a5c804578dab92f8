//! `hookline send FIXTURE… --to URL`: signed deliveries through the delivery engine, with
//! retries, ordered output, a summary and dead letters. Exit 0 only if all were delivered.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::{bail, Context, Result};
use bytes::Bytes;
use http::HeaderMap;

use super::signals::Signals;
use super::EXIT_FALSE;
use crate::capture::Capture;
use crate::cli::{RetryArgs, SendArgs, TlsClientArgs};
use crate::config::{Config, SigningSettings};
use crate::delivery::{self, Client, Policy};
use crate::fixture::{self, Fixture};
use crate::http_headers::append_pairs;
use crate::output::send::{Out, Summary};
use crate::secret::Secret;
use crate::signing::{Header, Scheme, SchemeChoice, Signer};
use crate::watch::FixtureWatcher;

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
    policy: Policy,
    json: bool,
}

pub fn run(config: &Config, args: SendArgs) -> Result<ExitCode> {
    let settings = SigningSettings::resolve(config, &args.signing, None)?;
    let scheme = match settings.scheme {
        None => Scheme::Generic,
        Some(SchemeChoice::Fixed(s)) => s,
        Some(SchemeChoice::Auto) => bail!("--scheme auto: send needs a definite scheme (generic, github, stripe, standard, slack or shopify)"),
    };
    let secret = if args.unsigned {
        if !settings.secrets.is_empty() {
            eprintln!("hookline: warning: --unsigned: the secret given is not used");
        }
        None
    } else {
        let secret = settings.require_secrets()?[0].clone();
        scheme.mac_key(&secret).map_err(|e| settings.key_error(e))?;
        Some(secret)
    };
    if let Some(dir) = &args.dead_letter {
        super::prepare_output_dir("--dead-letter", dir)?;
    }
    // Everything is read and checked before anything is sent.
    let fixtures = fixture::load_all(&args.fixtures, args.recursive)?;
    append_pairs(&mut HeaderMap::new(), &args.headers).map_err(|e| anyhow::anyhow!("-H: {e}"))?;
    for fixture in &fixtures {
        append_pairs(&mut HeaderMap::new(), &fixture.headers)
            .map_err(|e| anyhow::anyhow!("{}: {e}", fixture.label))?;
    }

    let (to, basic_auth) = crate::http_headers::split_userinfo(&args.to);
    let plan = Arc::new(Plan {
        to,
        basic_auth,
        method: args.method,
        scheme,
        secret,
        signature_header: settings.signature_header.clone(),
        event: args.event,
        content_type: args.content_type,
        extra_headers: args.headers,
        policy: policy(&args.retry),
        json: args.json,
    });
    // With --duplicate each fixture is sent twice under one id, the copy after the first.
    let copies = if args.duplicate { 2 } else { 1 };
    let units: Vec<(Fixture, String)> = fixtures
        .into_iter()
        .map(|f| (f, new_delivery_id(scheme)))
        .collect();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    // Watching starts before the first batch, so a change made meanwhile is not missed.
    let mut watcher = match args.watch {
        true => Some(runtime.block_on(async { FixtureWatcher::new(&args.fixtures) })?),
        false => None,
    };
    let sender = Arc::new(Sender {
        client: client_for(&plan.to, &args.tls)?,
        plan,
        summary: Mutex::new(Summary::default()),
        dead_letter: args.dead_letter.clone(),
        live: !args.json && std::io::stdout().is_terminal(),
    });
    let out = Arc::new(Out::new(units.len() * copies, sender.live));
    let attempts_made: Arc<Vec<AtomicU32>> = Arc::new(
        (0..units.len() * copies)
            .map(|_| AtomicU32::new(0))
            .collect(),
    );
    let limit = Arc::new(tokio::sync::Semaphore::new(args.concurrency as usize));
    let units = Arc::new(units);
    let all_done = async {
        let mut tasks = tokio::task::JoinSet::new();
        for unit in 0..units.len() {
            let (sender, out, limit, units, attempts_made) = (
                sender.clone(),
                out.clone(),
                limit.clone(),
                units.clone(),
                attempts_made.clone(),
            );
            tasks.spawn(async move {
                let _permit = limit.acquire_owned().await;
                let (fixture, id) = &units[unit];
                for copy in 0..copies {
                    let index = unit * copies + copy;
                    sender
                        .deliver(fixture, id, index, &out, &attempts_made[index])
                        .await;
                }
            });
        }
        while tasks.join_next().await.is_some() {}
    };
    let mut signals = runtime
        .block_on(async { Signals::new() })
        .context("cannot listen for Ctrl-C / SIGTERM")?;
    let interrupted = runtime.block_on(async {
        tokio::select! {
            () = all_done => false,
            () = signals.next() => true,
        }
    });
    let interrupted = match (&mut watcher, interrupted) {
        (Some(watcher), false) => {
            for (fixture, _) in units.iter() {
                if let Some(path) = &fixture.path {
                    watcher.seen(path);
                }
            }
            if !args.json {
                eprintln!("hookline: watching for changes (Ctrl-C to stop)");
            }
            runtime.block_on(sender.clone().watch(watcher, &mut signals, scheme));
            // Ctrl-C is how a watch ends: not an interruption of a delivery.
            false
        }
        _ => interrupted,
    };
    // Dropping the runtime cancels what is still in flight.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    out.close();
    if interrupted {
        for (unit, (fixture, id)) in units.iter().enumerate() {
            for copy in 0..copies {
                let index = unit * copies + copy;
                if !out.is_finished(index) {
                    sender.interrupted(fixture, id, attempts_made[index].load(Ordering::SeqCst));
                }
            }
        }
    }
    let mut summary = std::mem::take(&mut *crate::lock(&sender.summary));
    let text = summary.text();
    if args.json {
        eprintln!("{text}");
    } else {
        println!("{text}");
    }
    Ok(if interrupted {
        ExitCode::from(EXIT_INTERRUPTED)
    } else if summary.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FALSE)
    })
}

/// The shell's code for a command ended by Ctrl-C.
const EXIT_INTERRUPTED: u8 = 130;

/// What every delivery task shares.
struct Sender {
    plan: Arc<Plan>,
    client: Client,
    summary: Mutex<Summary>,
    dead_letter: Option<PathBuf>,
    /// Live spinners (stdout is a terminal, no --json).
    live: bool,
}

impl Sender {
    /// One delivery: its progress and result printed through `ordered` as number `index`,
    /// a dead letter if it failed, its counts in the summary.
    async fn deliver(
        &self,
        fixture: &Fixture,
        id: &str,
        index: usize,
        out: &Out,
        attempts_made: &AtomicU32,
    ) {
        let plan = &self.plan;
        let name = &fixture.label;
        let delivery = self
            .client
            .deliver(
                &plan.policy,
                |_| plan.request(fixture, id),
                |step| {
                    if matches!(step, delivery::Progress::Attempted { .. }) {
                        attempts_made.fetch_add(1, Ordering::SeqCst);
                    }
                    out.progress(index, name, id, &step, plan.json);
                },
            )
            .await;
        let dead = delivery
            .verdict
            .failure()
            .is_some_and(|reason| self.write_dead_letter(fixture, id, &delivery.attempts, &reason));
        {
            let mut summary = crate::lock(&self.summary);
            summary.add(name, &delivery);
            summary.dead_lettered += usize::from(dead);
        }
        // Last, so the result is printed only once the delivery is fully accounted for.
        out.result(index, name, id, &delivery, plan.json);
    }

    /// A delivery cut short by Ctrl-C: counted as failed, and dead-lettered.
    fn interrupted(&self, fixture: &Fixture, id: &str, attempts_made: u32) {
        let s = if attempts_made == 1 { "" } else { "s" };
        let reason = format!("interrupted after {attempts_made} attempt{s}");
        let dead = self.write_dead_letter(fixture, id, &[], &reason);
        let mut summary = crate::lock(&self.summary);
        summary.dead_lettered += usize::from(dead);
        summary.failed.push((fixture.label.clone(), reason));
    }

    /// `--watch`: each fixture whose bytes change is sent again, as a new delivery, until
    /// Ctrl-C.
    async fn watch(
        self: Arc<Self>,
        watcher: &mut FixtureWatcher,
        signals: &mut Signals,
        scheme: Scheme,
    ) {
        loop {
            let changed = tokio::select! {
                changed = watcher.changed() => changed,
                () = signals.next() => return,
            };
            for path in changed {
                let fixture = match fixture::load_all(std::slice::from_ref(&path), false) {
                    Ok(mut loaded) if loaded.len() == 1 => loaded.remove(0),
                    Ok(_) => continue,
                    Err(e) => {
                        eprintln!("hookline: {e:#}");
                        continue;
                    }
                };
                let out = Out::new(1, self.live);
                let id = new_delivery_id(scheme);
                let attempts_made = AtomicU32::new(0);
                let delivery = self.deliver(&fixture, &id, 0, &out, &attempts_made);
                tokio::select! {
                    () = delivery => {}
                    () = signals.next() => return,
                }
            }
        }
    }

    /// Writes the dead letter when `--dead-letter` is set; says whether one was written.
    fn write_dead_letter(
        &self,
        fixture: &Fixture,
        id: &str,
        attempts: &[delivery::AttemptRecord],
        reason: &str,
    ) -> bool {
        let Some(dir) = &self.dead_letter else {
            return false;
        };
        match write_dead_letter(dir, &self.plan, fixture, id, attempts, reason) {
            Ok(()) => true,
            Err(e) => {
                eprintln!("hookline: {e:#}");
                false
            }
        }
    }
}

impl Plan {
    /// One attempt's request: the fixture's headers, the event and delivery-id headers,
    /// `-H` headers, then a signature over a fresh timestamp.
    fn request(&self, fixture: &Fixture, id: &str) -> delivery::Request {
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
                signer.update(&fixture.body);
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
            body: Bytes::copy_from_slice(&fixture.body),
        }
    }
}

/// The retry flags as the engine's policy.
pub(super) fn policy(args: &RetryArgs) -> Policy {
    Policy {
        retries: args.retries,
        backoff: args.backoff,
        max_backoff: args.max_backoff,
        timeout: args.timeout,
        retry_on: args
            .retry_on
            .as_ref()
            .map(|l| l.0.clone())
            .unwrap_or_default(),
    }
}

/// A plain client for http://; TLS is set up only for an https:// target.
pub(super) fn client_for(to: &http::Uri, tls: &TlsClientArgs) -> Result<Client> {
    if to.scheme_str() != Some("https") {
        return Ok(Client::new());
    }
    if tls.insecure {
        eprintln!("hookline: warning: --insecure: the certificate of {to} is not checked");
    }
    let config = delivery::tls::client_config(tls.cacert.as_deref(), tls.insecure)?;
    Ok(Client::with_tls(config))
}

/// One id per delivery, kept across its retries: `msg_…` for Standard Webhooks (its
/// convention), `dlv_…` otherwise.
fn new_delivery_id(scheme: Scheme) -> String {
    match scheme {
        Scheme::Standard => crate::ids::new_id("msg_"),
        _ => crate::ids::new_id("dlv_"),
    }
}

/// A failed delivery as a capture that `replay` and `verify` can read: the request as it
/// would be sent now (freshly signed), its attempts, and why it failed.
fn write_dead_letter(
    dir: &Path,
    plan: &Plan,
    fixture: &Fixture,
    id: &str,
    attempts: &[delivery::AttemptRecord],
    reason: &str,
) -> Result<()> {
    let request = plan.request(fixture, id);
    let mut capture = fixture
        .capture
        .clone()
        .unwrap_or_else(|| Capture::from_body(fixture.body.clone()));
    capture.id = Some(id.to_string());
    capture.method = request.method.to_string();
    capture.path = request.url.path().to_string();
    capture.query = request.url.query().map(str::to_string);
    capture.headers = request
        .headers
        .iter()
        .filter_map(|(n, v)| Some((n.as_str().to_string(), v.to_str().ok()?.to_string())))
        .collect();
    capture.event = plan.event.clone().or(fixture.event.clone());
    capture.received_at = attempts.last().map(|a| a.at.clone());
    let to = plan.to.to_string();
    super::dead_letter::write(dir, capture, attempts, reason, &to, &fixture.label)
}
