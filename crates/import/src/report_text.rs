//! Reading the text of a published *Reporte de seguimiento* of a national policy back into data.
//!
//! The text layer of the PDF keeps the table's cells in reading order but drops empty ones, wraps
//! names over several lines and repeats page headers mid-table. This reader rebuilds the policy,
//! its indicators with every value as printed, and what the report published (avances, counts, the
//! índice and the claims of its alert text). Which years a row's values belong to is decided from
//! evidence (the printed avance), and the decision is kept per indicator.

use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

use avance_core::alert::AlertKind;
use avance_core::avance::evaluate;
use avance_core::band::{Band, BandCounts};
use avance_core::code::{Code, CodeKind};
use avance_core::compute::LevelCounts;
use avance_core::model::{
    Aggregation, Baseline, Direction, Element, Entity, Indicator, Objective, Place, Policy, PolicyMeta, PolicyParts,
    PolicyType, Sense, Series, Standard, Year, YearRange,
};
use avance_core::profile::RuleProfile;
use avance_core::published::{AlertParagraph, Claim, Printed, Published};
use avance_core::value::{Cell, Unit};
use regex::Regex;

use crate::issue::{Issue, IssueKind, Location, Unreadable};
use crate::progress::{Progress, Step};

/// Choices the report cannot make.
#[derive(Debug, Clone)]
pub struct Options {
    /// Policy code; by default the initials of the capitalised words of its name (`PNDI`).
    pub code: Option<String>,
    /// Rule profile id for the dataset.
    pub profile: String,
}

impl Default for Options {
    fn default() -> Self {
        Options { code: None, profile: RuleProfile::ceplan_pn_v1().id() }
    }
}

/// Why the values of a row were given the years they have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    /// The only layout whose report-year target and actual give the printed avance.
    Reproduces { avance: String },
    /// Several layouts give the printed avance (or none does, or it is ND): the layout that the
    /// policy's rows with as many values settle, `rows` of them by reproducing their avance.
    Usual { rows: usize, avance: String, reproduces: bool },
    /// No row with as many values settles a layout: targets and actuals split evenly, actuals
    /// taking the extra value.
    Default { avance: String },
}

/// The years given to a row's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearDecision {
    pub code: Code,
    /// Line of the row in the text.
    pub line: usize,
    /// How many values the row printed between the baseline and the avance.
    pub printed: usize,
    pub targets: Vec<Year>,
    pub actuals: Vec<Year>,
    pub evidence: Evidence,
}

/// A report read back: the data, what it published, and how each row was read.
#[derive(Debug, Clone)]
pub struct ReportImport {
    pub policy: Policy,
    pub published: Published,
    pub decisions: Vec<YearDecision>,
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("a valid built-in pattern")
}

static TITLE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?is)reporte\s+de\s+seguimiento\s+de\s+la\s+(pol[ií]tica\s+nacional.*?),?\s+correspondiente\s+al\s+a[ñn]o\s+(\d{4})",
    )
});
static SECTOR: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?im)^\s*sector\s*:\s*([^:\s]+)\s*:\s*(.*?)\s*(?:(?:\d+\s+){4}\d+)?\s*$"));
static MINISTRY: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?im)^\s*ministerio\s+conductor\s*:\s*([^:\s]+)\s*:\s*(.*?)\s*(?:(?:\d+\s+){4}\d+)?\s*$"));
static POLICY_TYPE: LazyLock<Regex> = LazyLock::new(|| re(r"(?im)^\s*tipo\s*:\s*(SECTORIAL|MULTISECTORIAL)(?-u:\b)"));
static COUNTS: LazyLock<Regex> = LazyLock::new(|| re(r"(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$"));
/// The header of the year columns: `Año valor 2022 2023 2024 2022 2023 2024 2024`, alone on its
/// line or ending a line of column headings.
static YEARS: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)(?:^|\s)a[ñn]o\s+valor\s+((?:\d{4}\s+)*\d{4})\s*$"));
/// Column headings of the table wherever they fall in a line (a repeated table header).
static HEADINGS: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)logros\s+esperados|valores\s+obtenidos"));
static INDEX: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^\s*[ií]ndice\s+de\s+gesti[oó]n(?-u:\b).*?(\d+(?:\.\d+)?|ND)\s*$"));
static ALERTS: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)^\s*alertas\s+identificadas\s*$"));
static NOISE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?ix)^\s*(?:
        reporte\s+de\s+seguimiento(?-u:\b) | correspondiente\s+al\s+a[ñn]o(?-u:\b) | tipo\s+de\s+indicador(?-u:\b) |
        avance\s+tipo\s+[12](?-u:\b) | \(%\)\s*$ | a[ñn]o\s+valor(?-u:\b) | cumplimiento\s*$ | sentido\s+esperado(?-u:\b) |
        c[oó]digo\s*$ | lineamiento\s*/ | servicio\s*/ | objetivo\s+prioritario\s*/ | responsable\s+de\s+indicador |
        valores\s+obtenidos | logros\s+esperados | l[ií]nea\s+de\s+base\s*$ | l[ií]nea\s+base\s*$ |
        nombre\s+del\s+indicador | indicador\s*$ | p[aá]g(?:ina|\.)\s*\d+ | \d+\s*/\s*\d+\s*$ | \[0-75 |
        .*correspondiente\s+al\s+a[ñn]o\s+\d{4}\s*$
    )")
});
/// A code alone, the first word of a table line.
static CODE: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:OP|IOP|LN|SS|ISS)\.\d{1,3}(?:\.\d{1,3}){0,3}$"));
static SERVICE_REF: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:^|[^\d.])(\d{1,3}\.\d{1,3}\.\d{1,3})(?:[^\d.]|\.(?:\s|$)|$)"));
static KIND_BAJO: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)bajo\s+avance|avances?\s+bajos?"));
static KIND_ND: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)falta\s+de\s+informaci[oó]n|sin\s+informaci[oó]n|no\s+cuentan?\s+con\s+informaci[oó]n|ausencia\s+de\s+informaci[oó]n",
    )
});
static KIND_ATIPICO: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)(?:mayor(?:es)?|superior(?:es)?)\s+a\s+150|at[ií]picamente\s+alt|avances?\s+at[ií]picos?")
});
static STATE: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)presenta\s+un\s+avance\s+(bajo|intermedio|alto)"));
static STATE_ND: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)no\s+cuenta\s+con\s+informaci[oó]n"));
/// The start of the synthesis: a block about several objectives, or a heading for it.
static SYNTHESIS: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(?-u:\b)objetivos\s+prioritarios(?-u:\b)|^\s*(s[ií]ntesis|en\s+general|conclusi[oó]n)"));
static SYNTHESIS_HEAD: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)^\s*(s[ií]ntesis|conclusi[oó]n)\s*:"));
static OP_PARAGRAPH: LazyLock<Regex> = LazyLock::new(|| re(r"^\s*OP\s*\.?\s*(\d{1,3})\s*:\s*(.*)$"));

