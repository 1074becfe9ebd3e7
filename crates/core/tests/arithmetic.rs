//! The integer arithmetic of the figures against the decimal rules and against the exact rational
//! (`avance_core::exact`): random and adversarial values — exact ties, values a hair from a tie,
//! zeros, negatives, huge and tiny magnitudes, thirds — under every rule, sense, standard and
//! profile, one indicator at a time and whole policies with their means, caps and alerts.

use avance_core::Decimal;
use avance_core::alert::{AlertDetail, AlertKind};
use avance_core::avance::{Evaluation, SeriesFacts, Tipo2, evaluate_decimal, evaluate_fixed};
use avance_core::code::Code;
use avance_core::compute::{IndicatorResult, PolicyResult, Prepared};
use avance_core::exact::Unsettled;
use avance_core::model::{
    Aggregation, Baseline, Direction, Element, Entity, Indicator, Objective, Policy, PolicyMeta, PolicyParts,
    PolicyType, Sense, Standard, Year, YearRange,
};
use avance_core::number::round_display;
use avance_core::profile::{AccumulationReading, RuleProfile};
use avance_core::value::{Cell, Unit};
use avance_import::synthetic::Lcg;

const DIRECTIONS: [Direction; 6] = [
    Direction::Trend { sense: Some(Sense::Ascendente), aggregation: Aggregation::NoAcumulado },
    Direction::Trend { sense: Some(Sense::Descendente), aggregation: Aggregation::NoAcumulado },
    Direction::Trend { sense: None, aggregation: Aggregation::NoAcumulado },
    Direction::Trend { sense: Some(Sense::Ascendente), aggregation: Aggregation::Acumulado },
    Direction::NoDefinido(Standard::MinimoPermisible),
    Direction::NoDefinido(Standard::MaximoPermisible),
];

fn y(n: u16) -> Year {
    Year::new(n).expect("year")
}

/// Every built-in profile, and variants of the national one: sums of years, other decimals.
fn profiles() -> Vec<RuleProfile> {
    let pn = RuleProfile::ceplan_pn_v1();
    let mut all = RuleProfile::builtin();
    all.push(RuleProfile { accumulation: AccumulationReading::SumOfYears, ..pn.clone() });
    for decimals in [0, 2, 8] {
        all.push(RuleProfile { decimals, ..pn.clone() });
    }
    all.push(RuleProfile { cap: Some(Decimal::new(1505, 1)), mean_cap: Some(Decimal::new(1000, 1)), ..pn });
    all
}

/// A value within the range values are read in (15 integer digits, 8 decimals), drawn to reach
/// every corner of the arithmetic: zero, one, powers of ten, thirds, the largest and the smallest.
fn value(rng: &mut Lcg, negatives: bool, tame: bool) -> Decimal {
    let scale = match if tame { rng.below(6) } else { rng.below(10) } {
        0..=5 => rng.below(3) as u32,
        6..=8 => rng.below(7) as u32,
        _ => 8,
    };
    let mantissa: i128 = match if tame { 6 + rng.below(7) } else { rng.below(13) } {
        0 => 0,
        1 => 1,
        2 => 10i128.pow(rng.below(23) as u32),
        3 => 3 * (1 + rng.below(1000) as i128),
        4 => i128::from(rng.next_u64()) * i128::from(rng.next_u64()),
        5 => 10i128.pow(23) - 1 - rng.below(1000) as i128,
        6 => 7 * 10i128.pow(rng.below(if tame { 6 } else { 20 }) as u32) / 3,
        _ => 1 + rng.below(100_000) as i128,
    };
    // Within 15 integer digits at this scale.
    let mantissa = mantissa % 10i128.pow(15 + scale);
    let mut x = Decimal::from_i128_with_scale(mantissa, scale);
    if negatives && rng.below(4) == 0 && !x.is_zero() {
        x.set_sign_negative(true);
    }
    x
}

