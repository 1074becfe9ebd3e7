//! Downloads as CSV: the indicators of a policy-year (one row per indicator, its values and
//! figures), and the audit log. UTF-8 with a byte-order mark, so that spreadsheet programs read
//! the accents right.

use avance_core::compute::PolicyResult;
use avance_core::lang::Lang;
use avance_core::model::Policy;
use avance_core::value::Cell;

use crate::labels::{self, shown};

/// The CSV download of a policy-year (UTF-8, comma-separated, a header row in `lang`).
pub fn indicators(policy: &Policy, result: &PolicyResult, lang: Lang) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(BOM.to_vec());
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

/// One entry of the audit log, as the CSV download writes it.
#[derive(Debug, Clone, Copy)]
pub struct AuditRow<'a> {
    pub at: &'a str,
    pub actor: &'a str,
    pub action: avance_core::access::Event,
    pub policy: Option<&'a str>,
    pub unit: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub detail: Option<&'a str>,
}

/// The audit log as CSV (a header row in `lang`, the action named in `lang` and by its id).
pub fn audit(rows: &[AuditRow<'_>], lang: Lang) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(BOM.to_vec());
    let head = match lang {
        Lang::Es => ["fecha_utc", "usuario", "accion", "accion_id", "politica", "unidad", "objeto", "detalle"],
        Lang::En => ["time_utc", "user", "action", "action_id", "policy", "unit", "subject", "detail"],
    };
    w.write_record(head).map_err(|e| e.to_string())?;
    for r in rows {
        w.write_record([
            r.at,
            r.actor,
            labels::event(r.action, lang),
            r.action.id(),
            r.policy.unwrap_or(""),
            r.unit.unwrap_or(""),
            r.subject.unwrap_or(""),
            r.detail.unwrap_or(""),
        ])
        .map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

/// One unit and indicator of the reporting tracker, as the CSV download writes it.
#[derive(Debug, Clone, Copy)]
pub struct TrackingRow<'a> {
    pub unit: &'a str,
    /// The unit's deadline as stored (RFC 3339, UTC).
    pub deadline: Option<&'a str>,
    pub exception: bool,
    /// Days left to the deadline's day (negative: late).
    pub days: Option<i64>,
    pub indicator: &'a str,
    pub name: &'a str,
    pub standing: &'static str,
    pub standing_label: &'static str,
    pub submitted_at: Option<&'a str>,
}

/// The reporting tracker of a policy-year as CSV: a row per unit and indicator, the deadline as a
/// Lima day, the days left (negative when late), where the value stands (in words and by id).
pub fn tracking(
    policy: &str,
    year: avance_core::model::Year,
    rows: &[TrackingRow<'_>],
    lang: Lang,
) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(BOM.to_vec());
    let head = match lang {
        Lang::Es => [
            "politica",
            "anio",
            "unidad",
            "plazo_dia_lima",
            "excepcion",
            "dias_restantes",
            "indicador",
            "nombre",
            "estado",
            "estado_id",
            "enviado_utc",
        ],
        Lang::En => [
            "policy",
            "year",
            "unit",
            "deadline_lima_day",
            "exception",
            "days_left",
            "indicator",
            "name",
            "standing",
            "standing_id",
            "submitted_utc",
        ],
    };
    w.write_record(head).map_err(|e| e.to_string())?;
    for r in rows {
        w.write_record([
            policy,
            &year.to_string(),
            r.unit,
            &r.deadline.map(labels::lima_day).unwrap_or_default(),
            if r.exception { lang.pick("sí", "yes") } else { "no" },
            &r.days.map(|d| d.to_string()).unwrap_or_default(),
            r.indicator,
            r.name,
            r.standing_label,
            r.standing,
            r.submitted_at.unwrap_or(""),
        ])
        .map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";
