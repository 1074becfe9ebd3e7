//! Avance Tipo 1 and Tipo 2 of one indicator in one year, with everything needed to explain it.

use rust_decimal::Decimal;

use crate::exact::{Arithmetic, Decimals, Fixed};
use crate::model::{Aggregation, Direction, Indicator, Sense, Standard, Year};
use crate::profile::{AccumulationReading, DescendingFormula, RuleProfile, SenseInference, ZeroDivision};
use crate::value::Cell;

/// The direction an indicator is computed with, once the profile has resolved an undeclared sense.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    Trend { sense: Sense, aggregation: Aggregation, inferred: bool },
    NoDefinido(Standard),
}

/// Why an avance is ND.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NdReason {
    /// No target (LE) for the year, or it is ND.
    NoTarget,
    /// No actual (VO) for the year, or it is ND.
    NoActual,
    NoTargetNorActual,
    /// Ascendente with LE = 0.
    ZeroTarget,
    /// Descendente with VO = 0.
    ZeroActual,
}

/// The rule that produced an avance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Formula {
    /// VO / LE × 100.
    ActualOverTarget,
    /// LE / VO × 100.
    TargetOverActual,
    /// 100 if VO ≥ LE, else 0.
    Minimum,
    /// 100 if VO ≤ LE, else 0.
    Maximum,
    /// Zero divisor under [`ZeroDivision::FullWhenReached`]: 100 if the target was reached, else 0.
    ZeroReached,
}

/// Which value a data-quality problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Baseline,
    Target,
    Actual,
}

/// A data-quality problem (calidad de datos).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QualityIssue {
    /// LE = 0 where the formula divides by it.
    ZeroTarget { year: Year },
    /// VO = 0 where the descending formula divides by it.
    ZeroActual { year: Year },
    /// LE and VO of different signs.
    SignMismatch { year: Year, target: Decimal, actual: Decimal },
    /// A share above 100%.
    PercentAbove100 { role: Role, year: Year, text: String },
    /// The declared sense contradicts the sequence of targets.
    SenseContradictsTargets { declared: Sense, from_targets: Sense },
    /// The sense was not declared and was inferred from the targets.
    SenseInferred { sense: Sense },
}

/// Avance Tipo 2 (progress relative to the baseline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tipo2 {
    Value(Decimal),
    Nd,
    /// Not defined for `no_definido` indicators.
    NotApplicable,
}

impl Tipo2 {
    pub fn value(self) -> Option<Decimal> {
        match self {
            Tipo2::Value(v) => Some(v),
            _ => None,
        }
    }
}

/// An indicator's figures for one year under one profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub year: Year,
    pub direction: Resolved,
    /// The target and actual the formula used (sums under [`AccumulationReading::SumOfYears`]).
    pub target: Option<Decimal>,
    pub actual: Option<Decimal>,
    /// The years whose values were summed, when they were.
    pub summed_years: Vec<Year>,
    /// Avance Tipo 1, unrounded, after the profile's cap; `Err` says why it is ND.
    pub avance: Result<Decimal, NdReason>,
    pub formula: Option<Formula>,
    /// Whether the cap lowered the figure.
    pub capped: bool,
    pub tipo2: Tipo2,
    pub quality: Vec<QualityIssue>,
}

/// The sense that the sequence of yearly targets suggests: compares the last non-ND target with
/// the first one. `None` when there are fewer than two or they are equal.
pub fn sense_from_targets<C>(ind: &Indicator<C>) -> Option<Sense> {
    let mut numbers = ind.targets.values().filter_map(Cell::number);
    let first = numbers.next()?;
    let last = numbers.next_back()?;
    match last.cmp(&first) {
        std::cmp::Ordering::Greater => Some(Sense::Ascendente),
        std::cmp::Ordering::Less => Some(Sense::Descendente),
        std::cmp::Ordering::Equal => None,
    }
}

/// Resolves the direction an indicator is computed with under a profile.
pub fn resolve<C>(ind: &Indicator<C>, profile: &RuleProfile) -> Resolved {
    match ind.direction {
        Direction::NoDefinido(s) => Resolved::NoDefinido(s),
        Direction::Trend { sense: Some(sense), aggregation } => Resolved::Trend { sense, aggregation, inferred: false },
        Direction::Trend { sense: None, aggregation } => {
            let sense = match profile.sense_inference {
                SenseInference::Never => Sense::Ascendente,
                SenseInference::FromTargets => sense_from_targets(ind).unwrap_or(Sense::Ascendente),
            };
            Resolved::Trend { sense, aggregation, inferred: true }
        }
    }
}

fn number_at(map: &crate::model::Series, year: Year) -> Option<Decimal> {
    map.get(&year).and_then(Cell::number)
}

