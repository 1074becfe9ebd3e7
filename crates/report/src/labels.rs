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
/// The notes a version of CEPLAN's application prints under a PEI or POI report, as a block of
/// the terminal table (they are quoted in Spanish).
pub fn application_notes(version: &str, notes: &[&str], l: Lang) -> String {
    let mut out = format!(
        "{} {version}{}\n",
        l.pick("Notas que imprime el aplicativo de CEPLAN, versión", "Notes CEPLAN's application prints, version"),
        l.pick(":", " (in Spanish):")
    );
    for n in notes {
        out.push_str(&format!("  {n}\n"));
    }
    out
}

/// The count line of an audit of a published PEI or POI report: `75 avances impresos; 1 contradice
/// los datos del propio reporte.` (`what`: what was printed, in Spanish and English, plural).
pub fn contradicted(printed: usize, found: usize, what: (&str, &str), l: Lang) -> String {
    match l {
        Lang::Es => format!(
            "{printed} {}; {found} {} los datos del propio reporte.\n",
            what.0,
            if found == 1 { "contradice" } else { "contradicen" }
        ),
        Lang::En => format!(
            "{printed} {}; {found} {} the report's own data.\n",
            what.1,
            if found == 1 { "contradicts" } else { "contradict" }
        ),
    }
}

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
        Event::SetProfile => l.pick("cambio de datos de contacto", "contact details changed"),
        Event::RequestReset => l.pick("solicitud de restablecer contraseña", "password reset requested"),
        Event::ResetPassword => l.pick("contraseña restablecida por enlace", "password reset by link"),
        Event::ResendMail => l.pick("reenvío de correo", "message sent again"),
        Event::LoadPoi => l.pick("carga de POI", "POI load"),
        Event::RecordExecution => l.pick("registro de ejecución del POI", "POI execution recorded"),
        Event::LoadPei => l.pick("carga de PEI", "PEI load"),
        Event::RecordPeiValue => l.pick("registro de valor obtenido del PEI", "PEI value recorded"),
    }
}

/// Lima's offset from UTC: America/Lima keeps UTC−5 all year (no daylight saving since 1994).
pub const LIMA: time::UtcOffset = match time::UtcOffset::from_hms(-5, 0, 0) {
    Ok(o) => o,
    Err(_) => time::UtcOffset::UTC,
};

/// An instant as stored (RFC 3339, UTC) shown in Lima's time with the zone named:
/// `2026-12-02 09:35:07 (hora de Lima)`. A text that is not an instant is shown as it is.
pub fn lima_time(at: &str, lang: Lang) -> String {
    match time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339) {
        Ok(t) => {
            let t = t.to_offset(LIMA);
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02} ({})",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second(),
                lang.pick("hora de Lima", "Lima time")
            )
        }
        Err(_) => at.to_string(),
    }
}

/// The Lima calendar day of an instant as stored (RFC 3339), `2026-12-02`; a text that is not an
/// instant is shown as it is.
pub fn lima_day(at: &str) -> String {
    time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
        .map_or_else(|_| at.to_string(), lima_date)
}

/// The date in Lima of an instant, `2026-12-02`.
pub fn lima_date(t: time::OffsetDateTime) -> String {
    let d = t.to_offset(LIMA).date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Today in Lima by the system's clock, `(year, month, day)`.
pub fn lima_today() -> (i32, u8, u8) {
    let d = time::OffsetDateTime::now_utc().to_offset(LIMA).date();
    (d.year(), u8::from(d.month()), d.day())
}

/// A download's file name: what it is, of which policy and year, made on which day (Lima), e.g.
/// `PNDI-2024-reporte-2026-12-02.pdf`.
pub fn download_name(policy: &str, year: avance_core::model::Year, what: &str, made: &str, extension: &str) -> String {
    let safe: String =
        policy.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    format!("{safe}-{year}-{what}-{made}.{extension}")
}

/// The title of the chart of a policy's índice in each year of its horizon.
pub fn index_trend_title(lang: Lang) -> &'static str {
    lang.pick("Índice de gestión en cada año", "Management index in each year")
}

