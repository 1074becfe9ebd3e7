//! The JSON API under `/api/v1`: reading for everyone, writing with a per-user token
//! (`Authorization: Bearer TOKEN`, created on "Mi cuenta"). Described by the OpenAPI document at
//! `/api/v1/openapi.json`. Errors are `{"error": {"code", "message", "field"}}`; messages are in
//! Spanish unless `Accept-Language` asks for English.

// Handlers answer errors as ready responses, as axum does; their size does not matter here.
#![allow(clippy::result_large_err)]

use avance_app::store::Submission;
use avance_app::{Actor, AppError, OverviewFilter, ReportActual};
use avance_core::access::Step;
use avance_core::lang::Lang;
use avance_core::model::Year;
use avance_report::json::figure;
use avance_report::labels::shown;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, IntoResponses, OpenApi, ToSchema};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/policies", get(policies))
        .route("/api/v1/policies/{code}", get(policy))
        .route("/api/v1/policies/{code}/indicators/{indicator}", get(indicator))
        .route("/api/v1/policies/{code}/indicators/{indicator}/actuals", post(submit))
        .route("/api/v1/policies/{code}/actuals", post(submit_many))
        .route("/api/v1/policies/{code}/reporting", get(reporting))
        .route("/api/v1/submissions", get(submissions))
        .route("/api/v1/submissions/{id}/approve", post(approve))
        .route("/api/v1/submissions/{id}/return", post(return_))
        .route("/api/v1/poi", get(poi_list))
        .route("/api/v1/poi/{entity}/{year}", get(poi_figures))
        .route("/api/v1/poi/{entity}/{year}/execution", post(poi_execution))
        .route("/api/v1/pei", get(pei_list))
        .route("/api/v1/pei/{entity}", get(pei_figures))
        .route("/api/v1/pei/{entity}/values", post(pei_values))
        .route("/api/v1/poi/{entity}/{year}/publications", get(poi_publications).post(poi_publish))
        .route("/api/v1/pei/{entity}/publications", get(pei_publications).post(pei_publish))
        .route("/api/v1/me", get(me))
        .route("/api/v1/me/mail", put(set_mail))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "avance API",
        version = "1",
        description = "Seguimiento de políticas nacionales (método CEPLAN): cifras, indicadores y reporte de valores. Lectura pública; escritura con token de usuario (Authorization: Bearer)."
    ),
    paths(policies, policy, indicator, submit, submit_many, reporting, submissions, approve, return_, poi_list, poi_figures, poi_execution, poi_publications, poi_publish, pei_list, pei_figures, pei_values, pei_publications, pei_publish, me, set_mail),
    components(schemas(Me, MailSettings, Publication, NewPoiPublication, NewPeiPublication, PeiLine, NewPeiValues, PeiValue, RecordedPeiValues, PoiLine, PoiPeriod, NewExecution, ExecutionValue, RecordedExecution, ReportingView, UnitReporting, IndicatorReporting, PolicyLine, Counts, IndicatorDetail, OutlookView, YearFigures, NewActual, YearInput, NewActuals, BulkValue, Created, CreatedItem, SubmissionView, ReturnBody, ApiError, ErrorBody, ItemError)),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "token",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// The OpenAPI 3 document of this API.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

async fn openapi() -> Response {
    Json(openapi_document()).into_response()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// A stable identifier: `not_found`, `unauthorized`, `forbidden`, `invalid`, `conflict`, `closed`, `server`.
    code: &'static str,
    message: String,
    /// The field the message is about, when there is one.
    field: Option<String>,
    /// In a bulk call, each refused item: its position in `values` and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    items: Option<Vec<ItemError>>,
}

/// A refused item of a bulk call.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemError {
    /// The position in `values`, from 0.
    index: usize,
    code: &'static str,
    message: String,
    field: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiError {
    error: ErrorBody,
}

fn fail(status: StatusCode, code: &'static str, message: impl Into<String>, field: Option<&str>) -> Response {
    let body =
        ApiError { error: ErrorBody { code, message: message.into(), field: field.map(str::to_string), items: None } };
    (status, Json(body)).into_response()
}

