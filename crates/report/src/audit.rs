//! The audit of a published report: a readable list in Spanish or English, and the JSON contract
//! `avance-audit/1` (docs/formats.md).

use std::fmt::Write as _;

use avance_core::Decimal;
use avance_core::alert::{AlertKind, AlertLevel};
use avance_core::audit::{CountRow, Explanation, Finding, Gap};
use avance_core::avance::Role;
use avance_core::code::Code;
use avance_core::compute::PolicyResult;
use avance_core::lang::Lang;
use avance_core::model::Policy;
use avance_core::number::format_display;
use serde_json::{Value, json};

use crate::json::figure;
use crate::labels;

pub const FORMAT: &str = "avance-audit/1";

/// The heading an alert kind is listed under, as a qualifier: "con bajo avance".
fn kind_label(k: AlertKind, lang: Lang) -> &'static str {
    match k {
        AlertKind::BajoAvance => lang.pick("con bajo avance", "with low progress"),
        AlertKind::SinInformacion => lang.pick("sin información", "without information"),
        AlertKind::AvanceAtipico => lang.pick("con avance mayor a 150", "with avance above 150"),
        AlertKind::CalidadDatos => lang.pick("con problemas de calidad de datos", "with data-quality problems"),
    }
}

/// "un indicador" / "2 indicadores".
fn indicators_noun(n: usize, lang: Lang) -> String {
    match (n, lang) {
        (1, Lang::Es) => "un indicador".into(),
        (1, Lang::En) => "one indicator".into(),
        (n, Lang::Es) => format!("{n} indicadores"),
        (n, Lang::En) => format!("{n} indicators"),
    }
}

fn row_label(r: CountRow, lang: Lang) -> &'static str {
    match r {
        CountRow::Objectives => lang.pick("objetivos prioritarios", "priority objectives"),
        CountRow::ObjectiveIndicators => lang.pick("indicadores de objetivo prioritario", "objective indicators"),
        CountRow::ServiceIndicators => lang.pick("indicadores de servicio", "service indicators"),
    }
}

fn row_id(r: CountRow) -> &'static str {
    match r {
        CountRow::Objectives => "objectives",
        CountRow::ObjectiveIndicators => "objective_indicators",
        CountRow::ServiceIndicators => "service_indicators",
    }
}

fn shown(x: Option<Decimal>, decimals: u32) -> String {
    x.map_or_else(|| "ND".into(), |x| format_display(x, decimals))
}

fn role_label(r: Role, lang: Lang) -> &'static str {
    match r {
        Role::Actual => lang.pick("un valor obtenido", "an actual value"),
        Role::Target => lang.pick("un logro esperado", "a target"),
        Role::Baseline => lang.pick("una línea base", "a baseline"),
    }
}

fn explanation(e: &Explanation, lang: Lang) -> String {
    let (from, to) = (e.from.normalize(), e.to.normalize());
    if lang == Lang::Es {
        format!("{} entre {from} y {to}, impreso redondeado como {}", role_label(e.role, lang), e.printed)
    } else {
        format!("{} between {from} and {to}, printed rounded as {}", role_label(e.role, lang), e.printed)
    }
}

/// The indicators behind a service alert the rules find.
fn behind(policy: &Policy, result: &PolicyResult, service: &Code, kind: AlertKind) -> Vec<String> {
    result
        .alerts(policy)
        .iter()
        .find(|a| a.level == AlertLevel::Service && &a.code == service && a.kind == kind)
        .map(|a| a.indicators.iter().map(Code::to_string).collect())
        .unwrap_or_default()
}

/// Why a report looks incomplete, in words (also the warnings of `import-report`).
pub fn gap(g: &Gap, lang: Lang) -> String {
    match g {
        Gap::EndsInsideTable => lang
            .pick(
                "el texto termina dentro de la tabla de objetivos: falta el final del reporte (¿descarga incompleta?)",
                "the text ends inside the objectives' table: the end of the report is missing (an incomplete download?)",
            )
            .to_string(),
        Gap::NoIndex => lang
            .pick(
                "no se encontró la línea del índice de gestión de la política nacional",
                "the line of the policy's management index was not found",
            )
            .to_string(),
        Gap::NoAlertSection => lang
            .pick("no se encontró la sección «Alertas identificadas»", "the section «Alertas identificadas» was not found")
            .to_string(),
        Gap::LevelTotal { row, read, printed } => match lang {
            Lang::Es => format!(
                "el semáforo del propio reporte cuenta {printed} {}, pero el texto tiene {read}",
                row_label(*row, lang)
            ),
            Lang::En => {
                format!("the report's own semáforo counts {printed} {}, but the text has {read}", row_label(*row, lang))
            }
        },
    }
}

