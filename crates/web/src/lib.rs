//! `avance-web`: the web application and JSON API of avance.
//!
//! Public dashboards (national overview, policy, indicator, downloads), reporting of actuals by the
//! responsible units, review by the planning offices, deadlines and users by the administrator, an
//! audit log, and `/api/v1` with its OpenAPI document. Server-rendered HTML (askama, escaping on),
//! usable without JavaScript. Each handler extracts the request, calls one use case of
//! `avance-app` (which alone asks `avance_core::access::can`) and renders its result.
#![forbid(unsafe_code)]

pub mod api;
mod draft;
mod health;
pub mod metrics;
mod pei;
mod poi;
mod public;
pub mod security;
pub mod view;
mod work;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use avance_app::{Actor, App, AppError, OverviewFilter};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

/// The media type of an XLSX workbook.
pub(crate) const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// How the server behaves.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Mark cookies `Secure` and send Strict-Transport-Security (behind HTTPS).
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Prometheus metrics at `/metricas` (`--metrics`).
    pub metrics: bool,
}

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    pub app: App,
    pub config: Arc<Config>,
    /// Set when the server starts to stop: `/listo` then answers 503 while requests drain.
    pub stopping: Arc<AtomicBool>,
    /// The request metrics, when `--metrics` is on.
    pub metrics: Option<Arc<metrics::Metrics>>,
}

impl AppState {
    pub fn new(app: App, config: Config) -> AppState {
        let metrics = if config.metrics { metrics::enabled() } else { None };
        AppState { app, config: Arc::new(config), stopping: Arc::new(AtomicBool::new(false)), metrics }
    }

    /// Reads every policy and computes the overview's figures before the first visitor asks, so
    /// that a large database's cold start is not paid by a request. Returns how many policies.
    pub async fn warm(&self) -> Result<usize, AppError> {
        let overview = self.app.overview(&Actor::public(), &OverviewFilter::default()).await?;
        Ok(overview.loaded.policies.len())
    }
}

/// Logs every request in a span (request id, method, path, user, status, latency); the user is
/// recorded by the extractors once known.
async fn trace(req: Request, next: Next) -> Response {
    static NEXT_ID: AtomicU64 = AtomicU64::new(1);
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let span = tracing::info_span!(
        "request",
        id,
        method = %req.method(),
        path = %req.uri().path(),
        user = tracing::field::Empty
    );
    let started = std::time::Instant::now();
    let res = tracing::Instrument::instrument(next.run(req), span.clone()).await;
    let status = res.status().as_u16();
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| {
        if status >= 500 {
            tracing::error!(status, ms, "answered");
        } else {
            tracing::info!(status, ms, "answered");
        }
    });
    res
}

/// Records the acting user in the request's span.
pub(crate) fn record_user(actor: &Actor) {
    if !actor.name.is_empty() {
        tracing::Span::current().record("user", actor.name.as_str());
    }
}

async fn stylesheet() -> Response {
    let css = format!("{}\n{}", avance_report::html::CSS, include_str!("../static/app.css"));
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], css)
        .into_response()
}

