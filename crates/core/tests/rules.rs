//! The rules of the method on small, hand-made indicators: what the reference cannot show.

use avance_core::avance::{NdReason, QualityIssue, Tipo2, evaluate};
use avance_core::band::Band;
use avance_core::code::Code;
use avance_core::model::{Aggregation, Baseline, Direction, Indicator, Sense, Series, Standard, Year};
use avance_core::number::format_display;
use avance_core::profile::{AccumulationReading, RuleProfile};
use avance_core::value::{Cell, Unit};

const ASC: Direction = Direction::Trend { sense: Some(Sense::Ascendente), aggregation: Aggregation::NoAcumulado };
const DESC: Direction = Direction::Trend { sense: Some(Sense::Descendente), aggregation: Aggregation::NoAcumulado };
const UNDECLARED: Direction = Direction::Trend { sense: None, aggregation: Aggregation::NoAcumulado };
const ACUM: Direction = Direction::Trend { sense: Some(Sense::Ascendente), aggregation: Aggregation::Acumulado };
const MIN: Direction = Direction::NoDefinido(Standard::MinimoPermisible);
const MAX: Direction = Direction::NoDefinido(Standard::MaximoPermisible);

fn y(n: u16) -> Year {
    Year::new(n).expect("year")
}

fn series(unit: Unit, values: &[(u16, &str)]) -> Series {
    values.iter().map(|(year, t)| (y(*year), Cell::parse(t, unit).expect(t))).collect()
}

fn indicator(direction: Direction, unit: Unit, targets: &[(u16, &str)], actuals: &[(u16, &str)]) -> Indicator {
    Indicator {
        code: "ISS.01.01.01.01".parse::<Code>().expect("code"),
        name: "Indicador de prueba".into(),
        responsible: "DGDE".into(),
        indicator_type: "COBERTURA".into(),
        unit,
        negative_values: None,
        direction,
        baseline: None,
        targets: series(unit, targets),
        actuals: series(unit, actuals),
    }
}

fn pn() -> RuleProfile {
    RuleProfile::ceplan_pn_v1()
}

fn profile(id: &str) -> RuleProfile {
    RuleProfile::find(id).expect(id)
}

/// The displayed Avance Tipo 1 of a one-year indicator (LE, VO in 2024).
fn check(direction: Direction, unit: Unit, le: &str, vo: &str, p: &RuleProfile) -> String {
    let ind = indicator(direction, unit, &[(2024, le)], &[(2024, vo)]);
    let ev = evaluate(&ind, y(2024), p);
    ev.avance.map_or_else(|_| "ND".into(), |a| format_display(a, p.decimals))
}

#[test]
fn ascendente_is_actual_over_target_without_cap() {
    for (le, vo, want) in [
        ("12.60%", "10.08%", "80.0"),
        ("49007", "42391", "86.5"),
        ("2500", "10,256", "410.2"),
        ("20", "2906", "14530.0"),
        ("0.10%", "10.93%", "10930.0"),
        ("2", "0", "0.0"),
    ] {
        let unit = if le.ends_with('%') { Unit::Porcentaje } else { Unit::Numero };
        assert_eq!(check(ASC, unit, le, vo, &pn()), want, "{vo} / {le}");
    }
}

#[test]
fn no_definido_passes_or_fails() {
    let p = pn();
    assert_eq!(check(MIN, Unit::Numero, "2", "1", &p), "0.0");
    assert_eq!(check(MIN, Unit::Numero, "1", "54", &p), "100.0");
    assert_eq!(check(MIN, Unit::Numero, "2", "2", &p), "100.0");
    assert_eq!(check(MAX, Unit::Porcentaje, "100%", "88%", &p), "100.0");
    assert_eq!(check(MAX, Unit::Numero, "5", "8", &p), "0.0");
    // Máximo permisible at equality passes.
    assert_eq!(check(MAX, Unit::Numero, "5", "5", &p), "100.0");
    assert_eq!(check(MAX, Unit::Porcentaje, "12.5%", "12.50%", &p), "100.0");
}

