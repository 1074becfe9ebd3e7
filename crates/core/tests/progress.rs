//! The outlook to the horizon (`avance_core::progress`): the worked examples of docs/rules.md,
//! figure by figure, and the property that a better latest value never lowers the category.

use avance_core::code::Code;
use avance_core::model::{Aggregation, Baseline, Direction, Indicator, Sense, Series, Standard, Year};
use avance_core::profile::{AccumulationReading, RuleProfile};
use avance_core::progress::{NoOutlook, Outlook, ProgressMethod, assess, assess_with};
use avance_core::value::{Cell, Unit};
use proptest::prelude::*;

const ASC: Direction = Direction::Trend { sense: Some(Sense::Ascendente), aggregation: Aggregation::NoAcumulado };
const DESC: Direction = Direction::Trend { sense: Some(Sense::Descendente), aggregation: Aggregation::NoAcumulado };
const UNDECLARED: Direction = Direction::Trend { sense: None, aggregation: Aggregation::NoAcumulado };
const MAX: Direction = Direction::NoDefinido(Standard::MaximoPermisible);

fn y(n: u16) -> Year {
    Year::new(n).expect("year")
}

fn series(values: &[(u16, &str)]) -> Series {
    values.iter().map(|(year, t)| (y(*year), Cell::parse(t, Unit::Numero).expect(t))).collect()
}

fn indicator(
    direction: Direction,
    baseline: Option<(u16, &str)>,
    targets: &[(u16, &str)],
    actuals: &[(u16, &str)],
) -> Indicator {
    Indicator {
        code: "IOP.01.01".parse::<Code>().expect("code"),
        name: "Indicador de prueba".into(),
        responsible: "DGDE".into(),
        indicator_type: "RESULTADO".into(),
        unit: Unit::Numero,
        negative_values: None,
        direction,
        baseline: baseline.map(|(year, v)| Baseline { year: y(year), value: Cell::parse(v, Unit::Numero).expect(v) }),
        targets: series(targets),
        actuals: series(actuals),
    }
}

fn pn() -> RuleProfile {
    RuleProfile::ceplan_pn_v1()
}

fn r4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn r1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// (observed rate, required rate, ratio) to four decimals and the projection to one, as the docs
/// print them.
fn figures(a: &avance_core::progress::Assessment) -> (f64, f64, f64, f64) {
    (r4(a.observed_rate), r4(a.required_rate), r4(a.ratio), r1(a.projected))
}

#[test]
fn example_a_ascending_needs_acceleration() {
    let ind = indicator(ASC, Some((2019, "100")), &[(2024, "120"), (2030, "160")], &[(2022, "110"), (2024, "115")]);
    let a = assess(&ind, y(2024), &pn()).expect("assessed");
    assert_eq!((a.start, a.latest, a.horizon), ((y(2019), 100.0), (y(2024), 115.0), (y(2030), 160.0)));
    assert!(a.compound);
    assert_eq!(figures(&a), (0.0283, 0.0437, 0.6494, 136.0));
    assert_eq!(a.outlook, Outlook::NeedsAcceleration);
}

#[test]
fn example_b_descending_on_track() {
    let ind = indicator(DESC, Some((2020, "80")), &[(2030, "65")], &[(2022, "76"), (2024, "72")]);
    let a = assess(&ind, y(2024), &pn()).expect("assessed");
    assert_eq!(figures(&a), (-0.026, -0.0205, 1.265, 61.5));
    assert_eq!(a.outlook, Outlook::OnTrack);
}

#[test]
fn example_c_zero_start_is_linear_and_stagnant() {
    let ind = indicator(ASC, Some((2020, "0")), &[(2030, "20")], &[(2022, "1"), (2024, "2")]);
    let a = assess(&ind, y(2024), &pn()).expect("assessed");
    assert!(!a.compound);
    assert_eq!(figures(&a), (0.5, 2.0, 0.25, 5.0));
    assert_eq!(a.outlook, Outlook::Stagnant);
}

#[test]
fn example_d_ascending_going_backwards() {
    let ind = indicator(ASC, Some((2020, "50")), &[(2030, "70")], &[(2022, "48"), (2024, "45")]);
    let a = assess(&ind, y(2024), &pn()).expect("assessed");
    assert_eq!(figures(&a), (-0.026, 0.0342, -0.7597, 38.4));
    assert_eq!(a.outlook, Outlook::Regressing);
}

