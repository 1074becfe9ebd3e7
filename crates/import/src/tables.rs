//! The planner's tables: the same four sheets in an XLSX workbook or as CSV files. A policy becomes
//! tables for writing; tables become a policy through the dataset's own validation, every problem
//! located at its sheet, row and column.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use avance_core::model::{Direction, Policy, Sense, Sentido, YearRange};
use avance_core::value::Unit;
use serde_json::{Map, Value, json};

use crate::dataset;
use crate::issue::{Expected, Issue, IssueKind, Location};

pub const INSTRUCTIONS: &str = "instrucciones";
pub const POLICY: &str = "politica";
pub const STRUCTURE: &str = "estructura";
pub const INDICATORS: &str = "indicadores";
pub const VALUES: &str = "valores";

/// The sheets that hold data, in order.
pub const SHEETS: [&str; 4] = [POLICY, STRUCTURE, INDICATORS, VALUES];

/// Rows of the policy sheet: label, and the dataset field it fills.
pub const POLICY_FIELDS: [(&str, &str); 12] = [
    ("código", "code"),
    ("nombre", "name"),
    ("tipo", "type"),
    ("código del sector", "sector.code"),
    ("sector", "sector.name"),
    ("código del ministerio conductor", "ministry.code"),
    ("ministerio conductor", "ministry.name"),
    ("norma de aprobación", "norm"),
    ("primer año", "years.first"),
    ("último año", "years.last"),
    ("perfil de reglas", "profile"),
    ("síntesis de los analistas", "synthesis"),
];

pub const POLICY_HEADER: [&str; 2] = ["campo", "valor"];
pub const STRUCTURE_HEADER: [&str; 3] = ["código", "nombre", "análisis de los analistas"];
pub const INDICATOR_HEADER: [&str; 10] = [
    "código",
    "nombre",
    "responsable",
    "tipo de indicador",
    "unidad",
    "sentido esperado",
    "tipo de agregación",
    "estándar de cumplimiento",
    "año de línea base",
    "valor de línea base",
];
const TARGET: &str = "logro esperado";
const ACTUAL: &str = "valor obtenido";

/// One sheet: a header row and data rows of text. `numeric` marks the cells that a spreadsheet
/// stored as numbers rather than text (row and column indices of `rows`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sheet {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub numeric: BTreeSet<(usize, usize)>,
}

impl Sheet {
    fn cell(&self, row: usize, col: usize) -> &str {
        self.rows.get(row).and_then(|r| r.get(col)).map_or("", |s| s.trim())
    }
}

/// The four sheets by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tables {
    pub sheets: Vec<(String, Sheet)>,
}

impl Tables {
    pub fn get(&self, name: &str) -> Option<&Sheet> {
        self.sheets.iter().find(|(n, _)| n == name).map(|(_, s)| s)
    }
}

/// `0` → `A`, `26` → `AA`.
pub fn column_letter(mut i: usize) -> String {
    let mut s = String::new();
    loop {
        s.insert(0, (b'A' + (i % 26) as u8) as char);
        if i < 26 {
            return s;
        }
        i = i / 26 - 1;
    }
}

fn target_header(y: u16) -> String {
    format!("{TARGET} {y}")
}

fn actual_header(y: u16) -> String {
    format!("{ACTUAL} {y}")
}

fn values_header(years: YearRange) -> Vec<String> {
    let mut h = vec!["código".to_string(), "indicador".to_string()];
    h.extend(years.iter().map(|y| target_header(y.get())));
    h.extend(years.iter().map(|y| actual_header(y.get())));
    h
}

