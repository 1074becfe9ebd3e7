//! The terminal view of `avance compute --format table`: objectives, índice, counts, alerts.

use std::fmt::Write as _;

use avance_core::Decimal;
use avance_core::alert::AlertLevel;
use avance_core::band::Band;
use avance_core::compute::PolicyResult;
use avance_core::lang::Lang;
use avance_core::model::Policy;
use avance_core::number::format_display;

use crate::{alert_text, labels};

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max - 1).collect();
        out.push('…');
        out
    }
}

fn figure(x: Option<Decimal>, decimals: u32) -> String {
    x.map_or_else(|| "ND".to_string(), |x| format_display(x, decimals))
}

/// The readable summary of a policy's figures for one year.
pub fn compute(policy: &Policy, result: &PolicyResult, lang: Lang) -> String {
    let es = lang == Lang::Es;
    let m = policy.meta();
    let d = result.profile.decimals;
    let mut o = String::new();
    let _ = writeln!(o, "{} ({}) — {} {}", m.name, m.code, lang.pick("año", "year"), result.year);
    let _ = writeln!(
        o,
        "{}: {} {} · {}: {} {} · {}: {}",
        lang.pick("Sector", "Sector"),
        m.sector.code,
        m.sector.name,
        lang.pick("Ministerio conductor", "Conducting ministry"),
        m.ministry.code,
        m.ministry.name,
        lang.pick("Tipo", "Type"),
        m.policy_type.id()
    );
    let _ = writeln!(o, "{}: {}", lang.pick("Perfil de reglas", "Rule profile"), result.profile.id());

    let _ = writeln!(o, "\n{}", lang.pick("Objetivos prioritarios", "Priority objectives"));
    for r in &result.objectives {
        let name = policy.objectives().iter().find(|x| x.code == r.code).map_or("", |x| x.name.as_str());
        let _ = writeln!(
            o,
            "  {:<7} {:>8}  {:<12} {}",
            r.code.as_str(),
            figure(r.avance, d),
            labels::band(r.band, lang),
            shorten(name, 70)
        );
    }
    let _ = writeln!(
        o,
        "\n{}: {} ({})",
        lang.pick("Índice de gestión de la política nacional", "National policy management index"),
        figure(result.index, d),
        labels::band(result.index_band, lang)
    );

    let _ = writeln!(o, "\n{}", lang.pick("Semáforo", "Traffic light"));
    write_counts(&mut o, "  ", &result.counts, lang);

    let _ = writeln!(o, "\n{}", lang.pick("Indicadores (Avance Tipo 1)", "Indicators (Avance Tipo 1)"));
    for r in result.indicators() {
        let name = policy.indicator(r.code).map_or("", |i| i.name.as_str());
        let _ = writeln!(
            o,
            "  {:<16} {:>8}  {:<12} {}",
            r.code.as_str(),
            figure(r.avance(), d),
            labels::band(r.band, lang),
            shorten(name, 60)
        );
    }

    let alerts = result.alerts(policy);
    let shown: Vec<_> = alerts.iter().filter(|a| a.level != AlertLevel::Indicator).collect();
    let _ = writeln!(
        o,
        "\n{} ({} {}, {} {})",
        lang.pick("Alertas", "Alerts"),
        shown.len(),
        lang.pick("de objetivo y servicio", "for objectives and services"),
        alerts.len() - shown.len(),
        lang.pick("de indicador: ver --format json", "for indicators: see --format json"),
    );
    for a in shown {
        let kind = match (a.kind.id(), es) {
            ("bajo_avance", true) => "bajo avance",
            ("bajo_avance", false) => "low progress",
            ("sin_informacion", true) => "sin información",
            ("sin_informacion", false) => "no information",
            ("avance_atipico", true) => "avance atípico",
            ("avance_atipico", false) => "atypical avance",
            (_, true) => "calidad de datos",
            (_, false) => "data quality",
        };
        let _ = writeln!(
            o,
            "  {:<12} {:<16} {}",
            a.code.as_str(),
            kind,
            alert_text::detail(a, &result.profile, result.year, lang)
        );
    }

    // The outlook to the horizon: indicators per category, by objective and for the policy.
    write_outlook(&mut o, &crate::outlook::summary(policy, result, lang));
    o
}

/// The readable summary of several policies: each one's índice, then counts by sector, ministry
/// and type.
pub fn portfolio(
    items: &[avance_core::portfolio::PolicyFigures],
    year: avance_core::model::Year,
    lang: Lang,
) -> String {
    let p = avance_core::portfolio::portfolio(items);
    let mut o = String::new();
    let _ =
        writeln!(o, "{} — {} {year}", lang.pick("Políticas nacionales", "National policies"), lang.pick("año", "year"));
    let _ = writeln!(o, "\n{}", lang.pick("Índice de gestión por política", "Management index by policy"));
    for r in items {
        let _ = writeln!(
            o,
            "  {:<10} {:>8}  {:<12} {}",
            r.meta.code,
            figure(r.index, r.profile.decimals),
            labels::band(r.index_band, lang),
            shorten(&r.meta.name, 70)
        );
    }
    let sections = [
        (lang.pick("Por sector", "By sector"), &p.by_sector),
        (lang.pick("Por ministerio conductor", "By conducting ministry"), &p.by_ministry),
        (lang.pick("Por tipo de política", "By policy type"), &p.by_type),
    ];
    for (title, groups) in sections {
        let _ = writeln!(o, "\n{title}");
        for g in groups {
            let label = if g.code == g.name { g.code.clone() } else { format!("{} {}", g.code, g.name) };
            let _ = writeln!(o, "  {} ({})", label, g.policies.join(", "));
            write_counts(&mut o, "    ", &g.counts, lang);
        }
    }
    write_outlook(&mut o, &crate::outlook::portfolio_summary(items, &p, year, lang));
    o
}

/// "Perspectivas al horizonte": the intro, a line per row (share on track, then the counts), the
/// alert.
fn write_outlook(o: &mut String, sum: &crate::outlook::Summary) {
    let _ = writeln!(o, "\n{}", sum.title);
    let _ = writeln!(o, "  {}", sum.intro);
    let width = sum.lines.iter().map(|l| l.label.chars().count()).max().unwrap_or(0).max(9);
    for l in &sum.lines {
        let cells: Vec<String> = sum.heads[1..sum.heads.len() - 2]
            .iter()
            .zip(&l.counts)
            .map(|(h, c)| format!("{h} {c}"))
            .chain([format!("{} {}", sum.heads[sum.heads.len() - 2], l.not_assessed)])
            .collect();
        let _ = writeln!(
            o,
            "  {:<width$} {:>6} {}  ({})",
            l.label,
            l.share,
            sum.heads[sum.heads.len() - 1],
            cells.join(" · ")
        );
    }
    if let Some(a) = &sum.alert {
        let _ = writeln!(o, "  {a}");
    }
}

/// The semáforo table: a heading row and a row per level, indented.
fn write_counts(o: &mut String, indent: &str, c: &avance_core::compute::LevelCounts, lang: Lang) {
    let head: Vec<String> = Band::ALL.iter().map(|b| format!("{:>9}", labels::band_range(*b))).collect();
    let _ = writeln!(o, "{indent}{:<38}{}{:>7}", "", head.join(""), "Total");
    for (name, counts) in labels::levels(c, lang) {
        let cells: Vec<String> = Band::ALL.iter().map(|b| format!("{:>9}", counts.get(*b))).collect();
        let _ = writeln!(o, "{indent}{name:<38}{}{:>7}", cells.join(""), counts.total());
    }
}
