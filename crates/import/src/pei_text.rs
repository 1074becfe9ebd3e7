//! The text of a published "Seguimiento del PEI" (CEPLAN's Anexo B-7, as its application prints it,
//! or the text layer of its PDF) read into the plan it reports on and the avances it printed, so
//! that an entity's past reports load and are checked against their own data (`avance pei audit`).
//!
//! The layout: a header with "Periodo del Plan: 2020 - 2026", "Año de Seguimiento: 2022" and
//! "Pliego: código NOMBRE" (and "Sector: …"), repeated on every page; rows starting with an OEI or
//! AEI code and its name; indicator rows starting with their code (`IND.01.OEI.01`), the
//! description, the unit of measure, then the baseline's year and value, the logros esperados of
//! every year of the period, the valores obtenidos and the avances of every year up to the cut.
//! A description may go on over the next indented lines. `-` is an empty cell; `ND` and `(*)` are
//! printed figures.

use std::path::Path;

use avance_core::model::{Aggregation, Baseline, Direction, Series, Year};
use avance_core::pei::{PeiCode, PeiCodeKind, PeiElement, PeiIndicator, PeiPlace, PeiPlan, PublishedPeiFigure};
use avance_core::value::{Cell, Unit};

use crate::issue::{Issue, IssueKind, Location, Unreadable};

/// What a published PEI report holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeiReportImport {
    /// The plan, with the profile of the application's version of the report's year.
    pub plan: PeiPlan,
    /// The report's follow-up year.
    pub cut: Year,
    /// Every avance it printed.
    pub published: Vec<PublishedPeiFigure>,
}

/// Whether a text looks like a PEI follow-up report (its title).
pub fn is_pei_report(text: &str) -> bool {
    let head: String = text.chars().take(4000).collect::<String>().to_lowercase();
    head.contains("seguimiento del pei") || head.contains("anexo b-7")
}

/// Reads a report from its text file or PDF.
pub fn read(path: &Path) -> Result<PeiReportImport, Vec<Issue>> {
    let text = if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) {
        crate::pdf::text(path)?
    } else {
        std::fs::read_to_string(path).map_err(|e| vec![Issue::io(path, &e)])?
    };
    parse(path, &text)
}

/// The unit of measure a report prints, by its name.
fn unit_named(word: &str) -> Option<Unit> {
    let w = word.to_lowercase();
    Some(match w.as_str() {
        "número" | "numero" => Unit::Numero,
        "cantidad" => Unit::Cantidad,
        "porcentaje" => Unit::Porcentaje,
        "ratio" => Unit::Ratio,
        "tasa" => Unit::Tasa,
        "índice" | "indice" => Unit::Indice,
        _ => return None,
    })
}

/// A cell of the numeric tail of a row: a number, `ND`, `(*)` or `-`.
fn is_value(token: &str) -> bool {
    matches!(token, "ND" | "nd" | "(*)" | "-")
        || (token.bytes().any(|b| b.is_ascii_digit())
            && token.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b',' | b'%' | b'-')))
}

/// The four-digit years of a header line such as "Periodo del Plan: 2020 - 2026".
fn years_after(line: &str, label: &str) -> Option<Vec<u16>> {
    let lower = line.to_lowercase();
    let at = lower.find(label)?;
    let rest = &line[at + label.len()..];
    Some(rest.split(|c: char| !c.is_ascii_digit()).filter(|t| t.len() == 4).filter_map(|t| t.parse().ok()).collect())
}

/// A line that is part of the page's furniture, not of a row.
fn is_furniture(line: &str) -> bool {
    let t = line.trim();
    let lower = t.to_lowercase();
    t.is_empty()
        || t == "\u{c}"
        || lower.starts_with("anexo b-7")
        || lower.contains("seguimiento del pei")
        || lower.starts_with("periodo del plan")
        || lower.starts_with("año de seguimiento")
        || lower.starts_with("ano de seguimiento")
        || lower.starts_with("pliego")
        || lower.starts_with("sector")
        || lower.starts_with("código")
        || lower.starts_with("codigo")
        || lower.starts_with("línea base")
        || lower.starts_with("linea base")
        || lower.starts_with("página")
        || lower.starts_with("pagina")
        || lower.starts_with("nota")
        || t.starts_with("(*)")
        || t.split_whitespace().all(|w| {
            matches!(w.to_lowercase().as_str(), "año" | "ano" | "valor") || (w.len() == 4 && w.parse::<u16>().is_ok())
        })
}

struct Row {
    line: usize,
    code: PeiCode,
    name: String,
    /// The values after the description and unit, as printed.
    tail: Vec<String>,
    unit: Option<Unit>,
}

/// The words of a row after its code, over its line and the lines that go on from it: a PDF's
/// text layer may break a row before its unit and values, a printed description may go on after
/// them.
struct Words {
    line: usize,
    code: PeiCode,
    words: Vec<String>,
}

