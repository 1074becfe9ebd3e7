//! A policy's figures for one year: every indicator's avance, the objectives, the índice de
//! gestión, the counts per level and the alerts.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::alert::{Alert, AlertDetail, AlertKind, AlertLevel};
use crate::avance::{Evaluation, evaluate};
use crate::band::{Band, BandCounts};
use crate::code::{Code, CodeKind};
use crate::model::{Policy, Year};
use crate::number::mean;
use crate::profile::RuleProfile;

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

/// Computes a policy's figures for `year` with the policy's own rule profile.
pub fn compute(policy: &Policy, year: Year) -> PolicyResult {
    compute_with(policy, year, policy.profile())
}

/// Computes a policy's figures for `year` under `profile`.
pub fn compute_with(policy: &Policy, year: Year, profile: &RuleProfile) -> PolicyResult {
    let indicators: Vec<IndicatorResult> = policy
        .indicators()
        .iter()
        .map(|ind| {
            let evaluation = evaluate(ind, year, profile);
            let band = profile.band(evaluation.avance.ok());
            IndicatorResult { code: ind.code.clone(), evaluation, band }
        })
        .collect();

    let capped_mean = |values: Vec<Decimal>| {
        mean(values).map(|m| match profile.mean_cap {
            Some(cap) if m > cap => cap,
            _ => m,
        })
    };
    let children_index = ChildrenIndex::new(&indicators);
    let children = |parent: &Code| children_index.of(&indicators, parent);

    let objectives: Vec<ObjectiveResult> = policy
        .objectives()
        .iter()
        .map(|o| {
            let iops = children(&o.code);
            let avance = capped_mean(iops.iter().filter_map(|r| r.avance()).collect());
            ObjectiveResult {
                code: o.code.clone(),
                avance,
                band: profile.band(avance),
                indicators: iops.iter().map(|r| r.code.clone()).collect(),
            }
        })
        .collect();

    let services: Vec<ServiceResult> = policy
        .services()
        .iter()
        .map(|s| {
            let isss = children(&s.code);
            let avance = mean(isss.iter().filter_map(|r| r.avance()));
            ServiceResult {
                code: s.code.clone(),
                avance,
                band: profile.band(avance),
                indicators: isss.iter().map(|r| r.code.clone()).collect(),
            }
        })
        .collect();

    let index = capped_mean(objectives.iter().filter_map(|o| o.avance).collect());

    let mut counts = LevelCounts::default();
    for o in &objectives {
        counts.objectives.add(o.band);
    }
    for r in &indicators {
        match r.code.kind() {
            CodeKind::ObjectiveIndicator => counts.objective_indicators.add(r.band),
            _ => counts.service_indicators.add(r.band),
        }
    }

    let alerts = alerts(policy, profile, &indicators, &children_index, &objectives);
    PolicyResult {
        year,
        profile: profile.clone(),
        indicators,
        objectives,
        services,
        index,
        index_band: profile.band(index),
        counts,
        alerts,
    }
}

/// Positions of the indicators that hang directly from each objective or service, built once so
/// that a policy of any size is rolled up in linear time. Keyed by the parent's numbers, borrowed
/// from the indicators' codes (an IOP's first number is its objective's, an ISS's first three are
/// its service's; the two lengths never collide), so that building it allocates no code.
struct ChildrenIndex<'a>(HashMap<&'a [u32], Vec<usize>>);

impl<'a> ChildrenIndex<'a> {
    fn new(indicators: &'a [IndicatorResult]) -> ChildrenIndex<'a> {
        let mut map: HashMap<&'a [u32], Vec<usize>> = HashMap::new();
        for (i, r) in indicators.iter().enumerate() {
            let n = match r.code.kind() {
                CodeKind::ObjectiveIndicator => CodeKind::Objective.parts(),
                CodeKind::ServiceIndicator => CodeKind::Service.parts(),
                _ => continue,
            };
            if let Some(key) = r.code.parts().get(..n) {
                map.entry(key).or_default().push(i);
            }
        }
        ChildrenIndex(map)
    }

    /// The indicators that hang directly from `parent` (an objective's IOPs, a service's ISSs).
    fn of<'b>(&self, indicators: &'b [IndicatorResult], parent: &Code) -> Vec<&'b IndicatorResult> {
        let wanted = match parent.kind() {
            CodeKind::Objective => CodeKind::ObjectiveIndicator,
            CodeKind::Service => CodeKind::ServiceIndicator,
            _ => return Vec::new(),
        };
        self.0.get(parent.parts()).map_or_else(Vec::new, |ix| {
            ix.iter().map(|&i| &indicators[i]).filter(|r| r.code.kind() == wanted).collect()
        })
    }
}

