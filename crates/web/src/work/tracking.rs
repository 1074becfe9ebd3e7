//! "Seguimiento del reporte": which units have reported what in a policy-year, and how many days
//! each has left (or is late), for the planning office and the administrator; also as CSV.

use std::collections::BTreeMap;

use askama::Template;
use avance_core::access::Standing;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};

use super::when;
use crate::AppState;
use crate::view::{Fail, Frame, Viewer, render};

struct UnitRow {
    unit: String,
    deadline: String,
    days: String,
    /// `late`, `soon` (three days or fewer with values owed) or empty: the row's emphasis.
    class: &'static str,
    counts: Vec<usize>,
    total: usize,
}

struct IndicatorRow {
    unit: String,
    code: String,
    name: String,
    standing: &'static str,
    standing_id: &'static str,
    submitted: String,
}

#[derive(Template)]
#[template(path = "tracking.html")]
struct TrackingPage {
    f: Frame,
    t: Texts,
    choices: Vec<(String, String)>,
    policy: String,
    years: Vec<u16>,
    year: u16,
    deadline: String,
    /// (label, Lima day) of the calendar's other dates that are set.
    calendar: Vec<(&'static str, String)>,
    today: String,
    heads: Vec<&'static str>,
    units: Vec<UnitRow>,
    owed: Vec<IndicatorRow>,
    csv: String,
}

struct Texts {
    intro: &'static str,
    policy: &'static str,
    year: &'static str,
    show: &'static str,
    deadline: &'static str,
    today: &'static str,
    units: &'static str,
    unit: &'static str,
    days: &'static str,
    total: &'static str,
    owed: &'static str,
    none_owed: &'static str,
    indicator: &'static str,
    standing: &'static str,
    submitted: &'static str,
    download: &'static str,
    no_units: &'static str,
}

fn params(q: &BTreeMap<String, String>) -> (Option<&str>, Option<&str>) {
    (q.get("politica").map(String::as_str), q.get("anio").map(String::as_str))
}

pub async fn tracking(State(state): State<AppState>, v: Viewer, Query(q): Query<BTreeMap<String, String>>) -> Response {
    let l = v.lang;
    let (policy, year) = params(&q);
    let view = match state.app.reporting_tracking(&v.actor, policy, year).await {
        Ok(x) => x,
        Err(e) => return Fail::new(e, &v).into_response(),
    };
    let m = view.policy.meta();
    let units = view
        .units
        .iter()
        .map(|u| UnitRow {
            unit: u.unit.clone(),
            deadline: u.deadline.as_deref().map_or_else(
                || l.pick("sin plazo", "no deadline").to_string(),
                |d| {
                    let day = avance_report::labels::lima_day(d);
                    if u.exception { format!("{day} ({})", l.pick("excepción", "exception")) } else { day }
                },
            ),
            days: avance_report::labels::days_left(u.days, l),
            class: if u.late() {
                "late"
            } else if u.owed() > 0 && u.days.is_some_and(|d| d <= 3) {
                "soon"
            } else {
                ""
            },
            counts: Standing::ALL.iter().map(|s| u.count(*s)).collect(),
            total: u.indicators.len(),
        })
        .collect();
    let owed = view
        .units
        .iter()
        .flat_map(|u| {
            u.indicators.iter().filter(|i| i.standing.owed()).map(move |i| IndicatorRow {
                unit: u.unit.clone(),
                code: i.code.clone(),
                name: i.name.clone(),
                standing: i.standing.label(l),
                standing_id: i.standing.id(),
                submitted: i.submitted_at.as_deref().map(|a| when(a, l)).unwrap_or_default(),
            })
        })
        .collect();
    let csv = format!(
        "/seguimiento.csv?{}",
        serde_urlencoded::to_string([("politica", m.code.as_str()), ("anio", &view.year.to_string())])
            .unwrap_or_default()
    );
    let page = TrackingPage {
        f: v.frame(format!("{} — {} {}", l.pick("Seguimiento del reporte", "Reporting follow-up"), m.code, view.year)),
        t: Texts {
            intro: l.pick(
                "Qué valores del año ha enviado cada unidad responsable, cuáles faltan o fueron devueltos, y cuántos días le quedan hasta su plazo (el de su excepción, si la tiene) o cuántos lleva de atraso. Días y plazos en Lima.",
                "Which values of the year each responsible unit has sent, which are missing or were returned, and how many days it has left until its deadline (its exception's, if any) or how many it is late. Days and deadlines in Lima.",
            ),
            policy: l.pick("Política", "Policy"),
            year: l.pick("Año", "Year"),
            show: l.pick("Mostrar", "Show"),
            deadline: l.pick("Plazo", "Deadline"),
            today: l.pick("Hoy", "Today"),
            units: l.pick("Por unidad", "By unit"),
            unit: l.pick("Unidad", "Unit"),
            days: l.pick("Días", "Days"),
            total: l.pick("Indicadores", "Indicators"),
            owed: l.pick("Valores que faltan o fueron devueltos", "Values missing or returned"),
            none_owed: l.pick("Ninguna unidad debe valores de este año.", "No unit owes values for this year."),
            indicator: l.pick("Indicador", "Indicator"),
            standing: l.pick("Estado", "Standing"),
            submitted: l.pick("Último envío", "Last sent"),
            download: l.pick("Descargar CSV (una fila por unidad e indicador)", "Download CSV (a row per unit and indicator)"),
            no_units: l.pick("La política no tiene indicadores.", "The policy has no indicators."),
        },
        choices: view.choices.clone(),
        policy: m.code.clone(),
        years: m.years.iter().map(|y| y.get()).collect(),
        year: view.year.get(),
        deadline: view
            .deadline
            .as_deref()
            .map_or_else(|| l.pick("sin plazo fijado", "no deadline set").to_string(), avance_report::labels::lima_day),
        calendar: [
            (l.pick("Apertura", "Opening"), &view.opens),
            (l.pick("Fin de la revisión", "End of review"), &view.review_until),
            (l.pick("Publicación", "Publication"), &view.publication),
        ]
        .into_iter()
        .filter_map(|(k, d)| d.as_deref().map(|d| (k, avance_report::labels::lima_day(d))))
        .collect(),
        today: view.today.clone(),
        heads: Standing::ALL.iter().map(|s| s.label(l)).collect(),
        units,
        owed,
        csv,
    };
    render(&page).into_response()
}

/// The tracker as CSV.
pub async fn tracking_csv(
    State(state): State<AppState>,
    v: Viewer,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let (policy, year) = params(&q);
    match state.app.reporting_tracking_csv(&v.actor, policy, year, v.lang).await {
        Ok((view, bytes)) => (
            [
                (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    axum::http::header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"{}\"",
                        avance_report::labels::download_name(
                            &view.policy.meta().code,
                            view.year,
                            v.t("seguimiento-del-reporte", "reporting-follow-up"),
                            &view.today,
                            "csv"
                        )
                    ),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => Fail::new(e, &v).into_response(),
    }
}
