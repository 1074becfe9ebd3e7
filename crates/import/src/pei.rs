//! An entity's PEI as a file: format `avance-pei/1` (docs/formats.md), its period, OEI and AEI and
//! their indicators with yearly logros esperados and valores obtenidos. The indicators are written
//! as a national policy's (one reader for both), under PEI codes. Every problem is reported with
//! its place in the file.

use std::path::Path;

use avance_core::pei::{PeiCode, PeiCodeKind, PeiElement, PeiPlace, PeiPlan};
use avance_core::profile::RuleProfile;
use serde_json::{Value, json};

use crate::dataset::{INDICATOR, IndicatorFields, indicator_json, list, read_indicator_as};
use crate::issue::{Expected, Issue, IssueKind};
use crate::walk::{Ctx, Obj};

/// The value of the `format` field.
pub const FORMAT: &str = "avance-pei/1";

/// The JSON Schema of the format (`docs/pei.schema.json`).
pub const SCHEMA: &str = include_str!("../../../docs/pei.schema.json");

const TOP: &[&str] = &["format", "entity", "years", "profile", "objectives", "actions", "indicators"];
const ELEMENT: &[&str] = &["code", "name"];

/// The name of a PEI's file in its folder.
pub const FILE_NAME: &str = "pei.json";

/// Reads the `pei.json` of every folder of `dir`, on every core, in the folders' order.
pub fn read_all(dir: &Path) -> Result<Vec<PeiPlan>, Vec<Issue>> {
    crate::walk::read_folders(dir, FILE_NAME, IssueKind::NoPei, read)
}

/// Whether a parsed document says it is a PEI (its `format`).
pub fn is_pei(value: &Value) -> bool {
    value.get("format").and_then(Value::as_str) == Some(FORMAT)
}

/// Reads a PEI from its file.
pub fn read(file: &Path) -> Result<PeiPlan, Vec<Issue>> {
    parse_value(file, &crate::walk::json_file(file)?)
}

/// A PEI code of one of `kinds` at `o.code`.
fn code(ctx: &mut Ctx, o: &Obj<'_>, kinds: &[PeiCodeKind]) -> Option<PeiCode> {
    let text = o.text(ctx, "code")?;
    match text.parse::<PeiCode>() {
        Ok(c) if kinds.contains(&c.kind()) => Some(c),
        _ => {
            o.invalid(ctx, "code", Expected::PeiCode(kinds[0]), &Value::String(text.into()));
            None
        }
    }
}

/// Reads a PEI from an already parsed document; `file` only names it in issues.
pub fn parse_value(file: &Path, value: &Value) -> Result<PeiPlan, Vec<Issue>> {
    let mut ctx = Ctx::new(file);
    let Some(root) = Obj::new(&mut ctx, value, "", TOP, None) else {
        return Err(ctx.issues);
    };
    root.format(&mut ctx, FORMAT);
    let entity = root.object(&mut ctx, "entity", &["code", "name", "sector"]);
    let (entity_code, entity_name, sector) = match &entity {
        Some(e) => (
            e.text(&mut ctx, "code").map(str::to_string),
            e.text(&mut ctx, "name").map(str::to_string),
            e.opt_text(&mut ctx, "sector").unwrap_or_default().to_string(),
        ),
        None => (None, None, String::new()),
    };
    let years = root.object(&mut ctx, "years", &["first", "last"]);
    let (first, last) = match &years {
        Some(y) => (y.year(&mut ctx, "first"), y.year(&mut ctx, "last")),
        None => (None, None),
    };
    let profile = match root.opt_text(&mut ctx, "profile") {
        None => Some(pei_profiles().pop().map(|p| p.id()).unwrap_or_default()),
        Some(p) => match RuleProfile::find(p).filter(|found| found.name == "ceplan-pei") {
            Some(found) => Some(found.id()),
            None => {
                let options = pei_profiles().iter().map(RuleProfile::id).chain(["ceplan-pei".to_string()]).collect();
                root.invalid(&mut ctx, "profile", Expected::OneOf(options), &Value::String(p.to_string()));
                None
            }
        },
    };
    // Each element's place in the file, for the plan's problems.
    let mut paths: Vec<String> = Vec::new();
    let mut elements: Option<Vec<PeiElement>> = Some(Vec::new());
    for (key, kind) in [("objectives", PeiCodeKind::Objective), ("actions", PeiCodeKind::Action)] {
        if root.get(key).is_none() {
            continue;
        }
        let read = list(&mut ctx, &root, key, ELEMENT, |ctx, o| {
            let code = code(ctx, o, &[kind]);
            let name = o.text(ctx, "name").map(str::to_string);
            Some(PeiElement { code: code?, name: Some(name?) })
        });
        match (read, elements.as_mut()) {
            (Some(read), Some(all)) => {
                paths.extend((0..read.len()).map(|n| format!("{key}[{n}]")));
                all.extend(read);
            }
            _ => elements = None,
        }
    }
    let indicator_kinds = [PeiCodeKind::ObjectiveIndicator, PeiCodeKind::ActionIndicator];
    let indicators = list(&mut ctx, &root, "indicators", INDICATOR, |ctx, o| {
        let code = code(ctx, o, &indicator_kinds);
        read_indicator_as(ctx, o, code, IndicatorFields::Pei)
    });
    let (
        Some(entity_code),
        Some(entity_name),
        Some(first),
        Some(last),
        Some(profile),
        Some(elements),
        Some(indicators),
    ) = (entity_code, entity_name, first, last, profile, elements, indicators)
    else {
        return Err(ctx.issues);
    };
    if !ctx.issues.is_empty() {
        return Err(ctx.issues);
    }
    let listed = !elements.is_empty();
    let elements = if listed { elements } else { PeiPlan::elements_of_indicators(&indicators) };
    let plan =
        PeiPlan { entity_code, entity_name, sector, first_year: first, last_year: last, profile, elements, indicators };
    for (place, field, problem) in plan.problems() {
        let (path, code) = match place {
            PeiPlace::Plan => (field.to_string(), None),
            PeiPlace::Element(i) => (format!("{}.{field}", paths[i]), Some(plan.elements[i].code.to_string())),
            PeiPlace::Indicator(i) => (format!("indicators[{i}].{field}"), Some(plan.indicators[i].code.to_string())),
        };
        ctx.push(&path, code.as_deref(), IssueKind::Pei(problem));
    }
    if ctx.issues.is_empty() { Ok(plan) } else { Err(ctx.issues) }
}

