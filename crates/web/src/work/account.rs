//! "Mi cuenta": the account, and its API tokens.

use askama::Template;
use avance_app::{AppError, Token};
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
    tokens: Vec<TokenLine>,
    /// A refusal about the tokens, or about the password.
    error: Option<String>,
    password_error: Option<String>,
    notice: Option<String>,
    email: String,
    lang: &'static str,
    /// The digest is offered to a planning office only.
    digest_offered: bool,
    digest: bool,
    mail_error: Option<String>,
    mail_notice: Option<String>,
}

struct TokenLine {
    id: String,
    label: String,
    created: String,
    expires: String,
    last_used: String,
    state: &'static str,
    active: bool,
}

/// What the page shows besides the account: a token just made, a notice, a refusal.
#[derive(Debug, Default)]
struct Shown {
    new_token: Option<String>,
    notice: Option<String>,
    error: Option<String>,
    password_error: Option<String>,
    mail_error: Option<String>,
    mail_notice: Option<String>,
    /// The e-mail form as typed, when it was refused.
    mail_typed: Option<MailForm>,
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
    expires: &'static str,
    last_used: &'static str,
    revoke: &'static str,
    password: &'static str,
    password_intro: &'static str,
    current: &'static str,
    new_password: &'static str,
    change: &'static str,
    mail: &'static str,
    mail_intro: &'static str,
    email: &'static str,
    lang: &'static str,
    spanish: &'static str,
    english: &'static str,
    digest: &'static str,
    save_mail: &'static str,
}

pub async fn account(
    State(state): State<AppState>,
    v: Viewer,
    axum::extract::Query(q): axum::extract::Query<std::collections::BTreeMap<String, String>>,
) -> Response {
    let mail_notice = (q.get("hecho").map(String::as_str) == Some("correo"))
        .then(|| v.lang.pick("Datos de correo guardados.", "Mail settings saved.").to_string());
    account_page(&state, &v, Shown { mail_notice, ..Shown::default() }).await
}

async fn account_page(state: &AppState, v: &Viewer, shown: Shown) -> Response {
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
            expires: l.pick("Vence", "Expires"),
            last_used: l.pick("Último uso", "Last used"),
            revoke: l.pick("Revocar", "Revoke"),
            password: l.pick("Contraseña", "Password"),
            password_intro: l.pick(
                "Al cambiarla se cierran todas las sesiones de su cuenta, esta incluida: vuelva a ingresar con la nueva (al menos 12 caracteres).",
                "Changing it ends every session of your account, this one included: log in again with the new one (at least 12 characters).",
            ),
            current: l.pick("Contraseña actual", "Current password"),
            new_password: l.pick("Contraseña nueva", "New password"),
            change: l.pick("Cambiar la contraseña", "Change the password"),
            mail: l.pick("Correo", "E-mail"),
            mail_intro: l.pick(
                "A esta dirección llegan los recordatorios de plazo, los avisos de valores devueltos o aprobados, el resumen diario de envíos (oficinas de planeamiento) y el enlace para restablecer la contraseña. Déjela vacía para no recibir correo.",
                "Deadline reminders, notices of values returned or approved, the daily digest of submissions (planning offices) and the password-reset link go to this address. Leave it empty to receive no e-mail.",
            ),
            email: l.pick("Correo electrónico", "E-mail"),
            lang: l.pick("Idioma de los correos", "Language of e-mails"),
            spanish: "Español",
            english: "English",
            digest: l.pick(
                "Recibir el resumen diario de los valores enviados por las unidades",
                "Receive the daily digest of the values the units sent",
            ),
            save_mail: l.pick("Guardar", "Save"),
        },
        user: format!("{} ({})", user.display_name, user.username),
        role: user.role.label(l).to_string(),
        scope: user.scope.clone().unwrap_or_else(|| "—".into()),
        new_token: shown.new_token,
        tokens: tokens
            .into_iter()
            .map(|Token { stored: t, active }| {
                let state = match (&t.revoked_at, active) {
                    (Some(_), _) => l.pick("revocado", "revoked"),
                    (None, true) => l.pick("vigente", "active"),
                    (None, false) => l.pick("vencido", "expired"),
                };
                let never = l.pick("nunca", "never");
                TokenLine {
                    label: t.label,
                    created: when(&t.created_at, l),
                    expires: t.expires_at.as_deref().map_or_else(|| "—".to_string(), |x| when(x, l)),
                    last_used: t.last_used_at.as_deref().map_or_else(|| never.to_string(), |x| when(x, l)),
                    state,
                    active,
                    id: t.token_hash,
                }
            })
            .collect(),
        error: shown.error,
        password_error: shown.password_error,
        notice: shown.notice,
        email: shown.mail_typed.as_ref().map_or_else(|| user.email.clone().unwrap_or_default(), |m| m.correo.clone()),
        lang: match shown.mail_typed.as_ref().map_or(user.lang.id(), |m| m.idioma.as_str()) {
            "en" => "en",
            _ => "es",
        },
        digest_offered: user.role == avance_core::access::Role::Planning,
        digest: shown.mail_typed.as_ref().map_or(user.digest, |m| m.resumen.is_some()),
        mail_error: shown.mail_error,
        mail_notice: shown.mail_notice,
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
        Ok(token) => account_page(&state, &v, Shown { new_token: Some(token), ..Shown::default() }).await,
        Err(e @ AppError::Invalid { .. }) => refused(&state, &v, e).await,
        Err(e) => Fail::new(e, &v).into_response(),
    }
}