fn gap_id(g: &Gap) -> &'static str {
    match g {
        Gap::EndsInsideTable => "ends_inside_table",
        Gap::NoIndex => "no_index",
        Gap::NoAlertSection => "no_alert_section",
        Gap::LevelTotal { .. } => "level_total",
    }
}

/// One finding in words.
pub fn sentence(f: &Finding, policy: &Policy, result: &PolicyResult, lang: Lang) -> String {
    let es = lang == Lang::Es;
    let d = result.profile.decimals;
    match f {
        Finding::Incomplete(g) => gap(g, lang),
        Finding::IndicatorAvance { code, published, computed, explanations } => {
            let ind = policy.indicator(code);
            let inputs = ind
                .map(|i| {
                    let t = |m: &avance_core::model::Series| {
                        m.get(&result.year).map_or("—".to_string(), |c| c.text().to_string())
                    };
                    format!("VO {}, LE {}", t(&i.actuals), t(&i.targets))
                })
                .unwrap_or_default();
            let mut s = if es {
                format!(
                    "{code}: publicado {}; calculado {} con los valores impresos ({inputs})",
                    published.text,
                    shown(*computed, d)
                )
            } else {
                format!(
                    "{code}: published {}; computed {} from the printed values ({inputs})",
                    published.text,
                    shown(*computed, d)
                )
            };
            if explanations.is_empty() {
                s.push_str(lang.pick(
                    ". Ningún redondeo de los valores impresos lo explica.",
                    ". No rounding of the printed values explains it.",
                ));
            } else {
                let parts: Vec<String> = explanations.iter().map(|e| explanation(e, lang)).collect();
                let _ =
                    write!(s, ". {} {}.", lang.pick("Lo explicaría", "It would be explained by"), lang.either(&parts));
            }
            s
        }
        Finding::IndicatorMissing { code, in_report: true } => {
            if es {
                format!("{code}: el reporte publica su avance pero no está en los datos")
            } else {
                format!("{code}: the report publishes its avance but it is not in the data")
            }
        }
        Finding::IndicatorMissing { code, in_report: false } => {
            if es {
                format!("{code}: está en los datos pero el reporte no publica su avance")
            } else {
                format!("{code}: it is in the data but the report publishes no avance for it")
            }
        }
        Finding::ObjectiveAvance { code, published, computed } => {
            if es {
                format!("{code}: publicado {}; calculado {}", published.text, shown(*computed, d))
            } else {
                format!("{code}: published {}; computed {}", published.text, shown(*computed, d))
            }
        }
        Finding::Index { published, computed } => {
            if es {
                format!("índice de gestión: publicado {}; calculado {}", published.text, shown(*computed, d))
            } else {
                format!("management index: published {}; computed {}", published.text, shown(*computed, d))
            }
        }
        Finding::Count { row, band, published, computed } => {
            let b = labels::band_range(*band);
            if es {
                format!("{}, {b}: publicado {published}; calculado {computed}", row_label(*row, lang))
            } else {
                format!("{}, {b}: published {published}; computed {computed}", row_label(*row, lang))
            }
        }
        Finding::ObjectiveState { code, published, computed } => {
            if es {
                format!(
                    "{code}: el texto dice avance {}, pero su avance es {}",
                    labels::band(*published, lang),
                    labels::band(*computed, lang)
                )
            } else {
                format!(
                    "{code}: the text says {} progress, but its avance is {}",
                    labels::band(*published, lang),
                    labels::band(*computed, lang)
                )
            }
        }
        Finding::NamedWrongly { service, published, .. } => {
            if es {
                format!(
                    "{service}: el texto lo nombra entre los servicios {}, pero las reglas no le encuentran ninguna alerta",
                    kind_label(*published, lang)
                )
            } else {
                format!(
                    "{service}: the text names it among the services {}, but the rules find no alert for it",
                    kind_label(*published, lang)
                )
            }
        }
        Finding::WrongHeading { service, published, computed, .. } => {
            let found: Vec<String> = computed
                .iter()
                .map(|k| format!("{} ({})", kind_label(*k, lang), behind(policy, result, service, *k).join(", ")))
                .collect();
            if es {
                format!(
                    "{service}: el texto lo nombra entre los servicios {}, pero según las reglas es un servicio {}",
                    kind_label(*published, lang),
                    lang.list(&found)
                )
            } else {
                format!(
                    "{service}: the text names it among the services {}, but by the rules it is a service {}",
                    kind_label(*published, lang),
                    lang.list(&found)
                )
            }
        }
        Finding::Missing { service, kind, indicators, .. } => {
            let codes: Vec<String> = indicators.iter().map(Code::to_string).collect();
            if es {
                format!(
                    "{service}: tiene {} {} ({}) y el texto no lo nombra",
                    indicators_noun(codes.len(), lang),
                    kind_label(*kind, lang),
                    codes.join(", ")
                )
            } else {
                format!(
                    "{service}: it has {} {} ({}) and the text does not name it",
                    indicators_noun(codes.len(), lang),
                    kind_label(*kind, lang),
                    codes.join(", ")
                )
            }
        }
    }
}