#[test]
fn descendente_is_target_over_actual() {
    let p = pn();
    assert_eq!(check(DESC, Unit::Tasa, "20", "25", &p), "80.0");
    assert_eq!(check(DESC, Unit::Tasa, "20", "10", &p), "200.0");
    assert_eq!(check(DESC, Unit::Tasa, "0", "4", &p), "0.0");
}

#[test]
fn division_by_zero_is_nd_with_a_quality_alert() {
    let p = pn();
    let ind = indicator(ASC, Unit::Numero, &[(2024, "0")], &[(2024, "3")]);
    let ev = evaluate(&ind, y(2024), &p);
    assert_eq!(ev.avance, Err(NdReason::ZeroTarget));
    assert_eq!(ev.quality, [QualityIssue::ZeroTarget { year: y(2024) }]);

    let ind = indicator(DESC, Unit::Numero, &[(2024, "5")], &[(2024, "0")]);
    let ev = evaluate(&ind, y(2024), &p);
    assert_eq!(ev.avance, Err(NdReason::ZeroActual));
    assert_eq!(ev.quality, [QualityIssue::ZeroActual { year: y(2024) }]);
}

#[test]
fn negative_values() {
    let p = pn();
    // Both negative: the ratio is positive.
    assert_eq!(check(ASC, Unit::TasaVariacion, "-10", "-5", &p), "50.0");
    // Different signs: computed, and flagged.
    let ind = indicator(ASC, Unit::TasaVariacion, &[(2024, "10")], &[(2024, "-5")]);
    let ev = evaluate(&ind, y(2024), &p);
    assert_eq!(ev.avance.map(|a| format_display(a, 1)), Ok("-50.0".into()));
    assert!(matches!(ev.quality[..], [QualityIssue::SignMismatch { .. }]));
    assert_eq!(p.band(ev.avance.ok()), Band::Bajo);
}

#[test]
fn missing_or_nd_values_give_nd_with_the_reason() {
    let p = pn();
    let ev = |t: &[(u16, &str)], a: &[(u16, &str)]| evaluate(&indicator(ASC, Unit::Numero, t, a), y(2024), &p).avance;
    assert_eq!(ev(&[(2024, "ND")], &[(2024, "5")]), Err(NdReason::NoTarget));
    assert_eq!(ev(&[], &[(2024, "5")]), Err(NdReason::NoTarget));
    assert_eq!(ev(&[(2024, "5")], &[(2024, "ND")]), Err(NdReason::NoActual));
    assert_eq!(ev(&[(2024, "5")], &[]), Err(NdReason::NoActual));
    assert_eq!(ev(&[(2024, "nd")], &[]), Err(NdReason::NoTargetNorActual));
    // Other years are never carried forward.
    assert_eq!(ev(&[(2023, "5"), (2024, "6")], &[(2023, "5")]), Err(NdReason::NoActual));
}

#[test]
fn any_year_can_be_computed() {
    let ind = indicator(ASC, Unit::Numero, &[(2022, "10"), (2023, "20")], &[(2022, "5"), (2023, "30")]);
    let at = |year| evaluate(&ind, y(year), &pn()).avance.map(|a| format_display(a, 1));
    assert_eq!(at(2022), Ok("50.0".into()));
    assert_eq!(at(2023), Ok("150.0".into()));
}

