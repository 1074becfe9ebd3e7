//! Computing a synthetic portfolio of 100,200 indicators with 10 years of targets and actuals.
//!
//! `cargo bench -p avance-core --bench portfolio`; results in docs/performance.md.

use std::collections::BTreeMap;

use avance_core::code::Code;
use avance_core::compute::compute;
use avance_core::model::{
    Aggregation, Baseline, Direction, Element, Entity, Indicator, Objective, Policy, PolicyMeta, PolicyParts,
    PolicyType, Sense, Standard, Year, YearRange,
};
use avance_core::value::{Cell, Unit};

fn main() {
    divan::main();
}

/// A small deterministic generator (64-bit LCG): the same portfolio on every run and machine.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const FIRST: u16 = 2021;
const LAST: u16 = 2030;

fn year(y: u16) -> Year {
    Year::new(y).expect("year")
}

fn code(s: String) -> Code {
    s.parse().expect("generated code")
}

/// Values like the reference's: mostly numbers, some percentages, about 12% ND.
fn indicator(rng: &mut Lcg, code: Code) -> Indicator {
    let unit = if rng.below(3) == 0 { Unit::Porcentaje } else { Unit::Numero };
    let direction = match rng.below(20) {
        0..=10 => Direction::Trend { sense: Some(Sense::Ascendente), aggregation: Aggregation::NoAcumulado },
        11..=12 => Direction::Trend { sense: Some(Sense::Ascendente), aggregation: Aggregation::Acumulado },
        13..=14 => Direction::Trend { sense: Some(Sense::Descendente), aggregation: Aggregation::NoAcumulado },
        15..=18 => Direction::NoDefinido(Standard::MinimoPermisible),
        _ => Direction::NoDefinido(Standard::MaximoPermisible),
    };
    let cell = |rng: &mut Lcg, base: u64| {
        let text = if rng.below(8) == 0 {
            "ND".to_string()
        } else if unit == Unit::Porcentaje {
            format!("{}.{:02}%", base % 100, rng.below(100))
        } else {
            (base + rng.below(base + 1)).to_string()
        };
        Cell::parse(&text, unit).expect("generated value")
    };
    let base = 1 + rng.below(5000);
    let targets: BTreeMap<Year, Cell> = (FIRST..=LAST).map(|y| (year(y), cell(rng, base))).collect();
    let actuals: BTreeMap<Year, Cell> = (FIRST..=LAST).map(|y| (year(y), cell(rng, base))).collect();
    Indicator {
        code,
        name: "Número de empresas que reciben servicios".into(),
        responsible: "DGDE".into(),
        indicator_type: "COBERTURA".into(),
        unit,
        direction,
        baseline: Some(Baseline { year: year(2020), value: Cell::parse("0", unit).expect("0") }),
        targets,
        actuals,
    }
}

/// 100 objectives × 2 IOP, 10 lineamientos × 10 services × 10 ISS each: 100,200 indicators.
fn portfolio() -> Policy {
    let mut rng = Lcg(2024);
    let mut parts = PolicyParts {
        meta: PolicyMeta {
            code: "SYN".into(),
            name: "Política sintética".into(),
            policy_type: PolicyType::Multisectorial,
            sector: Entity { code: "38".into(), name: "PRODUCCION".into() },
            ministry: Entity { code: "038".into(), name: "M. DE LA PRODUCCION".into() },
            norm: None,
            years: YearRange { first: year(FIRST), last: year(LAST) },
            profile: "ceplan-pn@1".into(),
            synthesis: None,
        },
        objectives: Vec::new(),
        lineamientos: Vec::new(),
        services: Vec::new(),
        indicators: Vec::new(),
    };
    for o in 1..=100 {
        parts.objectives.push(Objective {
            code: code(format!("OP.{o:02}")),
            name: format!("Objetivo {o}"),
            analysis: None,
        });
        for i in 1..=2 {
            parts.indicators.push(indicator(&mut rng, code(format!("IOP.{o:02}.{i:02}"))));
        }
        for l in 1..=10 {
            parts
                .lineamientos
                .push(Element { code: code(format!("LN.{o:02}.{l:02}")), name: format!("Lineamiento {l}") });
            for s in 1..=10 {
                parts
                    .services
                    .push(Element { code: code(format!("SS.{o:02}.{l:02}.{s:02}")), name: format!("Servicio {s}") });
                for i in 1..=10 {
                    parts.indicators.push(indicator(&mut rng, code(format!("ISS.{o:02}.{l:02}.{s:02}.{i:02}"))));
                }
            }
        }
    }
    Policy::new(parts).expect("a consistent synthetic policy")
}

/// All figures, counts and alerts of the portfolio for one year.
#[divan::bench(sample_count = 10)]
fn compute_one_year(bencher: divan::Bencher) {
    let policy = portfolio();
    bencher.bench(|| compute(divan::black_box(&policy), year(2026)));
}

/// All figures, counts and alerts of the portfolio for each of its 10 years.
#[divan::bench(sample_count = 5)]
fn compute_ten_years(bencher: divan::Bencher) {
    let policy = portfolio();
    bencher.bench(|| (FIRST..=LAST).map(|y| compute(divan::black_box(&policy), year(y)).alerts.len()).sum::<usize>());
}
