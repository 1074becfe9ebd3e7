//! A policy's figures for one year: every indicator's avance, the objectives, the índice de
//! gestión, the counts per level and the alerts.
//!
//! A [`PolicyResult`] is compact: a few numbers and flags per indicator ([`IndicatorFigures`]),
//! the policy's codes held once for all its results, positions where lists of codes would repeat
//! them. What it leaves out is worked out again from the policy when asked for: an indicator's
//! whole [`Evaluation`] ([`PolicyResult::evaluation`]) and the alerts with their details
//! ([`PolicyResult::alerts`]); how many alerts there are it keeps.

use std::ops::Range;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::alert::{Alert, AlertDetail, AlertKind, AlertLevel};
use crate::avance::{
    Evaluation, Formula, Found, Lane, Lanes, NdReason, Reads, Resolved, SeriesFacts, Tipo2, evaluate_in, outcome,
    tipo2, values_as_read,
};
use crate::band::{Band, BandCounts};
use crate::code::{Code, CodeKind};
use crate::exact::{Decimals, Fixed, Unsettled};
use crate::model::{Element, Indicator, Policy, Year};
use crate::profile::{Judgement, RuleProfile};

/// An indicator's figures for the year, a few numbers and flags: Avance Tipo 1 and Tipo 2, its
/// band, the formula and the direction it was computed with. What the rules read to get them (the
/// target and actual used, the years summed) and its data-quality problems make its whole
/// [`Evaluation`], worked out when asked for ([`PolicyResult::evaluation`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndicatorFigures {
    /// Avance Tipo 1, unrounded, after the profile's cap; `Err` says why it is ND.
    pub tipo1: Result<Decimal, NdReason>,
    pub tipo2: Tipo2,
    pub band: Band,
    /// Whether the avance, as displayed, is above the profile's atypical threshold.
    pub atypical: bool,
    pub direction: Resolved,
    pub formula: Option<Formula>,
    /// Whether the cap lowered the figure.
    pub capped: bool,
}

impl IndicatorFigures {
    /// Avance Tipo 1, unrounded; `None` for ND.
    pub fn avance(&self) -> Option<Decimal> {
        self.tipo1.ok()
    }
    /// Its first alert, if any: bajo avance, sin información or avance atípico.
    pub fn signal(&self) -> Option<AlertKind> {
        signal(self.band, self.atypical)
    }
}

/// One indicator of a [`PolicyResult`]: its code and its figures (which it dereferences to).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndicatorResult<'r> {
    pub code: &'r Code,
    pub figures: &'r IndicatorFigures,
}

impl std::ops::Deref for IndicatorResult<'_> {
    type Target = IndicatorFigures;
    fn deref(&self) -> &IndicatorFigures {
        self.figures
    }
}

/// An indicator's first alert from its band and whether it is atypical.
fn signal(band: Band, atypical: bool) -> Option<AlertKind> {
    match band {
        Band::Nd => Some(AlertKind::SinInformacion),
        Band::Bajo => Some(AlertKind::BajoAvance),
        _ if atypical => Some(AlertKind::AvanceAtipico),
        _ => None,
    }
}

/// An objective's avance: the mean of its objective indicators' avances, ND excluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectiveResult {
    pub code: Code,
    pub avance: Option<Decimal>,
    pub band: Band,
    /// Its objective indicators (IOP), all of them, whether counted or ND: their positions among
    /// the result's indicators ([`PolicyResult::indicators_at`], [`PolicyResult::codes_at`]).
    pub indicators: Range<usize>,
}

/// A service's avance: the mean of its indicators' avances. Not published by the method; shown
/// only as a labelled extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceResult {
    pub code: Code,
    pub avance: Option<Decimal>,
    pub band: Band,
    /// Its service indicators' positions among the result's indicators.
    pub indicators: Range<usize>,
}