/// The status and stable code of a refusal.
fn status_code(e: &AppError) -> (StatusCode, &'static str) {
    match e {
        AppError::Unauthenticated | AppError::BadCredentials => (StatusCode::UNAUTHORIZED, "unauthorized"),
        AppError::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
        AppError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
        AppError::Invalid { .. } | AppError::Items(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        AppError::Closed => (StatusCode::UNPROCESSABLE_ENTITY, "closed"),
        AppError::NotYetOpen(_) => (StatusCode::UNPROCESSABLE_ENTITY, "not_open_yet"),
        AppError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
        AppError::TooManyAttempts { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"),
        AppError::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
        AppError::Store(_) => (StatusCode::INTERNAL_SERVER_ERROR, "server"),
    }
}

/// A use case's refusal as the API answers it: the one mapping of `/api/v1`.
#[derive(Debug)]
pub struct ApiFail(pub AppError, pub Lang);

impl IntoResponse for ApiFail {
    fn into_response(self) -> Response {
        let ApiFail(e, l) = self;
        let field = e.field().map(|f| f.id().to_string());
        let (status, code) = status_code(&e);
        let message = match &e {
            AppError::Store(err) => {
                tracing::error!(error = %err, "database error (API)");
                l.pick("error del servidor", "server error").to_string()
            }
            e => e.message(l),
        };
        let items = match &e {
            AppError::Items(list) => Some(
                list.iter()
                    .map(|(index, e)| ItemError {
                        index: *index,
                        code: status_code(e).1,
                        message: e.message(l),
                        field: e.field().map(|f| f.id().to_string()),
                    })
                    .collect(),
            ),
            _ => None,
        };
        let body = ApiError { error: ErrorBody { code, message, field, items } };
        crate::view::with_retry_after((status, Json(body)).into_response(), &e)
    }
}

/// An API answer: JSON, or a refusal.
type Answer = Result<Response, ApiFail>;

/// The language an API client asks for: English when `Accept-Language` starts with `en`,
/// Spanish otherwise.
pub fn lang_of(headers: &axum::http::HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::Es, |v| if v.trim_start().to_ascii_lowercase().starts_with("en") { Lang::En } else { Lang::Es })
}

/// An answer the framework itself wrote (a route that does not exist, a method a route does not
/// take, a path segment that does not parse), in the API's JSON shape and the caller's language.
pub fn framework_answer(status: StatusCode, lang: Lang) -> Response {
    let (status, code, message) = match status {
        StatusCode::METHOD_NOT_ALLOWED => (
            status,
            "method_not_allowed",
            lang.pick("el método no está permitido en esta dirección", "the method is not allowed at this address"),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            status,
            "too_large",
            lang.pick("la solicitud es demasiado grande (máximo 64 KiB)", "the request is too large (at most 64 KiB)"),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            status,
            "unsupported_media_type",
            lang.pick("el tipo de contenido no es el esperado", "the content type is not the expected one"),
        ),
        s if s.is_server_error() => (s, "server", lang.pick("error del servidor", "server error")),
        // A route that does not exist, or a path segment that names nothing (`/submissions/abc`).
        _ => (
            StatusCode::NOT_FOUND,
            "not_found",
            lang.pick("no existe nada en esta dirección de la API", "there is nothing at this API address"),
        ),
    };
    fail(status, code, message, None)
}

/// Who calls: the user of a bearer token, or the public; and the language asked for.
#[derive(Debug)]
pub struct Caller {
    actor: Actor,
    lang: Lang,
}

impl Caller {
    fn fail(&self, e: AppError) -> ApiFail {
        ApiFail(e, self.lang)
    }
}

/// Gives a refusal the caller's language, for `?`.
trait OrApi<T> {
    fn or_api(self, c: &Caller) -> Result<T, ApiFail>;
}

impl<T> OrApi<T> for Result<T, AppError> {
    fn or_api(self, c: &Caller) -> Result<T, ApiFail> {
        self.map_err(|e| c.fail(e))
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, Response> {
        let lang = lang_of(&parts.headers);
        let Some(auth) = parts.headers.get(header::AUTHORIZATION) else {
            return Ok(Caller { actor: Actor::public(), lang });
        };
        let token = auth.to_str().ok().and_then(|a| a.strip_prefix("Bearer ")).map(str::trim).unwrap_or("");
        match state.app.token_actor(token).await.map_err(|e| ApiFail(e, lang).into_response())? {
            Some(actor) => {
                crate::record_user(&actor);
                Ok(Caller { actor, lang })
            }
            None => Err(fail(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                lang.pick("el token no es válido o fue revocado", "the token is invalid or was revoked"),
                None,
            )),
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearParam {
    /// The follow-up year (default: the policy's latest year up to the current one).
    year: Option<String>,
}

/// The year of the query, if any; a malformed one is a bad request (400).
fn year_of(q: &YearParam, lang: Lang) -> Result<Option<Year>, Response> {
    match q.year.as_deref().filter(|y| !y.is_empty()) {
        None => Ok(None),
        Some(y) => y.parse::<Year>().map(Some).map_err(|_| {
            fail(
                StatusCode::BAD_REQUEST,
                "invalid",
                format!("{} «{y}»", lang.pick("año no válido", "invalid year")),
                Some("year"),
            )
        }),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Counts {
    alto: usize,
    intermedio: usize,
    bajo: usize,
    nd: usize,
    total: usize,
}

impl From<&avance_core::band::BandCounts> for Counts {
    fn from(c: &avance_core::band::BandCounts) -> Counts {
        Counts { alto: c.alto, intermedio: c.intermedio, bajo: c.bajo, nd: c.nd, total: c.total() }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyLine {
    code: String,
    name: String,
    sector: String,
    ministry: String,
    #[serde(rename = "type")]
    policy_type: String,
    year: u16,
    /// The management index, rounded for display; null for ND.
    #[schema(value_type = Option<f64>)]
    index: Value,
    band: &'static str,
    objectives: Counts,
    objective_indicators: Counts,
    service_indicators: Counts,
}

/// Every policy followed up in a year, with its index and counts.
#[utoipa::path(get, path = "/api/v1/policies", params(YearParam), responses((status = 200, body = [PolicyLine])))]
async fn policies(State(state): State<AppState>, c: Caller, Query(q): Query<YearParam>) -> Answer {
    let year = match year_of(&q, c.lang) {
        Ok(y) => y,
        Err(answer) => return Ok(answer),
    };
    let view = state.app.overview(&c.actor, &OverviewFilter { year, ..OverviewFilter::default() }).await.or_api(&c)?;
    let Some(year) = view.year else { return Ok(Json(Vec::<PolicyLine>::new()).into_response()) };
    let lines: Vec<PolicyLine> = view
        .items
        .into_iter()
        .map(|(p, r)| {
            let m = p.meta();
            PolicyLine {
                code: m.code.clone(),
                name: m.name.clone(),
                sector: format!("{} {}", m.sector.code, m.sector.name),
                ministry: format!("{} {}", m.ministry.code, m.ministry.name),
                policy_type: m.policy_type.id().to_string(),
                year: year.get(),
                index: figure(r.index, p.profile().decimals),
                band: r.index_band.id(),
                objectives: (&r.counts.objectives).into(),
                objective_indicators: (&r.counts.objective_indicators).into(),
                service_indicators: (&r.counts.service_indicators).into(),
            }
        })
        .collect();
    Ok(Json(lines).into_response())
}

/// A policy's figures for a year: the `avance-compute/1` document of `avance compute --format json`.
#[utoipa::path(
    get,
    path = "/api/v1/policies/{code}",
    params(("code" = String, Path, description = "Policy code, e.g. PNDI"), YearParam),
    responses((status = 200, description = "avance-compute/1 document", body = Object), (status = 404, body = ApiError))
)]
async fn policy(
    State(state): State<AppState>,
    c: Caller,
    Path(code): Path<String>,
    Query(q): Query<YearParam>,
) -> Answer {
    let year = match year_of(&q, c.lang) {
        Ok(y) => y,
        Err(answer) => return Ok(answer),
    };
    let view = state.app.policy(&c.actor, &code, year).await.or_api(&c)?;
    Ok(Json(avance_report::json::compute(&view.policy, &view.result, c.lang)).into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct YearFigures {
    year: u16,
    target: Option<String>,
    actual: Option<String>,
    /// Avance Tipo 1 as displayed (one decimal); "ND" when not computable.
    avance: String,
    band: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorDetail {
    policy: String,
    code: String,
    name: String,
    responsible: String,
    indicator_type: String,
    unit: String,
    baseline: Option<String>,
    baseline_year: Option<u16>,
    year: u16,
    avance_tipo1: String,
    avance_tipo2: String,
    band: &'static str,
    years: Vec<YearFigures>,
    /// "¿Cómo se calculó?": each step as a label and its text.
    how: Vec<(String, String)>,
    /// The outlook to the horizon in the year.
    outlook: OutlookView,
}

/// Whether the indicator reaches its horizon target at the pace observed so far: an estimate
/// beside the figures, which it does not change (docs/rules.md, "Outlook to the horizon").
#[derive(Debug, Serialize, ToSchema)]
pub struct OutlookView {
    /// `unsd-ratio-de-tasas` or `escap-progreso-anticipado`.
    method: &'static str,
    /// `meta_alcanzada`, `en_camino`, `requiere_aceleracion`, `estancado` or `retroceso`; null
    /// when there is no assessment.
    category: Option<&'static str>,
    /// Why there is no assessment: `menos_de_dos_valores`, `sin_meta`,
    /// `meta_sin_progreso_requerido`, `horizonte_no_posterior`; null when assessed.
    reason: Option<&'static str>,
    /// The category or the reason in words, in the client's language.
    label: String,
    start_year: Option<u16>,
    start_value: Option<f64>,
    latest_year: Option<u16>,
    latest_value: Option<f64>,
    horizon_year: Option<u16>,
    horizon_target: Option<f64>,
    /// Per year: a fraction for compound growth rates, units for linear ones.
    observed_rate: Option<f64>,
    required_rate: Option<f64>,
    /// ρ: observed ÷ required (UNSD), or the share of the required progress anticipated (ESCAP).
    ratio: Option<f64>,
    /// The value expected at the horizon year at the observed pace.
    projected: Option<f64>,
    /// The assessment explained: each step as a label and its text.
    how: Vec<(String, String)>,
}

fn outlook_view(
    r: &Result<avance_core::progress::Assessment, avance_core::progress::NoOutlook>,
    method: avance_core::progress::ProgressMethod,
    lang: avance_core::lang::Lang,
) -> OutlookView {
    let round = |x: f64| (x * 10_000.0).round() / 10_000.0;
    let a = r.as_ref().ok();
    OutlookView {
        method: method.id(),
        category: a.map(|a| a.outlook.id()),
        reason: r.as_ref().err().map(|e| e.id()),
        label: match r {
            Ok(a) => avance_report::labels::outlook(a.outlook, lang).to_string(),
            Err(e) => avance_report::labels::no_outlook(*e, lang).to_string(),
        },
        start_year: a.map(|a| a.start.0.get()),
        start_value: a.map(|a| round(a.start.1)),
        latest_year: a.map(|a| a.latest.0.get()),
        latest_value: a.map(|a| round(a.latest.1)),
        horizon_year: a.map(|a| a.horizon.0.get()),
        horizon_target: a.map(|a| round(a.horizon.1)),
        observed_rate: a.map(|a| round(a.observed_rate)),
        required_rate: a.map(|a| round(a.required_rate)),
        ratio: a.map(|a| round(a.ratio)),
        projected: a.map(|a| round(a.projected)),
        how: avance_report::explain::outlook_steps(r, lang).into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
    }
}

/// One indicator: metadata, every year's values and avance, and how the year's avance was computed.
#[utoipa::path(
    get,
    path = "/api/v1/policies/{code}/indicators/{indicator}",
    params(("code" = String, Path), ("indicator" = String, Path, description = "e.g. ISS.01.01.01.01"), YearParam),
    responses((status = 200, body = IndicatorDetail), (status = 404, body = ApiError))
)]
async fn indicator(
    State(state): State<AppState>,
    c: Caller,
    Path((code, indicator)): Path<(String, String)>,
    Query(q): Query<YearParam>,
) -> Answer {
    let year = match year_of(&q, c.lang) {
        Ok(y) => y,
        Err(answer) => return Ok(answer),
    };
    let view = state.app.indicator(&c.actor, &code, &indicator, year).await.or_api(&c)?;
    let ind = view.indicator();
    let r = &view.result;
    let profile = &view.policy.result.profile;
    let d = profile.decimals;
    let year = view.policy.year;
    let years = view
        .series
        .iter()
        .map(|p| YearFigures {
            year: p.year.get(),
            target: ind.targets.get(&p.year).map(|c| c.text().to_string()),
            actual: ind.actuals.get(&p.year).map(|c| c.text().to_string()),
            avance: shown(p.avance, d),
            band: p.band.id(),
        })
        .collect();
    let tipo2 = match view.result.tipo2 {
        avance_core::avance::Tipo2::Value(x) => avance_core::number::format_display(x, d),
        avance_core::avance::Tipo2::Nd => "ND".into(),
        avance_core::avance::Tipo2::NotApplicable => "no aplica".into(),
    };
    Ok(Json(IndicatorDetail {
        policy: code.clone(),
        code: ind.code.to_string(),
        name: ind.name.clone(),
        responsible: ind.responsible.clone(),
        indicator_type: ind.indicator_type.clone(),
        unit: ind.unit.id().to_string(),
        baseline: ind.baseline.as_ref().map(|b| b.value.text().to_string()),
        baseline_year: ind.baseline.as_ref().map(|b| b.year.get()),
        year: year.get(),
        avance_tipo1: shown(r.avance(), d),
        avance_tipo2: tipo2,
        band: r.band.id(),
        years,
        how: avance_report::explain::avance_steps(&view.evaluation, profile, year, c.lang)
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        outlook: outlook_view(&view.outlook, profile.progress, c.lang),
    })
    .into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewActual {
    /// The follow-up year, as a number (2024) or a text ("2024").
    year: YearInput,
    /// The value as the unit writes it: `12.5%`, `10,256`, `ND`.
    value: String,
    comment: Option<String>,
    /// An http(s) link to the evidence.
    evidence: Option<String>,
}

/// A year as a JSON number or text.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum YearInput {
    Number(i64),
    Text(String),
}

impl YearInput {
    fn text(self) -> String {
        match self {
            YearInput::Number(n) => n.to_string(),
            YearInput::Text(t) => t,
        }
    }
}

/// A JSON body the API could not take, answered in the caller's language with the field at
/// fault where serde names one: 415 without `Content-Type: application/json`, 400 for malformed
/// JSON, 413 past the body limit, 422 for a missing or mistyped field.
fn bad_body(e: &axum::extract::rejection::JsonRejection, l: Lang) -> Response {
    use axum::extract::rejection::JsonRejection as R;
    let detail = e.body_text();
    // axum words a data error "…target type: PATH: ERROR" for a field with the wrong type and
    // "…target type: missing field `NAME` at …" for a missing one; the field is PATH or NAME.
    let after = detail.split_once("target type: ").map_or(detail.as_str(), |(_, rest)| rest);
    let missing = after.strip_prefix("missing field `").and_then(|r| r.split('`').next());
    let path = after.split_once(": ").map(|(p, _)| p).filter(|p| !p.contains(' '));
    let field = missing.or(path).map(str::to_string);
    let missing = missing.is_some();
    let (status, code, message) = match e {
        R::MissingJsonContentType(_) => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            l.pick(
                "envíe el cuerpo como JSON (Content-Type: application/json)",
                "send the body as JSON (Content-Type: application/json)",
            )
            .to_string(),
        ),
        R::JsonSyntaxError(_) => (
            StatusCode::BAD_REQUEST,
            "malformed",
            l.pick("el cuerpo no es JSON válido", "the body is not valid JSON").to_string(),
        ),
        R::JsonDataError(_) => {
            let message = match (&field, missing) {
                (Some(f), true) => format!("{} «{f}»", l.pick("falta el campo", "missing field")),
                (Some(f), false) => format!(
                    "{} «{f}» {}",
                    l.pick("el campo", "the field"),
                    l.pick("no tiene el tipo esperado", "does not have the expected type")
                ),
                (None, _) => l
                    .pick("el cuerpo no tiene la forma esperada", "the body does not have the expected shape")
                    .to_string(),
            };
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
        }
        _ if e.status() == StatusCode::PAYLOAD_TOO_LARGE => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            l.pick("la solicitud es demasiado grande (máximo 64 KiB)", "the request is too large (at most 64 KiB)")
                .to_string(),
        ),
        _ => (
            e.status(),
            "bad_request",
            l.pick("no se pudo leer el cuerpo de la solicitud", "the request body could not be read").to_string(),
        ),
    };
    let field = if matches!(e, R::JsonDataError(_)) { field } else { None };
    fail(status, code, message, field.as_deref())
}

/// What a write to an entity's or a policy's data may answer besides its own refusals: no token,
/// a caller who may not, or no such plan.
#[derive(IntoResponses)]
#[allow(dead_code)]
enum Refusals {
    /// No valid token.
    #[response(status = 401)]
    Unauthenticated(ApiError),
    /// The caller may not do this.
    #[response(status = 403)]
    Forbidden(ApiError),
    /// No such plan, policy or year.
    #[response(status = 404)]
    NotFound(ApiError),
}

/// A write's JSON body as axum hands it over: read, or why it could not be.
type JsonBody<T> = Result<Json<T>, axum::extract::rejection::JsonRejection>;

/// The JSON body of a write (see [`write_body`]), or the answer the handler gives at once.
macro_rules! write_body {
    ($c:expr, $body:expr) => {
        match write_body(&$c, $body)? {
            Ok(b) => b,
            Err(refused) => return Ok(refused),
        }
    };
}

/// The body of a write: someone must be calling (a token), and the JSON must read; the inner
/// `Err` is the answer to a body that does not.
fn write_body<T>(c: &Caller, body: JsonBody<T>) -> Result<Result<T, Response>, ApiFail> {
    if c.actor.user.is_none() {
        return Err(c.fail(AppError::Unauthenticated));
    }
    Ok(body.map(|Json(b)| b).map_err(|e| bad_body(&e, c.lang)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    id: i64,
    status: &'static str,
}

/// A unit reports an actual for one of its indicators; it waits for the planning office's review.
#[utoipa::path(
    post,
    path = "/api/v1/policies/{code}/indicators/{indicator}/actuals",
    params(("code" = String, Path), ("indicator" = String, Path)),
    request_body = NewActual,
    security(("token" = [])),
    responses(
        (status = 201, body = Created),
        (status = 401, body = ApiError),
        (status = 403, body = ApiError),
        (status = 409, description = "already approved (locked)", body = ApiError),
        (status = 422, description = "invalid value, or the year is closed", body = ApiError)
    )
)]
async fn submit(
    State(state): State<AppState>,
    c: Caller,
    Path((code, indicator)): Path<(String, String)>,
    body: JsonBody<NewActual>,
) -> Answer {
    let body = write_body!(c, body);
    let req = ReportActual {
        policy: code,
        indicator,
        year: body.year.text(),
        value: body.value,
        comment: body.comment.unwrap_or_default(),
        evidence: body.evidence.unwrap_or_default(),
    };
    let sub = state.app.report_actual(&c.actor, &req).await.or_api(&c)?;
    Ok((StatusCode::CREATED, Json(Created { id: sub.id, status: "submitted" })).into_response())
}

/// A year's values of several indicators of one policy, reported at once.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewActuals {
    /// The follow-up year, as a number (2024) or a text ("2024").
    year: YearInput,
    /// One value per indicator (at most 1,000).
    values: Vec<BulkValue>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BulkValue {
    /// The indicator's code, e.g. ISS.01.01.01.02.
    indicator: String,
    /// The value as the unit writes it: `12.5%`, `10,256`, `ND`.
    value: String,
    comment: Option<String>,
    evidence: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedItem {
    id: i64,
    indicator: String,
    status: &'static str,
}

/// A unit's system reports a year's values of many indicators in one call: all are recorded, or
/// none is and the answer names every refused item (`error.items`, by position in `values`).
#[utoipa::path(
    post,
    path = "/api/v1/policies/{code}/actuals",
    params(("code" = String, Path, description = "Policy code, e.g. PNDI")),
    request_body = NewActuals,
    security(("token" = [])),
    responses(
        (status = 201, body = [CreatedItem]),
        (status = 401, body = ApiError),
        (status = 403, body = ApiError),
        (status = 422, description = "some items refused (none recorded), or the year is closed", body = ApiError)
    )
)]
async fn submit_many(
    State(state): State<AppState>,
    c: Caller,
    Path(code): Path<String>,
    body: JsonBody<NewActuals>,
) -> Answer {
    let body = write_body!(c, body);
    let year = body.year.text();
    let reqs: Vec<ReportActual> = body
        .values
        .into_iter()
        .map(|v| ReportActual {
            policy: code.clone(),
            indicator: v.indicator,
            year: year.clone(),
            value: v.value,
            comment: v.comment.unwrap_or_default(),
            evidence: v.evidence.unwrap_or_default(),
        })
        .collect();
    let subs = state.app.report_actuals(&c.actor, &reqs).await.or_api(&c)?;
    let list: Vec<CreatedItem> =
        subs.into_iter().map(|s| CreatedItem { id: s.id, indicator: s.indicator, status: s.status.id() }).collect();
    Ok((StatusCode::CREATED, Json(list)).into_response())
}

/// Where one indicator's value of the year stands for a unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorReporting {
    code: String,
    /// por_reportar, devuelto, por_revisar, aprobado or en_los_datos.
    standing: &'static str,
    /// When the latest submission was sent (RFC 3339, UTC).
    submitted_at: Option<String>,
}

/// A responsible unit in the reporting follow-up.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitReporting {
    unit: String,
    /// The unit's deadline (RFC 3339, UTC): its exception's when it has one.
    deadline: Option<String>,
    exception: bool,
    /// Days from today to the deadline's day, both in Lima; negative when late.
    days_left: Option<i64>,
    /// Past its deadline with values still owed.
    late: bool,
    /// Indicators per standing (por_reportar, devuelto, por_revisar, aprobado, en_los_datos).
    #[schema(value_type = Object)]
    counts: Value,
    indicators: Vec<IndicatorReporting>,
}

/// The reporting follow-up of a policy-year.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportingView {
    policy: String,
    year: u16,
    /// The calendar (RFC 3339, UTC), each null when not set.
    deadline: Option<String>,
    opens: Option<String>,
    review_until: Option<String>,
    publication: Option<String>,
    /// Today in Lima (AAAA-MM-DD).
    today: String,
    units: Vec<UnitReporting>,
}

/// Which units have reported what in a policy-year, and the days each has left or is late (the
/// planning office of the policy's ministry, the administrator). Without `year`: the latest year
/// with a deadline, else the policy's last.
#[utoipa::path(
    get,
    path = "/api/v1/policies/{code}/reporting",
    params(("code" = String, Path, description = "Policy code, e.g. PNDI"), YearParam),
    security(("token" = [])),
    responses((status = 200, body = ReportingView), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError))
)]
async fn reporting(
    State(state): State<AppState>,
    c: Caller,
    Path(code): Path<String>,
    Query(q): Query<YearParam>,
) -> Answer {
    let view = state.app.reporting_tracking(&c.actor, Some(&code), q.year.as_deref()).await.or_api(&c)?;
    let units = view
        .units
        .iter()
        .map(|u| UnitReporting {
            unit: u.unit.clone(),
            deadline: u.deadline.clone(),
            exception: u.exception,
            days_left: u.days,
            late: u.late(),
            counts: Value::Object(
                avance_core::access::Standing::ALL.iter().map(|s| (s.id().to_string(), json!(u.count(*s)))).collect(),
            ),
            indicators: u
                .indicators
                .iter()
                .map(|i| IndicatorReporting {
                    code: i.code.clone(),
                    standing: i.standing.id(),
                    submitted_at: i.submitted_at.clone(),
                })
                .collect(),
        })
        .collect();
    Ok(Json(ReportingView {
        policy: view.policy.meta().code.clone(),
        year: view.year.get(),
        deadline: view.deadline.clone(),
        opens: view.opens.clone(),
        review_until: view.review_until.clone(),
        publication: view.publication.clone(),
        today: view.today.clone(),
        units,
    })
    .into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionView {
    id: i64,
    policy: String,
    indicator: String,
    year: i64,
    value: String,
    comment: Option<String>,
    evidence: Option<String>,
    /// submitted, approved, returned or superseded.
    status: &'static str,
    submitted_by: String,
    submitted_at: String,
    reviewed_by: Option<String>,
    review_reason: Option<String>,
}

/// The submissions the caller may see: a unit's own, or those of the policies a planning office
/// reviews (everything for the administrator).
#[utoipa::path(get, path = "/api/v1/submissions", security(("token" = [])), responses((status = 200, body = [SubmissionView]), (status = 401, body = ApiError)))]
async fn submissions(State(state): State<AppState>, c: Caller) -> Answer {
    let (_, subs) = state.app.submissions(&c.actor).await.or_api(&c)?;
    let list: Vec<SubmissionView> = subs
        .into_iter()
        .map(|s| SubmissionView {
            id: s.id,
            policy: s.policy,
            indicator: s.indicator,
            year: s.year,
            value: s.text,
            comment: s.comment,
            evidence: s.evidence,
            status: s.status.id(),
            submitted_by: s.submitted_by,
            submitted_at: s.submitted_at,
            reviewed_by: s.reviewed_by,
            review_reason: s.review_reason,
        })
        .collect();
    Ok(Json(list).into_response())
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ReturnBody {
    /// Why the value is returned (required).
    reason: String,
}

/// The answer of a review: the submission's id and new status.
fn reviewed(c: &Caller, r: Result<Submission, AppError>) -> Answer {
    let s = r.or_api(c)?;
    Ok(Json(json!({"id": s.id, "status": s.status.id()})).into_response())
}

/// The planning office approves a submitted value: it becomes the indicator's actual, locked.
#[utoipa::path(
    post,
    path = "/api/v1/submissions/{id}/approve",
    params(("id" = i64, Path)),
    security(("token" = [])),
    responses((status = 200, description = "approved"), (status = 403, body = ApiError), (status = 409, body = ApiError))
)]
async fn approve(State(state): State<AppState>, c: Caller, Path(id): Path<i64>) -> Answer {
    let r = state.app.review(&c.actor, id, Step::Approve, "").await;
    reviewed(&c, r)
}

/// The planning office returns a submitted value with a reason; the unit may correct it.
#[utoipa::path(
    post,
    path = "/api/v1/submissions/{id}/return",
    params(("id" = i64, Path)),
    request_body = ReturnBody,
    security(("token" = [])),
    responses((status = 200, description = "returned"), (status = 403, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError))
)]
async fn return_(State(state): State<AppState>, c: Caller, Path(id): Path<i64>, body: JsonBody<ReturnBody>) -> Answer {
    let reason = match body {
        Ok(b) => b.0.reason,
        Err(e) => return Ok(bad_body(&e, c.lang)),
    };
    let r = state.app.review(&c.actor, id, Step::Return, &reason).await;
    reviewed(&c, r)
}

