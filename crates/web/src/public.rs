//! Pages anyone can see: the national overview, a policy, an indicator, and downloads.

use std::collections::BTreeMap;
use std::sync::Arc;

use askama::Template;
use avance_app::{AppError, Loaded, Missing, OverviewFilter, PolicyView};
use avance_core::Decimal;
use avance_core::avance::{NdReason, Tipo2};
use avance_core::band::Band;
use avance_core::code::CodeKind;
use avance_core::compute::{LevelCounts, Summary};
use avance_core::lang::Lang;
use avance_core::model::{Direction, Policy, Year};
use avance_core::number::format_display;
use avance_core::profile::RuleProfile;
use avance_report::labels::shown;
use avance_report::{alert_text, explain, labels, svg};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::AppState;
use crate::security;
use crate::view::{Fail, Frame, OrFail, Page, Viewer, not_found, render, see_other};

/// The year asked for (`?anio=`), if it is one.
#[derive(Debug, Default, Deserialize)]
pub struct YearQuery {
    #[serde(default)]
    pub anio: String,
}

/// Switches the language (a cookie) and goes back where the visitor was.
pub async fn switch_language(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let lang: Lang = lang.parse().unwrap_or_default();
    let back = q.get("volver").and_then(|p| security::same_site_path(p)).unwrap_or("/");
    let mut res = see_other(back);
    res.headers_mut().append(
        header::SET_COOKIE,
        security::set_cookie(security::LANG_COOKIE, lang.id(), state.config.secure_cookies, Some(365 * 24 * 3600)),
    );
    res
}

/// The key of a page in the cache of public pages: only for visitors who are not logged in (their
/// pages carry nothing personal).
fn page_key(v: &Viewer) -> Option<String> {
    v.user().is_none().then(|| format!("{}|{}", v.lang.id(), v.path))
}

fn html(bytes: axum::body::Bytes) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], bytes).into_response()
}

/// The policies now and the cache key of the page asked for; or the answer already: the page
/// itself from the cache, or a database error.
async fn public_start(state: &AppState, v: &Viewer) -> Result<(Arc<Loaded>, Option<String>), Response> {
    let loaded = state.app.loaded().await.map_err(|e| Fail::new(e, v).into_response())?;
    let key = page_key(v);
    if let Some(bytes) = key.as_ref().and_then(|k| loaded.page(k)) {
        return Err(html(bytes));
    }
    Ok((loaded, key))
}

/// Answers a rendered page, keeping it for the next visitors when `key` says it is public.
fn finish(loaded: &Loaded, key: Option<String>, page: String) -> Response {
    match key {
        Some(k) => html(loaded.keep_page(k, page)),
        None => html(page.into()),
    }
}

pub async fn fallback(v: Viewer) -> Response {
    not_found(v.lang)
}

struct CountCell {
    label: &'static str,
    cells: Vec<usize>,
    total: usize,
}

fn count_rows(c: &LevelCounts, lang: Lang) -> Vec<CountCell> {
    labels::levels(c, lang)
        .into_iter()
        .map(|(label, b)| CountCell { label, cells: Band::ALL.iter().map(|x| b.get(*x)).collect(), total: b.total() })
        .collect()
}

struct OverviewRow {
    code: String,
    name: String,
    sector: String,
    ministry: String,
    policy_type: &'static str,
    index: String,
    band_class: &'static str,
    band_label: &'static str,
    objectives: String,
    indicators: String,
    alerts: usize,
    /// The share of assessed indicators that reach their horizon target at the observed pace.
    on_track: String,
    on_track_value: Option<f64>,
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "overview.html")]
struct Overview {
    f: Frame,
    t: OverviewTexts,
    year: String,
    years: Vec<Choice>,
    sectors: Vec<Choice>,
    ministries: Vec<Choice>,
    types: Vec<Choice>,
    rows: Vec<OverviewRow>,
    band_heads: Vec<&'static str>,
    counts: Vec<CountCell>,
    chart: String,
    chart_index: String,
    empty: bool,
    by_on_track: bool,
}

