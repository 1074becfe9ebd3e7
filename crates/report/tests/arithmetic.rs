//! The JSON of `avance compute`, byte for byte, computed with the integers and with the decimals
//! (`avance_core::exact`): the reference in every year of its range, the 270 PEI cases under
//! their profiles, and a synthetic portfolio under every built-in profile.

use std::path::Path;

use avance_core::code::Code;
use avance_core::compute::{PolicyResult, Prepared};
use avance_core::lang::Lang;
use avance_core::model::{
    Aggregation, Direction, Entity, Indicator, Objective, Policy, PolicyMeta, PolicyParts, PolicyType, Year, YearRange,
};
use avance_core::profile::RuleProfile;
use avance_core::value::{Cell, Unit};
use avance_import::{dataset, synthetic};
use avance_report::json;

fn y(n: u16) -> Year {
    Year::new(n).expect("year")
}

fn text(policy: &Policy, result: &PolicyResult) -> String {
    serde_json::to_string_pretty(&json::compute(policy, result, Lang::Es)).expect("json")
}

/// Both documents of every year in `years`; how many years the integers computed.
fn same_json(policy: &Policy, profile: &RuleProfile, years: impl Iterator<Item = Year>) -> (usize, usize) {
    let prepared = Prepared::new(policy, profile);
    let (mut fixed, mut all) = (0, 0);
    for year in years {
        all += 1;
        let decimal = text(policy, &prepared.compute_decimal(year));
        if let Ok(integer) = prepared.compute_fixed(year) {
            fixed += 1;
            assert_eq!(text(policy, &integer), decimal, "{} {year} under {}", policy.meta().code, profile.id());
        }
        assert_eq!(text(policy, &prepared.compute(year)), decimal);
    }
    (fixed, all)
}

#[test]
fn the_reference_in_every_year() {
    let policy =
        dataset::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/pndi-2024")).expect("example");
    let years = policy.meta().years;
    let (fixed, all) = same_json(&policy, policy.profile(), (years.first.get()..=years.last.get()).map(y));
    assert_eq!(fixed, all, "the reference is computed with the integers in every year");
    assert_eq!(all, 3, "2022, 2023 and 2024");
}

#[test]
fn the_pei_cases_under_their_profiles() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/pei-igp/cases.csv");
    let mut reader = csv::Reader::from_path(file).expect("cases.csv");
    let (mut fixed, mut all) = (0, 0);
    for (n, row) in reader.records().enumerate() {
        let row = row.expect("row");
        let (period, cut, year, obtained, sequence) = (&row[1], &row[2], &row[7], &row[11], &row[13]);
        let first: u16 = period[..4].parse().expect("period");
        let year: u16 = year.parse().expect("year");
        let targets = sequence
            .split_whitespace()
            .enumerate()
            .map(|(i, t)| (y(first + i as u16), Cell::parse(t, Unit::Numero).expect(t)))
            .collect();
        let profile = match cut {
            "2018" => "ceplan-pei@2018",
            "2019" => "ceplan-pei@2019",
            _ => "ceplan-pei@2020",
        };
        let last = first + sequence.split_whitespace().count() as u16 - 1;
        let policy = Policy::new(PolicyParts {
            meta: PolicyMeta {
                code: format!("PEI{n}"),
                name: row[5].to_string(),
                policy_type: PolicyType::Sectorial,
                sector: Entity { code: "IGP".into(), name: "IGP".into() },
                ministry: Entity { code: "IGP".into(), name: "IGP".into() },
                norm: None,
                years: YearRange { first: y(first), last: y(last.max(year)) },
                profile: profile.into(),
                synthesis: None,
            },
            objectives: vec![Objective {
                code: "OP.01".parse::<Code>().expect("code"),
                name: "OEI".into(),
                analysis: None,
            }],
            lineamientos: Vec::new(),
            services: Vec::new(),
            indicators: vec![Indicator {
                code: "IOP.01.01".parse::<Code>().expect("code"),
                name: row[5].to_string(),
                responsible: "IGP".into(),
                indicator_type: row[4].to_string(),
                unit: Unit::Numero,
                negative_values: None,
                direction: Direction::Trend { sense: None, aggregation: Aggregation::NoAcumulado },
                baseline: None,
                targets,
                actuals: [(y(year), Cell::parse(obtained, Unit::Numero).expect(obtained))].into_iter().collect(),
            }],
        })
        .expect("policy");
        let (f, a) = same_json(&policy, policy.profile(), std::iter::once(y(year)));
        fixed += f;
        all += a;
    }
    assert_eq!((fixed, all), (270, 270));
}

#[test]
fn a_synthetic_portfolio_under_every_profile() {
    let years = YearRange { first: y(2021), last: y(2030) };
    let (mut fixed, mut all) = (0, 0);
    for (i, policy) in synthetic::policies(12, 1_002, years, 11).enumerate() {
        let profile = &RuleProfile::builtin()[i % RuleProfile::builtin().len()];
        let (f, a) = same_json(&policy, profile, (2021..=2030).map(y));
        fixed += f;
        all += a;
    }
    assert_eq!((fixed, all), (120, 120), "every synthetic policy-year by the integers");
}
