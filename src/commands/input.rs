//! Reading a BODY argument: a path, `@provider/event` (a built-in fixture, as it is
//! stored), or `-`/nothing for standard input, in chunks.

use std::fs::File;
use std::io::{self, IsTerminal, Read};
use std::path::Path;

use anyhow::{bail, Context, Result};

/// 256 KiB: large enough for full-speed hashing, small enough for a flat memory profile.
pub const CHUNK: usize = 256 * 1024;

pub struct BodyInput {
    label: String,
    reader: Box<dyn Read>,
}

impl BodyInput {
    pub fn open(path: Option<&Path>) -> Result<BodyInput> {
        match path {
            None => Ok(Self::stdin()),
            Some(p) if p == Path::new("-") => Ok(Self::stdin()),
            Some(p) => match p.to_str().and_then(|s| s.strip_prefix('@')) {
                Some(name) => Self::builtin(name),
                None => Self::file(p),
            },
        }
    }

    fn stdin() -> BodyInput {
        if io::stdin().is_terminal() {
            // Without this a user who forgot BODY sees a command that seems to hang.
            eprintln!("hookline: reading the body from standard input (end with Ctrl-D)");
        }
        BodyInput {
            label: "standard input".to_string(),
            reader: Box::new(io::stdin().lock()),
        }
    }

    fn builtin(name: &str) -> Result<BodyInput> {
        let found = crate::fixture::builtin::find(name).ok_or_else(|| {
            anyhow::anyhow!("@{name}: no such built-in fixture (see `hookline fixtures`)")
        })?;
        Ok(BodyInput {
            label: format!("@{name}"),
            reader: Box::new(found.bytes),
        })
    }

    fn file(path: &Path) -> Result<BodyInput> {
        let label = path.display().to_string();
        if path.is_dir() {
            bail!("{label}: is a directory; BODY must be a file or -");
        }
        let file = File::open(path).with_context(|| label.clone())?;
        Ok(BodyInput {
            label,
            reader: Box::new(file),
        })
    }

    /// Names the input in error messages.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Reads up to `CHUNK` bytes; an empty result means the end.
    pub fn next_chunk(&mut self, buf: &mut Vec<u8>) -> Result<usize> {
        buf.resize(CHUNK, 0);
        let n = loop {
            match self.reader.read(buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e).with_context(|| self.label.clone()),
            }
        };
        buf.truncate(n);
        Ok(n)
    }

    /// Feeds every remaining chunk to `f`.
    pub fn for_each_chunk(&mut self, mut f: impl FnMut(&[u8])) -> Result<()> {
        let mut buf = Vec::with_capacity(CHUNK);
        while self.next_chunk(&mut buf)? > 0 {
            f(&buf);
        }
        Ok(())
    }

    /// The rest of the input, in memory (captures are small).
    pub fn read_rest(&mut self, into: &mut Vec<u8>) -> Result<()> {
        self.reader
            .read_to_end(into)
            .with_context(|| self.label.clone())?;
        Ok(())
    }
}
