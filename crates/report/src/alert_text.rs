//! The sentence that explains each alert.

use avance_core::alert::{Alert, AlertDetail, AlertKind, AlertLevel};
use avance_core::avance::{NdReason, QualityIssue, Role};
use avance_core::lang::Lang;
use avance_core::model::Year;
use avance_core::number::format_display;
use avance_core::profile::RuleProfile;

use crate::labels;

/// A short identifier of a data-quality problem, for the JSON contract.
pub fn quality_id(q: &QualityIssue) -> &'static str {
    match q {
        QualityIssue::ZeroTarget { .. } => "logro_esperado_cero",
        QualityIssue::ZeroActual { .. } => "valor_obtenido_cero",
        QualityIssue::SignMismatch { .. } => "signos_distintos",
        QualityIssue::PercentAbove100 { .. } => "porcentaje_mayor_a_100",
        QualityIssue::SenseContradictsTargets { .. } => "sentido_contradice_logros",
        QualityIssue::SenseInferred { .. } => "sentido_inferido",
    }
}

/// Why an avance is ND, in words.
pub fn nd_reason(reason: NdReason, year: Year, lang: Lang) -> String {
    let es = lang == Lang::Es;
    match reason {
        NdReason::NoTarget if es => format!("sin logro esperado para {year}"),
        NdReason::NoTarget => format!("no target for {year}"),
        NdReason::NoActual if es => format!("sin valor obtenido para {year}"),
        NdReason::NoActual => format!("no actual value for {year}"),
        NdReason::NoTargetNorActual if es => format!("sin logro esperado ni valor obtenido para {year}"),
        NdReason::NoTargetNorActual => format!("neither target nor actual value for {year}"),
        NdReason::ZeroTarget if es => format!("el logro esperado de {year} es 0: el avance no se calcula"),
        NdReason::ZeroTarget => format!("the {year} target is 0: the avance is not computed"),
        NdReason::ZeroActual if es => {
            format!("el valor obtenido de {year} es 0 en un indicador descendente: el avance no se calcula")
        }
        NdReason::ZeroActual => {
            format!("the {year} actual value is 0 in a descending indicator: the avance is not computed")
        }
    }
}

fn role(r: Role, lang: Lang) -> &'static str {
    match r {
        Role::Baseline => lang.pick("la línea base", "the baseline"),
        Role::Target => lang.pick("el logro esperado", "the target"),
        Role::Actual => lang.pick("el valor obtenido", "the actual value"),
    }
}

pub fn quality(q: &QualityIssue, lang: Lang) -> String {
    let es = lang == Lang::Es;
    match q {
        QualityIssue::ZeroTarget { year } if es => format!("logro esperado igual a 0 en {year}"),
        QualityIssue::ZeroTarget { year } => format!("target equal to 0 in {year}"),
        QualityIssue::ZeroActual { year } if es => {
            format!("valor obtenido igual a 0 en {year} en un indicador descendente")
        }
        QualityIssue::ZeroActual { year } => format!("actual value equal to 0 in {year} in a descending indicator"),
        QualityIssue::SignMismatch { year, target, actual } if es => {
            format!("el logro esperado ({target}) y el valor obtenido ({actual}) de {year} tienen signos distintos")
        }
        QualityIssue::SignMismatch { year, target, actual } => {
            format!("the {year} target ({target}) and actual value ({actual}) have different signs")
        }
        QualityIssue::PercentAbove100 { role: r, year, text } if es => {
            format!("{} de {year} es {text}: un porcentaje no puede superar 100%", role(*r, lang))
        }
        QualityIssue::PercentAbove100 { role: r, year, text } => {
            format!("{} of {year} is {text}: a percentage cannot exceed 100%", role(*r, lang))
        }
        QualityIssue::SenseContradictsTargets { declared, from_targets } if es => format!(
            "el sentido declarado es {} pero la secuencia de logros esperados es {}",
            labels::sense(*declared, lang),
            labels::sense(*from_targets, lang)
        ),
        QualityIssue::SenseContradictsTargets { declared, from_targets } => format!(
            "the declared sense is {} but the sequence of targets is {}",
            labels::sense(*declared, lang),
            labels::sense(*from_targets, lang)
        ),
        QualityIssue::SenseInferred { sense } if es => format!(
            "sentido esperado no declarado: se toma {} según la secuencia de logros esperados",
            labels::sense(*sense, lang)
        ),
        QualityIssue::SenseInferred { sense } => format!(
            "expected sense not declared: {} is taken from the sequence of targets",
            labels::sense(*sense, lang)
        ),
    }
}

