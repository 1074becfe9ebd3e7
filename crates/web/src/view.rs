//! Who is looking, in which language, and the frame every page shares (navigation, language
//! switch, CSRF token); error pages.

use askama::Template;
use avance_app::store::User;
use avance_app::{Actor, AppError, Sections};
use avance_core::lang::Lang;
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
    pub actor: Actor,
    /// What the actor may open (the menu).
    pub sections: Sections,
    pub lang: Lang,
    pub csrf: String,
    /// The path and query asked for (to come back after switching language or logging in).
    pub path: String,
    /// The session's secret, when logged in.
    pub session: Option<String>,
}

impl Viewer {
    pub fn user(&self) -> Option<&User> {
        self.actor.user.as_ref()
    }

    pub fn t<'a>(&self, es: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(es, en)
    }

    /// The frame of a page titled `title`.
    pub fn frame(&self, title: impl Into<String>) -> Frame {
        let l = self.lang;
        let mut nav = vec![
            (String::from("/"), l.pick("Políticas", "Policies").to_string()),
            (String::from("/pei"), l.pick("PEI", "PEI").to_string()),
            (String::from("/poi"), l.pick("POI", "POI").to_string()),
        ];
        let s = self.sections;
        if s.report {
            nav.push(("/mis-indicadores".into(), l.pick("Mis indicadores", "My indicators").into()));
        }
        if s.review {
            nav.push(("/revision".into(), l.pick("Revisión", "Review").into()));
        }
        if s.pei_entry {
            nav.push(("/mi-pei".into(), l.pick("Mi PEI", "My PEI").into()));
        }
        if s.poi_entry {
            nav.push(("/mi-poi".into(), l.pick("Mi POI", "My POI").into()));
        }
        if s.tracking {
            nav.push(("/seguimiento".into(), l.pick("Seguimiento del reporte", "Reporting follow-up").into()));
        }
        if s.audit_log {
            nav.push(("/auditoria".into(), l.pick("Auditoría", "Audit log").into()));
        }
        if s.admin {
            nav.push(("/admin".into(), l.pick("Administración", "Administration").into()));
        }
        if s.account {
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
            user: self.user().map(|u| u.display_name.clone()),
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
        let actor = match &session {
            Some(s) => state.app.session_actor(s).await.map_err(|e| fail_page(e, lang, &path))?,
            None => Actor::public(),
        };
        let session = if actor.user.is_some() { session } else { None };
        crate::record_user(&actor);
        let sections = state.app.sections(&actor).await;
        Ok(Viewer { actor, sections, lang, csrf, path, session })
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
    let v = Viewer {
        actor: Actor::public(),
        sections: Sections::default(),
        lang,
        csrf: String::new(),
        path: "/".into(),
        session: None,
    };
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

/// A use case's refusal as a page: the login page for the public, 403, 404, 409, 422, 429, or
/// 500 (logged for the operator, a plain message for the user). The one mapping of the HTML pages.
#[derive(Debug)]
pub struct Fail {
    pub error: AppError,
    pub lang: Lang,
    /// Where to come back after logging in.
    pub path: String,
}

impl Fail {
    pub fn new(error: AppError, v: &Viewer) -> Fail {
        Fail { error, lang: v.lang, path: v.path.clone() }
    }
}

/// Turns a use case's refusal into the answer of a page.
pub fn fail_page(error: AppError, lang: Lang, path: &str) -> Response {
    Fail { error, lang, path: path.to_string() }.into_response()
}

/// The status a refusal answers with.
pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Unauthenticated | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Invalid { .. } | AppError::Items(_) | AppError::Closed | AppError::NotYetOpen(_) => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::TooManyAttempts { .. } | AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        let l = self.lang;
        match &self.error {
            AppError::Unauthenticated => see_other(&format!("/ingresar?volver={}", encode(&self.path))),
            AppError::Forbidden => error_page(
                StatusCode::FORBIDDEN,
                l.pick("Su rol no permite esta acción.", "Your role does not allow this action."),
                l,
            ),
            AppError::NotFound(avance_app::Missing::ResetLink) => {
                error_page(StatusCode::NOT_FOUND, &self.error.message(l), l)
            }
            AppError::NotFound(_) => not_found(l),
            AppError::Store(e) => {
                tracing::error!(error = %e, "database error");
                error_page(StatusCode::INTERNAL_SERVER_ERROR, &self.error.message(l), l)
            }
            e => with_retry_after(error_page(status_of(e), &self.error.message(l), l), e),
        }
    }
}

