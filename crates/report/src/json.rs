//! The JSON contract of `avance compute --format json` (`avance-compute/1`, documented in
//! `docs/formats.md`). Other tools read it: keys are only ever added, never renamed.

use avance_core::Decimal;
use avance_core::alert::AlertDetail;
use avance_core::avance::{Formula, Resolved, Tipo2};
use avance_core::band::BandCounts;
use avance_core::code::CodeKind;
use avance_core::compute::PolicyResult;
use avance_core::lang::Lang;
use avance_core::model::{Policy, Sense};
use avance_core::number::round_display;
use serde_json::{Value, json};

use crate::{alert_text, labels};

pub const FORMAT: &str = "avance-compute/1";

/// A figure rounded for display, as a JSON number; `null` for ND.
pub fn figure(x: Option<Decimal>, decimals: u32) -> Value {
    match x {
        None => Value::Null,
        Some(x) => {
            let text = round_display(x, decimals).normalize().to_string();
            // A rounded decimal with few digits is exactly the shortest f64 that prints as it.
            text.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map_or(Value::Null, Value::Number)
        }
    }
}

fn counts(c: &BandCounts) -> Value {
    json!({"bajo": c.bajo, "intermedio": c.intermedio, "alto": c.alto, "nd": c.nd, "total": c.total()})
}

fn level(kind: CodeKind) -> &'static str {
    match kind {
        CodeKind::ObjectiveIndicator => "objective_indicator",
        _ => "service_indicator",
    }
}

fn formula(f: Option<Formula>) -> Value {
    json!(f.map(|f| match f {
        Formula::ActualOverTarget => "vo/le*100",
        Formula::TargetOverActual => "le/vo*100",
        Formula::Minimum => "vo>=le",
        Formula::Maximum => "vo<=le",
        Formula::ZeroReached => "le=0",
    }))
}

/// An estimate rounded to four decimals, as a JSON number.
fn estimate(x: f64) -> Value {
    serde_json::Number::from_f64((x * 10_000.0).round() / 10_000.0).map_or(Value::Null, Value::Number)
}

/// An indicator's outlook to its horizon (added to `avance-compute/1`): the category, or the
/// reason there is none.
pub fn outlook(r: &Result<avance_core::progress::Assessment, avance_core::progress::NoOutlook>, lang: Lang) -> Value {
    match r {
        Ok(a) => json!({
            "category": a.outlook.id(),
            "label": labels::outlook(a.outlook, lang),
            "reaches_target": a.outlook.reaches(),
            "start": {"year": a.start.0.get(), "value": estimate(a.start.1)},
            "latest": {"year": a.latest.0.get(), "value": estimate(a.latest.1)},
            "horizon": {"year": a.horizon.0.get(), "target": estimate(a.horizon.1)},
            "rates": if a.compound { "compound" } else { "linear" },
            "observed_rate": estimate(a.observed_rate),
            "required_rate": estimate(a.required_rate),
            "ratio": estimate(a.ratio),
            "projected": estimate(a.projected),
        }),
        Err(reason) => json!({
            "category": null,
            "reason": reason.id(),
            "label": labels::no_outlook(*reason, lang),
        }),
    }
}

fn outlook_counts(c: &avance_core::progress::OutlookCounts) -> Value {
    let mut m = serde_json::Map::new();
    for o in avance_core::progress::Outlook::ALL {
        m.insert(o.id().into(), json!(c.get(o)));
    }
    m.insert("sin_datos".into(), json!(c.not_assessed));
    m.insert("share_on_track".into(), c.share_on_track().map_or(Value::Null, estimate));
    Value::Object(m)
}

