//! "Alertas identificadas": the report's alert text, generated from the computed alerts, one
//! paragraph per objective and a synthesis. Never hand-written: it always agrees with the tables.

use avance_core::alert::{Alert, AlertDetail, AlertKind, AlertLevel};
use avance_core::band::Band;
use avance_core::code::Code;
use avance_core::compute::PolicyResult;
use avance_core::lang::Lang;
use avance_core::model::Policy;
use avance_core::number::format_display;

/// A generated paragraph: the objective it is about (`None` for the synthesis) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub objective: Option<Code>,
    pub text: String,
}

fn numbers(codes: &[&Code]) -> Vec<String> {
    codes.iter().map(|c| c.number().to_string()).collect()
}

/// "el servicio 01.03.03 muestra" / "los servicios 01.04.01 y 01.04.02 muestran".
fn services(codes: &[&Code], lang: Lang, es_one: &str, es_many: &str, en_one: &str, en_many: &str) -> String {
    let list = lang.list(&numbers(codes));
    match (codes.len(), lang) {
        (1, Lang::Es) => format!("el servicio {list} {es_one}"),
        (_, Lang::Es) => format!("los servicios {list} {es_many}"),
        (1, Lang::En) => format!("service {list} {en_one}"),
        (_, Lang::En) => format!("services {list} {en_many}"),
    }
}

fn service_codes<'a>(alerts: &'a [Alert], objective: Option<&Code>, kind: AlertKind) -> Vec<&'a Code> {
    alerts
        .iter()
        .filter(|a| a.level == AlertLevel::Service && a.kind == kind)
        .filter(|a| objective.is_none_or(|o| &a.code.objective() == o))
        .map(|a| &a.code)
        .collect()
}

fn clauses(result: &PolicyResult, alerts: &[Alert], objective: Option<&Code>, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    let low = service_codes(alerts, objective, AlertKind::BajoAvance);
    if !low.is_empty() {
        out.push(services(
            &low,
            lang,
            "muestra alertas por bajo avance",
            "muestran alertas por bajo avance",
            "shows low-progress alerts",
            "show low-progress alerts",
        ));
    }
    let nd = service_codes(alerts, objective, AlertKind::SinInformacion);
    if !nd.is_empty() {
        out.push(services(
            &nd,
            lang,
            "tiene indicadores sin información disponible",
            "tienen indicadores sin información disponible",
            "has indicators without available information",
            "have indicators without available information",
        ));
    }
    let high = service_codes(alerts, objective, AlertKind::AvanceAtipico);
    if !high.is_empty() {
        let threshold = format_display(result.profile.atypical_above, 0);
        let (es, en) = (
            format!("tiene indicadores con avance tipo 1 mayor a {threshold}, lo que sugiere errores de planeamiento"),
            format!("has indicators with avance above {threshold}, which suggests planning errors"),
        );
        let (es_many, en_many) = (es.replacen("tiene", "tienen", 1), en.replacen("has", "have", 1));
        out.push(services(&high, lang, &es, &es_many, &en, &en_many));
    }
    out
}

fn sentence(mut clauses: Vec<String>, lang: Lang) -> String {
    if let Some(first) = clauses.first_mut() {
        let mut c = first.chars();
        *first = c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default();
    }
    match clauses.len() {
        0 => String::new(),
        1 => format!("{}.", clauses[0]),
        _ => {
            let last = clauses.pop().unwrap_or_default();
            format!("{}; {} {last}.", clauses.join("; "), lang.pick("y", "and"))
        }
    }
}

