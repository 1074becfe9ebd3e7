//! A client that drives the application in-process (no network): it keeps cookies like a
//! browser, and sends the CSRF token with every form.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;

use avance_app::store::{PgStore, SqliteStore, Store};
use avance_app::{App, Settings};
use avance_web::{AppState, Config, router};
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn location(&self) -> String {
        self.headers.get(header::LOCATION).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

#[derive(Clone)]
pub struct Client {
    pub app: Router,
    pub cookies: BTreeMap<String, String>,
}

/// The demo on a store: the reference loaded, the accounts, 2024 open.
pub async fn demo_on(store: Store, config: Config) -> (Router, AppState) {
    store.migrate().await.unwrap();
    let app = App::new(store, Settings::default());
    avance_app::demo::prepare(&app).await.unwrap();
    let state = AppState::new(app, config);
    (router(state.clone()), state)
}

/// The demo on a fresh SQLite database with a clock of the test's own.
pub async fn demo_at(clock: std::sync::Arc<avance_app::FixedClock>) -> (Router, AppState, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::Sqlite(SqliteStore::open(&dir.path().join("web.db")).await.unwrap());
    store.migrate().await.unwrap();
    let app = App::with_clock(store, Settings::default(), clock);
    avance_app::demo::prepare(&app).await.unwrap();
    let state = AppState::new(app, Config::default());
    (router(state.clone()), state, dir)
}

/// A fresh demo database (SQLite in a temporary directory) and its application.
pub async fn demo() -> (Router, AppState, tempfile::TempDir) {
    demo_with(Config::default()).await
}

/// [`demo`] with a server configuration of the test's own.
pub async fn demo_with(config: Config) -> (Router, AppState, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::Sqlite(SqliteStore::open(&dir.path().join("web.db")).await.unwrap());
    let (router, state) = demo_on(store, config).await;
    (router, state, dir)
}

pub fn pg_url() -> String {
    std::env::var("AVANCE_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// The demo on PostgreSQL, in a schema of its own.
pub async fn demo_on_postgres(schema: &str) -> (Router, AppState) {
    let admin = PgStore::open(&pg_url(), None).await.expect("PostgreSQL at 127.0.0.1:5432 (see README)");
    admin.execute_raw(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")).await.unwrap();
    admin.close().await;
    let store = Store::Postgres(PgStore::open(&pg_url(), Some(schema)).await.unwrap());
    store.migrate().await.unwrap();
    let app = App::new(store, Settings::default());
    avance_app::demo::prepare(&app).await.unwrap();
    let state = AppState::new(app, Config::default());
    (router(state.clone()), state)
}

impl Client {
    pub fn new(app: &Router) -> Client {
        Client { app: app.clone(), cookies: BTreeMap::new() }
    }

    pub async fn send(&mut self, req: Request<Body>) -> Answer {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        for v in headers.get_all(header::SET_COOKIE) {
            let c = cookie::Cookie::parse(v.to_str().unwrap().to_string()).unwrap();
            if c.max_age() == Some(cookie::time::Duration::ZERO) {
                self.cookies.remove(c.name());
            } else {
                self.cookies.insert(c.name().to_string(), c.value().to_string());
            }
        }
        let body = to_bytes(res.into_body(), usize::MAX).await.unwrap().to_vec();
        Answer { status, headers, body }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        let req = Request::get(path).header(header::COOKIE, self.cookie_header()).body(Body::empty()).unwrap();
        self.send(req).await
    }

    pub fn csrf(&self) -> String {
        self.cookies.get("avance_csrf").cloned().unwrap_or_default()
    }

    /// Posts a form with the page's CSRF token (visiting `/` first if there is none yet).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        if self.csrf().is_empty() {
            self.get("/").await;
        }
        let csrf = self.csrf();
        let mut all: Vec<(&str, &str)> = vec![("csrf", &csrf)];
        all.extend_from_slice(fields);
        self.post_raw(path, &serde_urlencoded::to_string(&all).unwrap()).await
    }

    pub async fn post_raw(&mut self, path: &str, body: &str) -> Answer {
        let req = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(req).await
    }

    pub async fn login(&mut self, user: &str, password: &str) -> Answer {
        let a = self.post("/ingresar", &[("usuario", user), ("contrasena", password), ("volver", "")]).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "login of {user}: {}", a.text());
        a
    }

    pub async fn api(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> Answer {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req.header(header::CONTENT_TYPE, "application/json").body(Body::from(b.to_string())).unwrap(),
            None => req.body(Body::empty()).unwrap(),
        };
        self.send(req).await
    }
}

/// Logs a demo account in and returns its client.
pub async fn logged(app: &Router, user: &str) -> Client {
    let a = avance_app::demo::ACCOUNTS.iter().find(|a| a.username == user).unwrap();
    let mut c = Client::new(app);
    c.login(a.username, a.password).await;
    c
}

/// A unit reports the 2024 value of a PNDI indicator through "Mis indicadores", and the form is
/// taken (303).
pub async fn report_2024(c: &mut Client, indicator: &str, value: &str) {
    let sent = c
        .post(
            "/mis-indicadores/enviar",
            &[("politica", "PNDI"), ("indicador", indicator), ("anio", "2024"), ("valor", value)],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text());
}

/// The administrator grants DGDE an exception for PNDI 2024 until `date`, and it is taken (303).
pub async fn dgde_exception_2024(admin: &mut Client, date: &str) {
    let exc = admin
        .post(
            "/admin/excepciones",
            &[
                ("politica", "PNDI"),
                ("anio", "2024"),
                ("unidad", "DGDE"),
                ("fecha", date),
                ("motivo", "cambio de jefatura"),
            ],
        )
        .await;
    assert_eq!(exc.status, StatusCode::SEE_OTHER, "{}", exc.text());
}

/// Makes an API token for a logged-in client.
pub async fn token(c: &mut Client) -> String {
    let a = c.post("/cuenta/tokens", &[("descripcion", "pruebas")]).await;
    assert_eq!(a.status, StatusCode::OK);
    let t = a.text();
    let start = t.find("avk_").expect("token shown once");
    t[start..start + 68].to_string()
}