#[test]
fn example_e_descending_target_already_met() {
    let ind = indicator(DESC, Some((2020, "30")), &[(2030, "20")], &[(2023, "25"), (2024, "19")]);
    let a = assess(&ind, y(2024), &pn()).expect("assessed");
    assert_eq!(figures(&a), (-0.1079, -0.0397, 2.7157, 9.6));
    assert_eq!(a.outlook, Outlook::Achieved);
}

#[test]
fn example_f_one_actual_is_not_enough() {
    let ind = indicator(ASC, Some((2020, "10")), &[(2030, "20")], &[(2024, "12")]);
    assert_eq!(assess(&ind, y(2024), &pn()), Err(NoOutlook::FewActuals));
    // An ND actual is not a value; a later actual is not counted in an earlier follow-up year.
    let ind = indicator(ASC, None, &[(2030, "20")], &[(2022, "ND"), (2023, "12"), (2024, "13")]);
    assert_eq!(assess(&ind, y(2023), &pn()), Err(NoOutlook::FewActuals));
    assert!(assess(&ind, y(2024), &pn()).is_ok());
    // No numeric target: no horizon.
    let ind = indicator(ASC, None, &[(2030, "ND")], &[(2022, "1"), (2024, "2")]);
    assert_eq!(assess(&ind, y(2024), &pn()), Err(NoOutlook::NoTarget));
}

#[test]
fn example_g_escap_weighted_regression() {
    let ind = indicator(ASC, Some((2019, "100")), &[(2030, "160")], &[(2022, "110"), (2023, "108"), (2024, "115")]);
    let a = assess_with(&ind, y(2024), &pn(), ProgressMethod::EscapAnticipated).expect("assessed");
    assert_eq!(r4(a.observed_rate), 2.767);
    assert_eq!(r1(a.projected), 130.3);
    assert_eq!(r4(a.ratio), 0.5057);
    assert_eq!(a.outlook, Outlook::NeedsAcceleration);
}

#[test]
fn example_h_maximo_permisible_reads_as_descending() {
    let ind = indicator(MAX, Some((2020, "20")), &[(2030, "10")], &[(2022, "18"), (2024, "15")]);
    let a = assess(&ind, y(2024), &pn()).expect("assessed");
    assert_eq!(a.sense, Sense::Descendente);
    assert_eq!(figures(&a), (-0.0694, -0.067, 1.0363, 9.7));
    assert_eq!(a.outlook, Outlook::OnTrack);
}

#[test]
fn the_start_is_the_first_actual_without_a_baseline_and_the_sense_is_inferred() {
    let ind = indicator(UNDECLARED, None, &[(2030, "50")], &[(2022, "80"), (2024, "72")]);
    let a = assess(&ind, y(2024), &pn()).expect("assessed");
    assert_eq!(a.start, (y(2022), 80.0));
    assert_eq!(a.sense, Sense::Descendente);
    // (72/80)^(1/2) − 1 = −0.0513; (50/80)^(1/8) − 1 = −0.0571; ratio 0.8994.
    assert_eq!((r4(a.observed_rate), r4(a.required_rate), r4(a.ratio)), (-0.0513, -0.0571, 0.8994));
    assert_eq!(a.outlook, Outlook::NeedsAcceleration);
}

#[test]
fn a_target_behind_the_start_asks_for_no_progress() {
    // Ascending, but the horizon target is below the start and the latest value below both.
    let ind = indicator(ASC, Some((2020, "50")), &[(2030, "40")], &[(2022, "45"), (2024, "30")]);
    assert_eq!(assess(&ind, y(2024), &pn()), Err(NoOutlook::NoProgressRequired));
    // Meeting it is meeting it.
    let ind = indicator(ASC, Some((2020, "50")), &[(2030, "40")], &[(2022, "45"), (2024, "41")]);
    assert_eq!(assess(&ind, y(2024), &pn()).map(|a| a.outlook), Ok(Outlook::Achieved));
}