/// Counts per band of the three levels that the summary table shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LevelCounts {
    pub objectives: BandCounts,
    pub objective_indicators: BandCounts,
    pub service_indicators: BandCounts,
}

impl LevelCounts {
    pub fn merge(&mut self, other: &LevelCounts) {
        self.objectives.merge(&other.objectives);
        self.objective_indicators.merge(&other.objective_indicators);
        self.service_indicators.merge(&other.service_indicators);
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyResult {
    pub year: Year,
    pub profile: RuleProfile,
    /// Each indicator's figures, in the policy's order (objective indicators, then service
    /// indicators, by code); [`PolicyResult::indicators`] gives them with their codes.
    figures: Vec<IndicatorFigures>,
    pub objectives: Vec<ObjectiveResult>,
    pub services: Vec<ServiceResult>,
    /// Índice de gestión de la política nacional: mean of the objective avances, ND excluded.
    pub index: Option<Decimal>,
    pub index_band: Band,
    pub counts: LevelCounts,
    /// How many alerts [`PolicyResult::alerts`] lists.
    alert_count: usize,
    /// What the rules found in each indicator's own target and actual (its data-quality alerts).
    found: Vec<Found>,
    /// The policy's indicator codes and where each objective's and service's indicators are,
    /// shared by the policy's results.
    structure: Arc<Structure>,
    /// Whether the figures were computed with integers (otherwise with decimals): an
    /// evaluation worked out again uses the same arithmetic, so that its unrounded figures are
    /// the result's to the last digit.
    by_integers: bool,
}

impl PolicyResult {
    /// Every indicator's result, in the policy's order: objective indicators, then service
    /// indicators, by code.
    pub fn indicators(&self) -> impl ExactSizeIterator<Item = IndicatorResult<'_>> + DoubleEndedIterator + Clone {
        self.structure.codes.iter().zip(&self.figures).map(|(code, figures)| IndicatorResult { code, figures })
    }
    /// The result of the indicator at position `i`.
    pub fn indicator_at(&self, i: usize) -> Option<IndicatorResult<'_>> {
        Some(IndicatorResult { code: self.structure.codes.get(i)?, figures: self.figures.get(i)? })
    }
    pub fn indicator(&self, code: &str) -> Option<IndicatorResult<'_>> {
        let code: Code = code.parse().ok()?;
        self.indicator_at(self.structure.codes.binary_search(&code).ok()?)
    }
    pub fn objective(&self, code: &str) -> Option<&ObjectiveResult> {
        self.objectives.iter().find(|r| r.code.as_str() == code)
    }
    /// The results of the indicators at `positions` (an objective's or a service's
    /// `indicators`).
    pub fn indicators_at(&self, positions: &Range<usize>) -> impl Iterator<Item = IndicatorResult<'_>> {
        positions.clone().filter_map(|i| self.indicator_at(i))
    }
    /// The codes of the indicators at `positions`.
    pub fn codes_at(&self, positions: &Range<usize>) -> &[Code] {
        self.structure.codes.get(positions.clone()).unwrap_or_default()
    }
    /// How many alerts the policy's year raises.
    pub fn alert_count(&self) -> usize {
        self.alert_count
    }
    /// Indicator `code`'s whole [`Evaluation`] for the result's year and profile: what its
    /// [`IndicatorResult`] leaves out (the target and actual used, the years summed, its
    /// data-quality problems) worked out again from `policy`, the policy the result was computed
    /// from; `None` if it has no such indicator.
    pub fn evaluation(&self, policy: &Policy, code: &Code) -> Option<Evaluation> {
        let i = policy.indicators().binary_search_by(|ind| ind.code.cmp(code)).ok()?;
        let (ind, lane) = (&policy.indicators()[i], policy.lanes().lane(i));
        let facts = facts_of(ind, lane, &self.profile);
        Some(if self.by_integers {
            evaluation_of(ind, lane, &facts, self.year, &self.profile)
        } else {
            decimal_evaluation(ind, &facts, self.year, &self.profile)
        })
    }
    /// Every alert of the policy's year, in the order of the structure: each objective's alert
    /// and its indicators', then each of its services' alerts and their indicators'. An
    /// indicator's data-quality problems are read again from `policy`, the policy the result was
    /// computed from (an indicator it does not have raises none).
    pub fn alerts(&self, policy: &Policy) -> Vec<Alert> {
        let signals: Vec<_> = self.figures.iter().map(IndicatorFigures::signal).collect();
        let states: Vec<_> = self.objectives.iter().map(|o| (o.avance.is_some(), o.band)).collect();
        let codes = &self.structure.codes;
        let with_signal = |range: &Range<usize>, kind: AlertKind| -> Vec<Code> {
            range.clone().filter(|&i| signals[i] == Some(kind)).map(|i| codes[i].clone()).collect()
        };
        let mut out = Vec::with_capacity(self.alert_count);
        self.structure.each_alert(&signals, &states, |at| match at {
            AlertAt::Objective { objective, kind, indicators: iops } => {
                let o = &self.objectives[objective];
                out.push(Alert {
                    level: AlertLevel::Objective,
                    code: o.code.clone(),
                    kind,
                    indicators: with_signal(iops, kind),
                    detail: match o.avance {
                        Some(a) => AlertDetail::Avance(a),
                        None => AlertDetail::ObjectiveNd,
                    },
                });
            }
            AlertAt::Indicator(i) => {
                let code = &codes[i];
                let listed = policy.indicators().get(i).is_some_and(|ind| ind.code == *code);
                let at = if listed { Some(i) } else { policy.indicators().binary_search_by(|x| x.code.cmp(code)).ok() };
                let quality = at.map_or_else(Vec::new, |at| {
                    let (ind, lane) = (&policy.indicators()[at], policy.lanes().lane(at));
                    let facts = facts_of(ind, lane, &self.profile);
                    let found = self.found.get(i).copied().unwrap_or_default();
                    facts.quality(ind, self.year, found, || {
                        values_as_read(ind, facts.direction, self.year, &self.profile)
                    })
                });
                indicator_alerts(&mut out, code, &self.figures[i], quality);
            }
            AlertAt::Service { service, kind, indicators: isss } => {
                let with = with_signal(isss, kind);
                out.push(Alert {
                    level: AlertLevel::Service,
                    code: self.services[service].code.clone(),
                    kind,
                    detail: AlertDetail::Group { with: with.len(), of: isss.len() },
                    indicators: with,
                });
            }
        });
        out
    }
}