/// The `ceplan-pei` profiles, oldest first.
fn pei_profiles() -> Vec<RuleProfile> {
    RuleProfile::builtin().into_iter().filter(|p| p.name == "ceplan-pei").collect()
}

/// The canonical text of a PEI: fixed key order, two-space indentation. Elements known only by
/// their code (a plan read from its indicators alone) are not written.
pub fn to_json(plan: &PeiPlan) -> String {
    let named = |kind: PeiCodeKind| -> Vec<Value> {
        plan.elements
            .iter()
            .filter(|e| e.code.kind() == kind)
            .filter_map(|e| e.name.as_ref().map(|name| json!({"code": e.code.as_str(), "name": name})))
            .collect()
    };
    let mut doc = json!({
        "format": FORMAT,
        "entity": {"code": plan.entity_code, "name": plan.entity_name, "sector": plan.sector},
        "years": {"first": plan.first_year.get(), "last": plan.last_year.get()},
        "profile": plan.profile,
    });
    let map = doc.as_object_mut().expect("a json! object");
    if plan.sector.is_empty() {
        map["entity"].as_object_mut().expect("entity").remove("sector");
    }
    for (key, kind) in [("objectives", PeiCodeKind::Objective), ("actions", PeiCodeKind::Action)] {
        let list = named(kind);
        if !list.is_empty() {
            map.insert(key.into(), Value::Array(list));
        }
    }
    let indicators = plan.indicators.iter().map(|i| indicator_json(i, i.code.as_str(), IndicatorFields::Pei)).collect();
    map.insert("indicators".into(), Value::Array(indicators));
    let mut text = serde_json::to_string_pretty(&doc).expect("a JSON value always serializes");
    text.push('\n');
    text
}

/// The CSV files of a PEI template, in the order they are read.
pub const CSV_FILES: [&str; 3] = ["pei.csv", "elementos.csv", "indicadores.csv"];

/// The sheets of a PEI workbook, in the order they are read (the CSV files' names without `.csv`),
/// after its instructions.
pub const SHEETS: [&str; 3] = ["pei", "elementos", "indicadores"];

/// The indicator columns before the years'.
const INDICATOR_COLUMNS: [&str; 8] =
    ["codigo", "nombre", "unidad", "sentido", "agregacion", "estandar", "linea_base_anio", "linea_base_valor"];