#[test]
fn acumulado_reads_reported_stocks_by_default_and_sums_as_a_setting() {
    let targets = [(2022, "10"), (2023, "10"), (2024, "10")];
    let ind = indicator(ACUM, Unit::Numero, &targets, &[(2022, "5"), (2023, "10"), (2024, "12")]);
    let default = evaluate(&ind, y(2024), &pn());
    assert_eq!(default.avance.map(|a| format_display(a, 1)), Ok("120.0".into()));

    let summing = RuleProfile { accumulation: AccumulationReading::SumOfYears, ..pn() };
    let ev = evaluate(&ind, y(2024), &summing);
    assert_eq!(ev.avance.map(|a| format_display(a, 1)), Ok("90.0".into()));
    assert_eq!(ev.summed_years, [y(2022), y(2023), y(2024)]);

    let gap = indicator(ACUM, Unit::Numero, &targets, &[(2022, "5"), (2023, "ND"), (2024, "12")]);
    assert_eq!(evaluate(&gap, y(2024), &summing).avance, Err(NdReason::NoActual));
}

#[test]
fn bands_and_thresholds_apply_to_the_displayed_figure() {
    let p = pn();
    let band = |le: &str, vo: &str| {
        let ind = indicator(ASC, Unit::Numero, &[(2024, le)], &[(2024, vo)]);
        p.band(evaluate(&ind, y(2024), &p).avance.ok())
    };
    // 74.95 shows as 75.0, so it is intermedio, never red.
    assert_eq!(check(ASC, Unit::Numero, "10000", "7495", &p), "75.0");
    assert_eq!(band("10000", "7495"), Band::Intermedio);
    assert_eq!(band("10000", "7494"), Band::Bajo);
    assert_eq!(band("10000", "9495"), Band::Alto);
    assert_eq!(band("10000", "9494"), Band::Intermedio);
    assert_eq!(band("1", "0"), Band::Bajo);
    // 150.04 shows as 150.0: not atypical; 150.05 shows as 150.1: atypical.
    let atypical = |vo: &str| {
        p.is_atypical(
            evaluate(&indicator(ASC, Unit::Numero, &[(2024, "10000")], &[(2024, vo)]), y(2024), &p)
                .avance
                .expect("avance"),
        )
    };
    assert!(!atypical("15004"));
    assert!(atypical("15005"));
    assert_eq!(p.band(None), Band::Nd);
}

#[test]
fn pei_profile_caps_at_100_with_two_decimals() {
    let pei = profile("ceplan-pei");
    assert_eq!(check(ASC, Unit::Numero, "100", "150", &pei), "100.00");
    assert_eq!(check(ASC, Unit::Numero, "38", "30", &pei), "78.95");
    let ind = indicator(ASC, Unit::Numero, &[(2024, "100")], &[(2024, "150")]);
    assert!(evaluate(&ind, y(2024), &pei).capped);
    // The national profile has no cap.
    assert_eq!(check(ASC, Unit::Numero, "100", "150", &pn()), "150.0");
}

#[test]
fn pei_versions_differ_on_zero_targets() {
    assert_eq!(check(ASC, Unit::Numero, "0", "1", &profile("ceplan-pei@2018")), "100.00");
    assert_eq!(check(ASC, Unit::Numero, "0", "1", &profile("ceplan-pei@2019")), "100.00");
    assert_eq!(check(ASC, Unit::Numero, "0", "1", &profile("ceplan-pei@2020")), "ND");
}

#[test]
fn an_undeclared_sense_is_inferred_from_the_targets() {
    let targets = [(2017, "57"), (2018, "71"), (2019, "0")];
    let ind = indicator(UNDECLARED, Unit::Numero, &targets, &[(2017, "25")]);
    let at = |p: &RuleProfile| evaluate(&ind, y(2017), p).avance.map(|a| format_display(a, p.decimals));
    // 57 / 25 capped at 100 when the sense is inferred descending; 25 / 57 otherwise.
    assert_eq!(at(&profile("ceplan-pei@2019")), Ok("100.00".into()));
    assert_eq!(at(&profile("ceplan-pei@2018")), Ok("43.86".into()));
    let ev = evaluate(&ind, y(2017), &pn());
    assert_eq!(ev.quality, [QualityIssue::SenseInferred { sense: Sense::Descendente }]);
    assert_eq!(ev.avance.map(|a| format_display(a, 1)), Ok("228.0".into()));
}

