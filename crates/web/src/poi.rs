//! The public pages of entities' POIs: the overview across entities (`/poi`) and an entity's
//! Reporte de seguimiento del POI (`/poi/{entidad}/{anio}`) for a period chosen by month, with the
//! figures as the version of CEPLAN's application prints them, S.P. and S.I., and its notes.

use askama::Template;
use avance_core::lang::Lang;
use avance_core::poi::{Figure, accumulated};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::AppState;
use crate::view::{Fail, Frame, Viewer, render};

struct Row {
    entity: String,
    name: String,
    sector: String,
    year: i32,
    period: String,
    activities: i64,
    total: String,
    sin_programacion: usize,
    incompleto: usize,
}

#[derive(Template)]
#[template(path = "poi_list.html")]
struct ListPage {
    f: Frame,
    intro: &'static str,
    none: &'static str,
    heads: [&'static str; 8],
    rows: Vec<Row>,
    pager: crate::view::Pager,
}

fn counts(r: &avance_core::poi::PoiResult) -> (usize, usize) {
    let count = |x: Figure| r.activities.iter().filter(|(_, f)| *f == x).count();
    (count(Figure::SinProgramacion), count(Figure::SeguimientoIncompleto))
}

/// `enero a junio`.
pub(crate) fn period_words(first: u8, last: u8, l: Lang) -> String {
    let m = |x| avance_report::poi::month(x, l);
    if first == last { m(first).to_string() } else { format!("{} {} {}", m(first), l.pick("a", "to"), m(last)) }
}

pub async fn list(State(state): State<AppState>, v: Viewer, Query(q): Query<crate::view::ListQuery>) -> Response {
    let l = v.lang;
    let rows = match state.app.poi_overview().await {
        Ok(rows) => rows,
        Err(e) => return Fail::new(e, &v).into_response(),
    };
    let rows = rows
        .into_iter()
        .map(|r| {
            let (sp, si) = counts(&r.figures.result);
            Row {
                entity: r.summary.entity_code,
                name: r.summary.entity_name,
                sector: r.summary.sector,
                year: r.summary.year,
                period: period_words(r.figures.period.first, r.figures.period.last, l),
                activities: r.summary.activities,
                total: r.figures.result.total.label(&r.figures.profile),
                sin_programacion: sp,
                incompleto: si,
            }
        })
        .collect::<Vec<Row>>();
    let (rows, pager) = crate::view::paged(rows, &q, |r| [r.entity.as_str(), r.name.as_str()], "/poi", l);
    let page = ListPage {
        f: v.frame(l.pick("Planes operativos institucionales (POI)", "Institutional operating plans (POI)")),
        intro: l.pick(
            "El avance de la ejecución física de cada entidad, de enero al último mes terminado, como lo imprime el aplicativo de CEPLAN en su Reporte de seguimiento del POI.",
            "Each entity's physical execution, from January to the last month ended, as CEPLAN's application prints it in its POI follow-up report.",
        ),
        none: l.pick("No hay POI cargados (avance poi load los carga).", "There are no POIs loaded (avance poi load loads them)."),
        heads: [
            l.pick("Entidad", "Entity"),
            l.pick("Nombre", "Name"),
            l.pick("Sector", "Sector"),
            l.pick("Año", "Year"),
            l.pick("Periodo", "Period"),
            l.pick("Actividades", "Activities"),
            l.pick("Ejecución física total", "Total physical execution"),
            l.pick("S.P. / S.I.", "S.P. / S.I."),
        ],
        rows,
        pager,
    };
    render(&page).into_response()
}

struct ActivityRow {
    code: String,
    name: String,
    unit: String,
    aggregation: &'static str,
    programmed: String,
    executed: String,
    figure: String,
    months: Vec<(String, String)>,
}

struct AeiBlock {
    code: String,
    name: String,
    figure: String,
    activities: Vec<ActivityRow>,
}

#[derive(Template)]
#[template(path = "poi.html")]
struct PoiPageTemplate {
    f: Frame,
    t: Texts,
    entity: String,
    year: i32,
    header: Vec<(&'static str, String)>,
    months: Vec<(u8, &'static str)>,
    first: u8,
    last: u8,
    blocks: Vec<AeiBlock>,
    total: String,
    notes: &'static [&'static str],
    month_heads: Vec<&'static str>,
    registro: Option<String>,
    pdf: String,
    xlsx: String,
    /// Where the publish form posts (the entity's planning office and the administrator).
    publish: Option<String>,
    /// "Published" after a publication, with the fingerprint's start.
    notice: Option<String>,
    /// (period, report date, when, by whom, the hash's first 16 characters, full hash).
    published: Vec<(String, String, String, String, String, String)>,
}

struct Texts {
    period: &'static str,
    from: &'static str,
    to: &'static str,
    show: &'static str,
    figures: &'static str,
    code: &'static str,
    what: &'static str,
    unit: &'static str,
    aggregation: &'static str,
    programmed: &'static str,
    executed: &'static str,
    avance: &'static str,
    total: &'static str,
    legend: &'static str,
    monthly: &'static str,
    monthly_intro: &'static str,
    notes: &'static str,
    departure: &'static str,
    record: &'static str,
    pdf: &'static str,
    xlsx: &'static str,
    publish: &'static str,
    published: &'static str,
    published_intro: &'static str,
    published_heads: Vec<&'static str>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    #[serde(default)]
    desde: String,
    #[serde(default)]
    hasta: String,
    /// The start of the fingerprint of a publication just made.
    #[serde(default)]
    publicado: String,
}

/// An amount as a page shows it: exact, without trailing zeros.
fn amount(v: avance_core::Decimal) -> String {
    v.normalize().to_string()
}

/// `/poi/{entidad}`: the entity's latest POI.
pub async fn latest(State(state): State<AppState>, v: Viewer, Path(entity): Path<String>) -> Response {
    match state.app.poi(&entity, None).await {
        Ok(plan) => crate::view::see_other(&format!("/poi/{}/{}", crate::view::encode(&plan.entity_code), plan.year)),
        Err(e) => Fail::new(e, &v).into_response(),
    }
}

pub async fn page(
    State(state): State<AppState>,
    v: Viewer,
    Path((entity, year)): Path<(String, String)>,
    Query(q): Query<PeriodQuery>,
) -> Response {
    let l = v.lang;
    let p = match asked(&state, &v, &entity, &year, &q).await {
        Ok(p) => p,
        Err(page) => return page,
    };
    let (plan, fig) = (&p.plan, &p.figures);
    let profile = &fig.profile;
    let period = fig.period;
    let blocks = fig
        .result
        .aei
        .iter()
        .map(|(code, f)| AeiBlock {
            code: code.clone(),
            name: plan.aei.iter().find(|(c, _)| c == code).map(|(_, n)| n.clone()).unwrap_or_default(),
            figure: f.label(profile),
            activities: plan
                .activities
                .iter()
                .zip(&fig.result.activities)
                .filter(|(a, _)| a.aei == *code)
                .map(|(a, (_, af))| {
                    let acc = accumulated(a, period);
                    ActivityRow {
                        code: a.code.clone(),
                        name: a.name.clone(),
                        unit: a.unit.clone(),
                        aggregation: avance_report::poi::aggregation_label(a, l),
                        programmed: acc.map_or_else(|| "-".to_string(), |(prog, _)| amount(prog)),
                        executed: acc.map_or_else(|| "-".to_string(), |(_, exec)| amount(exec)),
                        figure: af.label(profile),
                        months: (0..12)
                            .map(|m| (amount(a.programmed[m]), a.executed[m].map_or_else(String::new, amount)))
                            .collect(),
                    }
                })
                .collect(),
        })
        .collect();
    let due = if period.due_through == 0 {
        l.pick("ningún mes vencido", "no month due").to_string()
    } else {
        format!(
            "{} {}",
            l.pick("vencido el seguimiento hasta", "follow-up due through"),
            avance_report::poi::month(period.due_through, l)
        )
    };
    let mine = v.sections.poi_entry
        && v.actor.principal.scope.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(&plan.entity_code));
    let page = PoiPageTemplate {
        f: v.frame(format!("{} — POI {}", plan.entity_name, plan.year)),
        t: Texts {
            period: l.pick("Periodo del reporte", "Period of the report"),
            from: l.pick("Desde", "From"),
            to: l.pick("Hasta", "To"),
            show: l.pick("Mostrar", "Show"),
            figures: l.pick("Reporte de seguimiento del POI", "POI follow-up report"),
            code: l.pick("Código", "Code"),
            what: l.pick("AEI / actividad operativa", "AEI / operating activity"),
            unit: l.pick("Unidad de medida", "Unit of measure"),
            aggregation: l.pick("Tipo de agregación", "Aggregation"),
            programmed: l.pick("Programación acumulada", "Accumulated programming"),
            executed: l.pick("Ejecución acumulada", "Accumulated execution"),
            avance: l.pick("Avance %", "Progress %"),
            total: l.pick("Ejecución física total (promedio de las AO)", "Total physical execution (mean of the AO)"),
            legend: l.pick(
                "S.P.: sin programación en el periodo. S.I.: seguimiento incompleto (un mes vencido sin registro; cada mes vence el último día del mes siguiente). «-»: actividad no acumulada.",
                "S.P.: no programming in the period. S.I.: incomplete follow-up (a month due without a record; each month is due on the last day of the following month). «-»: non-cumulative activity.",
            ),
            monthly: l.pick("Programación y ejecución mensual", "Monthly programming and execution"),
            monthly_intro: l.pick(
                "Cada celda: programado / ejecutado; vacío donde no hay registro de seguimiento.",
                "Each cell: programmed / executed; empty where no follow-up was recorded.",
            ),
            notes: l.pick("Notas que imprime el aplicativo de CEPLAN", "Notes CEPLAN's application prints (in Spanish)"),
            departure: l.pick(
                "Este cálculo sigue lo que el aplicativo imprime donde difiere de sus notas: el total es el promedio de las AO, no de las AEI.",
                "This computation follows what the application prints where it departs from its notes: the total is the mean over the AO, not over the AEI.",
            ),
            record: l.pick("Registrar la ejecución mensual", "Record the monthly execution"),
            pdf: l.pick("Descargar el Reporte de seguimiento del POI en PDF", "Download the POI follow-up report as PDF"),
            xlsx: l.pick("en XLSX", "as XLSX"),
            publish: l.pick("Publicar este seguimiento", "Publish this follow-up"),
            published: l.pick("Seguimientos publicados", "Published follow-ups"),
            published_intro: l.pick(
                "Cada publicación congela el plan, los meses, la fecha del reporte, las reglas y las cifras con una huella SHA-256 (avance poi publish); los cambios posteriores no la tocan.",
                "Each publication freezes the plan, the months, the report's date, the rules and the figures with a SHA-256 fingerprint (avance poi publish); later changes do not touch it.",
            ),
            published_heads: crate::view::publication_heads(&[l.pick("Periodo", "Period"), l.pick("Fecha del reporte", "Date of the report")], l),
        },
        entity: plan.entity_code.clone(),
        year: plan.year,
        header: vec![
            (l.pick("Entidad", "Entity"), format!("{} ({})", plan.entity_name, plan.entity_code)),
            (l.pick("Sector", "Sector"), plan.sector.clone()),
            (l.pick("Perfil de reglas", "Rule profile"), profile.id()),
            (l.pick("Periodo", "Period"), period_words(period.first, period.last, l)),
            (l.pick("Fecha del reporte", "Date of the report"), format!("{} ({due})", p.today)),
        ],
        months: (1..=12).map(|m| (m, avance_report::poi::month(m, l))).collect(),
        first: period.first,
        last: period.last,
        blocks,
        total: fig.result.total.label(profile),
        notes: avance_report::poi::printed_notes(profile),
        month_heads: (1..=12).map(|m| avance_report::poi::month(m, l)).collect(),
        registro: mine.then(|| format!("/poi/{}/{}/registro", crate::view::encode(&plan.entity_code), plan.year)),
        publish: (mine || v.sections.admin)
            .then(|| format!("/poi/{}/{}/publicar", crate::view::encode(&plan.entity_code), plan.year)),
        notice: published_notice(&q.publicado, l),
        xlsx: format!(
            "/poi/{}/{}/reporte.xlsx?desde={}&hasta={}",
            crate::view::encode(&plan.entity_code),
            plan.year,
            period.first,
            period.last
        ),
        pdf: format!(
            "/poi/{}/{}/reporte.pdf?desde={}&hasta={}",
            crate::view::encode(&plan.entity_code),
            plan.year,
            period.first,
            period.last
        ),
        published: p
            .published
            .iter()
            .map(|s| {
                (
                    period_words(s.months.0, s.months.1, l),
                    s.report_date.clone(),
                    avance_report::labels::lima_time(&s.published_at, l),
                    s.published_by.clone(),
                    s.content_hash.chars().take(16).collect(),
                    s.content_hash.clone(),
                )
            })
            .collect(),
    };
    render(&page).into_response()
}

/// The POI and months a page or its PDF asks for (`/poi/{entidad}/{año}?desde=&hasta=`), or the
/// page of the refusal.
async fn asked(
    state: &AppState,
    v: &Viewer,
    entity: &str,
    year: &str,
    q: &PeriodQuery,
) -> Result<avance_app::poi::PoiPage, Response> {
    let Ok(year) = year.parse::<i32>() else { return Err(crate::view::not_found(v.lang)) };
    let months = match (q.desde.trim().parse::<u8>(), q.hasta.trim().parse::<u8>()) {
        (Ok(a), Ok(b)) => Some((a, b)),
        _ => None,
    };
    state.app.poi_page(entity, Some(year), months).await.map_err(|e| Fail::new(e, v).into_response())
}

/// `/poi/{entidad}/{año}/reporte.pdf`: the Reporte de seguimiento del POI of the months asked, as
/// a report generated today prints it, as `avance poi report` writes it.
pub async fn pdf(s: State<AppState>, v: Viewer, path: Path<(String, String)>, q: Query<PeriodQuery>) -> Response {
    report_file(s, v, path, q, false).await
}

/// `/poi/{entidad}/{año}/reporte.xlsx`: the same report as an XLSX workbook.
pub async fn xlsx(s: State<AppState>, v: Viewer, path: Path<(String, String)>, q: Query<PeriodQuery>) -> Response {
    report_file(s, v, path, q, true).await
}

/// The report of the months asked as PDF, or as a workbook (`workbook`).
async fn report_file(
    State(state): State<AppState>,
    v: Viewer,
    Path((entity, year)): Path<(String, String)>,
    Query(q): Query<PeriodQuery>,
    workbook: bool,
) -> Response {
    let l = v.lang;
    let p = match asked(&state, &v, &entity, &year, &q).await {
        Ok(p) => p,
        Err(page) => return page,
    };
    let (first, last) = (p.figures.period.first, p.figures.period.last);
    let (extension, content_type) = if workbook { ("xlsx", crate::XLSX_TYPE) } else { ("pdf", "application/pdf") };
    let name = format!("seguimiento-poi-{}-{}-{first:02}-{last:02}.{extension}", p.plan.entity_code, p.plan.year);
    let generated = generated(&p);
    crate::pei::file_response(&entity, name, content_type, l, move || {
        let f = &p.figures;
        let figures = (f.period, &f.profile, &f.result);
        if workbook {
            avance_report::poi::xlsx(&avance_report::poi::layout(&p.plan, figures, generated, l), l)
                .map_err(|e| e.to_string())
        } else {
            avance_pdf::render_poi(&p.plan, figures, generated, l).map_err(|e| e.to_string())
        }
    })
    .await
}

/// The report's generation date: the page's today, `(y, m, d)`.
fn generated(p: &avance_app::poi::PoiPage) -> (i32, u8, u8) {
    let d: Vec<i32> = p.today.split('-').filter_map(|x| x.parse().ok()).collect();
    let part = |i: usize| d.get(i).and_then(|x| u8::try_from(*x).ok()).unwrap_or(1);
    (d.first().copied().unwrap_or(p.plan.year), part(1), part(2))
}

/// The notice after a publication (`?publicado=` the fingerprint's start), if it is one.
pub(crate) fn published_notice(hash: &str, l: avance_core::lang::Lang) -> Option<String> {
    let hash = hash.trim();
    (hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()))
        .then(|| format!("{} {hash}…", l.pick("Publicado. Huella SHA-256:", "Published. SHA-256 fingerprint:")))
}
