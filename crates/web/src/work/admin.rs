//! Administration: users, reporting deadlines and exceptions.

use std::collections::BTreeMap;

use askama::Template;
use avance_app::store::Exception;
use avance_app::{AppError, DeadlineRequest, ExceptionRequest, NewAccount};
use avance_core::access::Role;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::AppState;
use crate::view::{Fail, Frame, Viewer, render, see_other, with_status};

/// A policy-year's calendar as the page shows it (Lima days; empty when not set).
struct DeadlineRow {
    policy: String,
    year: i64,
    opens: String,
    deadline: String,
    review_until: String,
    publication: String,
    set_by: String,
}

struct UserRow {
    username: String,
    name: String,
    role: &'static str,
    scope: String,
    active: bool,
    email: String,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    f: Frame,
    t: AdminTexts,
    error: Option<String>,
    notice: Option<String>,
    users: Vec<UserRow>,
    roles: Vec<(&'static str, &'static str)>,
    policies: Vec<(String, String)>,
    deadlines: Vec<DeadlineRow>,
    exceptions: Vec<Exception>,
    /// (name, state, change set, behind, reads, current)
    replicas: Vec<(String, String, String, String, u64, bool)>,
    replicas_intro: String,
    /// The replicas' heading and column names.
    rt: [&'static str; 6],
}

struct AdminTexts {
    users: &'static str,
    username: &'static str,
    name: &'static str,
    role: &'static str,
    scope: &'static str,
    scope_hint: &'static str,
    password: &'static str,
    password_hint: &'static str,
    email: &'static str,
    email_hint: &'static str,
    outbox: &'static str,
    set_email: &'static str,
    save_email: &'static str,
    create: &'static str,
    state: &'static str,
    active: &'static str,
    inactive: &'static str,
    activate: &'static str,
    deactivate: &'static str,
    deadlines: &'static str,
    deadlines_intro: &'static str,
    opens: &'static str,
    review_until: &'static str,
    publication: &'static str,
    optional: &'static str,
    policy: &'static str,
    year: &'static str,
    deadline: &'static str,
    set_by: &'static str,
    save: &'static str,
    exceptions: &'static str,
    exceptions_intro: &'static str,
    unit: &'static str,
    until: &'static str,
    reason: &'static str,
    granted_by: &'static str,
    grant: &'static str,
    date_hint: &'static str,
}

pub async fn admin(State(state): State<AppState>, v: Viewer, Query(q): Query<BTreeMap<String, String>>) -> Response {
    admin_page(&state, &v, None, q.get("hecho").cloned()).await
}

async fn admin_page(state: &AppState, v: &Viewer, error: Option<String>, notice: Option<String>) -> Response {
    let l = v.lang;
    let view = match state.app.admin_view(&v.actor).await {
        Ok(x) => x,
        Err(e) => return Fail::new(e, v).into_response(),
    };
    let (users, deadlines, exceptions, loaded) = (view.users, view.deadlines, view.exceptions, view.loaded);
    let (primary, replica_list) = view.replicas.unwrap_or_default();
    let replicas = replica_list
        .iter()
        .map(|r| {
            let current = r.current(primary);
            let state = match (&r.reachable, current) {
                (Err(e), _) => format!(
                    "{} ({e})",
                    l.pick("no responde: se lee del primario", "not answering: the primary is read")
                ),
                (Ok(()), true) => l.pick("al día", "caught up").to_string(),
                (Ok(()), false) => l
                    .pick(
                        "atrasada: se lee del primario hasta que se ponga al día",
                        "behind: the primary is read until it catches up",
                    )
                    .to_string(),
            };
            let behind = match (r.behind_bytes, r.delay_seconds) {
                (Some(0), _) => "0 B".to_string(),
                (Some(b), Some(s)) => format!("{b} B, {s:.1} s"),
                (Some(b), None) => format!("{b} B"),
                (None, _) => "—".to_string(),
            };
            let change = r.change_set.map_or_else(|| "—".to_string(), |c| format!("{c} / {primary}"));
            (r.name.clone(), state, change, behind, r.reads, current)
        })
        .collect();
    let notice = notice.map(|n| {
        match n.as_str() {
            "usuario" => l.pick("Usuario creado.", "User created."),
            "estado" => l.pick("Estado del usuario cambiado.", "User state changed."),
            "correo" => l.pick("Correo del usuario guardado.", "User's e-mail saved."),
            "plazo" => l.pick("Plazo guardado.", "Deadline saved."),
            "excepcion" => l.pick("Excepción concedida.", "Exception granted."),
            _ => l.pick("Hecho.", "Done."),
        }
        .to_string()
    });
    let page = AdminPage {
        f: v.frame(l.pick("Administración", "Administration")),
        t: AdminTexts {
            users: l.pick("Usuarios", "Users"),
            username: l.pick("Usuario", "User name"),
            name: l.pick("Nombre", "Name"),
            role: l.pick("Rol", "Role"),
            scope: l.pick("Ámbito", "Scope"),
            scope_hint: l.pick(
                "Código del ministerio conductor (oficina de planeamiento, p. ej. 038) o nombre de la unidad (unidad responsable, p. ej. DGDE).",
                "Conducting ministry code (planning office, e.g. 038) or unit name (responsible unit, e.g. DGDE).",
            ),
            password: l.pick("Contraseña inicial", "Initial password"),
            password_hint: l.pick("Al menos 12 caracteres.", "At least 12 characters."),
            email: l.pick("Correo electrónico", "E-mail"),
            email_hint: l.pick(
                "Opcional: recordatorios de plazo, avisos de revisión, resumen diario y el enlace para restablecer la contraseña.",
                "Optional: deadline reminders, review notices, the daily digest and the password-reset link.",
            ),
            outbox: l.pick("Bandeja de salida de correo", "Mail outbox"),
            set_email: l.pick("Correo de un usuario", "A user's e-mail"),
            save_email: l.pick("Guardar correo", "Save e-mail"),
            create: l.pick("Crear usuario", "Create user"),
            state: l.pick("Estado", "State"),
            active: l.pick("activo", "active"),
            inactive: l.pick("inactivo", "inactive"),
            activate: l.pick("Activar", "Activate"),
            deactivate: l.pick("Desactivar", "Deactivate"),
            deadlines: l.pick("Calendario de reporte", "Reporting calendar"),
            deadlines_intro: l.pick(
                "Un año está abierto para que las unidades reporten desde el inicio del día de apertura (si se fija) hasta el final del día del plazo (hora de Lima). El fin de la revisión y la publicación orientan a la oficina de planeamiento y se muestran en el seguimiento del reporte.",
                "A year is open for the units to report from the start of the opening day (if set) until the end of the deadline's day (Lima time). The end of review and the publication guide the planning office and are shown in the reporting follow-up.",
            ),
            opens: l.pick("Apertura", "Opening"),
            review_until: l.pick("Fin de la revisión", "End of review"),
            publication: l.pick("Publicación", "Publication"),
            optional: l.pick("opcional", "optional"),
            policy: l.pick("Política", "Policy"),
            year: l.pick("Año", "Year"),
            deadline: l.pick("Plazo", "Deadline"),
            set_by: l.pick("Fijado por", "Set by"),
            save: l.pick("Guardar calendario", "Save calendar"),
            exceptions: l.pick("Excepciones por unidad", "Exceptions per unit"),
            exceptions_intro: l.pick(
                "Permite a una unidad reportar después del plazo, hasta la fecha indicada.",
                "Lets one unit report after the deadline, until the given date.",
            ),
            unit: l.pick("Unidad", "Unit"),
            until: l.pick("Hasta", "Until"),
            reason: l.pick("Motivo", "Reason"),
            granted_by: l.pick("Concedida por", "Granted by"),
            grant: l.pick("Conceder excepción", "Grant exception"),
            date_hint: l.pick("AAAA-MM-DD", "YYYY-MM-DD"),
        },
        error,
        notice,
        users: users
            .into_iter()
            .map(|u| UserRow {
                name: u.display_name,
                role: u.role.label(l),
                scope: u.scope.unwrap_or_default(),
                active: u.active,
                email: u.email.unwrap_or_default(),
                username: u.username,
            })
            .collect(),
        roles: [Role::Unit, Role::Planning, Role::Admin].into_iter().map(|r| (r.id(), r.label(l))).collect(),
        policies: loaded.policies.values().map(|p| (p.meta().code.clone(), p.meta().name.clone())).collect(),
        deadlines: deadlines
            .into_iter()
            .map(|d| {
                let day = |x: &Option<String>| x.as_deref().map(avance_report::labels::lima_day).unwrap_or_default();
                DeadlineRow {
                    opens: day(&d.opens),
                    deadline: avance_report::labels::lima_day(&d.deadline),
                    review_until: day(&d.review_until),
                    publication: day(&d.publication),
                    policy: d.policy,
                    year: d.year,
                    set_by: d.set_by,
                }
            })
            .collect(),
        exceptions: exceptions
            .into_iter()
            .map(|e| Exception { until: avance_report::labels::lima_day(&e.until), ..e })
            .collect(),
        replicas,
        rt: [
            l.pick("Réplicas de lectura", "Read replicas"),
            l.pick("Réplica", "Replica"),
            l.pick("Estado", "State"),
            l.pick("Cambio", "Change"),
            l.pick("Atraso", "Lag"),
            l.pick("Lecturas", "Reads"),
        ],
        replicas_intro: l
            .pick(
                "Las cifras se leen de una réplica que ya tiene el último cambio del primario; si ninguna lo tiene, o no responde, del primario. Cambio: el último que la réplica aplicó / el del primario. Atraso: bytes del registro de escritura por aplicar y segundos desde la última transacción aplicada.",
                "Figures are read from a replica that has the primary's latest change; if none has it, or none answers, from the primary. Change: the latest the replica applied / the primary's. Lag: bytes of write-ahead log to apply and seconds since the last transaction applied.",
            )
            .to_string(),
    };
    render(&page).into_response()
}

#[derive(Debug, Default, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    usuario: String,
    #[serde(default)]
    nombre: String,
    #[serde(default)]
    rol: String,
    #[serde(default)]
    ambito: String,
    #[serde(default)]
    contrasena: String,
    #[serde(default)]
    correo: String,
}

