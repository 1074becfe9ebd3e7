//! "Mi PEI": an entity's planning office records the valores obtenidos of a year of every
//! indicator of its PEI in one form, saved all together or not at all.

use askama::Template;
use avance_app::AppError;
use avance_app::pei::{PeiEntry, PeiEntryView};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::AppState;
use crate::view::{Fail, Frame, Viewer, render, see_other, with_status};

/// The prefix of an indicator's value field in the form (`v:IND.01.OEI.01`).
const FIELD: &str = "v:";

pub async fn mine(State(state): State<AppState>, v: Viewer) -> Response {
    let form = state.app.own_pei(&v.actor).await;
    let form = form.map(|(entity, first)| format!("/pei/{}/registro?periodo={first}", crate::view::encode(&entity)));
    super::own_plan(
        &v,
        form,
        (
            "Su cuenta no registra los valores de ningún PEI: la de la oficina de planeamiento de una entidad lo hace cuando el PEI de la entidad está cargado.",
            "Your account records the values of no PEI: an entity's planning office does, once the entity's PEI is loaded.",
        ),
    )
}

struct Line {
    index: usize,
    code: String,
    name: String,
    unit: String,
    expected: String,
    value: String,
    error: Option<String>,
}

struct Texts {
    intro: &'static str,
    year: &'static str,
    show: &'static str,
    code: &'static str,
    indicator: &'static str,
    unit: &'static str,
    expected: &'static str,
    obtained: &'static str,
    save: &'static str,
    report: &'static str,
    refused: &'static str,
}