#[test]
fn a_declared_sense_that_the_targets_contradict_is_flagged() {
    let ind = indicator(ASC, Unit::Numero, &[(2022, "10"), (2023, "8"), (2024, "5")], &[(2024, "5")]);
    let ev = evaluate(&ind, y(2024), &pn());
    assert_eq!(
        ev.quality,
        [QualityIssue::SenseContradictsTargets { declared: Sense::Ascendente, from_targets: Sense::Descendente }]
    );
    // Still computed with the declared sense.
    assert_eq!(ev.avance.map(|a| format_display(a, 1)), Ok("100.0".into()));
}

#[test]
fn a_share_above_100_percent_is_flagged() {
    let ind = indicator(ASC, Unit::Porcentaje, &[(2024, "80%")], &[(2022, "121.30%"), (2024, "46.00%")]);
    let ev = evaluate(&ind, y(2024), &pn());
    assert!(matches!(&ev.quality[..], [QualityIssue::PercentAbove100 { text, .. }] if text == "121.30%"));
    // A rate of change may exceed 100%.
    let ind = indicator(ASC, Unit::TasaVariacion, &[(2024, "80%")], &[(2024, "121.30%")]);
    assert!(evaluate(&ind, y(2024), &pn()).quality.is_empty());
}

#[test]
fn avance_tipo2_is_relative_to_the_baseline() {
    let with_baseline = |direction, lb: &str, le: &str, vo: &str| {
        let mut ind = indicator(direction, Unit::Numero, &[(2024, le)], &[(2024, vo)]);
        ind.baseline = Some(Baseline { year: y(2019), value: Cell::parse(lb, Unit::Numero).expect(lb) });
        evaluate(&ind, y(2024), &pn()).tipo2
    };
    let shown = |t: Tipo2| t.value().map(|v| format_display(v, 1));
    assert_eq!(shown(with_baseline(ASC, "44328", "49007", "42391")), Some("-41.4".into()));
    assert_eq!(shown(with_baseline(DESC, "30", "20", "25")), Some("50.0".into()));
    assert_eq!(with_baseline(ASC, "20", "20", "25"), Tipo2::Nd);
    assert_eq!(with_baseline(MIN, "0", "1", "1"), Tipo2::NotApplicable);
    assert_eq!(
        evaluate(&indicator(ASC, Unit::Numero, &[(2024, "5")], &[(2024, "5")]), y(2024), &pn()).tipo2,
        Tipo2::Nd
    );
}

proptest::proptest! {
    #[test]
    fn no_definido_is_always_0_or_100(le in -1000i64..1000, vo in -1000i64..1000, max in proptest::bool::ANY) {
        let d = if max { MAX } else { MIN };
        let got = check(d, Unit::Numero, &le.to_string(), &vo.to_string(), &pn());
        proptest::prop_assert!(got == "0.0" || got == "100.0");
    }

    #[test]
    fn pei_avance_never_exceeds_100(le in 1i64..100_000, vo in 0i64..1_000_000) {
        let p = profile("ceplan-pei");
        let ind = indicator(ASC, Unit::Numero, &[(2024, &le.to_string())], &[(2024, &vo.to_string())]);
        let a = evaluate(&ind, y(2024), &p).avance.expect("computed");
        proptest::prop_assert!(a <= avance_core::Decimal::ONE_HUNDRED);
    }

    #[test]
    fn bands_rise_with_the_avance(a in 1i64..20_000, b in 1i64..20_000) {
        let p = pn();
        let band = |vo: i64| p.band(evaluate(&indicator(ASC, Unit::Numero, &[(2024, "100")], &[(2024, &vo.to_string())]), y(2024), &p).avance.ok());
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        proptest::prop_assert!(band(lo) <= band(hi));
    }
}