/// An actual that puts VO / LE × 100 exactly on a rounding tie of `decimals`, or a hair (the
/// smallest value step) off it; a plain value where that actual is out of range.
fn near_tie(rng: &mut Lcg, le: Decimal, decimals: u32, negatives: bool, tame: bool) -> Decimal {
    // The tie (2k + 1) · 5 · 10^-(decimals + 1), as a fraction of 100: vo = le · tie / 100.
    let k = rng.below(3000) as i128;
    let tie = Decimal::from_i128_with_scale((2 * k + 1) * 5, decimals + 1 + 2);
    let hair = Decimal::new(1, 8);
    let vo = le.checked_mul(tie).map(|vo| match rng.below(3) {
        0 => vo,
        1 => vo + hair,
        _ => vo - hair,
    });
    match vo {
        Some(vo) if vo.normalize().scale() <= 8 && vo.abs() < Decimal::from(10u64.pow(15)) => vo,
        _ => value(rng, negatives, tame),
    }
}

fn text(x: Decimal) -> String {
    x.to_string()
}

fn cell(x: Decimal, unit: Unit) -> Cell {
    Cell::parse_signed(&text(x), unit, true).unwrap_or_else(|e| panic!("{x}: {e:?}"))
}

fn indicator(rng: &mut Lcg, code: &str, years: &[u16], decimals: u32, tame: bool) -> Indicator {
    let unit = if rng.below(3) == 0 { Unit::Porcentaje } else { Unit::TasaVariacion };
    let negatives = unit == Unit::TasaVariacion;
    let mut targets = avance_core::model::Series::new();
    let mut actuals = avance_core::model::Series::new();
    for &year in years {
        let le = value(rng, negatives, tame);
        let vo = if rng.below(3) == 0 && !le.is_zero() {
            near_tie(rng, le, decimals, negatives, tame)
        } else {
            value(rng, negatives, tame)
        };
        let vo = if !negatives && vo.is_sign_negative() { -vo } else { vo };
        if rng.below(12) != 0 {
            targets.insert(y(year), cell(le, unit));
        }
        if rng.below(12) != 0 {
            actuals.insert(y(year), cell(vo, unit));
        }
    }
    let baseline =
        (rng.below(4) != 0).then(|| Baseline { year: y(years[0] - 1), value: cell(value(rng, negatives, tame), unit) });
    Indicator {
        code: code.parse::<Code>().expect("code"),
        name: "Indicador".into(),
        responsible: "DGDE".into(),
        indicator_type: "RESULTADO".into(),
        unit,
        negative_values: Some(true),
        direction: DIRECTIONS[rng.below(DIRECTIONS.len() as u64) as usize],
        baseline,
        targets,
        actuals,
    }
}

/// A figure rounded at every precision up to 8.
fn at_every(x: Decimal) -> Vec<String> {
    (0..=8).map(|d| round_display(x, d).normalize().to_string()).collect()
}

/// Tipo 2 rounded at every precision up to 8, if it has a value.
fn tipo2_at_every(t: Tipo2) -> Option<Vec<String>> {
    t.value().map(at_every)
}

/// Everything of an evaluation that shows: the figures rounded at every precision up to 8.
fn shown(e: &Evaluation) -> String {
    let avance = e.avance.map(at_every);
    let tipo2 = tipo2_at_every(e.tipo2);
    format!(
        "{:?} {:?} {:?} {:?} {avance:?} {:?} capped={} tipo2={tipo2:?} {:?} {:?}",
        e.direction,
        e.target,
        e.actual,
        e.summed_years,
        e.formula,
        e.capped,
        e.tipo2 == Tipo2::Nd,
        e.quality
    )
}

/// The exact rational VO / LE × 100 rounded half away from zero, by integer division.
fn exact_rounding(num: Decimal, den: Decimal, decimals: u32) -> Option<Decimal> {
    let (n, d) = (num.mantissa(), den.mantissa());
    if n.abs() >= 10i128.pow(12) || d.abs() >= 10i128.pow(12) || num.scale() > 6 || den.scale() > 6 || d == 0 {
        return None;
    }
    let big_n = n.abs() * 10i128.pow(den.scale() + 2 + decimals);
    let big_d = d.abs() * 10i128.pow(num.scale());
    let q = big_n / big_d + i128::from(2 * (big_n % big_d) >= big_d);
    let negative = (n < 0) != (d < 0);
    Some(Decimal::from_i128_with_scale(if negative { -q } else { q }, decimals))
}

