//! Outlook to the horizon: will an indicator reach its final logro esperado at the pace observed
//! so far? The Reporte de seguimiento answers how a year went (Avance Tipo 1); this answers where
//! the series is heading. Two methods, named after their sources, chosen by the rule profile
//! ([`ProgressMethod`]); every figure here is an estimate of a trend, computed in binary floating
//! point and shown rounded, never a figure of the published method.
//!
//! Terms, for an indicator followed up in year Y:
//! - start (t₀, x₀): the baseline when it is earlier than the first actual, else the first actual;
//! - latest (t, xₜ): the latest actual of a year up to Y;
//! - horizon (H, T): the last year with a numeric target (logro esperado) and that target.
//!
//! The sense is the declared one; undeclared, the one from the start towards the horizon target;
//! `minimo permisible` reads as ascendente and `maximo permisible` as descendente (the standard is
//! the target). An `acumulado` indicator under [`AccumulationReading::SumOfYears`] is assessed on
//! the running sums of its targets and actuals (its baseline is not a flow and is left out); under
//! the default reading its values already are cumulative stocks and are taken as they are.
//!
//! An indicator whose latest actual already meets the horizon target in its sense is
//! [`Outlook::Achieved`]. Otherwise the method gives a ratio ρ between the progress that the
//! observed pace delivers and the progress required, and the category follows UNSD's thresholds:
//! ρ ≥ 0.95 on track, 0.5 ≤ ρ < 0.95 needs acceleration, −0.1 ≤ ρ < 0.5 stagnant, ρ < −0.1 going
//! backwards.
//!
//! No assessment (with the reason, [`NoOutlook`]) when there are fewer than two numeric actuals up to
//! Y, no numeric target, a horizon not after the start, or a target that asks for no progress from
//! the start in the indicator's sense while the latest value misses it.

use rust_decimal::prelude::ToPrimitive;

use crate::avance::{Resolved, resolve};
use crate::model::{Aggregation, Indicator, Sense, Series, Standard, Year};
use crate::profile::{AccumulationReading, RuleProfile};
use crate::value::Cell;

/// How the pace towards the horizon is measured (a rule-profile setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMethod {
    /// UNSD's SDG Progress Chart: ρ = observed rate of change from the start to the latest actual
    /// ÷ rate required from the start to reach the horizon target; compound annual growth rates
    /// when the start, the latest value and the target are all positive, else yearly linear
    /// changes. Projection: the latest value carried to the horizon at the observed rate.
    UnsdGrowthRatio,
    /// ESCAP's Anticipated Progress: a line fitted to the start and every actual up to Y by least
    /// squares weighted by recency (weight of year s: s − t₀ + 1), projected to the horizon;
    /// ρ = (projection − x₀) ÷ (T − x₀), the share of the required progress anticipated.
    EscapAnticipated,
}

impl ProgressMethod {
    pub fn id(self) -> &'static str {
        match self {
            ProgressMethod::UnsdGrowthRatio => "unsd-ratio-de-tasas",
            ProgressMethod::EscapAnticipated => "escap-progreso-anticipado",
        }
    }
}

/// Where an indicator is heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outlook {
    /// Going away from the target: ρ < −0.1.
    Regressing,
    /// Little or no progress: −0.1 ≤ ρ < 0.5.
    Stagnant,
    /// Progress, but not enough to reach the target in time: 0.5 ≤ ρ < 0.95.
    NeedsAcceleration,
    /// At this pace the target is reached: ρ ≥ 0.95.
    OnTrack,
    /// The latest actual already meets the horizon target.
    Achieved,
}

impl Outlook {
    /// Best first.
    pub const ALL: [Outlook; 5] =
        [Outlook::Achieved, Outlook::OnTrack, Outlook::NeedsAcceleration, Outlook::Stagnant, Outlook::Regressing];

