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
}

pub async fn audit_log(
    State(state): State<AppState>,
    v: Viewer,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let l = v.lang;
    let get = |k: &str| q.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let (policy, unit, actor, from, to) = (get("politica"), get("unidad"), get("usuario"), get("desde"), get("hasta"));
    let query = AuditQuery {
        policy: policy.clone(),
        unit: unit.clone(),
        actor: actor.clone(),
        from: from.clone(),
        to: to.clone(),
    };
    let view = match state.app.audit_log(&v.actor, &query).await {
        Ok(x) => x,
        Err(e) => return Fail::new(e, &v).into_response(),
    };
    let error = view.bad_dates.map(|e| e.message(l));
    let rows = view
        .entries
        .into_iter()
        .map(|e| AuditRow {
            at: when(&e.at),
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
                "Cada acción en la aplicación: quién, cuándo, sobre qué y con qué detalle (horas en UTC).",
                "Every action in the application: who, when, on what and with which detail (times in UTC).",
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
        },
        policy,
        unit,
        actor,
        from,
        to,
        error,
        rows,
    };
    render(&page).into_response()
}
