//! "¿Cómo se calculó?": an indicator's avance explained in words, with the numbers it used and the
//! rounding and band limits of its rule profile (one decimal for national policies, two for the
//! `ceplan-pei` profiles).

use avance_core::Decimal;
use avance_core::avance::{Evaluation, Formula, Resolved};
use avance_core::lang::Lang;
use avance_core::model::Year;
use avance_core::number::format_display;
use avance_core::profile::RuleProfile;

use crate::{alert_text, labels};

/// The steps of an avance's computation: each a label and its text.
pub fn avance_steps(e: &Evaluation, profile: &RuleProfile, year: Year, lang: Lang) -> Vec<(&'static str, String)> {
    let d = profile.decimals;
    let num = |x: Option<Decimal>| x.map_or_else(|| "ND".to_string(), |x| x.normalize().to_string());
    let mut out = vec![];
    let direction = match e.direction {
        Resolved::Trend { sense, aggregation, inferred } => format!(
            "{} · {}{}",
            labels::sense(sense, lang),
            aggregation.id(),
            if inferred {
                lang.pick(" (sentido inferido de los logros esperados)", " (sense inferred from the targets)")
            } else {
                ""
            }
        ),
        Resolved::NoDefinido(s) => format!("no definido · {}", s.id()),
    };
    out.push((lang.pick("Sentido y agregación aplicados", "Sense and aggregation applied"), direction));
    let mut le = num(e.target);
    let mut vo = num(e.actual);
    if !e.summed_years.is_empty() {
        let ys: Vec<String> = e.summed_years.iter().map(ToString::to_string).collect();
        let note = format!(" ({} {})", lang.pick("suma de", "sum of"), ys.join(", "));
        le.push_str(&note);
        vo.push_str(&note);
    }
    out.push((lang.pick("Logro esperado usado (LE)", "Target used (LE)"), le));
    out.push((lang.pick("Valor obtenido usado (VO)", "Actual used (VO)"), vo));
    let formula = match (e.formula, &e.avance) {
        (_, Err(reason)) => format!("ND: {}", alert_text::nd_reason(*reason, year, lang)),
        (Some(f), Ok(a)) => {
            let shown = format_display(profile.displayed(*a), d);
            let rule = match f {
                Formula::ActualOverTarget => format!("VO / LE × 100 = {} / {} × 100", num(e.actual), num(e.target)),
                Formula::TargetOverActual => format!("LE / VO × 100 = {} / {} × 100", num(e.target), num(e.actual)),
                Formula::Minimum => lang
                    .pick("estándar mínimo: 100 si VO ≥ LE, si no 0", "minimum standard: 100 if VO ≥ LE, else 0")
                    .to_string(),
                Formula::Maximum => lang
                    .pick("estándar máximo: 100 si VO ≤ LE, si no 0", "maximum standard: 100 if VO ≤ LE, else 0")
                    .to_string(),
                Formula::ZeroReached => lang
                    .pick("LE = 0: 100 si se alcanzó la meta, si no 0", "LE = 0: 100 if the target was reached, else 0")
                    .to_string(),
            };
            let cap = if e.capped {
                lang.pick(" (limitado por el tope del perfil)", " (limited by the profile's cap)")
            } else {
                ""
            };
            format!("{rule} = {shown}{cap}")
        }
        (None, Ok(a)) => format_display(*a, d),
    };
    out.push((lang.pick("Fórmula", "Formula"), formula));
    out.push((lang.pick("Redondeo y semáforo", "Rounding and bands"), rounding_and_bands(profile, lang)));
    out.push((lang.pick("Perfil de reglas", "Rule profile"), format!("{} — {}", profile.id(), profile.description)));
    out
}

/// How the profile rounds and bands a figure: its decimals, its cap and its limits.
pub fn rounding_and_bands(profile: &RuleProfile, lang: Lang) -> String {
    let decimals = match (profile.decimals, lang) {
        (0, Lang::Es) => "sin decimales".to_string(),
        (1, Lang::Es) => "un decimal".to_string(),
        (2, Lang::Es) => "dos decimales".to_string(),
        (n, Lang::Es) => format!("{n} decimales"),
        (0, Lang::En) => "no decimals".to_string(),
        (1, Lang::En) => "one decimal".to_string(),
        (2, Lang::En) => "two decimals".to_string(),
        (n, Lang::En) => format!("{n} decimals"),
    };
    let (lo, hi) = (profile.bands.intermedio.normalize(), profile.bands.alto.normalize());
    let cap = match profile.cap {
        Some(c) => format!("{} {}; ", lang.pick("avance limitado a", "avance capped at"), c.normalize()),
        None => String::new(),
    };
    match lang {
        Lang::Es => format!(
            "{decimals}, mitades hacia afuera; {cap}el semáforo se aplica a la cifra mostrada: [0–{lo}) {}, [{lo}–{hi}) {}, ≥ {hi} {}",
            labels::band(avance_core::band::Band::Bajo, lang),
            labels::band(avance_core::band::Band::Intermedio, lang),
            labels::band(avance_core::band::Band::Alto, lang),
        ),
        Lang::En => format!(
            "{decimals}, halves away from zero; {cap}bands apply to the figure shown: [0–{lo}) {}, [{lo}–{hi}) {}, ≥ {hi} {}",
            labels::band(avance_core::band::Band::Bajo, lang),
            labels::band(avance_core::band::Band::Intermedio, lang),
            labels::band(avance_core::band::Band::Alto, lang),
        ),
    }
}

