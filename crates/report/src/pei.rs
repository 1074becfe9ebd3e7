//! A PEI's follow-up ("Seguimiento del PEI", CEPLAN's Anexo B-7) as a table for the terminal and as
//! JSON (`avance-pei-compute/1`): each OEI with its indicators, then each of its AEI with theirs;
//! for every indicator its baseline and, year by year up to the cut, the logro esperado, the valor
//! obtenido and the avance as the application prints it, with the notes it prints.

use avance_core::avance::NdReason;
use avance_core::lang::Lang;
use avance_core::pei::{PeiCodeKind, PeiElement, PeiFigure, PeiFinding, PeiPlan, PeiResult, PeiRow};
use avance_core::value::Cell;
use serde_json::{Value, json};

/// The notes CEPLAN's application prints under the report, verbatim
/// (`../shared/reference/ceplan-app-printed-rules.md`): the truncation note, and from the 2020
/// version on the "(*)" note.
pub fn printed_notes(profile: &avance_core::profile::RuleProfile) -> Vec<&'static str> {
    let mut notes = vec!["NOTA : El porcentaje de avance de los indicadores ha sido truncado en 100 %"];
    if profile.version >= "2020" {
        notes.push("(*) : Avance porcentual no calculado debido a que el logro esperado es cero.");
    }
    notes
}

/// The plan's elements in the report's order, each OEI followed by its AEI, with the indices of
/// their indicators.
fn outline(plan: &PeiPlan) -> Vec<(&PeiElement, Vec<usize>)> {
    let of = |e: &PeiElement| -> Vec<usize> {
        (0..plan.indicators.len()).filter(|&i| plan.indicators[i].code.parent().as_ref() == Some(&e.code)).collect()
    };
    let mut out = Vec::new();
    for objective in plan.elements.iter().filter(|e| e.code.kind() == PeiCodeKind::Objective) {
        out.push((objective, of(objective)));
        for action in plan.elements.iter().filter(|e| e.code.parent().as_ref() == Some(&objective.code)) {
            out.push((action, of(action)));
        }
    }
    out
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}

fn cell_text(c: Option<&Cell>) -> &str {
    c.map_or("—", Cell::text)
}

/// The rows of one indicator, in year order.
fn rows_of(r: &PeiResult, indicator: usize) -> impl Iterator<Item = &PeiRow> {
    r.rows.iter().filter(move |row| row.indicator == indicator)
}

/// The figures as a table.
pub fn text(plan: &PeiPlan, r: &PeiResult, l: Lang) -> String {
    let profile = &r.profile;
    let mut out = format!(
        "{} {}–{} — {} ({})\n",
        l.pick("Seguimiento del PEI", "PEI follow-up"),
        plan.first_year,
        plan.last_year,
        plan.entity_name,
        plan.entity_code
    );
    out.push_str(&format!(
        "{} {} · {} {}\n",
        l.pick("Año de seguimiento:", "Follow-up year:"),
        r.cut,
        l.pick("perfil de reglas", "rule profile"),
        profile.id()
    ));
    for (element, indicators) in outline(plan) {
        let name = element.name.as_deref().unwrap_or("");
        let indent = if element.code.kind() == PeiCodeKind::Action { "  " } else { "" };
        out.push_str(&format!("\n{indent}{}\n", format!("{} {}", element.code, clip(name, 90)).trim_end()));
        for &i in &indicators {
            let ind = &plan.indicators[i];
            out.push_str(&format!("{indent}  {} {}\n", ind.code, clip(&ind.name, 86)));
            let baseline =
                ind.baseline.as_ref().map_or_else(|| "—".to_string(), |b| format!("{} ({})", b.value.text(), b.year));
            out.push_str(&format!("{indent}    {} {baseline}\n", l.pick("Línea de base:", "Baseline:")));
            out.push_str(&format!(
                "{indent}    {:<6} {:>16} {:>16} {:>10}\n",
                l.pick("Año", "Year"),
                l.pick("Logro esperado", "Expected"),
                l.pick("Valor obtenido", "Obtained"),
                l.pick("Avance %", "Avance %")
            ));
            for row in rows_of(r, i) {
                out.push_str(&format!(
                    "{indent}    {:<6} {:>16} {:>16} {:>10}\n",
                    row.year.to_string(),
                    cell_text(ind.targets.get(&row.year)),
                    cell_text(ind.actuals.get(&row.year)),
                    row.figure.printed(profile)
                ));
            }
        }
    }
    out.push('\n');
    out.push_str(&crate::labels::application_notes(profile.version, &printed_notes(profile), l));
    out.push_str(l.pick(
        "ND: sin logro esperado o sin valor obtenido en el año.\n",
        "ND: no expected value or no obtained value in the year.\n",
    ));
    out
}

