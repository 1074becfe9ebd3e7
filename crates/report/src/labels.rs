//! Names of bands, levels and reasons for people.

use avance_core::band::{Band, BandCounts};
use avance_core::compute::LevelCounts;
use avance_core::lang::Lang;
use avance_core::model::Sense;

pub fn band(b: Band, lang: Lang) -> &'static str {
    match b {
        Band::Bajo => lang.pick("bajo", "low"),
        Band::Intermedio => lang.pick("intermedio", "intermediate"),
        Band::Alto => lang.pick("alto", "high"),
        Band::Nd => "ND",
    }
}

/// The band's range as the summary table heads it.
pub fn band_range(b: Band) -> &'static str {
    match b {
        Band::Bajo => "[0-75%>",
        Band::Intermedio => "[75-95%>",
        Band::Alto => "≥ 95%",
        Band::Nd => "ND",
    }
}

pub fn sense(s: Sense, lang: Lang) -> &'static str {
    match s {
        Sense::Ascendente => lang.pick("ascendente", "ascending"),
        Sense::Descendente => lang.pick("descendente", "descending"),
    }
}

/// The three levels of the summary table, named, with their counts.
pub fn levels(c: &LevelCounts, lang: Lang) -> [(&'static str, &BandCounts); 3] {
    [
        (lang.pick("Objetivos prioritarios", "Priority objectives"), &c.objectives),
        (lang.pick("Indicadores de objetivo prioritario", "Objective indicators"), &c.objective_indicators),
        (lang.pick("Indicadores de servicio", "Service indicators"), &c.service_indicators),
    ]
}

/// The columns of the national summary's table of policies.
pub fn portfolio_headings(lang: Lang) -> [&'static str; 7] {
    [
        lang.pick("Código", "Code"),
        lang.pick("Política", "Policy"),
        lang.pick("Sector", "Sector"),
        lang.pick("Ministerio conductor", "Conducting ministry"),
        lang.pick("Tipo", "Type"),
        lang.pick("Perfil de reglas", "Rule profile"),
        lang.pick("Índice de gestión", "Management index"),
    ]
}

/// A figure as displayed with the profile's decimals, or "ND".
pub fn shown(x: Option<avance_core::Decimal>, decimals: u32) -> String {
    x.map_or_else(|| "ND".to_string(), |x| avance_core::number::format_display(x, decimals))
}

/// An audit log action's name for people.
pub fn event(e: avance_core::access::Event, l: Lang) -> &'static str {
    use avance_core::access::Event;
    match e {
        Event::Login => l.pick("ingreso", "login"),
        Event::LoginFailed => l.pick("ingreso fallido", "failed login"),
        Event::LoginRefused => l.pick("ingreso rechazado por exceso de intentos", "login refused: too many attempts"),
        Event::LockedOut => l.pick("bloqueo temporal por intentos fallidos", "locked out after failed attempts"),
        Event::Logout => l.pick("salida", "logout"),
        Event::Submit => l.pick("envío de valor", "value submitted"),
        Event::Approve => l.pick("aprobación", "approval"),
        Event::Return => l.pick("devolución", "return"),
        Event::ChangeTarget => l.pick("cambio de meta", "target change"),
        Event::CreateUser => l.pick("creación de usuario", "user created"),
        Event::ActivateUser => l.pick("activación de usuario", "user activated"),
        Event::DeactivateUser => l.pick("desactivación de usuario", "user deactivated"),
        Event::SetPassword => l.pick("cambio de contraseña", "password changed"),
        Event::SetDeadline => l.pick("plazo de reporte", "reporting deadline"),
        Event::GrantException => l.pick("excepción de plazo", "deadline exception"),
        Event::CreateToken => l.pick("token de API", "API token"),
        Event::RevokeToken => l.pick("revocación de token de API", "API token revoked"),
        Event::Load => l.pick("carga de datos", "data load"),
        Event::Publish => l.pick("publicación", "publication"),
    }
}
