//! The text of a published "Reporte de seguimiento del POI" (as CEPLAN's application prints it, or
//! the text layer of its PDF) read into the POI it reports on and the figures it printed, so that an
//! entity's past reports load and are checked against their own data (`avance poi audit`).
//!
//! The layout: a title with the year ("REPORTE DE SEGUIMIENTO DEL POI 2022"), the 2022 version's
//! "PORCENTAJE DE AVANCES TRUNCADOS AL 100%", "Pliego: código NOMBRE", "Periodo: enero - junio",
//! "Fecha de generación: 01/08/2022"; a row per AEI (code, name, "Ejecución física por AEI: 75.00");
//! per activity a PROG row (code, name, unit of measure, tipo de agregación, PROG, the period's
//! months, the accumulated programming) and an EJEC row (EJEC, the months, the accumulated
//! execution, the avance); "EJECUCIÓN FÍSICA TOTAL: 72.22". Columns are separated by two spaces or
//! more, as a PDF's text layer keeps them; `-` is an empty cell (a month not recorded).

use std::path::Path;
use std::str::FromStr;

use avance_core::Decimal;
use avance_core::poi::{Activity, Aggregation, Period, PoiPlan, PoiProfile, PoiTarget, PublishedPoiFigure};

use crate::issue::{Expected, Issue, IssueKind, Location, Unreadable};

/// What a published POI report holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoiReportImport {
    /// The POI, with the months the report prints (the others are empty) and the profile of the
    /// version that printed it.
    pub plan: PoiPlan,
    /// The report's months and, from its date, which were due.
    pub period: Period,
    /// The day it was generated, `(year, month, day)`.
    pub generated: (i32, u8, u8),
    /// Every figure it printed: each activity's, each AEI's, the total.
    pub published: Vec<PublishedPoiFigure>,
}

fn month_named(word: &str) -> Option<u8> {
    let w = word.trim().to_lowercase();
    let w = if w == "setiembre" { "septiembre".to_string() } else { w };
    avance_core::poi::MONTHS_ES.iter().position(|m| *m == w).and_then(|i| u8::try_from(i + 1).ok())
}

/// Whether a text looks like a POI follow-up report (its title).
pub fn is_poi_report(text: &str) -> bool {
    let head: String = text.chars().take(4000).collect::<String>().to_lowercase();
    head.contains("seguimiento del poi")
}

/// Reads a report from its text file or PDF.
pub fn read(path: &Path) -> Result<PoiReportImport, Vec<Issue>> {
    let text = if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) {
        crate::pdf::layout_text(path)?
    } else {
        std::fs::read_to_string(path).map_err(|e| vec![Issue::io(path, &e)])?
    };
    parse(path, &text)
}

/// The columns of a line: text separated by two spaces or more.
fn columns(line: &str) -> Vec<&str> {
    line.split("  ").map(str::trim).filter(|c| !c.is_empty()).collect()
}

fn aggregation_named(text: &str) -> Option<Aggregation> {
    match text.to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ").as_str() {
        "acumulado anual" => Some(Aggregation::AcumuladoAnual),
        "acumulado mensual" => Some(Aggregation::AcumuladoMensual),
        "no acumulado" => Some(Aggregation::NoAcumulado),
        _ => None,
    }
}

/// A date printed `01/08/2022` or `2022-08-01`.
fn date(text: &str) -> Option<(i32, u8, u8)> {
    let parts: Vec<&str> = text.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty()).collect();
    let (y, m, d) = match parts.as_slice() {
        [d, m, y, ..] if y.len() == 4 => (y, m, d),
        [y, m, d, ..] if y.len() == 4 => (y, m, d),
        _ => return None,
    };
    let (y, m, d) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    ((1..=12).contains(&m) && (1..=avance_core::poi::days_in_month(y, m)).contains(&d)).then_some((y, m, d))
}

/// The text after the first `:` of a line.
fn after_colon(line: &str) -> &str {
    line.split_once(':').map_or("", |(_, r)| r.trim())
}

/// Which description a line that is no row continues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Named {
    Nothing,
    /// The latest AEI's.
    Aei,
    /// The activity whose EJEC row comes next.
    Pending,
    /// The latest activity read whole.
    Activity,
}

/// `text` with `more` after a space (a description's next line).
fn extend(text: &mut String, more: &str) {
    let more = more.trim();
    if !more.is_empty() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(more);
    }
}

