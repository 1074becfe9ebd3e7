//! "Mis indicadores": a unit reports the actuals of its indicators.

use std::collections::BTreeMap;

use askama::Template;
use avance_app::{AppError, MineGroup as Group, ReportActual};
use avance_core::access::Status;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::AppState;
use crate::draft;
use crate::view::{Fail, Frame, Viewer, render, see_other, with_status};

struct MineRow {
    policy: String,
    code: String,
    name: String,
    unit: String,
    year: String,
    target: String,
    actual: String,
    status: Option<String>,
    status_class: &'static str,
    review_reason: Option<String>,
    open: bool,
    locked: bool,
    value: String,
    comment: String,
    evidence: String,
    error: Option<String>,
    id: String,
}

struct MineGroup {
    title: String,
    window: String,
    rows: Vec<MineRow>,
}

#[derive(Template)]
#[template(path = "mine.html")]
struct MinePage {
    f: Frame,
    t: MineTexts,
    notice: Option<String>,
    /// What the unit still owes, per open policy-year, at the top.
    pending: Vec<Pending>,
    groups: Vec<MineGroup>,
}

/// The values a unit owes in one policy-year: its deadline in words and a link to each card.
struct Pending {
    title: String,
    deadline: String,
    late: bool,
    /// (card id, code, standing in words)
    items: Vec<(String, String, &'static str)>,
}

struct MineTexts {
    intro: &'static str,
    target: &'static str,
    actual: &'static str,
    status: &'static str,
    value: &'static str,
    comment: &'static str,
    evidence: &'static str,
    submit: &'static str,
    closed: &'static str,
    locked: &'static str,
    none: &'static str,
    pending: &'static str,
    returned: &'static str,
}

/// A refused submission, shown next to its field with what was typed.
#[derive(Debug, Default)]
struct Refused {
    form: SubmitForm,
    message: String,
}

/// The page of the reporting form.
const PAGE: &str = "/mis-indicadores";

pub async fn mine(
    State(state): State<AppState>,
    v: Viewer,
    Query(q): Query<BTreeMap<String, String>>,
    headers: axum::http::HeaderMap,
) -> Response {
    // The notice names the indicator only if it is one of the unit's (no echo of arbitrary text).
    let sent = q.get("enviado").cloned();
    // What was typed before the session expired, back in its form.
    let kept = draft::for_page(&headers, PAGE).map(|mut d| SubmitForm {
        politica: d.remove("politica").unwrap_or_default(),
        indicador: d.remove("indicador").unwrap_or_default(),
        anio: d.remove("anio").unwrap_or_default(),
        valor: d.remove("valor").unwrap_or_default(),
        comentario: d.remove("comentario").unwrap_or_default(),
        evidencia: d.remove("evidencia").unwrap_or_default(),
    });
    let had_draft = kept.is_some();
    draft::shown_once(mine_page(&state, &v, sent, None, kept).await, had_draft, state.config.secure_cookies)
}

async fn mine_page(
    state: &AppState,
    v: &Viewer,
    sent: Option<String>,
    refused: Option<Refused>,
    kept: Option<SubmitForm>,
) -> Response {
    let l = v.lang;
    let found = match state.app.my_indicators(&v.actor).await {
        Ok(g) => g,
        Err(e) => return Fail::new(e, v).into_response(),
    };
    let unit = v.actor.unit().unwrap_or("").to_string();
    let mut notice = None;
    let mut groups = Vec::new();
    let mut pending = Vec::new();
    for g in &found {
        let Group { policy, year, window: w, items } = g;
        let code = &policy.meta().code;
        let y = i64::from(year.get());
        let rows: Vec<MineRow> = items
            .iter()
            .map(|item| {
                let i = g.indicator(item);
                let sub = item.submission.as_ref();
                if sent.as_deref() == Some(i.code.as_str()) {
                    notice = Some(format!(
                        "{} {}.",
                        l.pick("Se envió para revisión el valor de", "Sent for review: the value of"),
                        i.code
                    ));
                }
                let this = |form: &SubmitForm| {
                    form.politica == *code && form.indicador == i.code.as_str() && form.anio.trim() == y.to_string()
                };
                let mine_refused = refused.as_ref().filter(|r| this(&r.form));
                let mine_kept = kept.as_ref().filter(|k| this(k) && mine_refused.is_none());
                if let Some(k) = mine_kept {
                    notice = Some(format!(
                        "{} {} {}",
                        l.pick(
                            "Su sesión había vencido. Lo que escribió para",
                            "Your session had expired. What you typed for"
                        ),
                        k.indicador,
                        l.pick(
                            "se conservó en su formulario: revíselo y envíelo.",
                            "was kept in its form: check it and submit it.",
                        )
                    ));
                }
                let typed = mine_refused.map(|r| &r.form).or(mine_kept);
                MineRow {
                    policy: code.clone(),
                    code: i.code.to_string(),
                    name: i.name.clone(),
                    unit: i.unit.label(l).to_string(),
                    year: y.to_string(),
                    target: i.targets.get(year).map_or_else(|| "—".into(), |c| c.text().to_string()),
                    actual: i.actuals.get(year).map_or_else(|| "—".into(), |c| c.text().to_string()),
                    status: sub.map(|s| format!("{}: {}", s.status.label(l), s.text)),
                    status_class: sub.map_or("", |s| s.status.id()),
                    review_reason: sub.filter(|s| s.status == Status::Returned).and_then(|s| s.review_reason.clone()),
                    open: w.open,
                    locked: sub.is_some_and(|s| s.status == Status::Approved),
                    value: typed.map_or_else(String::new, |f| f.valor.clone()),
                    comment: typed.map_or_else(String::new, |f| f.comentario.clone()),
                    evidence: typed.map_or_else(String::new, |f| f.evidencia.clone()),
                    error: mine_refused.map(|r| r.message.clone()),
                    id: format!("{code}-{}-{y}", i.code).replace('.', "-"),
                }
            })
            .collect();
        let day = avance_report::labels::lima_day;
        let window = match (w.open, &w.deadline, &w.exception) {
            (false, _, _) if w.before_opening => format!(
                "{} {}",
                l.pick("Aún no abierto: se abre el", "Not open yet: opens on"),
                w.opens.as_deref().map(day).unwrap_or_default()
            ),
            (true, _, Some(e)) => {
                format!("{} {}", l.pick("Abierto por excepción hasta el", "Open by exception until"), day(e))
            }
            (true, Some(d), None) => format!("{} {}", l.pick("Abierto hasta el", "Open until"), day(d)),
            (false, Some(d), _) => {
                format!("{} {}", l.pick("Cerrado: el plazo venció el", "Closed: the deadline was"), day(d))
            }
            _ => l.pick("Cerrado", "Closed").to_string(),
        };
        let owed: Vec<(String, String, &'static str)> = items
            .iter()
            .filter(|item| item.standing.owed())
            .map(|item| {
                let i = g.indicator(item);
                (format!("{code}-{}-{y}", i.code).replace('.', "-"), i.code.to_string(), item.standing.label(l))
            })
            .collect();
        if !owed.is_empty() && w.open {
            pending.push(Pending {
                title: format!("{code} {y}"),
                deadline: format!(
                    "{} {} ({})",
                    l.pick("plazo", "deadline"),
                    w.unit_deadline().as_deref().map(avance_report::labels::lima_day).unwrap_or_default(),
                    avance_report::labels::days_left(w.days, l)
                ),
                late: w.days.is_some_and(|d| d < 0),
                items: owed,
            });
        }
        groups.push(MineGroup {
            title: format!("{} — {} {y}", policy.meta().name, l.pick("año", "year")),
            window,
            rows,
        });
    }
    let page = MinePage {
        f: v.frame(format!("{} ({unit})", l.pick("Mis indicadores", "My indicators"))),
        t: MineTexts {
            intro: l.pick(
                "Ingrese el valor obtenido de cada indicador que su unidad reporta, con un comentario o un enlace a la evidencia, y envíelo. La oficina de planeamiento lo aprueba o lo devuelve con un motivo; un valor aprobado queda bloqueado.",
                "Enter the actual value of each indicator your unit reports, with a comment or a link to the evidence, and submit it. The planning office approves it or returns it with a reason; an approved value is locked.",
            ),
            target: l.pick("Logro esperado", "Target"),
            actual: l.pick("Valor vigente", "Current value"),
            status: l.pick("Estado", "Status"),
            value: l.pick("Valor obtenido", "Actual value"),
            comment: l.pick("Comentario", "Comment"),
            evidence: l.pick("Enlace a la evidencia", "Evidence link"),
            submit: l.pick("Enviar para revisión", "Submit for review"),
            closed: l.pick("Plazo cerrado", "Deadline passed"),
            locked: l.pick("Aprobado: bloqueado", "Approved: locked"),
            pending: l.pick("Valores por enviar", "Values to send"),
            none: l.pick(
                "No hay años abiertos para reportar, o su unidad no es responsable de ningún indicador.",
                "No year is open for reporting, or your unit is responsible for no indicator.",
            ),
            returned: l.pick("Motivo de la devolución:", "Reason for returning:"),
        },
        notice,
        pending,
        groups,
    };
    render(&page).into_response()
}

#[derive(Debug, Default, Deserialize)]
pub struct SubmitForm {
    #[serde(default)]
    politica: String,
    #[serde(default)]
    indicador: String,
    #[serde(default)]
    anio: String,
    #[serde(default)]
    valor: String,
    #[serde(default)]
    comentario: String,
    #[serde(default)]
    evidencia: String,
}

pub async fn submit(State(state): State<AppState>, v: Viewer, Form(form): Form<SubmitForm>) -> Response {
    let req = ReportActual {
        policy: form.politica.clone(),
        indicator: form.indicador.clone(),
        year: form.anio.clone(),
        value: form.valor.clone(),
        comment: form.comentario.clone(),
        evidence: form.evidencia.clone(),
    };
    match state.app.report_actual(&v.actor, &req).await {
        Ok(sub) => see_other(&format!("/mis-indicadores?enviado={}", sub.indicator)),
        Err(e @ (AppError::Invalid { .. } | AppError::Closed | AppError::NotYetOpen(_) | AppError::Conflict(_))) => {
            let refused = Refused { message: e.message(v.lang), form };
            with_status(mine_page(&state, &v, None, Some(refused), None).await, &e)
        }
        Err(AppError::Unauthenticated) => draft::keep_and_log_in(
            PAGE,
            &[
                ("politica", &form.politica),
                ("indicador", &form.indicador),
                ("anio", &form.anio),
                ("valor", &form.valor),
                ("comentario", &form.comentario),
                ("evidencia", &form.evidencia),
            ],
            state.config.secure_cookies,
        ),
        Err(e) => Fail::new(e, &v).into_response(),
    }
}