/// The page drawn again with a refusal about the tokens, and the refusal's status.
async fn refused(state: &AppState, v: &Viewer, e: AppError) -> Response {
    with_status(account_page(state, v, Shown { error: Some(e.message(v.lang)), ..Shown::default() }).await, &e)
}

#[derive(Debug, Default, Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    token: String,
}

/// Revokes one of the user's own tokens.
pub async fn revoke_token(State(state): State<AppState>, v: Viewer, Form(f): Form<RevokeForm>) -> Response {
    match state.app.revoke_token(&v.actor, f.token.trim()).await {
        Ok(()) => {
            let notice =
                v.lang.pick("Token revocado: ya no abre la API.", "Token revoked: it no longer opens the API.");
            account_page(&state, &v, Shown { notice: Some(notice.to_string()), ..Shown::default() }).await
        }
        Err(e @ AppError::NotFound(_)) => refused(&state, &v, e).await,
        Err(e) => Fail::new(e, &v).into_response(),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    actual: String,
    #[serde(default)]
    nueva: String,
}

/// Changes the user's own password; every session ends, so the user logs in again.
pub async fn change_password(
    State(state): State<AppState>,
    v: Viewer,
    connect: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    headers: axum::http::HeaderMap,
    Form(f): Form<PasswordForm>,
) -> Response {
    let client = crate::security::client_address(connect.map(|c| c.0.0.ip()), &headers, &state.config.trusted_proxies);
    match state.app.change_password(&v.actor, &f.actual, &f.nueva, &client).await {
        Ok(()) => {
            let mut res = crate::view::see_other("/ingresar?contrasena=cambiada");
            res.headers_mut().append(
                axum::http::header::SET_COOKIE,
                crate::security::set_cookie(crate::security::SESSION_COOKIE, "", state.config.secure_cookies, Some(0)),
            );
            res
        }
        Err(e @ (AppError::Invalid { .. } | AppError::TooManyAttempts { .. })) => {
            let shown = Shown { password_error: Some(e.message(v.lang)), ..Shown::default() };
            with_status(account_page(&state, &v, shown).await, &e)
        }
        Err(e) => Fail::new(e, &v).into_response(),
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct MailForm {
    #[serde(default)]
    correo: String,
    #[serde(default)]
    idioma: String,
    /// Present when the box is ticked.
    resumen: Option<String>,
}

/// Changes the user's own e-mail address, language of e-mails and digest choice.
pub async fn set_mail(State(state): State<AppState>, v: Viewer, Form(f): Form<MailForm>) -> Response {
    let profile =
        avance_app::mail::Profile { email: f.correo.clone(), lang: f.idioma.clone(), digest: f.resumen.is_some() };
    match state.app.set_profile(&v.actor, &profile).await {
        Ok(_) => crate::view::see_other("/cuenta?hecho=correo#correo"),
        Err(e @ AppError::Invalid { .. }) => {
            let shown = Shown { mail_error: Some(e.message(v.lang)), mail_typed: Some(f), ..Shown::default() };
            with_status(account_page(&state, &v, shown).await, &e)
        }
        Err(e) => Fail::new(e, &v).into_response(),
    }
}
