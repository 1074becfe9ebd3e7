//! "Perspectivas al horizonte": the outlook to the horizon of a policy's indicators, summed up for
//! the reports (HTML and PDF alike): indicators per category for each objective and the policy,
//! the share on track, and the alert naming the indicators at risk.

use avance_core::compute::PolicyResult;
use avance_core::lang::Lang;
use avance_core::model::Policy;
use avance_core::portfolio::Portfolio;
use avance_core::progress::{Outlook, OutlookCounts, assess_policy};

use crate::labels;

/// One line of the summary: what it counts, the indicators per category (best first), those not
/// assessed, and the share on track as shown ("61.3%", or "—").
#[derive(Debug, Clone)]
pub struct Line {
    pub label: String,
    pub counts: Vec<usize>,
    pub not_assessed: usize,
    pub share: String,
}

/// The section's texts and figures.
#[derive(Debug, Clone)]
pub struct Summary {
    pub title: &'static str,
    pub intro: String,
    /// Column heads: what is counted, each category, not assessed, share on track.
    pub heads: Vec<&'static str>,
    pub lines: Vec<Line>,
    /// "En riesgo de no alcanzar la meta al AAAA: …", when any indicator is.
    pub alert: Option<String>,
}

fn line(label: String, c: &OutlookCounts) -> Line {
    Line {
        label,
        counts: Outlook::ALL.iter().map(|o| c.get(*o)).collect(),
        not_assessed: c.not_assessed,
        share: share(c),
    }
}

/// The share on track as shown: "61.3%", or "—" when no indicator is assessed.
pub fn share(c: &OutlookCounts) -> String {
    c.share_on_track().map_or_else(|| "—".to_string(), |x| format!("{:.1}%", x * 100.0))
}

fn heads(first: &'static str, lang: Lang) -> Vec<&'static str> {
    let mut heads = vec![first];
    heads.extend(Outlook::ALL.iter().map(|x| labels::outlook(*x, lang)));
    heads.push(lang.pick("sin datos suficientes", "not enough data"));
    heads.push(lang.pick("en camino o alcanzada", "on track or met"));
    heads
}

const TITLE: (&str, &str) = ("Perspectivas al horizonte", "Outlook to the horizon");

/// The summary of `policy`'s outlook in the year of `result`, under its profile's method.
pub fn summary(policy: &Policy, result: &PolicyResult, lang: Lang) -> Summary {
    let o = assess_policy(policy, result.year, &result.profile);
    let mut lines: Vec<Line> = o.objectives.iter().map(|(code, c)| line(code.to_string(), c)).collect();
    lines.push(line(lang.pick("Política", "Policy").to_string(), &o.policy));
    Summary {
        title: lang.pick(TITLE.0, TITLE.1),
        intro: match lang {
            Lang::Es => format!(
                "Estimación, al ritmo observado hasta {}, de si cada indicador alcanzará su último logro esperado (método {}; \
                 véanse las reglas). No cambia las cifras del reporte.",
                result.year,
                o.method.id()
            ),
            Lang::En => format!(
                "An estimate, at the pace observed up to {}, of whether each indicator will reach its last target (method {}; \
                 see the rules). It does not change the report's figures.",
                result.year,
                o.method.id()
            ),
        },
        heads: heads(lang.pick("Indicadores de", "Indicators of"), lang),
        lines,
        alert: labels::at_risk(&o.at_risk, lang),
    }
}

/// The summary of several policies' outlook in `year` (each by its own profile's method): a line
/// per policy, ranked by share on track (best first; policies with no assessment last; ties by
/// code), and a line for them all. No list of indicators at risk: each policy's report has it.
pub fn portfolio_summary(
    items: &[avance_core::portfolio::PolicyFigures],
    p: &Portfolio,
    year: avance_core::model::Year,
    lang: Lang,
) -> Summary {
    let mut ranked: Vec<(&str, &OutlookCounts)> =
        items.iter().map(|item| (item.meta.code.as_str(), &item.outlook)).collect();
    ranked.sort_by(|a, b| {
        let key = |c: &OutlookCounts| c.share_on_track().unwrap_or(-1.0);
        key(b.1).total_cmp(&key(a.1)).then_with(|| a.0.cmp(b.0))
    });
    let mut lines: Vec<Line> = ranked.into_iter().map(|(code, c)| line(code.to_string(), c)).collect();
    lines.push(line(lang.pick("Todas las políticas", "All policies").to_string(), &p.outlook_total));
    let mut methods: Vec<&str> = items.iter().map(|item| item.profile.progress.id()).collect();
    methods.sort_unstable();
    methods.dedup();
    let methods = methods.join(", ");
    Summary {
        title: lang.pick(TITLE.0, TITLE.1),
        intro: match lang {
            Lang::Es => format!(
                "Estimación, al ritmo observado hasta {year}, de si los indicadores de cada política alcanzarán su último \
                 logro esperado (método {methods}), de la política con más indicadores en camino a la que menos. No \
                 cambia las cifras del reporte; el reporte de cada política nombra sus indicadores en riesgo."
            ),
            Lang::En => format!(
                "An estimate, at the pace observed up to {year}, of whether each policy's indicators will reach their \
                 last target (method {methods}), from the policy with the most indicators on track to the one with the \
                 fewest. It does not change the report's figures; each policy's report names its indicators at risk."
            ),
        },
        heads: heads(lang.pick("Política", "Policy"), lang),
        lines,
        alert: None,
    }
}

/// One indicator's chart over the policy's years: targets, actuals, the band of each year and the
/// projection to the horizon, with what the assessment concluded.
#[derive(Debug, Clone)]
pub struct Trajectory {
    pub code: String,
    pub name: String,
    /// `svg::indicator_chart`.
    pub chart: String,
    /// The category, or why there is none.
    pub verdict: String,
}

/// The chart of every indicator of `policy` that has a numeric target or actual, in the policy's
/// order, with the year's figures of each year of the policy (computed under the result's
/// profile) and the projection of the outlook in the year of `result`.
pub fn trajectories(policy: &Policy, result: &PolicyResult, lang: Lang) -> Vec<Trajectory> {
    let years: Vec<_> = policy.meta().years.iter().collect();
    let per_year: Vec<PolicyResult> =
        years.iter().map(|y| avance_core::compute::compute_with(policy, *y, &result.profile)).collect();
    let d = result.profile.decimals;
    policy
        .indicators()
        .iter()
        .filter(|ind| ind.targets.values().chain(ind.actuals.values()).any(|c| c.number().is_some()))
        .map(|ind| {
            let points: Vec<_> = years
                .iter()
                .zip(&per_year)
                .map(|(y, r)| {
                    let ir = r.indicator(ind.code.as_str());
                    (
                        *y,
                        ir.map_or(avance_core::band::Band::Nd, |i| i.band),
                        ir.and_then(|i| i.avance()).map(|a| avance_core::number::format_display(a, d)),
                    )
                })
                .collect();
            let assessment = avance_core::progress::assess(ind, result.year, &result.profile);
            let projection = assessment.as_ref().ok().and_then(|a| a.projection_line());
            Trajectory {
                code: ind.code.to_string(),
                name: ind.name.clone(),
                chart: crate::svg::indicator_chart(ind, &points, result.year, projection, lang, None),
                verdict: match &assessment {
                    Ok(a) => labels::outlook(a.outlook, lang).to_string(),
                    Err(r) => labels::no_outlook(*r, lang).to_string(),
                },
            }
        })
        .collect()
}