/// What the chart of the índice in each year shows.
pub fn index_trend_caption(lang: Lang) -> &'static str {
    lang.pick(
        "Índice de gestión de cada año del horizonte de la política; las líneas marcan 75 y 95.",
        "The management index of each year of the policy's horizon; the lines mark 75 and 95.",
    )
}

/// An outlook category's name for people.
pub fn outlook(o: avance_core::progress::Outlook, lang: Lang) -> &'static str {
    use avance_core::progress::Outlook;
    match o {
        Outlook::Achieved => lang.pick("meta ya alcanzada", "target already met"),
        Outlook::OnTrack => lang.pick("en camino", "on track"),
        Outlook::NeedsAcceleration => {
            lang.pick("avance insuficiente, requiere aceleración", "insufficient progress, needs acceleration")
        }
        Outlook::Stagnant => lang.pick("estancado", "stagnant"),
        Outlook::Regressing => lang.pick("retroceso", "going backwards"),
    }
}

/// Why an indicator has no outlook, for people.
pub fn no_outlook(r: avance_core::progress::NoOutlook, lang: Lang) -> &'static str {
    use avance_core::progress::NoOutlook;
    match r {
        NoOutlook::FewActuals => lang.pick(
            "sin datos suficientes: menos de dos valores obtenidos hasta el año",
            "not enough data: fewer than two actual values up to the year",
        ),
        NoOutlook::NoTarget => {
            lang.pick("sin datos suficientes: no tiene logros esperados", "not enough data: no targets")
        }
        NoOutlook::NoProgressRequired => lang.pick(
            "sin datos suficientes: la meta del horizonte no pide avanzar desde el inicio en el sentido del indicador",
            "not enough data: the horizon target asks for no progress from the start in the indicator's sense",
        ),
        NoOutlook::HorizonNotAfterStart => lang.pick(
            "sin datos suficientes: el horizonte no es posterior al inicio",
            "not enough data: the horizon is not after the start",
        ),
    }
}

/// The alert of the indicators that do not reach their horizon target at the observed pace.
pub fn at_risk(codes: &[(avance_core::code::Code, avance_core::model::Year)], lang: Lang) -> Option<String> {
    if codes.is_empty() {
        return None;
    }
    let mut by_year: std::collections::BTreeMap<avance_core::model::Year, Vec<&str>> = Default::default();
    for (c, y) in codes {
        by_year.entry(*y).or_default().push(c.as_str());
    }
    let parts: Vec<String> = by_year
        .iter()
        .map(|(y, cs)| match lang {
            Lang::Es => format!("en riesgo de no alcanzar la meta al {y}: {}", cs.join(", ")),
            Lang::En => format!("at risk of not reaching the target by {y}: {}", cs.join(", ")),
        })
        .collect();
    Some(parts.join("; "))
}

/// What the charts of indicators show, said once under their heading.
pub fn trajectory_caption(lang: Lang) -> &'static str {
    lang.pick(
        "Logros esperados (línea discontinua), valores obtenidos (línea continua, con el color del semáforo de cada año), \
         línea base (punteada) y, cuando hay perspectiva, la proyección del último valor obtenido al año del horizonte al \
         ritmo observado (punteada, morada). Los indicadores sin ningún valor numérico no tienen gráfico.",
        "Targets (dashed line), actual values (solid line, in each year's traffic-light colour), baseline (dotted) and, \
         when there is an outlook, the projection of the latest actual value to the horizon year at the observed pace \
         (dotted, purple). Indicators with no numeric value have no chart.",
    )
}

/// Days left to a deadline, or late, in words ("90 días restantes", "vence hoy", "3 días de atraso").
pub fn days_left(days: Option<i64>, l: Lang) -> String {
    match days {
        None => l.pick("sin plazo", "no deadline").to_string(),
        Some(0) => l.pick("vence hoy", "due today").to_string(),
        Some(1) => l.pick("1 día restante", "1 day left").to_string(),
        Some(d) if d > 1 => match l {
            Lang::Es => format!("{d} días restantes"),
            Lang::En => format!("{d} days left"),
        },
        Some(-1) => l.pick("1 día de atraso", "1 day late").to_string(),
        Some(d) => match l {
            Lang::Es => format!("{} días de atraso", -d),
            Lang::En => format!("{} days late", -d),
        },
    }
}
