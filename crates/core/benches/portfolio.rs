//! Computing a synthetic portfolio: 10, 100, 300 and 1,000 policies of 1,002 indicators (10,020,
//! 100,200, 300,600 and 1,002,000 indicators), each with 10 years of targets and actuals; and the
//! floor under it, the exact-decimal arithmetic alone; and the same keeping only each policy-year's
//! summary.
//!
//! `cargo bench -p avance-core --bench portfolio`; results in docs/performance.md.

use avance_core::compute::{Prepared, compute, compute_years};
use avance_core::exact::{Arithmetic, Fixed};
use avance_core::model::{Policy, Year, YearRange};
use avance_import::synthetic;
use rust_decimal::{Decimal, RoundingStrategy};

/// The allocator the `avance` binary uses (crates/cli/src/main.rs): what a user's computation
/// runs on.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

fn year(y: u16) -> Year {
    Year::new(y).expect("year")
}

fn years() -> impl Iterator<Item = Year> {
    (2021..=2030).map(year)
}

/// Something of every year's result, so that none is optimised away.
fn alerts(results: Vec<avance_core::compute::PolicyResult>) -> usize {
    results.iter().map(|r| r.alert_count()).sum()
}

fn portfolio(policies: usize) -> Vec<Policy> {
    synthetic::portfolio(policies, 1_002, YearRange { first: year(2021), last: year(2030) }, 2024)
}

/// All figures, counts and alerts of the portfolio for one year.
#[divan::bench(sample_count = 10, args = [10, 100, 300])]
fn compute_one_year(bencher: divan::Bencher, policies: usize) {
    let policies = portfolio(policies);
    bencher.bench(|| policies.iter().map(|p| compute(divan::black_box(p), year(2026)).alert_count()).sum::<usize>());
}

/// All figures, counts and alerts of the portfolio for each of its 10 years.
#[divan::bench(sample_count = 3, args = [10, 100, 300, 1000])]
fn compute_ten_years(bencher: divan::Bencher, policies: usize) {
    let policies = portfolio(policies);
    bencher.bench(|| policies.iter().map(|p| alerts(compute_years(divan::black_box(p), years()))).sum::<usize>());
}

/// `compute_ten_years` with the decimal arithmetic only (`Prepared::compute_decimal`): what the
/// integers replaced.
#[divan::bench(sample_count = 3, args = [10, 100, 300])]
fn compute_ten_years_decimal(bencher: divan::Bencher, policies: usize) {
    let policies = portfolio(policies);
    bencher.bench(|| {
        policies
            .iter()
            .map(|p| {
                let prepared = Prepared::new(divan::black_box(p), p.profile());
                alerts(years().map(|y| prepared.compute_decimal(y)).collect())
            })
            .sum::<usize>()
    });
}

/// The sum of `f` over the policies on both cores: policies are independent, so the portfolio
/// splits in two halves.
fn on_two_threads(policies: &[Policy], f: impl Fn(&Policy) -> usize + Sync) -> usize {
    let half = policies.len().div_ceil(2);
    let f = &f;
    std::thread::scope(|s| {
        let parts: Vec<_> =
            policies.chunks(half).map(|chunk| s.spawn(move || chunk.iter().map(f).sum::<usize>())).collect();
        parts.into_iter().map(|h| h.join().unwrap_or(0)).sum::<usize>()
    })
}

/// `compute_ten_years` on both cores.
#[divan::bench(sample_count = 3, args = [10, 100, 300, 1000])]
fn compute_ten_years_two_threads(bencher: divan::Bencher, policies: usize) {
    let policies = portfolio(policies);
    bencher.bench(|| on_two_threads(&policies, |p| alerts(compute_years(divan::black_box(p), years()))));
}

/// `compute_ten_years_two_threads` keeping only each policy-year's summary (índice, counts: what a
/// portfolio keeps of a policy, `Prepared::summary`) instead of every indicator's result and alert.
#[divan::bench(sample_count = 3, args = [10, 100, 300, 1000])]
fn summary_ten_years_two_threads(bencher: divan::Bencher, policies: usize) {
    let policies = portfolio(policies);
    bencher.bench(|| {
        on_two_threads(&policies, |p| {
            let prepared = Prepared::new(divan::black_box(p), p.profile());
            years().map(|y| prepared.summary(y).counts.objectives.bajo).sum::<usize>()
        })
    });
}

