//! The application in-process for the web fuzz targets: the demo on SQLite in a temporary
//! directory, a logged-in session per role, API tokens, and every request sent through the whole
//! router (security guard, framework-error answers, handlers, use cases, store).

use std::sync::OnceLock;

use avance_app::store::{SqliteStore, Store};
use avance_app::{App, Settings};
use avance_web::{AppState, Config, router};
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Request, StatusCode, header};
use tower::ServiceExt;

/// A browser's state for one account: its cookies and the CSRF token its forms carry.
#[derive(Debug, Clone, Default)]
pub struct Session {
    pub cookies: Vec<(String, String)>,
    pub csrf: String,
}

impl Session {
    pub fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    fn keep(&mut self, headers: &HeaderMap) {
        for v in headers.get_all(header::SET_COOKIE) {
            let Some((name, rest)) = v.to_str().unwrap_or("").split_once('=') else { continue };
            let value = rest.split(';').next().unwrap_or("").to_string();
            self.cookies.retain(|(k, _)| k != name);
            self.cookies.push((name.to_string(), value.clone()));
            if name == "avance_csrf" {
                self.csrf = value;
            }
        }
    }
}

/// What the router answered.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

pub struct Site {
    runtime: tokio::runtime::Runtime,
    router: Router,
    /// A visitor with a CSRF cookie and no account.
    pub anonymous: Session,
    /// The demo unit DGDE, the planning office and the administrator, logged in.
    pub unit: Session,
    pub planner: Session,
    pub admin: Session,
    /// API tokens of the unit and of the planning office.
    pub unit_token: String,
    pub planner_token: String,
    _dir: tempfile::TempDir,
}

/// An indicator of the demo unit DGDE in the reference policy.
pub const UNIT_INDICATOR: &str = "ISS.01.01.01.01";

impl Site {
    /// The one site of this fuzzing process.
    pub fn get() -> &'static Site {
        static SITE: OnceLock<Site> = OnceLock::new();
        SITE.get_or_init(Site::new)
    }

    #[allow(clippy::unwrap_used)]
    fn new() -> Site {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let router = runtime.block_on(async {
            let store = Store::Sqlite(SqliteStore::open(&dir.path().join("fuzz.db")).await.unwrap());
            store.migrate().await.unwrap();
            let app = App::new(store, Settings::default());
            avance_app::demo::prepare(&app).await.unwrap();
            router(AppState::new(app, Config::default()))
        });
        let mut site = Site {
            runtime,
            router,
            anonymous: Session::default(),
            unit: Session::default(),
            planner: Session::default(),
            admin: Session::default(),
            unit_token: String::new(),
            planner_token: String::new(),
            _dir: dir,
        };
        site.anonymous = site.visitor();
        site.unit = site.login("dgde");
        site.planner = site.login("planeamiento");
        site.admin = site.login("admin");
        site.unit_token = site.token(&site.unit.clone());
        site.planner_token = site.token(&site.planner.clone());
        site
    }

    /// Sends a request through the whole application.
    #[allow(clippy::unwrap_used)]
    pub fn send(&self, req: Request<Body>) -> Answer {
        self.runtime.block_on(async {
            let res = self.router.clone().oneshot(req).await.unwrap();
            let status = res.status();
            let headers = res.headers().clone();
            let body = to_bytes(res.into_body(), usize::MAX).await.unwrap().to_vec();
            Answer { status, headers, body }
        })
    }

    fn visitor(&self) -> Session {
        let mut s = Session::default();
        let a = self.send(Request::get("/").body(Body::empty()).unwrap_or_default());
        s.keep(&a.headers);
        assert!(!s.csrf.is_empty(), "the first visit sets a CSRF cookie");
        s
    }

    /// Posts a form body (the session's CSRF token first) as that session.
    pub fn post_form(&self, session: &Session, path: &str, body: &[u8]) -> Option<Answer> {
        let mut all = format!("csrf={}&", session.csrf).into_bytes();
        all.extend_from_slice(body);
        let req = Request::post(path)
            .header(header::COOKIE, session.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(all))
            .ok()?;
        Some(self.send(req))
    }

    fn login(&self, user: &str) -> Session {
        let account = avance_app::demo::ACCOUNTS.iter().find(|a| a.username == user).expect("a demo account");
        let mut s = self.visitor();
        let body = format!("usuario={user}&contrasena={}&volver=", account.password);
        let a = self.post_form(&s, "/ingresar", body.as_bytes()).expect("a valid request");
        assert_eq!(a.status, StatusCode::SEE_OTHER, "the demo account {user} logs in");
        s.keep(&a.headers);
        s
    }

    fn token(&self, session: &Session) -> String {
        let a = self.post_form(session, "/cuenta/tokens", b"descripcion=fuzz").expect("a valid request");
        let text = String::from_utf8_lossy(&a.body);
        let start = text.find("avk_").expect("the new token is shown once");
        text[start..start + 68].to_string()
    }
}

/// What every answer must be, whatever was sent: never a server error, always the security
/// headers, and never the framework's own text — JSON under `/api/`, HTML elsewhere.
pub fn check(path: &str, a: &Answer) {
    let text = || String::from_utf8_lossy(&a.body).into_owned();
    assert!(!a.status.is_server_error(), "{path}: {} {}", a.status, text());
    assert!(a.headers.contains_key("x-content-type-options"), "{path}: {} without security headers", a.status);
    let content_type = a.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if path.starts_with("/api/") {
        assert!(
            content_type.starts_with("application/json"),
            "{path}: {} answered {content_type}: {}",
            a.status,
            text()
        );
        if a.status.is_client_error() {
            let v: serde_json::Value = serde_json::from_slice(&a.body).unwrap_or_default();
            assert!(v["error"]["message"].is_string(), "{path}: {} without an error message: {}", a.status, text());
        }
    } else if a.status.is_client_error() || a.status == StatusCode::OK {
        assert!(content_type.starts_with("text/html"), "{path}: {} answered {content_type}: {}", a.status, text());
    }
}

/// Splits a fuzz input into a selector, a path segment (up to the first newline) and a body.
pub fn split(data: &[u8]) -> Option<(u8, String, &[u8])> {
    let (&select, rest) = data.split_first()?;
    let cut = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
    let segment: String = rest[..cut]
        .iter()
        .map(|&b| {
            if b.is_ascii_alphanumeric() || b"._-~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    Some((select, segment, rest.get(cut + 1..).unwrap_or(&[])))
}
