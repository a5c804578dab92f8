//! Files: the ones a directory argument stands for (send's fixtures, replay's captures,
//! what a watch looks at: in name order, without hidden files and editor leftovers), and
//! text files written atomically (captures, dead letters, the relay's state).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Files no one means as input: hidden ones (`.x`, vim's `.x.swp`), backups (`x~`), and
/// emacs' autosaves (`#x#`) and swap files (`x.swp`, `x.swo`).
pub fn is_skipped(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return true;
    };
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name.ends_with(".swp")
        || name.ends_with(".swo")
}

/// The files in `dir` (and below, with `recursive`), sorted by path.
pub fn files_in(dir: &Path, recursive: bool) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    collect(dir, recursive, &mut found)?;
    Ok(found)
}

/// Appends `dir`'s files in path order: each directory's entries sorted by name, a
/// subdirectory's files where its name sorts. That is the order of sorting the whole
/// list by path, without comparing paths component by component (a sort of 5,000 paths
/// cost more than listing them).
fn collect(dir: &Path, recursive: bool, found: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| dir.display().to_string())? {
        let entry = entry?;
        let path = entry.path();
        if is_skipped(&path) {
            continue;
        }
        // The directory listing says what an entry is (no stat per file: a folder of
        // 5,000 fixtures cost 10,000 of them); only a symlink is followed to see.
        let kind = entry.file_type()?;
        let (is_dir, is_file) = if kind.is_symlink() {
            (path.is_dir(), path.is_file())
        } else {
            (kind.is_dir(), kind.is_file())
        };
        if is_file || (is_dir && recursive) {
            entries.push((entry.file_name(), path, is_dir));
        }
    }
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (_, path, is_dir) in entries {
        if is_dir {
            collect(&path, recursive, found)?;
        } else {
            found.push(path);
        }
    }
    Ok(())
}

/// Writes `text` (and a final newline) as `path` atomically: a temporary file in the same
/// directory, renamed into place, so a reader never sees a partial file. With `durable`,
/// the file is fsynced before the rename.
pub fn write_atomic(path: &Path, text: &str, durable: bool) -> io::Result<()> {
    let tmp = temp_file(path, text, durable)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Like [`write_atomic`], but never replaces a file: an existing `path` is an
/// `AlreadyExists` error and stays as it was.
pub fn write_new(path: &Path, text: &str, durable: bool) -> io::Result<()> {
    let tmp = temp_file(path, text, durable)?;
    tmp.persist_noclobber(path).map_err(|e| e.error)?;
    Ok(())
}

/// The text written to a temporary file beside `path`, ready to be renamed into place.
fn temp_file(path: &Path, text: &str, durable: bool) -> io::Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".hookline-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| {
            // tempfile's message names its random temp file; the directory is what to fix.
            let why = e.to_string();
            let why = why.split(" at path ").next().unwrap_or_default();
            io::Error::new(
                e.kind(),
                format!("cannot create a file in {}: {why}", dir.display()),
            )
        })?;
    tmp.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        tmp.write_all(b"\n")?;
    }
    if durable {
        tmp.as_file().sync_all()?;
    }
    Ok(tmp)
}

#[cfg(test)]
mod tests {
    use super::{files_in, is_skipped};
    use std::path::{Path, PathBuf};

    #[test]
    fn editor_leftovers_and_hidden_files_are_skipped() {
        for name in [
            "x.json~",
            ".x.json.swp",
            "#x.json#",
            "x.json.swp",
            ".hidden",
        ] {
            assert!(is_skipped(Path::new(name)), "{name}");
        }
        for name in ["x.json", "stripe.form", "a#b.json"] {
            assert!(!is_skipped(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn files_come_in_path_order_subdirectories_included() {
        let dir = tempfile::tempdir().unwrap();
        let names = [
            "b.json",
            "a.json",
            "a/x.json",
            "a/c/z.json",
            "a-b/y.json",
            "a.d/w.json",
            "B.json",
            "10.json",
            "9.json",
            "a/.hidden",
        ];
        for name in names {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "{}").unwrap();
        }
        let mut expected: Vec<PathBuf> = names
            .iter()
            .filter(|n| !n.ends_with(".hidden"))
            .map(|n| dir.path().join(n))
            .collect();
        expected.sort();
        assert_eq!(files_in(dir.path(), true).unwrap(), expected);
        let top: Vec<PathBuf> = expected
            .into_iter()
            .filter(|p| p.parent() == Some(dir.path()))
            .collect();
        assert_eq!(files_in(dir.path(), false).unwrap(), top);
    }
}