/// The months a POI figure covers.
#[derive(Debug, Serialize, ToSchema)]
pub struct PoiPeriod {
    first_month: u8,
    last_month: u8,
    /// The last month whose follow-up was due on the report's date (0: none).
    due_through: u8,
}

/// An entity's POI in the list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PoiLine {
    entity: String,
    name: String,
    sector: String,
    year: i32,
    /// The rule profile, e.g. ceplan-poi@2022.
    profile: String,
    activities: i64,
    /// January to the last month ended, as of today in Lima.
    period: PoiPeriod,
    /// `{"value", "printed"}`, `{"status": "S.P."}`, `{"status": "S.I."}` or null (docs/formats.md).
    #[schema(value_type = Object)]
    total: Value,
    sin_programacion: usize,
    seguimiento_incompleto: usize,
}

/// Every loaded POI with its total physical execution from January to the last month ended.
#[utoipa::path(get, path = "/api/v1/poi", responses((status = 200, body = [PoiLine])))]
async fn poi_list(State(state): State<AppState>, c: Caller) -> Answer {
    let rows = state.app.poi_overview().await.or_api(&c)?;
    let lines: Vec<PoiLine> = rows
        .into_iter()
        .map(|r| {
            let doc = avance_report::poi::figure(r.figures.result.total, &r.figures.profile);
            let count =
                |x: avance_core::poi::Figure| r.figures.result.activities.iter().filter(|(_, f)| *f == x).count();
            PoiLine {
                entity: r.summary.entity_code,
                name: r.summary.entity_name,
                sector: r.summary.sector,
                year: r.summary.year,
                profile: r.summary.profile,
                activities: r.summary.activities,
                period: PoiPeriod {
                    first_month: r.figures.period.first,
                    last_month: r.figures.period.last,
                    due_through: r.figures.period.due_through,
                },
                total: doc,
                sin_programacion: count(avance_core::poi::Figure::SinProgramacion),
                seguimiento_incompleto: count(avance_core::poi::Figure::SeguimientoIncompleto),
            }
        })
        .collect();
    Ok(Json(lines).into_response())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthsParam {
    /// The period's first month, 1 to 12 (with `last_month`; default: January to the last month
    /// ended).
    first_month: Option<u8>,
    last_month: Option<u8>,
}

/// An entity's POI figures for a period as of today in Lima: the `avance-poi-compute/1` document
/// of `avance poi compute --format json`.
#[utoipa::path(
    get,
    path = "/api/v1/poi/{entity}/{year}",
    params(("entity" = String, Path, description = "Entity code, e.g. 999"), ("year" = i32, Path), MonthsParam),
    responses((status = 200, description = "avance-poi-compute/1 document", body = Object), (status = 404, body = ApiError), (status = 422, body = ApiError))
)]
async fn poi_figures(
    State(state): State<AppState>,
    c: Caller,
    Path((entity, year)): Path<(String, i32)>,
    Query(q): Query<MonthsParam>,
) -> Answer {
    let months = match (q.first_month, q.last_month) {
        (Some(a), Some(b)) => Some((a, b)),
        (None, None) => None,
        _ => {
            return Err(c.fail(AppError::Invalid {
                field: avance_app::Field::Month,
                problem: avance_app::Problem::MonthRange,
            }));
        }
    };
    let p = state.app.poi_page(&entity, Some(year), months).await.or_api(&c)?;
    let doc = avance_report::poi::json(&p.plan, p.figures.period, &p.figures.profile, &p.figures.result);
    Ok(Json(doc).into_response())
}

