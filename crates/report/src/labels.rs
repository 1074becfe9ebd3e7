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
