//! "Perspectivas al horizonte": the outlook to the horizon of a policy's indicators, summed up for
//! the reports (HTML and PDF alike): indicators per category for each objective and the policy,
//! the share on track, and the alert naming the indicators at risk.

use avance_core::compute::PolicyResult;
use avance_core::lang::Lang;
use avance_core::model::Policy;
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
        share: c.share_on_track().map_or_else(|| "—".to_string(), |x| format!("{:.1}%", x * 100.0)),
    }
}

/// The summary of `policy`'s outlook in the year of `result`, under its profile's method.
pub fn summary(policy: &Policy, result: &PolicyResult, lang: Lang) -> Summary {
    let o = assess_policy(policy, result.year, &result.profile);
    let mut lines: Vec<Line> = o.objectives.iter().map(|(code, c)| line(code.to_string(), c)).collect();
    lines.push(line(lang.pick("Política", "Policy").to_string(), &o.policy));
    let mut heads = vec![lang.pick("Indicadores de", "Indicators of")];
    heads.extend(Outlook::ALL.iter().map(|x| labels::outlook(*x, lang)));
    heads.push(lang.pick("sin datos suficientes", "not enough data"));
    heads.push(lang.pick("en camino o alcanzada", "on track or met"));
    Summary {
        title: lang.pick("Perspectivas al horizonte", "Outlook to the horizon"),
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
        heads,
        lines,
        alert: labels::at_risk(&o.at_risk, lang),
    }
}