/// One activity's execution in the month.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ExecutionValue {
    /// The activity's code, e.g. AOI00001.
    activity: String,
    /// The quantity executed in the month (`0` if nothing; `2.5`); empty or null removes the
    /// record.
    value: Option<String>,
}

/// A month's execution of several activities.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewExecution {
    /// 1 to 12.
    month: u8,
    /// One value per activity (at most 5,000).
    values: Vec<ExecutionValue>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordedExecution {
    /// The change set written; null when every value was already the one recorded.
    change: Option<i64>,
    /// The activities whose value changed.
    changed: Vec<String>,
    /// The month's follow-up was due before today (the last day of the following month): recorded late.
    late: bool,
    /// The month's deadline, AAAA-MM-DD.
    deadline: String,
}

/// The entity's planning office records a month's execution of several activities: all are
/// recorded, or none is and the answer names every refused item (`error.items`, by position in
/// `values`).
#[utoipa::path(
    post,
    path = "/api/v1/poi/{entity}/{year}/execution",
    params(("entity" = String, Path, description = "Entity code, e.g. 999"), ("year" = i32, Path)),
    request_body = NewExecution,
    security(("token" = [])),
    responses(
        (status = 200, body = RecordedExecution),
        Refusals,
        (status = 422, description = "some values refused (none recorded), or a month not begun", body = ApiError)
    )
)]
async fn poi_execution(
    State(state): State<AppState>,
    c: Caller,
    Path((entity, year)): Path<(String, i32)>,
    body: JsonBody<NewExecution>,
) -> Answer {
    let body = write_body!(c, body);
    let entry = avance_app::poi::MonthEntry {
        entity,
        year,
        month: body.month,
        values: body.values.into_iter().map(|v| (v.activity, v.value.unwrap_or_default())).collect(),
    };
    let done = state.app.record_month(&c.actor, &entry).await.or_api(&c)?;
    Ok(Json(RecordedExecution { change: done.change, changed: done.changed, late: done.late, deadline: done.deadline })
        .into_response())
}