/// What an indicator's figures need of its whole series, whatever the year: the direction it is
/// computed with and the series' data-quality problems. Worked out once per indicator, so that
/// computing many years does not scan the series again for each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesFacts {
    pub direction: Resolved,
    /// The sense inferred, or a declared sense that the targets contradict.
    sense_issue: Option<QualityIssue>,
    /// Shares above 100%: the baseline's, then the targets' and the actuals' by year.
    over_100: Vec<QualityIssue>,
}

impl SeriesFacts {
    pub fn of<C>(ind: &Indicator<C>, profile: &RuleProfile) -> SeriesFacts {
        let direction = resolve(ind, profile);
        let sense_issue = match direction {
            Resolved::Trend { sense, inferred: true, .. } => Some(QualityIssue::SenseInferred { sense }),
            Resolved::Trend { sense, inferred: false, .. } => sense_from_targets(ind)
                .filter(|from_targets| *from_targets != sense)
                .map(|from_targets| QualityIssue::SenseContradictsTargets { declared: sense, from_targets }),
            Resolved::NoDefinido(_) => None,
        };
        let mut over_100 = Vec::new();
        if ind.unit.is_share() {
            let hundred = Decimal::ONE_HUNDRED;
            let mut check = |role: Role, year: Year, cell: &Cell| {
                if cell.number().is_some_and(|n| n > hundred) {
                    over_100.push(QualityIssue::PercentAbove100 { role, year, text: cell.text().to_string() });
                }
            };
            if let Some(b) = &ind.baseline {
                check(Role::Baseline, b.year, &b.value);
            }
            for (role, map) in [(Role::Target, &ind.targets), (Role::Actual, &ind.actuals)] {
                for (y, c) in map {
                    check(role, *y, c);
                }
            }
        }
        SeriesFacts { direction, sense_issue, over_100 }
    }

    /// Problems of the series up to `year`: the sense, then shares above 100% (the baseline's
    /// whatever its year, targets and actuals of `year` and before).
    fn quality_up_to(&self, year: Year) -> Vec<QualityIssue> {
        let up_to = |q: &&QualityIssue| match q {
            QualityIssue::PercentAbove100 { role: Role::Target | Role::Actual, year: y, .. } => *y <= year,
            _ => true,
        };
        self.sense_issue.iter().chain(self.over_100.iter().filter(up_to)).cloned().collect()
    }
}

/// Computes Avance Tipo 1 and Tipo 2 of `ind` in `year` under `profile`.
pub fn evaluate<C>(ind: &Indicator<C>, year: Year, profile: &RuleProfile) -> Evaluation {
    evaluate_series(ind, &SeriesFacts::of(ind, profile), year, profile)
}

/// [`evaluate`] with the indicator's [`SeriesFacts`] already worked out (they must be those of
/// `ind` under `profile`). Computed with integers, or with decimals where the integers refuse
/// (`crate::exact`): the figures are the same.
pub fn evaluate_series<C>(ind: &Indicator<C>, facts: &SeriesFacts, year: Year, profile: &RuleProfile) -> Evaluation {
    evaluate_fixed(ind, facts, year, profile).unwrap_or_else(|_| evaluate_decimal(ind, facts, year, profile))
}

/// [`evaluate_series`] with integers only, or why the integers could not settle it.
pub fn evaluate_fixed<C>(
    ind: &Indicator<C>,
    facts: &SeriesFacts,
    year: Year,
    profile: &RuleProfile,
) -> Result<Evaluation, crate::exact::Unsettled> {
    evaluate_in::<Fixed, _>(ind, facts, year, profile).map(|(evaluation, _)| evaluation)
}

/// [`evaluate_series`] with `rust_decimal`'s decimals only: the reference.
pub fn evaluate_decimal<C>(ind: &Indicator<C>, facts: &SeriesFacts, year: Year, profile: &RuleProfile) -> Evaluation {
    let Ok((evaluation, _)) = evaluate_in::<Decimals, _>(ind, facts, year, profile);
    evaluation
}