/// Reads a report's text; `file` names it in issues.
pub fn parse(file: &Path, text: &str) -> Result<PoiReportImport, Vec<Issue>> {
    let mut issues: Vec<Issue> = Vec::new();
    let at = |line: Option<usize>, code: Option<&str>, kind: IssueKind| Issue {
        file: file.to_path_buf(),
        location: line.map_or(Location::File, Location::Line),
        code: code.map(str::to_string),
        kind,
    };
    let unreadable = |line: Option<usize>, code: Option<&str>, text: &str, reason: Unreadable| {
        at(line, code, IssueKind::Unreadable { text: text.chars().take(120).collect(), reason })
    };
    let (mut year, mut truncated, mut entity, mut months, mut generated, mut total) =
        (None, false, None, None, None, None);
    // The sector, where the report prints one (avance's own reports do; CEPLAN's print the pliego).
    let mut sector = String::new();
    let mut aei: Vec<(String, String)> = Vec::new();
    let mut published: Vec<PublishedPoiFigure> = Vec::new();
    let mut activities: Vec<Activity> = Vec::new();
    // The activity whose EJEC row comes next, and the PROG row's line.
    let mut pending: Option<(Activity, usize)> = None;
    // A PROG row was refused: its EJEC row is not a second problem.
    let mut refused = false;
    let quantity = |text: &str| Decimal::from_str(&text.replace(',', "")).ok().filter(|d| *d >= Decimal::ZERO);
    // What a line of text that is no row continues: a description wrapped in its cell (a PDF's
    // text layer puts each of its lines apart).
    let mut named = Named::Nothing;
    // From "Notas:" on, the notes: nothing there is a row.
    let mut in_notes = false;
    for (n, raw) in text.lines().enumerate() {
        let line_no = n + 1;
        let line = raw.trim_end_matches('\r').trim_start_matches('\u{c}');
        let t = line.trim();
        let lower = t.to_lowercase();
        if lower.contains("seguimiento del poi") {
            // The title; on the pages after the first, the running header.
            if year.is_none() {
                year =
                    t.split(|c: char| !c.is_ascii_digit()).find(|p| p.len() == 4).and_then(|p| p.parse::<i32>().ok());
            }
            continue;
        }
        if lower.starts_with("notas") {
            in_notes = true;
        }
        if in_notes
            || lower.starts_with("página ")
            || lower.starts_with("perfil de reglas")
            || (lower.starts_with("código") && lower.contains("fila"))
        {
            named = Named::Nothing;
            continue;
        }
        if lower.contains("truncados al 100") {
            truncated = true;
            continue;
        }
        if lower.starts_with("pliego") && entity.is_none() {
            let rest = after_colon(t);
            let (code, name) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            entity = (!code.is_empty()).then(|| (code.to_string(), name.trim().to_string()));
            continue;
        }
        if lower.starts_with("sector:") && sector.is_empty() {
            sector = after_colon(t).to_string();
            continue;
        }
        if lower.starts_with("periodo") && months.is_none() {
            let names: Vec<u8> = after_colon(t).split(['-', '–', ' ']).filter_map(month_named).collect();
            months = match names.as_slice() {
                [m] => Some((*m, *m)),
                [a, b, ..] if a <= b => Some((*a, *b)),
                _ => None,
            };
            continue;
        }
        if lower.starts_with("fecha de generación") || lower.starts_with("fecha de generacion") {
            generated = date(after_colon(t));
            continue;
        }
        if lower.starts_with("ejecución física total") || lower.starts_with("ejecucion fisica total") {
            total = Some(after_colon(t).to_string());
            continue;
        }
        let cols = columns(line);
        let Some(first) = cols.first() else { continue };
        if first.starts_with("AEI.") && cols.len() >= 2 {
            let code = first.to_string();
            let label = cols.iter().position(|c| c.to_lowercase().contains("por aei"));
            let name = cols[1..label.unwrap_or(cols.len())].join(" ");
            let printed = label.map(|i| after_colon(cols[i]).to_string()).unwrap_or_default();
            published.push(PublishedPoiFigure { target: PoiTarget::Aei(code.clone()), printed });
            aei.push((code, name));
            named = Named::Aei;
            continue;
        }
        let (Some((first_month, last_month)), Some(_)) = (months, year) else { continue };
        let k = usize::from(last_month - first_month + 1);
        if let Some(p) = cols.iter().position(|c| *c == "PROG") {
            refused = true;
            if let Some((a, l)) = pending.take() {
                issues.push(unreadable(Some(l), Some(&a.code), &a.name, Unreadable::PoiNoExecutionRow));
            }
            let values = &cols[p + 1..];
            if p < 4 || values.len() != k + 1 {
                issues.push(unreadable(
                    Some(line_no),
                    cols.first().copied(),
                    t,
                    Unreadable::PoiProgrammingRow { months: k },
                ));
                continue;
            }
            let Some(aggregation) = aggregation_named(cols[p - 1]) else {
                let options = ["Acumulado Anual", "Acumulado Mensual", "No Acumulado"].map(String::from).to_vec();
                let found = format!("\"{}\"", cols[p - 1]);
                issues.push(at(
                    Some(line_no),
                    Some(cols[0]),
                    IssueKind::Invalid { expected: Expected::OneOf(options), found },
                ));
                continue;
            };
            let mut programmed = [Decimal::ZERO; 12];
            let mut ok = true;
            for (i, v) in values[..k].iter().enumerate() {
                match quantity(v) {
                    Some(d) => programmed[usize::from(first_month) - 1 + i] = d,
                    None => {
                        let found = format!("\"{v}\"");
                        issues.push(at(
                            Some(line_no),
                            Some(cols[0]),
                            IssueKind::Invalid { expected: Expected::Quantity, found },
                        ));
                        ok = false;
                    }
                }
            }
            if !ok {
                continue;
            }
            let Some((under, _)) = aei.last() else {
                issues.push(unreadable(Some(line_no), Some(cols[0]), t, Unreadable::PoiNoAei));
                continue;
            };
            let activity = Activity {
                code: cols[0].to_string(),
                name: cols[1..p - 2].join(" "),
                unit: cols[p - 2].to_string(),
                priority: None,
                aei: under.clone(),
                aggregation,
                programmed,
                executed: [None; 12],
            };
            pending = Some((activity, line_no));
            refused = false;
            named = Named::Pending;
            continue;
        }
        let Some(e) = cols.iter().position(|c| *c == "EJEC") else {
            // A line that is no row: the rest of a description wrapped in its cell.
            let more = cols.join(" ");
            match named {
                Named::Aei => aei.last_mut().into_iter().for_each(|(_, name)| extend(name, &more)),
                Named::Pending => pending.iter_mut().for_each(|(a, _)| extend(&mut a.name, &more)),
                Named::Activity => activities.last_mut().into_iter().for_each(|a| extend(&mut a.name, &more)),
                Named::Nothing => {}
            }
            continue;
        };
        {
            // Before EJEC: the description's second line, beside the EJEC row.
            if let Some((a, _)) = pending.as_mut() {
                extend(&mut a.name, &cols[..e].join(" "));
            }
            let cols = &cols[e..];
            let Some((mut activity, _)) = pending.take() else {
                if std::mem::take(&mut refused) {
                    continue;
                }
                issues.push(unreadable(Some(line_no), None, t, Unreadable::PoiExecutionWithoutActivity));
                continue;
            };
            let values = &cols[1..];
            if values.len() != k + 2 {
                issues.push(unreadable(
                    Some(line_no),
                    Some(&activity.code),
                    t,
                    Unreadable::PoiExecutionRow { months: k },
                ));
                continue;
            }
            let mut ok = true;
            for (i, v) in values[..k].iter().enumerate() {
                if *v == "-" {
                    continue;
                }
                match quantity(v) {
                    Some(d) => activity.executed[usize::from(first_month) - 1 + i] = Some(d),
                    None => {
                        let found = format!("\"{v}\"");
                        let kind = IssueKind::Invalid { expected: Expected::Quantity, found };
                        issues.push(at(Some(line_no), Some(&activity.code), kind));
                        ok = false;
                    }
                }
            }
            if ok {
                let index = activities.len();
                published.push(PublishedPoiFigure {
                    target: PoiTarget::Activity(index),
                    printed: values[k + 1].to_string(),
                });
                activities.push(activity);
                named = Named::Activity;
            }
        }
    }
    if let Some((a, l)) = pending.take() {
        issues.push(unreadable(Some(l), Some(&a.code), &a.name, Unreadable::PoiNoExecutionRow));
    }
    let Some(year) = year else {
        return Err(vec![unreadable(None, None, "", Unreadable::PoiNoYear)]);
    };
    let Some((first, last)) = months else {
        return Err(vec![unreadable(None, None, "", Unreadable::PoiNoPeriod)]);
    };
    let Some(generated) = generated else {
        return Err(vec![unreadable(None, None, "", Unreadable::PoiNoDate)]);
    };
    let Some((entity_code, entity_name)) = entity else {
        return Err(vec![unreadable(None, None, "", Unreadable::PeiNoEntity)]);
    };
    if activities.is_empty() && issues.is_empty() {
        issues.push(unreadable(None, None, "", Unreadable::PoiNoActivities));
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    if let Some(printed) = total {
        published.push(PublishedPoiFigure { target: PoiTarget::Total, printed });
    }
    // The 2022 version prints its truncation in the header; the 2021 one printed integers without.
    let profile = if truncated { PoiProfile::v2022() } else { PoiProfile::v2021() };
    let period = Period::on(first, last, year, generated.0, generated.1);
    let plan = PoiPlan { entity_code, entity_name, sector, year, profile: profile.id(), aei, activities };
    Ok(PoiReportImport { plan, period, generated, published })
}