    pub fn id(self) -> &'static str {
        match self {
            Outlook::Achieved => "meta_alcanzada",
            Outlook::OnTrack => "en_camino",
            Outlook::NeedsAcceleration => "requiere_aceleracion",
            Outlook::Stagnant => "estancado",
            Outlook::Regressing => "retroceso",
        }
    }

    /// Whether, at the observed pace, the horizon target is reached.
    pub fn reaches(self) -> bool {
        matches!(self, Outlook::Achieved | Outlook::OnTrack)
    }

    /// The category of a ratio ρ (UNSD's thresholds).
    pub fn of_ratio(ratio: f64) -> Outlook {
        if ratio >= 0.95 {
            Outlook::OnTrack
        } else if ratio >= 0.5 {
            Outlook::NeedsAcceleration
        } else if ratio >= -0.1 {
            Outlook::Stagnant
        } else {
            Outlook::Regressing
        }
    }
}

/// Why an indicator has no assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoOutlook {
    /// Fewer than two numeric actuals up to the follow-up year.
    FewActuals,
    /// No numeric target (no horizon).
    NoTarget,
    /// The horizon target asks for no progress from the start in the indicator's sense (it equals
    /// the start, or lies behind it) and the latest value misses it: no rate to compare with.
    NoProgressRequired,
    /// The horizon is not after the start.
    HorizonNotAfterStart,
}

impl NoOutlook {
    pub fn id(self) -> &'static str {
        match self {
            NoOutlook::FewActuals => "menos_de_dos_valores",
            NoOutlook::NoTarget => "sin_meta",
            NoOutlook::NoProgressRequired => "meta_sin_progreso_requerido",
            NoOutlook::HorizonNotAfterStart => "horizonte_no_posterior",
        }
    }
}

/// A point of a series: a year and its value.
pub type Point = (Year, f64);

/// An indicator's outlook to its horizon in a follow-up year.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub method: ProgressMethod,
    pub sense: Sense,
    pub start: Point,
    pub latest: Point,
    pub horizon: Point,
    /// Whether the rates are compound annual growth rates (else yearly linear changes).
    pub compound: bool,
    /// Observed rate per year (a fraction when compound, units per year when linear; the
    /// regression's slope for ESCAP).
    pub observed_rate: f64,
    /// Rate per year required from the start to reach the horizon target.
    pub required_rate: f64,
    /// ρ: observed ÷ required (UNSD), or the anticipated share of the required progress (ESCAP).
    pub ratio: f64,
    /// The value expected at the horizon year at the observed pace.
    pub projected: f64,
    pub outlook: Outlook,
}

impl Assessment {
    /// The projection line a chart draws: from the latest actual to the value expected at the
    /// horizon year; none when the target is already met (the pace no longer matters, and a pace
    /// carried on past the target would only stretch the chart's scale).
    pub fn projection_line(&self) -> Option<(Point, Point)> {
        (self.outlook != Outlook::Achieved && self.projected.is_finite())
            .then_some((self.latest, (self.horizon.0, self.projected)))
    }
}

fn to_f64(c: &Cell) -> Option<f64> {
    c.number().and_then(|d| d.to_f64()).filter(|x| x.is_finite())
}

/// The numeric points of a series up to `last` (all when `None`), oldest first.
fn points(series: &Series, last: Option<Year>) -> Vec<Point> {
    series.iter().filter(|(y, _)| last.is_none_or(|l| **y <= l)).filter_map(|(y, c)| Some((*y, to_f64(c)?))).collect()
}

/// The numeric actuals up to the follow-up year, as the method needs them.
enum Actuals {
    /// Every point, oldest first.
    All(Vec<Point>),
    /// The first and the latest, and how many there are; `None` when there is none.
    Ends(Option<(Point, Point, usize)>),
}

