//! End-to-end in headless Chromium (Debian's chromium and chromium-driver, installed by `.ci/run`)
//! against the real server on loopback: a unit logs in, enters a bad value and sees the message,
//! enters a good one and submits; the planning office approves; the public dashboard changes; the
//! PDF downloads. Screenshots of the main pages are written to `target/screenshots/`.
#![allow(clippy::unwrap_used)]

use std::net::TcpListener as StdListener;
use std::os::unix::process::CommandExt as _;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

struct Driver(Child);

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

fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::write(screenshots().join(format!("{name}.png")), png).unwrap();
}

async fn browser() -> (Client, Driver) {
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
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1000"]
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

async fn login(c: &Client, base: &str, user: &str, password: &str) {
    c.goto(&format!("{base}/ingresar")).await.unwrap();
    c.find(Locator::Id("usuario")).await.unwrap().send_keys(user).await.unwrap();
    c.find(Locator::Id("contrasena")).await.unwrap().send_keys(password).await.unwrap();
    c.find(Locator::Css("form.stack button[type=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("form[action='/salir']")).await.unwrap();
}

async fn logout(c: &Client) {
    c.find(Locator::Css("form[action='/salir'] button")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("header.site a[href='/ingresar']")).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_reports_the_office_approves_and_the_public_sees_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = avance_app::store::Store::Sqlite(
        avance_app::store::SqliteStore::open(&dir.path().join("e2e.db")).await.unwrap(),
    );
    store.migrate().await.unwrap();
    let app = avance_app::App::new(store, avance_app::Settings::default());
    avance_app::demo::prepare(&app).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = avance_web::AppState::new(app, avance_web::Config::default());
    tokio::spawn(avance_web::serve_on(state, listener));

    let (c, _driver) = browser().await;

    // The public dashboard as a visitor sees it.
    c.goto(&format!("{base}/")).await.unwrap();
    let table = c.find(Locator::Id("tabla-politicas")).await.unwrap().text().await.unwrap();
    assert!(table.contains("79.3"), "{table}");
    assert!(table.contains("19 / 7 / 40 / 25"), "{table}");
    shot(&c, "01-panorama").await;
    c.goto(&format!("{base}/politicas/PNDI")).await.unwrap();
    shot(&c, "02-politica").await;
    c.goto(&format!("{base}/politicas/PNDI/indicadores/IOP.01.01")).await.unwrap();
    let how = c.find(Locator::Css("dl.how")).await.unwrap().text().await.unwrap();
    assert!(how.contains("VO / LE × 100 = 42391 / 49007 × 100 = 86.5"), "{how}");
    shot(&c, "03-indicador").await;

    // A unit: a bad value, the message next to the field; then a good one.
    login(&c, &base, "dgde", "demo-unidad-dgde").await;
    assert!(c.current_url().await.unwrap().path().ends_with("/mis-indicadores"));
    let field = "valor-PNDI-ISS-01-01-01-02-2024";
    c.find(Locator::Id(field)).await.unwrap().send_keys("12,5%").await.unwrap();
    c.find(Locator::Css("#PNDI-ISS-01-01-01-02-2024 form button")).await.unwrap().click().await.unwrap();
    let error =
        c.wait().for_element(Locator::Id("error-PNDI-ISS-01-01-01-02-2024")).await.unwrap().text().await.unwrap();
    assert!(error.contains("\"12,5%\" no es un porcentaje válido"), "{error}");
    let input = c.find(Locator::Id(field)).await.unwrap();
    assert_eq!(input.attr("aria-invalid").await.unwrap().as_deref(), Some("true"));
    let card = c.find(Locator::Id("PNDI-ISS-01-01-01-02-2024")).await.unwrap();
    card.screenshot()
        .await
        .map(|png| std::fs::write(screenshots().join("04-valor-invalido.png"), png).unwrap())
        .unwrap();
    input.clear().await.unwrap();
    input.send_keys("20%").await.unwrap();
    c.find(Locator::Id("comentario-PNDI-ISS-01-01-01-02-2024"))
        .await
        .unwrap()
        .send_keys("Informe anual 2024")
        .await
        .unwrap();
    c.find(Locator::Css("#PNDI-ISS-01-01-01-02-2024 form button")).await.unwrap().click().await.unwrap();
    let notice = c.wait().for_element(Locator::Css("p.notice")).await.unwrap().text().await.unwrap();
    assert!(notice.contains("ISS.01.01.01.02"), "{notice}");
    shot(&c, "05-mis-indicadores").await;
    logout(&c).await;

    // The planning office approves.
    login(&c, &base, "planeamiento", "demo-planeamiento").await;
    let at = c.current_url().await.unwrap();
    assert!(at.path().ends_with("/revision"), "{at}: {}", c.source().await.unwrap());
    shot(&c, "06-revision").await;
    c.find(Locator::Css("button.aprobar")).await.unwrap().click().await.unwrap();
    // The page after approving lists the value among the reviewed ones.
    let approved = "//section[@aria-labelledby='revisados']//tr[td[contains(., 'ISS.01.01.01.02')] and td[contains(., 'Aprobado')]]";
    c.wait().for_element(Locator::XPath(approved)).await.unwrap();
    c.goto(&format!("{base}/auditoria")).await.unwrap();
    shot(&c, "07-auditoria").await;
    logout(&c).await;

    // The public dashboard changed at once; the PDF downloads.
    c.goto(&format!("{base}/")).await.unwrap();
    let table = c.find(Locator::Id("tabla-politicas")).await.unwrap().text().await.unwrap();
    assert!(table.contains("19 / 8 / 40 / 24"), "{table}");
    c.goto(&format!("{base}/politicas/PNDI")).await.unwrap();
    let link = c.find(Locator::LinkText("Reporte (PDF)")).await.unwrap();
    let href = link.attr("href").await.unwrap().unwrap();
    let url = format!("{base}{href}");
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build::<_, http_body_util::Empty<bytes::Bytes>>(HttpConnector::new());
    let res = client.get(url.parse().unwrap()).await.unwrap();
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let body = http_body_util::BodyExt::collect(res.into_body()).await.unwrap().to_bytes();
    assert!(body.starts_with(b"%PDF"));
    // English, on a phone-sized window.
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&format!("{base}/idioma/en?volver=/")).await.unwrap();
    let h1 = c.find(Locator::Css("h1")).await.unwrap().text().await.unwrap();
    assert!(h1.starts_with("Follow-up of national policies"), "{h1}");
    shot(&c, "08-movil-en").await;
    c.close().await.unwrap();
}