/// An indicator's [`SeriesFacts`] under `profile`, read from its lane where it has one.
fn facts_of(ind: &Indicator, lane: Option<Lane<'_>>, profile: &RuleProfile) -> SeriesFacts {
    match lane {
        Some(lane) => SeriesFacts::read(ind, &lane, profile),
        None => SeriesFacts::of(ind, profile),
    }
}

/// An indicator-year's [`Evaluation`]: with integers, or with decimals where they refuse (the
/// same figures either way).
fn evaluation_of(
    ind: &Indicator,
    lane: Option<Lane<'_>>,
    facts: &SeriesFacts,
    year: Year,
    profile: &RuleProfile,
) -> Evaluation {
    match evaluate_in::<Fixed, _>(ind, lane, facts, year, profile) {
        Ok((evaluation, _)) => evaluation,
        Err(_) => decimal_evaluation(ind, facts, year, profile),
    }
}

/// An indicator-year's [`Evaluation`] with decimals.
fn decimal_evaluation(ind: &Indicator, facts: &SeriesFacts, year: Year, profile: &RuleProfile) -> Evaluation {
    let Ok((evaluation, _)) = evaluate_in::<Decimals, _>(ind, None, facts, year, profile);
    evaluation
}

/// What a policy's year sums up to: its índice de gestión, its counts per level and how many
/// alerts it raises, the very figures of its [`PolicyResult`] (what a portfolio or an overview
/// shows of each policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub index: Option<Decimal>,
    pub index_band: Band,
    pub counts: LevelCounts,
    /// The number of the result's alerts.
    pub alerts: usize,
}

