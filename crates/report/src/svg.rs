//! Charts as SVG, written by hand: deterministic (snapshot-testable), the same in HTML and PDF, with
//! a `<title>` and an `aria-label` for screen readers.

use std::fmt::Write as _;

use avance_core::Decimal;
use avance_core::band::Band;
use avance_core::compute::{LevelCounts, PolicyResult};
use avance_core::lang::Lang;
use avance_core::model::Indicator;
use avance_core::number::format_display;
use avance_core::profile::RuleProfile;

use crate::labels;

/// Fill colour of a band (also used by the HTML tables).
pub fn color(b: Band) -> &'static str {
    match b {
        Band::Bajo => "#c0392b",
        Band::Intermedio => "#e0a800",
        Band::Alto => "#1e8449",
        Band::Nd => "#8a8f94",
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The opening of a chart: its size, its title for screen readers, and the text's font (presentation
/// attributes, not inline CSS, which a strict Content-Security-Policy would block).
fn open(w: f64, h: f64, title: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{t}" font-family="sans-serif" font-size="12"><title>{t}</title>"#,
        t = esc(title)
    )
}

fn f(x: f64) -> String {
    format!("{x:.1}")
}

/// How many figures of each level fall in each band: one stacked bar per level.
pub fn band_distribution(counts: &LevelCounts, lang: Lang) -> String {
    let title = lang.pick("Distribución por semáforo de cada nivel", "Traffic-light distribution of each level");
    let rows = labels::levels(counts, lang);
    let (w, label_w, bar_h, gap) = (790.0, 220.0, 26.0, 14.0);
    let h = 40.0 + rows.len() as f64 * (bar_h + gap) + 30.0;
    let mut s = open(w, h, title);
    for (i, (label, c)) in rows.iter().enumerate() {
        let y = 20.0 + i as f64 * (bar_h + gap);
        let _ = write!(s, r#"<text x="0" y="{}">{}</text>"#, f(y + bar_h * 0.65), esc(label));
        let total = c.total().max(1) as f64;
        let mut x = label_w;
        for b in Band::ALL {
            let n = c.get(b);
            let bw = (w - label_w - 10.0) * n as f64 / total;
            if n > 0 {
                let _ = write!(
                    s,
                    r#"<rect x="{}" y="{}" width="{}" height="{bar_h}" fill="{}"><title>{}: {n}</title></rect>"#,
                    f(x),
                    f(y),
                    f(bw),
                    color(b),
                    esc(labels::band(b, lang))
                );
                if bw > 18.0 {
                    let _ = write!(
                        s,
                        r##"<text x="{}" y="{}" text-anchor="middle" fill="#fff" font-weight="bold">{n}</text>"##,
                        f(x + bw / 2.0),
                        f(y + bar_h * 0.68)
                    );
                }
            }
            x += bw;
        }
    }
    // Legend.
    let ly = h - 16.0;
    for (i, b) in Band::ALL.iter().enumerate() {
        let lx = label_w + i as f64 * 140.0;
        let text = match b {
            Band::Nd => "ND".to_string(),
            _ => format!("{} {}", labels::band(*b, lang), labels::band_range(*b)),
        };
        let _ = write!(
            s,
            r#"<rect x="{}" y="{}" width="12" height="12" fill="{}"/><text x="{}" y="{}">{}</text>"#,
            f(lx),
            f(ly - 10.0),
            color(*b),
            f(lx + 16.0),
            f(ly),
            esc(&text)
        );
    }
    s.push_str("</svg>");
    s
}

/// Each objective's avance as a bar, against the thresholds of the intermedio and alto bands.
pub fn objective_avances(result: &PolicyResult, lang: Lang) -> String {
    let title = lang.pick("Avance de los objetivos prioritarios", "Priority objectives' avance");
    let items: Vec<(String, Option<Decimal>, Band)> =
        result.objectives.iter().map(|o| (o.code.to_string(), o.avance, o.band)).collect();
    bars(title, &items, &result.profile)
}

/// Figures as bars, each coloured by its band, against the thresholds of the intermedio and alto
/// bands of `profile` (objectives of a policy; índices of policies).
pub fn bars(title: &str, items: &[(String, Option<Decimal>, Band)], profile: &RuleProfile) -> String {
    let d = profile.decimals;
    let to_f = |x: Decimal| x.to_string().parse::<f64>().unwrap_or(0.0);
    let top = items.iter().filter_map(|o| o.1).map(to_f).fold(100.0_f64, f64::max).min(200.0);
    let (w, h, left, bottom, top_pad) = (680.0, 260.0, 40.0, 30.0, 20.0);
    let plot_h = h - bottom - top_pad;
    let y_of = |v: f64| top_pad + plot_h * (1.0 - v.min(top) / top);
    let n = items.len().max(1) as f64;
    let slot = (w - left - 10.0) / n;
    let mut s = open(w, h, title);
    let _ = write!(
        s,
        r##"<line x1="{left}" y1="{}" x2="{}" y2="{}" stroke="#444"/>"##,
        f(y_of(0.0)),
        f(w - 10.0),
        f(y_of(0.0))
    );
    for (i, (code, avance, band)) in items.iter().enumerate() {
        let x = left + i as f64 * slot + slot * 0.2;
        let bw = slot * 0.6;
        match *avance {
            Some(a) => {
                let v = to_f(a);
                let label = format_display(a, d);
                let _ = write!(
                    s,
                    r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {label}</title></rect>"#,
                    f(x),
                    f(y_of(v)),
                    f(bw),
                    f(y_of(0.0) - y_of(v)),
                    color(*band),
                    code
                );
                let _ = write!(
                    s,
                    r#"<text x="{}" y="{}" text-anchor="middle">{label}</text>"#,
                    f(x + bw / 2.0),
                    f(y_of(v) - 4.0)
                );
            }
            None => {
                let _ = write!(
                    s,
                    r##"<text x="{}" y="{}" text-anchor="middle" fill="#8a8f94">ND</text>"##,
                    f(x + bw / 2.0),
                    f(y_of(0.0) - 6.0)
                );
            }
        }
        let _ = write!(s, r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#, f(x + bw / 2.0), f(h - 10.0), code);
    }
    for (limit, b) in [(profile.bands.intermedio, Band::Intermedio), (profile.bands.alto, Band::Alto)] {
        let y = y_of(to_f(limit));
        let _ = write!(
            s,
            r#"<line x1="{left}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-dasharray="6 4"/><text x="2" y="{}">{}</text>"#,
            f(y),
            f(w - 10.0),
            f(y),
            color(b),
            f(y + 4.0),
            format_display(limit, 0)
        );
    }
    s.push_str("</svg>");
    s
}

/// A small chart of an indicator's targets (dashed) and actuals (solid) over the years; ND leaves
/// a gap.
pub fn indicator_trend(ind: &Indicator, lang: Lang) -> String {
    let years: Vec<_> = ind
        .targets
        .keys()
        .chain(ind.actuals.keys())
        .copied()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let title = format!(
        "{} {}",
        lang.pick("Logros esperados y valores obtenidos de", "Targets and actual values of"),
        ind.code
    );
    let (w, h, pad) = (110.0, 40.0, 5.0);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{}"><title>{}</title>"#,
        esc(&title),
        esc(&title)
    );
    let num = |c: &avance_core::value::Cell| c.number().and_then(|d| d.to_string().parse::<f64>().ok());
    let values: Vec<f64> = ind.targets.values().chain(ind.actuals.values()).filter_map(num).collect();
    if years.len() < 2 || values.is_empty() {
        let _ =
            write!(s, r##"<text x="4" y="26" font-family="sans-serif" font-size="11" fill="#8a8f94">ND</text></svg>"##);
        return s;
    }
    let (lo, hi) = values.iter().fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
    let (lo, hi) = if (hi - lo).abs() < f64::EPSILON { (lo - 1.0, hi + 1.0) } else { (lo, hi) };
    let x_of = |i: usize| pad + (w - 2.0 * pad) * i as f64 / (years.len() - 1) as f64;
    let y_of = |v: f64| pad + (h - 2.0 * pad) * (1.0 - (v - lo) / (hi - lo));
    for (series, stroke, dash) in [(&ind.targets, "#555", " stroke-dasharray=\"4 3\""), (&ind.actuals, "#1f5fa8", "")] {
        let mut path = String::new();
        let mut pen_down = false;
        for (i, y) in years.iter().enumerate() {
            match series.get(y).and_then(num) {
                Some(v) => {
                    let _ = write!(path, "{}{} {} ", if pen_down { "L" } else { "M" }, f(x_of(i)), f(y_of(v)));
                    pen_down = true;
                    let _ = write!(
                        s,
                        r#"<circle cx="{}" cy="{}" r="2" fill="{stroke}"><title>{y}: {}</title></circle>"#,
                        f(x_of(i)),
                        f(y_of(v)),
                        esc(series.get(y).map_or("", |c| c.text()))
                    );
                }
                None => pen_down = false,
            }
        }
        if !path.is_empty() {
            let _ =
                write!(s, r#"<path d="{}" fill="none" stroke="{stroke}" stroke-width="1.5"{dash}/>"#, path.trim_end());
        }
    }
    s.push_str("</svg>");
    s
}
