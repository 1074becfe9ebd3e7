//! HTTP-level tests of every route: public pages with the reference's figures, downloads, the
//! reporting workflow, the role × action authorization matrix, and attacks (XSS, CSRF, SQL
//! injection, session fixation, brute force, oversized bodies).
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::{Client, demo, demo_on_postgres, dgde_exception_2024, logged, report_2024, token};

#[tokio::test]
async fn public_pages_show_the_reference_figures() {
    let (app, _state, _dir) = demo().await;
    let mut c = Client::new(&app);
    let home = c.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    let t = home.text();
    assert!(t.contains("Seguimiento de las políticas nacionales, 2024"), "{t}");
    assert!(t.contains(r#"data-indice="79.3""#));
    // Objectives 1 alto / 2 intermedio / 0 bajo / 1 ND; indicators (5 IOP + 86 ISS).
    assert!(t.contains("1 / 2 / 0 / 1"));
    assert!(t.contains("19 / 7 / 40 / 25"), "indicator counts: {t}");
    // The share of indicators on track to the horizon's target (38 of 62 assessed), and the ranking by it.
    assert!(
        t.contains(r#"<td class="num" data-label="Indicadores en camino a la meta del horizonte">61.3%</td>"#),
        "{t}"
    );
    let ranked = c.get("/?orden=en-camino").await.text();
    assert!(ranked.contains(r#"<option value="en-camino" selected>"#) && ranked.contains("61.3%"), "{ranked}");
    // Filters: a ministry without policies shows none.
    let none = c.get("/?ministerio=999").await.text();
    assert!(none.contains("No hay políticas con seguimiento para estos filtros."));

    let policy = c.get("/politicas/PNDI?anio=2024").await;
    assert_eq!(policy.status, StatusCode::OK);
    let p = policy.text();
    for figure in ["86.5", "80.0", "71.4", "79.3", "Alertas identificadas", "reporte.pdf", "cifras.json"] {
        assert!(p.contains(figure), "{figure} missing from the policy page");
    }
    assert_eq!(p.matches("/politicas/PNDI/indicadores/I").count(), 91, "every indicator links to its page");
    let first_heading = p.find("<h1").expect("h1");
    assert!(p.find("<h2").is_none_or(|h2| h2 > first_heading), "headings in order: h1 first");

    let ind = c.get("/politicas/PNDI/indicadores/IOP.01.01?anio=2024").await;
    assert_eq!(ind.status, StatusCode::OK);
    let i = ind.text();
    assert!(i.contains("¿Cómo se calculó?"));
    assert!(i.contains("VO / LE × 100 = 42391 / 49007 × 100 = 86.5"), "{i}");
    assert!(i.contains("ceplan-pn@1"));
    assert!(i.contains(r#"id="avance-tipo2">-41.4"#) || i.contains(r#"id="avance-tipo2">−41.4"#), "Tipo 2: {i}");
    assert!(i.contains("primer reporte"), "history shows the value as first reported");
    // The outlook to the horizon, explained: 44328 (2019) → 42391 (2024) against 49007 (2024).
    assert!(i.contains(r#"<span class="band bajo outlook" id="perspectiva-categoria">retroceso</span>"#), "{i}");
    for step in [
        "<dt>Inicio</dt><dd>44328 (2019)</dd>",
        "<dt>Último valor obtenido</dt><dd>42391 (2024)</dd>",
        "<dt>Meta al horizonte</dt><dd>49007 (2024)</dd>",
        "<dt>Tasa observada</dt><dd>-0.89 % anual</dd>",
        "<dt>Tasa requerida</dt><dd>2.03 % anual</dd>",
        "<dt>Razón ρ</dt><dd>-0.44</dd>",
    ] {
        assert!(i.contains(step), "{step}: {i}");
    }

    assert_eq!(c.get("/politicas/NOPE").await.status, StatusCode::NOT_FOUND);
    assert_eq!(c.get("/politicas/PNDI?anio=1990").await.status, StatusCode::NOT_FOUND);
    assert_eq!(c.get("/politicas/PNDI/indicadores/ISS.99").await.status, StatusCode::NOT_FOUND);
    assert_eq!(c.get("/no-existe").await.status, StatusCode::NOT_FOUND);

    // English switch: a cookie, then back where the visitor was.
    let sw = c.get("/idioma/en?volver=/politicas/PNDI").await;
    assert_eq!(sw.status, StatusCode::SEE_OTHER);
    assert_eq!(sw.location(), "/politicas/PNDI");
    let en = c.get("/politicas/PNDI").await.text();
    assert!(en.contains("Follow-up report of the Política Nacional de Desarrollo Industrial, for the year 2024"));
    assert!(en.contains(r#"<html lang="en">"#));
    // No open redirect.
    assert_eq!(c.get("/idioma/es?volver=//evil.example").await.location(), "/");
}

#[tokio::test]
async fn downloads_in_four_formats() {
    let (app, _state, _dir) = demo().await;
    let mut c = Client::new(&app);
    let pdf = c.get("/politicas/PNDI/descargas/reporte.pdf?anio=2024").await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.body.starts_with(b"%PDF"));
    // Each file names its policy, year and the day it was made (Lima).
    let today = avance_report::labels::lima_date(time::OffsetDateTime::now_utc());
    let named = |a: &common::Answer| a.headers["content-disposition"].to_str().unwrap().to_string();
    assert_eq!(named(&pdf), format!("attachment; filename=\"PNDI-2024-reporte-{today}.pdf\""));
    let xlsx = c.get("/politicas/PNDI/descargas/reporte.xlsx").await;
    assert!(xlsx.body.starts_with(b"PK"));
    assert_eq!(named(&xlsx), format!("attachment; filename=\"PNDI-2024-reporte-{today}.xlsx\""));
    let csv = c.get("/politicas/PNDI/descargas/indicadores.csv").await;
    assert_eq!(named(&csv), format!("attachment; filename=\"PNDI-2024-indicadores-{today}.csv\""));
    let csv = csv.text();
    // A byte-order mark first, so that spreadsheet programs read "Número" and not "NÃºmero".
    let csv = csv.strip_prefix('\u{feff}').expect("byte-order mark").to_string();
    assert!(
        csv.starts_with("codigo,nombre,responsable,unidad,anio,logro_esperado,valor_obtenido,avance_tipo1,semaforo")
    );
    assert_eq!(csv.lines().count(), 92);
    assert!(csv.lines().any(|l| l.starts_with("IOP.01.01,") && l.contains(",86.5,")));
    let json = c.get("/politicas/PNDI/descargas/cifras.json").await;
    assert_eq!(named(&json), format!("attachment; filename=\"PNDI-2024-cifras-{today}.json\""));
    let json = json.json();
    assert_eq!(json["format"], "avance-compute/1");
    assert_eq!(json["policy"]["index"], 79.3);
    assert_eq!(c.get("/politicas/PNDI/descargas/otro.exe").await.status, StatusCode::NOT_FOUND);
}

/// A protected action: its name, method, path and form fields.
type Act<'a> = (&'a str, &'a str, &'a str, Vec<(&'a str, &'a str)>);

/// Every role against every protected action: the expected answer, written out.
#[tokio::test]
async fn authorization_matrix() {
    let (app, state, _dir) = demo().await;
    // A planning office of another ministry (a policy of 010 loaded), to check the scope.
    let years = avance_core::model::YearRange {
        first: avance_core::model::Year::new(2021).unwrap(),
        last: avance_core::model::Year::new(2025).unwrap(),
    };
    let other = avance_import::synthetic::policy(2, 10, years, 1);
    state.app.load(&avance_app::Actor::operator("pruebas"), &other, "otra política").await.unwrap();
    let mut admin = logged(&app, "admin").await;
    let made = admin
        .post(
            "/admin/usuarios",
            &[
                ("usuario", "otra"),
                ("nombre", "Otra OPP"),
                ("rol", "planning"),
                ("ambito", "010"),
                ("contrasena", "otra-contrasena-12"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text());
    let mut dgde = logged(&app, "dgde").await;
    report_2024(&mut dgde, "ISS.01.04.03.01", "1").await;
    let operator = avance_app::Actor::operator("pruebas");
    let id = state.app.submissions(&operator).await.unwrap().1[0].id;

    let mut clients = vec![("public", Client::new(&app))];
    for who in ["dgde", "itp", "planeamiento", "admin"] {
        clients.push((who, logged(&app, who).await));
    }
    let mut other = Client::new(&app);
    other.login("otra", "otra-contrasena-12").await;
    clients.push(("otra", other));

    // (name, method, path, fields)
    let review_path = format!("/revision/{id}");
    let actions: Vec<Act<'_>> = vec![
        ("mine", "GET", "/mis-indicadores", vec![]),
        (
            "submit",
            "POST",
            "/mis-indicadores/enviar",
            vec![("politica", "PNDI"), ("indicador", "ISS.01.01.01.02"), ("anio", "2024"), ("valor", "20%")],
        ),
        ("review_list", "GET", "/revision", vec![]),
        ("return", "POST", &review_path, vec![("accion", "devolver"), ("motivo", "falta evidencia")]),
        (
            "target",
            "POST",
            "/politicas/PNDI/indicadores/ISS.01.01.01.01/meta",
            vec![("anio", "2024"), ("valor", "1"), ("justificacion", "reprogramación aprobada por resolución")],
        ),
        ("audit", "GET", "/auditoria", vec![]),
        ("tracking", "GET", "/seguimiento?politica=PNDI&anio=2024", vec![]),
        ("tracking_csv", "GET", "/seguimiento.csv?politica=PNDI", vec![]),
        ("own_tracking", "GET", "/seguimiento", vec![]),
        ("admin", "GET", "/admin", vec![]),
        (
            "create_user",
            "POST",
            "/admin/usuarios",
            vec![
                ("usuario", "x"),
                ("nombre", "X"),
                ("rol", "unit"),
                ("ambito", "ITP"),
                ("contrasena", "una-contrasena-larga"),
            ],
        ),
        ("deadline", "POST", "/admin/plazos", vec![("politica", "PNDI"), ("anio", "2024"), ("fecha", "2099-12-31")]),
        (
            "exception",
            "POST",
            "/admin/excepciones",
            vec![
                ("politica", "PNDI"),
                ("anio", "2024"),
                ("unidad", "ITP"),
                ("fecha", "2099-12-31"),
                ("motivo", "demora"),
            ],
        ),
        ("account", "GET", "/cuenta", vec![]),
        ("token", "POST", "/cuenta/tokens", vec![("descripcion", "t")]),
        ("mail_settings", "POST", "/cuenta/correo", vec![("correo", "x@prueba.gob.pe"), ("idioma", "es")]),
        ("outbox", "GET", "/admin/correo", vec![]),
        ("user_email", "POST", "/admin/usuarios/correo", vec![("usuario", "itp"), ("correo", "itp@produce.gob.pe")]),
        ("outbox_failed", "GET", "/admin/correo?estado=failed", vec![]),
        ("forgot", "GET", "/recuperar", vec![]),
    ];
    // Expected: 'L' login page (303 to /ingresar), 'F' forbidden (403), 'S' success (200 or 303
    // elsewhere), 'C' allowed but refused by the workflow (409: already returned by another). Columns: public, dgde, itp, planeamiento, admin, otra (planning of 010).
    let expected: [(&str, &str); 20] = [
        ("mine", "LSSFFF"),
        ("submit", "LSFFFF"),
        ("review_list", "LFFSSS"),
        ("return", "LFFSCF"),
        ("target", "LFFSSF"),
        ("audit", "LFFSSS"),
        ("tracking", "LFFSSF"),
        ("tracking_csv", "LFFSSF"),
        ("own_tracking", "LFFSSS"),
        ("admin", "LFFFSF"),
        ("create_user", "LFFFSF"),
        ("deadline", "LFFFSF"),
        ("exception", "LFFFSF"),
        ("account", "LSSSSS"),
        ("token", "LSSSSS"),
        ("mail_settings", "LSSSSS"),
        ("outbox", "LFFFSF"),
        ("user_email", "LFFFSF"),
        ("outbox_failed", "LFFFSF"),
        ("forgot", "SSSSSS"),
    ];
    let mut failures = Vec::new();
    for ((name, method, path, fields), (ename, row)) in actions.iter().zip(expected) {
        assert_eq!(*name, ename);
        for ((who, client), want) in clients.iter_mut().zip(row.chars()) {
            let a = if *method == "GET" { client.get(path).await } else { client.post(path, fields).await };
            let got = match a.status {
                StatusCode::SEE_OTHER if a.location().starts_with("/ingresar") => 'L',
                StatusCode::FORBIDDEN => 'F',
                StatusCode::CONFLICT => 'C',
                StatusCode::OK | StatusCode::SEE_OTHER => 'S',
                other => panic!("{name} as {who}: unexpected {other}: {}", a.text()),
            };
            if got != want {
                failures.push(format!("{name} as {who}: expected {want}, got {got}"));
            }
        }
    }
    assert!(failures.is_empty(), "authorization matrix:\n{}", failures.join("\n"));
    // The rule the server applies is the core's: check the same cells there.
    use avance_core::access::{Action, Principal, Resource, Role, can};
    let dgde_indicator = Resource::Indicator { ministry: "038", responsible: "DGDE" };
    assert!(can(&Principal::new(Role::Unit, Some("DGDE")), Action::ReportActual, &dgde_indicator));
    assert!(!can(&Principal::new(Role::Unit, Some("ITP")), Action::ReportActual, &dgde_indicator));
    assert!(!can(&Principal::new(Role::Planning, Some("010")), Action::Review, &Resource::Policy { ministry: "038" }));
}

/// The reporting story: a bad value gets the importers' message next to the field, a good one is
/// submitted, returned with a reason, corrected, approved; the public figures change; the value
/// locks; the audit log tells it all.
async fn reporting_story(app: axum::Router) {
    let mut public = Client::new(&app);
    let before = public.get("/").await.text();
    assert!(before.contains("19 / 7 / 40 / 25"));

    let mut dgde = logged(&app, "dgde").await;
    let mine = dgde.get("/mis-indicadores").await.text();
    assert!(mine.contains("ISS.01.01.01.02"), "{mine}");
    assert!(!mine.contains("ISS.01.01.02.01"), "another unit's indicator is not listed");
    let form = [("politica", "PNDI"), ("indicador", "ISS.01.01.01.02"), ("anio", "2024")];
    let with = |v: &'static str| {
        let mut f = form.to_vec();
        f.push(("valor", v));
        f
    };
    let bad = dgde.post("/mis-indicadores/enviar", &with("12,5%")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let t = bad.text();
    assert!(
        t.contains("&quot;12,5%&quot; no es un porcentaje válido: la coma separa miles en grupos de tres cifras y el punto separa decimales")
            || t.contains("&#34;12,5%&#34; no es un porcentaje válido: la coma separa miles"),
        "{t}"
    );
    assert!(t.contains(r#"aria-invalid="true""#), "the field is marked");
    let mut evidence = with("20%");
    evidence.push(("evidencia", "javascript:alert(1)"));
    let bad_link = dgde.post("/mis-indicadores/enviar", &evidence).await;
    assert_eq!(bad_link.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_link.text().contains("debe ser una dirección que empiece con https://"));

    let mut good = with("21%");
    good.push(("comentario", "<script>alert('x')</script>"));
    good.push(("evidencia", "https://www.gob.pe/produce/informe-2024.pdf"));
    let ok = dgde.post("/mis-indicadores/enviar", &good).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert!(dgde.get(&ok.location()).await.text().contains("Enviado, por revisar: 21%"));

    let mut opp = logged(&app, "planeamiento").await;
    let review = opp.get("/revision").await.text();
    assert!(
        review.contains("&lt;script&gt;alert(") || review.contains("&#60;script&#62;alert("),
        "the comment is escaped: {review}"
    );
    assert!(!review.contains("<script>alert("));
    let id = review.split("id=\"envio-").nth(1).unwrap().split('"').next().unwrap().to_string();
    let path = format!("/revision/{id}");
    let no_reason = opp.post(&path, &[("accion", "devolver"), ("motivo", " ")]).await;
    // A missing reason is an invalid field (422), as in the API; a refused step is a conflict (409).
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.text().contains("indique el motivo"));
    assert_eq!(
        opp.post(&path, &[("accion", "devolver"), ("motivo", "El informe dice 20%")]).await.status,
        StatusCode::SEE_OTHER
    );
    let returned = dgde.get("/mis-indicadores").await.text();
    assert!(returned.contains("El informe dice 20%"));

    assert_eq!(dgde.post("/mis-indicadores/enviar", &with("20%")).await.status, StatusCode::SEE_OTHER);
    let review = opp.get("/revision").await.text();
    let id = review.split("id=\"envio-").nth(1).unwrap().split('"').next().unwrap().to_string();
    assert_eq!(opp.post(&format!("/revision/{id}"), &[("accion", "aprobar")]).await.status, StatusCode::SEE_OTHER);
    // Approving twice is refused: the value is locked, and the page says so.
    let twice = opp.post(&format!("/revision/{id}"), &[("accion", "aprobar")]).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert!(
        twice.text().contains(&format!(
            "<p class=\"error\" role=\"alert\">Envío {id}: el valor ya fue aprobado y está bloqueado</p>"
        )),
        "{}",
        twice.text()
    );

    // The public sees the new figure at once: 20 / 22 × 100 = 90.9, intermedio.
    let after = public.get("/").await.text();
    assert!(after.contains("19 / 8 / 40 / 24"), "{after}");
    let ind = public.get("/politicas/PNDI/indicadores/ISS.01.01.01.02?anio=2024").await.text();
    assert!(ind.contains("VO / LE × 100 = 20 / 22 × 100 = 90.9"), "{ind}");
    assert!(ind.contains("valor reportado por dgde y aprobado"), "history names the unit and the approval");

    let locked = dgde.post("/mis-indicadores/enviar", &with("25%")).await;
    assert_eq!(locked.status, StatusCode::CONFLICT);
    assert!(locked.text().contains("el valor ya fue aprobado y está bloqueado"));

    // Targets change only with a justification.
    let target = "/politicas/PNDI/indicadores/ISS.01.01.01.02/meta";
    let unjustified = opp.post(target, &[("anio", "2024"), ("valor", "25%"), ("justificacion", "")]).await;
    assert_eq!(unjustified.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unjustified.text().contains("la justificación es obligatoria"));
    let changed = opp
        .post(
            target,
            &[("anio", "2024"), ("valor", "25%"), ("justificacion", "Reprogramación por Resolución 123-2024")],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    let ind = public.get("/politicas/PNDI/indicadores/ISS.01.01.01.02?anio=2024").await.text();
    assert!(ind.contains("cambio de meta: Reprogramación por Resolución 123-2024"));

    // The audit log has each step, filterable.
    let log = opp.get("/auditoria?politica=PNDI&unidad=DGDE").await.text();
    for action in ["envío de valor", "devolución", "aprobación"] {
        assert!(log.contains(action), "{action} missing from the audit log");
    }
    let by_user = opp.get("/auditoria?usuario=planeamiento&desde=2000-01-01&hasta=2999-12-31").await.text();
    assert!(by_user.contains("cambio de meta"));
    assert!(!by_user.contains("envío de valor"));
    let bad_date = opp.get("/auditoria?desde=31/12/2024").await.text();
    assert!(bad_date.contains("se escriben AAAA-MM-DD"));

    // The reporting calendar: opening, deadline, end of review, publication, in order; written
    // and read back by either database.
    let mut admin = logged(&app, "admin").await;
    let calendar = |opens: &'static str, due: &'static str, review: &'static str, publication: &'static str| {
        vec![
            ("politica", "PNDI"),
            ("anio", "2024"),
            ("apertura", opens),
            ("fecha", due),
            ("revision", review),
            ("publicacion", publication),
        ]
    };
    let set = admin.post("/admin/plazos", &calendar("2020-01-01", "2099-12-31", "2100-01-15", "2100-02-01")).await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.text());
    let page = admin.get("/admin").await.text();
    for d in ["2020-01-01", "2099-12-31", "2100-01-15", "2100-02-01"] {
        assert!(page.contains(&format!(">{d}</td>")), "{d} in {page}");
    }
    let tracker = opp.get("/seguimiento?politica=PNDI&anio=2024").await.text();
    assert!(tracker.contains("<dt>Fin de la revisión</dt><dd>2100-01-15</dd><dt>Publicación</dt><dd>2100-02-01</dd>"));
    let disorder = admin.post("/admin/plazos", &calendar("2099-12-31", "2099-06-30", "", "")).await;
    assert_eq!(disorder.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(disorder.text().contains("Apertura: no puede ser posterior a la fecha de «plazo de reporte»."));
    let late_review = admin.post("/admin/plazos", &calendar("", "2099-06-30", "2099-07-31", "2099-07-01")).await;
    assert!(late_review.text().contains("Fin de la revisión: no puede ser posterior a la fecha de «publicación»."));
    let badly = admin.post("/admin/plazos", &calendar("", "2099-06-30", "15/07/2099", "")).await;
    assert_eq!(badly.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(badly.text().contains("Fin de la revisión: escriba AAAA-MM-DD, por ejemplo 2025-03-31."));
    // Before its opening, a year is closed even to a unit with an exception.
    let later = admin.post("/admin/plazos", &calendar("2099-01-01", "2099-12-31", "", "")).await;
    assert_eq!(later.status, StatusCode::SEE_OTHER);
    assert!(dgde.get("/mis-indicadores").await.text().contains("Aún no abierto: se abre el 2099-01-01"));
    let early = dgde.post("/mis-indicadores/enviar", &with("21%")).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.text().contains("el reporte de este año aún no se abre: se abre el 2099-01-01"), "{}", early.text());
}

#[tokio::test]
async fn reporting_on_sqlite() {
    let (app, _state, _dir) = demo().await;
    reporting_story(app).await;
}

#[tokio::test]
async fn reporting_on_postgres() {
    let (app, _state) = demo_on_postgres("web_story").await;
    reporting_story(app).await;
}

#[tokio::test]
async fn deadlines_close_years_and_exceptions_reopen_them_per_unit() {
    let (app, _state, _dir) = demo().await;
    let mut admin = logged(&app, "admin").await;
    let past = admin.post("/admin/plazos", &[("politica", "PNDI"), ("anio", "2024"), ("fecha", "2020-01-31")]).await;
    assert_eq!(past.status, StatusCode::SEE_OTHER);
    let bad = admin.post("/admin/plazos", &[("politica", "PNDI"), ("anio", "2024"), ("fecha", "31/01/2025")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("Fecha: escriba AAAA-MM-DD"));
    let mut dgde = logged(&app, "dgde").await;
    let form = [("politica", "PNDI"), ("indicador", "ISS.01.01.01.02"), ("anio", "2024"), ("valor", "20%")];
    assert!(dgde.get("/mis-indicadores").await.text().contains("Cerrado: el plazo venció el 2020-01-31"));
    let closed = dgde.post("/mis-indicadores/enviar", &form).await;
    assert_eq!(closed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(closed.text().contains("el plazo de reporte de este año venció"));
    dgde_exception_2024(&mut admin, "2099-12-31").await;
    assert!(dgde.get("/mis-indicadores").await.text().contains("Abierto por excepción hasta el 2099-12-31"));
    assert_eq!(dgde.post("/mis-indicadores/enviar", &form).await.status, StatusCode::SEE_OTHER);
    // ITP has no exception: still closed.
    let mut itp = logged(&app, "itp").await;
    let itp_form = [("politica", "PNDI"), ("indicador", "ISS.01.06.04.01"), ("anio", "2024"), ("valor", "1")];
    assert_eq!(itp.post("/mis-indicadores/enviar", &itp_form).await.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn csrf_is_required_on_every_form() {
    let (app, _state, _dir) = demo().await;
    let mut c = Client::new(&app);
    c.get("/").await;
    // No token, a wrong one, and a token without its cookie: all refused before any handler.
    let none = c.post_raw("/ingresar", "usuario=admin&contrasena=demo-admin-avance").await;
    assert_eq!(none.status, StatusCode::FORBIDDEN);
    assert!(none.text().contains("el formulario venció o no vino de esta página"));
    let wrong =
        c.post_raw("/ingresar", &format!("csrf={}&usuario=admin&contrasena=demo-admin-avance", "0".repeat(64))).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let mut dgde = logged(&app, "dgde").await;
    let token = dgde.csrf();
    dgde.cookies.remove("avance_csrf");
    let forged = dgde
        .post_raw(
            "/mis-indicadores/enviar",
            &format!("csrf={token}&politica=PNDI&indicador=ISS.01.01.01.02&anio=2024&valor=20%25"),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // Logging out is a form too.
    let mut admin = logged(&app, "admin").await;
    assert_eq!(admin.post_raw("/salir", "").await.status, StatusCode::FORBIDDEN);
    assert_eq!(admin.post("/salir", &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(admin.get("/admin").await.location(), "/ingresar?volver=%2Fadmin");
}

#[tokio::test]
async fn session_fixation_and_cookie_flags() {
    let (app, _state, _dir) = demo().await;
    let mut c = Client::new(&app);
    let planted = "a".repeat(64);
    c.cookies.insert("avance_session".into(), planted.clone());
    let login = c.login("admin", "demo-admin-avance").await;
    let set: Vec<String> =
        login.headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
    let session = set.iter().find(|s| s.starts_with("avance_session=")).expect("a new session cookie");
    assert!(!session.contains(&planted), "the planted session id is not adopted");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax") && session.contains("Path=/"));
    assert!(set.iter().any(|s| s.starts_with("avance_csrf=")), "the CSRF token changes at login");
    let mut attacker = Client::new(&app);
    attacker.cookies.insert("avance_session".into(), planted);
    assert_eq!(attacker.get("/admin").await.status, StatusCode::SEE_OTHER, "the planted id is not a session");
    assert_eq!(c.get("/admin").await.status, StatusCode::OK);
    // Headers on every answer.
    let home = c.get("/").await;
    assert!(home.headers["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
    assert_eq!(home.headers["x-content-type-options"], "nosniff");
    assert_eq!(home.headers["x-frame-options"], "DENY");
}

#[tokio::test]
async fn secure_cookies_when_asked() {
    let (app, _, _dir) = common::demo_with(avance_web::Config { secure_cookies: true, ..Default::default() }).await;
    let mut c = Client::new(&app);
    let home = c.get("/").await;
    assert!(home.headers["set-cookie"].to_str().unwrap().contains("Secure"));
}

#[tokio::test]
async fn login_does_not_reveal_accounts_and_is_rate_limited() {
    let (app, _state, _dir) = demo().await;
    let mut c = Client::new(&app);
    let fail = |user: &'static str| [("usuario", user), ("contrasena", "incorrecta"), ("volver", "")];
    let real = c.post("/ingresar", &fail("admin")).await;
    let ghost = c.post("/ingresar", &fail("nadie")).await;
    assert_eq!(real.status, StatusCode::UNAUTHORIZED);
    assert_eq!(ghost.status, StatusCode::UNAUTHORIZED);
    assert!(real.text().contains("Usuario o contraseña incorrectos."));
    assert_eq!(
        real.text().replace(r#"value="admin""#, "X"),
        ghost.text().replace(r#"value="nadie""#, "X"),
        "same answer for both"
    );
    // SQL injection in the user name is just a wrong name.
    assert_eq!(c.post("/ingresar", &fail("admin' OR '1'='1")).await.status, StatusCode::UNAUTHORIZED);
    for _ in 0..4 {
        c.post("/ingresar", &fail("admin")).await;
        c.post("/ingresar", &fail("nadie")).await;
    }
    // Five failures each: both names are now limited, with the same message, even with the right
    // password.
    let limited =
        c.post("/ingresar", &[("usuario", "admin"), ("contrasena", "demo-admin-avance"), ("volver", "")]).await;
    let limited_ghost = c.post("/ingresar", &fail("nadie")).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited_ghost.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.text().contains("Demasiados intentos fallidos. Espere 15 minutos"));
    let wait: u64 = limited.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((890..=900).contains(&wait), "Retry-After: {wait}");
    // Another account is not affected.
    c.login("dgde", "demo-unidad-dgde").await;
}

#[tokio::test]
async fn injection_and_escaping() {
    let (app, _state, _dir) = demo().await;
    let mut admin = logged(&app, "admin").await;
    let xss = admin
        .post(
            "/admin/usuarios",
            &[
                ("usuario", "xss"),
                ("nombre", "<img src=x onerror=alert(1)>"),
                ("rol", "unit"),
                ("ambito", "ITP"),
                ("contrasena", "contrasena-de-prueba"),
            ],
        )
        .await;
    assert_eq!(xss.status, StatusCode::SEE_OTHER);
    let page = admin.get("/admin").await.text();
    assert!(
        page.contains("&lt;img src=x onerror=alert(1)&gt;") || page.contains("&#60;img src=x onerror=alert(1)&#62;"),
        "{page}"
    );
    assert!(!page.contains("<img src=x"));
    // Duplicate and invalid users: the message names the field.
    let dup = admin
        .post(
            "/admin/usuarios",
            &[
                ("usuario", "xss"),
                ("nombre", "X"),
                ("rol", "unit"),
                ("ambito", "ITP"),
                ("contrasena", "contrasena-de-prueba"),
            ],
        )
        .await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    assert!(dup.text().contains("el usuario «xss» ya existe"));
    let short = admin
        .post(
            "/admin/usuarios",
            &[("usuario", "y"), ("nombre", "Y"), ("rol", "unit"), ("ambito", "ITP"), ("contrasena", "corta")],
        )
        .await;
    assert!(short.text().contains("Contraseña: al menos 12 caracteres."));
    // SQL in filters is data, not code.
    let inj = admin.get("/auditoria?politica=%27%20OR%201%3D1%20--").await;
    assert_eq!(inj.status, StatusCode::OK);
    assert!(inj.text().contains("No hay acciones para estos filtros."));
    let inj_path = admin.get("/politicas/PNDI'%20OR%20'1'='1").await;
    assert_eq!(inj_path.status, StatusCode::NOT_FOUND);
    // Reflected input is escaped.
    let refl = admin.get("/auditoria?usuario=%22%3E%3Cscript%3Ealert(1)%3C/script%3E").await.text();
    assert!(!refl.contains("<script>alert(1)"));
}

#[tokio::test]
async fn bodies_are_limited() {
    let (app, _state, _dir) = demo().await;
    let mut c = Client::new(&app);
    c.get("/").await;
    let big = format!("csrf={}&usuario={}", c.csrf(), "a".repeat(100 * 1024));
    assert_eq!(c.post_raw("/ingresar", &big).await.status, StatusCode::PAYLOAD_TOO_LARGE);
    let api = c
        .api(
            "POST",
            "/api/v1/policies/PNDI/indicators/ISS.01.01.01.02/actuals",
            Some("x"),
            Some(serde_json::json!({"value": "a".repeat(100 * 1024)})),
        )
        .await;
    assert!(api.status == StatusCode::PAYLOAD_TOO_LARGE || api.status == StatusCode::UNAUTHORIZED, "{}", api.status);
}

#[tokio::test]
async fn api_reads_for_everyone_and_writes_with_tokens() {
    let (app, _state, _dir) = demo().await;
    let mut c = Client::new(&app);
    let list = c.api("GET", "/api/v1/policies?year=2024", None, None).await.json();
    assert_eq!(list[0]["code"], "PNDI");
    assert_eq!(list[0]["index"], 79.3);
    assert_eq!(list[0]["service_indicators"]["total"], 86);
    let doc = c.api("GET", "/api/v1/policies/PNDI", None, None).await.json();
    assert_eq!(doc["format"], "avance-compute/1");
    let ind = c.api("GET", "/api/v1/policies/PNDI/indicators/IOP.01.01?year=2024", None, None).await.json();
    // The outlook to the horizon: 44328 (2019) → 42391 (2024) against 49007 (2024).
    let o = &ind["outlook"];
    assert_eq!(o["method"], "unsd-ratio-de-tasas");
    assert_eq!(o["category"], "retroceso");
    assert_eq!(o["reason"], serde_json::Value::Null);
    assert_eq!(
        (o["start_year"].as_u64(), o["latest_year"].as_u64(), o["horizon_year"].as_u64()),
        (Some(2019), Some(2024), Some(2024))
    );
    assert_eq!(
        (o["observed_rate"].to_string(), o["required_rate"].to_string()),
        ("-0.0089".to_string(), "0.0203".to_string())
    );
    assert_eq!(ind["avance_tipo1"], "86.5");
    assert_eq!(ind["years"].as_array().unwrap().len(), 3);
    assert_eq!(c.api("GET", "/api/v1/policies/NOPE", None, None).await.status, StatusCode::NOT_FOUND);
    let bad_year = c.api("GET", "/api/v1/policies?year=20x4", None, None).await;
    assert_eq!(bad_year.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad_year.json()["error"]["field"], "year");

    let path = "/api/v1/policies/PNDI/indicators/ISS.01.01.01.02/actuals";
    let body = serde_json::json!({"year": "2024", "value": "20%", "comment": "informe anual"});
    assert_eq!(c.api("POST", path, None, Some(body.clone())).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(c.api("POST", path, Some("avk_falso"), Some(body.clone())).await.status, StatusCode::UNAUTHORIZED);
    let mut dgde = logged(&app, "dgde").await;
    let unit_token = token(&mut dgde).await;
    let mut opp = logged(&app, "planeamiento").await;
    let opp_token = token(&mut opp).await;
    let mut itp = logged(&app, "itp").await;
    let itp_token = token(&mut itp).await;
    assert_eq!(c.api("POST", path, Some(&itp_token), Some(body.clone())).await.status, StatusCode::FORBIDDEN);
    assert_eq!(c.api("POST", path, Some(&opp_token), Some(body.clone())).await.status, StatusCode::FORBIDDEN);
    let invalid =
        c.api("POST", path, Some(&unit_token), Some(serde_json::json!({"year": "2024", "value": "veinte"}))).await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    let e = invalid.json();
    assert_eq!(e["error"]["field"], "value");
    assert_eq!(
        e["error"]["message"],
        "\"veinte\" no es un porcentaje válido (se esperaba, por ejemplo, 20%, 12.5% o ND)"
    );
    let created = c.api("POST", path, Some(&unit_token), Some(body)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let id = created.json()["id"].as_i64().unwrap();
    let subs = c.api("GET", "/api/v1/submissions", Some(&opp_token), None).await.json();
    assert_eq!(subs[0]["status"], "submitted");
    assert_eq!(
        c.api("POST", &format!("/api/v1/submissions/{id}/approve"), Some(&unit_token), None).await.status,
        StatusCode::FORBIDDEN
    );
    let no_reason = c
        .api(
            "POST",
            &format!("/api/v1/submissions/{id}/return"),
            Some(&opp_token),
            Some(serde_json::json!({"reason": ""})),
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ok = c.api("POST", &format!("/api/v1/submissions/{id}/approve"), Some(&opp_token), None).await;
    assert_eq!(ok.json()["status"], "approved");
    let list = c.api("GET", "/api/v1/policies?year=2024", None, None).await.json();
    assert_eq!(list[0]["service_indicators"]["intermedio"], 6);
    // English messages on request.
    let req = axum::http::Request::get("/api/v1/policies/NOPE")
        .header("accept-language", "en-US")
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(c.send(req).await.json()["error"]["message"], "no such policy");
}

#[tokio::test]
async fn openapi_describes_every_route() {
    let (app, _state, _dir) = demo().await;
    let mut c = Client::new(&app);
    let doc = c.api("GET", "/api/v1/openapi.json", None, None).await.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/v1/policies",
        "/api/v1/policies/{code}",
        "/api/v1/policies/{code}/indicators/{indicator}",
        "/api/v1/policies/{code}/indicators/{indicator}/actuals",
        "/api/v1/policies/{code}/reporting",
        "/api/v1/submissions",
        "/api/v1/submissions/{id}/approve",
        "/api/v1/submissions/{id}/return",
    ] {
        assert!(paths.contains_key(p), "{p} missing from the OpenAPI document");
    }
    assert!(doc["components"]["securitySchemes"]["token"].is_object());
    // `year` is a query parameter wherever it is one.
    for p in ["/api/v1/policies", "/api/v1/policies/{code}", "/api/v1/policies/{code}/indicators/{indicator}"] {
        let params = doc["paths"][p]["get"]["parameters"].as_array().unwrap();
        let year = params.iter().find(|x| x["name"] == "year").unwrap();
        assert_eq!(year["in"], "query", "{p}");
    }
    // An independent validator (openapi-spec-validator, installed by .ci/run) accepts it.
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), doc.to_string()).unwrap();
    let validator =
        std::process::Command::new("python3").arg("-m").arg("openapi_spec_validator").arg(file.path()).output();
    let missing = |out: &std::process::Output| String::from_utf8_lossy(&out.stderr).contains("No module named");
    match validator {
        Ok(out) if missing(&out) && std::env::var_os("CI").is_none() => {
            eprintln!("openapi-spec-validator not run: `pip install openapi-spec-validator` (CI installs it)")
        }
        Ok(out) => assert!(
            out.status.success(),
            "openapi-spec-validator: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!("openapi-spec-validator not run ({e}); `pip install openapi-spec-validator` (CI installs it)")
        }
        Err(e) => panic!("openapi-spec-validator is needed in CI: {e}"),
    }
}

#[tokio::test]
async fn remaining_routes_stylesheet_login_form_and_deactivation() {
    let (app, _state, _dir) = demo().await;
    let mut c = Client::new(&app);
    let css = c.get("/estilo.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.headers["content-type"], "text/css; charset=utf-8");
    assert!(css.text().contains(".bajo { background: #c0392b; }"));
    let form = c.get("/ingresar?volver=/revision").await.text();
    assert!(form.contains(r#"<label for="usuario">Usuario</label>"#));
    assert!(form.contains(r#"name="volver" value="/revision""#));
    assert!(c.get("/ingresar?volver=https://evil.example").await.text().contains(r#"name="volver" value="""#));
    // After logging in, the user goes back where it was asked to.
    let back = c
        .post(
            "/ingresar",
            &[("usuario", "planeamiento"), ("contrasena", "demo-planeamiento"), ("volver", "/auditoria")],
        )
        .await;
    assert_eq!(back.location(), "/auditoria");

    // Deactivating a user ends its sessions and its logins; reactivating lets it in again.
    let mut itp = logged(&app, "itp").await;
    let mut admin = logged(&app, "admin").await;
    let off = admin.post("/admin/usuarios/estado", &[("usuario", "itp"), ("activo", "0")]).await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    assert!(admin.get("/admin?hecho=estado").await.text().contains("inactivo"));
    assert_eq!(itp.get("/mis-indicadores").await.location(), "/ingresar?volver=%2Fmis-indicadores");
    let refused = Client::new(&app)
        .post("/ingresar", &[("usuario", "itp"), ("contrasena", "demo-unidad-itp"), ("volver", "")])
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        admin.post("/admin/usuarios/estado", &[("usuario", "itp"), ("activo", "1")]).await.status,
        StatusCode::SEE_OTHER
    );
    logged(&app, "itp").await;
    let own = admin.post("/admin/usuarios/estado", &[("usuario", "admin"), ("activo", "0")]).await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(own.text().contains("No puede desactivar su propia cuenta."));
    let ghost = admin.post("/admin/usuarios/estado", &[("usuario", "nadie"), ("activo", "0")]).await;
    assert_eq!(ghost.status, StatusCode::NOT_FOUND);
    assert!(ghost.text().contains("el usuario «nadie» no existe"));
    let log = admin.get("/auditoria?usuario=admin").await.text();
    assert!(log.contains("desactivación de usuario") && log.contains("activación de usuario"));
}

/// Redirect targets stay on this site: every trick that browsers read as another host is sent
/// to the start page instead.
#[tokio::test]
async fn redirects_stay_on_this_site() {
    let (app, _state, _dir) = demo().await;
    let mut c = Client::new(&app);
    for trick in [
        "/%5Cevil.example/",
        "/%09/evil.example",
        "//evil.example",
        "https://evil.example/",
        "/%2F/evil.example",
        "%2F%5Cevil",
        "/\\evil",
        "/a%0d%0aSet-Cookie:x=1",
        "javascript:alert(1)",
    ] {
        let a = c.get(&format!("/idioma/en?volver={trick}")).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{trick}");
        assert_eq!(a.location(), "/", "{trick} must not be followed");
    }
    assert_eq!(c.get("/idioma/es?volver=/politicas/PNDI%3Fanio%3D2024").await.location(), "/politicas/PNDI?anio=2024");
    // After logging in, likewise.
    for trick in ["/\\evil.example/", "/\tevil", "//evil.example"] {
        let mut u = Client::new(&app);
        let a =
            u.post("/ingresar", &[("usuario", "dgde"), ("contrasena", "demo-unidad-dgde"), ("volver", trick)]).await;
        assert_eq!(a.location(), "/mis-indicadores", "{trick}");
    }
    let mut u = Client::new(&app);
    let a = u
        .post("/ingresar", &[("usuario", "dgde"), ("contrasena", "demo-unidad-dgde"), ("volver", "/politicas/PNDI")])
        .await;
    assert_eq!(a.location(), "/politicas/PNDI");
}

/// A failed login from `peer` (the TCP peer), forwarded for `forwarded` when given.
async fn login_from(c: &mut Client, peer: &str, forwarded: Option<&str>, user: &str, password: &str) -> common::Answer {
    use axum::extract::ConnectInfo;
    if c.csrf().is_empty() {
        c.get("/").await;
    }
    let body = serde_urlencoded::to_string([("csrf", c.csrf().as_str()), ("usuario", user), ("contrasena", password)])
        .unwrap();
    let mut req = axum::http::Request::post("/ingresar")
        .header("cookie", format!("avance_csrf={}", c.csrf()))
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    let mut req = req.body(axum::body::Body::from(body)).unwrap();
    let addr: std::net::SocketAddr = format!("{peer}:40000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(addr));
    c.send(req).await
}

/// Behind a trusted reverse proxy the limiter counts the client named in X-Forwarded-For: one
/// client's failures lock that client out, not everyone behind the proxy; a peer that is not a
/// trusted proxy cannot choose its address with the header. Lockouts and refused attempts are
/// in the audit log.
#[tokio::test]
async fn the_login_limiter_behind_a_proxy() {
    let proxy: std::net::IpAddr = "10.1.1.1".parse().unwrap();
    let config = avance_web::Config { trusted_proxies: vec![proxy], ..Default::default() };
    let (app, state, _dir) = common::demo_with(config).await;
    let mut c = Client::new(&app);
    // 30 failures of one client, each with another user name: the client is locked out.
    for n in 0..30 {
        let a = login_from(&mut c, "10.1.1.1", Some("198.51.100.7"), &format!("nadie{n}"), "x").await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    let locked = login_from(&mut c, "10.1.1.1", Some("198.51.100.7"), "admin", "demo-admin-avance").await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.headers.contains_key("retry-after"));
    // Another client behind the same proxy logs in.
    let other = login_from(&mut c, "10.1.1.1", Some("203.0.113.9, 198.51.100.99"), "admin", "demo-admin-avance").await;
    assert_eq!(other.status, StatusCode::SEE_OTHER, "{}", other.text());
    // A peer that is not the proxy: its own address counts, whatever the header says.
    let mut d = Client::new(&app);
    for n in 0..30 {
        let spoof = format!("192.0.2.{n}");
        login_from(&mut d, "10.9.9.9", Some(&spoof), &format!("otro{n}"), "x").await;
    }
    let spoofed = login_from(&mut d, "10.9.9.9", Some("192.0.2.200"), "dgde", "demo-unidad-dgde").await;
    assert_eq!(spoofed.status, StatusCode::TOO_MANY_REQUESTS);

    let log = state
        .app
        .audit_log(&avance_app::Actor::operator("pruebas"), &avance_app::AuditQuery::default())
        .await
        .unwrap()
        .entries;
    let of = |e: avance_core::access::Event| log.iter().filter(move |x| x.action == e);
    assert_eq!(of(avance_core::access::Event::LockedOut).count(), 2, "one lockout per client");
    let refused: Vec<_> = of(avance_core::access::Event::LoginRefused).collect();
    assert_eq!(refused.len(), 2);
    assert!(refused.iter().any(|e| e.actor == "admin" && e.detail.as_deref() == Some("desde 198.51.100.7")));
    assert!(refused.iter().any(|e| e.actor == "dgde" && e.detail.as_deref() == Some("desde 10.9.9.9")));
}

/// Every answer carries the security headers, refusals included; HSTS with --secure-cookies.
#[tokio::test]
async fn security_headers_on_every_answer() {
    let (app, _, _dir) = common::demo_with(avance_web::Config { secure_cookies: true, ..Default::default() }).await;
    let mut c = Client::new(&app);
    c.get("/").await;
    let big = "x".repeat(100 * 1024);
    let answers = [
        c.get("/").await,
        c.get("/no-existe").await,
        c.post_raw("/ingresar", &format!("csrf={}&usuario={big}", c.csrf())).await,
        c.post_raw("/ingresar", "csrf=malo").await,
        c.api("GET", "/api/v1/no-existe", None, None).await,
    ];
    for a in &answers {
        assert_eq!(a.headers["x-content-type-options"], "nosniff", "{}", a.status);
        assert!(a.headers.contains_key("content-security-policy"), "{}", a.status);
        assert_eq!(a.headers["strict-transport-security"], "max-age=31536000; includeSubDomains", "{}", a.status);
    }
    assert_eq!(answers[2].status, StatusCode::PAYLOAD_TOO_LARGE);
    let (plain, _, _) = demo().await;
    assert!(!Client::new(&plain).get("/").await.headers.contains_key("strict-transport-security"));
}

/// A count cannot be negative, and no value is written with `+` or as `-0`: the form and the
/// API refuse them with the importers' message, naming the field.
#[tokio::test]
async fn values_are_checked_against_the_indicator() {
    let (app, _state, _dir) = demo().await;
    let mut dgde = logged(&app, "dgde").await;
    // ISS.01.01.01.01 is a number (numero) reported by DGDE.
    for (value, message) in [
        ("-5", "&quot;-5&quot; es negativo y este indicador (número) no admite valores negativos"),
        ("+5", "&quot;+5&quot; lleva el signo +: escriba el valor sin signo"),
        ("-0", "&quot;-0&quot; es un cero con signo: escriba 0"),
    ] {
        let form = [("politica", "PNDI"), ("indicador", "ISS.01.01.01.01"), ("anio", "2024"), ("valor", value)];
        let a = dgde.post("/mis-indicadores/enviar", &form).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{value}");
        let t = a.text().replace("&#34;", "&quot;");
        assert!(t.contains(message), "{value}: {t}");
    }
    let unit_token = token(&mut dgde).await;
    let path = "/api/v1/policies/PNDI/indicators/ISS.01.01.01.01/actuals";
    let mut c = Client::new(&app);
    let a = c.api("POST", path, Some(&unit_token), Some(serde_json::json!({"year": 2024, "value": "-5"}))).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.json()["error"]["field"], "value");
    assert_eq!(
        a.json()["error"]["message"],
        "\"-5\" es negativo y este indicador (número) no admite valores negativos"
    );
    // A JSON number for the year is a year.
    let ok = c.api("POST", path, Some(&unit_token), Some(serde_json::json!({"year": 2024, "value": "5"}))).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text());
}

/// The API answers bodies it cannot take in JSON, in the caller's language, naming the field.
#[tokio::test]
async fn api_bodies_it_cannot_take() {
    let (app, _state, _dir) = demo().await;
    let mut dgde = logged(&app, "dgde").await;
    let t = token(&mut dgde).await;
    let path = "/api/v1/policies/PNDI/indicators/ISS.01.01.01.01/actuals";
    let mut c = Client::new(&app);
    let missing = c.api("POST", path, Some(&t), Some(serde_json::json!({"year": 2024}))).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(missing.json()["error"]["message"], "falta el campo «value»");
    assert_eq!(missing.json()["error"]["field"], "value");
    let wrong = c.api("POST", path, Some(&t), Some(serde_json::json!({"year": 2024, "value": 5}))).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.json()["error"]["field"], "value");
    let req = axum::http::Request::post(path)
        .header("authorization", format!("Bearer {t}"))
        .header("content-type", "application/json")
        .header("accept-language", "en")
        .body(axum::body::Body::from("{\"year\": 2024,"))
        .unwrap();
    let malformed = c.send(req).await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert_eq!(malformed.json()["error"]["message"], "the body is not valid JSON");
    let req = axum::http::Request::post(path)
        .header("authorization", format!("Bearer {t}"))
        .body(axum::body::Body::from("year=2024"))
        .unwrap();
    assert_eq!(c.send(req).await.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let huge = serde_json::json!({"year": 2024, "value": "5", "comment": "x".repeat(10 * 1024 * 1024)});
    let too_large = c.api("POST", path, Some(&t), Some(huge)).await;
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(too_large.json()["error"]["message"], "la solicitud es demasiado grande (máximo 64 KiB)");
    assert_eq!(too_large.headers["x-frame-options"], "DENY");
}

/// What the framework would answer by itself (no such route, a method a route does not take, a
/// path segment that does not parse) is answered as the application answers: JSON under /api/v1,
/// a page elsewhere, in the client's language, with the security headers.
#[tokio::test]
async fn framework_answers_are_the_applications() {
    let (app, _state, _dir) = demo().await;
    let mut c = Client::new(&app);
    for (method, path, status) in [
        ("GET", "/api/v1/no-existe", StatusCode::NOT_FOUND),
        ("DELETE", "/api/v1/policies", StatusCode::METHOD_NOT_ALLOWED),
        ("POST", "/api/v1/submissions/abc/approve", StatusCode::NOT_FOUND),
    ] {
        let a = c.api(method, path, None, None).await;
        assert_eq!(a.status, status, "{method} {path}");
        assert_eq!(a.headers["content-type"], "application/json", "{method} {path}");
        assert!(a.json()["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{}", a.text());
        assert_eq!(a.headers["x-content-type-options"], "nosniff");
    }
    let req = axum::http::Request::delete("/api/v1/policies")
        .header("accept-language", "en")
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(c.send(req).await.json()["error"]["message"], "the method is not allowed at this address");
    let mut opp = logged(&app, "planeamiento").await;
    let bad_id = opp.post("/revision/abc", &[("accion", "aprobar")]).await;
    assert_eq!(bad_id.status, StatusCode::NOT_FOUND);
    assert!(bad_id.text().contains("La página que busca no existe."), "{}", bad_id.text());
    let wrong_method = opp.post("/", &[]).await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(wrong_method.text().contains("Esta dirección no acepta esa clase de solicitud."));
}

/// A unit's system reports a year's values in one call: all or nothing, with an error per item.
#[tokio::test]
async fn bulk_actuals_all_or_nothing() {
    let (app, state, _dir) = demo().await;
    let mut dgde = logged(&app, "dgde").await;
    let t = token(&mut dgde).await;
    let mut c = Client::new(&app);
    let path = "/api/v1/policies/PNDI/actuals";
    let bad = serde_json::json!({"year": 2024, "values": [
        {"indicator": "ISS.01.01.01.01", "value": "3"},
        {"indicator": "ISS.01.01.01.02", "value": "12,5%"},
        {"indicator": "ISS.01.02.01.01", "value": "5"},
        {"indicator": "ISS.99.01.01.01", "value": "5"},
        {"indicator": "ISS.01.01.01.01", "value": "-1"}
    ]});
    let refused = c.api("POST", path, Some(&t), Some(bad)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text());
    let e = refused.json();
    assert_eq!(e["error"]["message"], "4 valores no se aceptaron; no se guardó ninguno.");
    let items: Vec<(u64, String, String)> = e["error"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["index"].as_u64().unwrap(),
                i["code"].as_str().unwrap().to_string(),
                i["field"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        items,
        [
            (1, "invalid".to_string(), "value".to_string()),
            (2, "forbidden".to_string(), String::new()),
            (3, "not_found".to_string(), String::new()),
            (4, "invalid".to_string(), "value".to_string()),
        ]
    );
    let none = state
        .app
        .submission_history(&avance_app::Actor::operator("prueba"), "PNDI", "ISS.01.01.01.01", 2024)
        .await
        .unwrap();
    assert!(none.is_empty(), "nothing was recorded");
    let repeated = serde_json::json!({"year": "2024", "values": [
        {"indicator": "ISS.01.01.01.01", "value": "3"}, {"indicator": "ISS.01.01.01.01", "value": "4"}
    ]});
    let r = c.api("POST", path, Some(&t), Some(repeated)).await.json();
    assert_eq!(r["error"]["items"][0]["index"], 1);
    assert_eq!(r["error"]["items"][0]["message"], "el mismo indicador y año aparece más de una vez en la llamada");
    let good = serde_json::json!({"year": 2024, "values": [
        {"indicator": "ISS.01.01.01.01", "value": "3", "comment": "informe anual"},
        {"indicator": "ISS.01.01.01.02", "value": "21%", "evidence": "https://www.gob.pe/produce"}
    ]});
    let created = c.api("POST", path, Some(&t), Some(good)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let list = created.json();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[1]["indicator"], "ISS.01.01.01.02");
    assert_eq!(list[1]["status"], "submitted");
    let empty = c.api("POST", path, Some(&t), Some(serde_json::json!({"year": 2024, "values": []}))).await;
    assert_eq!(empty.json()["error"]["field"], "items");
}

/// "Mi cuenta": tokens with expiry and last use, revoked from the page; the password changed
/// from the page ends the session. The audit log downloads as CSV.
#[tokio::test]
async fn account_tokens_password_and_audit_download() {
    let (app, _state, _dir) = demo().await;
    let mut dgde = logged(&app, "dgde").await;
    let t = token(&mut dgde).await;
    let mut api = Client::new(&app);
    assert_eq!(api.api("GET", "/api/v1/submissions", Some(&t), None).await.status, StatusCode::OK);
    let page = dgde.get("/cuenta").await.text();
    assert!(page.contains("Vence") && page.contains("Último uso") && page.contains("vigente"), "{page}");
    let id = page.split("name=\"token\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    assert_eq!(id.len(), 64, "the token is named by its hash, never by its secret");
    assert!(!page.contains(&t), "the secret is not shown again");
    let revoked = dgde.post("/cuenta/tokens/revocar", &[("token", &id)]).await;
    assert_eq!(revoked.status, StatusCode::OK);
    assert!(revoked.text().contains("Token revocado: ya no abre la API."));
    assert!(revoked.text().contains("revocado"));
    assert_eq!(api.api("GET", "/api/v1/submissions", Some(&t), None).await.status, StatusCode::UNAUTHORIZED);
    let again = dgde.post("/cuenta/tokens/revocar", &[("token", &id)]).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);

    let wrong = dgde.post("/cuenta/contrasena", &[("actual", "otra"), ("nueva", "una-clave-nueva-larga")]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text().contains("Contraseña actual: no es la de su cuenta."));
    let changed =
        dgde.post("/cuenta/contrasena", &[("actual", "demo-unidad-dgde"), ("nueva", "una-clave-nueva-larga")]).await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    assert_eq!(changed.location(), "/ingresar?contrasena=cambiada");
    assert!(dgde.get(&changed.location()).await.text().contains("Su contraseña cambió y sus sesiones se cerraron"));
    assert_eq!(dgde.get("/mis-indicadores").await.status, StatusCode::SEE_OTHER, "logged out");
    dgde.login("dgde", "una-clave-nueva-larga").await;

    let mut opp = logged(&app, "planeamiento").await;
    let csv = opp.get("/auditoria.csv?politica=PNDI").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    assert!(csv.body.starts_with(b"\xEF\xBB\xBF"));
    let page = opp.get("/auditoria").await.text();
    assert!(page.contains("href=\"/auditoria.csv\""), "{page}");
    assert_eq!(Client::new(&app).get("/auditoria.csv").await.status, StatusCode::SEE_OTHER, "the public logs in first");
}

/// A session that expires while a form is being filled: the post leads to the login page (not to
/// a 405 after it), and once logged in again the user is back on the form with what was typed in
/// it, shown once; nothing was submitted meanwhile. The same for a target change.
#[tokio::test]
async fn an_expired_session_keeps_what_was_typed() {
    let (app, _state, _dir) = common::demo().await;
    let mut c = common::logged(&app, "dgde").await;
    // The session ends (expired or closed elsewhere): the server no longer knows it.
    c.cookies.insert("avance_session".into(), "0".repeat(64));
    let typed = [
        ("politica", "PNDI"),
        ("indicador", "ISS.01.01.01.02"),
        ("anio", "2024"),
        ("valor", "20%"),
        ("comentario", "Informe anual <b>2024</b>"),
        ("evidencia", "https://example.org/informe.pdf"),
    ];
    let a = c.post("/mis-indicadores/enviar", &typed).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.location(), "/ingresar?volver=%2Fmis-indicadores&sesion=vencida");
    let login = c.get(&a.location()).await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(login.text().contains("Su sesión venció. Ingrese de nuevo para continuar"), "{}", login.text());
    assert!(login.text().contains(r#"name="volver" value="/mis-indicadores""#), "{}", login.text());
    let a = c
        .post("/ingresar", &[("usuario", "dgde"), ("contrasena", "demo-unidad-dgde"), ("volver", "/mis-indicadores")])
        .await;
    assert_eq!(a.location(), "/mis-indicadores");
    let page = c.get("/mis-indicadores").await;
    let t = page.text();
    assert_eq!(page.status, StatusCode::OK);
    assert!(t.contains(r#"id="valor-PNDI-ISS-01-01-01-02-2024" name="valor" value="20%""#), "{t}");
    assert!(t.contains("Informe anual &#60;b&#62;2024&#60;/b&#62;"), "{t}");
    assert!(t.contains("https://example.org/informe.pdf"), "{t}");
    assert!(
        t.contains("Su sesión había vencido. Lo que escribió para ISS.01.01.01.02 se conservó en su formulario"),
        "{t}"
    );
    // Nothing was submitted while logged out; the draft is shown once.
    let planner = &mut common::logged(&app, "planeamiento").await;
    assert!(!planner.get("/revision").await.text().contains("20%"));
    let again = c.get("/mis-indicadores").await.text();
    assert!(!again.contains(r#"value="20%""#) && !again.contains("Su sesión había vencido"), "{again}");

    // A target change, on the indicator's page.
    let mut p = common::logged(&app, "planeamiento").await;
    p.cookies.insert("avance_session".into(), "0".repeat(64));
    let a = p
        .post(
            "/politicas/PNDI/indicadores/IOP.01.01/meta",
            &[("anio", "2023"), ("valor", "51000"), ("justificacion", "Revisión del plan de la meta")],
        )
        .await;
    assert_eq!(a.location(), "/ingresar?volver=%2Fpoliticas%2FPNDI%2Findicadores%2FIOP.01.01&sesion=vencida");
    p.post(
        "/ingresar",
        &[
            ("usuario", "planeamiento"),
            ("contrasena", "demo-planeamiento"),
            ("volver", "/politicas/PNDI/indicadores/IOP.01.01"),
        ],
    )
    .await;
    let t = p.get("/politicas/PNDI/indicadores/IOP.01.01").await.text();
    assert!(t.contains(r#"name="valor" value="51000""#), "{t}");
    assert!(t.contains("Revisión del plan de la meta</textarea>"), "{t}");
    assert!(t.contains(r#"<option value="2023" selected>"#), "{t}");
}

/// "Seguimiento del reporte": per unit, the values due, submitted, returned, approved and already
/// in the data, with the days left to its deadline (an exception extends it) or late; the same as
/// CSV and in the API.
#[tokio::test]
async fn reporting_follow_up_per_unit() {
    let (app, _state, _dir) = demo().await;
    let lima = time::UtcOffset::from_hms(-5, 0, 0).unwrap();
    let today = time::OffsetDateTime::now_utc().to_offset(lima).date();
    let day = |d: time::Date| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
    let past = day(today - time::Duration::days(3));
    let later = day(today + time::Duration::days(10));
    let mut admin = logged(&app, "admin").await;
    let set = admin.post("/admin/plazos", &[("politica", "PNDI"), ("anio", "2024"), ("fecha", &past)]).await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.text());
    dgde_exception_2024(&mut admin, &later).await;
    let mut dgde = logged(&app, "dgde").await;
    report_2024(&mut dgde, "ISS.01.01.01.02", "21%").await;

    // The unit sees what it still owes at the top of "Mis indicadores", with its deadline.
    let mine = dgde.get("/mis-indicadores").await.text();
    let top = &mine[mine.find("<h2 id=\"pendientes\">Valores por enviar</h2>").expect("pending list")..];
    let top = &top[..top.find("</section>").unwrap()];
    assert!(top.contains(&format!("<strong>PNDI 2024</strong> — plazo {later} (10 días restantes):")), "{top}");
    assert!(top.contains("<a href=\"#PNDI-ISS-01-04-03-01-2024\">ISS.01.04.03.01</a> (por reportar)"), "{top}");
    assert!(!top.contains("ISS.01.01.01.02"), "the value sent is not owed: {top}");
    assert_eq!(top.matches("<li>").count(), 8);

    let mut opp = logged(&app, "planeamiento").await;
    let page = opp.get("/seguimiento?politica=PNDI&anio=2024").await;
    assert_eq!(page.status, StatusCode::OK);
    let t = page.text();
    assert!(t.contains("<h1>Seguimiento del reporte — PNDI 2024</h1>"), "{t}");
    // A row per unit: DGDE has 18 indicators, 9 with a 2024 actual in the data; of the other 9 it
    // sent one. Its exception gives it 10 days; ITP, without one, is 3 days late with 5 due.
    let row = |unit: &str| {
        let start = t.find(&format!("data-label=\"Unidad\">{unit}</th>")).unwrap_or_else(|| panic!("{unit} in {t}"));
        let from = t[..start].rfind("<tr").unwrap();
        t[from..start + t[start..].find("</tr>").unwrap()].to_string()
    };
    let cells = |r: &str| -> Vec<String> {
        r.split("class=\"num\"")
            .skip(1)
            .map(|c| c.split('>').nth(1).unwrap().split('<').next().unwrap().to_string())
            .collect()
    };
    let dgde_row = row("DGDE");
    assert!(dgde_row.contains(&format!("{later} (excepción)")), "{dgde_row}");
    assert!(dgde_row.contains("10 días restantes"), "{dgde_row}");
    assert_eq!(cells(&dgde_row), ["8", "0", "1", "0", "9", "18"]);
    let itp_row = row("ITP");
    assert!(itp_row.starts_with("<tr class=\"late\">"), "{itp_row}");
    assert!(itp_row.contains("<strong>3 días de atraso</strong>"), "{itp_row}");
    assert_eq!(cells(&itp_row), ["5", "0", "0", "0", "7", "12"]);
    // CONCYTEC has every value in the data: nothing owed, no emphasis even though late.
    assert!(row("CONCYTEC").starts_with("<tr>"));
    assert!(t.contains("href=\"/politicas/PNDI/indicadores/ISS.01.06.04.02?anio=2024\">ISS.01.06.04.02</a>"));
    assert!(!t.contains(">ISS.01.01.01.02</a>"), "the value sent is not owed any more");

    // The same as CSV, a row per unit and indicator.
    let csv = opp.get("/seguimiento.csv?politica=PNDI&anio=2024").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("PNDI-2024-seguimiento-del-reporte-{}.csv", day(today)))
    );
    let body = csv.text();
    assert!(body.starts_with("\u{feff}politica,anio,unidad,plazo_dia_lima,excepcion,dias_restantes,indicador,nombre,estado,estado_id,enviado_utc\n"), "{body}");
    assert!(body.contains(&format!("PNDI,2024,DGDE,{later},sí,10,ISS.01.01.01.02,")), "{body}");
    assert!(
        body.contains(",\"enviado, por revisar\",por_revisar,")
            || body.contains(",\"enviado, por revisar\",por_revisar"),
        "{body}"
    );
    assert!(body.contains(&format!("PNDI,2024,ITP,{past},no,-3,ISS.01.06.04.02,")), "{body}");
    assert_eq!(body.lines().count(), 1 + 91 + 4, "91 indicators, four of them answered by two units");

    // And in the API, for a token of the planning office; a unit's token is refused.
    let opp_token = token(&mut opp).await;
    let mut c = Client::new(&app);
    let api = c.api("GET", "/api/v1/policies/PNDI/reporting?year=2024", Some(&opp_token), None).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.text());
    let v = api.json();
    let unit = |u: &str| v["units"].as_array().unwrap().iter().find(|x| x["unit"] == u).unwrap().clone();
    assert_eq!((unit("ITP")["days_left"].as_i64(), unit("ITP")["late"].as_bool()), (Some(-3), Some(true)));
    assert_eq!(unit("DGDE")["counts"]["por_revisar"], 1);
    assert_eq!(unit("DGDE")["exception"], true);
    let unit_token = token(&mut dgde).await;
    let refused = c.api("GET", "/api/v1/policies/PNDI/reporting", Some(&unit_token), None).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let bad_year = c.api("GET", "/api/v1/policies/PNDI/reporting?year=1990", Some(&opp_token), None).await;
    assert_eq!(bad_year.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad_year.text());
}

/// "¿Olvidó su contraseña?" through the pages: the same answer for any account, the link (read
/// from the outbox, as the administrator sees it) opens a form once, the new password logs in;
/// the e-mail settings of "Mi cuenta"; the outbox page and resending.
#[tokio::test]
async fn password_reset_mail_settings_and_outbox() {
    let (app, state, _dir) = demo().await;
    let mut public = Client::new(&app);
    let login = public.get("/ingresar").await.text();
    assert!(login.contains(r#"<a href="/recuperar">¿Olvidó su contraseña?</a>"#), "{login}");
    let known = public.post("/recuperar", &[("cuenta", "dgde")]).await;
    let unknown = public.post("/recuperar", &[("cuenta", "nadie@prueba.gob.pe")]).await;
    assert_eq!((known.status, unknown.status), (StatusCode::OK, StatusCode::OK));
    assert_eq!(known.text(), unknown.text(), "the same answer whether the account exists or not");
    assert!(known.text().contains("Si la cuenta existe, está activa y tiene un correo electrónico"));
    let empty = public.post("/recuperar", &[("cuenta", " ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The administrator sees the message in the outbox, waiting (no worker in this test).
    let mut admin = logged(&app, "admin").await;
    let outbox = admin.get("/admin/correo").await.text();
    assert!(outbox.contains("Por enviar (1)") && outbox.contains("dgde@avance.example"), "{outbox}");
    assert!(outbox.contains("avance: restablecer su contraseña"), "{outbox}");
    let id = outbox.split("href=\"/admin/correo/").nth(1).unwrap().split('"').next().unwrap().to_string();
    let mail = admin.get(&format!("/admin/correo/{id}")).await.text();
    assert!(mail.contains("Aún no se intentó enviarlo."), "{mail}");
    assert!(!mail.contains("token=") && mail.contains("Lleva un enlace secreto"), "the link is never shown: {mail}");
    // The user reads it in the mailbox (here: straight from the outbox).
    let operator = avance_app::Actor::operator("pruebas");
    let (m, _) = state.app.outbox_mail(&operator, id.parse().unwrap()).await.unwrap();
    let token = m.message.text.split("/restablecer?token=").nth(1).unwrap()[..64].to_string();
    assert!(!mail.contains("Reenviar"), "a waiting message cannot be sent again");
    let refused = admin.post(&format!("/admin/correo/{id}/reenviar"), &[]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.text().contains("Un enlace para restablecer la contraseña no se reenvía"), "{}", refused.text());

    // The link: a form; mismatched passwords are refused next to the form; then it works once.
    let form = public.get(&format!("/restablecer?token={token}")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text().contains("Cuenta: DGDE (demo) (dgde)"), "{}", form.text());
    let differ = public
        .post("/restablecer", &[("token", &token), ("nueva", "una-clave-nueva-larga"), ("confirmacion", "otra")])
        .await;
    assert_eq!(differ.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(differ.text().contains("Confirmación: no coincide con la contraseña nueva."));
    let done = public
        .post(
            "/restablecer",
            &[("token", &token), ("nueva", "una-clave-nueva-larga"), ("confirmacion", "una-clave-nueva-larga")],
        )
        .await;
    assert_eq!((done.status, done.location().as_str()), (StatusCode::SEE_OTHER, "/ingresar?contrasena=restablecida"));
    assert!(public.get(&done.location()).await.text().contains("Su contraseña nueva quedó guardada"));
    let used = public.get(&format!("/restablecer?token={token}")).await;
    assert_eq!(used.status, StatusCode::NOT_FOUND);
    assert!(used.text().contains("El enlace para restablecer la contraseña no es válido, ya se usó o venció."));
    let bogus = public.get("/restablecer?token=abc").await;
    assert_eq!(bogus.status, StatusCode::NOT_FOUND);
    public.login("dgde", "una-clave-nueva-larga").await;

    // "Mi cuenta": the address is checked, the language and the digest kept.
    let mut opp = logged(&app, "planeamiento").await;
    let page = opp.get("/cuenta").await.text();
    assert!(page.contains(r#"value="planeamiento@avance.example""#) && page.contains("resumen diario"), "{page}");
    let bad = opp.post("/cuenta/correo", &[("correo", "no es un correo"), ("idioma", "en")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text().contains("Correo electrónico: escriba una dirección como nombre@entidad.gob.pe"),
        "{}",
        bad.text()
    );
    assert!(bad.text().contains(r#"value="no es un correo""#), "what was typed is kept");
    let saved = opp.post("/cuenta/correo", &[("correo", "opp@produce.gob.pe"), ("idioma", "en")]).await;
    assert_eq!(saved.location(), "/cuenta?hecho=correo#correo");
    let page = opp.get("/cuenta?hecho=correo").await.text();
    assert!(page.contains("Datos de correo guardados.") && page.contains(r#"value="opp@produce.gob.pe""#), "{page}");
    assert!(page.contains(r#"<option value="en" selected>"#) && !page.contains("checked"), "{page}");
    let users = state.app.admin_view(&avance_app::Actor::operator("pruebas")).await.unwrap().users;
    let user = users.iter().find(|u| u.username == "planeamiento").unwrap();
    assert_eq!((user.email.as_deref(), user.lang.id(), user.digest), (Some("opp@produce.gob.pe"), "en", false));
    // A unit's form has no digest box.
    let mut dgde = Client::new(&app);
    dgde.login("dgde", "una-clave-nueva-larga").await;
    let page = dgde.get("/cuenta").await.text();
    assert!(page.contains(r#"name="correo""#) && !page.contains(r#"name="resumen""#), "{page}");

    // The administrator records a user's address (a bad one is refused, naming the field).
    let bad = admin.post("/admin/usuarios/correo", &[("usuario", "itp"), ("correo", "itp@")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("Correo electrónico: escriba una dirección"), "{}", bad.text());
    let ok = admin.post("/admin/usuarios/correo", &[("usuario", "itp"), ("correo", "itp@produce.gob.pe")]).await;
    assert_eq!(ok.location(), "/admin?hecho=correo");
    let page = admin.get("/admin?hecho=correo").await.text();
    assert!(page.contains("Correo del usuario guardado.") && page.contains("itp@produce.gob.pe"), "{page}");
    let ghost = admin.post("/admin/usuarios/correo", &[("usuario", "nadie"), ("correo", "")]).await;
    assert_eq!(ghost.status, StatusCode::NOT_FOUND);
}

/// `/salud` answers while the process lives; `/listo` only when the database answers with the
/// schema this program expects, the figures were computed once and the server is not stopping,
/// and says what is missing otherwise (503).
#[tokio::test]
async fn health_and_readiness() {
    // A database just created: nothing read yet.
    let dir = tempfile::tempdir().unwrap();
    let store = avance_app::store::Store::Sqlite(
        avance_app::store::SqliteStore::open(&dir.path().join("salud.db")).await.unwrap(),
    );
    store.migrate().await.unwrap();
    let state = avance_web::AppState::new(
        avance_app::App::new(store, avance_app::Settings::default()),
        avance_web::Config::default(),
    );
    let app = avance_web::router(state.clone());
    let mut c = Client::new(&app);
    let alive = c.get("/salud").await;
    assert_eq!(alive.status, StatusCode::OK);
    assert_eq!(alive.json(), serde_json::json!({ "status": "alive" }));
    assert_eq!(alive.headers["cache-control"], "no-store");
    let cold = c.get("/listo").await;
    assert_eq!(cold.status, StatusCode::SERVICE_UNAVAILABLE);
    let body = cold.json();
    assert_eq!(body["problems"], serde_json::json!(["Las cifras aún no se calcularon."]));
    assert_eq!(body["schema"], serde_json::json!({ "applied": 13, "expected": 13 }));
    state.warm().await.unwrap();
    let ready = c.get("/listo").await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.text());
    assert_eq!(ready.json()["ready"], true);
    // Stopping: not ready any more, while requests drain.
    state.stopping.store(true, std::sync::atomic::Ordering::Relaxed);
    let stopping = c.get("/listo").await;
    assert_eq!(stopping.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(stopping.json()["problems"], serde_json::json!(["El servidor se está deteniendo."]));

    // PostgreSQL with a migration missing: the schema is behind.
    let schema = "avance_web_salud";
    let (pg, pg_state) = demo_on_postgres(schema).await;
    let mut c = Client::new(&pg);
    assert_eq!(c.get("/listo").await.status, StatusCode::OK);
    let admin = avance_app::store::PgStore::open(&common::pg_url(), None).await.unwrap();
    admin.execute_raw(&format!("DELETE FROM {schema}._sqlx_migrations WHERE version = 13")).await.unwrap();
    let behind = c.get("/listo").await;
    assert_eq!(behind.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        behind.json()["problems"],
        serde_json::json!([
            "El esquema de la base de datos está en la versión 12 y este programa espera la 13: aplique las migraciones (avance db init)."
        ])
    );
    pg_state.app.close().await;
    admin.execute_raw(&format!("DROP SCHEMA {schema} CASCADE")).await.unwrap();
    admin.close().await;
}

/// Two servers on one PostgreSQL database count the same failed logins: an account locked out
/// through one is locked out on the other.
#[tokio::test]
async fn the_login_limiter_is_shared_by_every_server() {
    let schema = "avance_web_limiter";
    let (a, a_state) = demo_on_postgres(schema).await;
    let store = avance_app::store::Store::Postgres(
        avance_app::store::PgStore::open(&common::pg_url(), Some(schema)).await.unwrap(),
    );
    let b_state = avance_web::AppState::new(
        avance_app::App::new(store, avance_app::Settings::default()),
        avance_web::Config::default(),
    );
    let b = avance_web::router(b_state.clone());
    let mut on_a = Client::new(&a);
    for _ in 0..5 {
        let failed = on_a.post("/ingresar", &[("usuario", "itp"), ("contrasena", "incorrecta"), ("volver", "")]).await;
        assert_eq!(failed.status, StatusCode::UNAUTHORIZED);
    }
    let mut on_b = Client::new(&b);
    let refused =
        on_b.post("/ingresar", &[("usuario", "itp"), ("contrasena", "demo-unidad-itp"), ("volver", "")]).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.text().contains("Demasiados intentos fallidos. Espere 15 minutos"), "{}", refused.text());
    // Another account is not affected, on either server.
    on_b.login("dgde", "demo-unidad-dgde").await;
    a_state.app.close().await;
    b_state.app.close().await;
}

/// `--metrics`: Prometheus's text at `/metricas`, requests counted under their route's pattern;
/// without the switch, there is no such page.
#[tokio::test]
async fn metrics_when_switched_on() {
    let (off, _state, _dir) = demo().await;
    assert_eq!(Client::new(&off).get("/metricas").await.status, StatusCode::NOT_FOUND);
    let (app, _state, _dir2) =
        common::demo_with(avance_web::Config { metrics: true, ..avance_web::Config::default() }).await;
    let mut c = Client::new(&app);
    for path in ["/", "/politicas/PNDI", "/politicas/PNDI", "/politicas/NOEXISTE", "/no-existe"] {
        c.get(path).await;
    }
    c.post("/recuperar", &[("cuenta", "dgde")]).await;
    let m = c.get("/metricas").await;
    assert_eq!(m.status, StatusCode::OK);
    assert!(m.headers["content-type"].to_str().unwrap().starts_with("application/openmetrics-text"));
    let text = m.text();
    for line in [
        r#"avance_http_requests_total{route="/politicas/{code}",method="GET",status="200"} 2"#,
        r#"avance_http_requests_total{route="/politicas/{code}",method="GET",status="404"} 1"#,
        r#"avance_http_requests_total{route="otra",method="GET",status="404"} 1"#,
        r#"avance_http_requests_total{route="/recuperar",method="POST",status="200"} 1"#,
        r#"avance_http_request_duration_seconds_count{route="/politicas/{code}"} 3"#,
        "avance_cache_policies 1",
        r#"avance_mail_outbox_messages{status="pending"} 1"#,
        "# TYPE avance_cache_hits counter",
        "# TYPE avance_db_pool_connections gauge",
        "# EOF",
    ] {
        assert!(text.lines().any(|l| l == line), "missing «{line}» in:\n{text}");
    }
}

/// The caller's own account in the API: who it is and its e-mail settings, read and set with its
/// token as "Mi cuenta" sets them (the address checked, the digest a planning office's choice).
#[tokio::test]
async fn the_api_reads_and_sets_the_caller_s_mail_settings() {
    let (app, state, _dir) = demo().await;
    let mut public = Client::new(&app);
    let anonymous = public.api("GET", "/api/v1/me", None, None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.json()["error"]["code"], "unauthorized");
    let put = public.api("PUT", "/api/v1/me/mail", None, Some(serde_json::json!({"lang": "es"}))).await;
    assert_eq!(put.status, StatusCode::UNAUTHORIZED);

    let mut dgde = logged(&app, "dgde").await;
    let t = token(&mut dgde).await;
    let me = dgde.api("GET", "/api/v1/me", Some(&t), None).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text());
    assert_eq!(
        me.json(),
        serde_json::json!({
            "username": "dgde", "display_name": "DGDE (demo)", "role": "unit", "scope": "DGDE",
            "email": "dgde@avance.example", "lang": "es", "digest": true
        })
    );
    // A unit's digest stays as it was, whatever it sends.
    let body = serde_json::json!({"email": " dgde@produce.gob.pe ", "lang": "en", "digest": false});
    let set = dgde.api("PUT", "/api/v1/me/mail", Some(&t), Some(body)).await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text());
    let v = set.json();
    assert_eq!(
        (v["email"].as_str(), v["lang"].as_str(), v["digest"].as_bool()),
        (Some("dgde@produce.gob.pe"), Some("en"), Some(true))
    );
    assert!(dgde.get("/cuenta").await.text().contains(r#"value="dgde@produce.gob.pe""#));
    // Refused, naming the field, in the language asked for; nothing changed.
    let bad =
        dgde.api("PUT", "/api/v1/me/mail", Some(&t), Some(serde_json::json!({"email": "dgde@", "lang": "es"}))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let e = bad.json();
    assert_eq!((e["error"]["code"].as_str(), e["error"]["field"].as_str()), (Some("invalid"), Some("email")));
    assert!(
        e["error"]["message"].as_str().unwrap().contains("escriba una dirección como nombre@entidad.gob.pe"),
        "{e}"
    );
    let bad = dgde.api("PUT", "/api/v1/me/mail", Some(&t), Some(serde_json::json!({"lang": "fr"}))).await;
    assert_eq!((bad.status, bad.json()["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("lang")));
    let unreadable = dgde.api("PUT", "/api/v1/me/mail", Some(&t), Some(serde_json::json!({"email": 7}))).await;
    assert_eq!(unreadable.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", unreadable.text());
    assert_eq!(dgde.api("GET", "/api/v1/me", Some(&t), None).await.json()["email"], "dgde@produce.gob.pe");
    // An empty address: no e-mail.
    let none = dgde.api("PUT", "/api/v1/me/mail", Some(&t), Some(serde_json::json!({"email": "", "lang": "es"}))).await;
    assert_eq!(none.json()["email"], serde_json::Value::Null);

    // A planning office chooses its digest; the change is in the audit log.
    let mut opp = logged(&app, "planeamiento").await;
    let t = token(&mut opp).await;
    for digest in [true, false, true] {
        let body = serde_json::json!({"email": "opp@produce.gob.pe", "lang": "es", "digest": digest});
        let set = opp.api("PUT", "/api/v1/me/mail", Some(&t), Some(body)).await;
        assert_eq!(set.json()["digest"], digest, "{}", set.text());
    }
    let users = state.app.admin_view(&avance_app::Actor::operator("pruebas")).await.unwrap().users;
    let user = users.iter().find(|u| u.username == "planeamiento").unwrap();
    assert_eq!((user.email.as_deref(), user.digest), (Some("opp@produce.gob.pe"), true));
    let log = logged(&app, "admin").await.get("/auditoria").await.text();
    assert!(log.contains("correo opp@produce.gob.pe; idioma es; resumen diario sí"), "{log}");
}
