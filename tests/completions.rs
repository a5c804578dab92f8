//! The committed completion scripts must be what the current CLI generates.
//! Regenerate them with: UPDATE_COMPLETIONS=1 cargo test --test completions

mod common;

use std::path::Path;

const SHELLS: [(&str, &str); 5] = [
    ("bash", "hookline.bash"),
    ("zsh", "_hookline"),
    ("fish", "hookline.fish"),
    ("powershell", "_hookline.ps1"),
    ("elvish", "hookline.elv"),
];

#[test]
fn committed_completions_match_the_cli() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var_os("UPDATE_COMPLETIONS").is_some();
    let mut stale = Vec::new();
    for (shell, file) in SHELLS {
        let out = common::run(common::hookline_in(root).args(["completions", shell]));
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(out.stdout.contains("hookline"), "{shell}");
        let path = root.join("completions").join(file);
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &out.stdout).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(out.stdout.as_str()) {
            stale.push(format!("completions/{file}"));
        }
    }
    assert!(
        stale.is_empty(),
        "{} differ from what the CLI generates; regenerate with: UPDATE_COMPLETIONS=1 cargo test --test completions",
        stale.join(", ")
    );
}

#[test]
fn man_page_renders() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = common::run(common::hookline_in(root).arg("man"));
    assert_eq!(out.code, 0);
    assert!(
        out.stdout.starts_with(".ie") || out.stdout.contains(".TH hookline"),
        "{}",
        &out.stdout[..200.min(out.stdout.len())]
    );
    assert!(out.stdout.contains("verify"));
}

/// `hookline man SUBCOMMAND` documents every flag of it, and every page says the exit
/// statuses, the environment and the files.
#[test]
fn every_subcommand_has_a_man_page_with_every_flag() {
    use clap::CommandFactory;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cli = hookline::cli::Cli::command().disable_help_subcommand(true);
    cli.build();
    for sub in cli.get_subcommands() {
        let name = sub.get_name();
        let out = common::run(common::hookline_in(root).args(["man", name]));
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        assert!(
            out.stdout.contains(&format!(".TH hookline-{name}")),
            "{name}"
        );
        for section in [".SH \"EXIT STATUS\"", ".SH ENVIRONMENT", ".SH FILES"] {
            assert!(out.stdout.contains(section), "{name}: no {section}");
        }
        for arg in sub.get_arguments().filter(|a| !a.is_hide_set()) {
            if let Some(long) = arg.get_long() {
                let roff = format!("\\-\\-{}", long.replace('-', "\\-"));
                assert!(
                    out.stdout.contains(&roff),
                    "hookline man {name} lacks --{long}"
                );
            }
        }
    }
    assert_eq!(
        common::run(common::hookline_in(root).args(["man", "nope"])).code,
        2
    );
}
