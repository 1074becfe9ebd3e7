//! An entity's POI for a year as a file: format `avance-poi/1` (docs/formats.md), its AEI and its
//! activities with twelve months of programming and execution. Every problem is reported with its
//! place in the file, as for a policy's dataset.

use std::path::Path;
use std::str::FromStr;

use avance_core::Decimal;
use avance_core::poi::{Activity, Aggregation, PoiPlan, PoiProfile};
use serde_json::Value;

use crate::issue::{Expected, Issue, IssueKind};
use crate::plan_tables::Rows;
use crate::walk::{Ctx, Obj};

/// The value of the `format` field.
pub const FORMAT: &str = "avance-poi/1";

/// The JSON Schema of the format (`docs/poi.schema.json`).
pub const SCHEMA: &str = include_str!("../../../docs/poi.schema.json");

/// Whether a parsed document says it is a POI (its `format`).
pub fn is_poi(value: &Value) -> bool {
    value.get("format").and_then(Value::as_str) == Some(FORMAT)
}

/// Reads a POI from its file.
pub fn read(file: &Path) -> Result<PoiPlan, Vec<Issue>> {
    parse_value(file, &crate::walk::json_file(file)?)
}

/// A month's quantity: a JSON number or a decimal text, zero or more; `null` only where allowed.
/// The path is only written out for a problem (6 million months read in a national portfolio).
fn quantity(ctx: &mut Ctx, path: impl Fn() -> String, code: Option<&str>, v: &Value) -> Option<Decimal> {
    let parsed = match v {
        Value::Number(n) => {
            Decimal::from_str(&n.to_string()).ok().or_else(|| Decimal::from_scientific(&n.to_string()).ok())
        }
        Value::String(s) => Decimal::from_str(s.trim()).ok(),
        _ => None,
    };
    match parsed {
        Some(d) if d >= Decimal::ZERO => Some(d),
        _ => {
            ctx.push(
                &path(),
                code,
                IssueKind::Invalid { expected: Expected::Quantity, found: crate::walk::describe(v) },
            );
            None
        }
    }
}

