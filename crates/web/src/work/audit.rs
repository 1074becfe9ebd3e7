//! The audit log: who did what, when, on what.

use std::collections::BTreeMap;

use askama::Template;
use avance_app::AuditQuery;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};

use super::when;
use crate::AppState;
use crate::view::{Fail, Frame, Viewer, render};

struct AuditRow {
    at: String,
    actor: String,
    action: String,
    policy: String,
    unit: String,
    subject: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    f: Frame,
    t: AuditTexts,
    policy: String,
    unit: String,
    actor: String,
    from: String,
    to: String,
    error: Option<String>,
    rows: Vec<AuditRow>,
    /// The link to the CSV download of these filters, and to the next (older) page.
    csv: String,
    older: Option<String>,
}

struct AuditTexts {
    intro: &'static str,
    policy: &'static str,
    unit: &'static str,
    actor: &'static str,
    from: &'static str,
    to: &'static str,
    filter: &'static str,
    when: &'static str,
    action: &'static str,
    subject: &'static str,
    detail: &'static str,
    none: &'static str,
    date_hint: &'static str,
    download: &'static str,
    older: &'static str,
}

/// The filters of the page as typed (`politica`, `unidad`, `usuario`, `desde`, `hasta`) and the
/// page (`antes`).
fn query_of(q: &BTreeMap<String, String>) -> AuditQuery {
    let get = |k: &str| q.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    AuditQuery {
        policy: get("politica"),
        unit: get("unidad"),
        actor: get("usuario"),
        from: get("desde"),
        to: get("hasta"),
        before: q.get("antes").and_then(|b| b.trim().parse().ok()),
    }
}

/// A link to `path` with the filters of `q` (and a page).
fn link(path: &str, q: &AuditQuery, before: Option<i64>) -> String {
    let mut pairs: Vec<(&str, String)> =
        [("politica", &q.policy), ("unidad", &q.unit), ("usuario", &q.actor), ("desde", &q.from), ("hasta", &q.to)]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k, v.clone()))
            .collect();
    if let Some(b) = before {
        pairs.push(("antes", b.to_string()));
    }
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    if query.is_empty() { path.to_string() } else { format!("{path}?{query}") }
}

/// The audit log's entries of these filters as CSV (all of them, not one page).
pub async fn audit_csv(
    State(state): State<AppState>,
    v: Viewer,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let query = AuditQuery { before: None, ..query_of(&q) };
    match state.app.audit_csv(&v.actor, &query, v.lang).await {
        Ok(bytes) => (
            [
                (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    axum::http::header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"{}-{}.csv\"",
                        v.t("auditoria", "audit-log"),
                        avance_report::labels::lima_date(state.app.instant())
                    ),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => Fail::new(e, &v).into_response(),
    }
}

pub async fn audit_log(
    State(state): State<AppState>,
    v: Viewer,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let l = v.lang;
    let query = query_of(&q);
    let view = match state.app.audit_log(&v.actor, &query).await {
        Ok(x) => x,
        Err(e) => return Fail::new(e, &v).into_response(),
    };
    let error = view.bad_dates.map(|e| e.message(l));
    let rows = view
        .entries
        .into_iter()
        .map(|e| AuditRow {
            at: when(&e.at, l),
            actor: e.actor,
            action: avance_report::labels::event(e.action, l).to_string(),
            policy: e.policy.unwrap_or_default(),
            unit: e.unit.unwrap_or_default(),
            subject: e.subject.unwrap_or_default(),
            detail: e.detail.unwrap_or_default(),
        })
        .collect();
    let page = AuditPage {
        f: v.frame(l.pick("Registro de auditoría", "Audit log")),
        t: AuditTexts {
            intro: l.pick(
                "Cada acción en la aplicación: quién, cuándo, sobre qué y con qué detalle (horas de Lima).",
                "Every action in the application: who, when, on what and with which detail (Lima time).",
            ),
            policy: l.pick("Política", "Policy"),
            unit: l.pick("Unidad", "Unit"),
            actor: l.pick("Usuario", "User"),
            from: l.pick("Desde", "From"),
            to: l.pick("Hasta", "To"),
            filter: l.pick("Filtrar", "Filter"),
            when: l.pick("Fecha y hora", "When"),
            action: l.pick("Acción", "Action"),
            subject: l.pick("Sobre", "On"),
            detail: l.pick("Detalle", "Detail"),
            none: l.pick("No hay acciones para estos filtros.", "No action matches these filters."),
            date_hint: l.pick("AAAA-MM-DD", "YYYY-MM-DD"),
            download: l.pick("Descargar estas acciones (CSV)", "Download these actions (CSV)"),
            older: l.pick("Acciones anteriores", "Older actions"),
        },
        csv: link("/auditoria.csv", &query, None),
        older: view.next.map(|n| link("/auditoria", &query, Some(n))),
        policy: query.policy,
        unit: query.unit,
        actor: query.actor,
        from: query.from,
        to: query.to,
        error,
        rows,
    };
    render(&page).into_response()
}