#[test]
fn acumulado_summing_years_is_assessed_on_running_sums() {
    let acum = Direction::Trend { sense: Some(Sense::Ascendente), aggregation: Aggregation::Acumulado };
    let ind = indicator(
        acum,
        Some((2020, "999")),
        &[(2022, "10"), (2023, "10"), (2024, "10"), (2025, "10")],
        &[(2022, "10"), (2023, "10"), (2024, "4")],
    );
    let summing = RuleProfile { accumulation: AccumulationReading::SumOfYears, ..pn() };
    let a = assess(&ind, y(2024), &summing).expect("assessed");
    // Running sums: actuals 10, 20, 24; the horizon target 40 in 2025; the baseline is not a flow.
    assert_eq!((a.start, a.latest, a.horizon), ((y(2022), 10.0), (y(2024), 24.0), (y(2025), 40.0)));
}

#[test]
fn a_value_fallen_to_zero_from_a_positive_start_is_minus_100_percent() {
    let ind = indicator(ASC, Some((2020, "10")), &[(2030, "20")], &[(2022, "5"), (2024, "0")]);
    let a = assess(&ind, y(2024), &pn()).expect("assessed");
    assert!(a.compound);
    assert_eq!(a.observed_rate, -1.0);
    assert_eq!(a.outlook, Outlook::Regressing);
}

#[test]
fn a_policy_is_rolled_up_by_objective_with_the_indicators_at_risk() {
    let policy = avance_import::dataset::parse(
        std::path::Path::new("dataset.json"),
        include_str!("../../../examples/pndi-2024/dataset.json"),
    )
    .expect("reference dataset");
    let o = avance_core::progress::assess_policy(&policy, y(2024), &pn());
    assert_eq!(o.indicators.len(), 91);
    assert_eq!(o.policy.assessed() + o.policy.not_assessed, 91);
    let per_objective: usize = o.objectives.iter().map(|(_, c)| c.assessed() + c.not_assessed).sum();
    assert_eq!(per_objective, 91);
    let risky = o.indicators.iter().filter(|(_, r)| r.as_ref().is_ok_and(|a| !a.outlook.reaches())).count();
    assert_eq!(o.at_risk.len(), risky);
    // IOP.01.01: 44328 (2019) → 42391 (2024) against 49007 in 2024: going backwards.
    let iop = o.indicators.iter().find(|(c, _)| c.as_str() == "IOP.01.01").expect("IOP.01.01");
    assert_eq!(iop.1.as_ref().map(|a| a.outlook), Ok(Outlook::Regressing));
}

proptest! {
    /// A better latest value (higher when ascending, lower when descending) never lowers the
    /// category, under either method.
    #[test]
    fn a_better_latest_value_never_lowers_the_category(
        base in 1u32..500,
        first in 0u32..600,
        latest in 0u32..600,
        better in 1u32..200,
        target in 0u32..800,
        descending in any::<bool>(),
        escap in any::<bool>(),
    ) {
        let direction = if descending { DESC } else { ASC };
        let improved = if descending { latest.saturating_sub(better) } else { latest + better };
        let method = if escap { ProgressMethod::EscapAnticipated } else { ProgressMethod::UnsdGrowthRatio };
        let make = |l: u32| {
            indicator(
                direction,
                Some((2019, &base.to_string())),
                &[(2030, &target.to_string())],
                &[(2022, &first.to_string()), (2024, &l.to_string())],
            )
        };
        let before = assess_with(&make(latest), y(2024), &pn(), method);
        let after = assess_with(&make(improved), y(2024), &pn(), method);
        if let (Ok(b), Ok(a)) = (&before, &after) {
            prop_assert!(a.outlook >= b.outlook, "{:?} → {:?}: {b:?} then {a:?}", latest, improved);
        }
        // Assessed before, assessed after (a better value never loses the assessment).
        if before.is_ok() {
            prop_assert!(after.is_ok(), "{before:?} then {after:?}");
        }
    }
}

/// The overview's counts (`count_policy`, nothing kept per indicator) are the policy's counts of
/// the whole assessment (`assess_policy`), for the reference and synthetic policies, every year.
#[test]
fn counting_a_policy_gives_the_assessments_counts() {
    let reference = avance_import::dataset::read(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/pndi-2024"),
    )
    .expect("reference");
    let years = avance_core::model::YearRange { first: y(2021), last: y(2030) };
    let mut policies = avance_import::synthetic::portfolio(3, 300, years, 5);
    policies.push(reference);
    for p in &policies {
        for year in p.meta().years.iter() {
            let whole = avance_core::progress::assess_policy(p, year, p.profile()).policy;
            assert_eq!(avance_core::progress::count_policy(p, year, p.profile()), whole, "{} {year}", p.meta().code);
        }
    }
}