/// An entity's PEI in the list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeiLine {
    entity: String,
    name: String,
    first_year: i32,
    last_year: i32,
    /// The rule profile, e.g. ceplan-pei@2020.
    profile: String,
    indicators: i64,
    /// The follow-up year shown: the last of the period with a value obtained.
    year: u16,
    /// Indicators of that year with an avance, with "(*)" (zero logro esperado), and ND.
    with_avance: usize,
    zero_target: usize,
    nd: usize,
    /// The latest change set: the PEI's content is the same while this is.
    last_change: i64,
}

/// Every loaded PEI with the counts of its last year with values.
#[utoipa::path(get, path = "/api/v1/pei", responses((status = 200, body = [PeiLine])))]
async fn pei_list(State(state): State<AppState>, c: Caller) -> Answer {
    let rows = state.app.pei_overview().await.or_api(&c)?;
    let lines: Vec<PeiLine> = rows
        .into_iter()
        .map(|r| PeiLine {
            entity: r.summary.entity_code,
            name: r.summary.entity_name,
            first_year: r.summary.first_year,
            last_year: r.summary.last_year,
            profile: r.summary.profile,
            indicators: r.summary.indicators,
            year: r.year.get(),
            with_avance: r.valued,
            zero_target: r.zero_target,
            nd: r.nd,
            last_change: r.summary.last_change,
        })
        .collect();
    Ok(Json(lines).into_response())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeiParams {
    /// The follow-up year (default: the last of the period with a value obtained).
    year: Option<u16>,
    /// The first year of the PEI's period (default: the entity's latest PEI).
    first_year: Option<i32>,
}

/// An entity's PEI follow-up for a year: the `avance-pei-compute/1` document of `avance pei compute
/// --format json`.
#[utoipa::path(
    get,
    path = "/api/v1/pei/{entity}",
    params(("entity" = String, Path, description = "Entity code, e.g. IGP"), PeiParams),
    responses((status = 200, description = "avance-pei-compute/1 document", body = Object), (status = 404, body = ApiError), (status = 422, body = ApiError))
)]
async fn pei_figures(
    State(state): State<AppState>,
    c: Caller,
    Path(entity): Path<String>,
    Query(q): Query<PeiParams>,
) -> Answer {
    let p = state.app.pei_page(&entity, q.first_year, q.year).await.or_api(&c)?;
    Ok(Json(avance_report::pei::json(&p.plan, &p.figures)).into_response())
}