#[test]
fn one_indicator_gives_the_same_figures_in_both_arithmetics_and_the_exact_rounding() {
    let profiles = profiles();
    let mut rng = Lcg::new(2026);
    let (mut fixed, mut refused_close, mut refused_range, mut exact_checked) = (0, 0, 0, 0);
    let cases = 60_000;
    for case in 0..cases {
        let profile = &profiles[case % profiles.len()];
        let ind = indicator(&mut rng, "ISS.01.01.01.01", &[2022, 2023, 2024], profile.decimals, false);
        let facts = SeriesFacts::of(&ind, profile);
        for year in [2022, 2023, 2024].map(y) {
            let decimal = evaluate_decimal(&ind, &facts, year, profile);
            match evaluate_fixed(&ind, &facts, year, profile) {
                Ok(integer) => {
                    fixed += 1;
                    assert_eq!(shown(&integer), shown(&decimal), "case {case}, {year}, {}: {ind:?}", profile.id());
                    assert_eq!(
                        profile.judge(integer.avance.ok()),
                        profile.judge(decimal.avance.ok()),
                        "case {case}: {ind:?}"
                    );
                    // Against the exact rational, where the quotient is a plain one.
                    if let (Ok(a), Some(le), Some(vo), false) =
                        (integer.avance, integer.target, integer.actual, integer.capped)
                    {
                        let quotient = match integer.formula {
                            Some(avance_core::avance::Formula::ActualOverTarget) => Some((vo, le)),
                            Some(avance_core::avance::Formula::TargetOverActual) => Some((le, vo)),
                            _ => None,
                        };
                        if let Some((num, den)) = quotient {
                            for d in 0..=8 {
                                if let Some(want) = exact_rounding(num, den, d) {
                                    assert_eq!(round_display(a, d), want, "case {case}: {num} / {den} at {d}");
                                    exact_checked += 1;
                                }
                            }
                        }
                    }
                }
                Err(Unsettled::Close) => refused_close += 1,
                Err(Unsettled::OutOfRange) => refused_range += 1,
            }
        }
    }
    let total = 3 * cases;
    // The integers decide nearly everything; the ties a hair away and the huge magnitudes, drawn
    // on purpose, are what they hand over.
    assert!(fixed * 100 >= total * 80, "integers computed {fixed} of {total}");
    eprintln!("{fixed} of {total} by the integers; refused: {refused_close} close, {refused_range} out of range");
    assert!(exact_checked > 100_000, "{exact_checked} roundings checked against the exact rational");
}

/// A policy of up to 4 objectives, each with up to 6 objective indicators and a service of up to
/// 5; `tame` policies draw values of everyday magnitudes (still with ties, thirds and zeros).
fn policy(rng: &mut Lcg, number: usize, profile: &RuleProfile, tame: bool) -> Policy {
    let years = YearRange { first: y(2021), last: y(2024) };
    let mut parts = PolicyParts {
        meta: PolicyMeta {
            code: format!("ARI{number}"),
            name: "Política de prueba".into(),
            policy_type: PolicyType::Sectorial,
            sector: Entity { code: "11".into(), name: "SALUD".into() },
            ministry: Entity { code: "011".into(), name: "M. DE SALUD".into() },
            norm: None,
            years,
            profile: profile.id(),
            synthesis: None,
        },
        objectives: Vec::new(),
        lineamientos: Vec::new(),
        services: Vec::new(),
        indicators: Vec::new(),
    };
    for o in 1..=1 + rng.below(4) {
        parts.objectives.push(Objective {
            code: format!("OP.{o:02}").parse().expect("code"),
            name: "Objetivo".into(),
            analysis: None,
        });
        parts.lineamientos.push(Element { code: format!("LN.{o:02}.01").parse().expect("code"), name: "L".into() });
        parts.services.push(Element { code: format!("SS.{o:02}.01.01").parse().expect("code"), name: "S".into() });
        // Up to 6 objective indicators, then up to 5 of the objective's one service.
        for (prefix, most) in [(format!("IOP.{o:02}"), 6), (format!("ISS.{o:02}.01.01"), 5)] {
            for i in 1..=1 + rng.below(most) {
                let code = format!("{prefix}.{i:02}");
                parts.indicators.push(indicator(rng, &code, &[2022, 2023, 2024], profile.decimals, tame));
            }
        }
    }
    Policy::new(parts).expect("a consistent policy")
}