/// A line with every code on it starting a line of its own: a PDF's text layer glues an OEI or AEI
/// row's code to its first indicator's (`OEI.01IND.01.OEI.01`).
fn split_codes(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, _) in line.match_indices("IND.") {
        if i > start
            && !line[..i].ends_with(char::is_whitespace)
            && line[start..i].trim_end().parse::<PeiCode>().is_ok()
        {
            out.push(&line[start..i]);
            start = i;
        }
    }
    out.push(&line[start..]);
    out
}

/// An indicator row's words split into its description, unit and the `want` values: the values
/// are the first run of `want` cells or more (its first `want` after a unit of measure, else its
/// last `want`: a description may end with a number); what goes before and after is the
/// description. `None` (with how many values there are) when no run is long enough.
fn split_row(words: &[String], want: usize) -> Result<(String, Option<Unit>, Vec<String>), usize> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if is_value(&words[i]) {
            let start = i;
            while i < words.len() && is_value(&words[i]) {
                i += 1;
            }
            runs.push((start, i));
        } else {
            i += 1;
        }
    }
    let Some(&(start, end)) = runs.iter().find(|(a, b)| b - a >= want) else {
        return Err(runs.iter().map(|(a, b)| b - a).max().unwrap_or(0));
    };
    let unit = start.checked_sub(1).and_then(|u| unit_named(&words[u]));
    let (from, to) = if unit.is_some() { (start, start + want) } else { (end - want, end) };
    let name_end = if unit.is_some() { start - 1 } else { from };
    let name: Vec<&str> = words[..name_end].iter().chain(&words[to..]).map(String::as_str).collect();
    Ok((name.join(" "), unit, words[from..to].to_vec()))
}