/// The rules of one indicator-year in arithmetic `A`: the evaluation and its avance as a figure
/// of `A` (for the means).
pub(crate) fn evaluate_in<A: Arithmetic, C>(
    ind: &Indicator<C>,
    facts: &SeriesFacts,
    year: Year,
    profile: &RuleProfile,
) -> Result<(Evaluation, Option<A::Figure>), A::Refusal> {
    let direction = facts.direction;
    let hundred = Decimal::ONE_HUNDRED;
    let mut quality = facts.quality_up_to(year);
    let year_target = number_at(&ind.targets, year);
    let year_actual = number_at(&ind.actuals, year);

    let (target, actual, summed_years) = match direction {
        Resolved::Trend { aggregation: Aggregation::Acumulado, .. }
            if profile.accumulation == AccumulationReading::SumOfYears =>
        {
            summed(ind, year)
        }
        _ => (year_target, year_actual, Vec::new()),
    };

    let mut formula = None;
    let whole = |reached: bool| A::constant(if reached { hundred } else { Decimal::ZERO });
    let raw: Result<A::Figure, NdReason> = match (target, actual) {
        (None, None) => Err(NdReason::NoTargetNorActual),
        (None, Some(_)) => Err(NdReason::NoTarget),
        (Some(_), None) => Err(NdReason::NoActual),
        (Some(le), Some(vo)) => {
            if !le.is_zero() && !vo.is_zero() && le.is_sign_negative() != vo.is_sign_negative() {
                quality.push(QualityIssue::SignMismatch { year, target: le, actual: vo });
            }
            match direction {
                Resolved::NoDefinido(Standard::MinimoPermisible) => {
                    formula = Some(Formula::Minimum);
                    Ok(whole(vo >= le)?)
                }
                Resolved::NoDefinido(Standard::MaximoPermisible) => {
                    formula = Some(Formula::Maximum);
                    Ok(whole(vo <= le)?)
                }
                Resolved::Trend { sense: Sense::Ascendente, .. } => {
                    if le.is_zero() {
                        quality.push(QualityIssue::ZeroTarget { year });
                        match zero_division(profile, vo >= le, NdReason::ZeroTarget, &mut formula) {
                            Ok(reached) => Ok(whole(reached)?),
                            Err(reason) => Err(reason),
                        }
                    } else {
                        formula = Some(Formula::ActualOverTarget);
                        Ok(A::percent(vo, le)?)
                    }
                }
                Resolved::Trend { sense: Sense::Descendente, .. } => match profile.descending {
                    DescendingFormula::TargetOverActual => {
                        if vo.is_zero() {
                            quality.push(QualityIssue::ZeroActual { year });
                            match zero_division(profile, vo <= le, NdReason::ZeroActual, &mut formula) {
                                Ok(reached) => Ok(whole(reached)?),
                                Err(reason) => Err(reason),
                            }
                        } else {
                            formula = Some(Formula::TargetOverActual);
                            Ok(A::percent(le, vo)?)
                        }
                    }
                },
            }
        }
    };

    let mut capped = false;
    let figure = match (raw, profile.cap) {
        (Ok(a), Some(cap)) if A::above(a, cap)? => {
            capped = true;
            Ok(A::constant(cap)?)
        }
        (raw, _) => raw,
    };
    let avance = match figure {
        Ok(a) => Ok(A::settle(a)?),
        Err(reason) => Err(reason),
    };

    let tipo2 = tipo2::<A, _>(ind, year_target, year_actual, direction)?;
    let evaluation =
        Evaluation { year, direction, target, actual, summed_years, avance, formula, capped, tipo2, quality };
    Ok((evaluation, figure.ok()))
}

/// A zero divisor: ND, or under [`ZeroDivision::FullWhenReached`] whether the target was reached.
fn zero_division(
    profile: &RuleProfile,
    reached: bool,
    reason: NdReason,
    formula: &mut Option<Formula>,
) -> Result<bool, NdReason> {
    match profile.zero_division {
        ZeroDivision::NotComputed => Err(reason),
        ZeroDivision::FullWhenReached => {
            *formula = Some(Formula::ZeroReached);
            Ok(reached)
        }
    }
}

/// Sums of targets and actuals over the years up to `year` that have a target. The year itself
/// must have a target; an actual missing in any of those years makes the sum ND.
fn summed<C>(ind: &Indicator<C>, year: Year) -> (Option<Decimal>, Option<Decimal>, Vec<Year>) {
    if number_at(&ind.targets, year).is_none() {
        return (None, number_at(&ind.actuals, year), Vec::new());
    }
    let years: Vec<Year> =
        ind.targets.iter().filter(|(y, c)| **y <= year && c.number().is_some()).map(|(y, _)| *y).collect();
    let target = years.iter().filter_map(|y| number_at(&ind.targets, *y)).sum();
    let actual: Option<Decimal> = years.iter().map(|y| number_at(&ind.actuals, *y)).sum();
    (Some(target), actual, years)
}

fn tipo2<A: Arithmetic, C>(
    ind: &Indicator<C>,
    le: Option<Decimal>,
    vo: Option<Decimal>,
    direction: Resolved,
) -> Result<Tipo2, A::Refusal> {
    if !matches!(direction, Resolved::Trend { .. }) {
        return Ok(Tipo2::NotApplicable);
    }
    let lb = ind.baseline.as_ref().and_then(|b| b.value.number());
    let (Some(lb), Some(le), Some(vo)) = (lb, le, vo) else {
        return Ok(Tipo2::Nd);
    };
    if le == lb {
        return Ok(Tipo2::Nd);
    }
    // Ascendente (VO − LB) / (LE − LB) × 100; descendente (LB − VO) / (LB − LE) × 100, the same
    // quotient.
    Ok(Tipo2::Value(A::settle(A::percent_of_change(vo, lb, le)?)?))
}
