//! Accessibility and layout in headless Chromium: axe-core (WCAG 2.0/2.1 A and AA, and axe's best
//! practices) on every page, as the public, a unit, the planning office and the administrator see
//! it, in Spanish and English, error states included: zero violations. The reporting and review
//! forms used with the keyboard alone. Every page at 390, 768 and 1366 px: nothing wider than the
//! window, and the indicator's figures in view on a phone. Screenshots in `target/screenshots/`.
#![allow(clippy::unwrap_used)]

mod chrome;

use chrome::{axe, browser, browser_sized, full_shot, login, logout, serve_demo};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};

const PUBLIC: [&str; 10] = [
    "/",
    "/poi",
    "/poi/999",
    "/politicas/PNDI",
    "/politicas/PNDI?anio=2022",
    "/politicas/PNDI/indicadores/IOP.01.01",
    "/politicas/PNDI/indicadores/ISS.01.01.01.02",
    "/ingresar",
    "/recuperar",
    "/no-existe",
];

/// (user, password, pages)
const ROLES: [(&str, &str, &[&str]); 5] = [
    ("dgde", "demo-unidad-dgde", &["/mis-indicadores", "/cuenta", "/politicas/PNDI"]),
    (
        "planeamiento",
        "demo-planeamiento",
        &["/revision", "/seguimiento", "/auditoria", "/politicas/PNDI/indicadores/IOP.01.01", "/cuenta", "/"],
    ),
    ("admin", "demo-admin-avance", &["/admin", "/admin/correo", "/admin/correo/1", "/auditoria", "/cuenta"]),
    ("oficina999", "demo-oficina-999", &["/mi-poi", "/poi"]),
    ("oficinaigp", "demo-oficina-igp", &["/mi-pei", "/pei", "/pei/IGP"]),
];

async fn audit(c: &Client, who: &str, lang: &str, what: &str, found: &mut Vec<String>) {
    for v in axe(c).await {
        found.push(format!("[{lang} {who} {what}] {v}"));
    }
}

