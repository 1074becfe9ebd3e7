//! The JSON of `avance compute`, byte for byte, computed with the integers and with the decimals
//! (`avance_core::exact`): the reference in every year of its range, the 270 PEI cases under
//! their profiles, and a synthetic portfolio under every built-in profile.

// This test reads each case's indicator and cut, not the printed figures.
#[allow(dead_code)]
#[path = "../../../tests/support/pei_cases.rs"]
mod pei_cases;

use std::path::Path;

use avance_core::code::Code;
use avance_core::compute::{PolicyResult, Prepared};
use avance_core::lang::Lang;
use avance_core::model::{Entity, Objective, Policy, PolicyMeta, PolicyParts, PolicyType, Year, YearRange};
use avance_core::profile::RuleProfile;
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
    let (mut fixed, mut all) = (0, 0);
    for (n, case) in pei_cases::cases().into_iter().enumerate() {
        let last = case.indicator.targets.keys().next_back().copied().unwrap_or(case.year);
        let profile = case.profile();
        let indicator = case.indicator.with_code("IOP.01.01".parse::<Code>().expect("code"));
        let policy = Policy::new(PolicyParts {
            meta: PolicyMeta {
                code: format!("PEI{n}"),
                name: indicator.name.clone(),
                policy_type: PolicyType::Sectorial,
                sector: Entity { code: "IGP".into(), name: "IGP".into() },
                ministry: Entity { code: "IGP".into(), name: "IGP".into() },
                norm: None,
                years: YearRange { first: case.first, last: last.max(case.year) },
                profile: profile.id(),
                synthesis: None,
            },
            objectives: vec![Objective {
                code: "OP.01".parse::<Code>().expect("code"),
                name: "OEI".into(),
                analysis: None,
            }],
            lineamientos: Vec::new(),
            services: Vec::new(),
            indicators: vec![indicator],
        })
        .expect("policy");
        let (f, a) = same_json(&policy, policy.profile(), std::iter::once(case.year));
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
