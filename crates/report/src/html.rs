//! The Reporte de seguimiento as an HTML page (askama template `templates/report.html`, escaping on).

use askama::Template;
use avance_core::code::Code;
use avance_core::compute::PolicyResult;
use avance_core::lang::Lang;
use avance_core::model::{Direction, Policy};
use avance_core::number::format_display;

use crate::{labels, narrative, svg};

/// Headings and fixed texts in the report's language.
struct Texts {
    summary: &'static str,
    level: &'static str,
    chart_bands: &'static str,
    chart_objectives: &'static str,
    avance: &'static str,
    code: &'static str,
    name: &'static str,
    responsible: &'static str,
    indicator_type: &'static str,
    sentido: &'static str,
    aggregation: &'static str,
    baseline: &'static str,
    targets: &'static str,
    actuals: &'static str,
    target_one: &'static str,
    actual_one: &'static str,
    avance_tipo1: &'static str,
    trend: &'static str,
    year: &'static str,
    value: &'static str,
    index: &'static str,
    index_trend: &'static str,
    index_table: &'static str,
    band: &'static str,
    alerts: &'static str,
    generated_note: &'static str,
    analysis: &'static str,
    analysis_note: &'static str,
    annex: &'static str,
    profile: &'static str,
    method: &'static str,
    method_text: &'static str,
    hash: &'static str,
}

fn texts(lang: Lang) -> Texts {
    let p = |es, en| lang.pick(es, en);
    Texts {
        summary: p("Resumen del semáforo", "Traffic-light summary"),
        level: p("Nivel", "Level"),
        chart_bands: p(
            "Cuántos objetivos e indicadores hay en cada banda del semáforo.",
            "How many objectives and indicators fall in each band.",
        ),
        chart_objectives: p(
            "Avance de cada objetivo prioritario; las líneas marcan 75 y 95.",
            "Each priority objective's avance; the lines mark 75 and 95.",
        ),
        avance: p("avance", "avance"),
        code: p("Código", "Code"),
        name: p("Objetivo / Lineamiento / Servicio / Indicador", "Objective / Lineamiento / Service / Indicator"),
        responsible: p("Responsable del indicador", "Responsible unit"),
        indicator_type: p("Tipo de indicador", "Indicator type"),
        sentido: p("Sentido esperado", "Expected sense"),
        aggregation: p("Tipo de agregación / Estándar de cumplimiento", "Aggregation / Compliance standard"),
        baseline: p("Línea base", "Baseline"),
        targets: p("Logros esperados", "Targets"),
        actuals: p("Valores obtenidos", "Actual values"),
        target_one: p("Logro esperado", "Target"),
        actual_one: p("Valor obtenido", "Actual value"),
        avance_tipo1: p("Avance Tipo 1 (%)", "Avance Tipo 1 (%)"),
        trend: p("Evolución", "Trend"),
        year: p("Año", "Year"),
        value: p("Valor", "Value"),
        index: p("Índice de gestión de la política nacional", "National policy management index"),
        index_trend: labels::index_trend_caption(lang),
        index_table: p("Las cifras del gráfico, año por año", "The chart's figures, year by year"),
        band: p("Semáforo", "Traffic light"),
        alerts: p("Alertas identificadas", "Alerts identified"),
        generated_note: p(
            "Texto generado a partir de las cifras de este reporte.",
            "Text generated from this report's figures.",
        ),
        analysis: p("Análisis de los analistas", "Analysts' analysis"),
        analysis_note: p(
            "Texto escrito por los analistas de la oficina de planeamiento; no se genera de las cifras.",
            "Written by the planning office's analysts; not generated from the figures.",
        ),
        annex: p("Anexo: reglas y datos", "Annex: rules and data"),
        profile: p("Perfil de reglas", "Rule profile"),
        method: p("Método", "Method"),
        method_text: p(
            "Avance Tipo 1 por indicador; avance del objetivo: promedio de sus indicadores de objetivo, sin los ND; índice de gestión: promedio de los objetivos con avance. Redondeo a un decimal, mitades hacia afuera; el semáforo se aplica a la cifra mostrada.",
            "Avance Tipo 1 per indicator; objective avance: mean of its objective indicators, ND excluded; management index: mean of the objectives with an avance. One decimal, halves away from zero; bands apply to the figure as shown.",
        ),
        hash: p(
            "Huella de los datos (SHA-256 del conjunto de datos canónico)",
            "Data fingerprint (SHA-256 of the canonical dataset)",
        ),
    }
}

struct CountRow {
    label: &'static str,
    cells: Vec<usize>,
    total: usize,
}