/// A plan's entry form (`page`) sent with `value` in its first field (`field`), refused: the page
/// shows the message next to it (`err-0`).
async fn refuse_first(c: &Client, page: &str, field: &str, value: &str) {
    c.goto(page).await.unwrap();
    let input = c.find(Locator::Id(field)).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(value).await.unwrap();
    c.find(Locator::Css("main form[method=post] button[type=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Id("err-0")).await.unwrap();
}

async fn set_language(c: &Client, base: &str, lang: &str) {
    c.goto(&format!("{base}/idioma/{lang}?volver=/")).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_has_no_axe_core_violation_in_either_language() {
    let (base, _dir) = serve_demo().await;
    let (c, _driver) = browser().await;
    let mut found = Vec::new();
    let mut audited = 0;
    for lang in ["es", "en"] {
        set_language(&c, &base, lang).await;
        for path in PUBLIC {
            c.goto(&format!("{base}{path}")).await.unwrap();
            audit(&c, "público", lang, path, &mut found).await;
            audited += 1;
        }
        // A refused login, with its message.
        c.goto(&format!("{base}/ingresar")).await.unwrap();
        c.find(Locator::Id("usuario")).await.unwrap().send_keys("dgde").await.unwrap();
        c.find(Locator::Id("contrasena")).await.unwrap().send_keys("no-es-la-clave").await.unwrap();
        c.find(Locator::Css("form.stack button[type=submit]")).await.unwrap().click().await.unwrap();
        c.wait().for_element(Locator::Css("p.error")).await.unwrap();
        audit(&c, "público", lang, "ingreso rechazado", &mut found).await;
        for (user, password, pages) in ROLES {
            login(&c, &base, user, password).await;
            for path in pages {
                c.goto(&format!("{base}{path}")).await.unwrap();
                audit(&c, user, lang, path, &mut found).await;
                audited += 1;
            }
            if user == "dgde" {
                // A value refused, the message next to its field.
                c.goto(&format!("{base}/mis-indicadores")).await.unwrap();
                let id = "PNDI-ISS-01-01-01-02-2024";
                c.find(Locator::Id(&format!("valor-{id}"))).await.unwrap().send_keys("-5").await.unwrap();
                c.find(Locator::Css(&format!("#{id} form button"))).await.unwrap().click().await.unwrap();
                c.wait().for_element(Locator::Id(&format!("error-{id}"))).await.unwrap();
                audit(&c, user, lang, "valor rechazado", &mut found).await;
            }
            if user == "oficina999" {
                // The month's form with a value refused, then the POI's report it links to.
                refuse_first(&c, &format!("{base}/mi-poi"), "e-0", "-1").await;
                audit(&c, user, lang, "ejecución rechazada", &mut found).await;
                let report = c.find(Locator::Css("main > p > a[href^='/poi/']")).await.unwrap();
                let href = report.attr("href").await.unwrap().unwrap();
                c.goto(&format!("{base}{href}")).await.unwrap();
                c.find(Locator::Id("tabla-poi-cifras")).await.unwrap();
                audit(&c, user, lang, "reporte del POI", &mut found).await;
                audited += 2;
            }
            if user == "oficinaigp" {
                // The year's form with a value refused.
                refuse_first(&c, &format!("{base}/mi-pei"), "v-0", "12;5").await;
                audit(&c, user, lang, "valor del PEI rechazado", &mut found).await;
                audited += 1;
            }
            logout(&c).await;
        }
    }
    assert!(audited >= 28, "{audited}");
    assert!(found.is_empty(), "{} axe-core violations:\n{}", found.len(), found.join("\n"));
}

/// Presses `key` on the element that has the focus.
async fn press(c: &Client, key: Key) {
    c.active_element().await.unwrap().send_keys(&char::from(key).to_string()).await.unwrap();
}

/// Types on the element that has the focus.
async fn type_text(c: &Client, text: &str) {
    c.active_element().await.unwrap().send_keys(text).await.unwrap();
}

/// The focused element's id, or its tag and class.
async fn focused(c: &Client) -> String {
    c.execute("const e = document.activeElement; return e.id || (e.tagName.toLowerCase() + '.' + e.className);", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Tabs forward until the element `target` (an id, or `tag.class`) has the focus; the focus
/// must be visible (an outline) on it. Panics after `limit` presses.
async fn tab_to(c: &Client, target: &str, limit: usize) {
    for _ in 0..limit {
        press(c, Key::Tab).await;
        if focused(c).await == target {
            let outline =
                c.execute("return getComputedStyle(document.activeElement).outlineStyle;", vec![]).await.unwrap();
            assert_ne!(outline.as_str(), Some("none"), "the focus on {target} is not visible");
            return;
        }
    }
    panic!("{target} is not reached with the Tab key in {limit} presses (last: {})", focused(c).await);
}

/// A unit reports a value and the planning office approves it with the keyboard alone: the skip
/// link, Tab, typing and Enter; no mouse click.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reporting_and_review_work_with_the_keyboard_alone() {
    let (base, _dir) = serve_demo().await;
    let (c, _driver) = browser().await;
    // Logging in.
    c.goto(&format!("{base}/ingresar")).await.unwrap();
    tab_to(&c, "usuario", 30).await;
    type_text(&c, "dgde").await;
    press(&c, Key::Tab).await;
    assert_eq!(focused(&c).await, "contrasena");
    type_text(&c, "demo-unidad-dgde").await;
    press(&c, Key::Enter).await;
    c.wait().for_element(Locator::Css("form[action='/salir']")).await.unwrap();
    assert!(c.current_url().await.unwrap().path().ends_with("/mis-indicadores"));
    // The skip link first, then the form of one indicator.
    press(&c, Key::Tab).await;
    assert_eq!(focused(&c).await, "a.skip");
    press(&c, Key::Enter).await;
    let id = "PNDI-ISS-01-01-01-02-2024";
    tab_to(&c, &format!("valor-{id}"), 80).await;
    type_text(&c, "20%").await;
    press(&c, Key::Tab).await;
    assert_eq!(focused(&c).await, format!("comentario-{id}"));
    type_text(&c, "Informe anual 2024").await;
    press(&c, Key::Tab).await;
    assert_eq!(focused(&c).await, format!("evidencia-{id}"));
    type_text(&c, "https://example.org/informe-2024.pdf").await;
    press(&c, Key::Tab).await;
    press(&c, Key::Enter).await;
    let notice = c.wait().for_element(Locator::Css("p.notice")).await.unwrap().text().await.unwrap();
    assert!(notice.contains("ISS.01.01.01.02"), "{notice}");
    logout(&c).await;

    // The planning office: the evidence link is there; approve with the keyboard.
    login(&c, &base, "planeamiento", "demo-planeamiento").await;
    let card = c.find(Locator::Css("article.card")).await.unwrap().text().await.unwrap();
    assert!(card.contains("https://example.org/informe-2024.pdf"), "{card}");
    c.goto(&format!("{base}/revision")).await.unwrap();
    tab_to(&c, "button.aprobar", 80).await;
    press(&c, Key::Enter).await;
    let approved = "//section[@aria-labelledby='revisados']//tr[td[contains(., 'ISS.01.01.01.02')] and td[contains(., 'Aprobado')]]";
    c.wait().for_element(Locator::XPath(approved)).await.unwrap();
    c.close().await.unwrap();
}

/// A page to look at: its name, its path, and the account (user, password) that sees it.
type Shot = (&'static str, &'static str, Option<(&'static str, &'static str)>);

/// Every page from a phone (390 px) to a laptop (1366 px): nothing is wider than the window (no
/// sideways scrolling of the page), and on a phone the indicator's figures are all in view.
/// Full-page screenshots of each in `target/screenshots/ancho-{width}-{page}.png`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_fit_phones_tablets_and_laptops() {
    let (base, _dir) = serve_demo().await;
    let (c, _driver) = browser_sized(390, 900).await;
    let pages: [Shot; 17] = [
        ("panorama", "/", None),
        ("poi", "/poi", None),
        ("poi-reporte", "/poi/999", None),
        ("pei", "/pei", None),
        ("pei-seguimiento", "/pei/IGP", None),
        ("politica", "/politicas/PNDI", None),
        ("indicador", "/politicas/PNDI/indicadores/IOP.01.01", None),
        ("ingresar", "/ingresar", None),
        ("recuperar", "/recuperar", None),
        ("mis-indicadores", "/mis-indicadores", Some(("dgde", "demo-unidad-dgde"))),
        ("revision", "/revision", Some(("planeamiento", "demo-planeamiento"))),
        ("auditoria", "/auditoria", Some(("planeamiento", "demo-planeamiento"))),
        ("seguimiento", "/seguimiento", Some(("planeamiento", "demo-planeamiento"))),
        ("admin", "/admin", Some(("admin", "demo-admin-avance"))),
        ("correo", "/admin/correo/1", Some(("admin", "demo-admin-avance"))),
        ("poi-registro", "/mi-poi", Some(("oficina999", "demo-oficina-999"))),
        ("pei-registro", "/mi-pei", Some(("oficinaigp", "demo-oficina-igp"))),
    ];
    let mut wide = Vec::new();
    for width in [390, 768, 1366] {
        c.set_window_size(width, 900).await.unwrap();
        let mut who: Option<&str> = None;
        for (name, path, account) in pages {
            if account.map(|a| a.0) != who {
                if who.is_some() {
                    logout(&c).await;
                }
                if let Some((user, password)) = account {
                    login(&c, &base, user, password).await;
                }
                who = account.map(|a| a.0);
            }
            c.goto(&format!("{base}{path}")).await.unwrap();
            let overflow = c
                .execute("return document.documentElement.scrollWidth - document.documentElement.clientWidth;", vec![])
                .await
                .unwrap()
                .as_i64()
                .unwrap();
            if overflow > 0 {
                // The outermost elements that pass the window's right edge, to say what to mend.
                let culprits = c
                    .execute(
                        "const w = document.documentElement.clientWidth; return [...document.querySelectorAll('body *')]
                           .filter(e => e.getBoundingClientRect().right > w + 0.5 && !(e.parentElement && e.parentElement.getBoundingClientRect().right > w + 0.5))
                           .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' ' + Math.round(e.getBoundingClientRect().right));",
                        vec![],
                    )
                    .await
                    .unwrap();
                wide.push(format!("{path} at {width} px is {overflow} px wider than the window: {culprits}"));
            }
            full_shot(&c, &format!("ancho-{width}-{name}"), width).await;
        }
        if who.is_some() {
            logout(&c).await;
        }
    }
    assert!(wide.is_empty(), "{}", wide.join("\n"));

    // On a phone, the indicator's figures and the steps of "¿Cómo se calculó?" are within the
    // window's width, not cut.
    c.set_window_size(390, 900).await.unwrap();
    c.goto(&format!("{base}/politicas/PNDI/indicadores/IOP.01.01")).await.unwrap();
    for css in ["#avance-tipo1", "#avance-tipo2", "dl.how dd", "dl.figures dt", "figure svg"] {
        let right = c
            .execute(
                "return Math.max(...[...document.querySelectorAll(arguments[0])].map(e => e.getBoundingClientRect().right));",
                vec![serde_json::json!(css)],
            )
            .await
            .unwrap()
            .as_f64()
            .unwrap();
        assert!(right <= 390.0, "{css} ends at {right} px, past the 390 px window");
    }
    let how = c.find(Locator::Css("dl.how")).await.unwrap().text().await.unwrap();
    assert!(how.contains("42391 / 49007 × 100 = 86.5"), "{how}");
    c.close().await.unwrap();
}
