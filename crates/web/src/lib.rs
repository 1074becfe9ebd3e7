//! `avance-web`: the web application and JSON API of avance.
//!
//! Public dashboards (national overview, policy, indicator, downloads), reporting of actuals by the
//! responsible units, review by the planning offices, deadlines and users by the administrator, an
//! audit log, and `/api/v1` with its OpenAPI document. Server-rendered HTML (askama, escaping on),
//! usable without JavaScript. Every route asks `avance_core::access::can`.
#![forbid(unsafe_code)]

pub mod api;
mod cache;
pub mod demo;
mod public;
pub mod security;
pub mod view;
mod work;

use std::net::SocketAddr;
use std::sync::Arc;

use avance_core::lang::Lang;
use avance_store::{Store, StoreError};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

pub use cache::Cache;

/// How the server behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// How long a session lasts, in hours.
    pub session_hours: i64,
}

impl Default for Config {
    fn default() -> Config {
        Config { secure_cookies: false, session_hours: 8 }
    }
}

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub cache: Arc<Cache>,
    pub limiter: Arc<security::Limiter>,
    pub config: Arc<Config>,
}

impl AppState {
    pub fn new(store: Store, config: Config) -> AppState {
        AppState {
            store,
            cache: Arc::new(Cache::default()),
            limiter: Arc::new(security::Limiter::default()),
            config: Arc::new(config),
        }
    }
}

impl AppState {
    /// Reads every policy and computes the overview's figures before the first visitor asks, so
    /// that a large database's cold start is not paid by a request. Returns how many policies.
    pub async fn warm(&self) -> Result<usize, StoreError> {
        let loaded = self.cache.get(&self.store).await?;
        if let Some(year) = public::overview_year(&loaded) {
            public::selected(&loaded, year, "", "", "");
        }
        Ok(loaded.policies.len())
    }
}

/// A database failure: logged for the operator, a plain message for the user.
pub fn internal(e: StoreError, lang: Lang) -> Response {
    eprintln!("avance serve: error de base de datos: {e}");
    view::error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        lang.pick(
            "Ocurrió un error en el servidor. Inténtelo de nuevo; si persiste, avise al administrador.",
            "A server error occurred. Try again; if it persists, tell the administrator.",
        ),
        lang,
    )
}

async fn stylesheet() -> Response {
    let css = format!("{}\n{}", avance_report::html::CSS, include_str!("../static/app.css"));
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], css)
        .into_response()
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(public::overview))
        .route("/estilo.css", get(stylesheet))
        .route("/idioma/{lang}", get(public::switch_language))
        .route("/politicas/{code}", get(public::policy))
        .route("/politicas/{code}/indicadores/{indicator}", get(public::indicator))
        .route("/politicas/{code}/descargas/{file}", get(public::download))
        .route("/ingresar", get(work::login_form).post(work::login))
        .route("/salir", post(work::logout))
        .route("/mis-indicadores", get(work::mine))
        .route("/mis-indicadores/enviar", post(work::submit))
        .route("/revision", get(work::review_list))
        .route("/revision/{id}", post(work::review))
        .route("/politicas/{code}/indicadores/{indicator}/meta", post(work::change_target))
        .route("/auditoria", get(work::audit_log))
        .route("/admin", get(work::admin))
        .route("/admin/usuarios", post(work::create_user))
        .route("/admin/usuarios/estado", post(work::user_state))
        .route("/admin/plazos", post(work::set_deadline))
        .route("/admin/excepciones", post(work::grant_exception))
        .route("/cuenta", get(work::account))
        .route("/cuenta/tokens", post(work::create_token))
        .merge(api::routes())
        .fallback(public::fallback)
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::guard))
        .layer(DefaultBodyLimit::max(security::BODY_LIMIT))
        .with_state(state)
}

/// Serves until Ctrl-C.
pub async fn serve(state: AppState, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(state, listener).await
}

/// Serves on a listener that is already bound (tests bind port 0).
pub async fn serve_on(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
