//! The HTML forms on arbitrary bodies (after a valid CSRF token) and path segments, each posted
//! by the role that uses it: every answer is a page or a redirect with the security headers, and
//! none is a server error or the framework's plain text.
#![no_main]

use avance_fuzz::{Site, UNIT_INDICATOR, check, split};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let site = Site::get();
    let Some((select, segment, body)) = split(data) else { return };
    let (path, session) = match select % 12 {
        0 => ("/ingresar".to_string(), &site.anonymous),
        1 => ("/mis-indicadores/enviar".to_string(), &site.unit),
        2 => (format!("/revision/{segment}"), &site.planner),
        3 => (format!("/politicas/PNDI/indicadores/{UNIT_INDICATOR}/meta"), &site.planner),
        4 => (format!("/politicas/PNDI/indicadores/{segment}/meta"), &site.planner),
        5 => ("/cuenta/tokens".to_string(), &site.unit),
        6 => ("/cuenta/tokens/revocar".to_string(), &site.unit),
        7 => ("/admin/usuarios".to_string(), &site.admin),
        8 => ("/admin/usuarios/estado".to_string(), &site.admin),
        9 => ("/admin/plazos".to_string(), &site.admin),
        10 => ("/admin/excepciones".to_string(), &site.admin),
        _ => ("/cuenta/contrasena".to_string(), &site.planner),
    };
    if let Some(answer) = site.post_form(session, &path, body) {
        check(&path, &answer);
    }
});
