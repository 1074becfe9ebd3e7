//! The canonical dataset of one policy: `dataset.json` (format `avance-dataset/1`, described in
//! `docs/formats.md` and `docs/dataset.schema.json`).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use avance_core::code::{Code, CodeKind};
use avance_core::model::{
    Aggregation, Baseline, Direction, Element, Entity, Indicator, Objective, Place, Policy, PolicyMeta, PolicyParts,
    PolicyType, Sense, Sentido, Series, Standard, Year, YearRange,
};
use avance_core::value::{Cell, Unit};
use serde_json::{Value, json};

use crate::issue::{Expected, Issue, IssueKind, NotApplicable};
use crate::walk::{Ctx, Obj, describe};

/// The value of the `format` field.
pub const FORMAT: &str = "avance-dataset/1";
/// The file a dataset directory holds.
pub const FILE_NAME: &str = "dataset.json";

/// The dataset file a path names: the path itself, or `dataset.json` inside a directory.
pub fn dataset_file(path: &Path) -> PathBuf {
    if path.is_dir() { path.join(FILE_NAME) } else { path.to_path_buf() }
}

/// Reads a dataset from a file or a directory.
pub fn read(path: &Path) -> Result<Policy, Vec<Issue>> {
    let file = dataset_file(path);
    let text = fs::read_to_string(&file).map_err(|e| vec![Issue::io(&file, &e)])?;
    parse(&file, &text)
}

/// Reads a portfolio: every folder of `dir` that holds a `dataset.json` (what `avance generate
/// --out` writes), in the order of the folders' names, read in parallel on every core. All
/// issues of all files are reported, and two folders may not hold the same policy.
pub fn read_portfolio(dir: &Path) -> Result<Vec<Policy>, Vec<Issue>> {
    read_portfolio_with(dir, |p| p)
}

/// [`read_portfolio`], each policy handed to `each` in the thread that read it and only what
/// `each` returns kept: a portfolio of files summed up without holding every policy in memory.
pub fn read_portfolio_with<T: Send>(dir: &Path, each: impl Fn(Policy) -> T + Sync) -> Result<Vec<T>, Vec<Issue>> {
    let folders = crate::walk::folders_holding(dir, FILE_NAME, IssueKind::NoDatasets)?;
    let results = crate::walk::in_parallel(&folders, |folder| read(folder).map(|p| (p.meta().code.clone(), each(p))));
    let mut kept = Vec::with_capacity(results.len());
    let mut issues = Vec::new();
    let mut seen: std::collections::HashMap<String, PathBuf> = std::collections::HashMap::new();
    for (folder, result) in folders.iter().zip(results) {
        match result {
            Ok((code, item)) => {
                if let Some(first) = seen.get(&code) {
                    issues.push(Issue {
                        file: folder.join(FILE_NAME),
                        location: crate::issue::Location::File,
                        code: None,
                        kind: IssueKind::DuplicatePolicy { code, first: first.join(FILE_NAME) },
                    });
                } else {
                    seen.insert(code, folder.clone());
                    kept.push(item);
                }
            }
            Err(found) => issues.extend(found),
        }
    }
    if issues.is_empty() { Ok(kept) } else { Err(issues) }
}

/// The last year of any policy in a directory of datasets (what [`read_portfolio`] reads), from
/// each file's `policy.years.last` alone: the rest of each document is only skimmed, nothing of it
/// kept. What a portfolio is computed for when no year is given, found without holding every
/// policy in memory. `None` when no file tells a valid year; a file's problems are for the full
/// read to report.
pub fn last_year_of_portfolio(dir: &Path) -> Result<Option<Year>, Vec<Issue>> {
    #[derive(serde::Deserialize)]
    struct Head {
        policy: HeadPolicy,
    }
    #[derive(serde::Deserialize)]
    struct HeadPolicy {
        years: HeadYears,
    }
    #[derive(serde::Deserialize)]
    struct HeadYears {
        last: u16,
    }
    let folders = crate::walk::folders_holding(dir, FILE_NAME, IssueKind::NoDatasets)?;
    let lasts = crate::walk::in_parallel(&folders, |folder| {
        let text = fs::read_to_string(dataset_file(folder)).ok()?;
        let head: Head = serde_json::from_str(&text).ok()?;
        Year::new(head.policy.years.last).ok()
    });
    Ok(lasts.into_iter().flatten().max())
}