/// What a policy adds to its own making since it holds its numbers as integers
/// (`avance_core::avance::Lanes`, built in `Policy::new`): the lanes of every policy, on both
/// cores. Every other benchmark here reads the lanes the policies already hold.
#[divan::bench(sample_count = 3, args = [10, 100, 300, 1000])]
fn lanes_two_threads(bencher: divan::Bencher, policies: usize) {
    let policies = portfolio(policies);
    bencher.bench(|| {
        on_two_threads(&policies, |p| {
            let lanes = avance_core::avance::Lanes::new(divan::black_box(p.indicators()));
            divan::black_box(&lanes);
            1
        })
    });
}

/// Calls `f` with the baseline, target and actual of every indicator-year of the portfolio.
fn each_indicator_year(policies: &[Policy], mut f: impl FnMut(Option<Decimal>, Option<Decimal>, Option<Decimal>)) {
    for p in policies {
        for ind in p.indicators() {
            let lb = ind.baseline.as_ref().and_then(|b| b.value.number());
            for y in years() {
                f(lb, ind.targets.get(&y).and_then(|c| c.number()), ind.actuals.get(&y).and_then(|c| c.number()));
            }
        }
    }
}

/// The floor under `compute_ten_years`: only the exact-decimal arithmetic that every
/// indicator-year needs (the year's target and actual looked up, VO / LE × 100, Tipo 2 against the
/// baseline, the figure rounded for display), with no result, band, roll-up or alert.
#[divan::bench(sample_count = 3, args = [10, 100, 300, 1000])]
fn arithmetic_only_ten_years(bencher: divan::Bencher, policies: usize) {
    let policies = portfolio(policies);
    let hundred = Decimal::ONE_HUNDRED;
    bencher.bench(|| {
        each_indicator_year(divan::black_box(&policies), |lb, le, vo| {
            if let (Some(le), Some(vo)) = (le, vo) {
                if !le.is_zero() {
                    let a = vo / le * hundred;
                    divan::black_box(a.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero));
                }
                if let Some(lb) = lb.filter(|lb| *lb != le) {
                    divan::black_box((vo - lb) / (le - lb) * hundred);
                }
            }
        })
    });
}

/// `arithmetic_only_ten_years` with the integers (`avance_core::exact::Fixed`): the same quotients,
/// the displayed rounding and the figure as the results hold it.
#[divan::bench(sample_count = 3, args = [10, 100, 300, 1000])]
fn arithmetic_only_ten_years_integers(bencher: divan::Bencher, policies: usize) {
    let policies = portfolio(policies);
    bencher.bench(|| {
        each_indicator_year(divan::black_box(&policies), |lb, le, vo| {
            if let (Some(le), Some(vo)) = (le, vo) {
                // The integers read mantissas on one scale (a lane holds them so).
                let scale = le.scale().max(vo.scale()).max(lb.map_or(0, |b| b.scale()));
                let m = |x: Decimal| x.mantissa() * 10i128.pow(scale - x.scale());
                if !le.is_zero()
                    && let Ok(a) = Fixed::percent(m(vo), m(le))
                {
                    let _ = divan::black_box((Fixed::displayed(a, 1), Fixed::settle(a)));
                }
                if let Some(lb) = lb.filter(|lb| *lb != le) {
                    let _ = divan::black_box(Fixed::percent_of_change(m(vo), m(lb), m(le)).and_then(Fixed::settle));
                }
            }
        })
    });
}

/// Only the lookups of `arithmetic_only_ten_years`: each year's target, actual and baseline.
#[divan::bench(sample_count = 3, args = [10, 100, 300])]
fn lookups_only_ten_years(bencher: divan::Bencher, policies: usize) {
    let policies = portfolio(policies);
    bencher.bench(|| {
        each_indicator_year(divan::black_box(&policies), |lb, le, vo| {
            divan::black_box((lb, le, vo));
        })
    });
}