impl PolicyResult {
    /// The result's índice, counts and number of alerts.
    pub fn summary(&self) -> Summary {
        Summary { index: self.index, index_band: self.index_band, counts: self.counts, alerts: self.alert_count }
    }
}

/// Where an alert is raised, as [`Structure::each_alert`] walks the structure (positions in the
/// policy's lists).
enum AlertAt<'a> {
    /// An objective's alert of `kind`; `indicators`, its objective indicators.
    Objective { objective: usize, kind: AlertKind, indicators: &'a Range<usize> },
    /// An indicator's alerts: its signal's, if any, and one per data-quality issue.
    Indicator(usize),
    /// A service's alert of `kind` (some of its `indicators` have that signal).
    Service { service: usize, kind: AlertKind, indicators: &'a Range<usize> },
}

/// A policy's [`Summary`] for `year` with its own rule profile, without building each
/// indicator's result.
pub fn summarize(policy: &Policy, year: Year) -> Summary {
    Prepared::new(policy, policy.profile()).summary(year)
}

/// Computes a policy's figures for `year` with the policy's own rule profile.
pub fn compute(policy: &Policy, year: Year) -> PolicyResult {
    compute_with(policy, year, policy.profile())
}

/// Computes every policy's figures for `year` (each under its own profile), in order, sharing the
/// policies out among the machine's cores: policies are independent.
pub fn compute_all<P: std::borrow::Borrow<Policy> + Sync>(policies: &[P], year: Year) -> Vec<PolicyResult> {
    on_every_core(policies, |p| compute(p.borrow(), year))
}

/// `f` of each item, in order, the items shared out in one chunk per core.
pub fn on_every_core<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(items.len().max(1));
    let chunk = items.len().div_ceil(threads).max(1);
    let f = &f;
    std::thread::scope(|scope| {
        let parts: Vec<_> =
            items.chunks(chunk).map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<_>>())).collect();
        parts.into_iter().flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    })
}

/// Computes a policy's figures for `year` under `profile`.
pub fn compute_with(policy: &Policy, year: Year, profile: &RuleProfile) -> PolicyResult {
    Prepared::new(policy, profile).compute(year)
}

/// Computes a policy's figures for each of `years` with the policy's own rule profile; what does
/// not depend on the year is worked out once.
pub fn compute_years(policy: &Policy, years: impl IntoIterator<Item = Year>) -> Vec<PolicyResult> {
    let prepared = Prepared::new(policy, policy.profile());
    years.into_iter().map(|y| prepared.compute(y)).collect()
}

/// A policy's indicator codes, where each objective's and service's indicators are among them
/// (and so among a result's), and each objective's services among its services.
#[derive(Debug, PartialEq, Eq)]
struct Structure {
    /// The indicators' codes, in the policy's order.
    codes: Vec<Code>,
    /// For each objective, the positions of its objective indicators.
    objective_indicators: Vec<Range<usize>>,
    /// For each service, the positions of its service indicators.
    service_indicators: Vec<Range<usize>>,
    /// For each objective, the positions of its services in `policy.services()`.
    objective_services: Vec<Range<usize>>,
}

impl Structure {
    fn of(policy: &Policy) -> Structure {
        let indicators = policy.indicators();
        Structure {
            codes: indicators.iter().map(|i| i.code.clone()).collect(),
            objective_indicators: children(
                indicators,
                indicator_code,
                CodeKind::ObjectiveIndicator,
                policy.objectives().iter().map(|o| &o.code),
            ),
            service_indicators: children(
                indicators,
                indicator_code,
                CodeKind::ServiceIndicator,
                policy.services().iter().map(element_code),
            ),
            objective_services: children(
                policy.services(),
                element_code,
                CodeKind::Service,
                policy.objectives().iter().map(|o| &o.code),
            ),
        }
    }

