//! Pages behind a login: logging in and out, "Mis indicadores" (units report actuals), review by
//! the planning office, target changes, the audit log, administration and API tokens.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;

use askama::Template;
use avance_core::access::{Action, Resource, Role, Status, Step, WorkflowError, is_responsible, reporting_open};
use avance_core::lang::Lang;
use avance_core::model::{Indicator, Policy, Year};
use avance_core::value::Cell;
use avance_store::StoreError;
use avance_store::app::{
    AuditFilter, Exception, NewAudit, NewSubmission, NewUser, Submission, TargetChange, User, now,
};
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use serde::Deserialize;

use crate::AppState;
use crate::public::{TargetForm, YearQuery, indicator_page};
use crate::security::{self, digest, hash_password, secret, set_cookie, verify_password};
use crate::view::{Frame, Viewer, error_page, forbidden, not_found, render, see_other};

/// Where to go after logging in: a local path only.
fn local(path: &str) -> Option<&str> {
    (path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/\\")).then_some(path)
}

fn home_of(role: Role) -> &'static str {
    match role {
        Role::Unit => "/mis-indicadores",
        Role::Planning => "/revision",
        Role::Admin => "/admin",
        Role::Public => "/",
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    f: Frame,
    back: String,
    error: Option<String>,
    username: String,
    t_user: &'static str,
    t_password: &'static str,
    t_submit: &'static str,
    t_intro: &'static str,
}

fn login_page(v: &Viewer, back: &str, error: Option<String>, username: &str) -> LoginPage {
    LoginPage {
        f: v.frame(v.t("Ingresar", "Log in")),
        back: back.to_string(),
        error,
        username: username.to_string(),
        t_user: v.t("Usuario", "User name"),
        t_password: v.t("Contraseña", "Password"),
        t_submit: v.t("Ingresar", "Log in"),
        t_intro: v.t(
            "Las unidades responsables, las oficinas de planeamiento y el administrador ingresan con la cuenta que les asignaron. El público no necesita cuenta.",
            "Responsible units, planning offices and the administrator log in with the account they were given. The public needs no account.",
        ),
    }
}

pub async fn login_form(v: Viewer, Query(q): Query<BTreeMap<String, String>>) -> Response {
    let back = q.get("volver").and_then(|b| local(b)).unwrap_or("").to_string();
    render(&login_page(&v, &back, None, "")).into_response()
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    usuario: String,
    #[serde(default)]
    contrasena: String,
    #[serde(default)]
    volver: String,
}

fn audit<'a>(at: &'a str, actor: &'a str, action: &'a str) -> NewAudit<'a> {
    NewAudit { at, actor, action, ..NewAudit::default() }
}

pub async fn login(
    State(state): State<AppState>,
    v: Viewer,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    Form(form): Form<LoginForm>,
) -> Response {
    let addr = connect.map_or_else(|| "local".to_string(), |c| c.0.0.ip().to_string());
    let username = form.usuario.trim().chars().take(64).collect::<String>();
    let back = local(&form.volver).unwrap_or("").to_string();
    if !state.limiter.allowed(&username, &addr) {
        let msg = v.t(
            "Demasiados intentos fallidos. Espere 15 minutos e inténtelo de nuevo.",
            "Too many failed attempts. Wait 15 minutes and try again.",
        );
        let mut res = render(&login_page(&v, &back, Some(msg.to_string()), &username)).into_response();
        *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        return res;
    }
    let user = match state.store.user_by_name(&username).await {
        Ok(u) => u.filter(|u| u.active),
        Err(e) => return crate::internal(e, v.lang),
    };
    let password = form.contrasena.clone();
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, hash.as_deref())).await.unwrap_or(false);
    let at = now();
    let Some(user) = user.filter(|_| ok) else {
        state.limiter.failed(&username, &addr);
        let detail = format!("desde {addr}");
        let entry = NewAudit { detail: Some(&detail), ..audit(&at, &username, "login_failed") };
        if let Err(e) = state.store.log(&entry).await {
            return crate::internal(e, v.lang);
        }
        let msg = v.t("Usuario o contraseña incorrectos.", "Wrong user name or password.");
        let mut res = render(&login_page(&v, &back, Some(msg.to_string()), &username)).into_response();
        *res.status_mut() = StatusCode::UNAUTHORIZED;
        return res;
    };
    state.limiter.succeeded(&username);
    // A new session secret at every login: a session cookie planted before (session fixation) is
    // never adopted, and the CSRF token changes too.
    if let Some(old) = &v.session {
        let _ = state.store.end_session(&digest(old), &audit(&at, &user.username, "logout")).await;
    }
    let session = secret();
    let expires =
        avance_store::app::instant(time::OffsetDateTime::now_utc() + time::Duration::hours(state.config.session_hours));
    let detail = format!("desde {addr}");
    let entry = NewAudit { detail: Some(&detail), unit: unit_of(&user), ..audit(&at, &user.username, "login") };
    if let Err(e) = state.store.create_session(&digest(&session), user.id, &expires, &entry).await {
        return crate::internal(e, v.lang);
    }
    let to = if back.is_empty() { home_of(user.role).to_string() } else { back };
    let mut res = see_other(&to);
    let secure = state.config.secure_cookies;
    let h = res.headers_mut();
    h.append(header::SET_COOKIE, set_cookie(security::SESSION_COOKIE, &session, secure, None));
    h.append(header::SET_COOKIE, set_cookie(security::CSRF_COOKIE, &secret(), secure, None));
    res
}

fn unit_of(u: &User) -> Option<&str> {
    if u.role == Role::Unit { u.scope.as_deref() } else { None }
}

pub async fn logout(State(state): State<AppState>, v: Viewer) -> Response {
    if let (Some(s), Some(u)) = (&v.session, &v.user) {
        let at = now();
        if let Err(e) = state.store.end_session(&digest(s), &audit(&at, &u.username, "logout")).await {
            return crate::internal(e, v.lang);
        }
    }
    let mut res = see_other("/");
    res.headers_mut()
        .append(header::SET_COOKIE, set_cookie(security::SESSION_COOKIE, "", state.config.secure_cookies, Some(0)));
    res
}

