//! The administrator's mail outbox: how many messages wait, were sent or failed, each message
//! with its attempts, and sending one again.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use avance_app::AppError;
use avance_app::store::{Attempt, Mail};
use avance_core::mail::MailStatus;

use super::when;
use crate::AppState;
use crate::view::{Fail, Frame, Viewer, render, see_other, with_status};

struct Row {
    id: i64,
    created: String,
    kind: &'static str,
    recipient: String,
    subject: String,
    status: &'static str,
    failed: bool,
    attempts: i64,
    detail: String,
}

#[derive(Template)]
#[template(path = "outbox.html")]
struct OutboxPage {
    f: Frame,
    intro: &'static str,
    /// (filter value, label with its count, current)
    filters: Vec<(&'static str, String, bool)>,
    rows: Vec<Row>,
    empty: &'static str,
    h_created: &'static str,
    h_kind: &'static str,
    h_to: &'static str,
    h_subject: &'static str,
    h_status: &'static str,
    h_attempts: &'static str,
    h_detail: &'static str,
    filter_label: &'static str,
    notice: Option<&'static str>,
}

#[derive(Debug, Default, Deserialize)]
pub struct OutboxQuery {
    #[serde(default)]
    estado: String,
    #[serde(default)]
    hecho: String,
}

fn status_label(m: &Mail, l: avance_core::lang::Lang) -> &'static str {
    if m.status == MailStatus::Failed && m.last_error.as_deref() == Some("interrupted") {
        l.pick("Interrumpido (¿llegó?)", "Interrupted (did it arrive?)")
    } else {
        m.status.label(l)
    }
}

fn error_text(m: &Mail, l: avance_core::lang::Lang) -> String {
    match m.last_error.as_deref() {
        Some("interrupted") => l
            .pick(
                "El envío se interrumpió (el servidor se detuvo mientras lo enviaba): puede haber llegado. No se reenvía solo; reenvíelo si no llegó.",
                "Sending was interrupted (the server stopped while sending it): it may have arrived. It is not sent again by itself; send it again if it did not arrive.",
            )
            .to_string(),
        Some(e) => e.to_string(),
        None => String::new(),
    }
}

pub async fn outbox(State(state): State<AppState>, v: Viewer, Query(q): Query<OutboxQuery>) -> Response {
    let l = v.lang;
    let view = match state.app.outbox(&v.actor, Some(&q.estado)).await {
        Ok(x) => x,
        Err(e) => return Fail::new(e, &v).into_response(),
    };
    let total: i64 = MailStatus::ALL.iter().map(|s| view.counts.of(*s)).sum();
    let mut filters = vec![("", format!("{} ({total})", l.pick("Todos", "All")), view.status.is_none())];
    for s in MailStatus::ALL {
        filters.push((s.id(), format!("{} ({})", s.label(l), view.counts.of(s)), view.status == Some(s)));
    }
    let page = OutboxPage {
        f: v.frame(l.pick("Bandeja de salida de correo", "Mail outbox")),
        intro: l.pick(
            "Cada mensaje se escribe aquí con el hecho que lo causa y lo envía el servidor (avance serve --smtp) o avance notify --once. Uno rechazado por un momento se reintenta con pausas crecientes; uno rechazado del todo, o interrumpido mientras se enviaba, queda «fallido» y se puede reenviar.",
            "Each message is written here with the event that causes it and sent by the server (avance serve --smtp) or avance notify --once. One refused for now is retried with growing pauses; one refused for good, or interrupted while being sent, stays «failed» and can be sent again.",
        ),
        filters,
        rows: view
            .mails
            .iter()
            .map(|m| Row {
                id: m.id,
                created: when(&m.created_at, l),
                kind: m.message.kind.label(l),
                recipient: m.message.recipient.clone(),
                subject: m.message.subject.clone(),
                status: status_label(m, l),
                failed: m.status == MailStatus::Failed,
                attempts: m.attempts,
                detail: error_text(m, l),
            })
            .collect(),
        empty: l.pick("No hay mensajes.", "No messages."),
        h_created: l.pick("Escrito", "Written"),
        h_kind: l.pick("Tipo", "Kind"),
        h_to: l.pick("Para", "To"),
        h_subject: l.pick("Asunto", "Subject"),
        h_status: l.pick("Estado", "Status"),
        h_attempts: l.pick("Intentos", "Attempts"),
        h_detail: l.pick("Último error", "Last error"),
        filter_label: l.pick("Mostrar", "Show"),
        notice: (q.hecho == "reenvio").then(|| {
            l.pick("Mensaje puesto de nuevo en la cola: se envía en seguida.", "Message queued again: it is sent shortly.")
        }),
    };
    render(&page).into_response()
}

