//! The engine's reach over the real models: the share of the B and C tier
//! services' operations it serves must not fall (issue 5 asks for 90% with
//! hand-written services counted; this counts the engine alone, which
//! `/_simfra/services` adds hand-written services to). Prints per service
//! what is not served and why.

use simfra_resources::{coverage, Coverage};

#[test]
fn b_and_c_tiers_are_ninety_percent_served() {
    let (mut served, mut total) = (0, 0);
    for s in simfra_gen_all::SERVICES.iter().filter(|s| s.tier != "A") {
        let handler = (s.not_implemented)();
        let cov = coverage(s.schema, handler.implemented());
        let n = cov.iter().filter(|(_, c)| !matches!(c, Coverage::NotImplemented(_))).count();
        println!("{:32} {:>4}/{:<4} {}", s.name, n, cov.len(), s.tier);
        for (op, c) in &cov {
            if let Coverage::NotImplemented(why) = c {
                println!("    - {op}: {why}");
            }
        }
        served += n;
        total += cov.len();
    }
    let share = served as f64 / total as f64;
    println!("served {served}/{total} = {:.1}%", share * 100.0);
    const FLOOR: f64 = 0.88;
    assert!(share >= FLOOR, "only {:.1}% of B/C operations are served", share * 100.0);
}
