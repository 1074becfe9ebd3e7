//! What a user typed into a form whose session had expired: kept in a short-lived cookie while
//! the user logs in again, and put back into the same form afterwards (no 405, nothing retyped).

use std::collections::BTreeMap;

use axum::http::{HeaderMap, header};
use axum::response::Response;

use crate::security;
use crate::view::{encode, see_other};

/// The cookie that carries the draft (HttpOnly, SameSite=Lax, half an hour).
pub const DRAFT_COOKIE: &str = "avance_borrador";
/// The field of the draft that names the page whose form it fills.
const PAGE: &str = "formulario";
/// A cookie holds about 4 KB: the draft's text is kept within this many bytes.
const MAX_BYTES: usize = 3_600;
const LIFETIME_SECONDS: i64 = 1_800;

fn pack(page: &str, fields: &[(&str, &str)]) -> String {
    let mut owned: Vec<(String, String)> = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    loop {
        let pairs = std::iter::once((PAGE.to_string(), page.to_string())).chain(owned.iter().cloned());
        let packed = serde_urlencoded::to_string(pairs.collect::<Vec<_>>()).unwrap_or_default();
        if packed.len() <= MAX_BYTES {
            return packed;
        }
        // Too long for a cookie: shorten the longest field (a long comment) and try again.
        let Some(longest) = owned.iter_mut().max_by_key(|(_, v)| v.len()) else { return String::new() };
        let keep = longest.1.chars().count() * 3 / 4;
        longest.1 = longest.1.chars().take(keep).collect();
    }
}

/// The answer to a form posted after the session expired: to the login page, which brings the
/// user back to `page`, with what was typed (`fields`) kept for that page's form.
pub fn keep_and_log_in(page: &str, fields: &[(&str, &str)], secure: bool) -> Response {
    let mut res = see_other(&format!("/ingresar?volver={}&sesion=vencida", encode(page)));
    res.headers_mut().append(
        header::SET_COOKIE,
        security::set_cookie(DRAFT_COOKIE, &pack(page, fields), secure, Some(LIFETIME_SECONDS)),
    );
    res
}

/// The draft kept for the form of `page` (field → value), if there is one.
pub fn for_page(headers: &HeaderMap, page: &str) -> Option<BTreeMap<String, String>> {
    let packed = security::cookie_value(headers, DRAFT_COOKIE)?;
    let fields: BTreeMap<String, String> = serde_urlencoded::from_str(&packed).ok()?;
    (fields.get(PAGE).map(String::as_str) == Some(page)).then_some(fields)
}

/// The answer of a page that put a draft back in its form (`had_draft`): the draft is removed
/// once the page has been shown with it.
pub fn shown_once(mut res: Response, had_draft: bool, secure: bool) -> Response {
    if had_draft && res.status().is_success() {
        res.headers_mut().append(header::SET_COOKIE, security::set_cookie(DRAFT_COOKIE, "", secure, Some(0)));
    }
    res
}