/// An indicator's figures as a result holds them, Tipo 1 and 2 at every precision.
fn shown_figures(r: &IndicatorResult<'_>) -> String {
    let tipo2 = tipo2_at_every(r.tipo2);
    format!(
        "{} {:?} atypical={} {:?} {:?} {:?} capped={} tipo2={tipo2:?} {}",
        r.code,
        r.band,
        r.atypical,
        r.direction,
        r.tipo1.map(at_every),
        r.formula,
        r.capped,
        r.tipo2 == Tipo2::Nd
    )
}

/// An indicator's whole evaluation agrees with its figures in the result: the same Tipo 1 and 2,
/// formula, cap and direction, and the same band for its avance.
fn agrees(r: &IndicatorResult<'_>, e: &Evaluation, profile: &RuleProfile) {
    assert_eq!(
        (e.avance, e.tipo2, e.formula, e.capped, e.direction),
        (r.tipo1, r.tipo2, r.formula, r.capped, r.direction),
        "{}",
        r.code
    );
    assert_eq!(profile.band(e.avance.ok()), r.band, "{}", r.code);
}

/// Everything of a policy's result that shows, figures rounded at the profile's decimals.
fn view(policy: &Policy, r: &PolicyResult) -> Vec<String> {
    let d = r.profile.decimals;
    let fig = |x: Option<Decimal>| x.map(|x| round_display(x, d).normalize().to_string());
    let mut out: Vec<String> = r.indicators().map(|i| shown_figures(&i)).collect();
    out.extend(r.objectives.iter().map(|o| format!("{} {:?} {:?}", o.code, fig(o.avance), o.band)));
    out.extend(r.services.iter().map(|s| format!("{} {:?} {:?}", s.code, fig(s.avance), s.band)));
    out.push(format!("index {:?} {:?} {:?}", fig(r.index), r.index_band, r.counts));
    out.extend(r.alerts(policy).iter().map(|a| {
        let detail = match &a.detail {
            AlertDetail::Avance(x) => format!("avance {:?}", fig(Some(*x))),
            other => format!("{other:?}"),
        };
        format!("{:?} {} {:?} {:?} {detail}", a.level, a.code, a.kind, a.indicators)
    }));
    out
}

