//! `probe`'s output: a table row per case as it is known (case, expected, got, verdict,
//! latency, why), or a JSON object per case; a summary; JUnit XML on request.

use std::io::Write;
use std::path::Path;

use colored::Colorize;

use crate::probe::{CaseResult, Judgement};
use crate::text::{millis_text, printable};

pub struct ProbePrinter {
    json: bool,
    header_printed: bool,
}

impl ProbePrinter {
    pub fn new(json: bool) -> Self {
        ProbePrinter {
            json,
            header_printed: false,
        }
    }

    /// One case's row (the header before the first).
    pub fn case(&mut self, result: &CaseResult) {
        let line = if self.json {
            json_line(result)
        } else {
            let mut line = String::new();
            if !self.header_printed {
                self.header_printed = true;
                line = format!(
                    "{}\n",
                    format!(
                        "{:<20} {:<11} {:<14} {:<8} {:>9}  ",
                        "case", "expected", "got", "verdict", "latency"
                    )
                    .trim_end()
                    .bold()
                );
            }
            line.push_str(&row(result));
            line
        };
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}").and_then(|()| out.flush());
    }

    /// `12 cases: 10 passed, 1 warned, 1 failed, 0 skipped`; on stderr with JSON. Returns
    /// whether none failed.
    pub fn summary(&self, results: &[CaseResult]) -> bool {
        let count = |name: &str| {
            results
                .iter()
                .filter(|r| r.judgement.name() == name)
                .count()
        };
        let failed = count("fail");
        let text = format!(
            "{} case{}: {} passed, {} warned, {failed} failed, {} skipped",
            results.len(),
            if results.len() == 1 { "" } else { "s" },
            count("pass"),
            count("warn"),
            count("skip"),
        );
        if self.json {
            eprintln!("{text}");
        } else {
            println!("{text}");
        }
        failed == 0
    }
}

fn got(result: &CaseResult) -> String {
    let texts: Vec<String> = result.exchanges.iter().map(|e| e.text()).collect();
    if texts.is_empty() {
        "-".to_string()
    } else {
        texts.join(", ")
    }
}

fn row(result: &CaseResult) -> String {
    let verdict = match &result.judgement {
        Judgement::Pass => "pass".green().bold(),
        Judgement::Warn(_) => "warn".yellow().bold(),
        Judgement::Fail(_) => "FAIL".red().bold(),
        Judgement::Skip(_) => "skip".dimmed(),
    };
    let latency = result
        .latency()
        .map(|d| millis_text(d.as_secs_f64() * 1000.0))
        .unwrap_or_else(|| "-".into());
    // Padding is applied before colour, so columns line up either way.
    let verdict_pad = " ".repeat(8usize.saturating_sub(result.judgement.name().len()));
    let mut line = format!(
        "{:<20} {:<11} {:<14} {verdict}{verdict_pad} {:>9}",
        result.case.name(),
        result.case.expected().text(),
        printable(&got(result)),
        latency,
    );
    if let Some(why) = result.judgement.why() {
        line.push_str(&format!("  {}", printable(why)));
    }
    line
}

fn json_line(result: &CaseResult) -> String {
    let got: Vec<serde_json::Value> = result
        .exchanges
        .iter()
        .map(|e| {
            serde_json::json!({
                "status": e.status,
                "error": e.error,
                "latency_ms": crate::clock::millis(e.latency),
            })
        })
        .collect();
    serde_json::json!({
        "case": result.case.name(),
        "expected": result.case.expected().text(),
        "got": got,
        "verdict": result.judgement.name(),
        "why": result.judgement.why(),
    })
    .to_string()
}

/// The results as a JUnit report (one test suite, a test case per probe case), written
/// atomically to `path`.
pub fn write_junit(path: &Path, url: &str, results: &[CaseResult]) -> std::io::Result<()> {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
    let mut suite = TestSuite::new(format!("hookline probe {url}"));
    for result in results {
        let mut status = match &result.judgement {
            Judgement::Pass | Judgement::Warn(_) => TestCaseStatus::success(),
            Judgement::Fail(why) => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status.set_message(why.clone()).set_type("probe");
                status
            }
            Judgement::Skip(why) => {
                let mut status = TestCaseStatus::skipped();
                status.set_message(why.clone());
                status
            }
        };
        if let (Judgement::Fail(_), got) = (&result.judgement, got(result)) {
            status.set_description(format!(
                "expected {}, got {got}",
                result.case.expected().text()
            ));
        }
        let mut case = TestCase::new(result.case.name(), status);
        case.set_classname("hookline.probe");
        if let Some(latency) = result.latency() {
            case.set_time(latency);
        }
        if let Judgement::Warn(why) = &result.judgement {
            case.set_system_out(format!("warning: {why}"));
        }
        suite.add_test_case(case);
    }
    let mut report = Report::new("hookline probe");
    report.add_test_suite(suite);
    let xml = report
        .to_string()
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    crate::files::write_atomic(path, &xml, false)
}