struct Row {
    kind: &'static str,
    code: String,
    name: String,
    responsible: String,
    indicator_type: String,
    sentido: String,
    aggregation: String,
    baseline_year: String,
    baseline_value: String,
    targets: Vec<String>,
    actuals: Vec<String>,
    avance: String,
    band_class: &'static str,
    band_label: &'static str,
    trend: String,
}

struct ObjectiveView {
    code: String,
    name: String,
    avance: String,
    band_class: &'static str,
    band_label: &'static str,
    rows: Vec<Row>,
}

/// The style of the report's HTML (also served by the web application).
pub const CSS: &str = include_str!("../templates/report.css");

#[derive(Template)]
#[template(path = "report.html")]
struct Page {
    lang: &'static str,
    title: String,
    body: String,
}

#[derive(Template)]
#[template(path = "report_body.html")]
struct Body {
    title: String,
    /// Where indicator pages are (the web application): codes become links `{links}/{code}`.
    links: Option<String>,
    /// Markup placed right under the title (the web application's year switch and downloads).
    after_title: String,
    index_trend: String,
    index_years: Vec<(String, String, &'static str)>,
    outlook: crate::outlook::Summary,
    t: Texts,
    header: Vec<(String, String)>,
    band_heads: Vec<&'static str>,
    count_rows: Vec<CountRow>,
    chart_bands: String,
    chart_objectives: String,
    objectives: Vec<ObjectiveView>,
    target_years: Vec<String>,
    actual_years: Vec<String>,
    year: String,
    span: usize,
    span_plus: usize,
    index: String,
    index_band: &'static str,
    index_class: &'static str,
    paragraphs: Vec<(String, String)>,
    analysis: Vec<(String, String)>,
    profile_id: String,
    profile_description: &'static str,
    data_hash: String,
}

/// The report's title as CEPLAN words it.
pub fn title(policy: &Policy, result: &PolicyResult, lang: Lang) -> String {
    let name = &policy.meta().name;
    match lang {
        Lang::Es => format!("Reporte de seguimiento de la {name}, correspondiente al año {}", result.year),
        Lang::En => format!("Follow-up report of the {name}, for the year {}", result.year),
    }
}

/// A year's figure and its band, for the charts over a policy's horizon.
pub type YearFigure = (avance_core::model::Year, Option<avance_core::Decimal>, avance_core::band::Band);

/// The policy's índice de gestión in each year of its horizon (computed by the core's rules; the
/// web application passes its cached figures instead).
pub fn index_trend(policy: &Policy) -> Vec<YearFigure> {
    policy
        .meta()
        .years
        .iter()
        .map(|y| {
            let r = avance_core::compute::compute(policy, y);
            (y, r.index, r.index_band)
        })
        .collect()
}

/// The whole page. `data_hash` fingerprints the data the figures come from.
pub fn render(policy: &Policy, result: &PolicyResult, lang: Lang, data_hash: &str) -> String {
    let trend = index_trend(policy);
    let page = Page {
        lang: lang.id(),
        title: title(policy, result, lang),
        body: render_body(policy, result, lang, data_hash, &Extras { index_trend: &trend, ..Extras::default() }),
    };
    page.render().unwrap_or_else(|e| format!("<!-- template error: {e} -->"))
}

/// What the web application adds to the report's content.
#[derive(Debug, Default, Clone, Copy)]
pub struct Extras<'a> {
    /// Where indicator pages are: codes become links `{links}/{code}`.
    pub links: Option<&'a str>,
    /// Markup (trusted, not escaped) put under the title: the year switch and the downloads.
    pub after_title: &'a str,
    /// The índice de gestión of each year of the horizon: a chart and its table under the índice.
    pub index_trend: &'a [YearFigure],
}