/// Adds `Retry-After` to the answer of a refusal that says when to try again.
pub fn with_retry_after(mut r: Response, e: &AppError) -> Response {
    if let AppError::TooManyAttempts { retry_after } | AppError::TooManyRequests { retry_after } = e {
        r.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(*retry_after));
    }
    r
}

impl From<(AppError, &Viewer)> for Fail {
    fn from((e, v): (AppError, &Viewer)) -> Fail {
        Fail::new(e, v)
    }
}

/// A page's answer: the page, or a refusal.
pub type Page = Result<Response, Fail>;

/// Gives a refusal the viewer's language and path, for `?`.
pub trait OrFail<T> {
    fn or_fail(self, v: &Viewer) -> Result<T, Fail>;
}

impl<T> OrFail<T> for Result<T, AppError> {
    fn or_fail(self, v: &Viewer) -> Result<T, Fail> {
        self.map_err(|e| Fail::new(e, v))
    }
}

/// Sets the status of a page drawn again with a refusal's message next to its field.
pub fn with_status(mut r: Response, e: &AppError) -> Response {
    if r.status().is_success() {
        *r.status_mut() = status_of(e);
    }
    with_retry_after(r, e)
}

pub fn not_found(lang: Lang) -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        lang.pick("La página que busca no existe.", "The page you are looking for does not exist."),
        lang,
    )
}

/// The columns of a plan's publications: what identifies each (`first`), then when, by whom and
/// its fingerprint.
pub fn publication_heads(first: &[&'static str], l: avance_core::lang::Lang) -> Vec<&'static str> {
    let mut heads = first.to_vec();
    heads.extend([
        l.pick("Publicado", "Published"),
        l.pick("Por", "By"),
        l.pick("Huella SHA-256", "SHA-256 fingerprint"),
    ]);
    heads
}

/// A long list's search and page (`?q=&pagina=`).
#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub pagina: String,
}

/// Rows a list page shows at most.
pub const LIST_PAGE: usize = 100;

/// A long list's search box, what it shows and links to the pages before and after.
#[derive(Debug)]
pub struct Pager {
    pub base: String,
    pub q: String,
    pub search: &'static str,
    pub show: &'static str,
    pub shown: String,
    pub nav: &'static str,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub prev_label: &'static str,
    pub next_label: &'static str,
}

/// The page `q` asks for of `rows` whose `texts` (code, name) contain its search (without regard to
/// case), [`LIST_PAGE`] at a time, and the pager of the list at
/// `base`.
pub fn paged<T>(
    rows: Vec<T>,
    q: &ListQuery,
    texts: impl Fn(&T) -> [&str; 2],
    base: &str,
    l: avance_core::lang::Lang,
) -> (Vec<T>, Pager) {
    let wanted = q.q.trim().to_lowercase();
    let total = rows.len();
    let found: Vec<T> = if wanted.is_empty() {
        rows
    } else {
        rows.into_iter().filter(|r| texts(r).iter().any(|t| t.to_lowercase().contains(&wanted))).collect()
    };
    let pages = found.len().div_ceil(LIST_PAGE).max(1);
    let page = q.pagina.trim().parse::<usize>().unwrap_or(1).clamp(1, pages);
    let first = (page - 1) * LIST_PAGE;
    let n = found.len();
    let shown_rows: Vec<T> = found.into_iter().skip(first).take(LIST_PAGE).collect();
    let last = first + shown_rows.len();
    let link = |p: usize| {
        let search = if wanted.is_empty() { String::new() } else { format!("q={}&", encode(q.q.trim())) };
        format!("{base}?{search}pagina={p}")
    };
    let range = if n == 0 { "0".to_string() } else { format!("{}–{}", first + 1, last) };
    let shown = match (l, wanted.is_empty()) {
        (avance_core::lang::Lang::Es, true) => format!("Entidades {range} de {total}."),
        (avance_core::lang::Lang::Es, false) => {
            format!("Entidades {range} de las {n} que coinciden con «{}» (de {total}).", q.q.trim())
        }
        (avance_core::lang::Lang::En, true) => format!("Entities {range} of {total}."),
        (avance_core::lang::Lang::En, false) => {
            format!("Entities {range} of the {n} matching «{}» (of {total}).", q.q.trim())
        }
    };
    let pager = Pager {
        base: base.to_string(),
        q: q.q.trim().to_string(),
        search: l.pick("Buscar por código o nombre de la entidad", "Search by the entity's code or name"),
        show: l.pick("Buscar", "Search"),
        shown,
        nav: l.pick("Páginas de la lista", "Pages of the list"),
        prev: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
        prev_label: l.pick("← Anteriores", "← Previous"),
        next_label: l.pick("Siguientes →", "Next →"),
    };
    (shown_rows, pager)
}