impl Actuals {
    /// The first and latest numeric actuals up to `last` and their count, converting only those two.
    fn ends(series: &Series, last: Year) -> Actuals {
        let mut numeric = series.iter().filter(|(y, c)| **y <= last && c.number().is_some());
        let Some(first) = numeric.next() else { return Actuals::Ends(None) };
        let (count, latest) = numeric.fold((1, first), |(n, _), p| (n + 1, p));
        let point = |(y, c): (&Year, &Cell)| to_f64(c).map(|v| (*y, v));
        // A number that does not convert (never, within the values' range) falls back to the
        // full reading, which leaves it out.
        match (point(first), point(latest)) {
            (Some(f), Some(l)) => Actuals::Ends(Some((f, l, count))),
            _ => Actuals::All(points(series, Some(last))),
        }
    }

    fn span(&self) -> Option<(Point, Point, usize)> {
        match self {
            Actuals::All(v) => Some((*v.first()?, *v.last()?, v.len())),
            Actuals::Ends(e) => *e,
        }
    }

    /// Every point (ESCAP): only ever asked of a full reading.
    fn all(&self) -> &[Point] {
        match self {
            Actuals::All(v) => v,
            Actuals::Ends(_) => &[],
        }
    }
}

impl From<Vec<Point>> for Actuals {
    fn from(v: Vec<Point>) -> Actuals {
        Actuals::All(v)
    }
}

fn running_sums(points: &[Point]) -> Vec<Point> {
    let mut total = 0.0;
    points
        .iter()
        .map(|(y, v)| {
            total += v;
            (*y, total)
        })
        .collect()
}

/// Whether `value` meets `target` in `sense` (equality meets).
fn meets(value: f64, target: f64, sense: Sense) -> bool {
    match sense {
        Sense::Ascendente => value >= target,
        Sense::Descendente => value <= target,
    }
}

/// An indicator's outlook to its horizon, followed up in `year`, by the profile's method.
pub fn assess<C>(ind: &Indicator<C>, year: Year, profile: &RuleProfile) -> Result<Assessment, NoOutlook> {
    assess_with(ind, year, profile, profile.progress)
}