/// Parses a dataset's text; `file` only names it in issues.
pub fn parse(file: &Path, text: &str) -> Result<Policy, Vec<Issue>> {
    parse_value(file, &crate::walk::json(file, text)?)
}

/// Reads a dataset from an already parsed JSON document; `file` only names it in issues.
pub fn parse_value(file: &Path, value: &Value) -> Result<Policy, Vec<Issue>> {
    let mut ctx = Ctx::new(file);
    let parts = read_parts(&mut ctx, value);
    match parts {
        Some(parts) if ctx.issues.is_empty() => Policy::new(parts.clone()).map_err(|issues| {
            for si in issues {
                let (path, code) = locate(&parts, &si.place, si.field, &si.kind);
                ctx.push(&path, code.as_deref(), IssueKind::Structure(si.kind));
            }
            ctx.issues
        }),
        _ => Err(ctx.issues),
    }
}

/// The path and code of a structural issue's place in the file.
fn locate(
    parts: &PolicyParts,
    place: &Place,
    field: &str,
    kind: &avance_core::model::StructureIssueKind,
) -> (String, Option<String>) {
    let field = match kind {
        avance_core::model::StructureIssueKind::YearOutside { year, .. } => format!("{field}.{year}"),
        _ => field.to_string(),
    };
    match place {
        Place::Meta => (format!("policy.{field}"), None),
        Place::Objective(i) => (format!("objectives[{i}].{field}"), Some(parts.objectives[*i].code.to_string())),
        Place::Lineamiento(i) => (format!("lineamientos[{i}].{field}"), Some(parts.lineamientos[*i].code.to_string())),
        Place::Service(i) => (format!("services[{i}].{field}"), Some(parts.services[*i].code.to_string())),
        Place::Indicator(i) => (format!("indicators[{i}].{field}"), Some(parts.indicators[*i].code.to_string())),
    }
}

const TOP: &[&str] = &["format", "policy", "objectives", "lineamientos", "services", "indicators"];
const POLICY: &[&str] = &["code", "name", "type", "sector", "ministry", "norm", "years", "profile", "synthesis"];
const ENTITY: &[&str] = &["code", "name"];
const YEARS: &[&str] = &["first", "last"];
const ELEMENT: &[&str] = &["code", "name"];
const OBJECTIVE: &[&str] = &["code", "name", "analysis"];
pub(crate) const INDICATOR: &[&str] = &[
    "code",
    "name",
    "responsible",
    "type",
    "unit",
    "negative_values",
    "sentido",
    "aggregation",
    "standard",
    "baseline",
    "targets",
    "actuals",
];
pub(crate) const BASELINE: &[&str] = &["year", "value"];

fn read_parts(ctx: &mut Ctx, value: &Value) -> Option<PolicyParts> {
    let top = Obj::new(ctx, value, "", TOP, None)?;
    top.format(ctx, FORMAT);
    let meta = top.object(ctx, "policy", POLICY).and_then(|p| read_meta(ctx, &p));
    let objectives = list(ctx, &top, "objectives", OBJECTIVE, |ctx, o| {
        let code = code(ctx, o, CodeKind::Objective);
        let name = o.text(ctx, "name");
        let analysis = o.opt_text(ctx, "analysis").map(str::to_string);
        Some(Objective { code: code?, name: name?.to_string(), analysis })
    });
    let mut element = |kind: CodeKind, key: &str| {
        list(ctx, &top, key, ELEMENT, |ctx, o| {
            let code = code(ctx, o, kind);
            let name = o.text(ctx, "name");
            Some(Element { code: code?, name: name?.to_string() })
        })
    };
    let lineamientos = element(CodeKind::Lineamiento, "lineamientos");
    let services = element(CodeKind::Service, "services");
    let indicators = list(ctx, &top, "indicators", INDICATOR, read_indicator);
    Some(PolicyParts {
        meta: meta?,
        objectives: objectives?,
        lineamientos: lineamientos?,
        services: services?,
        indicators: indicators?,
    })
}

