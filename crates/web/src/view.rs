//! Who is looking, in which language, and the frame every page shares (navigation, language
//! switch, CSRF token); error pages.

use askama::Template;
use avance_core::access::{Action, Principal, Resource, Role, can};
use avance_core::lang::Lang;
use avance_store::app::User;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::AppState;
use crate::security::{self, CsrfToken};

/// The language: the `avance_lang` cookie, else Spanish.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    security::cookie_value(headers, security::LANG_COOKIE).and_then(|v| v.parse().ok()).unwrap_or_default()
}

/// The person making a request.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: Option<User>,
    pub lang: Lang,
    pub csrf: String,
    /// The path and query asked for (to come back after switching language or logging in).
    pub path: String,
    /// The session's secret, when logged in.
    pub session: Option<String>,
}

impl Viewer {
    pub fn principal(&self) -> Principal {
        match &self.user {
            Some(u) => Principal::new(u.role, u.scope.as_deref()),
            None => Principal::PUBLIC,
        }
    }

    pub fn can(&self, action: Action, on: &Resource<'_>) -> bool {
        can(&self.principal(), action, on)
    }

    pub fn role(&self) -> Role {
        self.user.as_ref().map_or(Role::Public, |u| u.role)
    }

    pub fn name(&self) -> String {
        self.user.as_ref().map_or_else(String::new, |u| u.username.clone())
    }

    pub fn t<'a>(&self, es: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(es, en)
    }

    /// The frame of a page titled `title`.
    pub fn frame(&self, title: impl Into<String>) -> Frame {
        let l = self.lang;
        let mut nav = vec![(String::from("/"), l.pick("Políticas", "Policies").to_string())];
        let role = self.role();
        if role == Role::Unit {
            nav.push(("/mis-indicadores".into(), l.pick("Mis indicadores", "My indicators").into()));
        }
        if role == Role::Planning || role == Role::Admin {
            nav.push(("/revision".into(), l.pick("Revisión", "Review").into()));
            nav.push(("/auditoria".into(), l.pick("Auditoría", "Audit log").into()));
        }
        if role == Role::Admin {
            nav.push(("/admin".into(), l.pick("Administración", "Administration").into()));
        }
        if self.user.is_some() {
            nav.push(("/cuenta".into(), l.pick("Mi cuenta", "My account").into()));
        }
        let (other, other_label) = match l {
            Lang::Es => ("en", "English"),
            Lang::En => ("es", "Español"),
        };
        Frame {
            lang: l.id(),
            title: title.into(),
            nav,
            current: self.path.split('?').next().unwrap_or("/").to_string(),
            user: self.user.as_ref().map(|u| format!("{} · {}", u.display_name, u.role.label(l))),
            csrf: self.csrf.clone(),
            switch: format!("/idioma/{other}?volver={}", encode(&self.path)),
            other_lang: other,
            other_label,
            skip: l.pick("Saltar al contenido", "Skip to content"),
            login: l.pick("Ingresar", "Log in"),
            logout: l.pick("Salir", "Log out"),
            menu: l.pick("Navegación principal", "Main navigation"),
            footer: l.pick(
                "avance — seguimiento de políticas nacionales según el método de CEPLAN (Sinaplan).",
                "avance — follow-up of national policies under CEPLAN's method (Sinaplan).",
            ),
        }
    }
}

/// Percent-encodes a path for a query parameter.
pub fn encode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).map(|x| x.trim_start_matches('=').to_string()).unwrap_or_default()
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Viewer, Response> {
        let lang = lang_of(&parts.headers);
        let csrf = parts.extensions.get::<CsrfToken>().map(|t| t.0.clone()).unwrap_or_default();
        let path = parts.uri.path_and_query().map_or_else(|| "/".to_string(), |p| p.as_str().to_string());
        let session = security::cookie_value(&parts.headers, security::SESSION_COOKIE).filter(|s| s.len() == 64);
        let user = match &session {
            Some(s) => state
                .store
                .session_user(&security::digest(s), &avance_store::app::now())
                .await
                .map_err(|e| crate::internal(e, lang))?,
            None => None,
        };
        let session = if user.is_some() { session } else { None };
        Ok(Viewer { user, lang, csrf, path, session })
    }
}

/// The parts of the layout every page fills.
#[derive(Debug, Clone)]
pub struct Frame {
    pub lang: &'static str,
    pub title: String,
    pub nav: Vec<(String, String)>,
    pub current: String,
    pub user: Option<String>,
    pub csrf: String,
    pub switch: String,
    pub other_lang: &'static str,
    pub other_label: &'static str,
    pub skip: &'static str,
    pub login: &'static str,
    pub logout: &'static str,
    pub menu: &'static str,
    pub footer: &'static str,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    f: Frame,
    message: String,
    back: &'static str,
}

/// A page that says what went wrong, with its status.
pub fn error_page(status: StatusCode, message: &str, lang: Lang) -> Response {
    let v = Viewer { user: None, lang, csrf: String::new(), path: "/".into(), session: None };
    let title = match status {
        StatusCode::NOT_FOUND => lang.pick("No encontrado", "Not found"),
        StatusCode::FORBIDDEN => lang.pick("Acceso denegado", "Forbidden"),
        StatusCode::TOO_MANY_REQUESTS => lang.pick("Demasiados intentos", "Too many attempts"),
        StatusCode::PAYLOAD_TOO_LARGE => lang.pick("Solicitud demasiado grande", "Request too large"),
        s if s.is_client_error() => lang.pick("Solicitud no válida", "Invalid request"),
        _ => lang.pick("Error del servidor", "Server error"),
    };
    let mut f = v.frame(title);
    f.nav.truncate(1);
    let page = ErrorPage { f, message: message.to_string(), back: lang.pick("Volver al inicio", "Back to the start") };
    (status, render(&page)).into_response()
}

/// Renders a template as an HTML answer.
pub fn render<T: Template>(t: &T) -> Html<String> {
    Html(t.render().unwrap_or_else(|e| format!("<!doctype html><title>Error</title><p>template: {e}</p>")))
}

/// A redirect after a successful form (303 See Other).
pub fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}

/// 403 for a signed-in user without the right, or the login page for the public.
pub fn forbidden(v: &Viewer) -> Response {
    if v.user.is_none() {
        return see_other(&format!("/ingresar?volver={}", encode(&v.path)));
    }
    error_page(
        StatusCode::FORBIDDEN,
        v.t("Su rol no permite esta acción.", "Your role does not allow this action."),
        v.lang,
    )
}

pub fn not_found(lang: Lang) -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        lang.pick("La página que busca no existe.", "The page you are looking for does not exist."),
        lang,
    )
}