/// A refused administration form: the page again, with the message.
async fn refused(state: &AppState, v: &Viewer, e: AppError) -> Response {
    match e {
        e @ (AppError::Invalid { .. } | AppError::Conflict(_) | AppError::NotFound(avance_app::Missing::User(_))) => {
            with_status(admin_page(state, v, Some(e.message(v.lang)), None).await, &e)
        }
        e => Fail::new(e, v).into_response(),
    }
}

pub async fn create_user(State(state): State<AppState>, v: Viewer, Form(f): Form<UserForm>) -> Response {
    let account = NewAccount {
        username: f.usuario,
        name: f.nombre,
        role: f.rol,
        scope: f.ambito,
        password: f.contrasena,
        email: f.correo,
    };
    match state.app.create_user(&v.actor, &account).await {
        Ok(_) => see_other("/admin?hecho=usuario"),
        Err(e) => refused(&state, &v, e).await,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct UserStateForm {
    #[serde(default)]
    usuario: String,
    #[serde(default)]
    activo: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct UserEmailForm {
    #[serde(default)]
    usuario: String,
    #[serde(default)]
    correo: String,
}

pub async fn user_email(State(state): State<AppState>, v: Viewer, Form(f): Form<UserEmailForm>) -> Response {
    match state.app.set_user_email(&v.actor, &f.usuario, &f.correo).await {
        Ok(()) => see_other("/admin?hecho=correo"),
        Err(e) => refused(&state, &v, e).await,
    }
}

pub async fn user_state(State(state): State<AppState>, v: Viewer, Form(f): Form<UserStateForm>) -> Response {
    match state.app.set_user_active(&v.actor, &f.usuario, f.activo == "1").await {
        Ok(()) => see_other("/admin?hecho=estado"),
        Err(e) => refused(&state, &v, e).await,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DeadlineForm {
    #[serde(default)]
    politica: String,
    #[serde(default)]
    anio: String,
    #[serde(default)]
    fecha: String,
    #[serde(default)]
    unidad: String,
    #[serde(default)]
    motivo: String,
    #[serde(default)]
    apertura: String,
    #[serde(default)]
    revision: String,
    #[serde(default)]
    publicacion: String,
}

pub async fn set_deadline(State(state): State<AppState>, v: Viewer, Form(f): Form<DeadlineForm>) -> Response {
    let req = DeadlineRequest {
        policy: f.politica,
        year: f.anio,
        date: f.fecha,
        opens: f.apertura,
        review_until: f.revision,
        publication: f.publicacion,
    };
    match state.app.set_deadline(&v.actor, &req).await {
        Ok(()) => see_other("/admin?hecho=plazo"),
        Err(e) => refused(&state, &v, e).await,
    }
}

pub async fn grant_exception(State(state): State<AppState>, v: Viewer, Form(f): Form<DeadlineForm>) -> Response {
    let req = ExceptionRequest { policy: f.politica, year: f.anio, unit: f.unidad, date: f.fecha, reason: f.motivo };
    match state.app.grant_exception(&v.actor, &req).await {
        Ok(()) => see_other("/admin?hecho=excepcion"),
        Err(e) => refused(&state, &v, e).await,
    }
}