/// Twelve months at `key`; `None` entries where `null` is allowed (execution not recorded).
fn months(ctx: &mut Ctx, o: &Obj<'_>, key: &str, nulls: bool) -> Option<[Option<Decimal>; 12]> {
    let list = o.array(ctx, key)?;
    if list.len() != 12 {
        o.invalid(ctx, key, Expected::Months, &Value::Array(list.clone()));
        return None;
    }
    let mut out = [None; 12];
    let mut ok = true;
    for (m, v) in list.iter().enumerate() {
        if v.is_null() && nulls {
            continue;
        }
        match quantity(ctx, || format!("{}[{m}]", o.at(key)), o.code.as_deref(), v) {
            Some(d) => out[m] = Some(d),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

/// Reads a POI from an already parsed document; `file` only names it in issues.
pub fn parse_value(file: &Path, value: &Value) -> Result<PoiPlan, Vec<Issue>> {
    let mut ctx = Ctx::new(file);
    let Some(root) = Obj::new(&mut ctx, value, "", &["format", "entity", "year", "profile", "aei", "activities"], None)
    else {
        return Err(ctx.issues);
    };
    root.format(&mut ctx, FORMAT);
    let entity = root.object(&mut ctx, "entity", &["code", "name", "sector"]);
    let (entity_code, entity_name, sector) = match &entity {
        Some(e) => (
            e.text(&mut ctx, "code").unwrap_or_default().to_string(),
            e.text(&mut ctx, "name").unwrap_or_default().to_string(),
            e.opt_text(&mut ctx, "sector").unwrap_or_default().to_string(),
        ),
        None => Default::default(),
    };
    let year = root.year(&mut ctx, "year").map(|y| i32::from(y.get()));
    let profile = match root.opt_text(&mut ctx, "profile") {
        None => PoiProfile::v2022().id(),
        Some(p) => match PoiProfile::find(p) {
            Some(found) => found.id(),
            None => {
                let options = PoiProfile::all().iter().map(PoiProfile::id).chain(["ceplan-poi".to_string()]).collect();
                root.invalid(&mut ctx, "profile", Expected::OneOf(options), &Value::String(p.to_string()));
                String::new()
            }
        },
    };
    let mut aei: Vec<(String, String)> = Vec::new();
    if let Some(list) = root.array(&mut ctx, "aei") {
        for (n, v) in list.iter().enumerate() {
            let Some(o) = Obj::new(&mut ctx, v, &format!("aei[{n}]"), &["code", "name"], None) else { continue };
            let (Some(code), name) = (o.text(&mut ctx, "code"), o.text(&mut ctx, "name")) else { continue };
            if let Some(first) = aei.iter().position(|(c, _)| c == code) {
                o.issue(&mut ctx, "code", IssueKind::RepeatedCode { first: format!("aei[{first}]") });
                continue;
            }
            aei.push((code.to_string(), name.unwrap_or_default().to_string()));
        }
    }
    let mut activities: Vec<Activity> = Vec::new();
    if let Some(list) = root.array(&mut ctx, "activities") {
        for (n, v) in list.iter().enumerate() {
            let code = v.get("code").and_then(Value::as_str).map(str::to_string);
            let allowed = ["code", "name", "aei", "unit", "aggregation", "priority", "programmed", "executed"];
            let Some(o) = Obj::new(&mut ctx, v, &format!("activities[{n}]"), &allowed, code.clone()) else { continue };
            let code = o.text(&mut ctx, "code").map(str::to_string);
            let name = o.text(&mut ctx, "name").map(str::to_string);
            let unit = o.text(&mut ctx, "unit").map(str::to_string);
            let under = o.text(&mut ctx, "aei").map(str::to_string);
            if let Some(a) = &under
                && !aei.iter().any(|(c, _)| c == a)
            {
                o.issue(&mut ctx, "aei", IssueKind::UnknownAei { code: a.clone() });
            }
            let aggregation = o.choice(&mut ctx, "aggregation", &Aggregation::ALL, Aggregation::id);
            let priority = match o.get("priority") {
                None | Some(Value::Null) => None,
                Some(Value::Number(p)) if p.as_u64().is_some_and(|p| (1..=10_000).contains(&p)) => {
                    p.as_u64().and_then(|p| u32::try_from(p).ok())
                }
                Some(other) => {
                    o.invalid(&mut ctx, "priority", Expected::Integer, other);
                    None
                }
            };
            let programmed = months(&mut ctx, &o, "programmed", false);
            let executed = months(&mut ctx, &o, "executed", true);
            if let Some(c) = &code
                && let Some(first) = activities.iter().position(|a| &a.code == c)
            {
                o.issue(&mut ctx, "code", IssueKind::RepeatedCode { first: format!("activities[{first}]") });
                continue;
            }
            if let (
                Some(code),
                Some(name),
                Some(unit),
                Some(under),
                Some(aggregation),
                Some(programmed),
                Some(executed),
            ) = (code, name, unit, under, aggregation, programmed, executed)
            {
                activities.push(Activity {
                    code,
                    name,
                    unit,
                    priority,
                    aei: under,
                    aggregation,
                    programmed: programmed.map(|m| m.unwrap_or_default()),
                    executed,
                });
            }
        }
    }
    match year {
        Some(year) if ctx.issues.is_empty() => {
            Ok(PoiPlan { entity_code, entity_name, sector, year, profile, aei, activities })
        }
        _ => Err(ctx.issues),
    }
}

/// A POI as its file's JSON document (what [`read`] reads back to the same plan).
pub fn to_json(plan: &PoiPlan) -> Value {
    let quantity = |d: &Decimal| Value::String(d.normalize().to_string());
    serde_json::json!({
        "format": FORMAT,
        "entity": { "code": plan.entity_code, "name": plan.entity_name, "sector": (!plan.sector.is_empty()).then_some(&plan.sector) },
        "year": plan.year,
        "profile": plan.profile,
        "aei": plan.aei.iter().map(|(c, n)| serde_json::json!({ "code": c, "name": n })).collect::<Vec<_>>(),
        "activities": plan.activities.iter().map(|a| {
            let mut o = serde_json::json!({
                "code": a.code,
                "name": a.name,
                "aei": a.aei,
                "unit": a.unit,
                "aggregation": a.aggregation.id(),
                "programmed": a.programmed.iter().map(quantity).collect::<Vec<_>>(),
                "executed": a.executed.iter().map(|e| e.as_ref().map_or(Value::Null, quantity)).collect::<Vec<_>>(),
            });
            if let (Some(p), Some(map)) = (a.priority, o.as_object_mut()) {
                map.insert("priority".into(), Value::from(p));
            }
            o
        }).collect::<Vec<_>>(),
    })
}

/// Reads every `*/poi.json` of `dir` (what `avance poi generate --out` writes), in the order of
/// the folders' names, on every core; all problems of all files are reported.
pub fn read_all(dir: &Path) -> Result<Vec<PoiPlan>, Vec<Issue>> {
    crate::walk::read_folders(dir, FILE_NAME, IssueKind::NoPoi, read)
}

/// Reads one POI from `path`: a `poi.json` file (or a file of another name in that format), the
/// XLSX template (`.xlsx`, `.ods`), a folder holding `poi.json`, or a folder of the template's CSV
/// files (`poi.csv`, `aei.csv`, `actividades.csv`).
pub fn read_path(path: &Path) -> Result<PoiPlan, Vec<Issue>> {
    if !path.is_dir() {
        let workbook =
            path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("ods"));
        return if workbook { read_xlsx(path) } else { read(path) };
    }
    if path.join(FILE_NAME).is_file() {
        return read(&path.join(FILE_NAME));
    }
    if path.join(CSV_FILES[0]).is_file() {
        return read_csv_dir(path);
    }
    Err(vec![Issue {
        file: path.to_path_buf(),
        location: crate::issue::Location::File,
        code: None,
        kind: IssueKind::NotAPoiFolder,
    }])
}

/// The file a POI folder holds.
pub const FILE_NAME: &str = "poi.json";

/// The months as the CSV's columns name them.
const MONTHS: [&str; 12] = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "set", "oct", "nov", "dic"];

/// The CSV files of a POI template, in the order they are read.
pub const CSV_FILES: [&str; 3] = ["poi.csv", "aei.csv", "actividades.csv"];

/// The header each CSV file must have.
pub fn csv_header(file: &str) -> Vec<String> {
    match file {
        "poi.csv" => ["entidad_codigo", "entidad_nombre", "sector", "anio", "perfil"].map(String::from).to_vec(),
        "aei.csv" => ["codigo", "nombre"].map(String::from).to_vec(),
        _ => {
            let mut h: Vec<String> =
                ["codigo", "nombre", "aei", "unidad", "agregacion", "prioridad"].map(String::from).to_vec();
            h.extend(MONTHS.iter().map(|m| format!("prog_{m}")));
            h.extend(MONTHS.iter().map(|m| format!("ejec_{m}")));
            h
        }
    }
}

/// Reads a POI from a directory of CSV files (`poi.csv`, `aei.csv`, `actividades.csv`: UTF-8,
/// comma-separated, the headers of [`csv_header`]). The files become an `avance-poi/1` document,
/// checked like one; every problem is reported at its file, row and column.
pub fn read_csv_dir(dir: &Path) -> Result<PoiPlan, Vec<Issue>> {
    let tables = crate::plan_tables::read_csv_files(dir, &CSV_FILES)?;
    from_checked_tables(tables, &|table| (dir.join(CSV_FILES[table]), None))
}

/// The sheets of a POI workbook, in the order they are read (the CSV files' names without
/// `.csv`), after its instructions.
pub const SHEETS: [&str; 3] = ["poi", "aei", "actividades"];

/// Reads a POI from its XLSX template (`avance poi template`): the sheets `poi`, `aei` and
/// `actividades` with the CSV files' headers; every problem at its sheet, row and column.
pub fn read_xlsx(path: &Path) -> Result<PoiPlan, Vec<Issue>> {
    let tables = crate::plan_tables::read_sheet_tables(path, &SHEETS)?;
    from_checked_tables(tables, &|table| (path.to_path_buf(), Some(SHEETS[table].to_string())))
}

/// The POI of the three tables once each has the template's header.
fn from_checked_tables(
    tables: Vec<crate::plan_tables::Table>,
    place: &dyn Fn(usize) -> (std::path::PathBuf, Option<String>),
) -> Result<PoiPlan, Vec<Issue>> {
    let wrong: Vec<Issue> = tables
        .iter()
        .enumerate()
        .filter_map(|(k, t)| {
            let (file, sheet) = place(k);
            crate::plan_tables::wrong_header(&file, sheet.as_deref(), &csv_header(CSV_FILES[k]), &t.header)
        })
        .collect();
    if !wrong.is_empty() {
        return Err(wrong);
    }
    let rows: Vec<Rows> = tables.into_iter().map(|t| t.rows).collect();
    from_tables(&rows, place)
}

/// The POI the three tables hold (`poi`, `aei`, `actividades`), read as an `avance-poi/1`
/// document and checked like one; `place` says where table k is (its file, and its sheet in a
/// workbook), so that every problem names its file, sheet, row and column.
fn from_tables(
    tables: &[Rows],
    place: &dyn Fn(usize) -> (std::path::PathBuf, Option<String>),
) -> Result<PoiPlan, Vec<Issue>> {
    let mut cells = crate::plan_tables::Cells::default();
    let mut remember = |path: String, table: usize, row: usize, col: usize| cells.remember(path, table, row, col);
    let text = |v: &str| if v.is_empty() { Value::Null } else { Value::String(v.to_string()) };
    // poi: one row.
    let head: Vec<String> = tables[0].first().map(|(_, r)| r.clone()).unwrap_or_default();
    let field = |i: usize| head.get(i).cloned().unwrap_or_default();
    for (i, path) in ["entity.code", "entity.name", "entity.sector", "year", "profile"].iter().enumerate() {
        remember(path.to_string(), 0, 2, i);
    }
    let year = field(3).parse::<i64>().map_or_else(|_| text(&field(3)), Value::from);
    let mut doc = serde_json::json!({
        "format": FORMAT,
        "entity": { "code": text(&field(0)), "name": text(&field(1)), "sector": text(&field(2)) },
        "year": year,
        "aei": [],
        "activities": [],
    });
    if !field(4).is_empty() {
        doc["profile"] = Value::String(field(4));
    }
    if field(2).is_empty()
        && let Some(e) = doc["entity"].as_object_mut()
    {
        e.remove("sector");
    }
    let mut aei = Vec::new();
    for (k, (row, r)) in tables[1].iter().enumerate() {
        remember(format!("aei[{k}].code"), 1, *row, 0);
        remember(format!("aei[{k}].name"), 1, *row, 1);
        aei.push(serde_json::json!({ "code": text(&r[0]), "name": text(r.get(1).map_or("", String::as_str)) }));
    }
    doc["aei"] = Value::Array(aei);
    let mut activities = Vec::new();
    for (k, (row, r)) in tables[2].iter().enumerate() {
        let cell = |i: usize| r.get(i).map_or("", String::as_str);
        let mut o = serde_json::Map::new();
        for (i, key) in ["code", "name", "aei", "unit", "aggregation"].iter().enumerate() {
            remember(format!("activities[{k}].{key}"), 2, *row, i);
            o.insert((*key).to_string(), text(cell(i)));
        }
        remember(format!("activities[{k}].priority"), 2, *row, 5);
        if !cell(5).is_empty() {
            o.insert("priority".into(), cell(5).parse::<u64>().map_or_else(|_| text(cell(5)), Value::from));
        }
        for (base, key) in [(6, "programmed"), (18, "executed")] {
            remember(format!("activities[{k}].{key}"), 2, *row, base);
            let months: Vec<Value> = (0..12)
                .map(|m| {
                    remember(format!("activities[{k}].{key}[{m}]"), 2, *row, base + m);
                    text(cell(base + m))
                })
                .collect();
            o.insert(key.to_string(), Value::Array(months));
        }
        activities.push(Value::Object(o));
    }
    doc["activities"] = Value::Array(activities);
    parse_value(&place(2).0, &doc).map_err(|found| cells.relocate(found, place))
}

/// The template's tables (sheets `poi`, `aei`, `actividades`, the CSV files' headers), empty or
/// with `plan`'s content.
pub fn template(plan: Option<&PoiPlan>) -> crate::tables::Tables {
    let header = |t: &str| csv_header(t);
    let amount = |d: Decimal| d.normalize().to_string();
    let poi = plan.map_or_else(
        || vec![vec![String::new(), String::new(), String::new(), String::new(), PoiProfile::v2022().id()]],
        |p| {
            vec![vec![
                p.entity_code.clone(),
                p.entity_name.clone(),
                p.sector.clone(),
                p.year.to_string(),
                p.profile.clone(),
            ]]
        },
    );
    let aei = plan.map_or_else(Vec::new, |p| p.aei.iter().map(|(c, n)| vec![c.clone(), n.clone()]).collect());
    let activities = plan.map_or_else(Vec::new, |p| {
        p.activities
            .iter()
            .map(|a| {
                let mut r = vec![
                    a.code.clone(),
                    a.name.clone(),
                    a.aei.clone(),
                    a.unit.clone(),
                    a.aggregation.id().to_string(),
                    a.priority.map(|x| x.to_string()).unwrap_or_default(),
                ];
                r.extend(a.programmed.iter().map(|d| amount(*d)));
                r.extend(a.executed.iter().map(|d| d.map(amount).unwrap_or_default()));
                r
            })
            .collect()
    });
    let sheet = |k: usize, rows: Vec<Vec<String>>| {
        (
            SHEETS[k].to_string(),
            crate::tables::Sheet { header: header(CSV_FILES[k]), rows, numeric: Default::default() },
        )
    };
    crate::tables::Tables { sheets: vec![sheet(0, poi), sheet(1, aei), sheet(2, activities)] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_poi_reads_back_the_same() {
        for n in 1..=5 {
            let plan = crate::synthetic::poi(n, 45, 2022, 7);
            let back = parse_value(Path::new("poi.json"), &to_json(&plan)).unwrap_or_else(|e| panic!("{e:?}"));
            assert_eq!(back, plan);
        }
        // Deterministic: the same arguments, the same plan.
        assert_eq!(crate::synthetic::poi(3, 200, 2022, 1), crate::synthetic::poi(3, 200, 2022, 1));
    }
}