/// The sentence explaining an alert, naming its figures and codes.
pub fn detail(alert: &Alert, profile: &RuleProfile, year: Year, lang: Lang) -> String {
    let es = lang == Lang::Es;
    let fmt = |a| format_display(a, profile.decimals);
    let low = format_display(profile.bands.intermedio, 0);
    let atypical = format_display(profile.atypical_above, 0);
    let codes: Vec<String> = alert.indicators.iter().map(|c| c.to_string()).collect();
    match (&alert.detail, alert.kind, alert.level) {
        (AlertDetail::Avance(a), AlertKind::AvanceAtipico, _) if es => format!(
            "avance de {}, mayor a {atypical}: sugiere un error de planeamiento (logro esperado muy bajo o unidad equivocada)",
            fmt(*a)
        ),
        (AlertDetail::Avance(a), AlertKind::AvanceAtipico, _) => {
            format!("avance of {}, above {atypical}: suggests a planning error (target too low or wrong unit)", fmt(*a))
        }
        (AlertDetail::Avance(a), _, AlertLevel::Objective) if es => {
            format!("avance del objetivo de {}, por debajo de {low}", fmt(*a))
        }
        (AlertDetail::Avance(a), _, AlertLevel::Objective) => {
            format!("the objective's avance is {}, below {low}", fmt(*a))
        }
        (AlertDetail::Avance(a), _, _) if es => format!("avance de {}, por debajo de {low}", fmt(*a)),
        (AlertDetail::Avance(a), _, _) => format!("avance of {}, below {low}", fmt(*a)),
        (AlertDetail::Missing(reason), _, _) => nd_reason(*reason, year, lang),
        (AlertDetail::Quality(q), _, _) => quality(q, lang),
        (AlertDetail::ObjectiveNd, _, _) if es => {
            format!("ningún indicador del objetivo tiene avance en {year}: {}", lang.list(&codes))
        }
        (AlertDetail::ObjectiveNd, _, _) => {
            format!("no indicator of the objective has an avance in {year}: {}", lang.list(&codes))
        }
        (AlertDetail::Group { with, of }, kind, _) => {
            let what = match (kind, es) {
                (AlertKind::BajoAvance, true) => "con bajo avance".to_string(),
                (AlertKind::BajoAvance, false) => "with low progress".to_string(),
                (AlertKind::SinInformacion, true) => "sin información".to_string(),
                (AlertKind::SinInformacion, false) => "without information".to_string(),
                (AlertKind::AvanceAtipico, true) => format!("con avance mayor a {atypical}"),
                (AlertKind::AvanceAtipico, false) => format!("with avance above {atypical}"),
                (AlertKind::CalidadDatos, true) => "con problemas de calidad de datos".to_string(),
                (AlertKind::CalidadDatos, false) => "with data-quality problems".to_string(),
            };
            let noun = match (of, es) {
                (1, true) => "indicador",
                (_, true) => "indicadores",
                (1, false) => "indicator",
                (_, false) => "indicators",
            };
            let all = if with == of {
                if es {
                    if *of == 1 { "su único".to_string() } else { format!("los {of}") }
                } else if *of == 1 {
                    "its only".to_string()
                } else {
                    format!("all {of}")
                }
            } else if es {
                format!("{with} de {of}")
            } else {
                format!("{with} of {of}")
            };
            format!("{all} {noun} {what}: {}", lang.list(&codes))
        }
    }
}