/// The reporting window of a policy-year for a unit at `at`.
pub(crate) struct Window {
    pub deadline: Option<String>,
    pub exception: Option<String>,
    pub open: bool,
}

pub(crate) async fn windows(
    state: &AppState,
    unit: &str,
    at: &str,
) -> Result<BTreeMap<(String, i64), Window>, StoreError> {
    let deadlines = state.store.deadlines(None).await?;
    let exceptions = state.store.exceptions(None).await?;
    let mut out = BTreeMap::new();
    for d in deadlines {
        let exception = exceptions
            .iter()
            .find(|e| e.policy == d.policy && e.year == d.year && e.unit.eq_ignore_ascii_case(unit))
            .map(|e| e.until.clone());
        let open = reporting_open(&at, Some(&d.deadline.as_str()), exception.as_deref().as_ref());
        out.insert((d.policy, d.year), Window { deadline: Some(d.deadline), exception, open });
    }
    for e in exceptions.iter().filter(|e| e.unit.eq_ignore_ascii_case(unit)) {
        out.entry((e.policy.clone(), e.year)).or_insert_with(|| Window {
            deadline: None,
            exception: Some(e.until.clone()),
            open: reporting_open(&at, None, Some(&e.until.as_str())),
        });
    }
    Ok(out)
}

struct MineRow {
    policy: String,
    code: String,
    name: String,
    unit: String,
    year: String,
    target: String,
    actual: String,
    status: Option<String>,
    status_class: &'static str,
    review_reason: Option<String>,
    open: bool,
    locked: bool,
    value: String,
    comment: String,
    evidence: String,
    error: Option<String>,
    id: String,
}

struct MineGroup {
    title: String,
    window: String,
    rows: Vec<MineRow>,
}

#[derive(Template)]
#[template(path = "mine.html")]
struct MinePage {
    f: Frame,
    t: MineTexts,
    notice: Option<String>,
    groups: Vec<MineGroup>,
}

struct MineTexts {
    intro: &'static str,
    target: &'static str,
    actual: &'static str,
    status: &'static str,
    value: &'static str,
    comment: &'static str,
    evidence: &'static str,
    submit: &'static str,
    closed: &'static str,
    locked: &'static str,
    none: &'static str,
    returned: &'static str,
}

/// A refused submission, shown next to its field.
#[derive(Debug, Default)]
pub(crate) struct Refused {
    policy: String,
    indicator: String,
    year: i64,
    message: String,
    value: String,
    comment: String,
    evidence: String,
}

pub async fn mine(State(state): State<AppState>, v: Viewer, Query(q): Query<BTreeMap<String, String>>) -> Response {
    let notice = q
        .get("enviado")
        .map(|code| format!("{} {code}.", v.t("Se envió para revisión el valor de", "Sent for review: the value of")));
    mine_page(&state, &v, notice, None).await
}

