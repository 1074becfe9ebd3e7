//! The PEI pages: the overview across entities and an entity's Seguimiento del PEI (Anexo B-7) for
//! the public, and "Mi PEI", where the entity's planning office records a year's valores obtenidos
//! of every indicator in one form (refused whole when a value is wrong, each message at its field),
//! and nobody else can.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use avance_app::FixedClock;
use axum::http::StatusCode;
use common::{Client, demo_at, logged, token};

/// 15 March 2023 at noon in Lima: 2023 has begun, 2024 has not.
fn march_2023() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(time::macros::datetime!(2023-03-15 17:00 UTC)))
}

#[tokio::test]
async fn public_pei_pages() {
    let (app, _state, _dir) = demo_at(march_2023()).await;
    let mut c = Client::new(&app);
    let list = c.get("/pei").await;
    assert_eq!(list.status, StatusCode::OK);
    let html = list.text();
    assert!(html.contains(r#"<a href="/pei/IGP?periodo=2020">IGP</a>"#), "{html}");
    assert!(html.contains("<td data-label=\"Periodo\">2020–2026</td>"), "{html}");
    // 2022 is the last year with values: 25 indicators with an avance, none (*) or ND.
    assert!(html.contains(r#"<td class="num" data-label="Año de seguimiento">2022</td>"#), "{html}");
    assert!(html.contains(r#"data-label="Con avance / (*) / ND">25 / 0 / 0</td>"#), "{html}");
    let page = c.get("/pei/igp").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("<h1>Instituto Geofísico del Perú — PEI 2020–2026</h1>"), "{html}");
    assert!(html.contains("<dd>ceplan-pei@2020</dd>"));
    assert!(html.contains(r#"<h3 id="AEI.01.01" class="action">AEI.01.01</h3>"#), "{html}");
    // IND.01.OEI.01 in 2021: 32 obtained of 35 expected, 91.43 as published.
    assert!(html.contains(r#"<tr><th scope="row" class="num">2021</th><td class="num" data-label="Logro esperado">35.00</td><td class="num" data-label="Valor obtenido">32.00</td><td class="num" data-label="Avance %">91.43</td></tr>"#), "{html}");
    assert!(html.contains("NOTA : El porcentaje de avance de los indicadores ha sido truncado en 100 %"));
    assert!(!html.contains("/registro"), "no link to record for the public");
    assert!(
        html.contains(
            r#"<a href="/pei/IGP/seguimiento.pdf?periodo=2020&#38;anio=2022">Descargar el Anexo B-7 en PDF</a>"#
        ),
        "{html}"
    );
    let pdf = c.get("/pei/IGP/seguimiento.pdf?periodo=2020&anio=2022").await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    assert_eq!(pdf.headers["content-disposition"], "attachment; filename=\"seguimiento-pei-IGP-2022.pdf\"");
    assert!(pdf.body.starts_with(b"%PDF"));
    // Another year: 2020 only; a year outside the period; an entity without PEI.
    let y2020 = c.get("/pei/IGP?periodo=2020&anio=2020").await.text();
    assert!(y2020.contains("<dd>2020</dd>") && !y2020.contains(r#"<th scope="row" class="num">2021</th>"#));
    let outside = c.get("/pei/IGP?anio=2031").await;
    assert_eq!(outside.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(outside.text().contains("Año: 2031 está fuera del periodo del PEI, 2020–2026."));
    assert_eq!(c.get("/pei/INEI").await.status, StatusCode::NOT_FOUND);
    assert!(html.contains(r#"<a href="/pei">PEI</a>"#));
}

#[tokio::test]
async fn the_entity_office_records_a_year() {
    let (app, state, _dir) = demo_at(march_2023()).await;
    let mut public = Client::new(&app);
    assert_eq!(public.get("/mi-pei").await.location(), "/ingresar?volver=%2Fmi-pei");
    for user in ["dgde", "planeamiento", "admin", "oficina999"] {
        let mut c = logged(&app, user).await;
        let mine = c.get("/mi-pei").await;
        assert_eq!(mine.status, StatusCode::NOT_FOUND, "{user}");
        assert!(mine.text().contains("Su cuenta no registra los valores de ningún PEI"));
        assert_eq!(c.get("/pei/IGP/registro").await.status, StatusCode::FORBIDDEN, "{user}");
        let post = c.post("/pei/IGP/registro", &[("anio", "2023"), ("v:IND.01.OEI.01", "40")]).await;
        assert_eq!(post.status, StatusCode::FORBIDDEN, "{user}");
    }

    let mut office = logged(&app, "oficinaigp").await;
    assert_eq!(office.get("/mi-pei").await.location(), "/pei/IGP/registro?periodo=2020");
    let form = office.get("/pei/IGP/registro?periodo=2020").await;
    assert_eq!(form.status, StatusCode::OK);
    let html = form.text();
    assert!(html.contains(r#"<a href="/mi-pei">Mi PEI</a>"#), "{html}");
    assert!(html.contains(r#"<option value="2023" selected>2023</option>"#), "{html}");
    assert!(!html.contains(r#"<option value="2024""#), "2024 has not begun");
    assert!(html.contains(r#"<td class="num" data-label="Logro esperado">41.00</td>"#), "{html}");
    // 2022 as published, to correct.
    let y2022 = office.get("/pei/IGP/registro?periodo=2020&anio=2022").await.text();
    assert!(y2022.contains(r#"name="v:IND.01.OEI.01" value="36.00""#), "{y2022}");

    // A wrong value refuses the whole form, says why at its field, and keeps what was typed.
    let refused = office
        .post(
            "/pei/IGP/registro",
            &[("periodo", "2020"), ("anio", "2023"), ("v:IND.01.OEI.01", "45"), ("v:IND.02.OEI.02", "12;5")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text();
    assert!(html.contains("1 valor no se aceptó; no se guardó ninguno. Corrija estos valores:"), "{html}");
    assert!(
        html.contains(r#"name="v:IND.02.OEI.02" value="12;5" inputmode="decimal" size="8" aria-invalid="true""#),
        "{html}"
    );
    assert!(html.contains(r#"name="v:IND.01.OEI.01" value="45""#), "kept: {html}");
    assert_eq!(state.app.pei("IGP", None).await.unwrap().0.changes, 1, "nothing recorded");

    // Published (by the application, as `avance pei publish` does): the page lists it.
    let snapshot = state.app.publish_pei(&avance_app::Actor::operator("ana"), "IGP", None, Some(2022)).await.unwrap();
    let page = Client::new(&app).get("/pei/IGP").await.text();
    assert!(page.contains("<h2 id=\"publicados\">Seguimientos publicados</h2>"), "{page}");
    assert!(
        page.contains(&format!("<abbr title=\"{}\">{}…</abbr>", snapshot.content_hash, &snapshot.content_hash[..16])),
        "{page}"
    );
    assert!(page.contains(r#"<th scope="row" class="num">2022</th><td data-label="Publicado">"#), "{page}");

    // Saved: one change set; the page shows what changed and the public report the new figure.
    let saved = office
        .post(
            "/pei/IGP/registro",
            &[("periodo", "2020"), ("anio", "2023"), ("v:IND.01.OEI.01", "45"), ("v:IND.02.OEI.02", "65")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(saved.location(), "/pei/IGP/registro?periodo=2020&anio=2023&guardado=2");
    let after = office.get(&saved.location()).await.text();
    assert!(after.contains("Se guardaron los valores de 2023: 2 indicadores cambiaron."), "{after}");
    let report = Client::new(&app).get("/pei/IGP?anio=2023").await.text();
    assert!(report.contains(r#"<tr><th scope="row" class="num">2023</th><td class="num" data-label="Logro esperado">41.00</td><td class="num" data-label="Valor obtenido">45</td><td class="num" data-label="Avance %">100.00</td></tr>"#), "{report}");
    // A year that has not begun, by hand.
    let future =
        office.post("/pei/IGP/registro", &[("periodo", "2020"), ("anio", "2024"), ("v:IND.01.OEI.01", "1")]).await;
    assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(future.text().contains("Año: los valores obtenidos de 2024 se registran desde que empieza el año."));
}

/// The API: the list and a PEI's follow-up for everyone; a year's values for the entity's planning
/// office only, all of it or nothing, each refused item named.
#[tokio::test]
async fn the_pei_api() {
    let (app, state, _dir) = demo_at(march_2023()).await;
    let mut c = Client::new(&app);
    let list = c.get("/api/v1/pei").await;
    assert_eq!(list.status, StatusCode::OK);
    let list = list.json();
    assert_eq!(list[0]["entity"], "IGP");
    assert_eq!((list[0]["year"].as_u64(), list[0]["with_avance"].as_u64()), (Some(2022), Some(25)));
    let doc = c.get("/api/v1/pei/IGP?year=2021").await.json();
    assert_eq!(doc["format"], "avance-pei-compute/1");
    assert_eq!(doc["indicators"][0]["years"][1]["avance"]["printed"], "91.43");
    let outside = c.get("/api/v1/pei/IGP?year=2030").await;
    assert_eq!(outside.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(outside.json()["error"]["field"], "year");
    assert_eq!(c.get("/api/v1/pei/INEI").await.json()["error"]["code"], "not_found");

    let body = |values: serde_json::Value| serde_json::json!({ "year": 2023, "values": values });
    let anonymous = c.api("POST", "/api/v1/pei/IGP/values", None, Some(body(serde_json::json!([])))).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let mut other = logged(&app, "oficina999").await;
    let other_token = token(&mut other).await;
    let one = serde_json::json!([{ "indicator": "IND.01.OEI.01", "value": "45" }]);
    let forbidden = c.api("POST", "/api/v1/pei/IGP/values", Some(&other_token), Some(body(one.clone()))).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    let mut office = logged(&app, "oficinaigp").await;
    let t = token(&mut office).await;
    let refused = c
        .api(
            "POST",
            "/api/v1/pei/IGP/values",
            Some(&t),
            Some(body(serde_json::json!([
                { "indicator": "IND.01.OEI.01", "value": "45" },
                { "indicator": "IND.09.OEI.09", "value": "1" },
                { "indicator": "IND.02.OEI.02", "value": "doce" }
            ]))),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let e = refused.json();
    assert_eq!(e["error"]["message"], "2 valores no se aceptaron; no se guardó ninguno.");
    assert_eq!(
        (e["error"]["items"][0]["index"].as_u64(), e["error"]["items"][0]["code"].as_str()),
        (Some(1), Some("not_found"))
    );
    assert_eq!(e["error"]["items"][1]["index"], 2);
    let done = c.api("POST", "/api/v1/pei/IGP/values", Some(&t), Some(body(one))).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
    assert_eq!(done.json()["changed"], serde_json::json!(["IND.01.OEI.01"]));
    let (summary, _) = state.app.pei("IGP", None).await.unwrap();
    assert_eq!(summary.changes, 2);
    let after = c.get("/api/v1/pei").await.json();
    assert_eq!(after[0]["year"], 2023, "the follow-up moves to the year with values");
}

/// The entity's planning office (and the administrator) publishes the year's PEI follow-up from
/// its page or through the API; the page lists it; nobody else may.
#[tokio::test]
async fn the_pei_publications() {
    let (app, state, _dir) = demo_at(march_2023()).await;
    let mut c = Client::new(&app);
    assert!(!c.get("/pei/IGP").await.text().contains("/publicar"), "no publishing for the public");
    let mut dgde = logged(&app, "dgde").await;
    assert!(!dgde.get("/pei/IGP").await.text().contains("/publicar"));
    let refused = dgde.post("/pei/IGP/publicar", &[("periodo", "2020"), ("anio", "2022")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let mut office = logged(&app, "oficinaigp").await;
    let page = office.get("/pei/IGP?periodo=2020&anio=2021").await.text();
    assert!(page.contains(r#"<form method="post" action="/pei/IGP/publicar""#), "{page}");
    assert!(page.contains(r#"<input type="hidden" name="anio" value="2021"><button type="submit">Publicar el seguimiento de este año</button>"#), "{page}");
    let done = office.post("/pei/IGP/publicar", &[("periodo", "2020"), ("anio", "2021")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
    let snapshots = state.app.pei_snapshots("IGP", None, None).await.unwrap();
    assert_eq!(snapshots.len(), 1);
    let short = &snapshots[0].content_hash[..16];
    assert_eq!((snapshots[0].year, snapshots[0].published_by.as_str()), (2021, "oficinaigp"));
    assert_eq!(done.location(), format!("/pei/IGP?periodo=2020&anio=2021&publicado={short}#publicados"));
    let after = office.get(&done.location()).await.text();
    assert!(after.contains(&format!("Publicado. Huella SHA-256: {short}…")), "{after}");
    assert!(after.contains(&format!(r#"<abbr title="{}">{short}…</abbr>"#, snapshots[0].content_hash)));

    let t = token(&mut office).await;
    let anonymous = c.api("POST", "/api/v1/pei/IGP/publications", None, Some(serde_json::json!({}))).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let made = c.api("POST", "/api/v1/pei/IGP/publications", Some(&t), Some(serde_json::json!({ "year": 2022 }))).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let made = made.json();
    assert_eq!((made["year"].clone(), made["plan_year"].clone()), (2022.into(), 2020.into()));
    assert_eq!(made["figures"]["format"], "avance-pei-compute/1");
    let outside =
        c.api("POST", "/api/v1/pei/IGP/publications", Some(&t), Some(serde_json::json!({ "year": 2031 }))).await;
    assert_eq!(outside.status, StatusCode::UNPROCESSABLE_ENTITY);
    let list = c.get("/api/v1/pei/IGP/publications").await.json();
    let years: Vec<i64> = list.as_array().unwrap().iter().map(|p| p["year"].as_i64().unwrap()).collect();
    assert_eq!(years, [2021, 2022]);
}
