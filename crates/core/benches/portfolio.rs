//! Computing a synthetic portfolio: 100 policies of 1,002 indicators (100,200 indicators), each
//! with 10 years of targets and actuals.
//!
//! `cargo bench -p avance-core --bench portfolio`; results in docs/performance.md.

use avance_core::compute::compute;
use avance_core::model::{Policy, Year, YearRange};
use avance_import::synthetic;

fn main() {
    divan::main();
}

fn year(y: u16) -> Year {
    Year::new(y).expect("year")
}

fn portfolio() -> Vec<Policy> {
    synthetic::portfolio(100, 1_002, YearRange { first: year(2021), last: year(2030) }, 2024)
}

/// All figures, counts and alerts of the portfolio for one year.
#[divan::bench(sample_count = 10)]
fn compute_one_year(bencher: divan::Bencher) {
    let policies = portfolio();
    bencher.bench(|| policies.iter().map(|p| compute(divan::black_box(p), year(2026)).alerts.len()).sum::<usize>());
}

/// All figures, counts and alerts of the portfolio for each of its 10 years.
#[divan::bench(sample_count = 5)]
fn compute_ten_years(bencher: divan::Bencher) {
    let policies = portfolio();
    bencher.bench(|| {
        (2021..=2030)
            .flat_map(|y| policies.iter().map(move |p| compute(divan::black_box(p), year(y)).alerts.len()))
            .sum::<usize>()
    });
}
