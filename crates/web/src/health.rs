//! `/salud` (the process answers) and `/listo` (ready for traffic: the database answers, its
//! schema is current, the figures were computed once, the server is not stopping), for a load
//! balancer or an orchestrator. JSON, never cached.

use std::sync::atomic::Ordering;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::AppState;
use crate::view::lang_of;

fn no_store(mut r: Response) -> Response {
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// Liveness: 200 while the process answers (no database round trip).
pub async fn alive() -> Response {
    no_store(Json(json!({ "status": "alive" })).into_response())
}

/// Readiness: 200 when every check passes, else 503 with what failed, in the request's language.
pub async fn ready(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    let l = lang_of(&headers);
    let r = state.app.readiness(state.stopping.load(Ordering::Relaxed)).await;
    let mut problems = Vec::new();
    if let Err(e) = &r.database {
        problems.push(format!("{} {e}", l.pick("La base de datos no responde:", "The database does not answer:")));
    }
    if let Some((applied, expected)) = r.schema
        && applied != expected
    {
        problems.push(match l {
            avance_core::lang::Lang::Es => format!(
                "El esquema de la base de datos está en la versión {applied} y este programa espera la {expected}: aplique las migraciones (avance db init)."
            ),
            avance_core::lang::Lang::En => format!(
                "The database schema is at version {applied} and this program expects {expected}: apply the migrations (avance db init)."
            ),
        });
    }
    if !r.cache_warm {
        problems.push(l.pick("Las cifras aún no se calcularon.", "The figures are not computed yet.").to_string());
    }
    if r.stopping {
        problems.push(l.pick("El servidor se está deteniendo.", "The server is stopping.").to_string());
    }
    let body = json!({
        "ready": r.ready(),
        "database": r.database.is_ok(),
        "schema": r.schema.map(|(applied, expected)| json!({ "applied": applied, "expected": expected })),
        "cache_warm": r.cache_warm,
        "stopping": r.stopping,
        "problems": problems,
    });
    let status = if r.ready() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    no_store((status, Json(body)).into_response())
}