async fn mine_page(state: &AppState, v: &Viewer, notice: Option<String>, refused: Option<Refused>) -> Response {
    let Some(user) = v.user.as_ref().filter(|u| u.role == Role::Unit) else { return forbidden(v) };
    let l = v.lang;
    let unit = user.scope.clone().unwrap_or_default();
    let at = now();
    let loaded = match state.cache.get(&state.store).await {
        Ok(x) => x,
        Err(e) => return crate::internal(e, l),
    };
    let (windows, submissions) = match (windows(state, &unit, &at).await, state.store.latest_submissions(None).await) {
        (Ok(w), Ok(s)) => (w, s),
        (Err(e), _) | (_, Err(e)) => return crate::internal(e, l),
    };
    let mut groups = Vec::new();
    for ((code, year), w) in &windows {
        let Some(policy) = loaded.policies.get(code) else { continue };
        let Ok(y) = Year::new(*year as u16) else { continue };
        let m = policy.meta();
        let rows: Vec<MineRow> = policy
            .indicators()
            .iter()
            .filter(|i| {
                v.can(
                    Action::ReportActual,
                    &Resource::Indicator { ministry: &m.ministry.code, responsible: &i.responsible },
                )
            })
            .filter(|i| is_responsible(&i.responsible, &unit))
            .map(|i| {
                let sub =
                    submissions.iter().find(|s| s.policy == *code && s.indicator == i.code.as_str() && s.year == *year);
                let mine_refused =
                    refused.as_ref().filter(|r| r.policy == *code && r.indicator == i.code.as_str() && r.year == *year);
                let locked = sub.is_some_and(|s| s.status == Status::Approved);
                MineRow {
                    policy: code.clone(),
                    code: i.code.to_string(),
                    name: i.name.clone(),
                    unit: i.unit.label(l).to_string(),
                    year: year.to_string(),
                    target: i.targets.get(&y).map_or_else(|| "—".into(), |c| c.text().to_string()),
                    actual: i.actuals.get(&y).map_or_else(|| "—".into(), |c| c.text().to_string()),
                    status: sub.map(|s| format!("{}: {}", s.status.label(l), s.text)),
                    status_class: sub.map_or("", |s| s.status.id()),
                    review_reason: sub.filter(|s| s.status == Status::Returned).and_then(|s| s.review_reason.clone()),
                    open: w.open,
                    locked,
                    value: mine_refused.map_or_else(String::new, |r| r.value.clone()),
                    comment: mine_refused.map_or_else(String::new, |r| r.comment.clone()),
                    evidence: mine_refused.map_or_else(String::new, |r| r.evidence.clone()),
                    error: mine_refused.map(|r| r.message.clone()),
                    id: format!("{code}-{}-{year}", i.code).replace('.', "-"),
                }
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        let day = |s: &str| s.get(..10).unwrap_or(s).to_string();
        let window = match (w.open, &w.deadline, &w.exception) {
            (true, _, Some(e)) => {
                format!("{} {}", l.pick("Abierto por excepción hasta el", "Open by exception until"), day(e))
            }
            (true, Some(d), None) => format!("{} {}", l.pick("Abierto hasta el", "Open until"), day(d)),
            (false, Some(d), _) => {
                format!("{} {}", l.pick("Cerrado: el plazo venció el", "Closed: the deadline was"), day(d))
            }
            _ => l.pick("Cerrado", "Closed").to_string(),
        };
        groups.push(MineGroup { title: format!("{} — {} {year}", m.name, l.pick("año", "year")), window, rows });
    }
    let page = MinePage {
        f: v.frame(format!("{} ({unit})", l.pick("Mis indicadores", "My indicators"))),
        t: MineTexts {
            intro: l.pick(
                "Ingrese el valor obtenido de cada indicador que su unidad reporta, con un comentario o un enlace a la evidencia, y envíelo. La oficina de planeamiento lo aprueba o lo devuelve con un motivo; un valor aprobado queda bloqueado.",
                "Enter the actual value of each indicator your unit reports, with a comment or a link to the evidence, and submit it. The planning office approves it or returns it with a reason; an approved value is locked.",
            ),
            target: l.pick("Logro esperado", "Target"),
            actual: l.pick("Valor vigente", "Current value"),
            status: l.pick("Estado", "Status"),
            value: l.pick("Valor obtenido", "Actual value"),
            comment: l.pick("Comentario", "Comment"),
            evidence: l.pick("Enlace a la evidencia", "Evidence link"),
            submit: l.pick("Enviar para revisión", "Submit for review"),
            closed: l.pick("Plazo cerrado", "Deadline passed"),
            locked: l.pick("Aprobado: bloqueado", "Approved: locked"),
            none: l.pick(
                "No hay años abiertos para reportar, o su unidad no es responsable de ningún indicador.",
                "No year is open for reporting, or your unit is responsible for no indicator.",
            ),
            returned: l.pick("Motivo de la devolución:", "Reason for returning:"),
        },
        notice,
        groups,
    };
    render(&page).into_response()
}

#[derive(Debug, Default, Deserialize)]
pub struct SubmitForm {
    #[serde(default)]
    politica: String,
    #[serde(default)]
    indicador: String,
    #[serde(default)]
    anio: String,
    #[serde(default)]
    valor: String,
    #[serde(default)]
    comentario: String,
    #[serde(default)]
    evidencia: String,
}

/// Checks an evidence link: empty, or an http(s) address without spaces.
pub(crate) fn evidence_error(link: &str, lang: Lang) -> Option<String> {
    let link = link.trim();
    if link.is_empty() {
        return None;
    }
    let ok = (link.starts_with("https://") || link.starts_with("http://"))
        && link.len() <= 500
        && !link.contains(char::is_whitespace);
    (!ok).then(|| {
        lang.pick(
            "el enlace a la evidencia debe ser una dirección que empiece con https:// o http://, sin espacios (máximo 500 caracteres)",
            "the evidence link must be an address starting with https:// or http://, without spaces (at most 500 characters)",
        )
        .to_string()
    })
}

/// What a unit's report of an actual would be, or why it is refused: the field and the message.
pub(crate) fn check_actual(
    policy: &Policy,
    ind: &Indicator,
    year: &str,
    value: &str,
    comment: &str,
    evidence: &str,
    lang: Lang,
) -> Result<(i64, Cell), (&'static str, String)> {
    let y: Year = year.parse().ok().filter(|y| policy.meta().years.contains(*y)).ok_or_else(|| {
        let msg = format!(
            "{} «{year}» {}",
            lang.pick("el año", "the year"),
            lang.pick("no es un año de la política", "is not a year of the policy")
        );
        ("year", msg)
    })?;
    let cell = Cell::parse(value, ind.unit).map_err(|e| ("value", e.message(ind.unit, lang)))?;
    if comment.chars().count() > 2000 {
        return Err((
            "comment",
            lang.pick("el comentario pasa de 2000 caracteres", "the comment is longer than 2000 characters")
                .to_string(),
        ));
    }
    if let Some(e) = evidence_error(evidence, lang) {
        return Err(("evidence", e));
    }
    Ok((i64::from(y.get()), cell))
}

fn opt(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

pub async fn submit(State(state): State<AppState>, v: Viewer, Form(form): Form<SubmitForm>) -> Response {
    let Some(user) = v.user.clone() else { return forbidden(&v) };
    let l = v.lang;
    let loaded = match state.cache.get(&state.store).await {
        Ok(x) => x,
        Err(e) => return crate::internal(e, l),
    };
    let Some(policy) = loaded.policies.get(&form.politica) else { return not_found(l) };
    let Some(ind) = policy.indicators().iter().find(|i| i.code.as_str() == form.indicador) else { return not_found(l) };
    let m = policy.meta();
    if user.role != Role::Unit
        || !v.can(
            Action::ReportActual,
            &Resource::Indicator { ministry: &m.ministry.code, responsible: &ind.responsible },
        )
    {
        return forbidden(&v);
    }
    let unit = user.scope.clone().unwrap_or_default();
    let refuse = |message: String| Refused {
        policy: form.politica.clone(),
        indicator: form.indicador.clone(),
        year: form.anio.parse().unwrap_or(0),
        message,
        value: form.valor.clone(),
        comment: form.comentario.clone(),
        evidence: form.evidencia.clone(),
    };
    let (year, cell) = match check_actual(policy, ind, &form.anio, &form.valor, &form.comentario, &form.evidencia, l) {
        Ok(x) => x,
        Err((_, msg)) => {
            return with_status(mine_page(&state, &v, None, Some(refuse(msg))).await, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let at = now();
    match windows(&state, &unit, &at).await {
        Ok(w) if w.get(&(form.politica.clone(), year)).is_some_and(|w| w.open) => {}
        Ok(_) => {
            let msg = WorkflowError::Closed.message(l).to_string();
            return with_status(mine_page(&state, &v, None, Some(refuse(msg))).await, StatusCode::UNPROCESSABLE_ENTITY);
        }
        Err(e) => return crate::internal(e, l),
    }
    match record_submission(&state, &user, policy, ind, year, &cell, &form.comentario, &form.evidencia, &at).await {
        Ok(_) => see_other(&format!("/mis-indicadores?enviado={}", ind.code)),
        Err(StoreError::Workflow(w)) => {
            with_status(mine_page(&state, &v, None, Some(refuse(w.message(l).to_string()))).await, StatusCode::CONFLICT)
        }
        Err(e) => crate::internal(e, l),
    }
}

/// Writes a checked submission with its audit entry (the web form and the API share it).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_submission(
    state: &AppState,
    user: &User,
    policy: &Policy,
    ind: &Indicator,
    year: i64,
    cell: &Cell,
    comment: &str,
    evidence: &str,
    at: &str,
) -> Result<i64, StoreError> {
    let unit = user.scope.clone().unwrap_or_default();
    let exact = cell.number().map(|d| d.to_string());
    let code = &policy.meta().code;
    let subject = format!("{} {year}", ind.code);
    let detail = format!("valor {}", cell.text());
    let sub = NewSubmission {
        policy: code,
        indicator: ind.code.as_str(),
        year,
        text: cell.text(),
        exact: exact.as_deref(),
        comment: opt(comment),
        evidence: opt(evidence),
        by: &user.username,
        unit: &unit,
        at,
    };
    let entry = NewAudit {
        policy: Some(code),
        unit: Some(&unit),
        subject: Some(&subject),
        detail: Some(&detail),
        ..audit(at, &user.username, "submit")
    };
    state.store.submit(&sub, &entry).await
}

fn with_status(mut r: Response, s: StatusCode) -> Response {
    if r.status().is_success() {
        *r.status_mut() = s;
    }
    r
}

struct ReviewRow {
    id: i64,
    policy: String,
    indicator: String,
    name: String,
    year: i64,
    target: String,
    text: String,
    by: String,
    at: String,
    comment: String,
    evidence: String,
    status: String,
    reason: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    f: Frame,
    t: ReviewTexts,
    pending: Vec<ReviewRow>,
    done: Vec<ReviewRow>,
}

struct ReviewTexts {
    intro: &'static str,
    pending: &'static str,
    done: &'static str,
    indicator: &'static str,
    year: &'static str,
    target: &'static str,
    value: &'static str,
    by: &'static str,
    comment: &'static str,
    evidence: &'static str,
    approve: &'static str,
    ret: &'static str,
    reason: &'static str,
    status: &'static str,
    none: &'static str,
}

/// The policies whose values `v` may review.
fn reviewable<'a>(v: &Viewer, policies: impl Iterator<Item = &'a Policy>) -> BTreeSet<String> {
    policies
        .filter(|p| v.can(Action::Review, &Resource::Policy { ministry: &p.meta().ministry.code }))
        .map(|p| p.meta().code.clone())
        .collect()
}

pub async fn review_list(State(state): State<AppState>, v: Viewer) -> Response {
    review_page(&state, &v, None).await
}

async fn review_page(state: &AppState, v: &Viewer, refused: Option<(i64, String)>) -> Response {
    if !matches!(v.role(), Role::Planning | Role::Admin) {
        return forbidden(v);
    }
    let l = v.lang;
    let loaded = match state.cache.get(&state.store).await {
        Ok(x) => x,
        Err(e) => return crate::internal(e, l),
    };
    let allowed = reviewable(v, loaded.policies.values().map(|p| p.as_ref()));
    let subs = match state.store.latest_submissions(None).await {
        Ok(s) => s,
        Err(e) => return crate::internal(e, l),
    };
    let row = |s: &Submission| {
        let policy = loaded.policies.get(&s.policy);
        let ind = policy.and_then(|p| p.indicators().iter().find(|i| i.code.as_str() == s.indicator));
        let target = ind
            .zip(Year::new(s.year as u16).ok())
            .and_then(|(i, y)| i.targets.get(&y).map(|c| c.text().to_string()))
            .unwrap_or_else(|| "—".into());
        ReviewRow {
            id: s.id,
            policy: s.policy.clone(),
            indicator: s.indicator.clone(),
            name: ind.map(|i| i.name.clone()).unwrap_or_default(),
            year: s.year,
            target,
            text: s.text.clone(),
            by: s.submitted_by.clone(),
            at: s.submitted_at.replace('T', " ").trim_end_matches('Z').to_string(),
            comment: s.comment.clone().unwrap_or_default(),
            evidence: s.evidence.clone().unwrap_or_default(),
            status: s.status.label(l).to_string(),
            reason: s.review_reason.clone().unwrap_or_default(),
            error: refused.as_ref().filter(|(id, _)| *id == s.id).map(|(_, m)| m.clone()),
        }
    };
    let mine: Vec<&Submission> = subs.iter().filter(|s| allowed.contains(&s.policy)).collect();
    let page = ReviewPage {
        f: v.frame(l.pick("Revisión de valores reportados", "Review of reported values")),
        t: ReviewTexts {
            intro: l.pick(
                "Valores enviados por las unidades responsables de las políticas de su ministerio. Al aprobar, el valor pasa a ser el valor obtenido del indicador y queda bloqueado; al devolver, indique el motivo.",
                "Values submitted by the responsible units of your ministry's policies. Approving makes the value the indicator's actual and locks it; when returning, give the reason.",
            ),
            pending: l.pick("Por revisar", "Awaiting review"),
            done: l.pick("Revisados", "Reviewed"),
            indicator: l.pick("Indicador", "Indicator"),
            year: l.pick("Año", "Year"),
            target: l.pick("Logro esperado", "Target"),
            value: l.pick("Valor reportado", "Reported value"),
            by: l.pick("Enviado por", "Submitted by"),
            comment: l.pick("Comentario", "Comment"),
            evidence: l.pick("Evidencia", "Evidence"),
            approve: l.pick("Aprobar", "Approve"),
            ret: l.pick("Devolver", "Return"),
            reason: l.pick("Motivo de la devolución", "Reason for returning"),
            status: l.pick("Estado", "Status"),
            none: l.pick("No hay valores por revisar.", "No value awaits review."),
        },
        pending: mine.iter().filter(|s| s.status == Status::Submitted).map(|s| row(s)).collect(),
        done: mine.iter().filter(|s| s.status != Status::Submitted).map(|s| row(s)).collect(),
    };
    render(&page).into_response()
}

#[derive(Debug, Default, Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    accion: String,
    #[serde(default)]
    motivo: String,
}

/// Approves or returns a submission after checking the reviewer's right over its policy.
pub(crate) async fn apply_review(
    state: &AppState,
    v: &Viewer,
    id: i64,
    step: Step,
    reason: &str,
) -> Result<Submission, ReviewFailure> {
    let user = v.user.as_ref().ok_or(ReviewFailure::Forbidden)?;
    let sub = state.store.submission(id).await.map_err(ReviewFailure::Store)?.ok_or(ReviewFailure::NotFound)?;
    let loaded = state.cache.get(&state.store).await.map_err(ReviewFailure::Store)?;
    let policy = loaded.policies.get(&sub.policy).ok_or(ReviewFailure::NotFound)?;
    if !v.can(Action::Review, &Resource::Policy { ministry: &policy.meta().ministry.code }) {
        return Err(ReviewFailure::Forbidden);
    }
    let at = now();
    let action = if step == Step::Approve { "approve" } else { "return" };
    let subject = format!("{} {}", sub.indicator, sub.year);
    let detail = match step {
        Step::Approve => format!("valor {} de {}", sub.text, sub.submitted_by),
        _ => format!("valor {} de {}; motivo: {}", sub.text, sub.submitted_by, reason.trim()),
    };
    let unit = state.store.user_by_name(&sub.submitted_by).await.map_err(ReviewFailure::Store)?.and_then(|u| u.scope);
    let entry = NewAudit {
        policy: Some(&sub.policy),
        unit: unit.as_deref(),
        subject: Some(&subject),
        detail: Some(&detail),
        ..audit(&at, &user.username, action)
    };
    state.store.review(id, step, Some(reason), &user.username, &entry).await.map_err(|e| match e {
        StoreError::Workflow(w) => ReviewFailure::Workflow(w),
        e => ReviewFailure::Store(e),
    })
}

#[derive(Debug)]
pub(crate) enum ReviewFailure {
    Forbidden,
    NotFound,
    Workflow(WorkflowError),
    Store(StoreError),
}

pub async fn review(
    State(state): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<ReviewForm>,
) -> Response {
    let step = match form.accion.as_str() {
        "aprobar" => Step::Approve,
        "devolver" => Step::Return,
        _ => return error_page(StatusCode::BAD_REQUEST, v.t("Acción desconocida.", "Unknown action."), v.lang),
    };
    match apply_review(&state, &v, id, step, &form.motivo).await {
        Ok(_) => see_other("/revision"),
        Err(ReviewFailure::Forbidden) => forbidden(&v),
        Err(ReviewFailure::NotFound) => not_found(v.lang),
        Err(ReviewFailure::Workflow(w)) => {
            with_status(review_page(&state, &v, Some((id, w.message(v.lang).to_string()))).await, StatusCode::CONFLICT)
        }
        Err(ReviewFailure::Store(e)) => crate::internal(e, v.lang),
    }
}

pub async fn change_target(
    State(state): State<AppState>,
    v: Viewer,
    Path((code, indicator)): Path<(String, String)>,
    Form(form): Form<TargetForm>,
) -> Response {
    let l = v.lang;
    let loaded = match state.cache.get(&state.store).await {
        Ok(x) => x,
        Err(e) => return crate::internal(e, l),
    };
    let Some(policy) = loaded.policies.get(&code) else { return not_found(l) };
    let Some(ind) = policy.indicators().iter().find(|i| i.code.as_str() == indicator) else { return not_found(l) };
    let m = policy.meta();
    if !v.can(Action::ChangeTarget, &Resource::Indicator { ministry: &m.ministry.code, responsible: &ind.responsible })
    {
        return forbidden(&v);
    }
    let q = YearQuery { anio: form.anio.clone() };
    let checked = (|| {
        let y: Year = form.anio.parse().ok().filter(|y| m.years.contains(*y)).ok_or_else(|| {
            format!(
                "{} «{}» {}",
                l.pick("el año", "the year"),
                form.anio,
                l.pick("no es un año de la política", "is not a year of the policy")
            )
        })?;
        let cell = Cell::parse(&form.valor, ind.unit).map_err(|e| e.message(ind.unit, l))?;
        if form.justificacion.trim().chars().count() < 10 {
            return Err(l
                .pick(
                    "la justificación es obligatoria (al menos 10 caracteres): diga por qué cambia la meta",
                    "the justification is required (at least 10 characters): say why the target changes",
                )
                .to_string());
        }
        Ok((y, cell))
    })();
    let (y, cell) = match checked {
        Ok(x) => x,
        Err(msg) => {
            let q = YearQuery { anio: String::new() };
            return with_status(
                indicator_page(&state, &v, &code, &indicator, &q, Some(msg), form).await,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let at = now();
    let by = v.name();
    let exact = cell.number().map(|d| d.to_string());
    let subject = format!("{indicator} {y}");
    let old = ind.targets.get(&y).map_or_else(|| "—".to_string(), |c| c.text().to_string());
    let detail = format!("meta {old} → {}; {}", cell.text(), form.justificacion.trim());
    let change = TargetChange {
        policy: &code,
        indicator: &indicator,
        year: i64::from(y.get()),
        text: cell.text(),
        exact: exact.as_deref(),
        justification: &form.justificacion,
        by: &by,
        at: &at,
    };
    let entry = NewAudit {
        policy: Some(&code),
        subject: Some(&subject),
        detail: Some(&detail),
        ..audit(&at, &by, "change_target")
    };
    match state.store.change_target(&change, &entry).await {
        Ok(_) => see_other(&format!("/politicas/{code}/indicadores/{indicator}?anio={}", q.anio)),
        Err(e) => crate::internal(e, l),
    }
}

struct AuditRow {
    at: String,
    actor: String,
    action: String,
    policy: String,
    unit: String,
    subject: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    f: Frame,
    t: AuditTexts,
    policy: String,
    unit: String,
    actor: String,
    from: String,
    to: String,
    error: Option<String>,
    rows: Vec<AuditRow>,
}

struct AuditTexts {
    intro: &'static str,
    policy: &'static str,
    unit: &'static str,
    actor: &'static str,
    from: &'static str,
    to: &'static str,
    filter: &'static str,
    when: &'static str,
    action: &'static str,
    subject: &'static str,
    detail: &'static str,
    none: &'static str,
    date_hint: &'static str,
}

/// An audit action's name for people.
pub fn action_label(action: &str, l: Lang) -> String {
    match action {
        "login" => l.pick("ingreso", "login"),
        "login_failed" => l.pick("ingreso fallido", "failed login"),
        "logout" => l.pick("salida", "logout"),
        "submit" => l.pick("envío de valor", "value submitted"),
        "approve" => l.pick("aprobación", "approval"),
        "return" => l.pick("devolución", "return"),
        "change_target" => l.pick("cambio de meta", "target change"),
        "create_user" => l.pick("creación de usuario", "user created"),
        "activate_user" => l.pick("activación de usuario", "user activated"),
        "deactivate_user" => l.pick("desactivación de usuario", "user deactivated"),
        "set_deadline" => l.pick("plazo de reporte", "reporting deadline"),
        "grant_exception" => l.pick("excepción de plazo", "deadline exception"),
        "create_token" => l.pick("token de API", "API token"),
        "load" => l.pick("carga de datos", "data load"),
        other => other,
    }
    .to_string()
}

fn valid_date(s: &str) -> bool {
    if s.is_empty() {
        return true;
    }
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else { return false };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u8>(), d.parse::<u8>()) else { return false };
    s.len() == 10 && time::Month::try_from(m).is_ok_and(|m| time::Date::from_calendar_date(y, m, d).is_ok())
}

pub async fn audit_log(
    State(state): State<AppState>,
    v: Viewer,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    if !matches!(v.role(), Role::Planning | Role::Admin) {
        return forbidden(&v);
    }
    let l = v.lang;
    let get = |k: &str| q.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let (policy, unit, actor, from, to) = (get("politica"), get("unidad"), get("usuario"), get("desde"), get("hasta"));
    let loaded = match state.cache.get(&state.store).await {
        Ok(x) => x,
        Err(e) => return crate::internal(e, l),
    };
    let allowed: BTreeSet<String> = loaded
        .policies
        .values()
        .filter(|p| v.can(Action::ViewAuditLog, &Resource::Policy { ministry: &p.meta().ministry.code }))
        .map(|p| p.meta().code.clone())
        .collect();
    let site = v.can(Action::ViewAuditLog, &Resource::Site);
    let error = (!valid_date(&from) || !valid_date(&to)).then(|| {
        l.pick(
            "Las fechas «desde» y «hasta» se escriben AAAA-MM-DD, por ejemplo 2025-03-31.",
            "The dates «from» and «to» are written YYYY-MM-DD, for example 2025-03-31.",
        )
        .to_string()
    });
    let filter = AuditFilter {
        policy: policy.clone(),
        unit: unit.clone(),
        actor: actor.clone(),
        from: if error.is_none() { from.clone() } else { String::new() },
        to: if error.is_none() { to.clone() } else { String::new() },
        limit: 1000,
    };
    let entries = match state.store.audit_log(&filter).await {
        Ok(e) => e,
        Err(e) => return crate::internal(e, l),
    };
    let rows = entries
        .into_iter()
        .filter(|e| site || e.policy.as_ref().is_some_and(|p| allowed.contains(p)))
        .map(|e| AuditRow {
            at: e.at.replace('T', " ").trim_end_matches('Z').to_string(),
            actor: e.actor,
            action: action_label(&e.action, l),
            policy: e.policy.unwrap_or_default(),
            unit: e.unit.unwrap_or_default(),
            subject: e.subject.unwrap_or_default(),
            detail: e.detail.unwrap_or_default(),
        })
        .collect();
    let page = AuditPage {
        f: v.frame(l.pick("Registro de auditoría", "Audit log")),
        t: AuditTexts {
            intro: l.pick(
                "Cada acción en la aplicación: quién, cuándo, sobre qué y con qué detalle (horas en UTC).",
                "Every action in the application: who, when, on what and with which detail (times in UTC).",
            ),
            policy: l.pick("Política", "Policy"),
            unit: l.pick("Unidad", "Unit"),
            actor: l.pick("Usuario", "User"),
            from: l.pick("Desde", "From"),
            to: l.pick("Hasta", "To"),
            filter: l.pick("Filtrar", "Filter"),
            when: l.pick("Fecha y hora", "When"),
            action: l.pick("Acción", "Action"),
            subject: l.pick("Sobre", "On"),
            detail: l.pick("Detalle", "Detail"),
            none: l.pick("No hay acciones para estos filtros.", "No action matches these filters."),
            date_hint: l.pick("AAAA-MM-DD", "YYYY-MM-DD"),
        },
        policy,
        unit,
        actor,
        from,
        to,
        error,
        rows,
    };
    render(&page).into_response()
}

struct UserRow {
    username: String,
    name: String,
    role: &'static str,
    scope: String,
    active: bool,
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
    deadlines: Vec<(String, i64, String, String)>,
    exceptions: Vec<Exception>,
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
    create: &'static str,
    state: &'static str,
    active: &'static str,
    inactive: &'static str,
    activate: &'static str,
    deactivate: &'static str,
    deadlines: &'static str,
    deadlines_intro: &'static str,
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
    if !v.can(Action::ManageUsers, &Resource::Site) {
        return forbidden(v);
    }
    let l = v.lang;
    let (users, deadlines, exceptions, loaded) = match (
        state.store.users().await,
        state.store.deadlines(None).await,
        state.store.exceptions(None).await,
        state.cache.get(&state.store).await,
    ) {
        (Ok(a), Ok(b), Ok(c), Ok(d)) => (a, b, c, d),
        (Err(e), ..) | (_, Err(e), ..) | (_, _, Err(e), _) | (.., Err(e)) => return crate::internal(e, l),
    };
    let notice = notice.map(|n| {
        match n.as_str() {
            "usuario" => l.pick("Usuario creado.", "User created."),
            "estado" => l.pick("Estado del usuario cambiado.", "User state changed."),
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
            create: l.pick("Crear usuario", "Create user"),
            state: l.pick("Estado", "State"),
            active: l.pick("activo", "active"),
            inactive: l.pick("inactivo", "inactive"),
            activate: l.pick("Activar", "Activate"),
            deactivate: l.pick("Desactivar", "Deactivate"),
            deadlines: l.pick("Plazos de reporte", "Reporting deadlines"),
            deadlines_intro: l.pick(
                "Un año está abierto para que las unidades reporten hasta el final (UTC) del día del plazo.",
                "A year is open for the units to report until the end (UTC) of the deadline's day.",
            ),
            policy: l.pick("Política", "Policy"),
            year: l.pick("Año", "Year"),
            deadline: l.pick("Plazo", "Deadline"),
            set_by: l.pick("Fijado por", "Set by"),
            save: l.pick("Guardar plazo", "Save deadline"),
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
                username: u.username,
            })
            .collect(),
        roles: [Role::Unit, Role::Planning, Role::Admin].into_iter().map(|r| (r.id(), r.label(l))).collect(),
        policies: loaded.policies.values().map(|p| (p.meta().code.clone(), p.meta().name.clone())).collect(),
        deadlines: deadlines
            .into_iter()
            .map(|d| (d.policy, d.year, d.deadline.get(..10).unwrap_or(&d.deadline).to_string(), d.set_by))
            .collect(),
        exceptions,
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
}

/// Checks a new user's fields; the message names the field.
pub(crate) fn check_user(f: &UserForm, l: Lang) -> Result<Role, String> {
    security::check_new_user(&f.usuario, &f.nombre, &f.rol, &f.ambito, &f.contrasena, l)
}

pub async fn create_user(State(state): State<AppState>, v: Viewer, Form(f): Form<UserForm>) -> Response {
    if !v.can(Action::ManageUsers, &Resource::Site) {
        return forbidden(&v);
    }
    let role = match check_user(&f, v.lang) {
        Ok(r) => r,
        Err(msg) => {
            return with_status(admin_page(&state, &v, Some(msg), None).await, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let password = f.contrasena.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password)).await.unwrap_or_default();
    let at = now();
    let by = v.name();
    let scope = if role.needs_scope() { Some(f.ambito.trim()) } else { None };
    let detail = format!("{} ({})", f.usuario, role.id());
    let new = NewUser { username: &f.usuario, display_name: f.nombre.trim(), role, scope, password_hash: &hash };
    let entry = NewAudit {
        detail: Some(&detail),
        unit: if role == Role::Unit { scope } else { None },
        ..audit(&at, &by, "create_user")
    };
    match state.store.create_user(&new, &entry).await {
        Ok(_) => see_other("/admin?hecho=usuario"),
        Err(StoreError::Conflict(m)) => with_status(admin_page(&state, &v, Some(m), None).await, StatusCode::CONFLICT),
        Err(e) => crate::internal(e, v.lang),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct UserStateForm {
    #[serde(default)]
    usuario: String,
    #[serde(default)]
    activo: String,
}

pub async fn user_state(State(state): State<AppState>, v: Viewer, Form(f): Form<UserStateForm>) -> Response {
    if !v.can(Action::ManageUsers, &Resource::Site) {
        return forbidden(&v);
    }
    if f.usuario == v.name() {
        let msg = v.t("No puede desactivar su propia cuenta.", "You cannot deactivate your own account.").to_string();
        return with_status(admin_page(&state, &v, Some(msg), None).await, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let active = f.activo == "1";
    let at = now();
    let by = v.name();
    let entry = NewAudit {
        detail: Some(&f.usuario),
        ..audit(&at, &by, if active { "activate_user" } else { "deactivate_user" })
    };
    match state.store.set_user_active(&f.usuario, active, &entry).await {
        Ok(()) => see_other("/admin?hecho=estado"),
        Err(StoreError::Conflict(m)) => with_status(admin_page(&state, &v, Some(m), None).await, StatusCode::NOT_FOUND),
        Err(e) => crate::internal(e, v.lang),
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
}

/// The policy and year of a deadline form, and the end of its date's day; or what is wrong.
async fn check_deadline(
    state: &AppState,
    f: &DeadlineForm,
    l: Lang,
) -> Result<Result<(i64, String), String>, StoreError> {
    let loaded = state.cache.get(&state.store).await?;
    let Some(policy) = loaded.policies.get(&f.politica) else {
        return Ok(Err(format!(
            "{} «{}» {}",
            l.pick("Política: la política", "Policy: the policy"),
            f.politica,
            l.pick("no existe.", "does not exist.")
        )));
    };
    let Some(year) = f.anio.parse::<Year>().ok().filter(|y| policy.meta().years.contains(*y)) else {
        return Ok(Err(format!(
            "{} «{}» {}",
            l.pick("Año: el año", "Year: the year"),
            f.anio,
            l.pick("no es un año de la política.", "is not a year of the policy.")
        )));
    };
    if f.fecha.is_empty() || !valid_date(&f.fecha) {
        return Ok(Err(l
            .pick(
                "Fecha: escriba AAAA-MM-DD, por ejemplo 2025-03-31.",
                "Date: write YYYY-MM-DD, for example 2025-03-31.",
            )
            .to_string()));
    }
    Ok(Ok((i64::from(year.get()), format!("{}T23:59:59Z", f.fecha))))
}

pub async fn set_deadline(State(state): State<AppState>, v: Viewer, Form(f): Form<DeadlineForm>) -> Response {
    if !v.can(Action::ManageDeadlines, &Resource::Site) {
        return forbidden(&v);
    }
    let (year, deadline) = match check_deadline(&state, &f, v.lang).await {
        Ok(Ok(x)) => x,
        Ok(Err(msg)) => {
            return with_status(admin_page(&state, &v, Some(msg), None).await, StatusCode::UNPROCESSABLE_ENTITY);
        }
        Err(e) => return crate::internal(e, v.lang),
    };
    let at = now();
    let by = v.name();
    let subject = year.to_string();
    let entry = NewAudit {
        policy: Some(&f.politica),
        subject: Some(&subject),
        detail: Some(&deadline),
        ..audit(&at, &by, "set_deadline")
    };
    match state.store.set_deadline(&f.politica, year, &deadline, &entry).await {
        Ok(()) => see_other("/admin?hecho=plazo"),
        Err(e) => crate::internal(e, v.lang),
    }
}

pub async fn grant_exception(State(state): State<AppState>, v: Viewer, Form(f): Form<DeadlineForm>) -> Response {
    if !v.can(Action::ManageDeadlines, &Resource::Site) {
        return forbidden(&v);
    }
    let (year, until) = match check_deadline(&state, &f, v.lang).await {
        Ok(Ok(x)) => x,
        Ok(Err(msg)) => {
            return with_status(admin_page(&state, &v, Some(msg), None).await, StatusCode::UNPROCESSABLE_ENTITY);
        }
        Err(e) => return crate::internal(e, v.lang),
    };
    if f.unidad.trim().is_empty() || f.motivo.trim().is_empty() {
        let msg = v.t("Unidad y motivo: ambos son obligatorios.", "Unit and reason: both are required.").to_string();
        return with_status(admin_page(&state, &v, Some(msg), None).await, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let at = now();
    let by = v.name();
    let e = Exception {
        policy: f.politica.clone(),
        year,
        unit: f.unidad.trim().to_string(),
        until: until.clone(),
        reason: f.motivo.trim().to_string(),
        granted_by: by.clone(),
    };
    let subject = year.to_string();
    let detail = format!("hasta {until}; {}", e.reason);
    let entry = NewAudit {
        policy: Some(&f.politica),
        unit: Some(&e.unit),
        subject: Some(&subject),
        detail: Some(&detail),
        ..audit(&at, &by, "grant_exception")
    };
    match state.store.grant_exception(&e, &entry).await {
        Ok(()) => see_other("/admin?hecho=excepcion"),
        Err(err) => crate::internal(err, v.lang),
    }
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    f: Frame,
    t: AccountTexts,
    user: String,
    role: String,
    scope: String,
    new_token: Option<String>,
    tokens: Vec<(String, String, String)>,
    error: Option<String>,
}

struct AccountTexts {
    account: &'static str,
    role: &'static str,
    scope: &'static str,
    tokens: &'static str,
    intro: &'static str,
    label: &'static str,
    create: &'static str,
    created: &'static str,
    shown_once: &'static str,
    state: &'static str,
}

pub async fn account(State(state): State<AppState>, v: Viewer) -> Response {
    account_page(&state, &v, None, None).await
}

async fn account_page(state: &AppState, v: &Viewer, new_token: Option<String>, error: Option<String>) -> Response {
    let Some(user) = &v.user else { return forbidden(v) };
    let l = v.lang;
    let tokens = match state.store.tokens(user.id).await {
        Ok(t) => t,
        Err(e) => return crate::internal(e, l),
    };
    let page = AccountPage {
        f: v.frame(l.pick("Mi cuenta", "My account")),
        t: AccountTexts {
            account: l.pick("Cuenta", "Account"),
            role: l.pick("Rol", "Role"),
            scope: l.pick("Ámbito", "Scope"),
            tokens: l.pick("Tokens de la API", "API tokens"),
            intro: l.pick(
                "Un token permite a un programa usar la API JSON (/api/v1) con los permisos de su cuenta: envíelo en la cabecera «Authorization: Bearer TOKEN». La descripción de la API está en /api/v1/openapi.json.",
                "A token lets a program use the JSON API (/api/v1) with your account's rights: send it in the header «Authorization: Bearer TOKEN». The API is described at /api/v1/openapi.json.",
            ),
            label: l.pick("Descripción del token", "Token description"),
            create: l.pick("Crear token", "Create token"),
            created: l.pick("Creado", "Created"),
            shown_once: l.pick(
                "Copie este token ahora: no se volverá a mostrar.",
                "Copy this token now: it will not be shown again.",
            ),
            state: l.pick("Estado", "State"),
        },
        user: format!("{} ({})", user.display_name, user.username),
        role: user.role.label(l).to_string(),
        scope: user.scope.clone().unwrap_or_else(|| "—".into()),
        new_token,
        tokens: tokens
            .into_iter()
            .map(|(label, at, revoked)| {
                let state = if revoked.is_some() { l.pick("revocado", "revoked") } else { l.pick("vigente", "active") };
                (label, at.replace('T', " ").trim_end_matches('Z').to_string(), state.to_string())
            })
            .collect(),
        error,
    };
    render(&page).into_response()
}

#[derive(Debug, Default, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    descripcion: String,
}

pub async fn create_token(State(state): State<AppState>, v: Viewer, Form(f): Form<TokenForm>) -> Response {
    let Some(user) = v.user.clone() else { return forbidden(&v) };
    let label = f.descripcion.trim();
    if label.is_empty() || label.chars().count() > 100 {
        let msg =
            v.t("Descripción del token: de 1 a 100 caracteres.", "Token description: 1 to 100 characters.").to_string();
        return with_status(account_page(&state, &v, None, Some(msg)).await, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let token = format!("avk_{}", secret());
    let at = now();
    let entry = NewAudit { detail: Some(label), unit: unit_of(&user), ..audit(&at, &user.username, "create_token") };
    match state.store.create_token(&digest(&token), user.id, label, &entry).await {
        Ok(()) => account_page(&state, &v, Some(token), None).await,
        Err(e) => crate::internal(e, v.lang),
    }
}
