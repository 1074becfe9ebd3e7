//! The public pages of entities' PEIs: the overview across entities (`/pei`) and an entity's
//! Seguimiento del PEI (`/pei/{entidad}`, CEPLAN's Anexo B-7) for a follow-up year: each OEI and
//! AEI with its indicators, their baseline, logros esperados, valores obtenidos and avances year by
//! year as the version of CEPLAN's application prints them, and its notes.

use askama::Template;
use avance_core::pei::PeiCodeKind;
use avance_core::value::Cell;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::AppState;
use crate::view::{Fail, Frame, Viewer, render};

struct Row {
    entity: String,
    name: String,
    first: i32,
    period: String,
    year: u16,
    indicators: i64,
    valued: usize,
    zero_target: usize,
    nd: usize,
    last: String,
}

#[derive(Template)]
#[template(path = "pei_list.html")]
struct ListPage {
    f: Frame,
    intro: &'static str,
    none: &'static str,
    heads: [&'static str; 7],
    rows: Vec<Row>,
    pager: crate::view::Pager,
}

pub async fn list(State(state): State<AppState>, v: Viewer, Query(q): Query<crate::view::ListQuery>) -> Response {
    let l = v.lang;
    let rows = match state.app.pei_overview().await {
        Ok(rows) => rows,
        Err(e) => return Fail::new(e, &v).into_response(),
    };
    let rows = rows
        .into_iter()
        .map(|r| Row {
            entity: r.summary.entity_code,
            name: r.summary.entity_name,
            first: r.summary.first_year,
            period: format!("{}–{}", r.summary.first_year, r.summary.last_year),
            year: r.year.get(),
            indicators: r.summary.indicators,
            valued: r.valued,
            zero_target: r.zero_target,
            nd: r.nd,
            last: r.summary.last_at.chars().take(10).collect(),
        })
        .collect::<Vec<Row>>();
    let (rows, pager) = crate::view::paged(rows, &q, |r| [r.entity.as_str(), r.name.as_str()], "/pei", l);
    let page = ListPage {
        f: v.frame(l.pick("Planes estratégicos institucionales (PEI)", "Institutional strategic plans (PEI)")),
        intro: l.pick(
            "El seguimiento del PEI de cada entidad en su último año con valores obtenidos, como lo imprime el aplicativo de CEPLAN en su Anexo B-7.",
            "Each entity's PEI follow-up in its latest year with values obtained, as CEPLAN's application prints it in its Anexo B-7.",
        ),
        none: l.pick("No hay PEI cargados (avance pei load los carga).", "There are no PEIs loaded (avance pei load loads them)."),
        heads: [
            l.pick("Entidad", "Entity"),
            l.pick("Nombre", "Name"),
            l.pick("Periodo", "Period"),
            l.pick("Año de seguimiento", "Follow-up year"),
            l.pick("Indicadores", "Indicators"),
            l.pick("Con avance / (*) / ND", "With avance / (*) / ND"),
            l.pick("Último cambio", "Last change"),
        ],
        rows,
        pager,
    };
    render(&page).into_response()
}

struct YearRow {
    year: u16,
    expected: String,
    obtained: String,
    avance: String,
}

struct IndicatorBlock {
    code: String,
    name: String,
    unit: String,
    baseline: String,
    years: Vec<YearRow>,
}

struct ElementBlock {
    code: String,
    name: String,
    action: bool,
    indicators: Vec<IndicatorBlock>,
}

struct Texts {
    year: &'static str,
    column_year: &'static str,
    show: &'static str,
    figures: &'static str,
    unit: &'static str,
    baseline: &'static str,
    expected: &'static str,
    obtained: &'static str,
    avance: &'static str,
    notes: &'static str,
    nd: &'static str,
    record: &'static str,
    pdf: &'static str,
    publish: &'static str,
    published: &'static str,
    published_intro: &'static str,
    published_heads: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "pei.html")]