/// The section a finding belongs to, in the order they are printed.
fn section(f: &Finding) -> (u8, Option<Code>) {
    match f {
        Finding::Incomplete(_) => (0, None),
        Finding::IndicatorAvance { .. } | Finding::IndicatorMissing { .. } => (1, None),
        Finding::ObjectiveAvance { .. } => (2, None),
        Finding::Index { .. } => (3, None),
        Finding::Count { .. } => (4, None),
        Finding::ObjectiveState { code, .. } => (5, Some(code.clone())),
        Finding::NamedWrongly { paragraph, .. }
        | Finding::WrongHeading { paragraph, .. }
        | Finding::Missing { paragraph, .. } => (if paragraph.is_some() { 5 } else { 6 }, paragraph.clone()),
    }
}

fn section_title(s: &(u8, Option<Code>), lang: Lang) -> String {
    match s {
        (0, _) => lang.pick("Reporte incompleto", "Incomplete report").into(),
        (1, _) => lang.pick("Avances de indicadores", "Indicator avances").into(),
        (2, _) => lang.pick("Avances de objetivos prioritarios", "Priority objective avances").into(),
        (3, _) => lang.pick("Índice de gestión", "Management index").into(),
        (4, _) => lang.pick("Conteos del semáforo", "Traffic-light counts").into(),
        (5, Some(c)) => format!("{} — {c}", lang.pick("Texto de alertas", "Alert text")),
        _ => lang
            .pick(
                "Texto de alertas — síntesis (nombra servicios \"como\" ejemplos; se listan todos los que faltan)",
                "Alert text — synthesis (it names services \"such as\"; every missing one is listed)",
            )
            .into(),
    }
}

/// The readable list.
pub fn text(findings: &[Finding], policy: &Policy, result: &PolicyResult, lang: Lang) -> String {
    let m = policy.meta();
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} {} ({}), {} {}",
        lang.pick("Auditoría del reporte de seguimiento:", "Audit of the follow-up report:"),
        m.name,
        m.code,
        lang.pick("año", "year"),
        result.year
    );
    let _ = writeln!(o, "{}: {}", lang.pick("Perfil de reglas", "Rule profile"), result.profile.id());
    if findings.is_empty() {
        let _ = writeln!(
            o,
            "{}",
            lang.pick(
                "Sin discrepancias: cada cifra y cada alerta publicada coincide con los datos.",
                "No discrepancies: every published figure and alert agrees with the data."
            )
        );
        return o;
    }
    let _ = writeln!(
        o,
        "{} {}",
        findings.len(),
        lang.pick(
            "discrepancias entre lo publicado y lo que dan los datos.",
            "discrepancies between what was published and what the data give."
        )
    );
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by_key(|f| section(f));
    let mut current = None;
    for f in sorted {
        let s = section(f);
        if current.as_ref() != Some(&s) {
            let n = findings.iter().filter(|g| section(g) == s).count();
            let _ = writeln!(o, "\n{} ({n})", section_title(&s, lang));
            current = Some(s);
        }
        let _ = writeln!(o, "  - {}", sentence(f, policy, result, lang));
    }
    o
}

