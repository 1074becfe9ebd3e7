//! The POI pages: the overview across entities and an entity's Reporte de seguimiento del POI for
//! the public, and "Mi POI", where the entity's planning office records a month's execution of
//! every activity in one form (refused whole when a value is wrong, each message at its field;
//! the month's deadline shown; late entries marked), and nobody else can.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use avance_app::FixedClock;
use axum::http::StatusCode;
use common::{Client, demo_at, logged, token};

/// 15 July 2026 at noon in Lima: June's follow-up is due by July 31, May's was due by June 30.
fn july_15() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(time::macros::datetime!(2026-07-15 17:00 UTC)))
}

#[tokio::test]
async fn public_poi_pages() {
    let (app, state, _dir) = demo_at(july_15()).await;
    let mut c = Client::new(&app);
    // The demo POI: entity 999's, moved to 2026; the figures as the application computes them.
    let plan = state.app.poi("999", Some(2026)).await.unwrap();
    let expected = avance_app::poi::poi_figures(&plan, (1, 6), Some((2026, 7)), None, false).unwrap();
    let total = expected.result.total.label(&expected.profile);
    let list = c.get("/poi").await;
    assert_eq!(list.status, StatusCode::OK);
    let html = list.text();
    assert!(html.contains(r#"<a href="/poi/999/2026">999</a>"#), "{html}");
    assert!(html.contains("Entidad sintética (cifras inventadas)"));
    // From January to the last month ended (June, though not due until July 31).
    assert!(html.contains("<td data-label=\"Periodo\">enero a junio</td>"), "{html}");
    assert!(
        html.contains(&format!(r#"data-label="Ejecución física total">{}</td>"#, state_total(&state).await)),
        "{html}"
    );
    let page = c.get("/poi/999/2026?desde=1&hasta=6").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("<h1>Entidad sintética (cifras inventadas) — POI 2026</h1>"), "{html}");
    assert!(html.contains("<dd>ceplan-poi@2022</dd>"));
    assert!(html.contains("<dd>enero a junio</dd>"));
    assert!(html.contains("<dd>2026-07-15 (vencido el seguimiento hasta mayo)</dd>"), "{html}");
    assert!(
        html.contains(&format!(r#"<td class="num" data-label="Avance %"><strong>{total}</strong></td>"#)),
        "{html}"
    );
    // Each activity's figure as printed: S.P. for AOI00003 (nothing programmed in the semester),
    // AOI00005 missing February, due since March 31: S.I.
    for (code, figure) in &expected.result.activities {
        let printed = figure.label(&expected.profile);
        let row = html.split("<tr>").find(|r| r.contains(&format!(r#"<td class="code">{code}</td>"#))).unwrap();
        assert!(row.contains(&format!(r#"data-label="Avance %">{printed}</td>"#)), "{code}: {row}");
    }
    assert!(
        html.contains(r#"<td class="code">AOI00003</td>"#)
            && html.contains(">S.P.</td>")
            && html.contains(">S.I.</td>")
    );
    assert!(html.contains("(vii) La cifra de EJECUCIÓN FÍSICA TOTAL es calculado como el promedio"));
    assert!(html.contains("<td class=\"num\">1 / 1</td>"), "monthly grid: {html}");
    // Another period; a period out of order; a POI that is not there; no link to record.
    assert!(c.get("/poi/999/2026?desde=1&hasta=3").await.text().contains("<dd>enero a marzo</dd>"));
    let backwards = c.get("/poi/999/2026?desde=7&hasta=3").await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(backwards.text().contains("Mes: de 1 (enero) a 12 (diciembre)"));
    assert_eq!(c.get("/poi/999/2019").await.status, StatusCode::NOT_FOUND);
    assert_eq!(c.get("/poi/999").await.location(), "/poi/999/2026");
    assert_eq!(c.get("/poi/998").await.status, StatusCode::NOT_FOUND);
    assert_eq!(c.get("/poi/999/dos-mil").await.status, StatusCode::NOT_FOUND);
    assert!(!html.contains("/registro"));
    assert!(html.contains(r#"<a href="/poi">POI</a>"#));
}

async fn state_total(state: &avance_web::AppState) -> String {
    let rows = state.app.poi_overview().await.unwrap();
    let r = &rows[0];
    r.figures.result.total.label(&r.figures.profile)
}

#[tokio::test]
async fn the_entity_office_records_a_month() {
    let (app, state, _dir) = demo_at(july_15()).await;
    // Nobody else: the public is sent to log in, a unit and a ministry's office have no POI,
    // and none of them may open or post the form.
    let mut public = Client::new(&app);
    assert_eq!(public.get("/mi-poi").await.location(), "/ingresar?volver=%2Fmi-poi");
    for user in ["dgde", "planeamiento", "admin"] {
        let mut c = logged(&app, user).await;
        let mine = c.get("/mi-poi").await;
        assert_eq!(mine.status, StatusCode::NOT_FOUND, "{user}");
        assert!(mine.text().contains("Su cuenta no registra la ejecución de ningún POI"));
        assert!(!c.get("/").await.text().contains("Mi POI"));
        assert_eq!(c.get("/poi/999/2026/registro").await.status, StatusCode::FORBIDDEN, "{user}");
        let post = c.post("/poi/999/2026/registro", &[("mes", "6"), ("e:AOI00002", "1")]).await;
        assert_eq!(post.status, StatusCode::FORBIDDEN, "{user}");
    }

    // The office lands on its form: June by default (ended, due by July 31).
    let mut office = Client::new(&app);
    let login = office.login("oficina999", "demo-oficina-999").await;
    assert_eq!(login.location(), "/mi-poi");
    assert_eq!(office.get("/mi-poi").await.location(), "/poi/999/2026/registro");
    let form = office.get("/poi/999/2026/registro").await;
    assert_eq!(form.status, StatusCode::OK);
    let html = form.text();
    assert!(html.contains(r#"<a href="/mi-poi">Mi POI</a>"#), "{html}");
    // An entity's office has no policy to review or follow up: those are not in its menu.
    assert!(!html.contains(r#"href="/revision""#) && !html.contains(r#"href="/seguimiento""#), "{html}");
    assert!(html.contains("El seguimiento de junio vence el 2026-07-31 (faltan 16 días)."), "{html}");
    assert!(html.contains(r#"<option value="6" selected>junio</option>"#));
    assert!(!html.contains(r#"<option value="8""#), "August has not begun");
    assert!(html.contains(r#"name="e:AOI00002" value="0""#), "{html}");

    // A wrong value refuses the whole form, says why at its field, and keeps what was typed.
    let refused =
        office.post("/poi/999/2026/registro", &[("mes", "6"), ("e:AOI00002", "2,5"), ("e:AOI00005", "1")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text();
    assert!(html.contains("1 valor no se aceptó; no se guardó ninguno. Corrija estos valores:"), "{html}");
    assert!(
        html.contains(r#"name="e:AOI00002" value="2,5" inputmode="decimal" size="8" aria-invalid="true""#),
        "{html}"
    );
    assert!(html.contains("2,5"));
    let plan = state.app.poi("999", Some(2026)).await.unwrap();
    let june =
        |code: &str, p: &avance_core::poi::PoiPlan| p.activities.iter().find(|a| a.code == code).unwrap().executed[5];
    assert_eq!(june("AOI00002", &plan), Some(avance_core::Decimal::ZERO));

    // Taken: two activities change, on time.
    let saved = office.post("/poi/999/2026/registro", &[("mes", "6"), ("e:AOI00002", "1"), ("e:AOI00005", "1")]).await;
    assert_eq!(saved.location(), "/poi/999/2026/registro?mes=6&guardado=1");
    let after = office.get(&saved.location()).await.text();
    assert!(after.contains("Se guardó la ejecución de junio: 1 actividad cambió."), "{after}");
    assert_eq!(june("AOI00002", &state.app.poi("999", Some(2026)).await.unwrap()), Some(avance_core::Decimal::ONE));
    // February of AOI00005 (due by March 31) recorded now: late, and said so.
    let late = office.post("/poi/999/2026/registro", &[("mes", "2"), ("e:AOI00005", "1")]).await;
    assert_eq!(late.location(), "/poi/999/2026/registro?mes=2&guardado=1&tarde=1");
    let page = office.get(&late.location()).await.text();
    assert!(
        page.contains("Se guardó la ejecución de febrero: 1 actividad cambió. Quedó registrado fuera de plazo."),
        "{page}"
    );
    assert!(page.contains("El seguimiento de febrero venció el 2026-03-31 (hace 106 días)"), "{page}");
    // The public report follows at once: AOI00005 is no longer S.I.
    let report = Client::new(&app).get("/poi/999/2026?desde=1&hasta=6").await.text();
    let row = report.split("<tr>").find(|r| r.contains(r#"<td class="code">AOI00005</td>"#)).unwrap();
    assert!(!row.contains("S.I."), "{row}");
    // A month not begun, a month that is not one.
    let august = office.post("/poi/999/2026/registro", &[("mes", "8"), ("e:AOI00005", "1")]).await;
    assert_eq!(august.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(august.text().contains("Mes: su ejecución se registra desde que empieza, el 2026-08-01."));
    assert_eq!(office.get("/poi/999/2026/registro?mes=8").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad = office.post("/poi/999/2026/registro", &[("mes", "trece"), ("e:AOI00005", "1")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Without the form's token: refused before any handler.
    let forged = office.post_raw("/poi/999/2026/registro", "mes=6&e%3AAOI00005=1").await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // The report links the office to its form; the audit log has each entry.
    assert!(
        office
            .get("/poi/999/2026")
            .await
            .text()
            .contains(r#"<a href="/poi/999/2026/registro">Registrar la ejecución mensual</a>"#)
    );
}

/// The API: the list and a POI's figures for everyone; a month's execution for the entity's
/// planning office only, all of it or nothing, each refused item named.
#[tokio::test]
async fn the_poi_api() {
    let (app, state, _dir) = demo_at(july_15()).await;
    let mut c = Client::new(&app);
    let list = c.get("/api/v1/poi").await;
    assert_eq!(list.status, StatusCode::OK);
    let list = list.json();
    assert_eq!(list[0]["entity"], "999");
    assert_eq!(list[0]["year"], 2026);
    assert_eq!(list[0]["period"], serde_json::json!({ "first_month": 1, "last_month": 6, "due_through": 5 }));
    assert_eq!(list[0]["total"]["printed"], state_total(&state).await);
    let doc = c.get("/api/v1/poi/999/2026?first_month=1&last_month=3").await.json();
    assert_eq!(doc["format"], "avance-poi-compute/1");
    assert_eq!(doc["period"], serde_json::json!({ "first_month": 1, "last_month": 3, "due_through": 5 }));
    let half = c.get("/api/v1/poi/999/2026?first_month=1").await;
    assert_eq!(half.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(half.json()["error"]["field"], "month");
    assert_eq!(c.get("/api/v1/poi/999/2019").await.json()["error"]["code"], "not_found");

    let body = |values: serde_json::Value| serde_json::json!({ "month": 6, "values": values });
    let anonymous = c.api("POST", "/api/v1/poi/999/2026/execution", None, Some(body(serde_json::json!([])))).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let mut dgde = logged(&app, "dgde").await;
    let dgde_token = token(&mut dgde).await;
    let one = serde_json::json!([{ "activity": "AOI00002", "value": "1" }]);
    let forbidden = c.api("POST", "/api/v1/poi/999/2026/execution", Some(&dgde_token), Some(body(one.clone()))).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    let mut office = logged(&app, "oficina999").await;
    let t = token(&mut office).await;
    let refused = c
        .api(
            "POST",
            "/api/v1/poi/999/2026/execution",
            Some(&t),
            Some(body(serde_json::json!([
                { "activity": "AOI00002", "value": "1" },
                { "activity": "AOI09999", "value": "1" },
                { "activity": "AOI00005", "value": "-2" }
            ]))),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let e = refused.json();
    assert_eq!(e["error"]["message"], "2 valores no se aceptaron; no se guardó ninguno.");
    assert_eq!(e["error"]["items"][0]["index"], 1);
    assert_eq!(e["error"]["items"][0]["code"], "not_found");
    assert_eq!(e["error"]["items"][1]["index"], 2);
    assert_eq!(e["error"]["items"][1]["message"], "Ejecución: la cantidad ejecutada no puede ser negativa.");
    let done = c.api("POST", "/api/v1/poi/999/2026/execution", Some(&t), Some(body(one))).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
    let done = done.json();
    assert_eq!(done["changed"], serde_json::json!(["AOI00002"]));
    assert_eq!(done["late"], false);
    assert_eq!(done["deadline"], "2026-07-31");
    let plan = state.app.poi("999", Some(2026)).await.unwrap();
    assert_eq!(plan.activities[1].executed[5], Some(avance_core::Decimal::ONE));
    // The overview's kept figures follow the change at once.
    let fresh = avance_app::poi::poi_figures(&plan, (1, 6), Some((2026, 7)), None, false).unwrap();
    let after = c.get("/api/v1/poi").await.json();
    assert_ne!(after[0]["total"], list[0]["total"]);
    assert_eq!(after[0]["total"]["printed"], fresh.result.total.label(&fresh.profile));
}

/// The POI page offers its Reporte de seguimiento as PDF to everyone (the text layer audits clean)
/// and a publish button to the entity's planning office and the administrator only; a publication
/// is listed on the page, frozen, and through the API, where the office may publish too.
#[tokio::test]
async fn the_poi_report_and_its_publications() {
    let (app, state, _dir) = demo_at(july_15()).await;
    let mut c = Client::new(&app);
    let page = c.get("/poi/999/2026?desde=1&hasta=6").await.text();
    assert!(
        page.contains(r#"<a href="/poi/999/2026/reporte.pdf?desde=1&#38;hasta=6">Descargar el Reporte de seguimiento del POI en PDF</a>"#),
        "{page}"
    );
    assert!(!page.contains("/publicar"), "no publishing for the public");
    let pdf = c.get("/poi/999/2026/reporte.pdf?desde=1&hasta=6").await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    assert_eq!(pdf.headers["content-disposition"], "attachment; filename=\"seguimiento-poi-999-2026-01-06.pdf\"");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("poi.pdf");
    std::fs::write(&file, &pdf.body).unwrap();
    let read = avance_import::poi_text::read(&file).unwrap();
    assert_eq!(read.generated, (2026, 7, 15), "generated today");
    let f = avance_app::poi::poi_figures(&read.plan, (1, 6), Some((2026, 7)), None, false).unwrap();
    assert!(avance_core::poi::audit(&f.result, &read.published, &f.profile).is_empty());
    assert_eq!(read.published.len(), 10);
    assert!(page.contains(r#"<a href="/poi/999/2026/reporte.xlsx?desde=1&#38;hasta=6">en XLSX</a>"#), "{page}");
    let xlsx = c.get("/poi/999/2026/reporte.xlsx?desde=1&hasta=6").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert_eq!(xlsx.headers["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert_eq!(xlsx.headers["content-disposition"], "attachment; filename=\"seguimiento-poi-999-2026-01-06.xlsx\"");
    assert!(xlsx.body.starts_with(b"PK"));
    assert_eq!(c.get("/poi/999/2026/reporte.pdf?desde=7&hasta=3").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(c.get("/poi/999/2019/reporte.pdf").await.status, StatusCode::NOT_FOUND);
    assert_eq!(c.post("/poi/999/2026/publicar", &[("desde", "1"), ("hasta", "6")]).await.status, StatusCode::SEE_OTHER);
    assert!(state.app.poi_snapshots("999", Some(2026)).await.unwrap().is_empty(), "the public was sent to log in");

    let mut dgde = logged(&app, "dgde").await;
    assert!(!dgde.get("/poi/999/2026").await.text().contains("/publicar"));
    assert_eq!(
        dgde.post("/poi/999/2026/publicar", &[("desde", "1"), ("hasta", "6")]).await.status,
        StatusCode::FORBIDDEN
    );

    let mut office = logged(&app, "oficina999").await;
    let page = office.get("/poi/999/2026?desde=1&hasta=3").await.text();
    assert!(page.contains(r#"<form method="post" action="/poi/999/2026/publicar""#), "{page}");
    assert!(
        page.contains(
            r#"<input type="hidden" name="hasta" value="3"><button type="submit">Publicar este seguimiento</button>"#
        ),
        "{page}"
    );
    let done = office.post("/poi/999/2026/publicar", &[("desde", "1"), ("hasta", "3")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
    let snapshots = state.app.poi_snapshots("999", Some(2026)).await.unwrap();
    assert_eq!(snapshots.len(), 1);
    let s = &snapshots[0];
    assert_eq!((s.months, s.report_date.as_str(), s.published_by.as_str()), ((1, 3), "2026-07-15", "oficina999"));
    let short = &s.content_hash[..16];
    assert_eq!(done.location(), format!("/poi/999/2026?desde=1&hasta=3&publicado={short}#publicados"));
    let after = office.get(&done.location()).await.text();
    assert!(
        after.contains(&format!(r#"<p class="notice" role="status">Publicado. Huella SHA-256: {short}…</p>"#)),
        "{after}"
    );
    assert!(
        after.contains(r#"<th scope="row">enero a marzo</th><td data-label="Fecha del reporte">2026-07-15</td>"#),
        "{after}"
    );
    assert!(after.contains(&format!(r#"<abbr title="{}">{short}…</abbr>"#, s.content_hash)));
    // Everyone sees the list; a hostile notice is no notice.
    let public = c.get("/poi/999/2026?publicado=%3Cscript%3E").await.text();
    assert!(public.contains("enero a marzo") && !public.contains("<script>") && !public.contains("class=\"notice\""));

    // The API: anyone lists; the office publishes (201), others may not.
    let list = c.get("/api/v1/poi/999/2026/publications").await;
    assert_eq!(list.status, StatusCode::OK);
    let list = list.json();
    assert_eq!(list[0]["content_hash"], s.content_hash.as_str());
    assert_eq!(list[0]["months"], serde_json::json!([1, 3]));
    assert_eq!(list[0]["figures"]["format"], "avance-poi-compute/1");
    let body = serde_json::json!({ "first_month": 1, "last_month": 6 });
    let anonymous = c.api("POST", "/api/v1/poi/999/2026/publications", None, Some(body.clone())).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let dgde_token = token(&mut dgde).await;
    let forbidden = c.api("POST", "/api/v1/poi/999/2026/publications", Some(&dgde_token), Some(body.clone())).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    let t = token(&mut office).await;
    let made = c.api("POST", "/api/v1/poi/999/2026/publications", Some(&t), Some(body)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let made = made.json();
    assert_eq!((made["months"].clone(), made["report_date"].clone()), (serde_json::json!([1, 6]), "2026-07-15".into()));
    assert_eq!(made["figures"]["total"]["printed"], state_total(&state).await, "January to June, as the overview");
    let wrong = c
        .api(
            "POST",
            "/api/v1/poi/999/2026/publications",
            Some(&t),
            Some(serde_json::json!({ "first_month": 9, "last_month": 2 })),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.json()["error"]["field"], "month");
    assert_eq!(c.get("/api/v1/poi/999/2026/publications").await.json().as_array().unwrap().len(), 2);
}

/// The overview of many entities' POIs comes a hundred at a time, with links to the pages before
/// and after, and a search by the entity's code or name that keeps its words in the links.
#[tokio::test]
async fn the_overview_pages_and_searches() {
    let (app, state, _dir) = demo_at(july_15()).await;
    let operator = avance_app::Actor::operator("pruebas");
    for n in 1..=230 {
        let plan = avance_import::synthetic::poi(n, 2, 2026, 1);
        state.app.load_poi(&operator, &plan, "carga").await.unwrap();
    }
    let mut c = Client::new(&app);
    let first = c.get("/poi").await.text();
    assert!(first.contains(r#"<p class="pager" role="status">Entidades 1–100 de 231.</p>"#), "{first}");
    assert!(first.contains(r#"<a href="/poi?pagina=2" rel="next">Siguientes →</a>"#), "{first}");
    assert!(!first.contains(r#"rel="prev""#));
    assert_eq!(first.matches("<tr><td class=\"code\">").count(), 100);
    let last = c.get("/poi?pagina=3").await.text();
    assert!(last.contains("Entidades 201–231 de 231."), "{last}");
    assert!(last.contains(r#"<a href="/poi?pagina=2" rel="prev">← Anteriores</a>"#) && !last.contains(r#"rel="next""#));
    assert_eq!(last.matches("<tr><td class=\"code\">").count(), 31);
    assert!(c.get("/poi?pagina=99").await.text().contains("Entidades 201–231 de 231."), "past the end: the last page");
    let found = c.get("/poi?q=sint%C3%A9tica%2012").await.text();
    assert!(found.contains("Entidades 1–11 de las 11 que coinciden con «sintética 12» (de 231)."), "{found}");
    let code = c.get("/poi?q=e0007").await.text();
    assert!(
        code.contains(r#"<a href="/poi/E0007/2026">E0007</a>"#) && code.contains("de las 1 que coinciden"),
        "{code}"
    );
    let none = c.get("/poi?q=%3Cscript%3E").await.text();
    assert!(none.contains("Entidades 0 de las 0 que coinciden con «&#60;script&#62;» (de 231)."), "{none}");
    assert!(!none.contains("<script>") && !none.contains("tabla-poi\""));
    assert!(none.contains(r#"<input id="q" name="q" type="search" value="&#60;script&#62;">"#), "{none}");
    let pei = c.get("/pei?q=igp").await.text();
    assert!(pei.contains("Entidades 1–1 de las 1 que coinciden con «igp» (de 1)."), "{pei}");
}