/// Reads a report from a text file or, for `.pdf`, from the PDF's text layer.
pub fn read(path: &Path, options: &Options) -> Result<ReportImport, Vec<Issue>> {
    read_with(path, options, &mut |_| {})
}

/// [`read`], reporting progress.
pub fn read_with(path: &Path, options: &Options, progress: Progress<'_>) -> Result<ReportImport, Vec<Issue>> {
    let text = if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) {
        progress(Step::Extracting);
        crate::pdf::text(path)?
    } else {
        std::fs::read_to_string(path).map_err(|e| vec![Issue::io(path, &e)])?
    };
    parse_with(path, &text, options, progress)
}

struct Ctx<'a> {
    file: &'a Path,
    issues: Vec<Issue>,
}

impl Ctx<'_> {
    fn push(&mut self, line: Option<usize>, code: Option<&str>, kind: IssueKind) {
        self.issues.push(Issue {
            file: self.file.to_path_buf(),
            location: line.map_or(Location::File, Location::Line),
            code: code.map(str::to_string),
            kind,
        });
    }
}

/// Joins wrapped lines: a line ending in a hyphen joins the next without a space.
fn join(lines: &[&str]) -> String {
    let mut out = String::new();
    for l in lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
        // A word cut at a hyphen (`técnico-` / `productiva`) joins without a space; `A - B` keeps it.
        let joins_word = out.is_empty() || (out.ends_with('-') && !out.ends_with(" -"));
        if !joins_word {
            out.push(' ');
        }
        out.push_str(l);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `POLÍTICA NACIONAL DE DESARROLLO INDUSTRIAL` → `Política Nacional de Desarrollo Industrial`.
fn title_case(s: &str) -> String {
    const SMALL: [&str; 12] = ["de", "del", "la", "las", "los", "el", "y", "e", "en", "para", "a", "al"];
    s.split_whitespace()
        .enumerate()
        .map(|(i, w)| {
            let lower = w.to_lowercase();
            if i > 0 && SMALL.contains(&lower.as_str()) {
                lower
            } else {
                let mut c = lower.chars();
                c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}

/// `Política Nacional de Desarrollo Industrial` → `PNDI`.
fn acronym(name: &str) -> String {
    name.split_whitespace().filter_map(|w| w.chars().next().filter(|c| c.is_uppercase())).collect()
}

fn unit_for(name: &str, values: &[&str]) -> Unit {
    let lower = name.to_lowercase();
    let starts = |p: &[&str]| p.iter().any(|x| lower.starts_with(x));
    let by_name = if starts(&["porcentaje"]) {
        Some(Unit::Porcentaje)
    } else if starts(&["ratio"]) {
        Some(Unit::Ratio)
    } else if starts(&["tasa de variación", "tasa de variacion"]) {
        Some(Unit::TasaVariacion)
    } else if starts(&["tasa"]) {
        Some(Unit::Tasa)
    } else if starts(&["índice", "indice"]) {
        Some(Unit::Indice)
    } else if starts(&["cantidad"]) {
        Some(Unit::Cantidad)
    } else if starts(&["número", "numero", "nro"]) {
        Some(Unit::Numero)
    } else {
        None
    };
    let has_percent = values.iter().any(|v| v.ends_with('%'));
    match by_name {
        Some(u) if !has_percent || u.allows_percent_sign() => u,
        _ if has_percent => Unit::Porcentaje,
        Some(u) => u,
        None => Unit::Numero,
    }
}

/// A row as read, before its values are given years.
struct Row {
    line: usize,
    indicator: Indicator,
    values: Vec<Cell>,
    published: Printed,
}

/// Parses the text of a report. `file` only names it in issues.
pub fn parse(file: &Path, text: &str, options: &Options) -> Result<ReportImport, Vec<Issue>> {
    parse_with(file, text, options, &mut |_| {})
}

/// [`parse`], reporting progress per entry of the table.
pub fn parse_with(
    file: &Path,
    text: &str,
    options: &Options,
    progress: Progress<'_>,
) -> Result<ReportImport, Vec<Issue>> {
    let mut ctx = Ctx { file, issues: Vec::new() };
    let lines: Vec<&str> = text.lines().collect();
    let Some(profile) = RuleProfile::find(&options.profile) else {
        ctx.push(
            None,
            None,
            IssueKind::Structure(avance_core::model::StructureIssueKind::UnknownProfile {
                id: options.profile.clone(),
            }),
        );
        return Err(ctx.issues);
    };

    let first_code = lines.iter().position(|l| split_code_line(l).is_some());
    let Some(first_code) = first_code else {
        ctx.push(None, None, IssueKind::Unreadable { text: String::new(), reason: Unreadable::NoTable });
        return Err(ctx.issues);
    };
    let table_end = lines.iter().position(|l| INDEX.is_match(l)).unwrap_or(lines.len());
    let alerts_start = lines.iter().position(|l| ALERTS.is_match(l));
    let head = lines[..first_code].join("\n");

    // The header: title, sector, ministry, type, years.
    let title = TITLE.captures(text);
    let name = title.as_ref().map(|c| title_case(&c[1].split_whitespace().collect::<Vec<_>>().join(" ")));
    let sector = SECTOR.captures(&head).map(|c| Entity { code: c[1].to_string(), name: c[2].to_string() });
    let ministry = MINISTRY.captures(&head).map(|c| Entity { code: c[1].to_string(), name: c[2].to_string() });
    let policy_type = POLICY_TYPE.captures(&head).and_then(|c| PolicyType::parse(&c[1].to_uppercase()));
    let years_line = lines.iter().enumerate().find_map(|(i, l)| YEARS.captures(l).map(|c| (i + 1, c[1].to_string())));
    let columns = years_line.as_ref().and_then(|(_, y)| columns(y));
    for (what, missing) in [
        (Unreadable::NoTitle, name.is_none()),
        (Unreadable::NoSector, sector.is_none()),
        (Unreadable::NoMinistry, ministry.is_none()),
        (Unreadable::NoPolicyType, policy_type.is_none()),
        (Unreadable::NoYears, columns.is_none()),
    ] {
        if missing {
            let line = if what == Unreadable::NoYears { years_line.as_ref().map(|(l, _)| *l) } else { None };
            let text = years_line.as_ref().filter(|_| line.is_some()).map(|(_, t)| t.clone()).unwrap_or_default();
            ctx.push(line, None, IssueKind::Unreadable { text, reason: what });
        }
    }
    let counts = {
        let rows: Vec<[usize; 5]> = lines[..first_code]
            .iter()
            .filter(|l| !YEARS.is_match(l))
            .filter_map(|l| COUNTS.captures(l))
            .take(3)
            .map(|c| [1, 2, 3, 4, 5].map(|i| c[i].parse().unwrap_or(0)))
            .collect();
        let band = |r: &[usize; 5]| BandCounts { bajo: r[0], intermedio: r[1], alto: r[2], nd: r[3] };
        // The summary table's three rows come first; charts after them may repeat figures.
        (rows.len() >= 3).then(|| LevelCounts {
            objectives: band(&rows[0]),
            objective_indicators: band(&rows[1]),
            service_indicators: band(&rows[2]),
        })
    };

    // The table: one entry per code line, with the lines that follow it.
    let mut entries: Vec<(usize, String, Vec<&str>)> = Vec::new();
    for (i, l) in lines.iter().enumerate().take(table_end).skip(first_code) {
        if NOISE.is_match(l) || HEADINGS.is_match(l) {
            continue;
        }
        if let Some((code, rest)) = split_code_line(l) {
            entries.push((i + 1, code.to_string(), rest.into_iter().collect()));
        } else if let Some(e) = entries.last_mut() {
            e.2.push(l);
        }
    }

    let mut objectives = Vec::new();
    let mut lineamientos = Vec::new();
    let mut services = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut published = Published::default();
    let total = entries.len();
    for (done, (line, code_text, body)) in entries.iter().enumerate() {
        if done % 64 == 0 {
            progress(Step::Reading { done, total });
        }
        let body = join(body);
        let Ok(code) = code_text.parse::<Code>() else {
            ctx.push(
                Some(*line),
                None,
                IssueKind::Unreadable { text: format!("{code_text} {body}"), reason: Unreadable::BadCode },
            );
            continue;
        };
        match code.kind() {
            CodeKind::Objective => {
                let (name, avance) = match body.rsplit_once(' ') {
                    Some((n, a)) => (n.to_string(), Printed::parse(a)),
                    None => (String::new(), Printed::parse(&body)),
                };
                match avance {
                    Some(p) if !name.is_empty() => {
                        published.objectives.insert(code.clone(), p);
                        objectives.push(Objective { code, name, analysis: None });
                    }
                    _ => ctx.push(
                        Some(*line),
                        Some(code_text),
                        IssueKind::Unreadable { text: body, reason: Unreadable::ObjectiveWithoutAvance },
                    ),
                }
            }
            CodeKind::Lineamiento | CodeKind::Service if body.is_empty() => {
                ctx.push(
                    Some(*line),
                    Some(code_text),
                    IssueKind::Unreadable { text: body, reason: Unreadable::NoName },
                );
            }
            CodeKind::Lineamiento => lineamientos.push(Element { code, name: body }),
            CodeKind::Service => services.push(Element { code, name: body }),
            CodeKind::ObjectiveIndicator | CodeKind::ServiceIndicator => {
                if let Some(row) = read_row(&mut ctx, *line, code, &body) {
                    published.indicators.insert(row.indicator.code.clone(), row.published.clone());
                    rows.push(row);
                }
            }
        }
    }
    progress(Step::Reading { done: total, total });
    if let Some(l) = lines.get(table_end)
        && let Some(c) = INDEX.captures(l)
    {
        published.index = Printed::parse(&c[1]);
    }

    let (Some(name), Some(sector), Some(ministry), Some(policy_type), Some((targets_years, actual_years, year))) =
        (name, sector, ministry, policy_type, columns)
    else {
        return Err(ctx.issues);
    };
    published.year = Some(year);
    published.counts = counts;
    // What of the report's layout the text has: a text cut short ends inside the table.
    let index_line = table_end < lines.len();
    let after_table = alerts_start.is_some_and(|a| a >= first_code) || index_line;
    published.sections = Some(avance_core::published::Sections {
        index: index_line,
        alerts: alerts_start.is_some(),
        ends_inside_table: !after_table,
    });

    let decisions = place_values(&mut ctx, &mut rows, &targets_years, &actual_years, year, &profile);

    // The alert text, and the analysts' sentences in it.
    let mut synthesis = None;
    if let Some(start) = alerts_start {
        let text: Vec<&str> = lines[start + 1..].iter().copied().filter(|l| !NOISE.is_match(l)).collect();
        let (paragraphs, analysis) = alert_paragraphs(&text);
        for (objective, text) in analysis {
            match objective {
                Some(code) => {
                    if let Some(o) = objectives.iter_mut().find(|o| o.code == code) {
                        o.analysis = text;
                    }
                }
                None => synthesis = text,
            }
        }
        published.alerts = paragraphs;
    }

    let first = targets_years.first().copied().min(actual_years.first().copied()).unwrap_or(year);
    let last = targets_years.last().copied().max(actual_years.last().copied()).unwrap_or(year);
    let code = options.code.clone().unwrap_or_else(|| acronym(&name));
    let indicators: Vec<Indicator> = rows.into_iter().map(|r| r.indicator).collect();
    let lines_of: HashMap<usize, usize> = decisions.iter().enumerate().map(|(i, d)| (i, d.line)).collect();
    let parts = PolicyParts {
        meta: PolicyMeta {
            code,
            name,
            policy_type,
            sector,
            ministry,
            norm: None,
            years: YearRange { first, last },
            profile: profile.id(),
            synthesis,
        },
        objectives,
        lineamientos,
        services,
        indicators,
    };
    if !ctx.issues.is_empty() {
        return Err(ctx.issues);
    }
    let code_line = |place: &Place, parts: &PolicyParts| -> (Option<usize>, Option<String>) {
        let find = |code: &Code| entries.iter().find(|e| e.1 == code.as_str()).map(|e| e.0);
        match place {
            Place::Meta => (None, None),
            Place::Objective(i) => (find(&parts.objectives[*i].code), Some(parts.objectives[*i].code.to_string())),
            Place::Lineamiento(i) => {
                (find(&parts.lineamientos[*i].code), Some(parts.lineamientos[*i].code.to_string()))
            }
            Place::Service(i) => (find(&parts.services[*i].code), Some(parts.services[*i].code.to_string())),
            Place::Indicator(i) => (lines_of.get(i).copied(), Some(parts.indicators[*i].code.to_string())),
        }
    };
    match Policy::new(parts.clone()) {
        Ok(policy) => Ok(ReportImport { policy, published, decisions }),
        Err(structure) => {
            for s in structure {
                let (line, code) = code_line(&s.place, &parts);
                ctx.push(line, code.as_deref(), IssueKind::Structure(s.kind));
            }
            Err(ctx.issues)
        }
    }
}

/// Splits the header's years into target columns, actual columns and the report year:
/// `2022 2023 2024 2022 2023 2024 2024`.
fn columns(years: &str) -> Option<(Vec<Year>, Vec<Year>, Year)> {
    let mut ys: Vec<Year> = years.split_whitespace().filter_map(|y| y.parse().ok()).collect();
    let report = ys.pop()?;
    let restart = (1..ys.len()).find(|&i| ys[i] <= ys[i - 1])?;
    let actuals = ys.split_off(restart);
    let increasing = |v: &[Year]| v.windows(2).all(|w| w[0] < w[1]);
    (increasing(&ys) && increasing(&actuals) && !ys.is_empty() && !actuals.is_empty()).then_some((ys, actuals, report))
}

/// A table line that starts with a code: the code and what follows it on the line.
fn split_code_line(line: &str) -> Option<(&str, Option<&str>)> {
    let line = line.trim();
    let (code, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let rest = rest.trim();
    CODE.is_match(code).then_some((code, (!rest.is_empty()).then_some(rest)))
}

/// The parts of an indicator's row, in the order the report prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RowParts<'a> {
    name: &'a str,
    responsible: &'a str,
    indicator_type: &'a str,
    sentido: &'a str,
    aggregation: &'a str,
    year: &'a str,
    values: &'a str,
}

/// Splits a row's text (words joined by single spaces, as [`join`] leaves it) into its parts:
/// `name RESPONSIBLE[ - RESPONSIBLE…] TYPE sentido aggregation year values…`. The first sentido
/// that is followed by an aggregation and a year, and preceded by a type and a responsible, wins,
/// and the responsible takes every `A - B` it can: the name is as short as it can be.
fn row_parts(body: &str) -> Option<RowParts<'_>> {
    let words: Vec<(usize, &str)> = body
        .split(' ')
        .scan(0, |at, w| {
            let start = *at;
            *at += w.len() + 1;
            Some((start, w))
        })
        .collect();
    let word = |i: usize| words.get(i).map(|w| w.1);
    let span = |from: usize, to: usize| &body[words[from].0..words[to].0 + words[to].1.len()];
    let upper = |w: &str, digits: bool| {
        !w.is_empty()
            && w.chars().all(|c| c.is_ascii_uppercase() || "ÁÉÍÓÚÑ".contains(c) || (digits && c.is_ascii_digit()))
    };
    for i in 2..words.len() {
        let sentido = match (words[i].1, word(i + 1)) {
            ("ascendente" | "descendente" | "no_definido", _) => 1,
            ("no", Some("definido")) => 2,
            _ => continue,
        };
        let j = i + sentido;
        let aggregation = match (word(j), word(j + 1)) {
            (Some("no"), Some("acumulado")) => 2,
            (Some("acumulado"), _) => 1,
            (Some("mínimo" | "minimo" | "máximo" | "maximo"), Some("permisible")) => 2,
            _ => continue,
        };
        let k = j + aggregation;
        let year_ok = word(k).is_some_and(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()));
        if !year_ok || k + 1 >= words.len() || !upper(words[i - 1].1, false) || !upper(words[i - 2].1, true) {
            continue;
        }
        let mut first = i - 2;
        while first >= 2 && words[first - 1].1 == "-" && upper(words[first - 2].1, true) {
            first -= 2;
        }
        let name = if first == 0 { "" } else { &body[..words[first].0 - 1] };
        return Some(RowParts {
            name,
            responsible: span(first, i - 2),
            indicator_type: words[i - 1].1,
            sentido: span(i, j - 1),
            aggregation: span(j, k - 1),
            year: words[k].1,
            values: &body[words[k + 1].0..],
        });
    }
    None
}

fn read_row(ctx: &mut Ctx<'_>, line: usize, code: Code, body: &str) -> Option<Row> {
    let unreadable = |ctx: &mut Ctx<'_>, reason| {
        ctx.push(Some(line), Some(code.as_str()), IssueKind::Unreadable { text: body.to_string(), reason });
    };
    let Some(c) = row_parts(body) else {
        unreadable(ctx, Unreadable::RowNotRecognized);
        return None;
    };
    let tokens: Vec<&str> = c.values.split_whitespace().collect();
    let Some((last, values)) = tokens.split_last() else {
        unreadable(ctx, Unreadable::NoAvance);
        return None;
    };
    let Some(published) = Printed::parse(last) else {
        unreadable(ctx, Unreadable::NoAvance);
        return None;
    };
    let Some((baseline, values)) = values.split_first() else {
        unreadable(ctx, Unreadable::NoBaseline);
        return None;
    };
    let name = c.name.trim().to_string();
    if name.is_empty() {
        unreadable(ctx, Unreadable::NoName);
        return None;
    }
    let mut all = vec![*baseline];
    all.extend(values.iter().copied());
    let unit = unit_for(&name, &all);
    let mut cells = Vec::with_capacity(all.len());
    // A published report says nothing of negative values: the unit's default applies.
    for v in &all {
        match Cell::parse_signed(v, unit, unit.negative_by_default()) {
            Ok(cell) => cells.push(cell),
            Err(error) => ctx.push(Some(line), Some(code.as_str()), IssueKind::Value { error, unit }),
        }
    }
    if cells.len() != all.len() {
        return None;
    }
    let agg = c.aggregation.to_lowercase().replace('í', "i").replace('á', "a");
    let direction = if c.sentido.replace(' ', "_") == "no_definido" {
        let Some(standard) = Standard::parse(&agg) else {
            unreadable(ctx, Unreadable::AggregationOnNoDefinido);
            return None;
        };
        Direction::NoDefinido(standard)
    } else {
        let Some(aggregation) = Aggregation::parse(&agg) else {
            unreadable(ctx, Unreadable::StandardOnTrend);
            return None;
        };
        let sense = if c.sentido == "descendente" { Sense::Descendente } else { Sense::Ascendente };
        Direction::Trend { sense: Some(sense), aggregation }
    };
    let Ok(year) = c.year.parse::<Year>() else {
        unreadable(ctx, Unreadable::BadBaselineYear);
        return None;
    };
    let baseline_cell = cells.remove(0);
    Some(Row {
        line,
        indicator: Indicator {
            code,
            name,
            responsible: c.responsible.split_whitespace().collect::<Vec<_>>().join(" "),
            indicator_type: c.indicator_type.to_string(),
            unit,
            negative_values: None,
            direction,
            baseline: Some(Baseline { year, value: baseline_cell }),
            targets: Series::new(),
            actuals: Series::new(),
        },
        values: cells,
        published,
    })
}

/// The splits of `k` values into targets and actuals that the columns allow.
fn splits(k: usize, targets: usize, actuals: usize) -> Vec<(usize, usize)> {
    (0..=k.min(targets)).map(|a| (a, k - a)).filter(|&(_, b)| b <= actuals).collect()
}

/// Gives each row's values their years: targets are the last `a` target columns, actuals the last
/// `b` actual columns, for the split `(a, b)` that the printed avance settles.
fn place_values(
    ctx: &mut Ctx<'_>,
    rows: &mut [Row],
    target_years: &[Year],
    actual_years: &[Year],
    year: Year,
    profile: &RuleProfile,
) -> Vec<YearDecision> {
    let assign = |row: &Row, (a, b): (usize, usize)| -> Indicator {
        let mut ind = row.indicator.clone();
        let (t, v) = row.values.split_at(a);
        ind.targets = target_years[target_years.len() - a..].iter().copied().zip(t.iter().cloned()).collect();
        ind.actuals = actual_years[actual_years.len() - b..].iter().copied().zip(v.iter().cloned()).collect();
        ind
    };
    let reproduces = |row: &Row, split: (usize, usize)| -> bool {
        let ind = assign(row, split);
        let ev = evaluate(&ind, year, profile);
        match (ev.avance.ok(), row.published.value) {
            (Some(a), Some(p)) => avance_core::number::round_display(a, row.published.decimals()) == p,
            _ => false,
        }
    };
    // The splits that reproduce each row's avance.
    let mut candidates: Vec<Vec<(usize, usize)>> = Vec::with_capacity(rows.len());
    for row in rows.iter() {
        let k = row.values.len();
        let all = splits(k, target_years.len(), actual_years.len());
        if all.is_empty() {
            ctx.push(
                Some(row.line),
                Some(row.indicator.code.as_str()),
                IssueKind::Unreadable {
                    text: row.values.iter().map(|c| c.text()).collect::<Vec<_>>().join(" "),
                    reason: Unreadable::TooManyValues { found: k, max: target_years.len() + actual_years.len() },
                },
            );
        }
        candidates.push(all.into_iter().filter(|s| reproduces(row, *s)).collect());
    }
    // The layout each count of values settles: the split of the rows that only one split reproduces.
    let mut settled: HashMap<usize, HashMap<(usize, usize), usize>> = HashMap::new();
    for (row, c) in rows.iter().zip(&candidates) {
        if let [only] = c[..] {
            *settled.entry(row.values.len()).or_default().entry(only).or_default() += 1;
        }
    }
    let usual = |k: usize| -> Option<((usize, usize), usize)> {
        settled.get(&k)?.iter().max_by_key(|(s, n)| (**n, s.1)).map(|(s, n)| (*s, *n))
    };
    let mut decisions = Vec::with_capacity(rows.len());
    for (row, c) in rows.iter_mut().zip(candidates) {
        let k = row.values.len();
        if splits(k, target_years.len(), actual_years.len()).is_empty() {
            continue;
        }
        let avance = row.published.text.clone();
        let (split, evidence) = match (&c[..], usual(k)) {
            ([only], _) => (*only, Evidence::Reproduces { avance }),
            (_, Some((s, rows))) => {
                let reproduces = c.contains(&s);
                (s, Evidence::Usual { rows, avance, reproduces })
            }
            _ => {
                let a = (k / 2).min(target_years.len());
                let b = (k - a).min(actual_years.len());
                ((k - b, b), Evidence::Default { avance })
            }
        };
        let ind = assign(row, split);
        decisions.push(YearDecision {
            code: ind.code.clone(),
            line: row.line,
            printed: k,
            targets: ind.targets.keys().copied().collect(),
            actuals: ind.actuals.keys().copied().collect(),
            evidence,
        });
        row.indicator = ind;
    }
    decisions
}

/// Splits text into sentences at a period followed by a space and a capital letter.
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, ch) in chars.iter().enumerate() {
        current.push(*ch);
        let next_upper = chars.get(i + 2).is_some_and(|c| c.is_uppercase());
        if *ch == '.' && chars.get(i + 1) == Some(&' ') && next_upper {
            out.push(current.trim().to_string());
            current.clear();
        }
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_string());
    }
    out
}