/// A rate per year as people read it: a percentage when compound, units a year when linear.
fn rate(x: f64, compound: bool, lang: Lang) -> String {
    if compound {
        format!("{:.2} % {}", x * 100.0, lang.pick("anual", "a year"))
    } else {
        format!("{:.2} {}", x, lang.pick("por año", "a year"))
    }
}

/// "¿Llegará a la meta?": the steps of an indicator's outlook to its horizon, each a label and its
/// text, or the reason there is none.
pub fn outlook_steps(
    r: &Result<avance_core::progress::Assessment, avance_core::progress::NoOutlook>,
    lang: Lang,
) -> Vec<(&'static str, String)> {
    use avance_core::progress::ProgressMethod;
    let a = match r {
        Ok(a) => a,
        Err(reason) => return vec![(lang.pick("Resultado", "Result"), labels::no_outlook(*reason, lang).to_string())],
    };
    let v = |x: f64| {
        let t = format!("{x:.4}");
        t.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    let method = match a.method {
        ProgressMethod::UnsdGrowthRatio => lang.pick(
            "razón de tasas (UNSD, Gráfico de progreso de los ODS): tasa observada ÷ tasa requerida",
            "ratio of rates (UNSD, SDG Progress Chart): observed rate ÷ required rate",
        ),
        ProgressMethod::EscapAnticipated => lang.pick(
            "progreso anticipado (ESCAP): recta ajustada con más peso a los años recientes, proyectada al horizonte",
            "anticipated progress (ESCAP): a line fitted with more weight on recent years, projected to the horizon",
        ),
    };
    let mut out = vec![
        (lang.pick("Método", "Method"), method.to_string()),
        (lang.pick("Sentido", "Sense"), labels::sense(a.sense, lang).to_string()),
        (lang.pick("Inicio", "Start"), format!("{} ({})", v(a.start.1), a.start.0)),
        (lang.pick("Último valor obtenido", "Latest actual value"), format!("{} ({})", v(a.latest.1), a.latest.0)),
        (lang.pick("Meta al horizonte", "Horizon target"), format!("{} ({})", v(a.horizon.1), a.horizon.0)),
    ];
    let kind = if a.compound {
        lang.pick("tasas de crecimiento anual compuesto", "compound annual growth rates")
    } else {
        lang.pick(
            "cambio lineal por año (el inicio o la meta no son positivos)",
            "linear change a year (the start or the target is not positive)",
        )
    };
    out.push((lang.pick("Tasas", "Rates"), kind.to_string()));
    match a.method {
        ProgressMethod::UnsdGrowthRatio => {
            out.push((lang.pick("Tasa observada", "Observed rate"), rate(a.observed_rate, a.compound, lang)));
            out.push((lang.pick("Tasa requerida", "Required rate"), rate(a.required_rate, a.compound, lang)));
        }
        ProgressMethod::EscapAnticipated => {
            out.push((lang.pick("Pendiente ajustada", "Fitted slope"), rate(a.observed_rate, false, lang)));
        }
    }
    out.push((lang.pick("Razón ρ", "Ratio ρ"), format!("{:.2}", a.ratio)));
    out.push((
        lang.pick("Proyección al horizonte", "Projection to the horizon"),
        format!(
            "{} ({}; {})",
            avance_core::Decimal::try_from(a.projected)
                .map_or_else(|_| v(a.projected), |d| avance_core::number::format_display(d, 1)),
            a.horizon.0,
            lang.pick("estimación, a un decimal", "an estimate, to one decimal")
        ),
    ));
    out.push((
        lang.pick("Categoría", "Category"),
        format!(
            "{} — {}",
            labels::outlook(a.outlook, lang),
            lang.pick(
                "meta ya alcanzada si el último valor la cumple; si no, ρ ≥ 0.95 en camino, 0.5–0.95 requiere aceleración, −0.1–0.5 estancado, < −0.1 retroceso",
                "target met if the latest value meets it; otherwise ρ ≥ 0.95 on track, 0.5–0.95 needs acceleration, −0.1–0.5 stagnant, < −0.1 going backwards",
            )
        ),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_profile_explains_its_own_decimals_and_limits() {
        let pn = RuleProfile::ceplan_pn_v1();
        assert_eq!(
            rounding_and_bands(&pn, Lang::Es),
            "un decimal, mitades hacia afuera; el semáforo se aplica a la cifra mostrada: [0–75) bajo, [75–95) intermedio, ≥ 95 alto"
        );
        let pei = RuleProfile::find("ceplan-pei@2020").expect("profile");
        assert_eq!(
            rounding_and_bands(&pei, Lang::Es),
            "dos decimales, mitades hacia afuera; avance limitado a 100; el semáforo se aplica a la cifra mostrada: [0–75) bajo, [75–95) intermedio, ≥ 95 alto"
        );
        assert!(
            rounding_and_bands(&pei, Lang::En)
                .starts_with("two decimals, halves away from zero; avance capped at 100;")
        );
    }
}
