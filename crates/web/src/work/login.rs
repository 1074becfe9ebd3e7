//! Logging in and out.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use serde::Deserialize;

use avance_app::{AppError, Login};

use crate::AppState;
use crate::security::{self, set_cookie};
use crate::view::{Fail, Frame, Viewer, render, see_other, with_status};

/// Where a user lands after logging in: the first section its role may open.
fn home_of(v: &avance_app::Sections) -> &'static str {
    if v.report {
        "/mis-indicadores"
    } else if v.admin {
        "/admin"
    } else if v.poi_entry {
        "/mi-poi"
    } else if v.review {
        "/revision"
    } else {
        "/"
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    f: Frame,
    back: String,
    error: Option<String>,
    notice: Option<&'static str>,
    username: String,
    t_user: &'static str,
    t_password: &'static str,
    t_submit: &'static str,
    t_intro: &'static str,
    t_forgot: &'static str,
}

fn login_page(v: &Viewer, back: &str, error: Option<String>, username: &str) -> LoginPage {
    LoginPage {
        f: v.frame(v.t("Ingresar", "Log in")),
        back: back.to_string(),
        error,
        notice: None,
        username: username.to_string(),
        t_user: v.t("Usuario", "User name"),
        t_password: v.t("Contraseña", "Password"),
        t_submit: v.t("Ingresar", "Log in"),
        t_forgot: v.t("¿Olvidó su contraseña?", "Forgot your password?"),
        t_intro: v.t(
            "Las unidades responsables, las oficinas de planeamiento y el administrador ingresan con la cuenta que les asignaron. El público no necesita cuenta.",
            "Responsible units, planning offices and the administrator log in with the account they were given. The public needs no account.",
        ),
    }
}

pub async fn login_form(v: Viewer, Query(q): Query<BTreeMap<String, String>>) -> Response {
    let back = q.get("volver").and_then(|b| security::same_site_path(b)).unwrap_or("").to_string();
    let mut page = login_page(&v, &back, None, "");
    if q.get("sesion").is_some_and(|c| c == "vencida") {
        page.notice = Some(v.t(
            "Su sesión venció. Ingrese de nuevo para continuar: lo que escribió en el formulario se conservó.",
            "Your session expired. Log in again to go on: what you typed in the form was kept.",
        ));
    }
    if q.get("contrasena").is_some_and(|c| c == "restablecida") {
        page.notice = Some(v.t(
            "Su contraseña nueva quedó guardada y sus sesiones se cerraron: ingrese con ella.",
            "Your new password was saved and your sessions ended: log in with it.",
        ));
    }
    if q.get("contrasena").is_some_and(|c| c == "cambiada") {
        page.notice = Some(v.t(
            "Su contraseña cambió y sus sesiones se cerraron: ingrese con la nueva.",
            "Your password changed and your sessions ended: log in with the new one.",
        ));
    }
    render(&page).into_response()
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    usuario: String,
    #[serde(default)]
    contrasena: String,
    #[serde(default)]
    volver: String,
}

pub async fn login(
    State(state): State<AppState>,
    v: Viewer,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: axum::http::HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let client = security::client_address(connect.map(|c| c.0.0.ip()), &headers, &state.config.trusted_proxies);
    let back = security::same_site_path(&form.volver).unwrap_or("").to_string();
    let req = Login {
        username: form.usuario.clone(),
        password: form.contrasena.clone(),
        client,
        previous_session: v.session.clone(),
    };
    // A new session secret at every login: a session cookie planted before (session fixation) is
    // never adopted, and the CSRF token changes too.
    let session = match state.app.login(req).await {
        Ok(s) => s,
        Err(e @ (AppError::BadCredentials | AppError::TooManyAttempts { .. })) => {
            let username: String = form.usuario.trim().chars().take(64).collect();
            let page = render(&login_page(&v, &back, Some(e.message(v.lang)), &username)).into_response();
            return with_status(page, &e);
        }
        Err(e) => return Fail::new(e, &v).into_response(),
    };
    let sections = state.app.sections(&avance_app::Actor::user(session.user.clone())).await;
    let to = if back.is_empty() { home_of(&sections).to_string() } else { back };
    let mut res = see_other(&to);
    let secure = state.config.secure_cookies;
    let h = res.headers_mut();
    h.append(header::SET_COOKIE, set_cookie(security::SESSION_COOKIE, &session.secret, secure, None));
    h.append(header::SET_COOKIE, set_cookie(security::CSRF_COOKIE, &avance_app::secrets::secret(), secure, None));
    res
}

pub async fn logout(State(state): State<AppState>, v: Viewer) -> Response {
    if let Some(s) = &v.session
        && let Err(e) = state.app.logout(&v.actor, s).await
    {
        return Fail::new(e, &v).into_response();
    }
    let mut res = see_other("/");
    res.headers_mut()
        .append(header::SET_COOKIE, set_cookie(security::SESSION_COOKIE, "", state.config.secure_cookies, Some(0)));
    res
}
