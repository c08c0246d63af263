//! `simfra coverage`: who serves each operation (hand-written code, the
//! resource engine, nobody and why), written into the README's coverage
//! table and COVERAGE.md; `--check` fails when either is out of date, so the
//! documents always say what the code does.

use simfra_gateway::registry::Registry;
use simfra_resources::Coverage;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::process::ExitCode;

const README: &str = "README.md";
const DETAIL: &str = "COVERAGE.md";
const BEGIN: &str = "<!-- coverage:begin (written by `make coverage`) -->";
const END: &str = "<!-- coverage:end -->";

struct Row {
    name: &'static str,
    tier: &'static str,
    ops: usize,
    hand: usize,
    engine: usize,
    missing: Vec<(&'static str, &'static str)>,
}

fn rows(reg: &Registry) -> Vec<Row> {
    let mut rows: Vec<Row> = reg
        .services
        .iter()
        .map(|s| {
            let cov = simfra_resources::coverage(s.schema, s.handler.implemented());
            Row {
                name: s.schema.name,
                tier: s.tier,
                ops: cov.len(),
                hand: cov.iter().filter(|(_, c)| *c == Coverage::HandWritten).count(),
                engine: cov.iter().filter(|(_, c)| matches!(c, Coverage::Engine(_))).count(),
                missing: cov
                    .iter()
                    .filter_map(|(op, c)| match c {
                        Coverage::NotImplemented(why) => Some((*op, *why)),
                        _ => None,
                    })
                    .collect(),
            }
        })
        .collect();
    rows.sort_by_key(|r| (r.tier, r.name));
    rows
}

fn pct(n: usize, d: usize) -> String {
    format!("{:.1}%", 100.0 * n as f64 / d.max(1) as f64)
}

fn table(rows: &[Row]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{BEGIN}");
    let sum = |f: &dyn Fn(&Row) -> usize, tiers: &str| rows.iter().filter(|r| tiers.contains(r.tier)).map(f).sum::<usize>();
    for (label, tiers) in [("all tiers", "ABC"), ("tiers B and C", "BC")] {
        let ops = sum(&|r| r.ops, tiers);
        let served = sum(&|r| r.hand + r.engine, tiers);
        let _ = writeln!(out, "- {label}: {served} of {ops} operations served ({}): {} hand-written, {} by the resource engine, {} not implemented", pct(served, ops), sum(&|r| r.hand, tiers), sum(&|r| r.engine, tiers), ops - served);
    }
    let _ = writeln!(out, "\n| service | tier | operations | hand-written | engine | not implemented |");
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|");
    for r in rows {
        let _ = writeln!(out, "| {} | {} | {} | {} | {} | {} |", r.name, r.tier, r.ops, r.hand, r.engine, r.missing.len());
    }
    let _ = writeln!(out, "\nThe operations not implemented, each with its reason, are in [COVERAGE.md](COVERAGE.md).");
    let _ = write!(out, "{END}");
    out
}

fn detail(rows: &[Row]) -> String {
    let mut out = String::from(
        "# Operations not implemented\n\nWritten by `make coverage` (`simfra coverage`) from what the server serves: \
         every operation that neither hand-written code nor the resource engine serves, with the reason. \
         They answer HTTP 501 `NotImplemented` naming the operation and the reason.\n",
    );
    for r in rows.iter().filter(|r| !r.missing.is_empty()) {
        let _ = writeln!(out, "\n## {} (tier {}): {} of {}\n", r.name, r.tier, r.missing.len(), r.ops);
        let mut by_reason: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (op, why) in &r.missing {
            by_reason.entry(why).or_default().push(op);
        }
        for (why, ops) in by_reason {
            let _ = writeln!(out, "- {why}: {}", ops.join(", "));
        }
    }
    out
}

pub fn run(reg: &Registry, check: bool) -> ExitCode {
    let rows = rows(reg);
    let readme = match std::fs::read_to_string(README) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("simfra coverage: cannot read {README} (run from the repository root): {e}");
            return ExitCode::FAILURE;
        }
    };
    let (Some(b), Some(e)) = (readme.find(BEGIN), readme.find(END)) else {
        eprintln!("simfra coverage: {README} has no coverage markers");
        return ExitCode::FAILURE;
    };
    let new_readme = format!("{}{}{}", &readme[..b], table(&rows), &readme[e + END.len()..]);
    let new_detail = detail(&rows);
    if check {
        let current_detail = std::fs::read_to_string(DETAIL).unwrap_or_default();
        if new_readme != readme || new_detail != current_detail {
            eprintln!("simfra coverage: {README}'s coverage table or {DETAIL} is out of date: run `make coverage`");
            return ExitCode::FAILURE;
        }
        return ExitCode::SUCCESS;
    }
    if let Err(e) = std::fs::write(README, new_readme).and_then(|()| std::fs::write(DETAIL, new_detail)) {
        eprintln!("simfra coverage: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
