//! End-to-end in headless Chromium (Debian's chromium and chromium-driver, installed by `.ci/run`)
//! against the real server on loopback: a unit logs in, enters a bad value and sees the message,
//! enters a good one and submits; the planning office approves; the public dashboard changes; the
//! PDF downloads. Screenshots of the main pages are written to `target/screenshots/`.
#![allow(clippy::unwrap_used)]

mod chrome;

use chrome::{browser, login, logout, screenshots, serve_demo, shot};
use fantoccini::Locator;
use hyper_util::client::legacy::connect::HttpConnector;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_reports_the_office_approves_and_the_public_sees_it() {
    let (base, _dir) = serve_demo().await;
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