/// [`assess`] with a given method.
pub fn assess_with<C>(
    ind: &Indicator<C>,
    year: Year,
    profile: &RuleProfile,
    method: ProgressMethod,
) -> Result<Assessment, NoOutlook> {
    let cumulative_flows = matches!(
        (ind.direction, profile.accumulation),
        (crate::model::Direction::Trend { aggregation: Aggregation::Acumulado, .. }, AccumulationReading::SumOfYears)
    );
    // Every point is read only where every point counts (running sums, ESCAP's regression);
    // otherwise the horizon is the last numeric target, and of the actuals up to the year only the
    // first, the latest and how many there are matter (a national portfolio assesses a million
    // indicators: no series is copied for them).
    let every_point = cumulative_flows || method == ProgressMethod::EscapAnticipated;
    let (actuals, horizon) = if every_point {
        let (mut actuals, mut targets) = (points(&ind.actuals, Some(year)), points(&ind.targets, None));
        if cumulative_flows {
            actuals = running_sums(&actuals);
            targets = running_sums(&targets);
        }
        let horizon = targets.last().copied();
        (Actuals::from(actuals), horizon)
    } else {
        let horizon = ind.targets.iter().rev().find_map(|(y, c)| Some((*y, to_f64(c)?)));
        (Actuals::ends(&ind.actuals, year), horizon)
    };
    let horizon = horizon.ok_or(NoOutlook::NoTarget)?;
    let Some((first, latest, count)) = actuals.span() else { return Err(NoOutlook::FewActuals) };
    if count < 2 {
        return Err(NoOutlook::FewActuals);
    }
    let baseline = if cumulative_flows {
        None
    } else {
        ind.baseline.as_ref().and_then(|b| Some((b.year, to_f64(&b.value)?))).filter(|(y, _)| *y < first.0)
    };
    let start = baseline.unwrap_or(first);
    if horizon.0 <= start.0 {
        return Err(NoOutlook::HorizonNotAfterStart);
    }
    let sense = match resolve(ind, profile) {
        Resolved::Trend { sense, inferred: false, .. } => sense,
        Resolved::Trend { inferred: true, .. } => {
            if horizon.1 < start.1 {
                Sense::Descendente
            } else {
                Sense::Ascendente
            }
        }
        Resolved::NoDefinido(Standard::MinimoPermisible) => Sense::Ascendente,
        Resolved::NoDefinido(Standard::MaximoPermisible) => Sense::Descendente,
    };
    let (x0, xt, target) = (start.1, latest.1, horizon.1);
    let years = |a: Year, b: Year| f64::from(b.get()) - f64::from(a.get());
    // Compound rates need a positive start and target; chosen from them alone, so that a better
    // latest value never switches the formula (and never lowers the category).
    let compound = x0 > 0.0 && target > 0.0;
    let required_rate = if compound {
        (target / x0).powf(1.0 / years(start.0, horizon.0)) - 1.0
    } else {
        (target - x0) / years(start.0, horizon.0)
    };
    let achieved = meets(xt, target, sense);
    let forward = match sense {
        Sense::Ascendente => target > x0,
        Sense::Descendente => target < x0,
    };
    if !achieved && !forward {
        return Err(NoOutlook::NoProgressRequired);
    }
    let (observed_rate, projected, ratio) = match method {
        ProgressMethod::UnsdGrowthRatio => {
            let span = years(start.0, latest.0);
            let ahead = years(latest.0, horizon.0).max(0.0);
            let (observed, projected) = match (compound, xt > 0.0) {
                (true, true) => {
                    let r = (xt / x0).powf(1.0 / span) - 1.0;
                    (r, xt * (1.0 + r).powf(ahead))
                }
                // Fallen to zero or below from a positive start: −100 % a year, nothing to carry.
                (true, false) => (-1.0, xt),
                (false, _) => {
                    let r = (xt - x0) / span;
                    (r, xt + r * ahead)
                }
            };
            let ratio = if forward { observed / required_rate } else { 0.0 };
            (observed, projected, ratio)
        }
        ProgressMethod::EscapAnticipated => {
            let all = actuals.all();
            let mut pts = Vec::with_capacity(all.len() + 1);
            if baseline.is_some() {
                pts.push(start);
            }
            pts.extend_from_slice(all);
            let (slope, projected) = weighted_line(&pts, start.0, horizon.0);
            let ratio = if forward { (projected - x0) / (target - x0) } else { 0.0 };
            (slope, projected, ratio)
        }
    };
    let outlook = if achieved { Outlook::Achieved } else { Outlook::of_ratio(ratio) };
    Ok(Assessment {
        method,
        sense,
        start,
        latest,
        horizon,
        compound,
        observed_rate,
        required_rate,
        ratio,
        projected,
        outlook,
    })
}

/// The line through `pts` by least squares weighted by recency (weight of year s: s − t₀ + 1):
/// its slope, and its value at `at`.
fn weighted_line(pts: &[Point], t0: Year, at: Year) -> (f64, f64) {
    let x = |y: Year| f64::from(y.get()) - f64::from(t0.get());
    let (mut sw, mut sx, mut sy) = (0.0, 0.0, 0.0);
    for (y, v) in pts {
        let w = x(*y) + 1.0;
        sw += w;
        sx += w * x(*y);
        sy += w * v;
    }
    let (mx, my) = (sx / sw, sy / sw);
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (y, v) in pts {
        let w = x(*y) + 1.0;
        sxy += w * (x(*y) - mx) * (v - my);
        sxx += w * (x(*y) - mx) * (x(*y) - mx);
    }
    let slope = if sxx == 0.0 { 0.0 } else { sxy / sxx };
    (slope, my + slope * (x(at) - mx))
}

/// How many assessed indicators fall in each outlook, and how many have none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutlookCounts {
    pub achieved: usize,
    pub on_track: usize,
    pub needs_acceleration: usize,
    pub stagnant: usize,
    pub regressing: usize,
    pub not_assessed: usize,
}

