//! Passwords, secrets, cookies, CSRF, security headers and login rate limiting.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cookie::{Cookie, SameSite};
use rand::RngCore;
use sha2::{Digest, Sha256};

use avance_core::access::Role;
use avance_core::lang::Lang;

use crate::AppState;

pub const SESSION_COOKIE: &str = "avance_session";
pub const CSRF_COOKIE: &str = "avance_csrf";
pub const LANG_COOKIE: &str = "avance_lang";
/// The form field that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf";
/// The largest request body accepted (forms and API calls).
pub const BODY_LIMIT: usize = 64 * 1024;

fn argon2() -> Argon2<'static> {
    // OWASP's recommendation for argon2id: 19 MiB, 2 iterations, 1 lane.
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(19 * 1024, 2, 1, None).unwrap_or_default())
}

/// An argon2id hash (PHC string) of a password, with a random salt.
pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt =
        SaltString::encode_b64(&salt).unwrap_or_else(|_| SaltString::from_b64("c2FsdHNhbHRzYWx0").expect("salt"));
    argon2().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).unwrap_or_default()
}

/// Whether `password` matches a stored hash. Without a hash (an unknown user), a dummy hash is
/// checked anyway, so that the answer takes as long as for a real account.
pub fn verify_password(password: &str, hash: Option<&str>) -> bool {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password("una contraseña que nadie tiene"));
    let (stored, real) = match hash {
        Some(h) => (h, true),
        None => (dummy.as_str(), false),
    };
    let ok = PasswordHash::new(stored).is_ok_and(|h| argon2().verify_password(password.as_bytes(), &h).is_ok());
    ok && real
}

/// A new random secret (256 bits, hex).
pub fn secret() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    hex(&b)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// What the database keeps of a secret: its SHA-256.
pub fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Compares two secrets in constant time.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

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
/// is refused with 403 before any handler runs. Security headers are added to every answer.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let existing = cookie_value(req.headers(), CSRF_COOKIE).filter(|v| v.len() == 64);
    let token = existing.clone().unwrap_or_else(secret);
    let (mut parts, body) = req.into_parts();
    let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    let api = parts.uri.path().starts_with("/api/");
    let body = if unsafe_method && !api {
        let bytes = match to_bytes(body, BODY_LIMIT).await {
            Ok(b) => b,
            Err(_) => return too_large(),
        };
        let sent = form_field(&bytes, CSRF_FIELD);
        let ok = existing.as_deref().zip(sent.as_deref()).is_some_and(|(a, b)| same(a, b));
        if !ok {
            let lang = crate::view::lang_of(&parts.headers);
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
    secure_headers(res.headers_mut());
    res
}

fn too_large() -> Response {
    (StatusCode::PAYLOAD_TOO_LARGE, "La solicitud es demasiado grande (máximo 64 KiB).").into_response()
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Content-Security-Policy and the other headers every answer carries.
pub fn secure_headers(h: &mut axum::http::HeaderMap) {
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
}

/// Failed logins by account name and by client address, in a sliding window. Counting by the name
/// typed (whether or not the account exists) keeps the answer the same for both.
#[derive(Debug, Default)]
pub struct Limiter {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

pub const WINDOW: Duration = Duration::from_secs(15 * 60);
pub const PER_ACCOUNT: usize = 5;
pub const PER_ADDRESS: usize = 30;

impl Limiter {
    fn keys(username: &str, addr: &str) -> [(String, usize); 2] {
        [(format!("u:{}", username.trim().to_lowercase()), PER_ACCOUNT), (format!("a:{addr}"), PER_ADDRESS)]
    }

    /// Whether another attempt is allowed now.
    pub fn allowed(&self, username: &str, addr: &str) -> bool {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        Self::keys(username, addr).iter().all(|(k, max)| {
            let list = map.entry(k.clone()).or_default();
            list.retain(|t| now.duration_since(*t) < WINDOW);
            list.len() < *max
        })
    }

    pub fn failed(&self, username: &str, addr: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        for (k, _) in Self::keys(username, addr) {
            map.entry(k).or_default().push(Instant::now());
        }
    }

    pub fn succeeded(&self, username: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&format!("u:{}", username.trim().to_lowercase()));
    }
}

/// Checks a new user's fields (the web form and `avance db add-user`); the message names the field.
pub fn check_new_user(
    username: &str,
    name: &str,
    role: &str,
    scope: &str,
    password: &str,
    l: Lang,
) -> Result<Role, String> {
    let name_ok = !username.is_empty()
        && username.len() <= 64
        && username.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !name_ok {
        return Err(l
            .pick(
                "Usuario: use de 1 a 64 letras sin tilde, cifras, punto, guion o guion bajo.",
                "User name: use 1 to 64 unaccented letters, digits, dot, hyphen or underscore.",
            )
            .to_string());
    }
    if name.trim().is_empty() {
        return Err(l.pick("Nombre: es obligatorio.", "Name: it is required.").to_string());
    }
    let role: Role = role.trim().parse().ok().filter(|r| *r != Role::Public).ok_or_else(|| {
        l.pick(
            "Rol: elija administrador, oficina de planeamiento o unidad responsable.",
            "Role: choose administrator, planning office or responsible unit.",
        )
        .to_string()
    })?;
    if role.needs_scope() && scope.trim().is_empty() {
        return Err(l
            .pick(
                "Ámbito: la oficina de planeamiento necesita el código de su ministerio y la unidad responsable su nombre.",
                "Scope: a planning office needs its ministry's code and a responsible unit its name.",
            )
            .to_string());
    }
    if password.chars().count() < 12 {
        return Err(l.pick("Contraseña: al menos 12 caracteres.", "Password: at least 12 characters.").to_string());
    }
    Ok(role)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords() {
        let h = hash_password("correcto-caballo");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("correcto-caballo", Some(&h)));
        assert!(!verify_password("otro", Some(&h)));
        assert!(!verify_password("correcto-caballo", None));
        assert_ne!(hash_password("x"), hash_password("x"));
    }

    #[test]
    fn limiter_counts_names_and_addresses() {
        let l = Limiter::default();
        for _ in 0..PER_ACCOUNT {
            assert!(l.allowed("Ana", "1.2.3.4"));
            l.failed("ana", "1.2.3.4");
        }
        assert!(!l.allowed("ANA", "5.6.7.8"));
        assert!(l.allowed("otra", "1.2.3.4"));
    }
}
