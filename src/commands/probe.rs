//! `hookline probe URL`: the receiver conformance suite. Flags → probe setup; run the
//! cases; print; exit 0 when none failed, 1 when any did.

use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};
use http::HeaderMap;

use crate::cli::ProbeArgs;
use crate::config::{Config, SigningSettings};
use crate::delivery::{Client, ClientOptions};
use crate::http_headers::append_pairs;
use crate::output::probe::{write_junit, ProbePrinter};
use crate::probe::{self, Case, Setup};
use crate::signing::{Scheme, SchemeChoice};

pub fn run(config: &Config, args: ProbeArgs) -> Result<ExitCode> {
    let setup = setup(config, &args)?;
    let cases: Vec<Case> = Case::ALL
        .into_iter()
        .filter(|c| args.only.is_empty() || args.only.contains(c))
        .filter(|c| !args.skip.contains(c))
        .collect();
    if cases.is_empty() {
        bail!("--only/--skip: no case left to run");
    }
    if let Some(path) = &args.junit {
        // Proven writable before the receiver is probed.
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        if let Some(dir) = dir {
            super::prepare_output_dir("--junit", dir)?;
        }
    }
    let options = super::client_options(&setup.url, &args.tls)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let mut printer = ProbePrinter::new(args.json);
    let results = runtime.block_on(async {
        let client = Client::build(options.clone());
        let title_case = Client::build(ClientOptions {
            title_case: true,
            ..options
        });
        probe::run(&setup, &cases, &client, &title_case, |r| printer.case(r)).await
    });
    let passed = printer.summary(&results);
    if let Some(path) = &args.junit {
        write_junit(path, &setup.url.to_string(), &results)
            .map_err(|e| anyhow!("--junit {}: {e}", path.display()))?;
    }
    Ok(if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(super::EXIT_FALSE)
    })
}

/// The flags as the suite's setup: a definite scheme, the keys checked, the body and
/// headers ready.
fn setup(config: &Config, args: &ProbeArgs) -> Result<Setup> {
    let settings = SigningSettings::resolve(config, &args.signing, None)?;
    let scheme = match settings.scheme {
        None => Scheme::Generic,
        Some(SchemeChoice::Fixed(s)) => s,
        Some(SchemeChoice::Auto) => bail!("--scheme auto: probe needs the receiver's scheme (generic, github, stripe, standard, slack or shopify)"),
    };
    let secrets = settings.require_secrets()?.to_vec();
    for secret in &secrets {
        scheme.mac_key(secret).map_err(|e| settings.key_error(e))?;
    }
    let (body, content_type, fixture_event, mut pairs) = match &args.fixture {
        Some(path) => {
            let mut loaded = crate::fixture::load_all(std::slice::from_ref(path), false)?;
            if loaded.len() != 1 {
                bail!("--fixture {}: give one file", path.display());
            }
            let fixture = loaded.remove(0);
            let content_type = fixture
                .content_type
                .clone()
                .unwrap_or_else(|| "application/json".into());
            (fixture.body, content_type, fixture.event, fixture.headers)
        }
        None => (
            probe::DEFAULT_BODY.as_bytes().to_vec(),
            "application/json".to_string(),
            None,
            Vec::new(),
        ),
    };
    pairs.extend(args.headers.iter().cloned());
    let (url, basic_auth) = crate::http_headers::split_userinfo(&args.url);
    let mut extra_headers = HeaderMap::new();
    append_pairs(&mut extra_headers, &pairs).map_err(|e| anyhow!("-H: {e}"))?;
    if let Some(auth) = basic_auth {
        extra_headers.insert(http::header::AUTHORIZATION, auth);
    }
    Ok(Setup {
        url,
        scheme,
        secrets,
        signature_header: settings.signature_header.clone(),
        body,
        content_type,
        event: args
            .event
            .clone()
            .or(fixture_event)
            .unwrap_or_else(|| "probe.check".into()),
        extra_headers,
        timeout: args.timeout,
    })
}