/// The alerts of one indicator, in the order bajo, sin información, atípico, calidad de datos.
fn indicator_alerts(r: &IndicatorResult, profile: &RuleProfile) -> Vec<Alert> {
    let alert = |kind, detail| Alert {
        level: AlertLevel::Indicator,
        code: r.code.clone(),
        kind,
        indicators: vec![r.code.clone()],
        detail,
    };
    let mut out = Vec::new();
    match r.evaluation.avance {
        Ok(a) if profile.is_low(a) => out.push(alert(AlertKind::BajoAvance, AlertDetail::Avance(a))),
        Ok(a) if profile.is_atypical(a) => out.push(alert(AlertKind::AvanceAtipico, AlertDetail::Avance(a))),
        Ok(_) => {}
        Err(reason) => out.push(alert(AlertKind::SinInformacion, AlertDetail::Missing(reason))),
    }
    out.extend(r.evaluation.quality.iter().map(|q| alert(AlertKind::CalidadDatos, AlertDetail::Quality(q.clone()))));
    out
}

fn alerts(
    policy: &Policy,
    profile: &RuleProfile,
    indicators: &[IndicatorResult],
    children: &ChildrenIndex,
    objectives: &[ObjectiveResult],
) -> Vec<Alert> {
    let mut services_of: HashMap<Code, Vec<&Code>> = HashMap::new();
    for s in policy.services() {
        services_of.entry(s.code.objective()).or_default().push(&s.code);
    }
    let mut out = Vec::new();
    for o in objectives {
        let iops: Vec<(&IndicatorResult, Vec<Alert>)> =
            children.of(indicators, &o.code).into_iter().map(|r| (r, indicator_alerts(r, profile))).collect();
        let with_kind = |kind: AlertKind| -> Vec<Code> {
            iops.iter().filter(|(_, a)| a.iter().any(|a| a.kind == kind)).map(|(r, _)| r.code.clone()).collect()
        };
        match o.avance {
            Some(a) if profile.is_low(a) => out.push(Alert {
                level: AlertLevel::Objective,
                code: o.code.clone(),
                kind: AlertKind::BajoAvance,
                indicators: with_kind(AlertKind::BajoAvance),
                detail: AlertDetail::Avance(a),
            }),
            Some(_) => {}
            None => out.push(Alert {
                level: AlertLevel::Objective,
                code: o.code.clone(),
                kind: AlertKind::SinInformacion,
                indicators: with_kind(AlertKind::SinInformacion),
                detail: AlertDetail::ObjectiveNd,
            }),
        }
        out.extend(iops.into_iter().flat_map(|(_, a)| a));

        for s in services_of.get(&o.code).into_iter().flatten() {
            let isss: Vec<(&IndicatorResult, Vec<Alert>)> =
                children.of(indicators, s).into_iter().map(|r| (r, indicator_alerts(r, profile))).collect();
            for kind in [AlertKind::BajoAvance, AlertKind::SinInformacion, AlertKind::AvanceAtipico] {
                let with: Vec<Code> = isss
                    .iter()
                    .filter(|(_, a)| a.iter().any(|a| a.kind == kind))
                    .map(|(r, _)| r.code.clone())
                    .collect();
                if !with.is_empty() {
                    out.push(Alert {
                        level: AlertLevel::Service,
                        code: (*s).clone(),
                        kind,
                        detail: AlertDetail::Group { with: with.len(), of: isss.len() },
                        indicators: with,
                    });
                }
            }
            out.extend(isss.into_iter().flat_map(|(_, a)| a));
        }
    }
    out
}
