//! A policy's figures for one year: every indicator's avance, the objectives, the índice de
//! gestión, the counts per level and the alerts.

use std::ops::Range;

use rust_decimal::Decimal;

use crate::alert::{Alert, AlertDetail, AlertKind, AlertLevel};
use crate::avance::{Evaluation, Lanes, Reads, SeriesFacts, Tipo2, evaluate_in, outcome, tipo2};
use crate::band::{Band, BandCounts};
use crate::code::{Code, CodeKind};
use crate::exact::{Decimals, Fixed, Unsettled};
use crate::model::{Element, Indicator, Policy, Year};
use crate::profile::{Judgement, RuleProfile};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorResult {
    pub code: Code,
    pub evaluation: Evaluation,
    pub band: Band,
}

impl IndicatorResult {
    /// Avance Tipo 1, unrounded; `None` for ND.
    pub fn avance(&self) -> Option<Decimal> {
        self.evaluation.avance.ok()
    }
}

/// An objective's avance: the mean of its objective indicators' avances, ND excluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectiveResult {
    pub code: Code,
    pub avance: Option<Decimal>,
    pub band: Band,
    /// Its objective indicators (IOP), all of them, whether counted or ND.
    pub indicators: Vec<Code>,
}

/// A service's avance: the mean of its indicators' avances. Not published by the method; shown
/// only as a labelled extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceResult {
    pub code: Code,
    pub avance: Option<Decimal>,
    pub band: Band,
    pub indicators: Vec<Code>,
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
    /// In the policy's order: objective indicators, then service indicators, by code.
    pub indicators: Vec<IndicatorResult>,
    pub objectives: Vec<ObjectiveResult>,
    pub services: Vec<ServiceResult>,
    /// Índice de gestión de la política nacional: mean of the objective avances, ND excluded.
    pub index: Option<Decimal>,
    pub index_band: Band,
    pub counts: LevelCounts,
    /// In the order of the structure: each objective, its indicators, then each service and its
    /// indicators.
    pub alerts: Vec<Alert>,
}

impl PolicyResult {
    pub fn indicator(&self, code: &str) -> Option<&IndicatorResult> {
        let code: Code = code.parse().ok()?;
        self.indicators.binary_search_by(|r| r.code.cmp(&code)).ok().map(|i| &self.indicators[i])
    }
    pub fn objective(&self, code: &str) -> Option<&ObjectiveResult> {
        self.objectives.iter().find(|r| r.code.as_str() == code)
    }
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
        Summary { index: self.index, index_band: self.index_band, counts: self.counts, alerts: self.alerts.len() }
    }
}

/// Where an alert is raised, as [`Prepared::each_alert`] walks the structure (positions in the
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
/// indicator's result and the alerts.
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

/// A policy ready to be computed for any year under one profile: where each objective's and
/// service's indicators are, and each indicator's [`SeriesFacts`], worked out once.
#[derive(Debug)]
pub struct Prepared<'p> {
    policy: &'p Policy,
    profile: &'p RuleProfile,
    facts: Vec<SeriesFacts>,
    /// Each indicator's numbers as integers (the policy's).
    lanes: &'p Lanes,
    /// For each objective, the positions of its objective indicators in `policy.indicators()`.
    objective_indicators: Vec<Range<usize>>,
    /// For each service, the positions of its service indicators.
    service_indicators: Vec<Range<usize>>,
    /// For each objective, the positions of its services in `policy.services()`.
    objective_services: Vec<Range<usize>>,
}

/// The positions of the items whose code is of `kind` and starts with `parent`'s numbers. Codes
/// sort by kind, then numbers, so those items are consecutive and found by bisection.
fn children<T>(items: &[T], code: impl Fn(&T) -> &Code, kind: CodeKind, parent: &Code) -> Range<usize> {
    fn key(c: &Code, n: usize) -> (CodeKind, &[u16]) {
        (c.kind(), c.parts().get(..n).unwrap_or(c.parts()))
    }
    let prefix = parent.parts();
    let n = prefix.len();
    let start = items.partition_point(|i| key(code(i), n) < (kind, prefix));
    let end = items.partition_point(|i| key(code(i), n) <= (kind, prefix));
    start..end.max(start)
}

fn indicator_code(i: &Indicator) -> &Code {
    &i.code
}

fn element_code(e: &Element) -> &Code {
    &e.code
}