/// One indicator's value obtained in the year.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PeiValue {
    /// The indicator's code, e.g. IND.01.OEI.01.
    indicator: String,
    /// As written in the indicator's unit (`36.00`, `12.5%`, `ND`); empty or null removes it.
    value: Option<String>,
}

/// A year's values obtained of several indicators.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewPeiValues {
    year: u16,
    /// The first year of the PEI's period (default: the entity's latest PEI).
    first_year: Option<i32>,
    /// One value per indicator (at most 2,000).
    values: Vec<PeiValue>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordedPeiValues {
    /// The change set written; null when every value was already the one recorded.
    change: Option<i64>,
    /// The indicators whose value changed.
    changed: Vec<String>,
}

/// The entity's planning office records a year's values obtained of several indicators: all are
/// recorded, or none is and the answer names every refused item (`error.items`, by position in
/// `values`).
#[utoipa::path(
    post,
    path = "/api/v1/pei/{entity}/values",
    params(("entity" = String, Path, description = "Entity code, e.g. IGP")),
    request_body = NewPeiValues,
    security(("token" = [])),
    responses(
        (status = 200, body = RecordedPeiValues),
        Refusals,
        (status = 422, description = "some values refused (none recorded), or a year outside the period or not begun", body = ApiError)
    )
)]
async fn pei_values(
    State(state): State<AppState>,
    c: Caller,
    Path(entity): Path<String>,
    body: JsonBody<NewPeiValues>,
) -> Answer {
    let body = write_body!(c, body);
    let entry = avance_app::pei::PeiEntry {
        entity,
        first_year: body.first_year,
        year: body.year,
        values: body.values.into_iter().map(|v| (v.indicator, v.value.unwrap_or_default())).collect(),
    };
    let done = state.app.record_pei_values(&c.actor, &entry).await.or_api(&c)?;
    Ok(Json(RecordedPeiValues { change: done.change, changed: done.changed }).into_response())
}