#[derive(Template)]
#[template(path = "outbox_mail.html")]
struct MailPage {
    f: Frame,
    id: i64,
    facts: Vec<(&'static str, String)>,
    text: String,
    attempts: Vec<(String, &'static str, String)>,
    resendable: bool,
    error: Option<String>,
    h_text: &'static str,
    h_attempts: &'static str,
    h_at: &'static str,
    h_outcome: &'static str,
    h_detail: &'static str,
    resend: &'static str,
    back: &'static str,
    none: &'static str,
}

fn outcome(o: &str, l: avance_core::lang::Lang) -> &'static str {
    match o {
        "sent" => l.pick("enviado", "sent"),
        "retry" => l.pick("rechazado por un momento: se reintentará", "refused for now: to retry"),
        "failed" => l.pick("fallido", "failed"),
        "interrupted" => l.pick("interrumpido", "interrupted"),
        "resent" => l.pick("puesto de nuevo en la cola por", "queued again by"),
        _ => l.pick("otro", "other"),
    }
}

async fn mail_page(state: &AppState, v: &Viewer, id: i64, error: Option<String>) -> Response {
    let l = v.lang;
    let (m, attempts): (Mail, Vec<Attempt>) = match state.app.outbox_mail(&v.actor, id).await {
        Ok(x) => x,
        Err(e) => return Fail::new(e, v).into_response(),
    };
    let page = MailPage {
        f: v.frame(format!("{} {}", l.pick("Mensaje", "Message"), m.id)),
        id: m.id,
        facts: vec![
            (l.pick("Tipo", "Kind"), m.message.kind.label(l).to_string()),
            (
                l.pick("Para", "To"),
                format!("{} ({})", m.message.recipient, m.message.username.clone().unwrap_or_default()),
            ),
            (l.pick("Idioma", "Language"), m.message.lang.id().to_string()),
            (l.pick("Asunto", "Subject"), m.message.subject.clone()),
            (l.pick("Escrito", "Written"), when(&m.created_at, l)),
            (l.pick("Estado", "Status"), status_label(&m, l).to_string()),
            (l.pick("Enviado", "Sent"), m.sent_at.as_deref().map(|s| when(s, l)).unwrap_or_else(|| "—".into())),
            (
                l.pick("Próximo intento", "Next attempt"),
                if m.status == MailStatus::Pending { when(&m.next_attempt_at, l) } else { "—".into() },
            ),
            (l.pick("Último error", "Last error"), error_text(&m, l)),
        ],
        // A reset link's secret is never shown (it is blanked out once sent).
        text: if m.message.kind == avance_core::mail::MailKind::PasswordReset {
            l.pick(
                "(Lleva un enlace secreto para restablecer la contraseña: no se muestra.)",
                "(It carries a secret link to reset the password: it is not shown.)",
            )
            .to_string()
        } else {
            m.message.text.clone()
        },
        attempts: attempts
            .into_iter()
            .map(|a| (when(&a.at, l), outcome(&a.outcome, l), a.detail.unwrap_or_default()))
            .collect(),
        resendable: matches!(m.status, MailStatus::Sent | MailStatus::Failed)
            && m.message.kind != avance_core::mail::MailKind::PasswordReset,
        error,
        h_text: l.pick("Texto del mensaje", "Text of the message"),
        h_attempts: l.pick("Intentos", "Attempts"),
        h_at: l.pick("Cuándo", "When"),
        h_outcome: l.pick("Resultado", "Outcome"),
        h_detail: l.pick("Detalle", "Detail"),
        resend: l.pick("Reenviar", "Send again"),
        back: l.pick("Volver a la bandeja de salida", "Back to the outbox"),
        none: l.pick("Aún no se intentó enviarlo.", "No attempt yet."),
    };
    render(&page).into_response()
}

pub async fn outbox_mail(State(state): State<AppState>, v: Viewer, Path(id): Path<String>) -> Response {
    match id.parse::<i64>() {
        Ok(id) => mail_page(&state, &v, id, None).await,
        Err(_) => Fail::new(AppError::NotFound(avance_app::Missing::Mail), &v).into_response(),
    }
}

pub async fn resend_mail(State(state): State<AppState>, v: Viewer, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return Fail::new(AppError::NotFound(avance_app::Missing::Mail), &v).into_response();
    };
    match state.app.resend_mail(&v.actor, id).await {
        Ok(()) => see_other("/admin/correo?hecho=reenvio"),
        Err(e @ AppError::Conflict(_)) => with_status(mail_page(&state, &v, id, Some(e.message(v.lang))).await, &e),
        Err(e) => Fail::new(e, &v).into_response(),
    }
}
