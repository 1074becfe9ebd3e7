//! "¿Olvidó su contraseña?": asking for a reset link by e-mail, and choosing a new password with
//! it. The answer to a request is the same whether the account exists or not.

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use serde::Deserialize;

use avance_app::AppError;

use crate::AppState;
use crate::security;
use crate::view::{Fail, Frame, Viewer, render, see_other, with_status};

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotPage {
    f: Frame,
    intro: &'static str,
    label: &'static str,
    submit: &'static str,
    /// After a request: what happens now (the same text whatever the account).
    done: Option<&'static str>,
    error: Option<String>,
    typed: String,
    back: &'static str,
}

fn forgot_page(v: &Viewer) -> ForgotPage {
    ForgotPage {
        f: v.frame(v.t("¿Olvidó su contraseña?", "Forgot your password?")),
        intro: v.t(
            "Escriba su usuario o el correo electrónico de su cuenta: le enviaremos un enlace para elegir una contraseña nueva. El enlace sirve una sola vez y vence en una hora.",
            "Write your user name or your account's e-mail address: we will send you a link to choose a new password. The link works once and expires in an hour.",
        ),
        label: v.t("Usuario o correo electrónico", "User name or e-mail"),
        submit: v.t("Enviar el enlace", "Send the link"),
        done: None,
        error: None,
        typed: String::new(),
        back: v.t("Volver a ingresar", "Back to log in"),
    }
}

pub async fn forgot_form(v: Viewer) -> Response {
    render(&forgot_page(&v)).into_response()
}

#[derive(Debug, Default, Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    cuenta: String,
}

pub async fn forgot(
    State(state): State<AppState>,
    v: Viewer,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: axum::http::HeaderMap,
    Form(f): Form<ForgotForm>,
) -> Response {
    let client = security::client_address(connect.map(|c| c.0.0.ip()), &headers, &state.config.trusted_proxies);
    let mut page = forgot_page(&v);
    if f.cuenta.trim().is_empty() {
        page.error = Some(v.t("Escriba su usuario o su correo electrónico.", "Write your user name or e-mail.").into());
        let e = AppError::Invalid { field: avance_app::Field::Username, problem: avance_app::Problem::UsernameFormat };
        return with_status(render(&page).into_response(), &e);
    }
    match state.app.request_reset(&f.cuenta, &client).await {
        Ok(()) => {
            page.done = Some(v.t(
                "Si la cuenta existe, está activa y tiene un correo electrónico, le llegará en unos minutos un mensaje con el enlace. Revise también la carpeta de correo no deseado. Si no le llega, pida al administrador que registre su correo.",
                "If the account exists, is active and has an e-mail address, a message with the link will arrive in a few minutes. Check your spam folder too. If none arrives, ask the administrator to record your address.",
            ));
            render(&page).into_response()
        }
        Err(e @ AppError::TooManyRequests { .. }) => {
            page.error = Some(e.message(v.lang));
            page.typed = f.cuenta.trim().chars().take(254).collect();
            with_status(render(&page).into_response(), &e)
        }
        Err(e) => Fail::new(e, &v).into_response(),
    }
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetPage {
    f: Frame,
    token: String,
    account: String,
    intro: &'static str,
    new_password: &'static str,
    confirm: &'static str,
    submit: &'static str,
    error: Option<String>,
}

fn reset_page(v: &Viewer, token: &str, user: &avance_app::store::User) -> ResetPage {
    ResetPage {
        f: v.frame(v.t("Elegir una contraseña nueva", "Choose a new password")),
        token: token.to_string(),
        account: format!("{}: {} ({})", v.t("Cuenta", "Account"), user.display_name, user.username),
        intro: v.t(
            "Al menos 12 caracteres. Al guardarla se cierran todas las sesiones de su cuenta y el enlace deja de servir.",
            "At least 12 characters. Saving it ends every session of your account and the link stops working.",
        ),
        new_password: v.t("Contraseña nueva", "New password"),
        confirm: v.t("Repita la contraseña nueva", "Repeat the new password"),
        submit: v.t("Guardar la contraseña", "Save the password"),
        error: None,
    }
}

pub async fn reset_form(
    State(state): State<AppState>,
    v: Viewer,
    Query(q): Query<std::collections::BTreeMap<String, String>>,
) -> Response {
    let token = q.get("token").map(String::as_str).unwrap_or("").trim().to_string();
    match state.app.reset_link_user(&token).await {
        Ok(user) => render(&reset_page(&v, &token, &user)).into_response(),
        Err(e) => Fail::new(e, &v).into_response(),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    nueva: String,
    #[serde(default)]
    confirmacion: String,
}

pub async fn reset(
    State(state): State<AppState>,
    v: Viewer,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: axum::http::HeaderMap,
    Form(f): Form<ResetForm>,
) -> Response {
    let client = security::client_address(connect.map(|c| c.0.0.ip()), &headers, &state.config.trusted_proxies);
    match state.app.reset_password(&f.token, &f.nueva, &f.confirmacion, &client).await {
        Ok(_) => see_other("/ingresar?contrasena=restablecida"),
        Err(e @ AppError::Invalid { .. }) => match state.app.reset_link_user(&f.token).await {
            Ok(user) => {
                let mut page = reset_page(&v, f.token.trim(), &user);
                page.error = Some(e.message(v.lang));
                with_status(render(&page).into_response(), &e)
            }
            Err(e) => Fail::new(e, &v).into_response(),
        },
        Err(e) => Fail::new(e, &v).into_response(),
    }
}