/// A published follow-up: what was frozen and its fingerprint.
#[derive(Debug, Serialize, ToSchema)]
pub struct Publication {
    id: i64,
    entity: String,
    /// The POI's year, or the first year of the PEI's period.
    plan_year: i32,
    /// The months reported (POI): first and last, 1 to 12.
    #[serde(skip_serializing_if = "Option::is_none")]
    months: Option<[u8; 2]>,
    /// The report's date (POI), AAAA-MM-DD: which months were due.
    #[serde(skip_serializing_if = "Option::is_none")]
    report_date: Option<String>,
    /// The follow-up year (PEI).
    #[serde(skip_serializing_if = "Option::is_none")]
    year: Option<i32>,
    profile: String,
    /// The plan's latest change set when it was published.
    as_of_change: i64,
    /// SHA-256 of the profile, the plan and the figures as published.
    content_hash: String,
    published_by: String,
    published_at: String,
    /// The figures as published (avance-poi-compute/1 or avance-pei-compute/1).
    #[schema(value_type = Object)]
    figures: serde_json::Value,
}

/// A publication from a snapshot `s` of the store, with what identifies its period.
macro_rules! publication {
    ($s:ident, plan_year: $plan_year:expr, months: $months:expr, report_date: $report_date:expr, year: $year:expr) => {
        Publication {
            id: $s.id,
            entity: $s.entity,
            plan_year: $plan_year,
            months: $months,
            report_date: $report_date,
            year: $year,
            profile: $s.profile,
            as_of_change: $s.as_of_change,
            content_hash: $s.content_hash,
            published_by: $s.published_by,
            published_at: $s.published_at,
            figures: serde_json::from_str(&$s.figures).unwrap_or_default(),
        }
    };
}

impl From<avance_app::store::PoiSnapshot> for Publication {
    fn from(s: avance_app::store::PoiSnapshot) -> Publication {
        let (months, year) = (Some([s.months.0, s.months.1]), s.year);
        publication!(s, plan_year: year, months: months, report_date: Some(s.report_date), year: None)
    }
}

impl From<avance_app::store::PeiSnapshot> for Publication {
    fn from(s: avance_app::store::PeiSnapshot) -> Publication {
        let (first, year) = (s.first_year, s.year);
        publication!(s, plan_year: first, months: None, report_date: None, year: Some(year))
    }
}

/// The months of a POI follow-up to publish (by default January to the last month ended).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct NewPoiPublication {
    first_month: Option<u8>,
    last_month: Option<u8>,
}