/// Answers the framework wrote itself (plain text, or nothing: a method a route does not take, a
/// path segment that does not parse, a body it could not read) become the application's own:
/// JSON under `/api/`, an HTML page elsewhere, in the client's language.
async fn framework_errors(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let lang = if api { api::lang_of(req.headers()) } else { view::lang_of(req.headers()) };
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let content_type = res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    // Under /api/ every error is JSON (the site's own 404 page included); elsewhere only the
    // framework's plain text is replaced (pages are HTML, `/listo` answers JSON).
    let ours = content_type.starts_with("application/json") || (!api && content_type.starts_with("text/html"));
    if ours {
        return res;
    }
    tracing::debug!(status = status.as_u16(), "framework answer replaced");
    if api {
        return api::framework_answer(status, lang);
    }
    match status {
        axum::http::StatusCode::METHOD_NOT_ALLOWED => view::error_page(
            status,
            lang.pick(
                "Esta dirección no acepta esa clase de solicitud.",
                "This address does not take that kind of request.",
            ),
            lang,
        ),
        axum::http::StatusCode::PAYLOAD_TOO_LARGE => view::error_page(
            status,
            lang.pick(
                "La solicitud es demasiado grande (máximo 64 KiB).",
                "The request is too large (at most 64 KiB).",
            ),
            lang,
        ),
        s if s.is_server_error() => view::error_page(
            s,
            lang.pick(
                "Ocurrió un error en el servidor. Inténtelo de nuevo; si persiste, avise al administrador.",
                "A server error occurred. Try again; if it persists, tell the administrator.",
            ),
            lang,
        ),
        _ => view::not_found(lang),
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(public::overview))
        .route("/salud", get(health::alive))
        .route("/listo", get(health::ready))
        .route("/metricas", get(metrics::scrape))
        .route("/estilo.css", get(stylesheet))
        .route("/idioma/{lang}", get(public::switch_language))
        .route("/politicas/{code}", get(public::policy))
        .route("/politicas/{code}/indicadores/{indicator}", get(public::indicator))
        .route("/politicas/{code}/descargas/{file}", get(public::download))
        .route("/poi", get(poi::list))
        .route("/poi/{entity}", get(poi::latest))
        .route("/poi/{entity}/{year}", get(poi::page))
        .route("/poi/{entity}/{year}/reporte.pdf", get(poi::pdf))
        .route("/poi/{entity}/{year}/reporte.xlsx", get(poi::xlsx))
        .route("/poi/{entity}/{year}/publicar", post(work::poi_publish))
        .route("/poi/{entity}/{year}/registro", get(work::poi_entry).post(work::poi_record))
        .route("/mi-poi", get(work::my_poi))
        .route("/pei", get(pei::list))
        .route("/pei/{entity}", get(pei::page))
        .route("/pei/{entity}/seguimiento.pdf", get(pei::pdf))
        .route("/pei/{entity}/publicar", post(work::pei_publish))
        .route("/pei/{entity}/registro", get(work::pei_entry).post(work::pei_record))
        .route("/mi-pei", get(work::my_pei))
        .route("/ingresar", get(work::login_form).post(work::login))
        .route("/salir", post(work::logout))
        .route("/mis-indicadores", get(work::mine))
        .route("/mis-indicadores/enviar", post(work::submit))
        .route("/revision", get(work::review_list))
        .route("/revision/{id}", post(work::review))
        .route("/politicas/{code}/indicadores/{indicator}/meta", post(work::change_target))
        .route("/seguimiento", get(work::tracking))
        .route("/seguimiento.csv", get(work::tracking_csv))
        .route("/auditoria", get(work::audit_log))
        .route("/auditoria.csv", get(work::audit_csv))
        .route("/admin", get(work::admin))
        .route("/admin/usuarios", post(work::create_user))
        .route("/admin/usuarios/estado", post(work::user_state))
        .route("/admin/usuarios/correo", post(work::user_email))
        .route("/admin/plazos", post(work::set_deadline))
        .route("/admin/excepciones", post(work::grant_exception))
        .route("/cuenta", get(work::account))
        .route("/cuenta/tokens", post(work::create_token))
        .route("/cuenta/tokens/revocar", post(work::revoke_token))
        .route("/cuenta/contrasena", post(work::change_password))
        .route("/cuenta/correo", post(work::set_mail))
        .route("/admin/correo", get(work::outbox))
        .route("/admin/correo/{id}", get(work::outbox_mail))
        .route("/admin/correo/{id}/reenviar", post(work::resend_mail))
        .route("/recuperar", get(work::forgot_form).post(work::forgot))
        .route("/restablecer", get(work::reset_form).post(work::reset))
        .merge(api::routes())
        .fallback(public::fallback)
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::record))
        .layer(axum::middleware::from_fn(framework_errors))
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::guard))
        .layer(DefaultBodyLimit::max(security::BODY_LIMIT))
        .layer(axum::middleware::from_fn(trace))
        .with_state(state)
}

/// Serves until Ctrl-C.
pub async fn serve(state: AppState, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(state, listener).await
}

/// Serves on a listener that is already bound (tests bind port 0), until Ctrl-C or SIGTERM: then
/// `/listo` answers 503, no new connection is taken, and the requests under way are finished.
pub async fn serve_on(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let stopping = state.stopping.clone();
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            stop_signal().await;
            stopping.store(true, Ordering::Relaxed);
            tracing::info!("stopping: finishing the requests under way");
        })
        .await
}

/// Ctrl-C, or SIGTERM (what systemd and container runtimes send).
pub async fn stop_signal() {
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
