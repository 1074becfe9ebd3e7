//! Review by the planning office: approve or return the values the units submitted.

use askama::Template;
use avance_app::AppError;
use avance_app::store::Submission;
use avance_core::access::{Status, Step};
use avance_core::model::Year;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::when;
use crate::AppState;
use crate::draft;
use crate::view::{Fail, Frame, Viewer, error_page, render, see_other, with_status};

struct ReviewRow {
    id: i64,
    policy: String,
    indicator: String,
    name: String,
    year: i64,
    target: String,
    text: String,
    by: String,
    at: String,
    comment: String,
    evidence: String,
    status: String,
    reason: String,
    /// The return reason typed before the session expired.
    draft: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    f: Frame,
    t: ReviewTexts,
    pending: Vec<ReviewRow>,
    done: Vec<ReviewRow>,
    /// A refusal about a submission no longer waiting (reviewed meanwhile): said at the top.
    error: Option<String>,
}

struct ReviewTexts {
    intro: &'static str,
    pending: &'static str,
    done: &'static str,
    indicator: &'static str,
    year: &'static str,
    target: &'static str,
    value: &'static str,
    by: &'static str,
    comment: &'static str,
    evidence: &'static str,
    approve: &'static str,
    ret: &'static str,
    reason: &'static str,
    status: &'static str,
    none: &'static str,
}

/// The page of the review forms.
const PAGE: &str = "/revision";

pub async fn review_list(State(state): State<AppState>, v: Viewer, headers: axum::http::HeaderMap) -> Response {
    // A return reason typed before the session expired, back in its form.
    let kept = draft::for_page(&headers, PAGE)
        .and_then(|d| Some((d.get("envio")?.parse::<i64>().ok()?, d.get("motivo")?.clone())));
    let had_draft = kept.is_some();
    draft::shown_once(review_page(&state, &v, None, kept).await, had_draft, state.config.secure_cookies)
}

async fn review_page(
    state: &AppState,
    v: &Viewer,
    refused: Option<(i64, String)>,
    kept: Option<(i64, String)>,
) -> Response {
    let l = v.lang;
    let (loaded, subs) = match state.app.review_queue(&v.actor).await {
        Ok(x) => x,
        Err(e) => return Fail::new(e, v).into_response(),
    };
    let row = |s: &Submission| {
        let policy = loaded.policies.get(&s.policy);
        let ind = policy.and_then(|p| p.indicators().iter().find(|i| i.code.as_str() == s.indicator));
        let target = ind
            .zip(u16::try_from(s.year).ok().and_then(|y| Year::new(y).ok()))
            .and_then(|(i, y)| i.targets.get(&y).map(|c| c.text().to_string()))
            .unwrap_or_else(|| "—".into());
        ReviewRow {
            id: s.id,
            policy: s.policy.clone(),
            indicator: s.indicator.clone(),
            name: ind.map(|i| i.name.clone()).unwrap_or_default(),
            year: s.year,
            target,
            text: s.text.clone(),
            by: s.submitted_by.clone(),
            at: when(&s.submitted_at, l),
            comment: s.comment.clone().unwrap_or_default(),
            evidence: s.evidence.clone().unwrap_or_default(),
            status: s.status.label(l).to_string(),
            reason: s.review_reason.clone().unwrap_or_default(),
            draft: kept.as_ref().filter(|(id, _)| *id == s.id).map(|(_, m)| m.clone()).unwrap_or_default(),
            error: refused.as_ref().filter(|(id, _)| *id == s.id).map(|(_, m)| m.clone()),
        }
    };
    let page = ReviewPage {
        f: v.frame(l.pick("Revisión de valores reportados", "Review of reported values")),
        t: ReviewTexts {
            intro: l.pick(
                "Valores enviados por las unidades responsables de las políticas de su ministerio. Al aprobar, el valor pasa a ser el valor obtenido del indicador y queda bloqueado; al devolver, indique el motivo.",
                "Values submitted by the responsible units of your ministry's policies. Approving makes the value the indicator's actual and locks it; when returning, give the reason.",
            ),
            pending: l.pick("Por revisar", "Awaiting review"),
            done: l.pick("Revisados", "Reviewed"),
            indicator: l.pick("Indicador", "Indicator"),
            year: l.pick("Año", "Year"),
            target: l.pick("Logro esperado", "Target"),
            value: l.pick("Valor reportado", "Reported value"),
            by: l.pick("Enviado por", "Submitted by"),
            comment: l.pick("Comentario", "Comment"),
            evidence: l.pick("Evidencia", "Evidence"),
            approve: l.pick("Aprobar", "Approve"),
            ret: l.pick("Devolver", "Return"),
            reason: l.pick("Motivo de la devolución", "Reason for returning"),
            status: l.pick("Estado", "Status"),
            none: l.pick("No hay valores por revisar.", "No value awaits review."),
        },
        pending: subs.iter().filter(|s| s.status == Status::Submitted).map(&row).collect(),
        done: subs.iter().filter(|s| s.status != Status::Submitted).map(&row).collect(),
        error: refused
            .as_ref()
            .filter(|(id, _)| !subs.iter().any(|s| s.id == *id && s.status == Status::Submitted))
            .map(|(id, m)| format!("{} {id}: {m}", l.pick("Envío", "Submission"))),
    };
    render(&page).into_response()
}

#[derive(Debug, Default, Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    accion: String,
    #[serde(default)]
    motivo: String,
}

pub async fn review(
    State(state): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<ReviewForm>,
) -> Response {
    let step = match form.accion.as_str() {
        "aprobar" => Step::Approve,
        "devolver" => Step::Return,
        _ => return error_page(StatusCode::BAD_REQUEST, v.t("Acción desconocida.", "Unknown action."), v.lang),
    };
    match state.app.review(&v.actor, id, step, &form.motivo).await {
        Ok(_) => see_other("/revision"),
        Err(e @ (AppError::Conflict(_) | AppError::Invalid { .. })) => {
            with_status(review_page(&state, &v, Some((id, e.message(v.lang))), None).await, &e)
        }
        Err(AppError::Unauthenticated) => draft::keep_and_log_in(
            PAGE,
            &[("envio", &id.to_string()), ("motivo", &form.motivo)],
            state.config.secure_cookies,
        ),
        Err(e) => Fail::new(e, &v).into_response(),
    }
}