    /// Where alerts are raised, in the order of the structure: each objective's alert and its
    /// indicators', then each of its services' alerts and their indicators'. `signals`, each
    /// indicator's first alert; `objectives`, whether each objective has an avance, and its band.
    /// The rules of which alerts there are live here, once: the full list
    /// ([`PolicyResult::alerts`]) and the count kept while computing both walk them.
    fn each_alert(&self, signals: &[Option<AlertKind>], objectives: &[(bool, Band)], mut at: impl FnMut(AlertAt<'_>)) {
        for (o, (iops, services)) in self.objective_indicators.iter().zip(&self.objective_services).enumerate() {
            match objectives[o] {
                (true, Band::Bajo) => {
                    at(AlertAt::Objective { objective: o, kind: AlertKind::BajoAvance, indicators: iops })
                }
                (true, _) => {}
                (false, _) => {
                    at(AlertAt::Objective { objective: o, kind: AlertKind::SinInformacion, indicators: iops })
                }
            }
            iops.clone().for_each(|i| at(AlertAt::Indicator(i)));
            for s in services.clone() {
                let isss = &self.service_indicators[s];
                for kind in [AlertKind::BajoAvance, AlertKind::SinInformacion, AlertKind::AvanceAtipico] {
                    if isss.clone().any(|i| signals[i] == Some(kind)) {
                        at(AlertAt::Service { service: s, kind, indicators: isss });
                    }
                }
                isss.clone().for_each(|i| at(AlertAt::Indicator(i)));
            }
        }
    }
}

/// A policy ready to be computed for any year under one profile: where each objective's and
/// service's indicators are, and each indicator's [`SeriesFacts`], worked out once.
#[derive(Debug)]
pub struct Prepared<'p> {
    policy: &'p Policy,
    profile: &'p RuleProfile,
    facts: Vec<SeriesFacts>,
    /// Each indicator's numbers as integers (the policy's).
    lanes: &'p Lanes,
    structure: Arc<Structure>,
}

/// For each of `parents`, the positions of the items whose code is of `kind` and starts with the
/// parent's numbers. Codes sort by kind, then numbers, and a policy keeps its lists sorted by code
/// (`Policy::new`), so each parent's items are consecutive and one walk through both lists finds
/// them all.
fn children<'c, T>(
    items: &[T],
    code: impl Fn(&T) -> &Code,
    kind: CodeKind,
    parents: impl Iterator<Item = &'c Code>,
) -> Vec<Range<usize>> {
    let of_kind = items.partition_point(|i| code(i).kind() < kind)..items.partition_point(|i| code(i).kind() <= kind);
    let mut at = of_kind.start;
    parents
        .map(|parent| {
            let prefix = parent.parts();
            let key = |i: usize| {
                let parts = code(&items[i]).parts();
                parts.get(..prefix.len()).unwrap_or(parts)
            };
            while at < of_kind.end && key(at) < prefix {
                at += 1;
            }
            let start = at;
            while at < of_kind.end && key(at) == prefix {
                at += 1;
            }
            start..at
        })
        .collect()
}

fn indicator_code(i: &Indicator) -> &Code {
    &i.code
}

fn element_code(e: &Element) -> &Code {
    &e.code
}