fn strings<const N: usize>(a: [&str; N]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

/// Empty sheets for a new policy covering `years`.
pub fn empty(years: YearRange) -> Tables {
    let policy = Sheet {
        header: strings(POLICY_HEADER),
        rows: POLICY_FIELDS
            .iter()
            .map(|(label, field)| {
                let value = match *field {
                    "years.first" => years.first.to_string(),
                    "years.last" => years.last.to_string(),
                    "profile" => avance_core::profile::RuleProfile::ceplan_pn_v1().id(),
                    _ => String::new(),
                };
                vec![label.to_string(), value]
            })
            .collect(),
        numeric: BTreeSet::new(),
    };
    Tables {
        sheets: vec![
            (POLICY.into(), policy),
            (STRUCTURE.into(), Sheet { header: strings(STRUCTURE_HEADER), ..Sheet::default() }),
            (INDICATORS.into(), Sheet { header: strings(INDICATOR_HEADER), ..Sheet::default() }),
            (VALUES.into(), Sheet { header: values_header(years), ..Sheet::default() }),
        ],
    }
}

/// A policy's tables, prefilled.
pub fn from_policy(policy: &Policy) -> Tables {
    let p = policy.parts();
    let m = &p.meta;
    let mut t = empty(m.years);
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    let policy_values = [
        m.code.clone(),
        m.name.clone(),
        m.policy_type.id().to_string(),
        m.sector.code.clone(),
        m.sector.name.clone(),
        m.ministry.code.clone(),
        m.ministry.name.clone(),
        opt(&m.norm),
        m.years.first.to_string(),
        m.years.last.to_string(),
        m.profile.clone(),
        opt(&m.synthesis),
    ];
    for (row, v) in t.sheets[0].1.rows.iter_mut().zip(policy_values) {
        row[1] = v;
    }
    let structure = &mut t.sheets[1].1.rows;
    for o in &p.objectives {
        structure.push(vec![o.code.to_string(), o.name.clone(), opt(&o.analysis)]);
    }
    for e in p.lineamientos.iter().chain(&p.services) {
        structure.push(vec![e.code.to_string(), e.name.clone(), String::new()]);
    }
    for i in &p.indicators {
        let (sentido, aggregation, standard) = match i.direction {
            Direction::Trend { sense, aggregation } => (sense.map(Sense::id), Some(aggregation.id()), None),
            Direction::NoDefinido(s) => (Some(Sentido::NoDefinido.id()), None, Some(s.id())),
        };
        t.sheets[2].1.rows.push(vec![
            i.code.to_string(),
            i.name.clone(),
            i.responsible.clone(),
            i.indicator_type.clone(),
            i.unit.id().to_string(),
            sentido.unwrap_or_default().to_string(),
            aggregation.unwrap_or_default().to_string(),
            standard.unwrap_or_default().to_string(),
            i.baseline.as_ref().map(|b| b.year.to_string()).unwrap_or_default(),
            i.baseline.as_ref().map(|b| b.value.text().to_string()).unwrap_or_default(),
        ]);
        let mut row = vec![i.code.to_string(), i.name.clone()];
        row.extend(m.years.iter().map(|y| i.targets.get(&y).map(|c| c.text().to_string()).unwrap_or_default()));
        row.extend(m.years.iter().map(|y| i.actuals.get(&y).map(|c| c.text().to_string()).unwrap_or_default()));
        t.sheets[3].1.rows.push(row);
    }
    t
}

/// Where each cell is, for issues.
struct Places {
    file: PathBuf,
    /// `Some(name)` for a workbook's sheets; `None` for CSV files, named by the file.
    workbook: bool,
    by_path: HashMap<String, (String, usize, usize)>,
    issues: Vec<Issue>,
}

impl Places {
    fn location(&self, sheet: &str, row: usize, col: usize) -> (PathBuf, Location) {
        // Data rows are numbered as the spreadsheet does: the header is row 1.
        let cell = |sheet| Location::Cell { sheet, row: row + 2, column: column_letter(col) };
        if self.workbook {
            (self.file.clone(), cell(Some(sheet.to_string())))
        } else {
            (self.file.join(format!("{sheet}.csv")), cell(None))
        }
    }

    fn header_location(&self, sheet: &str, col: usize) -> (PathBuf, Location) {
        let (file, _) = self.location(sheet, 0, col);
        let loc =
            Location::Cell { sheet: self.workbook.then(|| sheet.to_string()), row: 1, column: column_letter(col) };
        (file, loc)
    }

    fn push(&mut self, at: (PathBuf, Location), code: Option<&str>, kind: IssueKind) {
        self.issues.push(Issue { file: at.0, location: at.1, code: code.map(str::to_string), kind });
    }

    fn remember(&mut self, path: String, sheet: &str, row: usize, col: usize) {
        self.by_path.insert(path, (sheet.to_string(), row, col));
    }
}

/// Builds the dataset document from the tables, remembering the cell behind each field.
fn document(t: &Tables, places: &mut Places) -> Option<Value> {
    let mut missing = false;
    for name in SHEETS {
        if t.get(name).is_none() {
            let (file, _) = places.location(name, 0, 0);
            let kind = IssueKind::Missing { expected: Expected::Literal(name.to_string()) };
            places.push((file, Location::File), None, kind);
            missing = true;
        }
    }
    if missing {
        return None;
    }
    let (policy, structure, indicators, values) =
        (t.get(POLICY)?, t.get(STRUCTURE)?, t.get(INDICATORS)?, t.get(VALUES)?);
    let mut ok = check_header(places, STRUCTURE, structure, &STRUCTURE_HEADER);
    ok &= check_header(places, INDICATORS, indicators, &INDICATOR_HEADER);
    ok &= check_header(places, POLICY, policy, &POLICY_HEADER);

    // The policy sheet: one field per row, found by its label.
    let mut meta = Map::new();
    let mut sector = Map::new();
    let mut ministry = Map::new();
    let mut years = Map::new();
    for (r, _) in policy.rows.iter().enumerate() {
        let label = policy.cell(r, 0);
        let value = policy.cell(r, 1);
        if label.is_empty() && value.is_empty() {
            continue;
        }
        let Some((_, field)) =
            POLICY_FIELDS.iter().find(|(l, _)| l.eq_ignore_ascii_case(label) || *l == label.to_lowercase())
        else {
            let expected = Expected::OneOf(POLICY_FIELDS.iter().map(|(l, _)| l.to_string()).collect());
            places.push(
                places.location(POLICY, r, 0),
                None,
                IssueKind::Invalid { expected, found: format!("\"{label}\"") },
            );
            ok = false;
            continue;
        };
        places.remember(format!("policy.{field}"), POLICY, r, 1);
        if value.is_empty() {
            continue;
        }
        let (target, key) = match field.split_once('.') {
            Some(("sector", k)) => (&mut sector, k),
            Some(("ministry", k)) => (&mut ministry, k),
            Some(("years", k)) => (&mut years, k),
            _ => (&mut meta, *field),
        };
        let v = if field.starts_with("years.") {
            value.parse::<u64>().map_or_else(|_| json!(value), |n| json!(n))
        } else {
            json!(value)
        };
        target.insert(key.to_string(), v);
    }
    for (key, map) in [("sector", sector), ("ministry", ministry), ("years", years)] {
        if !map.is_empty() {
            meta.insert(key.into(), Value::Object(map));
        }
    }

    // The structure sheet: objectives, lineamientos and services by their code's prefix.
    let (mut objectives, mut lineamientos, mut services) = (Vec::new(), Vec::new(), Vec::new());
    for (r, _) in structure.rows.iter().enumerate() {
        let code = structure.cell(r, 0);
        if code.is_empty() && structure.cell(r, 1).is_empty() {
            continue;
        }
        let (list, key): (&mut Vec<Value>, &str) = match code.split('.').next() {
            Some("OP") => (&mut objectives, "objectives"),
            Some("LN") => (&mut lineamientos, "lineamientos"),
            Some("SS") => (&mut services, "services"),
            _ => {
                let expected = Expected::OneOf(vec!["OP.nn".into(), "LN.nn.mm".into(), "SS.nn.mm.kk".into()]);
                places.push(
                    places.location(STRUCTURE, r, 0),
                    None,
                    IssueKind::Invalid { expected, found: format!("\"{code}\"") },
                );
                ok = false;
                continue;
            }
        };
        let i = list.len();
        let mut item = Map::new();
        item.insert("code".into(), json!(code));
        places.remember(format!("{key}[{i}]"), STRUCTURE, r, 0);
        places.remember(format!("{key}[{i}].code"), STRUCTURE, r, 0);
        places.remember(format!("{key}[{i}].name"), STRUCTURE, r, 1);
        if !structure.cell(r, 1).is_empty() {
            item.insert("name".into(), json!(structure.cell(r, 1)));
        }
        let analysis = structure.cell(r, 2);
        if !analysis.is_empty() {
            if key == "objectives" {
                places.remember(format!("{key}[{i}].analysis"), STRUCTURE, r, 2);
                item.insert("analysis".into(), json!(analysis));
            } else {
                places.push(places.location(STRUCTURE, r, 2), Some(code), IssueKind::UnknownField);
                ok = false;
            }
        }
        list.push(Value::Object(item));
    }

    // The indicators sheet.
    let fields = ["code", "name", "responsible", "type", "unit", "sentido", "aggregation", "standard"];
    let mut items = Vec::new();
    let mut index_of: HashMap<String, usize> = HashMap::new();
    let mut units: HashMap<String, Unit> = HashMap::new();
    for (r, _) in indicators.rows.iter().enumerate() {
        if (0..INDICATOR_HEADER.len()).all(|c| indicators.cell(r, c).is_empty()) {
            continue;
        }
        let i = items.len();
        let code = indicators.cell(r, 0).to_string();
        let mut item = Map::new();
        places.remember(format!("indicators[{i}]"), INDICATORS, r, 0);
        for (c, f) in fields.iter().enumerate() {
            places.remember(format!("indicators[{i}].{f}"), INDICATORS, r, c);
            let v = indicators.cell(r, c);
            if !v.is_empty() {
                item.insert(f.to_string(), json!(v));
            }
        }
        let (by, bv) = (indicators.cell(r, 8), indicators.cell(r, 9));
        places.remember(format!("indicators[{i}].baseline"), INDICATORS, r, 8);
        places.remember(format!("indicators[{i}].baseline.year"), INDICATORS, r, 8);
        places.remember(format!("indicators[{i}].baseline.value"), INDICATORS, r, 9);
        if !by.is_empty() || !bv.is_empty() {
            let mut b = Map::new();
            if !by.is_empty() {
                b.insert("year".into(), by.parse::<u64>().map_or_else(|_| json!(by), |n| json!(n)));
            }
            if !bv.is_empty() {
                b.insert("value".into(), json!(bv));
            }
            item.insert("baseline".into(), Value::Object(b));
        }
        if let Ok(u) = indicators.cell(r, 4).parse::<Unit>() {
            units.insert(code.clone(), u);
        }
        index_of.entry(code).or_insert(i);
        items.push(item);
    }

    // The values sheet: a row per indicator, a column per year for targets and for actuals.
    let mut columns: Vec<(usize, &'static str, String)> = Vec::new();
    for (c, h) in values.header.iter().enumerate().skip(2) {
        let h = h.trim().to_lowercase();
        let parsed = [(TARGET, "targets"), (ACTUAL, "actuals")].into_iter().find_map(|(prefix, key)| {
            let year = h.strip_prefix(prefix)?.trim();
            (year.len() == 4 && year.parse::<u16>().is_ok()).then(|| (key, year.to_string()))
        });
        match parsed {
            Some((key, year)) => columns.push((c, key, year)),
            None if h.is_empty() => {}
            None => {
                let expected = Expected::OneOf(vec![format!("{TARGET} AAAA"), format!("{ACTUAL} AAAA")]);
                places.push(
                    places.header_location(VALUES, c),
                    None,
                    IssueKind::Invalid { expected, found: format!("\"{h}\"") },
                );
                ok = false;
            }
        }
    }
    let mut seen_rows: HashMap<String, usize> = HashMap::new();
    for (r, _) in values.rows.iter().enumerate() {
        let code = values.cell(r, 0).to_string();
        if code.is_empty() && columns.iter().all(|(c, _, _)| values.cell(r, *c).is_empty()) {
            continue;
        }
        let Some(&i) = index_of.get(&code) else {
            let kind = IssueKind::NotInSheet { code: code.clone(), sheet: INDICATORS.to_string() };
            places.push(places.location(VALUES, r, 0), None, kind);
            ok = false;
            continue;
        };
        if let Some(first) = seen_rows.insert(code.clone(), r) {
            places.push(places.location(VALUES, r, 0), Some(&code), IssueKind::DuplicateRow { first_row: first + 2 });
            ok = false;
            continue;
        }
        for (c, key, year) in &columns {
            let v = values.cell(r, *c);
            if v.is_empty() {
                continue;
            }
            if values.numeric.contains(&(r, *c)) && units.get(&code).is_some_and(|u| u.allows_percent_sign()) {
                places.push(
                    places.location(VALUES, r, *c),
                    Some(&code),
                    IssueKind::NumericPercentage { value: v.to_string() },
                );
                ok = false;
                continue;
            }
            places.remember(format!("indicators[{i}].{key}.{year}"), VALUES, r, *c);
            let series = items[i].entry(key.to_string()).or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(m) = series {
                m.insert(year.clone(), json!(v));
            }
        }
    }
    if !ok {
        return None;
    }
    Some(json!({
        "format": dataset::FORMAT,
        "policy": Value::Object(meta),
        "objectives": objectives,
        "lineamientos": lineamientos,
        "services": services,
        "indicators": items.into_iter().map(Value::Object).collect::<Vec<_>>(),
    }))
}

fn check_header(places: &mut Places, name: &str, sheet: &Sheet, expected: &[&str]) -> bool {
    let mut ok = true;
    for (c, want) in expected.iter().enumerate() {
        let got = sheet.header.get(c).map_or("", |s| s.trim());
        if !got.eq_ignore_ascii_case(want) && got.to_lowercase() != *want {
            let kind =
                IssueKind::Invalid { expected: Expected::Literal(want.to_string()), found: format!("\"{got}\"") };
            places.push(places.header_location(name, c), None, kind);
            ok = false;
        }
    }
    ok
}

/// Reads tables into a policy. `file` is the workbook, or the directory of CSV files.
pub fn to_policy(file: &Path, tables: &Tables, workbook: bool) -> Result<Policy, Vec<Issue>> {
    let mut places = Places { file: file.to_path_buf(), workbook, by_path: HashMap::new(), issues: Vec::new() };
    let Some(doc) = document(tables, &mut places) else {
        return Err(places.issues);
    };
    dataset::parse_value(file, &doc).map_err(|issues| {
        issues
            .into_iter()
            .map(|mut issue| {
                if let Location::Path(path) = &issue.location {
                    // The longest known prefix of the path names the cell.
                    let mut p = path.as_str();
                    let found = loop {
                        if let Some(cell) = places.by_path.get(p) {
                            break Some(cell.clone());
                        }
                        match p.rfind('.') {
                            Some(i) => p = &p[..i],
                            None => break None,
                        }
                    };
                    if let Some((sheet, row, col)) = found {
                        let (f, loc) = places.location(&sheet, row, col);
                        issue.file = f;
                        issue.location = loc;
                    } else if path == "policy" || path.starts_with("policy.") {
                        let (f, _) = places.location(POLICY, 0, 0);
                        issue.file = f;
                        issue.location = Location::Path(format!("{POLICY}: {path}"));
                    }
                }
                issue
            })
            .collect()
    })
}
