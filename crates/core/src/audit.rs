//! Recomputing a published report from its own data and listing every disagreement.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use crate::alert::{AlertKind, AlertLevel};
use crate::avance::{Formula, Role};
use crate::band::{Band, BandCounts};
use crate::code::{Code, CodeKind};
use crate::compute::PolicyResult;
use crate::model::Policy;
use crate::published::{AlertParagraph, Printed, Published};
use crate::value::Cell;

/// The interval of one input that would produce the published figure, within what its printed
/// text can round from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    pub role: Role,
    /// The input as printed.
    pub printed: String,
    /// The values the input could have had, as printed, that give the published figure.
    pub from: Decimal,
    pub to: Decimal,
}

/// The three rows of the summary table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountRow {
    Objectives,
    ObjectiveIndicators,
    ServiceIndicators,
}

/// Why a report's text looks incomplete (a partial download, a page missing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gap {
    /// The text ends inside the objectives' table.
    EndsInsideTable,
    /// No índice de gestión line.
    NoIndex,
    /// No "Alertas identificadas" section.
    NoAlertSection,
    /// The report's own semáforo counts `printed` elements of a level; the text has `read`.
    LevelTotal { row: CountRow, read: usize, printed: usize },
}

/// What is missing from a report, by its own layout and its own counts.
pub fn gaps(policy: &Policy, published: &Published) -> Vec<Gap> {
    let mut out = Vec::new();
    if let Some(s) = published.sections {
        if s.ends_inside_table {
            out.push(Gap::EndsInsideTable);
        } else {
            if !s.index {
                out.push(Gap::NoIndex);
            }
            if !s.alerts {
                out.push(Gap::NoAlertSection);
            }
        }
    }
    if let Some(c) = &published.counts {
        let p = policy.parts();
        let of = |k: CodeKind| p.indicators.iter().filter(|i| i.code.kind() == k).count();
        let read = [
            (CountRow::Objectives, p.objectives.len(), c.objectives.total()),
            (CountRow::ObjectiveIndicators, of(CodeKind::ObjectiveIndicator), c.objective_indicators.total()),
            (CountRow::ServiceIndicators, of(CodeKind::ServiceIndicator), c.service_indicators.total()),
        ];
        for (row, read, printed) in read {
            if read != printed {
                out.push(Gap::LevelTotal { row, read, printed });
            }
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// The report looks incomplete (see [`Gap`]): its figures cannot all be checked.
    Incomplete(Gap),
    /// An indicator's published avance differs from the one its printed inputs give.
    IndicatorAvance {
        code: Code,
        published: Printed,
        computed: Option<Decimal>,
        explanations: Vec<Explanation>,
    },
    /// An indicator of the data has no published avance, or the other way round.
    IndicatorMissing {
        code: Code,
        in_report: bool,
    },
    ObjectiveAvance {
        code: Code,
        published: Printed,
        computed: Option<Decimal>,
    },
    Index {
        published: Printed,
        computed: Option<Decimal>,
    },
    Count {
        row: CountRow,
        band: Band,
        published: usize,
        computed: usize,
    },
    /// The paragraph states a band for the objective that its avance does not have.
    ObjectiveState {
        code: Code,
        published: Band,
        computed: Band,
    },
    /// The text names a service under a heading, but the rules find no alert of any heading for it.
    NamedWrongly {
        paragraph: Option<Code>,
        service: Code,
        published: AlertKind,
    },
    /// The text names a service under one heading; the rules put it under others.
    WrongHeading {
        paragraph: Option<Code>,
        service: Code,
        published: AlertKind,
        computed: Vec<AlertKind>,
    },
    /// The rules find a service alert that the text does not name.
    Missing {
        paragraph: Option<Code>,
        service: Code,
        kind: AlertKind,
        indicators: Vec<Code>,
    },
}

/// The service alerts the rules find, by service and heading, with the indicators behind each.
fn service_alerts(policy: &Policy, result: &PolicyResult) -> BTreeMap<(Code, AlertKind), Vec<Code>> {
    result
        .alerts(policy)
        .into_iter()
        .filter(|a| a.level == AlertLevel::Service)
        .map(|a| ((a.code, a.kind), a.indicators))
        .collect()
}

/// Compares what a report published with what the rules give from its data.
pub fn audit(policy: &Policy, result: &PolicyResult, published: &Published) -> Vec<Finding> {
    let mut out: Vec<Finding> = gaps(policy, published).into_iter().map(Finding::Incomplete).collect();
    let same = |p: &Printed, c: Option<Decimal>| match (p.value, c) {
        (None, None) => true,
        (Some(p_value), Some(c)) => crate::number::round_display(c, p.decimals()) == p_value,
        _ => false,
    };

    for r in result.indicators() {
        match published.indicators.get(r.code) {
            None => out.push(Finding::IndicatorMissing { code: r.code.clone(), in_report: false }),
            Some(p) if !same(p, r.avance()) => {
                let explanations =
                    policy.indicator(r.code).map(|ind| explain(ind, r.formula, result, p)).unwrap_or_default();
                out.push(Finding::IndicatorAvance {
                    code: r.code.clone(),
                    published: p.clone(),
                    computed: r.avance(),
                    explanations,
                });
            }
            Some(_) => {}
        }
    }
    for code in published.indicators.keys() {
        if result.indicator(code.as_str()).is_none() {
            out.push(Finding::IndicatorMissing { code: code.clone(), in_report: true });
        }
    }
    for o in &result.objectives {
        if let Some(p) = published.objectives.get(&o.code)
            && !same(p, o.avance)
        {
            out.push(Finding::ObjectiveAvance { code: o.code.clone(), published: p.clone(), computed: o.avance });
        }
    }
    if let Some(p) = &published.index
        && !same(p, result.index)
    {
        out.push(Finding::Index { published: p.clone(), computed: result.index });
    }
    if let Some(c) = &published.counts {
        let rows = [
            (CountRow::Objectives, &c.objectives, &result.counts.objectives),
            (CountRow::ObjectiveIndicators, &c.objective_indicators, &result.counts.objective_indicators),
            (CountRow::ServiceIndicators, &c.service_indicators, &result.counts.service_indicators),
        ];
        for (row, p, computed) in rows {
            count_findings(&mut out, row, p, computed);
        }
    }

    let computed = service_alerts(policy, result);
    for paragraph in &published.alerts {
        if let (Some(code), Some(state)) = (&paragraph.objective, paragraph.state)
            && let Some(o) = result.objectives.iter().find(|o| &o.code == code)
            && o.band != state
        {
            out.push(Finding::ObjectiveState { code: code.clone(), published: state, computed: o.band });
        }
        alert_text_findings(&mut out, paragraph, &computed);
    }
    out
}

fn count_findings(out: &mut Vec<Finding>, row: CountRow, published: &BandCounts, computed: &BandCounts) {
    for band in Band::ALL {
        if published.get(band) != computed.get(band) {
            out.push(Finding::Count { row, band, published: published.get(band), computed: computed.get(band) });
        }
    }
}

fn alert_text_findings(
    out: &mut Vec<Finding>,
    paragraph: &AlertParagraph,
    computed: &BTreeMap<(Code, AlertKind), Vec<Code>>,
) {
    // The services a paragraph is about: an objective's own, or all for the synthesis.
    let in_scope = |service: &Code| paragraph.objective.as_ref().is_none_or(|o| &service.objective() == o);
    let claimed: BTreeSet<(Code, AlertKind)> = paragraph.claims.iter().map(|c| (c.service.clone(), c.kind)).collect();
    for (service, kind) in &claimed {
        if computed.contains_key(&(service.clone(), *kind)) {
            continue;
        }
        let others: Vec<AlertKind> = computed.keys().filter(|(s, _)| s == service).map(|(_, k)| *k).collect();
        out.push(if others.is_empty() {
            Finding::NamedWrongly { paragraph: paragraph.objective.clone(), service: service.clone(), published: *kind }
        } else {
            Finding::WrongHeading {
                paragraph: paragraph.objective.clone(),
                service: service.clone(),
                published: *kind,
                computed: others,
            }
        });
    }
    // A service named under a wrong heading is reported once, with what the rules find.
    let misplaced: BTreeSet<&Code> =
        claimed.iter().filter(|(s, k)| !computed.contains_key(&(s.clone(), *k))).map(|(s, _)| s).collect();
    for ((service, kind), indicators) in computed {
        if in_scope(service) && !misplaced.contains(service) && !claimed.contains(&(service.clone(), *kind)) {
            out.push(Finding::Missing {
                paragraph: paragraph.objective.clone(),
                service: service.clone(),
                kind: *kind,
                indicators: indicators.clone(),
            });
        }
    }
}

/// Which printed input, rounded as printed, could have produced the published avance.
fn explain(
    ind: &crate::model::Indicator,
    formula: Option<Formula>,
    result: &PolicyResult,
    published: &Printed,
) -> Vec<Explanation> {
    let (Some(p), Some(le_cell), Some(vo_cell)) =
        (published.value, ind.targets.get(&result.year), ind.actuals.get(&result.year))
    else {
        return Vec::new();
    };
    let (Some(le), Some(vo)) = (le_cell.number(), vo_cell.number()) else {
        return Vec::new();
    };
    let half = |decimals: u32| Decimal::new(5, decimals + 1);
    let h = half(published.decimals());
    // The avances that print as the published figure: [p − h, p + h].
    let (p_lo, p_hi) = (p - h, p + h);
    let hundred = Decimal::ONE_HUNDRED;
    let interval = |role: Role, cell: &Cell, lo: Decimal, hi: Decimal| {
        let printed = cell.text().to_string();
        let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
        let v = cell.number()?;
        let r = half(printed_decimals(&printed));
        let (from, to) = (lo.max(v - r), hi.min(v + r));
        (from <= to).then(|| Explanation { role, printed, from: from.round_dp(4), to: to.round_dp(4) })
    };
    let mut out = Vec::new();
    match formula {
        Some(Formula::ActualOverTarget) if !p_lo.is_zero() => {
            // VO = avance × LE / 100; LE = VO × 100 / avance.
            out.extend(interval(Role::Actual, vo_cell, p_lo * le / hundred, p_hi * le / hundred));
            if p_lo > Decimal::ZERO {
                out.extend(interval(Role::Target, le_cell, vo * hundred / p_hi, vo * hundred / p_lo));
            }
        }
        Some(Formula::TargetOverActual) if p_lo > Decimal::ZERO => {
            out.extend(interval(Role::Target, le_cell, p_lo * vo / hundred, p_hi * vo / hundred));
            out.extend(interval(Role::Actual, vo_cell, le * hundred / p_hi, le * hundred / p_lo));
        }
        _ => {}
    }
    out
}

/// Decimal places of a value as written (`2.5%`: 1, `10,256`: 0).
fn printed_decimals(text: &str) -> u32 {
    let t = text.trim().trim_end_matches('%');
    t.split_once('.').map_or(0, |(_, f)| f.trim().len() as u32)
}
