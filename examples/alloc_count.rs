#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
#![allow(unsafe_code, reason = "a counting allocator for a one-off measurement")]
//! Counts allocations per analysis over a replay of a generated ECMO course: `cargo run --release
//! --example alloc_count [DAYS]` (default 30).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use anticoag_planner::analysis::generate::ecmo_course;
use anticoag_planner::analysis::{Prepared, analyze_prepared};
use anticoag_planner::protocol::Protocol;

struct Counting;
static COUNT: AtomicUsize = AtomicUsize::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        COUNT.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
}
#[global_allocator]
static A: Counting = Counting;

fn main() {
    let days = std::env::args().nth(1).and_then(|d| d.parse().ok()).unwrap_or(30);
    let case = ecmo_course(days);
    println!("{days} days: {} events", case.events.len());
    let p = Protocol::builtin("adult-ecmo").unwrap();
    let prepared = Prepared::new(&case, &p);
    let times = prepared.timeline.event_times().to_vec();
    let mut actions = std::collections::HashMap::new();
    let before = COUNT.load(Ordering::Relaxed);
    for t in &times {
        let a = analyze_prepared(&case, &prepared, &p, *t);
        *actions.entry(a.recommendation.action).or_insert(0) += 1;
    }
    let after = COUNT.load(Ordering::Relaxed);
    println!(
        "{} steps, {} allocations per step; actions {:?}",
        times.len(),
        (after - before) / times.len(),
        actions
    );
    let a = analyze_prepared(&case, &prepared, &p, times[times.len() / 2]);
    println!(
        "findings {} steps {} values {} rationale {} monitoring {}",
        a.findings.len(),
        a.steps.len(),
        a.steps.iter().map(|s| s.values.len()).sum::<usize>(),
        a.recommendation.rationale.len(),
        a.monitoring.len()
    );
}
