//! Cookies, CSRF and security headers (passwords, secrets and the login limiter are the
//! application layer's: `avance_app::secrets`).

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use cookie::{Cookie, SameSite};

use avance_app::secrets::{same, secret};

use crate::AppState;

pub const SESSION_COOKIE: &str = "avance_session";
pub const CSRF_COOKIE: &str = "avance_csrf";
pub const LANG_COOKIE: &str = "avance_lang";
/// The form field that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf";
/// The largest request body accepted (forms and API calls).
pub const BODY_LIMIT: usize = 64 * 1024;

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie_value(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, path `/`, Secure when configured; `max_age`
/// `Some(0)` removes the cookie.
pub fn set_cookie(name: &str, value: &str, secure: bool, max_age: Option<i64>) -> HeaderValue {
    let mut c = Cookie::build((name, value)).path("/").http_only(true).same_site(SameSite::Lax).secure(secure);
    if let Some(s) = max_age {
        c = c.max_age(cookie::time::Duration::seconds(s));
    }
    HeaderValue::from_str(&c.build().to_string()).unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
}

/// The CSRF token of this request (from its cookie, or new), for the forms of the page.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// Every request gets a CSRF token (a cookie set on first visit). Every state-changing request
/// outside the token-authenticated API must carry the same token in its `csrf` form field, or it
/// is refused with 403 before any handler runs. Security headers are added to every answer,
/// refusals included.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let secure = state.config.secure_cookies;
    let mut res = checked(state, req, next).await;
    secure_headers(res.headers_mut(), secure);
    res
}

async fn checked(state: AppState, req: Request, next: Next) -> Response {
    let existing = cookie_value(req.headers(), CSRF_COOKIE).filter(|v| v.len() == 64);
    let token = existing.clone().unwrap_or_else(secret);
    let (mut parts, body) = req.into_parts();
    let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    let api = parts.uri.path().starts_with("/api/");
    let lang = crate::view::lang_of(&parts.headers);
    let body = if unsafe_method && !api {
        let bytes = match to_bytes(body, BODY_LIMIT).await {
            Ok(b) => b,
            Err(_) => return too_large(lang),
        };
        let sent = form_field(&bytes, CSRF_FIELD);
        let ok = existing.as_deref().zip(sent.as_deref()).is_some_and(|(a, b)| same(a, b));
        if !ok {
            let msg = lang.pick(
                "La solicitud no se aceptó: el formulario venció o no vino de esta página. Vuelva a cargar la página e inténtelo otra vez.",
                "The request was refused: the form expired or did not come from this page. Reload the page and try again.",
            );
            return crate::view::error_page(StatusCode::FORBIDDEN, msg, lang);
        }
        Body::from(bytes)
    } else {
        body
    };
    parts.extensions.insert(CsrfToken(token.clone()));
    let mut res = next.run(Request::from_parts(parts, body)).await;
    if existing.is_none() {
        res.headers_mut()
            .append(header::SET_COOKIE, set_cookie(CSRF_COOKIE, &token, state.config.secure_cookies, None));
    }
    res
}

fn too_large(lang: avance_core::lang::Lang) -> Response {
    let msg =
        lang.pick("La solicitud es demasiado grande (máximo 64 KiB).", "The request is too large (at most 64 KiB).");
    crate::view::error_page(StatusCode::PAYLOAD_TOO_LARGE, msg, lang)
}

/// A path to send a visitor back to after a form (logging in, switching the language), if it is
/// a path of this site: it starts with one `/` and has no backslash, no control character and no
/// scheme, so that no browser reads it as another host (`//evil`, `/\evil`, `/<TAB>/evil`).
pub fn same_site_path(path: &str) -> Option<&str> {
    let mut chars = path.chars();
    let first_ok = chars.next() == Some('/') && !matches!(chars.next(), Some('/' | '\\'));
    let clean = !path.chars().any(|c| c == '\\' || c.is_control() || c.is_whitespace());
    let no_scheme = !path.split(['/', '?', '#']).nth(1).is_some_and(|seg| seg.contains(':'));
    (first_ok && clean && no_scheme && path.len() <= 2000).then_some(path)
}

/// The client's address: the TCP peer's, or, when the peer is one of the trusted reverse
/// proxies, the last address in `X-Forwarded-For` that is not itself a trusted proxy (what the
/// nearest trusted proxy saw). Without a peer (tests in-process) it is `local`.
pub fn client_address(
    peer: Option<std::net::IpAddr>,
    headers: &axum::http::HeaderMap,
    trusted: &[std::net::IpAddr],
) -> String {
    let Some(peer) = peer else { return "local".to_string() };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let forwarded: Vec<std::net::IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    forwarded.into_iter().rev().find(|a| !trusted.contains(a)).unwrap_or(peer).to_string()
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Content-Security-Policy and the other headers every answer carries; with `https` (the site is
/// served over HTTPS: `--secure-cookies`), Strict-Transport-Security too.
pub fn secure_headers(h: &mut axum::http::HeaderMap, https: bool) {
    let set = |h: &mut axum::http::HeaderMap, k: &'static str, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    set(
        h,
        "content-security-policy",
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    );
    set(h, "x-content-type-options", "nosniff");
    set(h, "referrer-policy", "same-origin");
    set(h, "x-frame-options", "DENY");
    if !h.contains_key(header::CACHE_CONTROL) {
        set(h, "cache-control", "no-store");
    }
    if https {
        set(h, "strict-transport-security", "max-age=31536000; includeSubDomains");
    }
}