/// The services a piece of text names, as codes.
fn service_refs(text: &str) -> Vec<Code> {
    SERVICE_REF.captures_iter(text).filter_map(|c| format!("SS.{}", &c[1]).parse().ok()).collect()
}

fn kinds(text: &str) -> Vec<AlertKind> {
    let mut out = Vec::new();
    if KIND_BAJO.is_match(text) {
        out.push(AlertKind::BajoAvance);
    }
    if KIND_ND.is_match(text) {
        out.push(AlertKind::SinInformacion);
    }
    if KIND_ATIPICO.is_match(text) {
        out.push(AlertKind::AvanceAtipico);
    }
    out
}

/// Whether a sentence restates computed facts (codes, alert headings, the objective's state).
fn generated(sentence: &str) -> bool {
    !service_refs(sentence).is_empty() || !kinds(sentence).is_empty() || STATE.is_match(sentence)
}

/// Reads one paragraph: the services it names under each heading, the objective's state, and the
/// analysts' sentences (those after the last generated one).
fn read_paragraph(objective: Option<Code>, text: &str) -> (AlertParagraph, Option<String>) {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let sents = sentences(&text);
    let last_generated = sents.iter().rposition(|s| generated(s));
    let analysis = match last_generated {
        Some(i) if i + 1 < sents.len() => Some(sents[i + 1..].join(" ")),
        None if !sents.is_empty() => Some(sents.join(" ")),
        _ => None,
    };
    let stated = &sents[..last_generated.map_or(0, |i| i + 1)];
    let mut claims = Vec::new();
    let mut state = None;
    // A clause never crosses a sentence: split sentences first, then at `;` and `)`.
    for clause in stated.iter().flat_map(|sentence| sentence.split([';', ')'])) {
        let services = service_refs(clause);
        let ks = kinds(clause);
        if services.is_empty() {
            if objective.is_some() && state.is_none() && STATE_ND.is_match(clause) {
                state = Some(Band::Nd);
            }
        } else {
            for s in services {
                for k in &ks {
                    if !claims.iter().any(|c: &Claim| c.service == s && c.kind == *k) {
                        claims.push(Claim { service: s.clone(), kind: *k });
                    }
                }
            }
        }
        if objective.is_some()
            && state.is_none()
            && let Some(c) = STATE.captures(clause)
        {
            state = match c[1].to_lowercase().as_str() {
                "bajo" => Some(Band::Bajo),
                "intermedio" => Some(Band::Intermedio),
                _ => Some(Band::Alto),
            };
        }
    }
    (AlertParagraph { objective, text, state, claims }, analysis)
}