/// The report's content without the document around it (the web application's policy page):
/// title, índice, semáforo summary, objectives, alerts and annex.
pub fn render_body(policy: &Policy, result: &PolicyResult, lang: Lang, data_hash: &str, extras: &Extras<'_>) -> String {
    let d = result.profile.decimals;
    let m = policy.meta();
    let shown = |a: Option<avance_core::Decimal>| a.map_or_else(|| "ND".to_string(), |a| format_display(a, d));
    let years: Vec<_> = m.years.iter().collect();
    let indicator_row = |code: &Code| -> Option<Row> {
        let ind = policy.indicator(code)?;
        let r = result.indicator(code.as_str())?;
        let (sentido, aggregation) = match ind.direction {
            Direction::Trend { sense, aggregation } => (
                sense.map_or_else(|| lang.pick("(no declarado)", "(not declared)").to_string(), |s| s.id().to_string()),
                aggregation.id().to_string(),
            ),
            Direction::NoDefinido(s) => ("no_definido".to_string(), s.id().to_string()),
        };
        let cell = |map: &avance_core::model::Series, y| map.get(y).map(|c| c.text().to_string()).unwrap_or_default();
        Some(Row {
            kind: "ind",
            code: code.to_string(),
            name: ind.name.clone(),
            responsible: ind.responsible.clone(),
            indicator_type: ind.indicator_type.clone(),
            sentido,
            aggregation,
            baseline_year: ind.baseline.as_ref().map(|b| b.year.to_string()).unwrap_or_default(),
            baseline_value: ind.baseline.as_ref().map(|b| b.value.text().to_string()).unwrap_or_default(),
            targets: years.iter().map(|y| cell(&ind.targets, y)).collect(),
            actuals: years.iter().map(|y| cell(&ind.actuals, y)).collect(),
            avance: shown(r.avance()),
            band_class: r.band.id(),
            band_label: labels::band(r.band, lang),
            trend: svg::indicator_trend_projected(
                ind,
                avance_core::progress::assess(ind, result.year, &result.profile).ok().and_then(|a| a.projection_line()),
                lang,
            ),
        })
    };
    let objectives = result
        .objectives
        .iter()
        .map(|o| {
            let name =
                policy.objectives().iter().find(|x| x.code == o.code).map(|x| x.name.clone()).unwrap_or_default();
            let mut rows: Vec<Row> = result.codes_at(&o.indicators).iter().filter_map(&indicator_row).collect();
            for ln in policy.lineamientos().iter().filter(|l| l.code.parent().as_ref() == Some(&o.code)) {
                rows.push(Row { kind: "ln", code: ln.code.to_string(), name: ln.name.clone(), ..empty_row() });
                for ss in policy.services().iter().filter(|s| s.code.parent().as_ref() == Some(&ln.code)) {
                    rows.push(Row { kind: "ss", code: ss.code.to_string(), name: ss.name.clone(), ..empty_row() });
                    let isss = policy.indicators().iter().filter(|i| i.code.parent().as_ref() == Some(&ss.code));
                    rows.extend(isss.filter_map(|i| indicator_row(&i.code)));
                }
            }
            ObjectiveView {
                code: o.code.to_string(),
                name,
                avance: shown(o.avance),
                band_class: o.band.id(),
                band_label: labels::band(o.band, lang),
                rows,
            }
        })
        .collect();
    let count_rows = count_rows(&result.counts, lang);
    let paragraphs = narrative::paragraphs(policy, result, lang)
        .into_iter()
        .map(|p| {
            let head =
                p.objective.map_or_else(|| lang.pick("Síntesis:", "Synthesis:").to_string(), |c| format!("{}:", c));
            (head, p.text)
        })
        .collect();
    let mut analysis: Vec<(String, String)> = policy
        .objectives()
        .iter()
        .filter_map(|o| o.analysis.as_ref().map(|a| (format!("{}:", o.code), a.clone())))
        .collect();
    if let Some(s) = &m.synthesis {
        analysis.push((lang.pick("Síntesis:", "Synthesis:").to_string(), s.clone()));
    }
    let n = years.len();
    let page = Body {
        title: title(policy, result, lang),
        links: extras.links.map(str::to_string),
        after_title: extras.after_title.to_string(),
        index_trend: if extras.index_trend.is_empty() {
            String::new()
        } else {
            svg::yearly(
                labels::index_trend_title(lang),
                extras.index_trend,
                &result.profile,
                lang,
                Some("tabla-indice-anual"),
            )
        },
        outlook: crate::outlook::summary(policy, result, lang),
        index_years: extras
            .index_trend
            .iter()
            .map(|(y, v, b)| (y.to_string(), shown(*v), labels::band(*b, lang)))
            .collect(),
        t: texts(lang),
        header: vec![
            (lang.pick("Sector", "Sector").into(), format!("{}: {}", m.sector.code, m.sector.name)),
            (
                lang.pick("Ministerio conductor", "Conducting ministry").into(),
                format!("{}: {}", m.ministry.code, m.ministry.name),
            ),
            (lang.pick("Tipo", "Type").into(), m.policy_type.id().into()),
        ],
        band_heads: avance_core::band::Band::ALL.iter().map(|b| labels::band_range(*b)).collect(),
        count_rows,
        chart_bands: svg::band_distribution(&result.counts, lang),
        chart_objectives: svg::objective_avances(result, lang),
        objectives,
        target_years: years.iter().map(|y| y.to_string()).collect(),
        actual_years: years.iter().map(|y| y.to_string()).collect(),
        year: result.year.to_string(),
        span: 7 + 2 * n,
        span_plus: 9 + 2 * n,
        index: shown(result.index),
        index_band: labels::band(result.index_band, lang),
        index_class: result.index_band.id(),
        paragraphs,
        analysis,
        profile_id: result.profile.id(),
        profile_description: result.profile.description,
        data_hash: data_hash.to_string(),
    };
    page.render().unwrap_or_else(|e| format!("<!-- template error: {e} -->"))
}