/// Reads every element of an array field; `None` if any of them failed.
pub(crate) fn list<T>(
    ctx: &mut Ctx,
    top: &Obj<'_>,
    key: &str,
    allowed: &[&str],
    mut read: impl FnMut(&mut Ctx, &Obj<'_>) -> Option<T>,
) -> Option<Vec<T>> {
    let items = top.array(ctx, key)?;
    let mut out = Vec::with_capacity(items.len());
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let path = format!("{key}[{i}]");
        let code = item.get("code").and_then(Value::as_str).map(str::to_string);
        let Some(obj) = Obj::new(ctx, item, &path, allowed, code) else {
            ok = false;
            continue;
        };
        match read(ctx, &obj) {
            Some(t) => out.push(t),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn code(ctx: &mut Ctx, o: &Obj<'_>, kind: CodeKind) -> Option<Code> {
    let text = o.text(ctx, "code")?;
    match text.parse::<Code>() {
        Ok(c) => Some(c),
        Err(_) => {
            o.invalid(ctx, "code", Expected::Code(kind), &Value::String(text.into()));
            None
        }
    }
}

fn read_meta(ctx: &mut Ctx, p: &Obj<'_>) -> Option<PolicyMeta> {
    let code = p.text(ctx, "code");
    let name = p.text(ctx, "name");
    let policy_type = p.choice(ctx, "type", &[PolicyType::Sectorial, PolicyType::Multisectorial], PolicyType::id);
    let mut entity = |key: &str| {
        let e = p.object(ctx, key, ENTITY)?;
        let code = e.text(ctx, "code");
        let name = e.text(ctx, "name");
        Some(Entity { code: code?.to_string(), name: name?.to_string() })
    };
    let sector = entity("sector");
    let ministry = entity("ministry");
    let norm = p.opt_text(ctx, "norm").map(str::to_string);
    let years = p.object(ctx, "years", YEARS).and_then(|y| {
        let first = y.year(ctx, "first");
        let last = y.year(ctx, "last");
        Some(YearRange { first: first?, last: last? })
    });
    let profile = p.text(ctx, "profile");
    let synthesis = p.opt_text(ctx, "synthesis").map(str::to_string);
    Some(PolicyMeta {
        code: code?.to_string(),
        name: name?.to_string(),
        policy_type: policy_type?,
        sector: sector?,
        ministry: ministry?,
        norm,
        years: years?,
        profile: profile?.to_string(),
        synthesis,
    })
}

fn read_indicator(ctx: &mut Ctx, o: &Obj<'_>) -> Option<Indicator> {
    let code = o.text(ctx, "code").and_then(|t| match t.parse::<Code>() {
        Ok(c) if c.kind().is_indicator() => Some(c),
        _ => {
            o.invalid(ctx, "code", Expected::Code(CodeKind::ServiceIndicator), &Value::String(t.into()));
            None
        }
    });
    read_indicator_as(ctx, o, code, IndicatorFields::Policy)
}

/// What an indicator must state besides its values: a policy's indicator everything; a PEI's
/// may leave out its responsible unit and type (the Anexo B-7 prints neither), and its
/// aggregation (no acumulado then).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IndicatorFields {
    Policy,
    Pei,
}

/// An indicator's fields but its code, already read (`None`: it was wrong and reported).
pub(crate) fn read_indicator_as<C>(
    ctx: &mut Ctx,
    o: &Obj<'_>,
    code: Option<C>,
    fields: IndicatorFields,
) -> Option<Indicator<C>> {
    let name = o.text(ctx, "name");
    let (responsible, indicator_type) = match fields {
        IndicatorFields::Policy => (o.text(ctx, "responsible"), o.text(ctx, "type")),
        IndicatorFields::Pei => (
            Some(o.opt_text(ctx, "responsible").unwrap_or_default()),
            Some(o.opt_text(ctx, "type").unwrap_or_default()),
        ),
    };
    let unit = o.choice(ctx, "unit", &Unit::ALL, Unit::id);
    let negative_values = match o.get("negative_values") {
        None => Some(None),
        Some(Value::Bool(b)) => Some(Some(*b)),
        Some(v) => {
            o.invalid(ctx, "negative_values", Expected::OneOf(vec!["true".into(), "false".into()]), v);
            None
        }
    };
    let direction = read_direction(ctx, o, fields);
    let unit_or_numero = unit.unwrap_or(Unit::Numero);
    // An unreadable flag is reported once; the signs are then not judged against a guess.
    let negative = negative_values.is_none_or(|n| n.unwrap_or_else(|| unit_or_numero.negative_by_default()));
    let signed = (unit_or_numero, negative);
    let baseline = o.get("baseline").and_then(|_| {
        let b = o.object(ctx, "baseline", BASELINE)?;
        let year = b.year(ctx, "year");
        let value = b.text(ctx, "value").and_then(|t| cell(ctx, &b, "value", t, signed));
        Some(Baseline { year: year?, value: value? })
    });
    let targets = series(ctx, o, "targets", signed);
    let actuals = series(ctx, o, "actuals", signed);
    let baseline_ok = o.get("baseline").is_none() || baseline.is_some();
    if !baseline_ok || unit.is_none() {
        return None;
    }
    Some(Indicator {
        code: code?,
        name: name?.to_string(),
        responsible: responsible?.to_string(),
        indicator_type: indicator_type?.to_string(),
        unit: unit?,
        negative_values: negative_values?,
        direction: direction?,
        baseline,
        targets: targets?,
        actuals: actuals?,
    })
}

fn read_direction(ctx: &mut Ctx, o: &Obj<'_>, fields: IndicatorFields) -> Option<Direction> {
    // Absent or null: not declared, and the rule profile decides.
    let sentido = match o.get("sentido") {
        None => None,
        Some(_) => Some(o.choice(ctx, "sentido", &Sentido::ALL, Sentido::id)?),
    };
    let aggregation = o.get("aggregation");
    let standard = o.get("standard");
    match sentido {
        Some(Sentido::NoDefinido) => {
            if aggregation.is_some() {
                let reason = NotApplicable::AggregationOnNoDefinido;
                o.issue(ctx, "aggregation", IssueKind::NotApplicable { reason });
            }
            let standards = [Standard::MinimoPermisible, Standard::MaximoPermisible];
            let standard = o.choice(ctx, "standard", &standards, Standard::id)?;
            aggregation.is_none().then_some(Direction::NoDefinido(standard))
        }
        trend => {
            if standard.is_some() {
                o.issue(ctx, "standard", IssueKind::NotApplicable { reason: NotApplicable::StandardOnTrend });
            }
            let sense = trend.map(|s| if s == Sentido::Descendente { Sense::Descendente } else { Sense::Ascendente });
            let aggregations = [Aggregation::NoAcumulado, Aggregation::Acumulado];
            let aggregation = match (fields, o.get("aggregation")) {
                (IndicatorFields::Pei, None) => Aggregation::NoAcumulado,
                _ => o.choice(ctx, "aggregation", &aggregations, Aggregation::id)?,
            };
            standard.is_none().then_some(Direction::Trend { sense, aggregation })
        }
    }
}

/// A value read for the indicator's unit, its sign checked (`negative` allowed or not).
fn cell(ctx: &mut Ctx, o: &Obj<'_>, key: &str, text: &str, (unit, negative): (Unit, bool)) -> Option<Cell> {
    match Cell::parse_signed(text, unit, negative) {
        Ok(c) => Some(c),
        Err(error) => {
            o.issue(ctx, key, IssueKind::Value { error, unit });
            None
        }
    }
}

/// A `{"2024": "20%"}` map of yearly values.
fn series(ctx: &mut Ctx, o: &Obj<'_>, key: &str, unit: (Unit, bool)) -> Option<Series> {
    let Some(v) = o.get(key) else {
        return Some(Series::new());
    };
    let Value::Object(map) = v else {
        o.invalid(ctx, key, Expected::Object, v);
        return None;
    };
    let mut out = Series::with_capacity(map.len());
    let mut ok = true;
    for (k, v) in map {
        let field = format!("{key}.{k}");
        let year = k.parse::<Year>().ok();
        if year.is_none() {
            o.invalid(ctx, &field, Expected::Year, &Value::String(k.clone()));
            ok = false;
        }
        let value = match v {
            Value::String(s) => cell(ctx, o, &field, s, unit),
            other => {
                let expected = Expected::Text;
                o.issue(ctx, &field, IssueKind::Invalid { expected, found: describe(other) });
                None
            }
        };
        match (year, value) {
            (Some(y), Some(c)) => {
                out.insert(y, c);
            }
            _ => ok = false,
        }
    }
    ok.then_some(out)
}

/// The canonical text of a dataset: fixed key order, two-space indentation, every field present.
pub fn to_json(policy: &Policy) -> String {
    let p = policy.parts();
    let m = &p.meta;
    let indicators: Vec<Value> =
        p.indicators.iter().map(|i| indicator_json(i, i.code.as_str(), IndicatorFields::Policy)).collect();
    let doc = json!({
        "format": FORMAT,
        "policy": {
            "code": m.code,
            "name": m.name,
            "type": m.policy_type.id(),
            "sector": {"code": m.sector.code, "name": m.sector.name},
            "ministry": {"code": m.ministry.code, "name": m.ministry.name},
            "norm": m.norm,
            "years": {"first": m.years.first.get(), "last": m.years.last.get()},
            "profile": m.profile,
            "synthesis": m.synthesis,
        },
        "objectives": p.objectives.iter().map(|o| json!({"code": o.code.as_str(), "name": o.name, "analysis": o.analysis})).collect::<Vec<_>>(),
        "lineamientos": p.lineamientos.iter().map(|e| json!({"code": e.code.as_str(), "name": e.name})).collect::<Vec<_>>(),
        "services": p.services.iter().map(|e| json!({"code": e.code.as_str(), "name": e.name})).collect::<Vec<_>>(),
        "indicators": indicators,
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("a JSON value always serializes");
    text.push('\n');
    text
}

/// An indicator as the formats write it, under `code`; a PEI's leaves out an empty responsible
/// unit or type.
pub(crate) fn indicator_json<C>(i: &Indicator<C>, code: &str, fields: IndicatorFields) -> Value {
    let series = |map: &Series| -> Value {
        Value::Object(map.iter().map(|(y, c)| (y.to_string(), Value::String(c.text().to_string()))).collect())
    };
    let (sentido, aggregation, standard) = match i.direction {
        Direction::Trend { sense, aggregation } => (sense.map(Sense::id), Some(aggregation.id()), None),
        Direction::NoDefinido(s) => (Some(Sentido::NoDefinido.id()), None, Some(s.id())),
    };
    let mut obj = json!({"code": code, "name": i.name});
    let map = obj.as_object_mut().expect("a json! object");
    for (key, value) in [("responsible", &i.responsible), ("type", &i.indicator_type)] {
        if fields == IndicatorFields::Policy || !value.is_empty() {
            map.insert(key.into(), json!(value));
        }
    }
    map.insert("unit".into(), json!(i.unit.id()));
    map.insert("sentido".into(), json!(sentido));
    if let Some(n) = i.negative_values {
        map.insert("negative_values".into(), json!(n));
    }
    match (aggregation, standard) {
        (Some(a), _) => map.insert("aggregation".into(), json!(a)),
        (_, s) => map.insert("standard".into(), json!(s)),
    };
    map.insert(
        "baseline".into(),
        i.baseline.as_ref().map_or(Value::Null, |b| json!({"year": b.year.get(), "value": b.value.text()})),
    );
    map.insert("targets".into(), series(&i.targets));
    map.insert("actuals".into(), series(&i.actuals));
    obj
}

/// Writes a dataset to a file, or to `dataset.json` in a directory (created if needed). The file
/// is written beside its final name and renamed, so a failure never leaves half a dataset.
pub fn write(policy: &Policy, path: &Path) -> io::Result<PathBuf> {
    let file = if path.extension().is_some_and(|e| e == "json") {
        path.to_path_buf()
    } else {
        fs::create_dir_all(path)?;
        path.join(FILE_NAME)
    };
    let tmp = file.with_extension("json.tmp");
    fs::write(&tmp, to_json(policy))?;
    fs::rename(&tmp, &file)?;
    Ok(file)
}

/// The JSON Schema of the format (`docs/dataset.schema.json`).
pub const SCHEMA: &str = include_str!("../../../docs/dataset.schema.json");

/// SHA-256 of the dataset's canonical text: the same data gives the same fingerprint, whatever
/// the file it was read from.
pub fn content_hash(policy: &Policy) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(to_json(policy).as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}
