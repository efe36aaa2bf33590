//! How long one save takes in each storage era, through the whole write engine (snapshot read,
//! OpenClaw's lock or an SQLite transaction, re-read, version check, atomic write with fsyncs, or
//! commit), on copies of the states OpenClaw wrote. Prints one JSON line per era for
//! `scripts/bench.sh`.
//!
//! Run: `cargo bench -p server --bench save_latency`.

use std::time::Instant;

use openclaw_state::StateLocation;
use openclaw_state::write::engine::Writer;
use serde_json::json;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn percentile(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    (v[i] * 100.0).round() / 100.0
}

fn main() {
    let runs = 200;
    for (era, fixture) in [("A", "era-a-3.31"), ("B", "era-b-5.28"), ("C", "era-c-9.6")] {
        let tmp = tempfile::tempdir().unwrap();
        let state = openclaw_state::testing::relocate_fixture(fixture, tmp.path());
        let writer = Writer::new(StateLocation::in_dir(&state));
        let orders: [Vec<String>; 2] = [
            vec!["anthropic:manual".into()],
            if fixture == "era-c-9.6" {
                vec!["anthropic:manual".into()]
            } else {
                vec!["anthropic:work".into(), "anthropic:manual".into()]
            },
        ];
        let mut ms = Vec::new();
        for i in 0..runs {
            let start = Instant::now();
            if fixture == "era-c-9.6" && i % 2 == 1 {
                writer.order_clear(Some("main"), "anthropic", None).unwrap();
            } else {
                writer.order_set(Some("main"), "anthropic", &orders[i % 2], None).unwrap();
            }
            ms.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        println!(
            "{}",
            json!({ "era": era, "fixture": fixture, "runs": runs, "p50_ms": percentile(ms.clone(), 0.5), "p99_ms": percentile(ms, 0.99) })
        );
    }
}