struct PeiPageTemplate {
    f: Frame,
    t: Texts,
    entity: String,
    header: Vec<(&'static str, String)>,
    years: Vec<u16>,
    year: u16,
    first_year: i32,
    blocks: Vec<ElementBlock>,
    notes: Vec<&'static str>,
    registro: Option<String>,
    pdf: String,
    /// Where the publish form posts (the entity's planning office and the administrator).
    publish: Option<String>,
    /// "Published" after a publication, with the fingerprint's start.
    notice: Option<String>,
    /// (year, when, by whom, the hash's first 16 characters, full hash).
    published: Vec<(i32, String, String, String, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PeiQuery {
    #[serde(default)]
    anio: String,
    #[serde(default)]
    periodo: String,
    /// The start of the fingerprint of a publication just made.
    #[serde(default)]
    publicado: String,
}

fn text(c: Option<&Cell>) -> String {
    c.map_or_else(|| "—".to_string(), |c| c.text().to_string())
}

/// The PEI and year a page or its PDF asks for (`?periodo=&anio=`), or the page of the refusal.
async fn asked(state: &AppState, v: &Viewer, entity: &str, q: &PeiQuery) -> Result<avance_app::pei::PeiPage, Response> {
    let first_year = q.periodo.trim().parse::<i32>().ok();
    let year = q.anio.trim().parse::<u16>().ok();
    state.app.pei_page(entity, first_year, year).await.map_err(|e| Fail::new(e, v).into_response())
}

pub async fn page(
    State(state): State<AppState>,
    v: Viewer,
    Path(entity): Path<String>,
    Query(q): Query<PeiQuery>,
) -> Response {
    let l = v.lang;
    let p = match asked(&state, &v, &entity, &q).await {
        Ok(p) => p,
        Err(page) => return page,
    };
    let (plan, fig) = (&p.plan, &p.figures);
    let profile = &fig.profile;
    let indicator = |i: usize| {
        let ind = &plan.indicators[i];
        IndicatorBlock {
            code: ind.code.to_string(),
            name: ind.name.clone(),
            unit: ind.unit.label(l).to_string(),
            baseline: ind
                .baseline
                .as_ref()
                .map_or_else(|| "—".to_string(), |b| format!("{} ({})", b.value.text(), b.year)),
            years: fig
                .rows
                .iter()
                .filter(|r| r.indicator == i)
                .map(|r| YearRow {
                    year: r.year.get(),
                    expected: text(ind.targets.get(&r.year)),
                    obtained: text(ind.actuals.get(&r.year)),
                    avance: r.figure.printed(profile),
                })
                .collect(),
        }
    };
    let mut blocks = Vec::new();
    for objective in plan.elements.iter().filter(|e| e.code.kind() == PeiCodeKind::Objective) {
        let of = |code: &avance_core::pei::PeiCode| {
            (0..plan.indicators.len())
                .filter(|&i| plan.indicators[i].code.parent().as_ref() == Some(code))
                .map(indicator)
                .collect::<Vec<_>>()
        };
        blocks.push(ElementBlock {
            code: objective.code.to_string(),
            name: objective.name.clone().unwrap_or_default(),
            action: false,
            indicators: of(&objective.code),
        });
        for action in plan.elements.iter().filter(|e| e.code.parent().as_ref() == Some(&objective.code)) {
            blocks.push(ElementBlock {
                code: action.code.to_string(),
                name: action.name.clone().unwrap_or_default(),
                action: true,
                indicators: of(&action.code),
            });
        }
    }
    let mine = v.sections.pei_entry
        && v.actor.principal.scope.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(&plan.entity_code));
    let page = PeiPageTemplate {
        f: v.frame(format!("{} — PEI {}–{}", plan.entity_name, plan.first_year, plan.last_year)),
        t: Texts {
            year: l.pick("Año de seguimiento", "Follow-up year"),
            column_year: l.pick("Año", "Year"),
            show: l.pick("Mostrar", "Show"),
            figures: l.pick("Seguimiento del PEI (Anexo B-7)", "PEI follow-up (Anexo B-7)"),
            unit: l.pick("Unidad de medida", "Unit of measure"),
            baseline: l.pick("Línea de base", "Baseline"),
            expected: l.pick("Logro esperado", "Expected value"),
            obtained: l.pick("Valor obtenido", "Obtained value"),
            avance: l.pick("Avance %", "Progress %"),
            notes: l
                .pick("Notas que imprime el aplicativo de CEPLAN", "Notes CEPLAN's application prints (in Spanish)"),
            nd: l.pick(
                "ND: sin logro esperado o sin valor obtenido en el año.",
                "ND: no expected value or no obtained value in the year.",
            ),
            record: l.pick("Registrar los valores obtenidos", "Record the values obtained"),
            pdf: l.pick("Descargar el Anexo B-7 en PDF", "Download the Anexo B-7 as PDF"),
            publish: l.pick("Publicar el seguimiento de este año", "Publish this year's follow-up"),
            published: l.pick("Seguimientos publicados", "Published follow-ups"),
            published_intro: l.pick(
                "Cada publicación congela el plan, las reglas y las cifras del año con una huella SHA-256 (avance pei publish); los cambios posteriores no la tocan.",
                "Each publication freezes the year's plan, rules and figures with a SHA-256 fingerprint (avance pei publish); later changes do not touch it.",
            ),
            published_heads: crate::view::publication_heads(&[l.pick("Año", "Year")], l),
        },
        entity: plan.entity_code.clone(),
        header: vec![
            (l.pick("Entidad", "Entity"), format!("{} ({})", plan.entity_name, plan.entity_code)),
            (l.pick("Sector", "Sector"), plan.sector.clone()),
            (l.pick("Periodo del plan", "Plan period"), format!("{}–{}", plan.first_year, plan.last_year)),
            (l.pick("Año de seguimiento", "Follow-up year"), fig.cut.to_string()),
            (l.pick("Perfil de reglas", "Rule profile"), profile.id()),
        ],
        years: (plan.first_year.get()..=plan.last_year.get()).collect(),
        year: fig.cut.get(),
        first_year: i32::from(plan.first_year.get()),
        blocks,
        notes: avance_report::pei::printed_notes(profile),
        published: p
            .published
            .iter()
            .map(|s| {
                let when = avance_report::labels::lima_time(&s.published_at, l);
                (s.year, when, s.published_by.clone(), s.content_hash.chars().take(16).collect(), s.content_hash.clone())
            })
            .collect(),
        publish: (mine || v.sections.admin).then(|| format!("/pei/{}/publicar", crate::view::encode(&plan.entity_code))),
        notice: crate::poi::published_notice(&q.publicado, l),
        pdf: format!(
            "/pei/{}/seguimiento.pdf?periodo={}&anio={}",
            crate::view::encode(&plan.entity_code),
            plan.first_year,
            fig.cut
        ),
        registro: mine
            .then(|| format!("/pei/{}/registro?periodo={}", crate::view::encode(&plan.entity_code), plan.first_year)),
    };
    render(&page).into_response()
}

/// `/pei/{entidad}/seguimiento.pdf`: the Seguimiento del PEI of the year (CEPLAN's Anexo B-7) as
/// PDF, as `avance pei report` writes it.
pub async fn pdf(
    State(state): State<AppState>,
    v: Viewer,
    Path(entity): Path<String>,
    Query(q): Query<PeiQuery>,
) -> Response {
    let l = v.lang;
    let p = match asked(&state, &v, &entity, &q).await {
        Ok(p) => p,
        Err(page) => return page,
    };
    let filename = format!("seguimiento-pei-{}-{}.pdf", p.plan.entity_code, p.figures.cut);
    let (plan, figures) = (p.plan, p.figures);
    file_response(&entity, filename, "application/pdf", l, move || avance_pdf::render_pei(&plan, &figures, l)).await
}

/// A file made off the async threads (`make`) as a download named `filename` of `content_type`,
/// or the error page (logged with `entity`) when it could not be made.
pub(crate) async fn file_response<E: std::fmt::Display>(
    entity: &str,
    filename: String,
    content_type: &'static str,
    l: avance_core::lang::Lang,
    make: impl FnOnce() -> Result<Vec<u8>, E> + Send + 'static,
) -> Response {
    let made = tokio::task::spawn_blocking(move || make().map_err(|e| e.to_string()))
        .await
        .map_err(|e| e.to_string())
        .and_then(|x| x);
    match made {
        Ok(bytes) => (
            axum::http::StatusCode::OK,
            [
                (axum::http::header::CONTENT_TYPE, content_type.to_string()),
                (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(entity = %entity, file = %filename, error = %e, "file could not be generated");
            crate::view::error_page(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                l.pick("No se pudo generar el archivo.", "The file could not be generated."),
                l,
            )
        }
    }
}