/// The header each table must have; the indicators' names a `logro_AAAA` and then a `valor_AAAA`
/// column for every year of the period (`years`, as `pei.csv` gives it).
pub fn csv_header(table: usize, years: Option<(u16, u16)>) -> Vec<String> {
    match table {
        0 => ["entidad_codigo", "entidad_nombre", "sector", "anio_inicio", "anio_fin", "perfil"]
            .map(String::from)
            .to_vec(),
        1 => ["codigo", "nombre"].map(String::from).to_vec(),
        _ => {
            let mut h: Vec<String> = INDICATOR_COLUMNS.map(String::from).to_vec();
            if let Some((first, last)) = years {
                h.extend((first..=last).map(|y| format!("logro_{y}")));
                h.extend((first..=last).map(|y| format!("valor_{y}")));
            }
            h
        }
    }
}

/// Reads a PEI from a directory of CSV files (`pei.csv`, `elementos.csv`, `indicadores.csv`: UTF-8,
/// comma-separated, the headers of [`csv_header`]). The files become an `avance-pei/1` document,
/// checked like one; every problem is reported at its file, row and column.
pub fn read_csv_dir(dir: &Path) -> Result<PeiPlan, Vec<Issue>> {
    let tables = crate::plan_tables::read_csv_files(dir, &CSV_FILES)?;
    from_tables(tables, &|table| (dir.join(CSV_FILES[table]), None))
}

/// Reads a PEI from its XLSX template (`avance pei template`): the sheets `pei`, `elementos` and
/// `indicadores` with the CSV files' headers; every problem at its sheet, row and column.
pub fn read_xlsx(path: &Path) -> Result<PeiPlan, Vec<Issue>> {
    let tables = crate::plan_tables::read_sheet_tables(path, &SHEETS)?;
    from_tables(tables, &|table| (path.to_path_buf(), Some(SHEETS[table].to_string())))
}

/// A PEI from a file `pei.json`, its folder, its XLSX template or a directory of its CSV files.
pub fn read_path(path: &Path) -> Result<PeiPlan, Vec<Issue>> {
    if path.is_dir() {
        let file = path.join(FILE_NAME);
        if file.exists() { read(&file) } else { read_csv_dir(path) }
    } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) {
        read_xlsx(path)
    } else {
        read(path)
    }
}

/// The PEI the three tables hold, read as an `avance-pei/1` document and checked like one; `place`
/// says where table k is (its file, and its sheet in a workbook).
fn from_tables(
    tables: Vec<crate::plan_tables::Table>,
    place: &dyn Fn(usize) -> (std::path::PathBuf, Option<String>),
) -> Result<PeiPlan, Vec<Issue>> {
    let head: Vec<String> = tables[0].rows.first().map(|(_, r)| r.clone()).unwrap_or_default();
    let field = |i: usize| head.get(i).map_or("", String::as_str);
    let years = match (field(3).parse::<u16>(), field(4).parse::<u16>()) {
        (Ok(a), Ok(b)) if a <= b && b - a < 100 => Some((a, b)),
        _ => None,
    };
    let wrong: Vec<Issue> = tables
        .iter()
        .enumerate()
        .filter(|(k, _)| *k < 2 || years.is_some())
        .filter_map(|(k, t)| {
            let (file, sheet) = place(k);
            crate::plan_tables::wrong_header(&file, sheet.as_deref(), &csv_header(k, years), &t.header)
        })
        .collect();
    if !wrong.is_empty() {
        return Err(wrong);
    }
    let mut cells = crate::plan_tables::Cells::default();
    let text = |v: &str| if v.is_empty() { Value::Null } else { Value::String(v.to_string()) };
    let number = |v: &str| v.parse::<i64>().map_or_else(|_| text(v), Value::from);
    for (i, path) in
        ["entity.code", "entity.name", "entity.sector", "years.first", "years.last", "profile"].iter().enumerate()
    {
        cells.remember((*path).to_string(), 0, 2, i);
    }
    let mut doc = json!({
        "format": FORMAT,
        "entity": { "code": text(field(0)), "name": text(field(1)) },
        "years": { "first": number(field(3)), "last": number(field(4)) },
    });
    if !field(2).is_empty() {
        doc["entity"]["sector"] = text(field(2));
    }
    if !field(5).is_empty() {
        doc["profile"] = text(field(5));
    }
    let (mut objectives, mut actions) = (Vec::new(), Vec::new());
    for (row, r) in &tables[1].rows {
        let cell = |i: usize| r.get(i).map_or("", String::as_str);
        let action = cell(0).to_uppercase().starts_with("AEI");
        let (key, list) = if action { ("actions", &mut actions) } else { ("objectives", &mut objectives) };
        let k = list.len();
        cells.remember(format!("{key}[{k}]"), 1, *row, 0);
        cells.remember(format!("{key}[{k}].code"), 1, *row, 0);
        cells.remember(format!("{key}[{k}].name"), 1, *row, 1);
        list.push(json!({ "code": text(cell(0)), "name": text(cell(1)) }));
    }
    for (key, list) in [("objectives", objectives), ("actions", actions)] {
        if !list.is_empty() {
            doc[key] = Value::Array(list);
        }
    }
    let mut indicators = Vec::new();
    for (k, (row, r)) in tables[2].rows.iter().enumerate() {
        let cell = |i: usize| r.get(i).map_or("", String::as_str);
        let mut o = serde_json::Map::new();
        for (i, key) in ["code", "name", "unit", "sentido", "aggregation", "standard"].iter().enumerate() {
            cells.remember(format!("indicators[{k}].{key}"), 2, *row, i);
            if !cell(i).is_empty() || i < 3 {
                o.insert((*key).to_string(), text(cell(i)));
            }
        }
        cells.remember(format!("indicators[{k}]"), 2, *row, 0);
        cells.remember(format!("indicators[{k}].baseline.year"), 2, *row, 6);
        cells.remember(format!("indicators[{k}].baseline.value"), 2, *row, 7);
        cells.remember(format!("indicators[{k}].baseline"), 2, *row, 6);
        if !cell(6).is_empty() || !cell(7).is_empty() {
            o.insert("baseline".into(), json!({ "year": number(cell(6)), "value": text(cell(7)) }));
        }
        let (first, last) = years.unwrap_or((1, 0));
        let n = usize::from(last.saturating_sub(first)) + usize::from(first <= last);
        for (key, base) in [("targets", 8), ("actuals", 8 + n)] {
            cells.remember(format!("indicators[{k}].{key}"), 2, *row, base);
            let mut series = serde_json::Map::new();
            for (j, y) in (first..=last).enumerate() {
                cells.remember(format!("indicators[{k}].{key}.{y}"), 2, *row, base + j);
                if !cell(base + j).is_empty() {
                    series.insert(y.to_string(), text(cell(base + j)));
                }
            }
            o.insert(key.to_string(), Value::Object(series));
        }
        indicators.push(Value::Object(o));
    }
    doc["indicators"] = Value::Array(indicators);
    parse_value(&place(2).0, &doc).map_err(|found| cells.relocate(found, place))
}