struct OverviewTexts {
    intro: &'static str,
    filters: &'static str,
    year: &'static str,
    sector: &'static str,
    ministry: &'static str,
    policy_type: &'static str,
    all: &'static str,
    apply: &'static str,
    policies: &'static str,
    heads: [&'static str; 10],
    order: &'static str,
    order_code: &'static str,
    order_on_track: &'static str,
    totals: &'static str,
    level: &'static str,
    chart: &'static str,
    chart_index: &'static str,
    none: &'static str,
}

#[derive(Debug, Default, Deserialize)]
pub struct OverviewQuery {
    #[serde(default)]
    anio: String,
    #[serde(default)]
    sector: String,
    #[serde(default)]
    ministerio: String,
    #[serde(default)]
    tipo: String,
    /// `en-camino` to rank by the share of indicators on track; else by code.
    #[serde(default)]
    orden: String,
}

fn choices(values: impl IntoIterator<Item = (String, String)>, selected: &str) -> Vec<Choice> {
    let map: BTreeMap<String, String> = values.into_iter().collect();
    map.into_iter().map(|(value, label)| Choice { selected: value == selected, value, label }).collect()
}

/// Index chart: each policy's índice as a horizontal bar coloured by its band.
fn index_chart(items: &[(Arc<Policy>, Summary)], lang: Lang) -> String {
    let rows: Vec<(String, Option<Decimal>, Band)> =
        items.iter().map(|(p, r)| (p.meta().code.clone(), r.index, r.index_band)).collect();
    let profile = items.first().map_or_else(RuleProfile::ceplan_pn_v1, |(p, _)| p.profile().clone());
    svg::bars_described(
        lang.pick("Índice de gestión por política", "Management index by policy"),
        &rows,
        &profile,
        Some("tabla-politicas"),
    )
}

pub async fn overview(State(state): State<AppState>, v: Viewer, Query(q): Query<OverviewQuery>) -> Response {
    let (loaded, key) = match public_start(&state, &v).await {
        Ok(x) => x,
        Err(answer) => return answer,
    };
    let l = v.lang;
    let filter = OverviewFilter {
        year: q.anio.parse::<Year>().ok(),
        sector: q.sector.clone(),
        ministry: q.ministerio.clone(),
        policy_type: q.tipo.clone(),
    };
    let view = match state.app.overview(&v.actor, &filter).await {
        Ok(x) => x,
        Err(e) => return Fail::new(e, &v).into_response(),
    };
    let outlooks = view.outlooks();
    let (year, items) = (view.year, view.items);
    let all_years: Vec<(String, String)> =
        loaded.policies.values().flat_map(|p| p.meta().years.iter()).map(|y| (y.to_string(), y.to_string())).collect();
    let mut total = LevelCounts::default();
    for (_, r) in &items {
        total.merge(&r.counts);
    }
    let mut rows = items
        .iter()
        .zip(&outlooks)
        .map(|((p, r), o)| {
            let m = p.meta();
            let d = p.profile().decimals;
            let obj = &r.counts.objectives;
            let ind = {
                let mut c = r.counts.objective_indicators;
                c.merge(&r.counts.service_indicators);
                c
            };
            OverviewRow {
                code: m.code.clone(),
                name: m.name.clone(),
                sector: m.sector.name.clone(),
                ministry: m.ministry.name.clone(),
                policy_type: m.policy_type.id(),
                index: shown(r.index, d),
                band_class: r.index_band.id(),
                band_label: labels::band(r.index_band, l),
                objectives: format!("{} / {} / {} / {}", obj.bajo, obj.intermedio, obj.alto, obj.nd),
                indicators: format!("{} / {} / {} / {}", ind.bajo, ind.intermedio, ind.alto, ind.nd),
                alerts: r.alerts,
                on_track: o.share_on_track().map_or_else(|| "—".to_string(), |x| format!("{:.1}%", x * 100.0)),
                on_track_value: o.share_on_track(),
            }
        })
        .collect::<Vec<_>>();
    // `?orden=en-camino`: the policies with the largest share of indicators on track first.
    if q.orden == "en-camino" {
        rows.sort_by(|a, b| b.on_track_value.unwrap_or(-1.0).total_cmp(&a.on_track_value.unwrap_or(-1.0)));
    }
    let page = Overview {
        f: v.frame(match year {
            Some(y) => format!("{} {y}", l.pick("Seguimiento de las políticas nacionales,", "Follow-up of national policies,")),
            None => l.pick("Seguimiento de las políticas nacionales", "Follow-up of national policies").to_string(),
        }),
        t: OverviewTexts {
            intro: l.pick(
                "Avance de cada política nacional según el método de CEPLAN: índice de gestión, semáforo y alertas, calculados con los valores aprobados más recientes.",
                "Progress of each national policy under CEPLAN's method: management index, traffic light and alerts, computed from the latest approved values.",
            ),
            filters: l.pick("Filtros", "Filters"),
            year: l.pick("Año", "Year"),
            sector: l.pick("Sector", "Sector"),
            ministry: l.pick("Ministerio conductor", "Conducting ministry"),
            policy_type: l.pick("Tipo de política", "Policy type"),
            all: l.pick("Todos", "All"),
            apply: l.pick("Aplicar filtros", "Apply filters"),
            policies: l.pick("Políticas nacionales", "National policies"),
            heads: [
                l.pick("Código", "Code"),
                l.pick("Política", "Policy"),
                l.pick("Índice de gestión", "Management index"),
                l.pick("Sector", "Sector"),
                l.pick("Ministerio conductor", "Conducting ministry"),
                l.pick("Tipo", "Type"),
                l.pick("Objetivos (bajo / intermedio / alto / ND)", "Objectives (low / intermediate / high / ND)"),
                l.pick("Indicadores (bajo / intermedio / alto / ND)", "Indicators (low / intermediate / high / ND)"),
                l.pick("Alertas", "Alerts"),
                l.pick("Indicadores en camino a la meta del horizonte", "Indicators on track to the horizon's target"),
            ],
            order: l.pick("Ordenar", "Sort"),
            order_code: l.pick("por código", "by code"),
            order_on_track: l.pick("por indicadores en camino a la meta", "by indicators on track"),
            totals: l.pick("Semáforo de las políticas seleccionadas", "Traffic light of the selected policies"),
            level: l.pick("Nivel", "Level"),
            chart: l.pick(
                "Cuántos objetivos e indicadores de las políticas seleccionadas hay en cada banda.",
                "How many objectives and indicators of the selected policies fall in each band.",
            ),
            chart_index: l.pick(
                "Índice de gestión de cada política; las líneas marcan 75 y 95.",
                "Each policy's management index; the lines mark 75 and 95.",
            ),
            none: l.pick(
                "No hay políticas con seguimiento para estos filtros.",
                "No policy is followed up for these filters.",
            ),
        },
        year: year.map(|y| y.to_string()).unwrap_or_default(),
        years: choices(all_years, &year.map(|y| y.to_string()).unwrap_or_default()),
        sectors: choices(
            loaded.policies.values().map(|p| (p.meta().sector.code.clone(), p.meta().sector.name.clone())),
            &q.sector,
        ),
        ministries: choices(
            loaded.policies.values().map(|p| (p.meta().ministry.code.clone(), p.meta().ministry.name.clone())),
            &q.ministerio,
        ),
        types: choices(
            loaded.policies.values().map(|p| (p.meta().policy_type.id().to_string(), p.meta().policy_type.id().to_string())),
            &q.tipo,
        ),
        empty: rows.is_empty(),
        by_on_track: q.orden == "en-camino",
        rows,
        band_heads: Band::ALL.iter().map(|b| labels::band_range(*b)).collect(),
        counts: count_rows(&total, l),
        chart: svg::band_distribution_described(&total, l, Some("tabla-semaforo")),
        chart_index: index_chart(&items, l),
    };
    finish(&loaded, key, render(&page).0)
}

struct Download {
    href: String,
    label: &'static str,
}

#[derive(Template)]
#[template(path = "policy.html")]
struct PolicyPage {
    f: Frame,
    pending: Option<String>,
    body: String,
}

/// The year switch and the downloads, under the policy's title.
#[derive(Template)]
#[template(path = "policy_nav.html")]
struct PolicyNav {
    years: Vec<(String, String, bool)>,
    year_label: &'static str,
    downloads_label: &'static str,
    downloads: Vec<Download>,
}

/// The year asked for (`?anio=`): none for the default; not found when it is not a year.
fn asked_year(q: &YearQuery) -> Result<Option<Year>, AppError> {
    if q.anio.is_empty() {
        return Ok(None);
    }
    q.anio.parse::<Year>().map(Some).map_err(|_| AppError::NotFound(Missing::Year))
}

pub async fn policy(
    State(state): State<AppState>,
    v: Viewer,
    Path(code): Path<String>,
    Query(q): Query<YearQuery>,
) -> Response {
    let (loaded, key) = match public_start(&state, &v).await {
        Ok(x) => x,
        Err(answer) => return answer,
    };
    let asked = async { state.app.policy(&v.actor, &code, asked_year(&q)?).await };
    let view = match asked.await {
        Ok(view) => view,
        Err(e) => return Fail::new(e, &v).into_response(),
    };
    let trend: Vec<_> = view.index_series().into_iter().map(|p| (p.year, p.avance, p.band)).collect();
    let PolicyView { policy, year, result, pending_reviews, .. } = view;
    let l = v.lang;
    let hash = avance_import::dataset::content_hash(&policy);
    let base = format!("/politicas/{code}");
    let pending = pending_reviews.map(|n| format!("{} {n}", l.pick("Valores por revisar:", "Values awaiting review:")));
    let nav = PolicyNav {
        years: policy.meta().years.iter().map(|y| (y.to_string(), format!("{base}?anio={y}"), y == year)).collect(),
        year_label: l.pick("Año de seguimiento", "Follow-up year"),
        downloads_label: l.pick("Descargas", "Downloads"),
        downloads: [
            ("reporte.pdf", l.pick("Reporte (PDF)", "Report (PDF)")),
            ("reporte.xlsx", l.pick("Reporte (XLSX)", "Report (XLSX)")),
            ("indicadores.csv", l.pick("Indicadores (CSV)", "Indicators (CSV)")),
            ("cifras.json", l.pick("Cifras (JSON)", "Figures (JSON)")),
        ]
        .into_iter()
        .map(|(file, label)| Download { href: format!("{base}/descargas/{file}?anio={year}"), label })
        .collect(),
    };
    let links = format!("{base}/indicadores");
    let page = PolicyPage {
        f: v.frame(avance_report::html::title(&policy, &result, l)),
        pending,
        body: avance_report::html::render_body(
            &policy,
            &result,
            l,
            &hash,
            &avance_report::html::Extras { links: Some(&links), after_title: &render(&nav).0, index_trend: &trend },
        ),
    };
    finish(&loaded, key, render(&page).0)
}

struct YearRow {
    year: String,
    target: String,
    actual: String,
    avance: String,
    band_class: &'static str,
    band_label: &'static str,
    current: bool,
}

/// One submission of the year's value, as the unit and its reviewers see it.
struct SubmissionRow {
    at: String,
    by: String,
    text: String,
    status: String,
    comment: String,
    evidence: String,
    review: String,
}

struct HistoryRow {
    at: String,
    author: String,
    field: String,
    text: String,
    reason: String,
    first: bool,
}

#[derive(Template)]
#[template(path = "indicator.html")]
struct IndicatorPage {
    f: Frame,
    t: IndicatorTexts,
    policy_code: String,
    policy_name: String,
    code: String,
    year: String,
    meta: Vec<(&'static str, String)>,
    years: Vec<YearRow>,
    chart: String,
    tipo1: String,
    tipo1_class: &'static str,
    tipo1_label: &'static str,
    tipo2: String,
    how: Vec<(&'static str, String)>,
    outlook: Vec<(&'static str, String)>,
    outlook_label: String,
    outlook_class: &'static str,
    notes: Vec<String>,
    history: Vec<HistoryRow>,
    submissions: Vec<SubmissionRow>,
    status: Option<String>,
    can_target: bool,
    target_years: Vec<String>,
    target_error: Option<String>,
    form_year: String,
    form_value: String,
    form_reason: String,
}

struct IndicatorTexts {
    back: &'static str,
    data: &'static str,
    series: &'static str,
    chart_caption: &'static str,
    year: &'static str,
    target: &'static str,
    actual: &'static str,
    avance: &'static str,
    band: &'static str,
    figures: &'static str,
    tipo1: &'static str,
    tipo2: &'static str,
    how: &'static str,
    history: &'static str,
    when: &'static str,
    who: &'static str,
    what: &'static str,
    value: &'static str,
    why: &'static str,
    first: &'static str,
    no_history: &'static str,
    change_target: &'static str,
    new_value: &'static str,
    justification: &'static str,
    save: &'static str,
    status: &'static str,
    outlook: &'static str,
    outlook_intro: &'static str,
    submissions: &'static str,
    submitted_by: &'static str,
    comment: &'static str,
    evidence: &'static str,
    review: &'static str,
}

fn indicator_texts(l: Lang) -> IndicatorTexts {
    IndicatorTexts {
        back: l.pick("Volver a la política", "Back to the policy"),
        data: l.pick("Ficha del indicador", "Indicator sheet"),
        series: l.pick("Logros esperados y valores obtenidos", "Targets and actual values"),
        chart_caption: l.pick(
            "Logro esperado y valor obtenido de cada año, la línea base y, bajo cada año, el semáforo de su avance. Las cifras están en la tabla siguiente.",
            "Each year's target and actual value, the baseline and, under each year, the band of its avance. The figures are in the table below.",
        ),
        year: l.pick("Año", "Year"),
        target: l.pick("Logro esperado", "Target"),
        actual: l.pick("Valor obtenido", "Actual value"),
        avance: l.pick("Avance Tipo 1 (%)", "Avance Tipo 1 (%)"),
        band: l.pick("Semáforo", "Traffic light"),
        figures: l.pick("Cifras del año", "Figures of the year"),
        tipo1: l.pick("Avance Tipo 1", "Avance Tipo 1"),
        tipo2: l.pick("Avance Tipo 2 (respecto de la línea base)", "Avance Tipo 2 (against the baseline)"),
        how: l.pick("¿Cómo se calculó?", "How was it computed?"),
        history: l.pick("Historial de cambios", "Change history"),
        when: l.pick("Fecha", "When"),
        who: l.pick("Autor", "Author"),
        what: l.pick("Dato", "Field"),
        value: l.pick("Valor", "Value"),
        why: l.pick("Motivo", "Reason"),
        first: l.pick("primer reporte", "first reported"),
        no_history: l.pick(
            "Este indicador no tiene historial en la base de datos.",
            "This indicator has no history in the database.",
        ),
        change_target: l.pick("Cambiar un logro esperado", "Change a target"),
        new_value: l.pick("Nuevo logro esperado", "New target"),
        justification: l.pick("Justificación (obligatoria)", "Justification (required)"),
        save: l.pick("Guardar el cambio", "Save the change"),
        status: l.pick("Reporte del año", "Reporting for the year"),
        outlook: l.pick("¿Llegará a la meta del horizonte?", "Will it reach the horizon's target?"),
        outlook_intro: l.pick(
            "Una estimación al ritmo observado hasta el año, junto a las cifras del método (que no cambia). La línea morada del gráfico es la proyección.",
            "An estimate at the pace observed up to the year, beside the method's figures (which it does not change). The purple line of the chart is the projection.",
        ),
        submissions: l.pick("Envíos del valor del año", "Submissions of the year's value"),
        submitted_by: l.pick("Enviado por", "Submitted by"),
        comment: l.pick("Comentario", "Comment"),
        evidence: l.pick("Evidencia", "Evidence"),
        review: l.pick("Revisión", "Review"),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct TargetForm {
    #[serde(default)]
    pub anio: String,
    #[serde(default)]
    pub valor: String,
    #[serde(default)]
    pub justificacion: String,
}

pub async fn indicator(
    State(state): State<AppState>,
    v: Viewer,
    Path((code, indicator)): Path<(String, String)>,
    Query(q): Query<YearQuery>,
    headers: axum::http::HeaderMap,
) -> Page {
    // A target change typed before the session expired, back in its form.
    let kept =
        v.user().and_then(|_| crate::draft::for_page(&headers, &format!("/politicas/{code}/indicadores/{indicator}")));
    let Some(mut kept) = kept else {
        return indicator_page(&state, &v, &code, &indicator, &q, None, TargetForm::default()).await;
    };
    let form = TargetForm {
        anio: kept.remove("anio").unwrap_or_default(),
        valor: kept.remove("valor").unwrap_or_default(),
        justificacion: kept.remove("justificacion").unwrap_or_default(),
    };
    let res = indicator_page(&state, &v, &code, &indicator, &q, None, form).await?;
    Ok(crate::draft::shown_once(res, true, state.config.secure_cookies))
}

/// The indicator page, with an error next to the target form when a change was refused.
pub(crate) async fn indicator_page(
    state: &AppState,
    v: &Viewer,
    code: &str,
    indicator: &str,
    q: &YearQuery,
    target_error: Option<String>,
    form: TargetForm,
) -> Page {
    let l = v.lang;
    let year = asked_year(q).or_fail(v)?;
    let view = state.app.indicator(&v.actor, code, indicator, year).await.or_fail(v)?;
    let ind = view.indicator();
    let policy = &view.policy.policy;
    let year = view.policy.year;
    let profile = &view.policy.result.profile;
    let d = profile.decimals;
    let r = &view.result;
    let m = policy.meta();
    let (sentido, aggregation) = match ind.direction {
        Direction::Trend { sense, aggregation } => (
            sense.map_or_else(
                || l.pick("(no declarado)", "(not declared)").to_string(),
                |s| labels::sense(s, l).to_string(),
            ),
            aggregation.id().to_string(),
        ),
        Direction::NoDefinido(s) => ("no definido".to_string(), s.id().to_string()),
    };
    let level = match ind.code.kind() {
        CodeKind::ObjectiveIndicator => {
            l.pick("Indicador de objetivo prioritario (IOP)", "Priority objective indicator (IOP)")
        }
        _ => l.pick("Indicador de servicio (ISS)", "Service indicator (ISS)"),
    };
    let meta = vec![
        (l.pick("Nivel", "Level"), level.to_string()),
        (l.pick("Responsable", "Responsible unit"), ind.responsible.clone()),
        (l.pick("Tipo de indicador", "Indicator type"), ind.indicator_type.clone()),
        (l.pick("Unidad de medida", "Unit"), ind.unit.label(l).to_string()),
        (l.pick("Sentido esperado", "Expected sense"), sentido),
        (l.pick("Agregación / estándar", "Aggregation / standard"), aggregation),
        (
            l.pick("Línea base", "Baseline"),
            ind.baseline.as_ref().map_or_else(|| "—".to_string(), |b| format!("{} ({})", b.value.text(), b.year)),
        ),
    ];
    let years = view
        .series
        .iter()
        .map(|p| YearRow {
            year: p.year.to_string(),
            target: ind.targets.get(&p.year).map_or_else(String::new, |c| c.text().to_string()),
            actual: ind.actuals.get(&p.year).map_or_else(String::new, |c| c.text().to_string()),
            avance: shown(p.avance, d),
            band_class: p.band.id(),
            band_label: labels::band(p.band, l),
            current: p.year == year,
        })
        .collect();
    let e = &view.evaluation;
    let tipo2 = match e.tipo2 {
        Tipo2::Value(x) => format_display(x, d),
        Tipo2::Nd => "ND".to_string(),
        Tipo2::NotApplicable => {
            l.pick("no aplica (indicador no definido)", "not applicable (no_definido indicator)").to_string()
        }
    };
    let mut notes: Vec<String> = e.quality.iter().map(|x| alert_text::quality(x, l)).collect();
    if matches!(e.avance, Err(NdReason::NoActual | NdReason::NoTargetNorActual)) {
        notes.push(l.pick("Falta el valor obtenido del año.", "The year's actual value is missing.").to_string());
    }
    let history = view
        .history
        .iter()
        .map(|h| HistoryRow {
            at: labels::lima_time(&h.at, l),
            author: h.author.clone(),
            field: match (h.field.as_str(), h.year) {
                ("target", Some(y)) => format!("{} {y}", l.pick("logro esperado", "target")),
                ("actual", Some(y)) => format!("{} {y}", l.pick("valor obtenido", "actual")),
                _ => l.pick("ficha", "metadata").to_string(),
            },
            text: h.text.clone().unwrap_or_else(|| l.pick("(eliminado)", "(removed)").to_string()),
            reason: h.reason.clone(),
            first: h.first,
        })
        .collect();
    // The year's submissions, with their evidence, for the unit that reports and its reviewers.
    let submissions = if v.user().is_some() {
        match state.app.submission_history(&v.actor, code, indicator, i64::from(year.get())).await {
            Ok(list) => list,
            Err(AppError::Forbidden | AppError::Unauthenticated) => Vec::new(),
            Err(e) => return Err(Fail::new(e, v)),
        }
        .into_iter()
        .rev()
        .map(|s| SubmissionRow {
            at: labels::lima_time(&s.submitted_at, l),
            by: s.submitted_by,
            text: s.text,
            status: s.status.label(l).to_string(),
            comment: s.comment.unwrap_or_default(),
            evidence: s.evidence.unwrap_or_default(),
            review: match (s.reviewed_by, s.review_reason) {
                (Some(by), Some(why)) => format!("{by}: {why}"),
                (Some(by), None) => by,
                _ => String::new(),
            },
        })
        .collect()
    } else {
        Vec::new()
    };
    let status = view.submission.as_ref().map(|s| {
        let mut t = format!("{}: {} ({})", s.status.label(l), s.text, s.submitted_by);
        if let Some(r) = &s.review_reason {
            t.push_str(&format!(" — {r}"));
        }
        t
    });
    let page = IndicatorPage {
        f: v.frame(format!("{} {}", ind.code, ind.name)),
        t: indicator_texts(l),
        policy_code: m.code.clone(),
        policy_name: m.name.clone(),
        code: ind.code.to_string(),
        year: year.to_string(),
        meta,
        years,
        chart: svg::indicator_chart(
            ind,
            &view.series.iter().map(|p| (p.year, p.band, p.avance.map(|a| format_display(a, d)))).collect::<Vec<_>>(),
            view.policy.year,
            view.outlook.as_ref().ok().and_then(|a| a.projection_line()),
            l,
            Some("tabla-serie"),
        ),
        tipo1: shown(r.avance(), d),
        tipo1_class: r.band.id(),
        tipo1_label: labels::band(r.band, l),
        tipo2,
        how: explain::avance_steps(e, profile, year, l),
        outlook: explain::outlook_steps(&view.outlook, l),
        outlook_label: match &view.outlook {
            Ok(a) => labels::outlook(a.outlook, l).to_string(),
            Err(_) => l.pick("sin datos suficientes", "not enough data").to_string(),
        },
        outlook_class: match &view.outlook {
            Ok(a) if a.outlook.reaches() => "alto",
            Ok(a) if a.outlook == avance_core::progress::Outlook::NeedsAcceleration => "intermedio",
            Ok(_) => "bajo",
            Err(_) => "nd",
        },
        notes,
        history,
        submissions,
        status,
        can_target: view.can_change_target,
        target_years: m.years.iter().map(|y| y.to_string()).collect(),
        target_error,
        form_year: if form.anio.is_empty() { year.to_string() } else { form.anio },
        form_value: form.valor,
        form_reason: form.justificacion,
    };
    Ok(render(&page).into_response())
}

/// PDF, XLSX, CSV or JSON of a policy-year.
pub async fn download(
    State(state): State<AppState>,
    v: Viewer,
    Path((code, file)): Path<(String, String)>,
    Query(q): Query<YearQuery>,
) -> Page {
    let l = v.lang;
    let year = asked_year(&q).or_fail(&v)?;
    let PolicyView { policy, year, result, .. } = state.app.policy(&v.actor, &code, year).await.or_fail(&v)?;
    let made = labels::lima_date(state.app.instant());
    let name = |what: &str, ext: &str| labels::download_name(&code, year, what, &made, ext);
    let made: Result<(Vec<u8>, &str, String), String> = match file.as_str() {
        "reporte.pdf" => {
            let (p, r) = (policy.clone(), result.clone());
            tokio::task::spawn_blocking(move || {
                let hash = avance_import::dataset::content_hash(&p);
                avance_pdf::render(&p, &r, l, &hash).map_err(|e| e.to_string())
            })
            .await
            .map_err(|e| e.to_string())
            .and_then(|x| x)
            .map(|b| (b, "application/pdf", name(l.pick("reporte", "report"), "pdf")))
        }
        "reporte.xlsx" => avance_report::xlsx::render(&policy, &result, l)
            .map_err(|e| e.to_string())
            .map(|b| (b, crate::XLSX_TYPE, name(l.pick("reporte", "report"), "xlsx"))),
        "indicadores.csv" => avance_report::csv::indicators(&policy, &result, l)
            .map(|b| (b, "text/csv; charset=utf-8", name(l.pick("indicadores", "indicators"), "csv"))),
        "cifras.json" => {
            let doc = avance_report::json::compute(&policy, &result, l);
            serde_json::to_vec_pretty(&doc)
                .map_err(|e| e.to_string())
                .map(|b| (b, "application/json", name(l.pick("cifras", "figures"), "json")))
        }
        _ => return Ok(not_found(l)),
    };
    Ok(match made {
        Ok((bytes, mime, filename)) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, mime.to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(file = %file, policy = %code, year = year.get(), error = %e, "download could not be generated");
            crate::view::error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                l.pick("No se pudo generar el archivo.", "The file could not be generated."),
                l,
            )
        }
    })
}
