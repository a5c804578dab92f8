//! The files a directory argument stands for (send's fixtures, replay's captures, what
//! --watch looks at): in name order, without hidden files and editor leftovers.

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
    found.sort();
    Ok(found)
}

fn collect(dir: &Path, recursive: bool, found: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| dir.display().to_string())? {
        let path = entry?.path();
        if is_skipped(&path) {
            continue;
        }
        if path.is_dir() {
            if recursive {
                collect(&path, recursive, found)?;
            }
        } else if path.is_file() {
            found.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_skipped;
    use std::path::Path;

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
}
