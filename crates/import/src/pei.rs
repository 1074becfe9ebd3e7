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
