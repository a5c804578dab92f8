//! `hookline verify [BODY…]`: one body or capture, or many captures (files, directories,
//! JSON lines) with a line each and a summary. Exit 0 valid, 1 invalid, 2 usage or input
//! error.

use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};

use super::input::BodyInput;
use super::EXIT_FALSE;
use crate::capture::{Capture, JsonLines};
use crate::cli::VerifyArgs;
use crate::config::{Config, SigningSettings};
use crate::output::{print_stdout, verdict};
use crate::secret::Secret;
use crate::signing::{Header, Scheme, SchemeChoice, Verifier, VerifyOptions};

pub fn run(config: &Config, args: VerifyArgs) -> Result<ExitCode> {
    let settings = SigningSettings::resolve(config, &args.signing, args.tolerance)?;
    let secrets = settings.require_secrets()?;
    if is_many(&args.body) {
        return many(&settings, secrets, &args);
    }
    let mut input = BodyInput::open(args.body.first().map(PathBuf::as_path))?;

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

/// Several paths, a directory, or a JSON-lines file: each capture verified on its own.
fn is_many(paths: &[PathBuf]) -> bool {
    paths.len() > 1
        || paths.iter().any(|p| {
            p.is_dir()
                || matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("jsonl" | "ndjson")
                )
        })
}

/// Every capture in `args.body` (files, directories, JSON lines), a line each (or a JSON
/// object with its `source`), then a summary; exit 1 if any is not valid. Input that is
/// not a capture stops the run (exit 2), naming the file and line.
fn many(settings: &SigningSettings, secrets: &[Secret], args: &VerifyArgs) -> Result<ExitCode> {
    use super::replay::inputs::{check_lines, expand, read_capture, Input};
    if args.signature.is_some() || args.timestamp.is_some() || args.id.is_some() {
        bail!(
            "--signature, --timestamp and --id verify one body; captures bring their own headers"
        );
    }
    if args.raw {
        bail!("--raw verifies one body; several files are read as captures");
    }
    let options = VerifyOptions {
        scheme: settings.scheme.unwrap_or(SchemeChoice::Auto),
        signature_header: settings.signature_header.clone(),
        tolerance_secs: settings.tolerance.as_secs(),
    };
    // A bad key is a usage error before anything is printed.
    Verifier::new(&options, secrets, &[]).map_err(|e| settings.key_error(e))?;
    let mut tally = verdict::Tally::new(args.json, secrets.len());
    let mut check = |label: &str, capture: Capture| -> Result<()> {
        let mut headers = capture.headers;
        headers.extend(args.headers.iter().cloned());
        let mut verifier =
            Verifier::new(&options, secrets, &headers).map_err(|e| settings.key_error(e))?;
        verifier.update(&capture.body);
        tally.add(label, &verifier.finish(crate::clock::unix_now()))?;
        Ok(())
    };
    // Every input is read through before the first line, so a file that is not a capture
    // stops the run with nothing printed.
    let inputs = expand(&args.body, args.recursive, false)?;
    let mut files = Vec::new();
    for input in &inputs {
        match input {
            Input::File(path) => files.push(read_capture(path)?),
            Input::Lines(Some(path)) => check_lines(path)?,
            Input::Lines(None) => {}
        }
    }
    let mut files = files.into_iter();
    for input in inputs {
        match input {
            Input::File(_) => {
                let item = files.next().expect("read above");
                check(&item.label, item.capture)?;
            }
            Input::Lines(path) => {
                let (label, reader) = lines_reader(path.as_deref())?;
                for next in JsonLines::new(reader) {
                    let (line, capture) = next.map_err(|e| anyhow!("{label}: {e}"))?;
                    check(&format!("{label}:{line}"), capture)?;
                }
            }
        }
    }
    Ok(if tally.finish()? {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FALSE)
    })
}

/// A JSON-lines file, or standard input for `-`.
fn lines_reader(path: Option<&Path>) -> Result<(String, BufReader<Box<dyn std::io::Read>>)> {
    let (label, read): (String, Box<dyn std::io::Read>) = match path {
        None => ("standard input".into(), Box::new(std::io::stdin())),
        Some(p) => {
            let file = std::fs::File::open(p).with_context(|| p.display().to_string())?;
            (p.display().to_string(), Box::new(file))
        }
    };
    Ok((label, BufReader::with_capacity(256 * 1024, read)))
}
