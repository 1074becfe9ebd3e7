//! Headless Chromium for the browser tests: Debian's chromium driven through chromedriver (both
//! installed by `.ci/run`), screenshots, logging in and out, and axe-core's accessibility audit.
#![allow(dead_code, clippy::unwrap_used)]

use std::net::TcpListener as StdListener;
use std::os::unix::process::CommandExt as _;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

pub struct Driver(Child);

/// chromedriver in its own process group, so that Chromium, its child, goes with it even when
/// the test fails halfway.
impl Drop for Driver {
    fn drop(&mut self) {
        // The group's id is chromedriver's pid (process_group(0) below). Not through the `kill`
        // program: procps 4.0.2 does not read `kill -KILL -1234` as a process group; it sent
        // SIGKILL to every process of the machine, CI included.
        let group = rustix::process::Pid::from_child(&self.0);
        let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The whole page (not only the window) as `target/screenshots/{name}.png`.
pub async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::write(screenshots().join(format!("{name}.png")), png).unwrap();
}

/// A screenshot of the whole page at a window `width` px wide: the window is made as tall as the
/// page so that nothing below the fold is left out.
pub async fn full_shot(c: &Client, name: &str, width: u32) {
    c.set_window_size(width, 900).await.unwrap();
    let height = c
        .execute("return Math.ceil(document.documentElement.scrollHeight);", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap_or(900)
        .clamp(400, 12_000);
    c.set_window_size(width, height as u32).await.unwrap();
    shot(c, name).await;
    c.set_window_size(width, 900).await.unwrap();
}

/// Chromium through chromedriver, with a window `width`×`height` px.
pub async fn browser_sized(width: u32, height: u32) -> (Client, Driver) {
    let port = free_port();
    let driver = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver (Debian package chromium-driver; .ci/run installs it)");
    let driver = Driver(driver);
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                     format!("--window-size={width},{height}")]
        }),
    );
    let url = format!("http://127.0.0.1:{port}");
    for attempt in 0.. {
        match ClientBuilder::new(HttpConnector::new()).capabilities(caps.clone()).connect(&url).await {
            Ok(c) => return (c, driver),
            Err(e) if attempt < 50 => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("cannot start Chromium through chromedriver: {e}"),
        }
    }
    unreachable!()
}

pub async fn browser() -> (Client, Driver) {
    browser_sized(1280, 1000).await
}

pub async fn login(c: &Client, base: &str, user: &str, password: &str) {
    c.goto(&format!("{base}/ingresar")).await.unwrap();
    c.find(Locator::Id("usuario")).await.unwrap().send_keys(user).await.unwrap();
    c.find(Locator::Id("contrasena")).await.unwrap().send_keys(password).await.unwrap();
    c.find(Locator::Css("form.stack button[type=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("form[action='/salir']")).await.unwrap();
}

pub async fn logout(c: &Client) {
    c.find(Locator::Css("form[action='/salir'] button")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("header.site a[href='/ingresar']")).await.unwrap();
}

/// Where `.ci/run` installs axe-core (`npm install --prefix target/axe-core axe-core@…`), or
/// `$AVANCE_AXE_CORE` (the path of `axe.min.js`).
fn axe_path() -> PathBuf {
    std::env::var_os("AVANCE_AXE_CORE").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/axe-core/node_modules/axe-core/axe.min.js")
    })
}

static AXE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// axe-core's audit of the page the browser is on against WCAG 2.0 and 2.1, levels A and AA, and
/// axe's best practices: one line per violation and element (rule, impact, element, why).
pub async fn axe(c: &Client) -> Vec<String> {
    let source = AXE.get_or_init(|| {
        let path = axe_path();
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "axe-core is needed by the accessibility tests: {} ({e}); .ci/run installs it \
                 (npm install --prefix target/axe-core axe-core@4.11.0)",
                path.display()
            )
        })
    });
    c.execute(source, vec![]).await.unwrap();
    let found = c
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
                    resultTypes: ['violations'] })
  .then(r => done(r.violations.flatMap(v => v.nodes.map(n =>
      v.id + ' (' + v.impact + ') ' + n.target.join(' ') + ': ' + (n.failureSummary || v.help).replace(/\s+/g, ' ')))))
  .catch(e => done(['axe-core failed: ' + e]));"#,
            vec![],
        )
        .await
        .unwrap();
    found.as_array().unwrap().iter().map(|v| v.as_str().unwrap_or_default().to_string()).collect()
}

/// The demo (the reference loaded, one account per role, 2024 open) on a fresh SQLite file,
/// served on a loopback port: its address, and the directory to keep while it runs.
pub async fn serve_demo() -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = avance_app::store::Store::Sqlite(
        avance_app::store::SqliteStore::open(&dir.path().join("e2e.db")).await.unwrap(),
    );
    store.migrate().await.unwrap();
    let app = avance_app::App::new(store, avance_app::Settings::default());
    avance_app::demo::prepare(&app).await.unwrap();
    // A message in the outbox (number 1), for the outbox's pages.
    app.request_reset("dgde", "127.0.0.1").await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = avance_web::AppState::new(app, avance_web::Config::default());
    tokio::spawn(avance_web::serve_on(state, listener));
    (base, dir)
}
