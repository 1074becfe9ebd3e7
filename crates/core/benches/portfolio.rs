//! Computing a synthetic portfolio: 10, 100 and 300 policies of 1,002 indicators (10,020, 100,200
//! and 300,600 indicators), each with 10 years of targets and actuals.
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

fn portfolio(policies: usize) -> Vec<Policy> {
    synthetic::portfolio(policies, 1_002, YearRange { first: year(2021), last: year(2030) }, 2024)
}

/// All figures, counts and alerts of the portfolio for one year.
#[divan::bench(sample_count = 10, args = [10, 100, 300])]
fn compute_one_year(bencher: divan::Bencher, policies: usize) {
    let policies = portfolio(policies);
    bencher.bench(|| policies.iter().map(|p| compute(divan::black_box(p), year(2026)).alerts.len()).sum::<usize>());
}

/// All figures, counts and alerts of the portfolio for each of its 10 years.
#[divan::bench(sample_count = 5, args = [10, 100, 300])]
fn compute_ten_years(bencher: divan::Bencher, policies: usize) {
    let policies = portfolio(policies);
    bencher.bench(|| {
        (2021..=2030)
            .flat_map(|y| policies.iter().map(move |p| compute(divan::black_box(p), year(y)).alerts.len()))
            .sum::<usize>()
    });
}

/// The same on both cores: policies are independent, so the portfolio splits in two halves.
#[divan::bench(sample_count = 5, args = [10, 100, 300])]
fn compute_ten_years_two_threads(bencher: divan::Bencher, policies: usize) {
    let policies = portfolio(policies);
    let half = policies.len().div_ceil(2);
    bencher.bench(|| {
        std::thread::scope(|s| {
            let parts: Vec<_> = policies
                .chunks(half)
                .map(|chunk| {
                    s.spawn(move || {
                        (2021..=2030)
                            .flat_map(|y| chunk.iter().map(move |p| compute(divan::black_box(p), year(y)).alerts.len()))
                            .sum::<usize>()
                    })
                })
                .collect();
            parts.into_iter().map(|h| h.join().unwrap_or(0)).sum::<usize>()
        })
    });
}