/// The paragraphs, in the order of the objectives, then the synthesis.
pub fn paragraphs(policy: &Policy, result: &PolicyResult, lang: Lang) -> Vec<Paragraph> {
    let d = result.profile.decimals;
    let alerts = result.alerts(policy);
    let mut out = Vec::new();
    for o in &result.objectives {
        let n = o.code.number().trim_start_matches('0');
        let state = match (o.avance, lang) {
            (Some(a), Lang::Es) => format!(
                "El objetivo prioritario {n} presenta un avance {} ({}).",
                crate::labels::band(o.band, lang),
                format_display(a, d)
            ),
            (Some(a), Lang::En) => format!(
                "Priority objective {n} shows {} progress ({}).",
                crate::labels::band(o.band, lang),
                format_display(a, d)
            ),
            (None, Lang::Es) => format!(
                "El objetivo prioritario {n} no cuenta con información disponible: ninguno de sus indicadores tiene avance."
            ),
            (None, Lang::En) => {
                format!("Priority objective {n} has no information available: none of its indicators has an avance.")
            }
        };
        let mut text = state;
        // Its objective indicators without an avance, when the objective has one.
        if o.avance.is_some() {
            let missing: Vec<String> = alerts
                .iter()
                .filter(|a| a.level == AlertLevel::Indicator && a.kind == AlertKind::SinInformacion)
                .filter(|a| a.code.parent().as_ref() == Some(&o.code))
                .filter_map(|a| match a.detail {
                    AlertDetail::Missing(r) => {
                        Some(format!("{} ({})", a.code, crate::alert_text::nd_reason(r, result.year, lang)))
                    }
                    _ => None,
                })
                .collect();
            if !missing.is_empty() {
                text.push(' ');
                text.push_str(&match (missing.len(), lang) {
                    (1, Lang::Es) => {
                        format!("Su indicador {} no cuenta con información y no entra en el promedio.", missing[0])
                    }
                    (_, Lang::Es) => format!(
                        "Sus indicadores {} no cuentan con información y no entran en el promedio.",
                        lang.list(&missing)
                    ),
                    (1, Lang::En) => {
                        format!("Its indicator {} has no information and is left out of the mean.", missing[0])
                    }
                    (_, Lang::En) => format!(
                        "Its indicators {} have no information and are left out of the mean.",
                        lang.list(&missing)
                    ),
                });
            }
        }
        let s = sentence(clauses(result, &alerts, Some(&o.code), lang), lang);
        if s.is_empty() {
            text.push_str(lang.pick(" Sus servicios no presentan alertas.", " Its services show no alerts."));
        } else {
            text.push(' ');
            text.push_str(&s);
        }
        out.push(Paragraph { objective: Some(o.code.clone()), text });
    }
    let index = match (result.index, lang) {
        (Some(i), Lang::Es) => format!(
            "El índice de gestión de la política nacional es {} ({}).",
            format_display(i, d),
            crate::labels::band(result.index_band, lang)
        ),
        (Some(i), Lang::En) => format!(
            "The national policy management index is {} ({}).",
            format_display(i, d),
            crate::labels::band(result.index_band, lang)
        ),
        (None, _) => lang
            .pick(
                "El índice de gestión no puede calcularse: ningún objetivo tiene avance.",
                "The management index cannot be computed: no objective has an avance.",
            )
            .to_string(),
    };
    let low_objectives: Vec<String> =
        result.objectives.iter().filter(|o| o.band == Band::Bajo).map(|o| o.code.to_string()).collect();
    let mut text = index;
    if !low_objectives.is_empty() {
        text.push(' ');
        text.push_str(&match (low_objectives.len(), lang) {
            (1, Lang::Es) => format!("El objetivo {} tiene avance bajo.", low_objectives[0]),
            (_, Lang::Es) => format!("Los objetivos {} tienen avance bajo.", lang.list(&low_objectives)),
            (1, Lang::En) => format!("Objective {} shows low progress.", low_objectives[0]),
            (_, Lang::En) => format!("Objectives {} show low progress.", lang.list(&low_objectives)),
        });
    }
    let s = sentence(clauses(result, &alerts, None, lang), lang);
    if !s.is_empty() {
        text.push(' ');
        text.push_str(lang.pick("En el conjunto de la política, ", "Across the policy, "));
        let mut c = s.chars();
        text.push_str(&c.next().map(|f| f.to_lowercase().chain(c).collect::<String>()).unwrap_or_default());
    }
    out.push(Paragraph { objective: None, text });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn singular_and_plural() {
        let a: Code = "SS.01.03.03".parse().expect("code");
        let b: Code = "SS.01.04.01".parse().expect("code");
        assert_eq!(services(&[&a], Lang::Es, "muestra x", "muestran x", "", ""), "el servicio 01.03.03 muestra x");
        assert_eq!(
            services(&[&a, &b], Lang::Es, "muestra x", "muestran x", "", ""),
            "los servicios 01.03.03 y 01.04.01 muestran x"
        );
        assert_eq!(sentence(vec!["a".into(), "b".into(), "c".into()], Lang::Es), "A; b; y c.");
        assert_eq!(sentence(vec!["a".into()], Lang::Es), "A.");
    }
}