impl OutlookCounts {
    pub fn add(&mut self, r: &Result<Assessment, NoOutlook>) {
        match r.as_ref().map(|a| a.outlook) {
            Ok(Outlook::Achieved) => self.achieved += 1,
            Ok(Outlook::OnTrack) => self.on_track += 1,
            Ok(Outlook::NeedsAcceleration) => self.needs_acceleration += 1,
            Ok(Outlook::Stagnant) => self.stagnant += 1,
            Ok(Outlook::Regressing) => self.regressing += 1,
            Err(_) => self.not_assessed += 1,
        }
    }

    pub fn get(&self, o: Outlook) -> usize {
        match o {
            Outlook::Achieved => self.achieved,
            Outlook::OnTrack => self.on_track,
            Outlook::NeedsAcceleration => self.needs_acceleration,
            Outlook::Stagnant => self.stagnant,
            Outlook::Regressing => self.regressing,
        }
    }

    pub fn assessed(&self) -> usize {
        Outlook::ALL.iter().map(|o| self.get(*o)).sum()
    }

    /// The share (0 to 1) of the assessed indicators that reach the target at the observed pace
    /// (achieved or on track); `None` when none is assessed.
    pub fn share_on_track(&self) -> Option<f64> {
        let n = self.assessed();
        (n > 0).then(|| (self.achieved + self.on_track) as f64 / n as f64)
    }
}

impl OutlookCounts {
    /// Adds another count to this one.
    pub fn merge(&mut self, other: &OutlookCounts) {
        self.achieved += other.achieved;
        self.on_track += other.on_track;
        self.needs_acceleration += other.needs_acceleration;
        self.stagnant += other.stagnant;
        self.regressing += other.regressing;
        self.not_assessed += other.not_assessed;
    }
}

/// How many of `policy`'s indicators, followed up in `year`, fall in each outlook by `method`
/// (what [`assess_policy`] counts for the policy, without keeping each assessment).
pub fn count_policy(policy: &crate::model::Policy, year: Year, profile: &RuleProfile) -> OutlookCounts {
    let mut c = OutlookCounts::default();
    for i in policy.indicators() {
        c.add(&assess(i, year, profile));
    }
    c
}

/// A policy's outlook in a follow-up year: each indicator's, counts per objective (its objective
/// indicators and the service indicators under it) and for the policy, and the indicators at risk.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyOutlook {
    pub year: Year,
    pub method: ProgressMethod,
    /// Every indicator, in the policy's order.
    pub indicators: Vec<(crate::code::Code, Result<Assessment, NoOutlook>)>,
    pub objectives: Vec<(crate::code::Code, OutlookCounts)>,
    pub policy: OutlookCounts,
    /// "En riesgo de no alcanzar la meta al H": the indicators assessed that do not reach their
    /// horizon target at the observed pace, with their horizon year.
    pub at_risk: Vec<(crate::code::Code, Year)>,
}

/// The outlook of every indicator of `policy` followed up in `year`, by the profile's method.
pub fn assess_policy(policy: &crate::model::Policy, year: Year, profile: &RuleProfile) -> PolicyOutlook {
    let indicators: Vec<_> = policy.indicators().iter().map(|i| (i.code.clone(), assess(i, year, profile))).collect();
    let mut total = OutlookCounts::default();
    let objectives = policy
        .objectives()
        .iter()
        .map(|o| {
            let mut c = OutlookCounts::default();
            for (_, r) in indicators.iter().filter(|(code, _)| code.objective() == o.code) {
                c.add(r);
            }
            (o.code.clone(), c)
        })
        .collect();
    for (_, r) in &indicators {
        total.add(r);
    }
    let at_risk = indicators
        .iter()
        .filter_map(|(code, r)| r.as_ref().ok().filter(|a| !a.outlook.reaches()).map(|a| (code.clone(), a.horizon.0)))
        .collect();
    PolicyOutlook { year, method: profile.progress, indicators, objectives, policy: total, at_risk }
}
