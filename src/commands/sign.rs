//! `hookline sign [BODY]`: the signature headers for a body, one `Name: value` per line.

use std::process::ExitCode;

use anyhow::{bail, Result};
use serde_json::{json, Map, Value};

use super::input::BodyInput;
use crate::cli::SignArgs;
use crate::config::{Config, SigningSettings};
use crate::output::print_stdout;
use crate::signing::{Scheme, SchemeChoice, Signer};

pub fn run(config: &Config, args: SignArgs) -> Result<ExitCode> {
    let settings = SigningSettings::resolve(config, &args.signing, None)?;
    let scheme = match settings.scheme {
        None => Scheme::Generic,
        Some(SchemeChoice::Fixed(s)) => s,
        Some(SchemeChoice::Auto) => {
            bail!("--scheme auto: sign needs a definite scheme (generic, github, stripe, standard, slack or shopify)")
        }
    };
    let secret = &settings.require_secrets()?[0];
    if args.timestamp.is_some() && !scheme.is_timestamped() {
        super::warn_unused(
            "--timestamp",
            &format!("the {scheme} scheme signs no timestamp"),
        );
    }
    if args.id.is_some() && scheme != Scheme::Standard {
        super::warn_unused("--id", &format!("the {scheme} scheme signs no message id"));
    }
    let timestamp = args.timestamp.unwrap_or_else(crate::clock::unix_now);
    let id = args.id.unwrap_or_else(|| crate::ids::new_id("msg_"));
    let mut signer = Signer::new(scheme, secret, timestamp, &id)
        .map_err(|e| settings.key_error(e))?
        .with_signature_header(settings.signature_header.as_deref());
    // Open the body only once the settings are known good: a bad secret reads nothing.
    let mut input = BodyInput::open(args.body.as_deref())?;
    input.for_each_chunk(|chunk| signer.update(chunk))?;
    let headers = signer.finish();

    let text = if args.json {
        let map: Map<String, Value> = headers
            .into_iter()
            .map(|(n, v)| (n, Value::String(v)))
            .collect();
        format!("{}\n", json!({ "headers": map }))
    } else {
        headers.iter().map(|(n, v)| format!("{n}: {v}\n")).collect()
    };
    print_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}
