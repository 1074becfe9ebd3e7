//! The indicators of a policy-year as CSV: one row per indicator, its values and figures.

use avance_core::compute::PolicyResult;
use avance_core::lang::Lang;
use avance_core::model::Policy;
use avance_core::value::Cell;

use crate::labels::{self, shown};

/// The CSV download of a policy-year (UTF-8, comma-separated, a header row in `lang`).
pub fn indicators(policy: &Policy, result: &PolicyResult, lang: Lang) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let head = match lang {
        Lang::Es => [
            "codigo",
            "nombre",
            "responsable",
            "unidad",
            "anio",
            "logro_esperado",
            "valor_obtenido",
            "avance_tipo1",
            "semaforo",
        ],
        Lang::En => ["code", "name", "responsible", "unit", "year", "target", "actual", "avance_tipo1", "band"],
    };
    w.write_record(head).map_err(|e| e.to_string())?;
    let y = result.year;
    for ind in policy.indicators() {
        let Some(r) = result.indicator(ind.code.as_str()) else { continue };
        let cell = |c: Option<&Cell>| c.map_or_else(String::new, |c| c.text().to_string());
        w.write_record([
            ind.code.to_string(),
            ind.name.clone(),
            ind.responsible.clone(),
            ind.unit.id().to_string(),
            y.to_string(),
            cell(ind.targets.get(&y)),
            cell(ind.actuals.get(&y)),
            shown(r.avance(), result.profile.decimals),
            labels::band(r.band, lang).to_string(),
        ])
        .map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}