/// Reads a report's text; `file` names it in issues.
pub fn parse(file: &Path, text: &str) -> Result<PeiReportImport, Vec<Issue>> {
    let mut issues = Vec::new();
    let issue = |line: Option<usize>, code: Option<&PeiCode>, text: &str, reason: Unreadable| Issue {
        file: file.to_path_buf(),
        location: line.map_or(Location::File, Location::Line),
        code: code.map(|c| c.to_string()),
        kind: IssueKind::Unreadable { text: text.chars().take(120).collect(), reason },
    };
    let (mut period, mut cut, mut entity, mut sector) = (None, None, None, String::new());
    let mut rows: Vec<Words> = Vec::new();
    // Whether the previous line belongs to a row whose description may go on.
    let mut open = false;
    for (n, raw) in text.lines().enumerate() {
        let line_no = n + 1;
        let line = raw.trim_end_matches('\r');
        let t = line.trim().trim_start_matches('\u{c}').trim();
        let lower = t.to_lowercase();
        if period.is_none()
            && let Some(y) = years_after(t, "periodo del plan")
            && let [first, last, ..] = y[..]
        {
            period = Some((first, last));
        }
        if cut.is_none() {
            let found = years_after(t, "año de seguimiento").or_else(|| years_after(t, "ano de seguimiento"));
            if let Some(&[year, ..]) = found.as_deref() {
                cut = Some(year);
            }
        }
        if entity.is_none()
            && lower.starts_with("pliego")
            && let Some((_, rest)) = t.split_once(':')
        {
            let rest = rest.trim();
            let (code, name) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            if !code.is_empty() {
                entity = Some((code.to_string(), name.trim().to_string()));
            }
        }
        if sector.is_empty()
            && lower.starts_with("sector")
            && let Some((_, rest)) = t.split_once(':')
        {
            sector = rest.trim().to_string();
        }
        let first_word = t.split_whitespace().next().unwrap_or("");
        let coded = first_word.get(..4).is_some_and(|p| matches!(p, "IND." | "OEI." | "AEI."));
        if coded {
            for piece in split_codes(t) {
                let first_word = piece.split_whitespace().next().unwrap_or("");
                match first_word.parse::<PeiCode>() {
                    Ok(code) => {
                        let words = piece[first_word.len()..].split_whitespace().map(str::to_string).collect();
                        rows.push(Words { line: line_no, code, words });
                    }
                    Err(_) => issues.push(issue(Some(line_no), None, piece, Unreadable::BadCode)),
                }
            }
            open = true;
            continue;
        }
        if is_furniture(line) {
            open = false;
            continue;
        }
        if open
            && line.starts_with(char::is_whitespace)
            && let Some(row) = rows.last_mut()
        {
            row.words.extend(t.split_whitespace().map(str::to_string));
            continue;
        }
        open = false;
    }
    let Some((first, last)) = period.and_then(|(f, l)| Some((Year::new(f).ok()?, Year::new(l).ok()?))) else {
        return Err(vec![issue(None, None, "", Unreadable::PeiNoPeriod)]);
    };
    let Some(cut) = cut.and_then(|c| Year::new(c).ok()).filter(|c| *c >= first && *c <= last) else {
        return Err(vec![issue(None, None, "", Unreadable::PeiNoCut)]);
    };
    let Some((entity_code, entity_name)) = entity else {
        return Err(vec![issue(None, None, "", Unreadable::PeiNoEntity)]);
    };
    let years: Vec<Year> = (first.get()..=last.get()).filter_map(|y| Year::new(y).ok()).collect();
    let done: Vec<Year> = years.iter().copied().filter(|y| *y <= cut).collect();
    let (targets_n, years_n) = (years.len(), done.len());
    let mut elements: Vec<(usize, PeiElement)> = Vec::new();
    let mut indicators: Vec<(usize, PeiIndicator)> = Vec::new();
    let mut published = Vec::new();
    let want = 2 + targets_n + 2 * years_n;
    for Words { line, code, words } in rows {
        if !code.kind().is_indicator() {
            // An element's row has no values: every word is its name.
            let name = (!words.is_empty()).then(|| words.join(" "));
            elements.push((line, PeiElement { code, name }));
            continue;
        }
        let row = match split_row(&words, want) {
            Ok((name, unit, tail)) => Row { line, code, name, tail, unit },
            Err(found) => {
                let reason = Unreadable::PeiValues { found, targets: targets_n, years: years_n };
                issues.push(issue(Some(line), Some(&code), &words.join(" "), reason));
                continue;
            }
        };
        let unit = row.unit.unwrap_or(Unit::Numero);
        let mut bad = false;
        let mut cell = |text: &str| -> Option<Cell> {
            if text == "-" {
                return None;
            }
            match Cell::parse(text, unit) {
                Ok(c) => Some(c),
                Err(error) => {
                    issues.push(Issue {
                        file: file.to_path_buf(),
                        location: Location::Line(row.line),
                        code: Some(row.code.to_string()),
                        kind: IssueKind::Value { error, unit },
                    });
                    bad = true;
                    None
                }
            }
        };
        let baseline = match (row.tail[0].parse::<u16>().ok().and_then(|y| Year::new(y).ok()), cell(&row.tail[1])) {
            (Some(year), Some(value)) => Some(Baseline { year, value }),
            _ => None,
        };
        let mut targets = Series::new();
        for (y, text) in years.iter().zip(&row.tail[2..2 + targets_n]) {
            if let Some(c) = cell(text) {
                targets.insert(*y, c);
            }
        }
        let mut actuals = Series::new();
        for (y, text) in done.iter().zip(&row.tail[2 + targets_n..2 + targets_n + years_n]) {
            if let Some(c) = cell(text) {
                actuals.insert(*y, c);
            }
        }
        if bad {
            continue;
        }
        let index = indicators.len();
        for (y, text) in done.iter().zip(&row.tail[2 + targets_n + years_n..]) {
            if text != "-" {
                published.push(PublishedPeiFigure { indicator: index, year: *y, printed: text.clone() });
            }
        }
        indicators.push((
            row.line,
            PeiIndicator {
                code: row.code,
                name: row.name,
                responsible: String::new(),
                indicator_type: String::new(),
                unit,
                negative_values: None,
                direction: Direction::Trend { sense: None, aggregation: Aggregation::NoAcumulado },
                baseline,
                targets,
                actuals,
            },
        ));
    }
    if indicators.is_empty() && issues.is_empty() {
        issues.push(issue(None, None, "", Unreadable::PeiNoIndicators));
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    let profile = avance_core::pei::profile_for_cut(cut).id();
    let lines: Vec<usize> = elements.iter().map(|(l, _)| *l).collect();
    let indicator_lines: Vec<usize> = indicators.iter().map(|(l, _)| *l).collect();
    let mut plan = PeiPlan {
        entity_code,
        entity_name,
        sector,
        first_year: first,
        last_year: last,
        profile,
        elements: elements.into_iter().map(|(_, e)| e).collect(),
        indicators: indicators.into_iter().map(|(_, i)| i).collect(),
    };
    // A report that prints no OEI or AEI rows: the elements its indicators name.
    if plan.elements.is_empty() {
        plan.elements = PeiPlan::elements_of_indicators(&plan.indicators);
    }
    // OEI before AEI, as the plan keeps them (a report interleaves them).
    let mut order: Vec<usize> = (0..plan.elements.len()).collect();
    order.sort_by_key(|&i| plan.elements[i].code.kind() != PeiCodeKind::Objective);
    let element_lines: Vec<Option<usize>> = order.iter().map(|&i| lines.get(i).copied()).collect();
    let sorted: Vec<PeiElement> = order.iter().map(|&i| plan.elements[i].clone()).collect();
    plan.elements = sorted;
    let problems = plan.problems();
    if !problems.is_empty() {
        return Err(problems
            .into_iter()
            .map(|(place, _, problem)| {
                let (line, code) = match place {
                    PeiPlace::Plan => (None, None),
                    PeiPlace::Element(i) => (element_lines[i], Some(plan.elements[i].code.to_string())),
                    PeiPlace::Indicator(i) => (Some(indicator_lines[i]), Some(plan.indicators[i].code.to_string())),
                };
                Issue {
                    file: file.to_path_buf(),
                    location: line.map_or(Location::File, Location::Line),
                    code,
                    kind: IssueKind::Pei(problem),
                }
            })
            .collect());
    }
    Ok(PeiReportImport { plan, cut, published })
}