#[test]
fn whole_policies_give_the_same_figures_means_and_alerts_in_both_arithmetics() {
    let profiles = profiles();
    let mut rng = Lcg::new(7);
    let (mut fixed, mut total, mut close, mut range) = (0, 0, 0, 0);
    let mut alert_kinds = std::collections::BTreeSet::new();
    for number in 0..3_000 {
        let profile = &profiles[number % profiles.len()];
        let policy = policy(&mut rng, number, profile, number % 4 != 0);
        let prepared = Prepared::new(&policy, profile);
        for year in [2022, 2023, 2024].map(y) {
            total += 1;
            let decimal = prepared.compute_decimal(year);
            match prepared.compute_fixed(year) {
                Ok(integer) => {
                    fixed += 1;
                    assert_eq!(
                        view(&policy, &integer),
                        view(&policy, &decimal),
                        "policy {number}, {year}, {}: {policy:?}",
                        profile.id()
                    );
                }
                Err(Unsettled::Close) => close += 1,
                Err(Unsettled::OutOfRange) => range += 1,
            }
            let full = prepared.compute(year);
            assert_eq!(view(&policy, &full), view(&policy, &decimal));
            // What a portfolio keeps of each policy, computed without the rest: the very figures
            // (unrounded too, so by the same arithmetic).
            assert_eq!(prepared.summary(year), full.summary(), "policy {number}, {year}");
            // The alerts listed from the compact result: as many as it counted, each indicator's
            // data-quality alerts those of its whole evaluation, worked out again.
            let alerts = full.alerts(&policy);
            assert_eq!(alerts.len(), full.alert_count(), "policy {number}, {year}");
            for r in full.indicators() {
                let e = full.evaluation(&policy, r.code).expect("an indicator of the policy");
                agrees(&r, &e, profile);
                let quality: Vec<_> = alerts
                    .iter()
                    .filter(|a| a.code == *r.code && a.kind == AlertKind::CalidadDatos)
                    .map(|a| &a.detail)
                    .collect();
                let expected: Vec<_> = e.quality.iter().cloned().map(AlertDetail::Quality).collect();
                assert_eq!(quality, expected.iter().collect::<Vec<_>>(), "{}", r.code);
            }
            for a in &alerts {
                alert_kinds.insert(format!("{:?} {:?}", a.level, a.kind));
            }
        }
    }
    // The alerts a summary counts without making them: every level and kind was met.
    assert_eq!(alert_kinds.len(), 9, "{alert_kinds:?}");
    // A quarter of the policies draw huge values on purpose (the integers hand those over); the
    // integers must carry most of the others for this test to mean anything.
    eprintln!("{fixed} of {total} policy-years by the integers; refused: {close} close, {range} out of range");
    assert!(fixed * 100 >= total * 50, "integers computed {fixed} of {total} policy-years");
}

#[test]
fn means_on_a_tie_and_a_hair_from_it() {
    // Two indicators of 74.9 and 75.0: the objective is 74.95 exactly, shown 75.0 (intermedio).
    // 1/3 and 2/3 of 100 in two indicators: 50 exactly, though neither quotient is exact.
    let pn = RuleProfile::ceplan_pn_v1();
    let make = |pairs: &[(&str, &str)]| {
        let mut rng = Lcg::new(1);
        let mut p = policy(&mut rng, 1, &pn, true);
        let mut parts_indicators: Vec<Indicator> = Vec::new();
        for (i, (le, vo)) in pairs.iter().enumerate() {
            let mut ind = indicator(&mut rng, &format!("IOP.01.{:02}", i + 1), &[2024], 1, true);
            ind.direction = DIRECTIONS[0];
            ind.unit = Unit::Numero;
            ind.targets = [(y(2024), Cell::parse(le, Unit::Numero).expect(le))].into_iter().collect();
            ind.actuals = [(y(2024), Cell::parse(vo, Unit::Numero).expect(vo))].into_iter().collect();
            parts_indicators.push(ind);
        }
        let mut parts = PolicyParts {
            meta: p.meta().clone(),
            objectives: p.objectives()[..1].to_vec(),
            lineamientos: Vec::new(),
            services: Vec::new(),
            indicators: parts_indicators,
        };
        parts.meta.years = YearRange { first: y(2021), last: y(2024) };
        p = Policy::new(parts).expect("policy");
        p
    };
    for (pairs, want, fixed) in [
        (&[("1000", "749"), ("1000", "750")][..], "75.0", true),
        (&[("3", "1"), ("3", "2")][..], "50.0", true),
        // 62.5 exactly, from quotients that are not: a tie at 0 decimals the integers cannot
        // tell from a hair off it, so the decimals compute it.
        (&[("1000", "749"), ("1000", "750"), ("3", "1"), ("3", "2")][..], "62.5", false),
    ] {
        let policy = make(pairs);
        let prepared = Prepared::new(&policy, &pn);
        let objective = |r: &PolicyResult| r.objectives[0].avance.map(|a| avance_core::number::format_display(a, 1));
        assert_eq!(objective(&prepared.compute_decimal(y(2024))).as_deref(), Some(want));
        assert_eq!(prepared.compute_fixed(y(2024)).is_ok(), fixed, "{pairs:?}");
        assert_eq!(objective(&prepared.compute(y(2024))).as_deref(), Some(want), "{pairs:?}");
        assert_eq!(prepared.summary(y(2024)), prepared.compute(y(2024)).summary(), "{pairs:?}");
    }
}
