//! Changing a target, with its justification (the form is on the indicator's page).

use avance_app::{AppError, TargetRequest};
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::draft;
use crate::public::{TargetForm, YearQuery, indicator_page};
use crate::view::{Fail, Viewer, see_other, with_status};

pub async fn change_target(
    State(state): State<AppState>,
    v: Viewer,
    Path((code, indicator)): Path<(String, String)>,
    Form(form): Form<TargetForm>,
) -> Response {
    let req = TargetRequest {
        policy: code.clone(),
        indicator: indicator.clone(),
        year: form.anio.clone(),
        value: form.valor.clone(),
        justification: form.justificacion.clone(),
    };
    match state.app.change_target(&v.actor, &req).await {
        Ok(_) => see_other(&format!("/politicas/{code}/indicadores/{indicator}?anio={}", form.anio)),
        Err(e @ AppError::Invalid { .. }) => {
            let q = YearQuery { anio: String::new() };
            let page = indicator_page(&state, &v, &code, &indicator, &q, Some(e.message(v.lang)), form).await;
            with_status(page.unwrap_or_else(IntoResponse::into_response), &e)
        }
        Err(AppError::Unauthenticated) => draft::keep_and_log_in(
            &format!("/politicas/{code}/indicadores/{indicator}"),
            &[("anio", &form.anio), ("valor", &form.valor), ("justificacion", &form.justificacion)],
            state.config.secure_cookies,
        ),
        Err(e) => Fail::new(e, &v).into_response(),
    }
}
