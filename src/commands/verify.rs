//! `hookline verify [BODY]`: exit 0 valid, 1 invalid, 2 usage or input error.

use std::process::ExitCode;

use anyhow::{anyhow, Result};

use super::input::BodyInput;
use super::EXIT_FALSE;
use crate::capture::Capture;
use crate::cli::VerifyArgs;
use crate::config::{Config, SigningSettings};
use crate::output::{print_stdout, verdict};
use crate::signing::{Header, Scheme, SchemeChoice, Verifier, VerifyOptions};

pub fn run(config: &Config, args: VerifyArgs) -> Result<ExitCode> {
    let settings = SigningSettings::resolve(config, &args.signing, args.tolerance)?;
    let secrets = settings.require_secrets()?;
    let mut input = BodyInput::open(args.body.as_deref())?;

    // A capture file brings its own headers and body; a plain body is streamed.
    let mut first = Vec::new();
    input.next_chunk(&mut first)?;
    let mut headers: Vec<Header> = Vec::new();
    let mut captured_body = None;
    if !args.raw && crate::capture::looks_like_capture(&first) {
        let mut text = std::mem::take(&mut first);
        input.read_rest(&mut text)?;
        let capture = Capture::from_json(&text).map_err(|e| anyhow!("{}: {e}", input.label()))?;
        headers = capture.headers;
        captured_body = Some(capture.body);
    }
    headers.extend(args.headers);

    let mut scheme = settings.scheme.unwrap_or(SchemeChoice::Auto);
    if let Some(value) = args.signature {
        // --signature has no header names to detect from: auto means the default scheme.
        let fixed = match scheme {
            SchemeChoice::Fixed(s) => s,
            SchemeChoice::Auto => Scheme::Generic,
        };
        let names = fixed.headers();
        let signature_name = fixed.signature_header(settings.signature_header.as_deref());
        headers.push((signature_name.to_string(), value));
        if let (Some(name), Some(ts)) = (names.timestamp, args.timestamp) {
            headers.push((name.to_string(), ts.to_string()));
        }
        if let (Some(name), Some(id)) = (names.id, args.id) {
            headers.push((name.to_string(), id));
        }
        scheme = SchemeChoice::Fixed(fixed);
    }

    let options = VerifyOptions {
        scheme,
        signature_header: settings.signature_header.clone(),
        tolerance_secs: settings.tolerance.as_secs(),
    };
    let mut verifier =
        Verifier::new(&options, secrets, &headers).map_err(|e| settings.key_error(e))?;
    if verifier.needs_body() {
        match &captured_body {
            Some(body) => verifier.update(body),
            None => {
                verifier.update(&first);
                input.for_each_chunk(|chunk| verifier.update(chunk))?;
            }
        }
    }
    let result = verifier.finish(crate::clock::unix_now());

    let line = if args.json {
        verdict::to_json(&result).to_string()
    } else {
        verdict::human_line(&result, secrets.len())
    };
    print_stdout(&format!("{line}\n"))?;
    Ok(if result.is_valid() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FALSE)
    })
}