impl<'p> Prepared<'p> {
    pub fn new(policy: &'p Policy, profile: &'p RuleProfile) -> Prepared<'p> {
        let indicators = policy.indicators();
        let lanes = policy.lanes();
        Prepared {
            policy,
            profile,
            facts: indicators
                .iter()
                .enumerate()
                .map(|(i, ind)| match lanes.lane(i) {
                    Some(lane) => SeriesFacts::read(ind, &lane, profile),
                    None => SeriesFacts::of(ind, profile),
                })
                .collect(),
            lanes,
            objective_indicators: policy
                .objectives()
                .iter()
                .map(|o| children(indicators, indicator_code, CodeKind::ObjectiveIndicator, &o.code))
                .collect(),
            service_indicators: policy
                .services()
                .iter()
                .map(|s| children(indicators, indicator_code, CodeKind::ServiceIndicator, &s.code))
                .collect(),
            objective_services: policy
                .objectives()
                .iter()
                .map(|o| children(policy.services(), element_code, CodeKind::Service, &o.code))
                .collect(),
        }
    }

    /// The policy's figures for `year`: computed with integers, or with decimals where the
    /// integers refuse (`crate::exact`); the figures are the same either way.
    pub fn compute(&self, year: Year) -> PolicyResult {
        self.compute_fixed(year).unwrap_or_else(|_| self.compute_decimal(year))
    }

    /// The figures computed with integers only, or why they could not be.
    pub fn compute_fixed(&self, year: Year) -> Result<PolicyResult, Unsettled> {
        Ok(self.compute_in::<Fixed, true>(year)?.0)
    }

    /// The figures computed with `rust_decimal`'s decimals only: the reference the integers are
    /// checked against, and what [`Prepared::compute`] falls back to.
    pub fn compute_decimal(&self, year: Year) -> PolicyResult {
        let Ok((result, _)) = self.compute_in::<Decimals, true>(year);
        result
    }

    /// What a policy's year sums up to ([`Summary`]): computed as [`Prepared::compute`] computes
    /// it (the same operations, so the integers refuse it exactly when they refuse the whole
    /// result, and the same figures come out), without keeping each indicator's evaluation, the
    /// objectives' and services' lists or the alerts, only counting them (what a portfolio or an
    /// overview needs of each policy).
    pub fn summary(&self, year: Year) -> Summary {
        let (c, alerts) = match self.compute_in::<Fixed, false>(year) {
            Ok(c) => c,
            Err(_) => {
                let Ok(c) = self.compute_in::<Decimals, false>(year);
                c
            }
        };
        Summary { alerts, ..c.summary() }
    }

    /// The figures in arithmetic `A` and the number of alerts; with `FULL`, every result and
    /// alert, otherwise only the summary's figures (the lists are left empty).
    fn compute_in<A: Reads, const FULL: bool>(&self, year: Year) -> Result<(PolicyResult, usize), A::Refusal> {
        let (policy, profile) = (self.policy, self.profile);
        let limits = A::limits(profile)?;
        let judge = |figure: Option<A::Figure>| -> Result<_, A::Refusal> {
            figure.map_or(Ok(Judgement::ND), |f| A::judge(f, &limits))
        };
        let kept = if FULL { self.facts.len() } else { 0 };
        let mut indicators = Vec::with_capacity(kept);
        let mut figures = Vec::with_capacity(self.facts.len());
        // Each indicator's first alert (bajo, sin información or atípico), if any, and (for a
        // summary, which keeps no evaluation) how many data-quality issues it has.
        let mut signals = Vec::with_capacity(self.facts.len());
        let mut issues = Vec::with_capacity(self.facts.len() - kept);
        let mut counts = LevelCounts::default();
        for (i, (ind, facts)) in policy.indicators().iter().zip(&self.facts).enumerate() {
            let (evaluation, figure) = if FULL {
                let (evaluation, figure) = evaluate_in::<A, _>(ind, self.lanes.lane(i), facts, year, profile)?;
                (Some(evaluation), figure)
            } else {
                // A summary needs only the figure and how many quality problems there are; Tipo 2
                // is settled all the same, for the same refusals as the whole result's.
                let numbers = A::source(ind, self.lanes.lane(i))?;
                let o = outcome::<A, _>(&numbers, facts.direction, year, profile)?;
                if let Tipo2::Value(x) = tipo2::<A, _>(&numbers, facts.direction, year)? {
                    A::settles(x)?;
                }
                issues.push(facts.issues_up_to(year) + o.found.count());
                (None, o.figure.ok())
            };
            let judgement = judge(figure)?;
            match ind.code.kind() {
                CodeKind::ObjectiveIndicator => counts.objective_indicators.add(judgement.band),
                _ => counts.service_indicators.add(judgement.band),
            }
            figures.push(figure);
            signals.push(match judgement.band {
                Band::Nd => Some(AlertKind::SinInformacion),
                Band::Bajo => Some(AlertKind::BajoAvance),
                _ if judgement.atypical => Some(AlertKind::AvanceAtipico),
                _ => None,
            });
            if let Some(evaluation) = evaluation {
                indicators.push(IndicatorResult { code: ind.code.clone(), evaluation, band: judgement.band });
            }
        }

        let capped_mean = |values: std::iter::Copied<std::iter::Flatten<std::slice::Iter<'_, Option<A::Figure>>>>| -> Result<Option<A::Figure>, A::Refusal> {
            match (A::mean(values)?, profile.mean_cap) {
                (Some(m), Some(cap)) if A::above(m, cap)? => Ok(Some(A::constant(cap)?)),
                (m, _) => Ok(m),
            }
        };
        let group = |range: &Range<usize>| &indicators[range.clone()];
        let codes = |range: &Range<usize>| group(range).iter().map(|r| r.code.clone()).collect();
        let settle = |figure: Option<A::Figure>| figure.map(A::settle).transpose();

        let mut objective_figures = Vec::with_capacity(self.objective_indicators.len());
        let mut objective_states = Vec::with_capacity(self.objective_indicators.len());
        let mut objectives = Vec::with_capacity(if FULL { self.objective_indicators.len() } else { 0 });
        for (o, range) in policy.objectives().iter().zip(&self.objective_indicators) {
            let figure = capped_mean(figures[range.clone()].iter().flatten().copied())?;
            objective_figures.push(figure);
            // Settled and judged either way: the same operations, so the same refusals and the
            // same arithmetic for a summary as for the whole result.
            let (avance, band) = (settle(figure)?, judge(figure)?.band);
            counts.objectives.add(band);
            objective_states.push((avance.is_some(), band));
            if FULL {
                objectives.push(ObjectiveResult { code: o.code.clone(), avance, band, indicators: codes(range) });
            }
        }

        let mut services = Vec::with_capacity(if FULL { self.service_indicators.len() } else { 0 });
        for (s, range) in policy.services().iter().zip(&self.service_indicators) {
            let figure = A::mean(figures[range.clone()].iter().flatten().copied())?;
            let (avance, band) = (settle(figure)?, judge(figure)?.band);
            if FULL {
                services.push(ServiceResult { code: s.code.clone(), avance, band, indicators: codes(range) });
            }
        }

        let index = capped_mean(objective_figures.iter().flatten().copied())?;
        let (alerts, alert_count) = if FULL {
            let alerts = self.alerts(&indicators, &signals, &objectives, &objective_states);
            let n = alerts.len();
            (alerts, n)
        } else {
            let mut n = 0;
            self.each_alert(&signals, &objective_states, |at| {
                n += match at {
                    AlertAt::Indicator(i) => usize::from(signals[i].is_some()) + issues[i],
                    AlertAt::Objective { .. } | AlertAt::Service { .. } => 1,
                }
            });
            (Vec::new(), n)
        };
        let result = PolicyResult {
            year,
            profile: profile.clone(),
            indicators,
            objectives,
            services,
            index: settle(index)?,
            index_band: judge(index)?.band,
            counts,
            alerts,
        };
        Ok((result, alert_count))
    }

    /// Where alerts are raised, in the order of the structure: each objective's alert and its
    /// indicators', then each of its services' alerts and their indicators'. `signals`, each
    /// indicator's first alert; `objectives`, whether each objective has an avance, and its band.
    /// The rules of which alerts there are live here, once: the full list ([`Prepared::alerts`])
    /// and a summary's count both walk them.
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

    /// Every alert, as [`Prepared::each_alert`] raises them.
    fn alerts(
        &self,
        indicators: &[IndicatorResult],
        signals: &[Option<AlertKind>],
        objectives: &[ObjectiveResult],
        states: &[(bool, Band)],
    ) -> Vec<Alert> {
        let with_signal = |range: &Range<usize>, kind: AlertKind| -> Vec<Code> {
            range.clone().filter(|&i| signals[i] == Some(kind)).map(|i| indicators[i].code.clone()).collect()
        };
        let mut out = Vec::new();
        self.each_alert(signals, states, |at| match at {
            AlertAt::Objective { objective, kind, indicators: iops } => {
                let o = &objectives[objective];
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
            AlertAt::Indicator(i) => indicator_alerts(&mut out, &indicators[i], signals[i]),
            AlertAt::Service { service, kind, indicators: isss } => {
                let with = with_signal(isss, kind);
                out.push(Alert {
                    level: AlertLevel::Service,
                    code: self.policy.services()[service].code.clone(),
                    kind,
                    detail: AlertDetail::Group { with: with.len(), of: isss.len() },
                    indicators: with,
                });
            }
        });
        out
    }
}

/// The alerts of one indicator, in the order bajo, sin información, atípico, calidad de datos.
fn indicator_alerts(out: &mut Vec<Alert>, r: &IndicatorResult, signal: Option<AlertKind>) {
    let alert = |kind, detail| Alert {
        level: AlertLevel::Indicator,
        code: r.code.clone(),
        kind,
        indicators: vec![r.code.clone()],
        detail,
    };
    match (signal, r.evaluation.avance) {
        (Some(kind), Ok(a)) => out.push(alert(kind, AlertDetail::Avance(a))),
        (Some(kind), Err(reason)) => out.push(alert(kind, AlertDetail::Missing(reason))),
        (None, _) => {}
    }
    out.extend(r.evaluation.quality.iter().map(|q| alert(AlertKind::CalidadDatos, AlertDetail::Quality(q.clone()))));
}