fn reason_id(reason: NdReason) -> &'static str {
    match reason {
        NdReason::NoTarget => "no_target",
        NdReason::NoActual => "no_actual",
        NdReason::NoTargetNorActual => "no_target_nor_actual",
        NdReason::ZeroTarget => "zero_target",
        NdReason::ZeroActual => "zero_actual",
    }
}

/// A figure as the JSON document writes it: the exact value and what is printed, `(*)`, or ND with
/// its reason.
pub fn figure(f: PeiFigure, profile: &avance_core::profile::RuleProfile) -> Value {
    match f {
        PeiFigure::Value(v) => json!({ "value": v.normalize().to_string(), "printed": f.printed(profile) }),
        PeiFigure::ZeroTarget => json!({ "status": "(*)", "reason": reason_id(NdReason::ZeroTarget) }),
        PeiFigure::Nd(reason) => json!({ "status": "ND", "reason": reason_id(reason) }),
    }
}

/// The figures as `avance-pei-compute/1`.
pub fn json(plan: &PeiPlan, r: &PeiResult) -> Value {
    let profile = &r.profile;
    json!({
        "format": "avance-pei-compute/1",
        "entity": { "code": plan.entity_code, "name": plan.entity_name, "sector": plan.sector },
        "period": { "first": plan.first_year.get(), "last": plan.last_year.get() },
        "year": r.cut.get(),
        "profile": profile.id(),
        "elements": plan.elements.iter().map(|e| json!({
            "code": e.code.as_str(),
            "level": e.code.kind().level(),
            "name": e.name,
        })).collect::<Vec<_>>(),
        "indicators": plan.indicators.iter().enumerate().map(|(i, ind)| json!({
            "code": ind.code.as_str(),
            "element": ind.code.parent().map(|p| p.to_string()),
            "name": ind.name,
            "unit": ind.unit.id(),
            "baseline": ind.baseline.as_ref().map(|b| json!({ "year": b.year.get(), "value": b.value.text() })),
            "years": rows_of(r, i).map(|row| json!({
                "year": row.year.get(),
                "expected": ind.targets.get(&row.year).map(Cell::text),
                "obtained": ind.actuals.get(&row.year).map(Cell::text),
                "avance": figure(row.figure, profile),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "notes": printed_notes(profile),
    })
}

/// The audit of a published PEI report against its own data, as text.
pub fn audit_text(plan: &PeiPlan, r: &PeiResult, printed: usize, findings: &[PeiFinding], l: Lang) -> String {
    let mut out = format!(
        "{} {}–{} — {} ({}), {} {}\n",
        l.pick("Auditoría del Seguimiento del PEI", "Audit of the PEI follow-up"),
        plan.first_year,
        plan.last_year,
        plan.entity_name,
        plan.entity_code,
        l.pick("año", "year"),
        r.cut
    );
    let whose = if r.profile == avance_core::pei::profile_for_cut(r.cut) {
        l.pick(" (el de la versión del aplicativo de ese año)", " (that of the application's version of that year)")
    } else {
        l.pick(" (elegido en vez del de ese año)", " (chosen instead of that year's)")
    };
    out.push_str(&format!("{} {}{whose}\n", l.pick("Perfil de reglas:", "Rule profile:"), r.profile.id()));
    out.push_str(&crate::labels::contradicted(printed, findings.len(), ("avances impresos", "avances printed"), l));
    for f in findings {
        let ind = &plan.indicators[f.indicator];
        let (le, vo) = (cell_text(ind.targets.get(&f.year)), cell_text(ind.actuals.get(&f.year)));
        let computed = f.computed.printed(&r.profile);
        out.push_str(&match l {
            Lang::Es => format!(
                "{} {}: el reporte imprime {}; sus datos dan {computed} (logro esperado {le}, valor obtenido {vo})\n",
                ind.code, f.year, f.published
            ),
            Lang::En => format!(
                "{} {}: the report prints {}; its data give {computed} (expected {le}, obtained {vo})\n",
                ind.code, f.year, f.published
            ),
        });
    }
    out
}

/// The audit as `avance-pei-audit/1`.
pub fn audit_json(plan: &PeiPlan, r: &PeiResult, printed: usize, findings: &[PeiFinding]) -> Value {
    json!({
        "format": "avance-pei-audit/1",
        "entity": { "code": plan.entity_code, "name": plan.entity_name, "sector": plan.sector },
        "period": { "first": plan.first_year.get(), "last": plan.last_year.get() },
        "year": r.cut.get(),
        "profile": r.profile.id(),
        "printed": printed,
        "findings": findings.iter().map(|f| {
            let ind = &plan.indicators[f.indicator];
            json!({
                "code": ind.code.as_str(),
                "year": f.year.get(),
                "expected": ind.targets.get(&f.year).map(Cell::text),
                "obtained": ind.actuals.get(&f.year).map(Cell::text),
                "published": f.published,
                "computed": figure(f.computed, &r.profile),
            })
        }).collect::<Vec<_>>(),
    })
}