#[derive(Template)]
#[template(path = "pei_entry.html")]
struct EntryPage {
    f: Frame,
    t: Texts,
    action: String,
    first_year: i32,
    years: Vec<u16>,
    year: u16,
    notice: Option<String>,
    refused: Option<String>,
    lines: Vec<Line>,
    report: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct EntryQuery {
    #[serde(default)]
    periodo: String,
    #[serde(default)]
    anio: String,
    #[serde(default)]
    guardado: String,
}

use super::Kept;

fn entry_page(v: &Viewer, view: &PeiEntryView, notice: Option<String>, kept: Option<&Kept>) -> EntryPage {
    let l = v.lang;
    let plan = &view.plan;
    let year = avance_core::model::Year::new(view.year).ok();
    let cell = |s: &avance_core::model::Series| year.and_then(|y| s.get(&y)).map(|c| c.text().to_string());
    let lines = plan
        .indicators
        .iter()
        .enumerate()
        .map(|(index, ind)| {
            let code = ind.code.to_string();
            let typed = kept.and_then(|k| k.values.iter().find(|(c, _)| *c == code)).map(|(_, x)| x.clone());
            Line {
                index,
                name: ind.name.clone(),
                unit: ind.unit.label(l).to_string(),
                expected: cell(&ind.targets).unwrap_or_else(|| "—".into()),
                value: typed.unwrap_or_else(|| cell(&ind.actuals).unwrap_or_default()),
                error: kept.and_then(|k| k.errors.iter().find(|(c, _)| *c == code)).map(|(_, e)| e.clone()),
                code,
            }
        })
        .collect();
    let entity = crate::view::encode(&plan.entity_code);
    EntryPage {
        f: v.frame(format!(
            "{} — PEI {}–{} · {}",
            l.pick("Registro de valores obtenidos", "Recording the values obtained"),
            plan.first_year,
            plan.last_year,
            plan.entity_name
        )),
        t: Texts {
            intro: l.pick(
                "Escriba el valor obtenido del año de cada indicador, en su unidad de medida (ND si no se pudo medir; vacío: sin registro). Se guarda todo junto o nada.",
                "Write each indicator's value obtained in the year, in its unit of measure (ND if it could not be measured; empty: no record). All is saved together or nothing is.",
            ),
            year: l.pick("Año", "Year"),
            show: l.pick("Mostrar", "Show"),
            code: l.pick("Código", "Code"),
            indicator: l.pick("Indicador", "Indicator"),
            unit: l.pick("Unidad de medida", "Unit of measure"),
            expected: l.pick("Logro esperado", "Expected value"),
            obtained: l.pick("Valor obtenido", "Obtained value"),
            save: l.pick("Guardar los valores de", "Save the values of"),
            report: l.pick("Ver el seguimiento del PEI", "See the PEI follow-up"),
            refused: l.pick("Corrija estos valores:", "Correct these values:"),
        },
        action: format!("/pei/{entity}/registro"),
        first_year: i32::from(plan.first_year.get()),
        years: view.years.clone(),
        year: view.year,
        notice,
        refused: kept.map(|k| k.message.clone()),
        lines,
        report: format!("/pei/{entity}?periodo={}&anio={}", plan.first_year, view.year),
    }
}

pub async fn entry(
    State(state): State<AppState>,
    v: Viewer,
    Path(entity): Path<String>,
    Query(q): Query<EntryQuery>,
) -> Response {
    let l = v.lang;
    let first = q.periodo.trim().parse::<i32>().ok();
    let year = q.anio.trim().parse::<u16>().ok();
    let view = match state.app.pei_entry(&v.actor, &entity, first, year).await {
        Ok(view) => view,
        Err(e) => return Fail::new(e, &v).into_response(),
    };
    let notice = q.guardado.parse::<usize>().ok().map(|n| match (l, n) {
        (avance_core::lang::Lang::Es, 0) => format!("Nada cambió en los valores de {}.", view.year),
        (avance_core::lang::Lang::Es, 1) => format!("Se guardaron los valores de {}: 1 indicador cambió.", view.year),
        (avance_core::lang::Lang::Es, n) => {
            format!("Se guardaron los valores de {}: {n} indicadores cambiaron.", view.year)
        }
        (avance_core::lang::Lang::En, 0) => format!("Nothing changed in the values of {}.", view.year),
        (avance_core::lang::Lang::En, 1) => format!("The values of {} were saved: 1 indicator changed.", view.year),
        (avance_core::lang::Lang::En, n) => format!("The values of {} were saved: {n} indicators changed.", view.year),
    });
    render(&entry_page(&v, &view, notice, None)).into_response()
}

pub async fn record(
    State(state): State<AppState>,
    v: Viewer,
    Path(entity): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let l = v.lang;
    let field =
        |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, x)| x.trim().to_string()).unwrap_or_default();
    let first = field("periodo").parse::<i32>().ok();
    let Ok(year) = field("anio").parse::<u16>() else {
        let e =
            AppError::Invalid { field: avance_app::Field::Year, problem: avance_app::Problem::PeiYearNotStarted(0) };
        return Fail::new(e, &v).into_response();
    };
    let values: Vec<(String, String)> = form
        .iter()
        .filter_map(|(k, value)| k.strip_prefix(FIELD).map(|code| (code.to_string(), value.clone())))
        .collect();
    let entry = PeiEntry { entity: entity.clone(), first_year: first, year, values: values.clone() };
    match state.app.record_pei_values(&v.actor, &entry).await {
        Ok(done) => see_other(&format!(
            "/pei/{}/registro?periodo={}&anio={year}&guardado={}",
            crate::view::encode(&entity),
            first.map(|f| f.to_string()).unwrap_or_default(),
            done.changed.len()
        )),
        Err(AppError::Items(items)) => {
            let view = match state.app.pei_entry(&v.actor, &entity, first, Some(year)).await {
                Ok(view) => view,
                Err(e) => return Fail::new(e, &v).into_response(),
            };
            let (kept, e) = Kept::refused(values, items, l);
            with_status(render(&entry_page(&v, &view, None, Some(&kept))).into_response(), &e)
        }
        Err(e) => Fail::new(e, &v).into_response(),
    }
}

/// `POST /pei/{entidad}/publicar`: the entity's planning office (or the administrator) publishes
/// the follow-up of the year shown (`periodo`, `anio`); back to the PEI's page, which lists it.
pub async fn publish(
    State(state): State<AppState>,
    v: Viewer,
    Path(entity): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let field =
        |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, x)| x.trim().to_string()).unwrap_or_default();
    let first = field("periodo").parse::<i32>().ok();
    let year = field("anio").parse::<u16>().ok();
    match state.app.publish_pei(&v.actor, &entity, first, year).await {
        Ok(s) => see_other(&format!(
            "/pei/{}?periodo={}&anio={}&publicado={}#publicados",
            crate::view::encode(&s.entity),
            s.first_year,
            s.year,
            &s.content_hash[..16]
        )),
        Err(e) => Fail::new(e, &v).into_response(),
    }
}
