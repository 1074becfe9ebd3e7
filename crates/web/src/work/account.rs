//! "Mi cuenta": the account, and its API tokens.

use askama::Template;
use avance_app::AppError;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::when;
use crate::AppState;
use crate::view::{Fail, Frame, Viewer, render, with_status};

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    f: Frame,
    t: AccountTexts,
    user: String,
    role: String,
    scope: String,
    new_token: Option<String>,
    tokens: Vec<(String, String, String)>,
    error: Option<String>,
}

struct AccountTexts {
    account: &'static str,
    role: &'static str,
    scope: &'static str,
    tokens: &'static str,
    intro: &'static str,
    label: &'static str,
    create: &'static str,
    created: &'static str,
    shown_once: &'static str,
    state: &'static str,
}

pub async fn account(State(state): State<AppState>, v: Viewer) -> Response {
    account_page(&state, &v, None, None).await
}

async fn account_page(state: &AppState, v: &Viewer, new_token: Option<String>, error: Option<String>) -> Response {
    let l = v.lang;
    let tokens = match state.app.tokens(&v.actor).await {
        Ok(t) => t,
        Err(e) => return Fail::new(e, v).into_response(),
    };
    let Some(user) = v.user() else { return Fail::new(AppError::Unauthenticated, v).into_response() };
    let page = AccountPage {
        f: v.frame(l.pick("Mi cuenta", "My account")),
        t: AccountTexts {
            account: l.pick("Cuenta", "Account"),
            role: l.pick("Rol", "Role"),
            scope: l.pick("Ámbito", "Scope"),
            tokens: l.pick("Tokens de la API", "API tokens"),
            intro: l.pick(
                "Un token permite a un programa usar la API JSON (/api/v1) con los permisos de su cuenta: envíelo en la cabecera «Authorization: Bearer TOKEN». La descripción de la API está en /api/v1/openapi.json.",
                "A token lets a program use the JSON API (/api/v1) with your account's rights: send it in the header «Authorization: Bearer TOKEN». The API is described at /api/v1/openapi.json.",
            ),
            label: l.pick("Descripción del token", "Token description"),
            create: l.pick("Crear token", "Create token"),
            created: l.pick("Creado", "Created"),
            shown_once: l.pick(
                "Copie este token ahora: no se volverá a mostrar.",
                "Copy this token now: it will not be shown again.",
            ),
            state: l.pick("Estado", "State"),
        },
        user: format!("{} ({})", user.display_name, user.username),
        role: user.role.label(l).to_string(),
        scope: user.scope.clone().unwrap_or_else(|| "—".into()),
        new_token,
        tokens: tokens
            .into_iter()
            .map(|t| {
                let state = if t.revoked_at.is_some() { l.pick("revocado", "revoked") } else { l.pick("vigente", "active") };
                (t.label, when(&t.created_at), state.to_string())
            })
            .collect(),
        error,
    };
    render(&page).into_response()
}

#[derive(Debug, Default, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    descripcion: String,
}

pub async fn create_token(State(state): State<AppState>, v: Viewer, Form(f): Form<TokenForm>) -> Response {
    match state.app.create_token(&v.actor, &f.descripcion).await {
        Ok(token) => account_page(&state, &v, Some(token), None).await,
        Err(e @ AppError::Invalid { .. }) => {
            with_status(account_page(&state, &v, None, Some(e.message(v.lang))).await, &e)
        }
        Err(e) => Fail::new(e, &v).into_response(),
    }
}