/// The whole document for one policy and year.
pub fn compute(policy: &Policy, result: &PolicyResult, lang: Lang) -> Value {
    let d = result.profile.decimals;
    let meta = policy.meta();
    let prospects = avance_core::progress::assess_policy(policy, result.year, &result.profile);
    let by_code: std::collections::HashMap<&str, _> =
        prospects.indicators.iter().map(|(c, r)| (c.as_str(), r)).collect();
    let outlook_of =
        |code: &avance_core::code::Code| by_code.get(code.as_str()).map_or(Value::Null, |r| outlook(r, lang));
    let objectives: Vec<Value> = result
        .objectives
        .iter()
        .map(|o| {
            let name = policy.objectives().iter().find(|x| x.code == o.code).map(|x| x.name.as_str());
            json!({
                "code": o.code.as_str(),
                "name": name,
                "avance": figure(o.avance, d),
                "band": o.band.id(),
                "indicators": result.codes_at(&o.indicators).iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let indicators: Vec<Value> = result
        .indicators()
        .map(|r| {
            let ind = policy.indicator(r.code);
            let (sentido, inferred) = match r.direction {
                Resolved::Trend { sense: Sense::Ascendente, inferred, .. } => ("ascendente", inferred),
                Resolved::Trend { sense: Sense::Descendente, inferred, .. } => ("descendente", inferred),
                Resolved::NoDefinido(_) => ("no_definido", false),
            };
            json!({
                "code": r.code.as_str(),
                "level": level(r.code.kind()),
                "parent": r.code.parent().map(|p| p.to_string()),
                "name": ind.map(|i| i.name.as_str()),
                "responsible": ind.map(|i| i.responsible.as_str()),
                "avance": figure(r.avance(), d),
                "band": r.band.id(),
                "avance_tipo2": match r.tipo2 { Tipo2::Value(v) => figure(Some(v), d), _ => Value::Null },
                "nd_reason": r.tipo1.err().map(|reason| alert_text::nd_reason(reason, result.year, lang)),
                "target": ind.and_then(|i| i.targets.get(&result.year)).map(|c| c.text()),
                "actual": ind.and_then(|i| i.actuals.get(&result.year)).map(|c| c.text()),
                "formula": formula(r.formula),
                "capped": r.capped,
                "sentido": sentido,
                "sentido_inferred": inferred,
                "outlook": outlook_of(r.code),
            })
        })
        .collect();
    let alerts: Vec<Value> = result
        .alerts(policy)
        .iter()
        .map(|a| {
            let mut v = json!({
                "level": a.level.id(),
                "code": a.code.as_str(),
                "kind": a.kind.id(),
                "indicators": a.indicators.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
                "detail": alert_text::detail(a, &result.profile, result.year, lang),
            });
            let map = v.as_object_mut().expect("a json! object");
            match &a.detail {
                AlertDetail::Quality(q) => {
                    map.insert("subkind".into(), json!(alert_text::quality_id(q)));
                }
                AlertDetail::Group { .. } => {
                    map.insert("all_indicators".into(), json!(a.all_indicators()));
                }
                AlertDetail::Avance(x) => {
                    map.insert("avance".into(), figure(Some(*x), d));
                }
                _ => {}
            }
            v
        })
        .collect();
    json!({
        "format": FORMAT,
        "policy": {
            "code": meta.code,
            "name": meta.name,
            "type": meta.policy_type.id(),
            "sector": {"code": meta.sector.code, "name": meta.sector.name},
            "ministry": {"code": meta.ministry.code, "name": meta.ministry.name},
            "year": result.year.get(),
            "profile": result.profile.id(),
            "index": figure(result.index, d),
            "band": result.index_band.id(),
        },
        "objectives": objectives,
        "indicators": indicators,
        "counts": {
            "objectives": counts(&result.counts.objectives),
            "objective_indicators": counts(&result.counts.objective_indicators),
            "service_indicators": counts(&result.counts.service_indicators),
        },
        "alerts": alerts,
        "outlook": {
            "method": prospects.method.id(),
            "counts": outlook_counts(&prospects.policy),
            "objectives": prospects.objectives.iter().map(|(c, n)| json!({"code": c.as_str(), "counts": outlook_counts(n)})).collect::<Vec<_>>(),
            "at_risk": prospects.at_risk.iter().map(|(c, y)| json!({"code": c.as_str(), "horizon": y.get()})).collect::<Vec<_>>(),
            "alert": labels::at_risk(&prospects.at_risk, lang),
        },
    })
}

fn level_counts(c: &avance_core::compute::LevelCounts) -> Value {
    json!({
        "objectives": counts(&c.objectives),
        "objective_indicators": counts(&c.objective_indicators),
        "service_indicators": counts(&c.service_indicators),
    })
}

/// The cross-policy document of `avance compute --all` (`avance-portfolio/1`).
pub fn portfolio(items: &[avance_core::portfolio::PolicyFigures], year: avance_core::model::Year) -> Value {
    let p = avance_core::portfolio::portfolio(items);
    let groups = |gs: &[avance_core::portfolio::Group]| -> Vec<Value> {
        gs.iter()
            .map(|g| json!({"code": g.code, "name": g.name, "policies": g.policies, "counts": level_counts(&g.counts)}))
            .collect()
    };
    json!({
        "format": "avance-portfolio/1",
        "year": year.get(),
        "policies": items.iter().map(|r| json!({
            "code": r.meta.code,
            "name": r.meta.name,
            "type": r.meta.policy_type.id(),
            "sector": {"code": r.meta.sector.code, "name": r.meta.sector.name},
            "ministry": {"code": r.meta.ministry.code, "name": r.meta.ministry.name},
            "profile": r.profile.id(),
            "index": figure(r.index, r.profile.decimals),
            "band": r.index_band.id(),
            "counts": level_counts(&r.counts),
            "outlook": {"method": r.profile.progress.id(), "counts": outlook_counts(&r.outlook)},
        })).collect::<Vec<_>>(),
        "by_sector": groups(&p.by_sector),
        "by_ministry": groups(&p.by_ministry),
        "by_type": groups(&p.by_type),
        "total": level_counts(&p.total),
        "outlook_total": outlook_counts(&p.outlook_total),
    })
}
