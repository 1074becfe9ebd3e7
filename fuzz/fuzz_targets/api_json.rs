//! The JSON API's write endpoints on arbitrary bodies, content types and path segments: every
//! answer is JSON with the security headers, and none is a server error.
#![no_main]

use avance_fuzz::{Site, UNIT_INDICATOR, check, split};
use axum::body::Body;
use axum::http::{Request, header};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let site = Site::get();
    let Some((select, segment, body)) = split(data) else { return };
    // The endpoint, who calls, and how the body is labelled.
    let (path, token) = match select % 6 {
        0 => (format!("/api/v1/policies/PNDI/indicators/{UNIT_INDICATOR}/actuals"), &site.unit_token),
        1 => (format!("/api/v1/policies/PNDI/indicators/{segment}/actuals"), &site.unit_token),
        2 => ("/api/v1/policies/PNDI/actuals".to_string(), &site.unit_token),
        3 => (format!("/api/v1/policies/{segment}/actuals"), &site.unit_token),
        4 => (format!("/api/v1/submissions/{segment}/approve"), &site.planner_token),
        _ => (format!("/api/v1/submissions/{segment}/return"), &site.planner_token),
    };
    let content_type = match (select / 6) % 4 {
        0 => Some("application/json"),
        1 => Some("application/json; charset=utf-8"),
        2 => Some("text/plain"),
        _ => None,
    };
    let language = if select >= 128 { "en" } else { "es-PE" };
    let mut req = Request::post(path.as_str())
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT_LANGUAGE, language);
    if let Some(t) = content_type {
        req = req.header(header::CONTENT_TYPE, t);
    }
    let Ok(req) = req.body(Body::from(body.to_vec())) else { return };
    check(&path, &site.send(req));
});