/// The year of a PEI follow-up to publish (by default the last of the period with values).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct NewPeiPublication {
    /// The first year of the PEI's period (by default the entity's latest PEI).
    first_year: Option<i32>,
    year: Option<u16>,
}

/// The published follow-ups of an entity's POI of a year, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/poi/{entity}/{year}/publications",
    params(("entity" = String, Path, description = "Entity code, e.g. 999"), ("year" = i32, Path)),
    responses((status = 200, body = [Publication]), (status = 404, body = ApiError))
)]
async fn poi_publications(
    State(state): State<AppState>,
    c: Caller,
    Path((entity, year)): Path<(String, i32)>,
) -> Answer {
    let list = state.app.poi_snapshots(&entity, Some(year)).await.or_api(&c)?;
    Ok(Json(list.into_iter().map(Publication::from).collect::<Vec<_>>()).into_response())
}

/// The entity's planning office (or the administrator) publishes the POI's follow-up of a period
/// as a report generated today prints it: the plan, the months, the date, the rules and the
/// figures frozen with their SHA-256.
#[utoipa::path(
    post,
    path = "/api/v1/poi/{entity}/{year}/publications",
    params(("entity" = String, Path, description = "Entity code, e.g. 999"), ("year" = i32, Path)),
    request_body = NewPoiPublication,
    security(("token" = [])),
    responses(
        (status = 201, body = Publication),
        Refusals,
        (status = 422, description = "months out of range", body = ApiError)
    )
)]
async fn poi_publish(
    State(state): State<AppState>,
    c: Caller,
    Path((entity, year)): Path<(String, i32)>,
    body: JsonBody<NewPoiPublication>,
) -> Answer {
    let body = write_body!(c, body);
    let months = match (body.first_month, body.last_month) {
        (None, None) => None,
        (a, b) => Some((a.unwrap_or(1), b.or(a).unwrap_or(12))),
    };
    let s = state.app.publish_poi(&c.actor, &entity, Some(year), months).await.or_api(&c)?;
    Ok((axum::http::StatusCode::CREATED, Json(Publication::from(s))).into_response())
}

/// The published follow-ups of an entity's PEI (its latest, or the one starting `first_year`),
/// oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/pei/{entity}/publications",
    params(("entity" = String, Path, description = "Entity code, e.g. IGP"), ("first_year" = Option<i32>, Query)),
    responses((status = 200, body = [Publication]), (status = 404, body = ApiError))
)]
async fn pei_publications(
    State(state): State<AppState>,
    c: Caller,
    Path(entity): Path<String>,
    Query(q): Query<PeiPeriodQuery>,
) -> Answer {
    let list = state.app.pei_snapshots(&entity, q.first_year, None).await.or_api(&c)?;
    Ok(Json(list.into_iter().map(Publication::from).collect::<Vec<_>>()).into_response())
}

#[derive(Debug, Default, Deserialize)]
struct PeiPeriodQuery {
    first_year: Option<i32>,
}

/// The entity's planning office (or the administrator) publishes a year's PEI follow-up: the plan,
/// the rules and the figures frozen with their SHA-256.
#[utoipa::path(
    post,
    path = "/api/v1/pei/{entity}/publications",
    params(("entity" = String, Path, description = "Entity code, e.g. IGP")),
    request_body = NewPeiPublication,
    security(("token" = [])),
    responses(
        (status = 201, body = Publication),
        Refusals,
        (status = 422, description = "a year outside the period", body = ApiError)
    )
)]
async fn pei_publish(
    State(state): State<AppState>,
    c: Caller,
    Path(entity): Path<String>,
    body: JsonBody<NewPeiPublication>,
) -> Answer {
    let body = write_body!(c, body);
    let s = state.app.publish_pei(&c.actor, &entity, body.first_year, body.year).await.or_api(&c)?;
    Ok((axum::http::StatusCode::CREATED, Json(Publication::from(s))).into_response())
}

/// The caller's account: who it is and where its e-mail goes.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    username: String,
    display_name: String,
    /// `admin`, `planning` or `unit`.
    role: &'static str,
    /// The ministry (a planning office) or the unit (a responsible unit) it works for.
    scope: Option<String>,
    /// Where its reminders and notices go; null: it receives none.
    email: Option<String>,
    /// The language of its e-mails: `es` or `en`.
    lang: &'static str,
    /// Whether it receives the daily digest of new submissions (a planning office's choice).
    digest: bool,
}

impl From<&avance_app::store::User> for Me {
    fn from(u: &avance_app::store::User) -> Me {
        Me {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role.id(),
            scope: u.scope.clone(),
            email: u.email.clone(),
            lang: u.lang.id(),
            digest: u.digest,
        }
    }
}

/// The caller's e-mail settings, as the account page sets them.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MailSettings {
    /// Where its e-mail goes; empty or null: it receives none.
    #[serde(default)]
    email: Option<String>,
    /// The language of its e-mails: `es` or `en`.
    lang: String,
    /// The daily digest of new submissions: kept for a planning office; anyone else's stays as it
    /// was.
    #[serde(default)]
    digest: bool,
}

/// The caller's own account (`Authorization: Bearer`): who it is and its e-mail settings.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    security(("token" = [])),
    responses((status = 200, body = Me), (status = 401, description = "No valid token.", body = ApiError))
)]
async fn me(State(state): State<AppState>, c: Caller) -> Answer {
    let user = state.app.me(&c.actor).await.or_api(&c)?;
    Ok(Json(Me::from(&user)).into_response())
}

/// Sets the caller's e-mail settings: the address its reminders and notices go to, their
/// language and (a planning office) the daily digest; the account as it is then.
#[utoipa::path(
    put,
    path = "/api/v1/me/mail",
    request_body = MailSettings,
    security(("token" = [])),
    responses(
        (status = 200, body = Me),
        (status = 401, description = "No valid token.", body = ApiError),
        (status = 422, description = "an address or a language that is not valid (`error.field`)", body = ApiError)
    )
)]
async fn set_mail(State(state): State<AppState>, c: Caller, body: JsonBody<MailSettings>) -> Answer {
    let body = write_body!(c, body);
    let profile =
        avance_app::mail::Profile { email: body.email.unwrap_or_default(), lang: body.lang, digest: body.digest };
    let user = state.app.set_profile(&c.actor, &profile).await.or_api(&c)?;
    Ok(Json(Me::from(&user)).into_response())
}