fn kind_id(f: &Finding) -> &'static str {
    match f {
        Finding::Incomplete(_) => "incomplete",
        Finding::IndicatorAvance { .. } => "indicator_avance",
        Finding::IndicatorMissing { .. } => "indicator_missing",
        Finding::ObjectiveAvance { .. } => "objective_avance",
        Finding::Index { .. } => "index",
        Finding::Count { .. } => "count",
        Finding::ObjectiveState { .. } => "objective_state",
        Finding::NamedWrongly { .. } => "alert_named_wrongly",
        Finding::WrongHeading { .. } => "alert_wrong_heading",
        Finding::Missing { .. } => "alert_missing",
    }
}

/// The JSON document.
pub fn json(findings: &[Finding], policy: &Policy, result: &PolicyResult, lang: Lang) -> Value {
    let d = result.profile.decimals;
    let items: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut v = json!({"kind": kind_id(f), "detail": sentence(f, policy, result, lang)});
            let map = v.as_object_mut().expect("a json! object");
            let mut put = |k: &str, x: Value| {
                map.insert(k.into(), x);
            };
            match f {
                Finding::Incomplete(g) => {
                    put("gap", json!(gap_id(g)));
                    if let Gap::LevelTotal { row, read, printed } = g {
                        put("row", json!(row_id(*row)));
                        put("read", json!(read));
                        put("published", json!(printed));
                    }
                }
                Finding::IndicatorAvance { code, published, computed, explanations } => {
                    put("code", json!(code.as_str()));
                    put("published", json!(published.text));
                    put("computed", figure(*computed, d));
                    put(
                        "explanations",
                        json!(explanations.iter().map(|e| json!({
                            "input": match e.role { Role::Actual => "actual", Role::Target => "target", Role::Baseline => "baseline" },
                            "printed": e.printed,
                            "from": e.from.normalize().to_string(),
                            "to": e.to.normalize().to_string(),
                        })).collect::<Vec<_>>()),
                    );
                }
                Finding::IndicatorMissing { code, in_report } => {
                    put("code", json!(code.as_str()));
                    put("in_report", json!(in_report));
                }
                Finding::ObjectiveAvance { code, published, computed } => {
                    put("code", json!(code.as_str()));
                    put("published", json!(published.text));
                    put("computed", figure(*computed, d));
                }
                Finding::Index { published, computed } => {
                    put("published", json!(published.text));
                    put("computed", figure(*computed, d));
                }
                Finding::Count { row, band, published, computed } => {
                    put("row", json!(row_id(*row)));
                    put("band", json!(band.id()));
                    put("published", json!(published));
                    put("computed", json!(computed));
                }
                Finding::ObjectiveState { code, published, computed } => {
                    put("code", json!(code.as_str()));
                    put("published", json!(published.id()));
                    put("computed", json!(computed.id()));
                }
                Finding::NamedWrongly { paragraph, service, published } => {
                    put("paragraph", json!(paragraph.as_ref().map(Code::as_str)));
                    put("service", json!(service.as_str()));
                    put("published", json!(published.id()));
                }
                Finding::WrongHeading { paragraph, service, published, computed } => {
                    put("paragraph", json!(paragraph.as_ref().map(Code::as_str)));
                    put("service", json!(service.as_str()));
                    put("published", json!(published.id()));
                    put("computed", json!(computed.iter().map(|k| k.id()).collect::<Vec<_>>()));
                }
                Finding::Missing { paragraph, service, kind, indicators } => {
                    put("paragraph", json!(paragraph.as_ref().map(Code::as_str)));
                    put("service", json!(service.as_str()));
                    put("computed", json!(kind.id()));
                    put("indicators", json!(indicators.iter().map(Code::as_str).collect::<Vec<_>>()));
                }
            }
            v
        })
        .collect();
    json!({
        "format": FORMAT,
        "policy": {"code": policy.meta().code, "name": policy.meta().name, "year": result.year.get(), "profile": result.profile.id()},
        "consistent": findings.is_empty(),
        "findings": items,
    })
}
