//! "Mi POI": an entity's planning office records the month's physical execution of every activity
//! of its POI in one form, saved all together or not at all, with the month's deadline (the last
//! day of the following month) in view.

use askama::Template;
use avance_app::AppError;
use avance_app::poi::{EntryView, MonthEntry};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::AppState;
use crate::view::{Fail, Frame, Viewer, render, see_other, with_status};

/// The prefix of an activity's execution field in the form (`e:AOI00001`).
const FIELD: &str = "e:";

pub async fn mine(State(state): State<AppState>, v: Viewer) -> Response {
    let form = state.app.own_poi(&v.actor).await;
    let form = form.map(|(entity, year)| format!("/poi/{}/{year}/registro", crate::view::encode(&entity)));
    super::own_plan(
        &v,
        form,
        (
            "Su cuenta no registra la ejecución de ningún POI: la de la oficina de planeamiento de una entidad lo hace cuando el POI de la entidad está cargado.",
            "Your account records the execution of no POI: an entity's planning office does, once the entity's POI is loaded.",
        ),
    )
}

struct Line {
    index: usize,
    code: String,
    name: String,
    aei: String,
    unit: String,
    programmed: String,
    value: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "poi_entry.html")]
struct EntryPage {
    f: Frame,
    t: Texts,
    action: String,
    months: Vec<(u8, &'static str)>,
    month: u8,
    month_name: &'static str,
    deadline: String,
    late: bool,
    notice: Option<String>,
    refused: Option<String>,
    lines: Vec<Line>,
    report: String,
}

struct Texts {
    intro: &'static str,
    month: &'static str,
    show: &'static str,
    code: &'static str,
    activity: &'static str,
    unit: &'static str,
    programmed: &'static str,
    executed: &'static str,
    save: &'static str,
    report: &'static str,
    refused: &'static str,
}

#[derive(Debug, Default, Deserialize)]
pub struct EntryQuery {
    #[serde(default)]
    mes: String,
    #[serde(default)]
    guardado: String,
    #[serde(default)]
    tarde: String,
}

use super::Kept;

fn entry_page(v: &Viewer, view: &EntryView, notice: Option<String>, kept: Option<&Kept>) -> EntryPage {
    let l = v.lang;
    let plan = &view.plan;
    let m = usize::from(view.month) - 1;
    let month_name = avance_report::poi::month(view.month, l);
    let deadline = match (view.days_left, l) {
        (d, avance_core::lang::Lang::Es) if d >= 0 => {
            format!("El seguimiento de {month_name} vence el {} (faltan {d} días).", view.deadline)
        }
        (d, avance_core::lang::Lang::Es) => format!(
            "El seguimiento de {month_name} venció el {} (hace {} días): lo que registre ahora quedará fuera de plazo.",
            view.deadline, -d
        ),
        (d, avance_core::lang::Lang::En) if d >= 0 => {
            format!("The follow-up of {month_name} is due on {} ({d} days left).", view.deadline)
        }
        (d, avance_core::lang::Lang::En) => format!(
            "The follow-up of {month_name} was due on {} ({} days ago): what you record now is late.",
            view.deadline, -d
        ),
    };
    let lines = plan
        .activities
        .iter()
        .enumerate()
        .map(|(index, a)| {
            let typed = kept.and_then(|k| k.values.iter().find(|(c, _)| *c == a.code)).map(|(_, x)| x.clone());
            Line {
                index,
                code: a.code.clone(),
                name: a.name.clone(),
                aei: a.aei.clone(),
                unit: a.unit.clone(),
                programmed: a.programmed[m].normalize().to_string(),
                value: typed.unwrap_or_else(|| a.executed[m].map(|x| x.normalize().to_string()).unwrap_or_default()),
                error: kept.and_then(|k| k.errors.iter().find(|(c, _)| *c == a.code)).map(|(_, e)| e.clone()),
            }
        })
        .collect();
    EntryPage {
        f: v.frame(format!("{} — POI {} · {}", l.pick("Registro de la ejecución", "Recording the execution"), plan.year, plan.entity_name)),
        t: Texts {
            intro: l.pick(
                "Escriba la ejecución física del mes de cada actividad (0 si no se ejecutó nada; vacío: sin registro). Se guarda todo junto o nada.",
                "Write each activity's physical execution of the month (0 if nothing was executed; empty: no record). All is saved together or nothing is.",
            ),
            month: l.pick("Mes", "Month"),
            show: l.pick("Mostrar", "Show"),
            code: l.pick("Código", "Code"),
            activity: l.pick("Actividad operativa", "Operating activity"),
            unit: l.pick("Unidad de medida", "Unit of measure"),
            programmed: l.pick("Programado en el mes", "Programmed in the month"),
            executed: l.pick("Ejecutado en el mes", "Executed in the month"),
            save: l.pick("Guardar la ejecución de", "Save the execution of"),
            report: l.pick("Ver el reporte de seguimiento del POI", "See the POI follow-up report"),
            refused: l.pick("Corrija estos valores:", "Correct these values:"),
        },
        action: format!("/poi/{}/{}/registro", crate::view::encode(&plan.entity_code), plan.year),
        months: view.months.iter().map(|m| (*m, avance_report::poi::month(*m, l))).collect(),
        month: view.month,
        month_name,
        deadline,
        late: view.days_left < 0,
        notice,
        refused: kept.map(|k| k.message.clone()),
        lines,
        report: format!("/poi/{}/{}", crate::view::encode(&plan.entity_code), plan.year),
    }
}

fn year_of(text: &str) -> Option<i32> {
    text.parse::<i32>().ok()
}

pub async fn entry(
    State(state): State<AppState>,
    v: Viewer,
    Path((entity, year)): Path<(String, String)>,
    Query(q): Query<EntryQuery>,
) -> Response {
    let l = v.lang;
    let Some(year) = year_of(&year) else { return crate::view::not_found(l) };
    let month = q.mes.trim().parse::<u8>().ok();
    let view = match state.app.poi_entry(&v.actor, &entity, Some(year), month).await {
        Ok(view) => view,
        Err(e) => return Fail::new(e, &v).into_response(),
    };
    let notice = q.guardado.parse::<usize>().ok().map(|n| {
        let month = avance_report::poi::month(view.month, l);
        let late =
            if q.tarde == "1" { l.pick(" Quedó registrado fuera de plazo.", " It was recorded late.") } else { "" };
        match (l, n) {
            (avance_core::lang::Lang::Es, 0) => format!("Nada cambió en la ejecución de {month}."),
            (avance_core::lang::Lang::Es, 1) => format!("Se guardó la ejecución de {month}: 1 actividad cambió.{late}"),
            (avance_core::lang::Lang::Es, n) => {
                format!("Se guardó la ejecución de {month}: {n} actividades cambiaron.{late}")
            }
            (avance_core::lang::Lang::En, 0) => format!("Nothing changed in the execution of {month}."),
            (avance_core::lang::Lang::En, 1) => {
                format!("The execution of {month} was saved: 1 activity changed.{late}")
            }
            (avance_core::lang::Lang::En, n) => {
                format!("The execution of {month} was saved: {n} activities changed.{late}")
            }
        }
    });
    render(&entry_page(&v, &view, notice, None)).into_response()
}

pub async fn record(
    State(state): State<AppState>,
    v: Viewer,
    Path((entity, year)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let l = v.lang;
    let Some(year) = year_of(&year) else { return crate::view::not_found(l) };
    let month = form.iter().find(|(k, _)| k == "mes").map(|(_, m)| m.trim().to_string()).unwrap_or_default();
    let Ok(month) = month.parse::<u8>() else {
        let e = AppError::Invalid { field: avance_app::Field::Month, problem: avance_app::Problem::MonthRange };
        return Fail::new(e, &v).into_response();
    };
    let values: Vec<(String, String)> = form
        .iter()
        .filter_map(|(k, value)| k.strip_prefix(FIELD).map(|code| (code.to_string(), value.clone())))
        .collect();
    let entry = MonthEntry { entity: entity.clone(), year, month, values: values.clone() };
    match state.app.record_month(&v.actor, &entry).await {
        Ok(done) => see_other(&format!(
            "/poi/{}/{year}/registro?mes={month}&guardado={}{}",
            crate::view::encode(&entity),
            done.changed.len(),
            if done.late && !done.changed.is_empty() { "&tarde=1" } else { "" }
        )),
        Err(AppError::Items(items)) => {
            let view = match state.app.poi_entry(&v.actor, &entity, Some(year), Some(month)).await {
                Ok(view) => view,
                Err(e) => return Fail::new(e, &v).into_response(),
            };
            let (kept, e) = Kept::refused(values, items, l);
            with_status(render(&entry_page(&v, &view, None, Some(&kept))).into_response(), &e)
        }
        Err(e) => Fail::new(e, &v).into_response(),
    }
}

/// `POST /poi/{entidad}/{año}/publicar`: the entity's planning office (or the administrator)
/// publishes the follow-up of the months shown (`desde`, `hasta`) as a report generated today
/// prints it; back to the POI's page, which lists it.
pub async fn publish(
    State(state): State<AppState>,
    v: Viewer,
    Path((entity, year)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let Ok(year) = year.parse::<i32>() else { return crate::view::not_found(v.lang) };
    let month = |name: &str| form.iter().find(|(k, _)| k == name).and_then(|(_, x)| x.trim().parse::<u8>().ok());
    let months = month("desde").zip(month("hasta"));
    match state.app.publish_poi(&v.actor, &entity, Some(year), months).await {
        Ok(s) => see_other(&format!(
            "/poi/{}/{}?desde={}&hasta={}&publicado={}#publicados",
            crate::view::encode(&s.entity),
            s.year,
            s.months.0,
            s.months.1,
            &s.content_hash[..16]
        )),
        Err(e) => Fail::new(e, &v).into_response(),
    }
}
