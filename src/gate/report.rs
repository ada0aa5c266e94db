//! Writes an [`Evaluation`] for people (a terminal table, Markdown for
//! `$GITHUB_STEP_SUMMARY` and pull-request comments) and for programs
//! (JSON). An environment mismatch opens every human report, because it
//! changes what every number below it means.

use std::fmt::Write;

use super::comparison::Comparison;
use super::evaluation::{Evaluation, Status};

/// The report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// An aligned plain-text table.
    Terminal,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// The evaluation as JSON.
    Json,
}

/// Renders `evaluation` in `format`.
pub fn render(evaluation: &Evaluation, format: Format) -> String {
    match format {
        Format::Terminal => terminal(evaluation),
        Format::Markdown => markdown(evaluation),
        Format::Json => json(evaluation),
    }
}

/// The evaluation as pretty JSON.
pub fn json(evaluation: &Evaluation) -> String {
    serde_json::to_string_pretty(evaluation).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
        + "\n"
}

const HEADERS: [&str; 8] = [
    "benchmark",
    "tier",
    "baseline",
    "current",
    "change [interval]",
    "verdict",
    "threshold",
    "detectable",
];

/// One table row of formatted cells.
fn cells(c: &Comparison) -> [String; 8] {
    [
        c.id.clone(),
        c.tier.to_string(),
        c.reference_median.map_or("-".into(), |v| value(v, &c.unit)),
        c.current_median.map_or("-".into(), |v| value(v, &c.unit)),
        change(c),
        match &c.note {
            Some(note) => format!("{} ({note})", c.verdict),
            None => c.verdict.to_string(),
        },
        format!("{:.1} %", 100.0 * c.threshold),
        c.detectable
            .map_or("-".into(), |d| format!("{:.1} %", 100.0 * d)),
    ]
}

/// The aligned plain-text table.
pub fn terminal(e: &Evaluation) -> String {
    let mut out = String::new();
    for line in mismatch_lines(e) {
        let _ = writeln!(out, "!!! {line}");
    }
    let _ = writeln!(out, "mcp-perf gate: current run against {}\n", e.reference);

    let rows: Vec<[String; 8]> = e.comparisons.iter().map(cells).collect();
    let mut widths = HEADERS.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }

    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    let _ = writeln!(out, "{}", line(&HEADERS.map(String::from)));
    for row in &rows {
        let _ = writeln!(out, "{}", line(row));
    }

    let _ = writeln!(out, "\n{}", method_note(e));
    let _ = writeln!(
        out,
        "{}: {}",
        status_word(e.outcome.status),
        e.outcome.reason
    );
    out
}

/// The Markdown report.
pub fn markdown(e: &Evaluation) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## mcp-perf gate: {}\n", status_word(e.outcome.status));
    let mismatches = mismatch_lines(e);
    if !mismatches.is_empty() {
        let _ = writeln!(out, "> [!WARNING]");
        for line in mismatches {
            let _ = writeln!(out, "> {line}  ");
        }
        let _ = writeln!(out);
    }

    let _ = writeln!(out, "{}\n", e.outcome.reason);
    let _ = writeln!(out, "Compared against {}.\n", e.reference);
    let _ = writeln!(out, "| {} |", HEADERS.join(" | "));
    let _ = writeln!(out, "|{}", " --- |".repeat(HEADERS.len()));
    for c in &e.comparisons {
        let mut row = cells(c);
        row[0] = format!("`{}`", row[0]);
        row[5] = format!("{} {}", verdict_mark(c), row[5]);
        let _ = writeln!(out, "| {} |", row.join(" | ").replace('\n', " "));
    }
    let _ = writeln!(out, "\n{}", method_note(e));
    out
}

/// The lines stating environment differences; empty when there are none.
fn mismatch_lines(e: &Evaluation) -> Vec<String> {
    if e.mismatches.is_empty() {
        return Vec::new();
    }

    let mut lines = vec![
        "ENVIRONMENT MISMATCH: the reference was measured in a different environment; \
         wall-clock differences below may be the machine, not the code."
            .to_string(),
    ];
    for group in &e.mismatches {
        for m in &group.fields {
            lines.push(format!(
                "group {}: {} was {:?}, is now {:?}",
                group.group, m.field, m.baseline, m.current
            ));
        }
    }
    lines
}

/// How to read the table, with the levels that applied.
fn method_note(e: &Evaluation) -> String {
    let paired = e.comparisons.iter().any(|c| c.rounds.is_some());
    let test = if paired {
        "an exact sign-flip test on per-round log ratios (paired rounds), change = \
         Hodges-Lehmann shift of those ratios, interval = bootstrap over rounds"
    } else {
        "Mann-Whitney U, change = Hodges-Lehmann shift, interval = bootstrap interval of the \
         ratio of medians"
    };
    format!(
        "Wall-clock: {test}; {} correction at suite level {}, {:.0} % intervals; regressed only \
         when significant and beyond the threshold. Instructions: callgrind counts against the \
         threshold alone. Detectable = smallest slowdown caught with {:.0} % power at the \
         measured noise.",
        e.correction,
        e.alpha,
        100.0 * (1.0 - e.alpha),
        100.0 * e.power
    )
}

fn status_word(status: Status) -> &'static str {
    match status {
        Status::Pass => "pass",
        Status::Regression => "REGRESSION",
        Status::Unusable => "UNUSABLE INPUT",
    }
}

fn verdict_mark(c: &Comparison) -> &'static str {
    use super::verdict::Verdict::*;
    match c.verdict {
        Regressed | Missing => "❌",
        Improved => "🚀",
        Unchanged => "✅",
        Inconclusive => "❔",
        New => "🆕",
    }
}

/// The change with its interval, e.g. `+3.2 % [+1.1, +5.0]`.
fn change(c: &Comparison) -> String {
    match (c.change, c.interval) {
        (Some(x), Some((lo, hi))) => {
            format!(
                "{:+.1} % [{:+.1}, {:+.1}]",
                100.0 * x,
                100.0 * lo,
                100.0 * hi
            )
        }
        (Some(x), None) => format!("{:+.1} %", 100.0 * x),
        _ => "-".into(),
    }
}

/// A value in its unit, scaled for reading.
fn value(v: f64, unit: &str) -> String {
    match unit {
        "ns" if v >= 1e9 => format!("{:.3} s", v / 1e9),
        "ns" if v >= 1e6 => format!("{:.3} ms", v / 1e6),
        "ns" if v >= 1e3 => format!("{:.3} µs", v / 1e3),
        "ns" => format!("{v:.1} ns"),
        "instructions" if v >= 1e6 => format!("{:.3} M Ir", v / 1e6),
        "instructions" if v >= 1e3 => format!("{:.2} k Ir", v / 1e3),
        "instructions" => format!("{v:.0} Ir"),
        _ => format!("{v:.4} {unit}"),
    }
}