type Analysis = Vec<(Option<Code>, Option<String>)>;

/// The paragraphs of "Alertas identificadas": one per `OP nn:`, then the synthesis (the first block
/// after the objectives' paragraphs that speaks of several objectives).
fn alert_paragraphs(lines: &[&str]) -> (Vec<AlertParagraph>, Analysis) {
    // Blocks end at blank lines, and a line that opens a paragraph (`OP 01:`, `Síntesis:`) starts
    // one even where the layout left no blank line before it.
    let mut blocks: Vec<Vec<&str>> = vec![Vec::new()];
    for l in lines {
        let opens = OP_PARAGRAPH.is_match(l) || SYNTHESIS_HEAD.is_match(l);
        if (l.trim().is_empty() || opens) && blocks.last().is_some_and(|b| !b.is_empty()) {
            blocks.push(Vec::new());
        }
        if !l.trim().is_empty()
            && let Some(b) = blocks.last_mut()
        {
            b.push(l);
        }
    }
    let mut paragraphs: Vec<(Option<Code>, String)> = Vec::new();
    let mut in_synthesis = false;
    for block in blocks.into_iter().filter(|b| !b.is_empty()) {
        let text = join(&block);
        if let Some(c) = OP_PARAGRAPH.captures(&text) {
            let code = format!("OP.{:0>2}", &c[1]).parse::<Code>().ok();
            paragraphs.push((code, c[2].to_string()));
            in_synthesis = false;
        } else if !in_synthesis && !paragraphs.is_empty() && SYNTHESIS.is_match(&text) {
            paragraphs.push((None, text));
            in_synthesis = true;
        } else if let Some(last) = paragraphs.last_mut() {
            last.1.push(' ');
            last.1.push_str(&text);
        }
    }
    paragraphs.into_iter().map(|(o, t)| read_paragraph(o, &t)).map(|(p, a)| (p.clone(), (p.objective, a))).unzip()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The row pattern the reader used before [`row_parts`]: the reference its result must equal.
    static ROW: LazyLock<Regex> = LazyLock::new(|| {
        re(r"(?x)^(?P<name>.*?)(?:^|\s+)
            (?P<resp>[A-ZÁÉÍÓÚÑ0-9]+(?:\s+-\s+[A-ZÁÉÍÓÚÑ0-9]+)*)\s+
            (?P<type>[A-ZÁÉÍÓÚÑ]+)\s+
            (?P<sentido>ascendente|descendente|no[_\ ]definido)\s+
            (?P<agg>no\ acumulado|acumulado|m[ií]nimo\ permisible|m[aá]ximo\ permisible)\s+
            (?P<year>[0-9]{4})\s+(?P<values>.*)$")
    });

    fn by_pattern(body: &str) -> Option<RowParts<'_>> {
        let c = ROW.captures(body)?;
        let part = |n: &str| c.name(n).map_or("", |m| m.as_str());
        Some(RowParts {
            name: part("name"),
            responsible: part("resp"),
            indicator_type: part("type"),
            sentido: part("sentido"),
            aggregation: part("agg"),
            year: part("year"),
            values: part("values"),
        })
    }

    /// Each slot of a row, with right and wrong words for it.
    const SLOTS: &[&[&str]] = &[
        &["", "Porcentaje de", "Tasa - de", "ascendente acumulado 2020", "DGDE"],
        &["DGDE", "ITP - 05", "Ñ1 - DGDE - ITP", "abc", "- ITP", ""],
        &["EFICACIA", "É", "A1", "abc", ""],
        &["ascendente", "descendente", "no definido", "no_definido", "Ascendente", "no"],
        &["acumulado", "no acumulado", "mínimo permisible", "maximo permisible", "permisible", ""],
        &["2020", "20201", "abc", ""],
        &["", "12.5", "ND 3 4"],
    ];

    #[test]
    fn a_printed_row_splits_into_its_parts() {
        let body = "Número de empresas DGDE - ITP - 05 EFICACIA ascendente no acumulado 2019 100 120 130 118 98.3";
        assert_eq!(
            row_parts(body),
            Some(RowParts {
                name: "Número de empresas",
                responsible: "DGDE - ITP - 05",
                indicator_type: "EFICACIA",
                sentido: "ascendente",
                aggregation: "no acumulado",
                year: "2019",
                values: "100 120 130 118 98.3",
            })
        );
        assert_eq!(row_parts("Nombre DGDE EFICACIA ascendente acumulado 2019"), None, "no values after the year");
        assert_eq!(
            split_code_line("  ISS.01.02.03  Nombre del indicador  "),
            Some(("ISS.01.02.03", Some("Nombre del indicador")))
        );
        assert_eq!(split_code_line("OP.01"), Some(("OP.01", None)));
        assert_eq!(split_code_line("OP.1234 x"), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        #[test]
        fn rows_split_as_the_pattern_does(picks in proptest::collection::vec(0..6usize, SLOTS.len() * 2)) {
            // Two rows' worth of slots, so that an earlier row-like part competes with a later one.
            let text = picks.iter().enumerate().map(|(i, &p)| {
                let slot = SLOTS[i % SLOTS.len()];
                slot[p % slot.len()]
            });
            let body = text.collect::<Vec<_>>().join(" ").split_whitespace().collect::<Vec<_>>().join(" ");
            prop_assert_eq!(row_parts(&body), by_pattern(&body), "{}", body);
        }
    }
}