/// The template's tables (sheets `pei`, `elementos`, `indicadores`, the CSV files' headers) for a
/// PEI of `years`, empty or with `plan`'s content (its own period then).
pub fn template(plan: Option<&PeiPlan>, years: (u16, u16)) -> crate::tables::Tables {
    let years = plan.map_or(years, |p| (p.first_year.get(), p.last_year.get()));
    let pei = vec![match plan {
        Some(p) => vec![
            p.entity_code.clone(),
            p.entity_name.clone(),
            p.sector.clone(),
            years.0.to_string(),
            years.1.to_string(),
            p.profile.clone(),
        ],
        None => vec![
            String::new(),
            String::new(),
            String::new(),
            years.0.to_string(),
            years.1.to_string(),
            pei_profiles().pop().map(|p| p.id()).unwrap_or_default(),
        ],
    }];
    let elements = plan.map_or_else(Vec::new, |p| {
        p.elements.iter().filter_map(|e| e.name.as_ref().map(|n| vec![e.code.to_string(), n.clone()])).collect()
    });
    let indicators = plan.map_or_else(Vec::new, |p| {
        p.indicators
            .iter()
            .map(|i| {
                let j = indicator_json(i, i.code.as_str(), IndicatorFields::Pei);
                let s = |v: &Value| match v {
                    Value::String(t) => t.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => String::new(),
                };
                let mut row: Vec<String> =
                    ["code", "name", "unit", "sentido", "aggregation", "standard"].iter().map(|k| s(&j[*k])).collect();
                row.push(s(&j["baseline"]["year"]));
                row.push(s(&j["baseline"]["value"]));
                for key in ["targets", "actuals"] {
                    row.extend((years.0..=years.1).map(|y| s(&j[key][y.to_string()])));
                }
                row
            })
            .collect()
    });
    let sheet = |k: usize, rows: Vec<Vec<String>>| {
        (
            SHEETS[k].to_string(),
            crate::tables::Sheet { header: csv_header(k, Some(years)), rows, numeric: Default::default() },
        )
    };
    crate::tables::Tables { sheets: vec![sheet(0, pei), sheet(1, elements), sheet(2, indicators)] }
}