impl<'p> Prepared<'p> {
    pub fn new(policy: &'p Policy, profile: &'p RuleProfile) -> Prepared<'p> {
        let lanes = policy.lanes();
        Prepared {
            policy,
            profile,
            facts: policy
                .indicators()
                .iter()
                .enumerate()
                .map(|(i, ind)| facts_of(ind, lanes.lane(i), profile))
                .collect(),
            lanes,
            structure: Arc::new(Structure::of(policy)),
        }
    }

    /// The policy's figures for `year`: computed with integers, or with decimals where the
    /// integers refuse (`crate::exact`); the figures are the same either way.
    pub fn compute(&self, year: Year) -> PolicyResult {
        self.compute_fixed(year).unwrap_or_else(|_| self.compute_decimal(year))
    }

    /// The figures computed with integers only, or why they could not be.
    pub fn compute_fixed(&self, year: Year) -> Result<PolicyResult, Unsettled> {
        self.compute_in::<Fixed, true>(year)
    }

    /// The figures computed with `rust_decimal`'s decimals only: the reference the integers are
    /// checked against, and what [`Prepared::compute`] falls back to.
    pub fn compute_decimal(&self, year: Year) -> PolicyResult {
        let Ok(result) = self.compute_in::<Decimals, true>(year);
        result
    }

    /// What a policy's year sums up to ([`Summary`]): computed as [`Prepared::compute`] computes
    /// it (the same operations, so the integers refuse it exactly when they refuse the whole
    /// result, and the same figures come out), without keeping each indicator's result or the
    /// objectives' and services' (what a portfolio or an overview needs of each policy).
    pub fn summary(&self, year: Year) -> Summary {
        match self.compute_in::<Fixed, false>(year) {
            Ok(result) => result.summary(),
            Err(_) => {
                let Ok(result) = self.compute_in::<Decimals, false>(year);
                result.summary()
            }
        }
    }

    /// The figures in arithmetic `A`; with `FULL`, every indicator's, objective's and service's
    /// result, otherwise only the summary's figures (the lists are left empty).
    fn compute_in<A: Reads, const FULL: bool>(&self, year: Year) -> Result<PolicyResult, A::Refusal> {
        let (policy, profile) = (self.policy, self.profile);
        let limits = A::limits(profile)?;
        let judge = |figure: Option<A::Figure>| -> Result<_, A::Refusal> {
            figure.map_or(Ok(Judgement::ND), |f| A::judge(f, &limits))
        };
        let n = self.facts.len();
        let kept = if FULL { n } else { 0 };
        let mut indicators = Vec::with_capacity(kept);
        let codes = &self.structure.codes;
        // What the rules found in each indicator's own target and actual (its data-quality
        // alerts, listed when asked for).
        let mut found = Vec::with_capacity(kept);
        // How many data-quality problems each indicator has.
        let mut issues = Vec::with_capacity(n);
        let mut figures = Vec::with_capacity(n);
        // Each indicator's first alert (bajo, sin información or atípico), if any.
        let mut signals = Vec::with_capacity(n);
        let mut counts = LevelCounts::default();
        for (i, (ind, facts)) in policy.indicators().iter().zip(&self.facts).enumerate() {
            let numbers = A::source(ind, self.lanes.lane(i))?;
            let code = &codes[i];
            let o = outcome::<A, _>(&numbers, facts.direction, year, profile)?;
            let t2 = tipo2::<A, _>(&numbers, facts.direction, year)?;
            let figure = o.figure.ok();
            let (judgement, settled) = match figure {
                Some(f) if FULL => {
                    let (judgement, settled) = A::judge_settle(f, &limits)?;
                    (judgement, Some(settled))
                }
                f => (judge(f)?, None),
            };
            match code.kind() {
                CodeKind::ObjectiveIndicator => counts.objective_indicators.add(judgement.band),
                _ => counts.service_indicators.add(judgement.band),
            }
            figures.push(figure);
            signals.push(signal(judgement.band, judgement.atypical));
            issues.push(facts.issues_up_to(year) + o.found.count());
            if FULL {
                indicators.push(IndicatorFigures {
                    tipo1: match (o.figure, settled) {
                        (Ok(_), Some(settled)) => Ok(settled),
                        (Ok(a), None) => Ok(A::settle(a)?),
                        (Err(reason), _) => Err(reason),
                    },
                    tipo2: t2.settled::<A>()?,
                    band: judgement.band,
                    atypical: judgement.atypical,
                    direction: facts.direction,
                    formula: o.formula,
                    capped: o.capped,
                });
                found.push(o.found);
            } else if let Tipo2::Value(x) = t2 {
                // Tipo 2 is settled all the same, for the same refusals as the whole result's.
                A::settles(x)?;
            }
        }

        let capped_mean = |values: std::iter::Copied<std::iter::Flatten<std::slice::Iter<'_, Option<A::Figure>>>>| -> Result<Option<A::Figure>, A::Refusal> {
            match (A::mean(values)?, profile.mean_cap) {
                (Some(m), Some(cap)) if A::above(m, cap)? => Ok(Some(A::constant(cap)?)),
                (m, _) => Ok(m),
            }
        };
        let settle = |figure: Option<A::Figure>| figure.map(A::settle).transpose();
        let structure = &self.structure;

        let mut objective_figures = Vec::with_capacity(structure.objective_indicators.len());
        let mut objective_states = Vec::with_capacity(structure.objective_indicators.len());
        let mut objectives = Vec::with_capacity(if FULL { structure.objective_indicators.len() } else { 0 });
        for (o, range) in policy.objectives().iter().zip(&structure.objective_indicators) {
            let figure = capped_mean(figures[range.clone()].iter().flatten().copied())?;
            objective_figures.push(figure);
            // Settled and judged either way: the same operations, so the same refusals and the
            // same arithmetic for a summary as for the whole result.
            let (avance, band) = (settle(figure)?, judge(figure)?.band);
            counts.objectives.add(band);
            objective_states.push((avance.is_some(), band));
            if FULL {
                objectives.push(ObjectiveResult { code: o.code.clone(), avance, band, indicators: range.clone() });
            }
        }

        let mut services = Vec::with_capacity(if FULL { structure.service_indicators.len() } else { 0 });
        for (s, range) in policy.services().iter().zip(&structure.service_indicators) {
            let figure = A::mean(figures[range.clone()].iter().flatten().copied())?;
            let (avance, band) = (settle(figure)?, judge(figure)?.band);
            if FULL {
                services.push(ServiceResult { code: s.code.clone(), avance, band, indicators: range.clone() });
            }
        }

        let index = capped_mean(objective_figures.iter().flatten().copied())?;
        let mut alert_count = 0;
        structure.each_alert(&signals, &objective_states, |at| {
            alert_count += match at {
                AlertAt::Indicator(i) => usize::from(signals[i].is_some()) + issues[i],
                AlertAt::Objective { .. } | AlertAt::Service { .. } => 1,
            }
        });
        Ok(PolicyResult {
            year,
            profile: profile.clone(),
            figures: indicators,
            objectives,
            services,
            index: settle(index)?,
            index_band: judge(index)?.band,
            counts,
            alert_count,
            found,
            structure: Arc::clone(structure),
            by_integers: A::INTEGERS,
        })
    }
}

/// The alerts of indicator `code`, in the order bajo, sin información, atípico, calidad de
/// datos (one per problem of its `quality`).
fn indicator_alerts(
    out: &mut Vec<Alert>,
    code: &Code,
    r: &IndicatorFigures,
    quality: Vec<crate::avance::QualityIssue>,
) {
    let alert = |kind, detail| Alert {
        level: AlertLevel::Indicator,
        code: code.clone(),
        kind,
        indicators: vec![code.clone()],
        detail,
    };
    match (r.signal(), r.tipo1) {
        (Some(kind), Ok(a)) => out.push(alert(kind, AlertDetail::Avance(a))),
        (Some(kind), Err(reason)) => out.push(alert(kind, AlertDetail::Missing(reason))),
        (None, _) => {}
    }
    out.extend(quality.into_iter().map(|q| alert(AlertKind::CalidadDatos, AlertDetail::Quality(q))));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_indicator_year_is_a_few_numbers_and_flags() {
        // What docs/performance.md says a result keeps per indicator-year: no heap, 48 bytes.
        assert_eq!(std::mem::size_of::<IndicatorFigures>(), 48);
    }
}
