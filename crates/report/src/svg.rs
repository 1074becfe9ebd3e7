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
        Band::Nd => "#5f6368",
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Text colour that reads on a band's fill (contrast at least 4.5:1 either way).
pub fn text_on(b: Band) -> &'static str {
    if b == Band::Intermedio { "#1b1b1b" } else { "#fff" }
}

/// Width of every chart's drawing: narrow enough that its text stays readable when a phone shows
/// the chart at the width of its screen, and scaled up by the page on wider ones.
const W: f64 = 440.0;

/// The opening of a chart: its size, its title for screen readers, what describes it in words
/// (`describedby`: the id of the table with the same figures), and the text's font (presentation
/// attributes, not inline CSS, which a strict Content-Security-Policy would block).
fn open(w: f64, h: f64, title: &str, describedby: Option<&str>) -> String {
    let described = describedby.map(|id| format!(r#" aria-describedby="{}""#, esc(id))).unwrap_or_default();
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{t}"{described} font-family="sans-serif" font-size="14" fill="#1b1b1b"><title>{t}</title>"##,
        t = esc(title)
    )
}

fn f(x: f64) -> String {
    format!("{x:.1}")
}

fn to_f(x: Decimal) -> f64 {
    x.to_string().parse::<f64>().unwrap_or(0.0)
}

/// A legend entry: a swatch and its text, at (x, y); returns the x after it.
fn legend(s: &mut String, x: f64, y: f64, fill: &str, text: &str) -> f64 {
    let _ = write!(
        s,
        r#"<rect x="{}" y="{}" width="12" height="12" fill="{fill}"/><text x="{}" y="{}">{}</text>"#,
        f(x),
        f(y - 10.0),
        f(x + 16.0),
        f(y),
        esc(text)
    );
    x + 24.0 + 7.6 * text.chars().count() as f64
}

/// How many figures of each level fall in each band: one stacked bar per level, its name above.
pub fn band_distribution(counts: &LevelCounts, lang: Lang) -> String {
    band_distribution_described(counts, lang, None)
}

/// [`band_distribution`], described by the table whose id is `describedby`.
pub fn band_distribution_described(counts: &LevelCounts, lang: Lang, describedby: Option<&str>) -> String {
    let title = lang.pick("Distribución por semáforo de cada nivel", "Traffic-light distribution of each level");
    let rows = labels::levels(counts, lang);
    let (bar_h, row_h) = (22.0, 52.0);
    let h = 8.0 + rows.len() as f64 * row_h + 44.0;
    let mut s = open(W, h, title, describedby);
    for (i, (label, c)) in rows.iter().enumerate() {
        let y = 8.0 + i as f64 * row_h;
        let _ = write!(s, r#"<text x="0" y="{}">{} ({})</text>"#, f(y + 12.0), esc(label), c.total());
        let total = c.total().max(1) as f64;
        let mut x = 0.0;
        for b in Band::ALL {
            let n = c.get(b);
            let bw = (W - 2.0) * n as f64 / total;
            if n > 0 {
                let _ = write!(
                    s,
                    r#"<rect x="{}" y="{}" width="{}" height="{bar_h}" fill="{}"><title>{}: {n}</title></rect>"#,
                    f(x),
                    f(y + 18.0),
                    f(bw),
                    color(b),
                    esc(labels::band(b, lang))
                );
                if bw > 18.0 {
                    let _ = write!(
                        s,
                        r#"<text x="{}" y="{}" text-anchor="middle" fill="{}" font-weight="bold">{n}</text>"#,
                        f(x + bw / 2.0),
                        f(y + 18.0 + bar_h * 0.7),
                        text_on(b)
                    );
                }
            }
            x += bw;
        }
    }
    // Legend, in two lines.
    let ly = h - 26.0;
    for (i, b) in Band::ALL.iter().enumerate() {
        let text = match b {
            Band::Nd => lang.pick("ND (sin información)", "ND (no data)").to_string(),
            _ => format!("{} {}", labels::band(*b, lang), labels::band_range(*b)),
        };
        legend(&mut s, (i % 2) as f64 * 220.0, ly + (i / 2) as f64 * 18.0, color(*b), &text);
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

/// Figures as horizontal bars, one line each, coloured by band, against the thresholds of the
/// intermedio and alto bands of `profile` (objectives of a policy; índices of policies). A bar
/// past 200 % is drawn to 200 and labelled with its figure.
pub fn bars(title: &str, items: &[(String, Option<Decimal>, Band)], profile: &RuleProfile) -> String {
    bars_described(title, items, profile, None)
}

/// [`bars`], described by the table whose id is `describedby`.
pub fn bars_described(
    title: &str,
    items: &[(String, Option<Decimal>, Band)],
    profile: &RuleProfile,
    describedby: Option<&str>,
) -> String {
    let d = profile.decimals;
    let top = items.iter().filter_map(|o| o.1).map(to_f).fold(100.0_f64, f64::max).min(200.0);
    let label_w = items.iter().map(|i| i.0.chars().count()).max().unwrap_or(4) as f64 * 8.6 + 8.0;
    let (left, right, top_pad, row_h) = (label_w.clamp(48.0, 160.0), 56.0, 24.0, 28.0);
    let h = top_pad + items.len().max(1) as f64 * row_h + 24.0;
    let x_of = |v: f64| left + (W - left - right) * v.clamp(0.0, top) / top;
    let mut s = open(W, h, title, describedby);
    let bottom = top_pad + items.len().max(1) as f64 * row_h;
    // Axis: 0, 50, 100 (and more when a figure passes 100).
    let mut tick = 0.0;
    while tick <= top + 0.1 {
        let _ = write!(
            s,
            r##"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="#c8cdd2"/><text x="{x}" y="{}" text-anchor="middle">{}</text>"##,
            f(top_pad - 4.0),
            f(bottom),
            f(bottom + 18.0),
            tick,
            x = f(x_of(tick)),
        );
        tick += 50.0;
    }
    for (i, (code, avance, band)) in items.iter().enumerate() {
        let y = top_pad + i as f64 * row_h;
        let _ = write!(s, r#"<text x="0" y="{}">{}</text>"#, f(y + row_h * 0.62), esc(code));
        match *avance {
            Some(a) => {
                let v = to_f(a);
                let label = format_display(a, d);
                let _ = write!(
                    s,
                    r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {label}</title></rect><text x="{}" y="{}">{label}</text>"#,
                    f(left),
                    f(y + 4.0),
                    f(x_of(v) - left),
                    f(row_h - 8.0),
                    color(*band),
                    esc(code),
                    f(x_of(v) + 4.0),
                    f(y + row_h * 0.62),
                );
            }
            None => {
                let _ = write!(s, r#"<text x="{}" y="{}">ND</text>"#, f(left + 4.0), f(y + row_h * 0.62));
            }
        }
    }
    for (limit, b) in [(profile.bands.intermedio, Band::Intermedio), (profile.bands.alto, Band::Alto)] {
        let x = x_of(to_f(limit));
        let _ = write!(
            s,
            r##"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="{}" stroke-width="2" stroke-dasharray="6 4"/><text x="{x}" y="{}" text-anchor="middle" font-weight="bold">{}</text>"##,
            f(top_pad - 4.0),
            f(bottom),
            if b == Band::Intermedio { "#8a6700" } else { color(b) },
            f(top_pad - 8.0),
            format_display(limit, 0),
            x = f(x),
        );
    }
    s.push_str("</svg>");
    s
}

/// A figure of each year (a policy's índice de gestión over its horizon) as vertical bars coloured
/// by band, against the thresholds of `profile`; ND where a year has none.
pub fn yearly(
    title: &str,
    points: &[(avance_core::model::Year, Option<Decimal>, Band)],
    profile: &RuleProfile,
    lang: Lang,
    describedby: Option<&str>,
) -> String {
    let d = profile.decimals;
    let top = points.iter().filter_map(|p| p.1).map(to_f).fold(100.0_f64, f64::max).min(200.0);
    let (h, left, bottom, top_pad) = (230.0, 38.0, 26.0, 20.0);
    let plot_h = h - bottom - top_pad;
    let y_of = |v: f64| top_pad + plot_h * (1.0 - v.clamp(0.0, top) / top);
    let slot = (W - left - 4.0) / points.len().max(1) as f64;
    let mut s = open(W, h, title, describedby);
    let limits = [to_f(profile.bands.intermedio), to_f(profile.bands.alto)];
    let mut tick = 0.0;
    while tick <= top + 0.1 {
        let _ = write!(
            s,
            r##"<line x1="{left}" y1="{y}" x2="{}" y2="{y}" stroke="#e1e4e8"/>"##,
            f(W - 4.0),
            y = f(y_of(tick))
        );
        // A tick's figure would overlap the threshold's label next to it.
        if limits.iter().all(|l| (l - tick).abs() > top * 0.06) {
            let _ = write!(
                s,
                r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
                f(left - 4.0),
                f(y_of(tick) + 5.0),
                tick
            );
        }
        tick += 50.0;
    }
    for (i, (year, value, band)) in points.iter().enumerate() {
        let x = left + i as f64 * slot;
        let bw = (slot * 0.6).min(48.0);
        let cx = x + slot / 2.0;
        match value {
            Some(a) => {
                let v = to_f(*a);
                let label = format_display(*a, d);
                let _ = write!(
                    s,
                    r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{year}: {label} ({})</title></rect><text x="{}" y="{}" text-anchor="middle">{label}</text>"#,
                    f(cx - bw / 2.0),
                    f(y_of(v)),
                    f(bw),
                    f(y_of(0.0) - y_of(v)),
                    color(*band),
                    labels::band(*band, lang),
                    f(cx),
                    f(y_of(v) - 4.0),
                );
            }
            None => {
                let _ = write!(s, r#"<text x="{}" y="{}" text-anchor="middle">ND</text>"#, f(cx), f(y_of(0.0) - 6.0));
            }
        }
        let _ = write!(s, r#"<text x="{}" y="{}" text-anchor="middle">{year}</text>"#, f(cx), f(h - 8.0));
    }
    for (limit, b) in [(profile.bands.intermedio, Band::Intermedio), (profile.bands.alto, Band::Alto)] {
        let y = y_of(to_f(limit));
        let _ = write!(
            s,
            r##"<line x1="{left}" y1="{y}" x2="{}" y2="{y}" stroke="{}" stroke-width="2" stroke-dasharray="6 4"/><text x="{}" y="{}" text-anchor="end" font-weight="bold">{}</text>"##,
            f(W - 4.0),
            if b == Band::Intermedio { "#8a6700" } else { color(b) },
            f(left - 4.0),
            f(y + 4.0),
            format_display(limit, 0),
            y = f(y),
        );
    }
    s.push_str("</svg>");
    s
}

/// Tick marks for values from `lo` to `hi`: about five round numbers (1, 2 or 5 times a power of
/// ten) covering both.
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = (hi - lo).max(f64::EPSILON);
    let raw = span / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    let start = (lo / step).floor() * step;
    let mut out = Vec::new();
    let mut t = start;
    while t <= hi + step * 0.999 && out.len() < 12 {
        out.push(t);
        t += step;
    }
    out
}

/// A tick's label: whole numbers without decimals, others with up to two; thousands grouped.
fn tick_label(v: f64) -> String {
    let rounded = (v * 100.0).round() / 100.0;
    let text = if rounded.fract() == 0.0 { format!("{rounded:.0}") } else { format!("{rounded}") };
    let (int, frac) = text.split_once('.').map_or((text.as_str(), None), |(a, b)| (a, Some(b)));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(fr) => format!("{sign}{grouped}.{fr}"),
        None => format!("{sign}{grouped}"),
    }
}

/// An indicator over the years of its policy: targets (dashed line, open marks) and actuals
/// (solid line, marks filled with the year's band), the baseline as a dotted line, an axis with
/// the unit of measure, and under each year up to `follow_up` the year's band (later years have
/// no figure yet: no box, rather than an ND that would say the value is missing). `points` are the
/// policy's years with the band of each; `describedby` is the id of the table with the same figures.
pub fn indicator_chart(
    ind: &Indicator,
    points: &[(avance_core::model::Year, Band, Option<String>)],
    follow_up: avance_core::model::Year,
    projection: Option<(avance_core::progress::Point, avance_core::progress::Point)>,
    lang: Lang,
    describedby: Option<&str>,
) -> String {
    // The projection is drawn when both its ends are years of the chart and it goes somewhere.
    let projection = projection
        .filter(|(from, to)| to.0 > from.0 && [from.0, to.0].iter().all(|y| points.iter().any(|p| p.0 == *y)));
    let title = format!(
        "{} {}",
        lang.pick("Logros esperados y valores obtenidos de", "Targets and actual values of"),
        ind.code
    );
    let num = |c: &avance_core::value::Cell| c.number().map(to_f);
    let base = ind.baseline.as_ref().and_then(|b| num(&b.value).map(|v| (b.year, v, b.value.text().to_string())));
    let mut values: Vec<f64> = points
        .iter()
        .flat_map(|(y, _, _)| [ind.targets.get(y).and_then(num), ind.actuals.get(y).and_then(num)])
        .flatten()
        .collect();
    values.extend(base.as_ref().map(|b| b.1));
    values.extend(projection.map(|(_, to)| to.1));
    let (h, left, right, top_pad, bottom) = (290.0, 62.0, 12.0, 44.0, 52.0);
    let mut s = open(W, h, &title, describedby);
    // Legend.
    let mut lx = 0.0;
    let mut entries = vec![
        (lang.pick("Logro esperado", "Target"), "#4a4f55", "5 4", "#fff"),
        (lang.pick("Valor obtenido", "Actual value"), "#1f5fa8", "", "#1f5fa8"),
        (lang.pick("Línea base", "Baseline"), "#4a4f55", "1 3", "none"),
    ];
    if projection.is_some() {
        entries.push((lang.pick("Proyección", "Projection"), PROJECTION, "2 3", "none"));
    }
    let (mut ly, legend_w) = (10.0, W - 8.0);
    for (text, stroke, dash, fill) in entries {
        let width = 42.0 + 7.6 * text.chars().count() as f64;
        if lx + width > legend_w {
            lx = 0.0;
            ly += 18.0;
        }
        let _ = write!(
            s,
            r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{stroke}" stroke-width="2" stroke-dasharray="{dash}"/>"#,
            f(lx),
            f(lx + 24.0),
            y = f(ly),
        );
        if fill != "none" {
            let _ = write!(
                s,
                r#"<circle cx="{}" cy="{}" r="4" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>"#,
                f(lx + 12.0),
                f(ly)
            );
        }
        let _ = write!(s, r#"<text x="{}" y="{}">{}</text>"#, f(lx + 30.0), f(ly + 4.0), esc(text));
        lx += width;
    }
    let _ = write!(s, r#"<text x="0" y="{}" font-style="italic">{}</text>"#, f(ly + 24.0), esc(ind.unit.label(lang)));
    let top_pad = top_pad + (ly - 10.0);
    if points.is_empty() || values.is_empty() {
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="middle">{}</text></svg>"#,
            f(W / 2.0),
            f(h / 2.0),
            esc(lang.pick("Sin valores numéricos que graficar (ND).", "No numeric values to chart (ND)."))
        );
        return s;
    }
    let (lo, hi) = values.iter().fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
    let lo = if lo >= 0.0 && lo <= hi * 0.5 { 0.0 } else { lo };
    let (lo, hi) = if (hi - lo).abs() < f64::EPSILON { (lo - 1.0, hi + 1.0) } else { (lo, hi) };
    let ticks = ticks(lo, hi);
    let (lo, hi) = (ticks.first().copied().unwrap_or(lo), ticks.last().copied().unwrap_or(hi));
    let plot_bottom = h - bottom;
    let y_of = |v: f64| top_pad + (plot_bottom - top_pad) * (1.0 - (v - lo) / (hi - lo));
    let slot = (W - left - right) / points.len() as f64;
    let x_of = |i: usize| left + slot * (i as f64 + 0.5);
    for t in &ticks {
        let _ = write!(
            s,
            r##"<line x1="{left}" y1="{y}" x2="{}" y2="{y}" stroke="#e1e4e8"/><text x="{}" y="{}" text-anchor="end">{}</text>"##,
            f(W - right),
            f(left - 6.0),
            f(y_of(*t) + 4.0),
            tick_label(*t),
            y = f(y_of(*t)),
        );
    }
    let _ = write!(
        s,
        r##"<line x1="{left}" y1="{}" x2="{left}" y2="{}" stroke="#4a4f55"/><line x1="{left}" y1="{b}" x2="{}" y2="{b}" stroke="#4a4f55"/>"##,
        f(top_pad),
        f(plot_bottom),
        f(W - right),
        b = f(plot_bottom),
    );
    if let Some((year, v, text)) = &base {
        let y = y_of(*v);
        let _ = write!(
            s,
            r##"<line x1="{left}" y1="{y}" x2="{}" y2="{y}" stroke="#4a4f55" stroke-width="2" stroke-dasharray="1 3"><title>{} {year}: {}</title></line>"##,
            f(W - right),
            esc(lang.pick("Línea base", "Baseline")),
            esc(text),
            y = f(y),
        );
    }
    // Years, and the year's band under each.
    for (i, (year, band, avance)) in points.iter().enumerate() {
        let x = x_of(i);
        let _ = write!(s, r#"<text x="{}" y="{}" text-anchor="middle">{year}</text>"#, f(x), f(plot_bottom + 16.0));
        if *year > follow_up {
            continue;
        }
        let bw = (slot - 4.0).min(40.0);
        let shown = avance.clone().unwrap_or_else(|| "ND".into());
        let _ = write!(
            s,
            r#"<rect x="{}" y="{}" width="{}" height="16" fill="{}"><title>{year}: {} {shown} ({})</title></rect>"#,
            f(x - bw / 2.0),
            f(plot_bottom + 24.0),
            f(bw),
            color(*band),
            esc(lang.pick("avance", "avance")),
            labels::band(*band, lang),
        );
        if bw >= 26.0 {
            let _ = write!(
                s,
                r#"<text x="{}" y="{}" text-anchor="middle" font-size="10" fill="{}">{}</text>"#,
                f(x),
                f(plot_bottom + 36.0),
                text_on(*band),
                esc(&shown)
            );
        }
    }
    for (series, stroke, dash, filled) in
        [(&ind.targets, "#4a4f55", " stroke-dasharray=\"5 4\"", false), (&ind.actuals, "#1f5fa8", "", true)]
    {
        let years: Vec<_> = points.iter().map(|p| p.0).collect();
        let (path, marks) = gapped_line(series, &years, num, &x_of, &y_of);
        if !path.is_empty() {
            let _ = write!(s, r#"<path d="{path}" fill="none" stroke="{stroke}" stroke-width="2"{dash}/>"#);
        }
        for (i, x, y, text) in marks {
            let fill = if filled { color(points[i].1) } else { "#fff" };
            let _ = write!(
                s,
                r#"<circle cx="{}" cy="{}" r="4.5" fill="{fill}" stroke="{stroke}" stroke-width="1.5"><title>{}: {}</title></circle>"#,
                f(x),
                f(y),
                years[i],
                esc(text)
            );
        }
    }
    if let Some((from, to)) = projection {
        let at = |y: avance_core::model::Year| points.iter().position(|p| p.0 == y).map(x_of);
        if let (Some(x1), Some(x2)) = (at(from.0), at(to.0)) {
            let _ = write!(
                s,
                r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{PROJECTION}" stroke-width="2.5" stroke-dasharray="2 3"><title>{} {}: {}</title></line>"#,
                f(x1),
                f(y_of(from.1)),
                f(x2),
                f(y_of(to.1)),
                esc(lang.pick("Proyección al", "Projection to")),
                to.0,
                esc(&tick_label(to.1)),
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// A series over `years` as a line that leaves a gap where a year has no number (ND or not
/// provided): the path's `d`, and each point drawn (index in `years`, x, y, the value as written).
fn gapped_line<'a>(
    series: &'a avance_core::model::Series,
    years: &[avance_core::model::Year],
    num: impl Fn(&avance_core::value::Cell) -> Option<f64>,
    x_of: &impl Fn(usize) -> f64,
    y_of: &impl Fn(f64) -> f64,
) -> (String, Vec<(usize, f64, f64, &'a str)>) {
    let mut path = String::new();
    let mut marks = Vec::new();
    let mut pen_down = false;
    for (i, year) in years.iter().enumerate() {
        let cell = series.get(year);
        match cell.and_then(&num) {
            Some(v) => {
                let _ = write!(path, "{}{} {} ", if pen_down { "L" } else { "M" }, f(x_of(i)), f(y_of(v)));
                pen_down = true;
                marks.push((i, x_of(i), y_of(v), cell.map_or("", |c| c.text())));
            }
            None => pen_down = false,
        }
    }
    (path.trim_end().to_string(), marks)
}

/// The colour of the projection line (7:1 on white).
const PROJECTION: &str = "#6a3d9a";

/// A small chart of an indicator's targets (dashed) and actuals (solid) over the years; ND leaves
/// a gap.
pub fn indicator_trend(ind: &Indicator, lang: Lang) -> String {
    indicator_trend_projected(ind, None, lang)
}

/// [`indicator_trend`] with the projection to the horizon (from the latest actual to the value
/// expected at the horizon year) as a dotted purple line.
pub fn indicator_trend_projected(
    ind: &Indicator,
    projection: Option<(avance_core::progress::Point, avance_core::progress::Point)>,
    lang: Lang,
) -> String {
    let years: Vec<_> = ind
        .targets
        .keys()
        .chain(ind.actuals.keys())
        .copied()
        .chain(projection.map(|(_, to)| to.0))
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
    let mut values: Vec<f64> = ind.targets.values().chain(ind.actuals.values()).filter_map(num).collect();
    values.extend(projection.map(|(_, to)| to.1).filter(|v| v.is_finite()));
    if years.len() < 2 || values.is_empty() {
        let _ =
            write!(s, r##"<text x="4" y="26" font-family="sans-serif" font-size="11" fill="#4a4f55">ND</text></svg>"##);
        return s;
    }
    let (lo, hi) = values.iter().fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
    let (lo, hi) = if (hi - lo).abs() < f64::EPSILON { (lo - 1.0, hi + 1.0) } else { (lo, hi) };
    let x_of = |i: usize| pad + (w - 2.0 * pad) * i as f64 / (years.len() - 1) as f64;
    let y_of = |v: f64| pad + (h - 2.0 * pad) * (1.0 - (v - lo) / (hi - lo));
    for (series, stroke, dash) in [(&ind.targets, "#555", " stroke-dasharray=\"4 3\""), (&ind.actuals, "#1f5fa8", "")] {
        let (path, marks) = gapped_line(series, &years, num, &x_of, &y_of);
        for (i, x, y, text) in marks {
            let _ = write!(
                s,
                r#"<circle cx="{}" cy="{}" r="2" fill="{stroke}"><title>{}: {}</title></circle>"#,
                f(x),
                f(y),
                years[i],
                esc(text)
            );
        }
        if !path.is_empty() {
            let _ = write!(s, r#"<path d="{path}" fill="none" stroke="{stroke}" stroke-width="1.5"{dash}/>"#);
        }
    }
    if let Some((from, to)) = projection.filter(|(from, to)| to.0 > from.0) {
        let at = |y: avance_core::model::Year| years.iter().position(|x| *x == y).map(x_of);
        if let (Some(x1), Some(x2)) = (at(from.0), at(to.0)) {
            let _ = write!(
                s,
                r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{PROJECTION}" stroke-width="1.5" stroke-dasharray="2 2"/>"#,
                f(x1),
                f(y_of(from.1)),
                f(x2),
                f(y_of(to.1))
            );
        }
    }
    s.push_str("</svg>");
    s
}
