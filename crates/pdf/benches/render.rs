//! Producing PDFs: `cargo bench -p avance-pdf --bench render`; results in docs/performance.md.

use std::path::Path;

use avance_core::compute::compute;
use avance_core::lang::Lang;
use avance_core::model::{Policy, Year, YearRange};
use avance_import::{dataset, synthetic};

fn main() {
    divan::main();
}

fn reference() -> Policy {
    dataset::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/pndi-2024")).expect("example")
}

fn synthetic_policy(indicators: usize) -> Policy {
    let years = YearRange { first: Year::new(2022).expect("y"), last: Year::new(2024).expect("y") };
    synthetic::policy(1, indicators, years, 7)
}

fn render(policy: &Policy) -> usize {
    let result = compute(policy, Year::new(2024).expect("year"));
    avance_pdf::render(policy, &result, Lang::Es, "bench").expect("pdf").len()
}

/// The reference policy (91 indicators, 14 pages).
#[divan::bench(sample_count = 10)]
fn reference_pdf(bencher: divan::Bencher) {
    let policy = reference();
    bencher.bench(|| render(divan::black_box(&policy)));
}

/// Synthetic policies of 100, 300 and 1,000 indicators.
#[divan::bench(args = [100, 300, 1000], sample_count = 5)]
fn synthetic_pdf(bencher: divan::Bencher, indicators: usize) {
    let policy = synthetic_policy(indicators);
    bencher.bench(|| render(divan::black_box(&policy)));
}