fn empty_row() -> Row {
    Row {
        kind: "",
        code: String::new(),
        name: String::new(),
        responsible: String::new(),
        indicator_type: String::new(),
        sentido: String::new(),
        aggregation: String::new(),
        baseline_year: String::new(),
        baseline_value: String::new(),
        targets: Vec::new(),
        actuals: Vec::new(),
        avance: String::new(),
        band_class: "",
        band_label: "",
        trend: String::new(),
    }
}

struct PolicyLine {
    code: String,
    name: String,
    sector: String,
    ministry: String,
    policy_type: &'static str,
    profile: String,
    index: String,
    band_class: &'static str,
    band_label: &'static str,
}

struct GroupView {
    label: String,
    policies: String,
    rows: Vec<CountRow>,
    chart: String,
}

struct SectionView {
    id: &'static str,
    title: &'static str,
    groups: Vec<GroupView>,
}

#[derive(Template)]
#[template(path = "portfolio.html")]
struct PortfolioPage {
    lang: &'static str,
    title: String,
    t_policies: &'static str,
    t_level: &'static str,
    policy_heads: Vec<&'static str>,
    band_heads: Vec<&'static str>,
    policies: Vec<PolicyLine>,
    sections: Vec<SectionView>,
    outlook: crate::outlook::Summary,
}

fn count_rows(c: &avance_core::compute::LevelCounts, lang: Lang) -> Vec<CountRow> {
    labels::levels(c, lang)
        .into_iter()
        .map(|(label, b)| CountRow {
            label,
            cells: avance_core::band::Band::ALL.iter().map(|x| b.get(*x)).collect(),
            total: b.total(),
        })
        .collect()
}

/// The national summary: every policy's índice, and counts by sector, conducting ministry and type.
pub fn render_portfolio(
    items: &[avance_core::portfolio::PolicyFigures],
    year: avance_core::model::Year,
    lang: Lang,
) -> String {
    let p = avance_core::portfolio::portfolio(items);
    let groups = |gs: &[avance_core::portfolio::Group]| -> Vec<GroupView> {
        gs.iter()
            .map(|g| GroupView {
                label: if g.code == g.name { g.code.clone() } else { format!("{} {}", g.code, g.name) },
                policies: g.policies.join(", "),
                rows: count_rows(&g.counts, lang),
                chart: svg::band_distribution(&g.counts, lang),
            })
            .collect()
    };
    let page = PortfolioPage {
        lang: lang.id(),
        title: match lang {
            Lang::Es => format!("Seguimiento de las políticas nacionales, año {year}"),
            Lang::En => format!("Follow-up of national policies, year {year}"),
        },
        t_policies: lang.pick("Índice de gestión por política", "Management index by policy"),
        t_level: lang.pick("Nivel", "Level"),
        policy_heads: labels::portfolio_headings(lang).to_vec(),
        band_heads: avance_core::band::Band::ALL.iter().map(|b| labels::band_range(*b)).collect(),
        policies: items
            .iter()
            .map(|r| {
                let m = &r.meta;
                PolicyLine {
                    code: m.code.clone(),
                    name: m.name.clone(),
                    sector: format!("{} {}", m.sector.code, m.sector.name),
                    ministry: format!("{} {}", m.ministry.code, m.ministry.name),
                    policy_type: m.policy_type.id(),
                    profile: r.profile.id(),
                    index: r.index.map_or_else(|| "ND".into(), |i| format_display(i, r.profile.decimals)),
                    band_class: r.index_band.id(),
                    band_label: labels::band(r.index_band, lang),
                }
            })
            .collect(),
        sections: vec![
            SectionView { id: "sector", title: lang.pick("Por sector", "By sector"), groups: groups(&p.by_sector) },
            SectionView {
                id: "ministry",
                title: lang.pick("Por ministerio conductor", "By conducting ministry"),
                groups: groups(&p.by_ministry),
            },
            SectionView {
                id: "type",
                title: lang.pick("Por tipo de política", "By policy type"),
                groups: groups(&p.by_type),
            },
        ],
        outlook: crate::outlook::portfolio_summary(items, &p, year, lang),
    };
    page.render().unwrap_or_else(|e| format!("<!-- template error: {e} -->"))
}
