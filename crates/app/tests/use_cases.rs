//! The use cases of the application layer, without any face: the role × action × resource matrix,
//! and the story report → review → publish → figures on SQLite and on PostgreSQL, with a clock
//! the test controls.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use avance_app::store::{SqliteStore, Store};
use avance_app::{
    Actor, App, AppError, ConflictKind, DeadlineRequest, FixedClock, NewAccount, ReportActual, Settings, TargetRequest,
};
use avance_core::access::{Event, Status, Step, WorkflowError};
use avance_core::model::Year;

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(time::macros::datetime!(2025-03-10 12:00 UTC)))
}

async fn app_on(store: Store, clock: Arc<FixedClock>) -> App {
    store.migrate().await.unwrap();
    let app = App::with_clock(store, Settings::default(), clock);
    avance_app::demo::prepare(&app).await.unwrap();
    let operator = Actor::operator("pruebas");
    // A policy of another ministry (010), so that a planning office there exists.
    let years = avance_core::model::YearRange { first: Year::new(2021).unwrap(), last: Year::new(2025).unwrap() };
    app.load(&operator, &avance_import::synthetic::policy(2, 10, years, 1), "otra política").await.unwrap();
    for (u, role, scope) in [("otra", "planning", "010"), ("admin2", "admin", "")] {
        let account = NewAccount {
            username: u.into(),
            name: u.into(),
            role: role.into(),
            scope: scope.into(),
            password: "una-contrasena-larga".into(),
            email: String::new(),
        };
        app.create_user(&operator, &account).await.unwrap();
    }
    app
}

async fn actor(app: &App, username: &str, password: &str) -> Actor {
    let login = avance_app::Login {
        username: username.into(),
        password: password.into(),
        client: "test".into(),
        previous_session: None,
    };
    let s = app.login(login).await.unwrap();
    Actor::user(s.user)
}

/// A unit's report of `value` for an indicator of PNDI in 2024.
fn report(indicator: &str, value: &str) -> ReportActual {
    ReportActual {
        policy: "PNDI".into(),
        indicator: indicator.into(),
        year: "2024".into(),
        value: value.into(),
        ..ReportActual::default()
    }
}

/// 'S' done, 'F' forbidden, 'U' unauthenticated, 'O' allowed but refused otherwise.
fn code<T>(r: &Result<T, AppError>) -> char {
    match r {
        Ok(_) => 'S',
        Err(AppError::Forbidden) => 'F',
        Err(AppError::Unauthenticated) => 'U',
        Err(_) => 'O',
    }
}

#[tokio::test]
async fn the_role_matrix_of_every_use_case() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::Sqlite(SqliteStore::open(&dir.path().join("m.db")).await.unwrap());
    let app = app_on(store, clock()).await;
    let mut who = vec![("public", Actor::public())];
    for (u, p) in [
        ("dgde", "demo-unidad-dgde"),
        ("itp", "demo-unidad-itp"),
        ("planeamiento", "demo-planeamiento"),
        ("admin", "demo-admin-avance"),
        ("otra", "una-contrasena-larga"),
    ] {
        who.push((u, actor(&app, u, p).await));
    }
    let target = TargetRequest {
        policy: "PNDI".into(),
        indicator: "ISS.01.01.01.01".into(),
        year: "2024".into(),
        value: "1".into(),
        justification: "reprogramación aprobada".into(),
    };
    let deadline = DeadlineRequest {
        policy: "PNDI".into(),
        year: "2024".into(),
        date: "2099-12-31".into(),
        ..DeadlineRequest::default()
    };
    // Columns: public, dgde, itp, planeamiento, admin, otra (planning office of ministry 010).
    let mut got: Vec<(&str, String)> = Vec::new();
    let mut row = |name: &'static str, cells: String| got.push((name, cells));
    let mut cells = String::new();
    for (_, a) in &who {
        cells.push(code(&app.my_indicators(a).await));
    }
    row("my_indicators", std::mem::take(&mut cells));
    for (_, a) in &who {
        cells.push(code(&app.report_actual(a, &report("ISS.01.01.01.02", "20%")).await));
    }
    row("report_actual", std::mem::take(&mut cells));
    for (_, a) in &who {
        cells.push(code(&app.review_queue(a).await));
    }
    row("review_queue", std::mem::take(&mut cells));
    let id = app.submissions(&Actor::operator("x")).await.unwrap().1[0].id;
    for (_, a) in &who {
        // Returning the same submission: the first allowed reviewer wins, the next one conflicts.
        cells.push(code(&app.review(a, id, Step::Return, "falta evidencia").await));
    }
    row("review", std::mem::take(&mut cells));
    for (_, a) in &who {
        cells.push(code(&app.change_target(a, &target).await));
    }
    row("change_target", std::mem::take(&mut cells));
    for (_, a) in &who {
        cells.push(code(&app.audit_log(a, &avance_app::AuditQuery::default()).await));
    }
    row("audit_log", std::mem::take(&mut cells));
    for (_, a) in &who {
        cells.push(code(&app.admin_view(a).await));
    }
    row("admin_view", std::mem::take(&mut cells));
    for (_, a) in &who {
        cells.push(code(&app.set_deadline(a, &deadline).await));
    }
    row("set_deadline", std::mem::take(&mut cells));
    for (_, a) in &who {
        cells.push(code(&app.publish(a, "PNDI", Year::new(2024).unwrap()).await));
    }
    row("publish", std::mem::take(&mut cells));
    for (_, a) in &who {
        cells.push(code(&app.policy(a, "PNDI", None).await));
    }
    row("view_policy", std::mem::take(&mut cells));
    for (_, a) in &who {
        cells.push(code(&app.create_token(a, "t").await));
    }
    row("create_token", std::mem::take(&mut cells));
    let expected = [
        ("my_indicators", "USSFFF"),
        ("report_actual", "USFFFF"),
        ("review_queue", "UFFSSS"),
        ("review", "UFFSOF"),
        ("change_target", "UFFSSF"),
        ("audit_log", "UFFSSS"),
        ("admin_view", "UFFFSF"),
        ("set_deadline", "UFFFSF"),
        ("publish", "UFFSSF"),
        ("view_policy", "SSSSSS"),
        ("create_token", "USSSSS"),
    ];
    let got: Vec<(&str, &str)> = got.iter().map(|(n, c)| (*n, c.as_str())).collect();
    assert_eq!(got, expected);
}

async fn story(app: App, clock: Arc<FixedClock>) {
    let dgde = actor(&app, "dgde", "demo-unidad-dgde").await;
    let opp = actor(&app, "planeamiento", "demo-planeamiento").await;
    let before = app.policy(&Actor::public(), "PNDI", Some(Year::new(2024).unwrap())).await.unwrap();
    assert_eq!(before.result.counts.service_indicators.intermedio, 5);
    // A bad value names the field and says why, in Spanish.
    let bad = report("ISS.01.01.01.02", "12,5%");
    let e = app.report_actual(&dgde, &bad).await.unwrap_err();
    assert_eq!(e.field().map(|f| f.id()), Some("value"));
    assert!(e.message(avance_core::lang::Lang::Es).contains("no es un porcentaje válido"));
    let good = ReportActual { value: "20%".into(), comment: "informe anual".into(), ..bad };
    let sub = app.report_actual(&dgde, &good).await.unwrap();
    assert_eq!(sub.status, Status::Submitted);
    let approved = app.review(&opp, sub.id, Step::Approve, "").await.unwrap();
    assert_eq!(approved.status, Status::Approved);
    // Approved values are locked.
    let again = app.review(&opp, sub.id, Step::Return, "otra vez").await.unwrap_err();
    assert!(matches!(again, AppError::Conflict(ConflictKind::Workflow(WorkflowError::Locked))), "{again:?}");
    let after = app.policy(&Actor::public(), "PNDI", Some(Year::new(2024).unwrap())).await.unwrap();
    assert_eq!(after.result.counts.service_indicators.intermedio, 6);
    let ind = app.indicator(&Actor::public(), "PNDI", "ISS.01.01.01.02", Some(Year::new(2024).unwrap())).await.unwrap();
    assert_eq!(ind.result.avance().map(|a| avance_core::number::format_display(a, 1)), Some("90.9".into()));
    assert!(ind.history.iter().any(|h| h.reason == "valor reportado por dgde y aprobado: informe anual"));
    // Publishing freezes the figures, audited.
    let snap = app.publish(&opp, "PNDI", Year::new(2024).unwrap()).await.unwrap();
    assert_eq!(snap.published_by, "planeamiento");
    let log = app.audit_log(&opp, &avance_app::AuditQuery::default()).await.unwrap().entries;
    let events: Vec<Event> = log.iter().map(|e| e.action).collect();
    assert_eq!(&events[..3], &[Event::Publish, Event::Approve, Event::Submit]);
    // The clock is the application's: past the deadline (90 days from the demo's start), closed.
    clock.advance(time::Duration::days(91));
    let late = report("ISS.01.04.03.01", "1");
    let closed = app.report_actual(&dgde, &late).await.unwrap_err();
    assert!(matches!(closed, AppError::Closed), "{closed:?}");
}

#[tokio::test]
async fn story_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::sqlite(&dir, "s.db").await;
    let c = clock();
    story(app_on(store, c.clone()).await, c).await;
}

#[tokio::test]
async fn story_on_postgres() {
    let store = common::postgres("app_story").await;
    let c = clock();
    story(app_on(store, c.clone()).await, c).await;
}

/// `serve --demo` restarted on its database writes nothing: an approved value stays, the audit
/// log does not grow, and a deadline the administrator moved is not moved back.
#[tokio::test]
async fn restarting_the_demo_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let location = avance_app::store::Location::Sqlite(path.clone());
    let first = App::open(&location, Settings::default()).await.unwrap();
    assert_eq!(avance_app::demo::prepare(&first).await.unwrap(), avance_app::demo::Prepared::Created);
    let dgde = actor(&first, "dgde", "demo-unidad-dgde").await;
    let opp = actor(&first, "planeamiento", "demo-planeamiento").await;
    let sub = first.report_actual(&dgde, &report("ISS.01.01.01.02", "25%")).await.unwrap();
    first.review(&opp, sub.id, Step::Approve, "").await.unwrap();
    let admin = Actor::operator("pruebas");
    let moved =
        DeadlineRequest { policy: "PNDI".into(), year: "2024".into(), date: "2030-06-30".into(), ..Default::default() };
    first.set_deadline(&admin, &moved).await.unwrap();
    let log = |app: App| async move {
        app.audit_log(&Actor::operator("pruebas"), &avance_app::AuditQuery::default()).await.unwrap().entries.len()
    };
    let entries = log(first.clone()).await;
    first.close().await;

    let again = App::open(&location, Settings::default()).await.unwrap();
    assert_eq!(avance_app::demo::prepare(&again).await.unwrap(), avance_app::demo::Prepared::Existing);
    let year = Year::new(2024).unwrap();
    let shown = again.indicator(&Actor::public(), "PNDI", "ISS.01.01.01.02", Some(year)).await.unwrap();
    assert_eq!(shown.indicator().actuals.get(&year).map(|c| c.text().to_string()).as_deref(), Some("25%"));
    assert_eq!(shown.submission.as_ref().map(|s| s.status), Some(Status::Approved));
    assert_eq!(log(again.clone()).await, entries, "nothing was written");
    let view = again.admin_view(&admin).await.unwrap();
    assert!(
        // The end of 2030-06-30 in Lima (UTC−5).
        view.deadlines.iter().any(|d| d.year == 2024 && d.deadline == "2030-07-01T04:59:59Z"),
        "{:?}",
        view.deadlines
    );
}

/// API tokens expire (90 days by default), record their last use and can be revoked; a password
/// changes only with the current one and ends every session; scopes must name what the loaded
/// policies have; the audit log comes in pages and as CSV.
#[tokio::test]
async fn accounts_tokens_scopes_and_the_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::Sqlite(SqliteStore::open(&dir.path().join("a.db")).await.unwrap());
    let clock = clock();
    let app = app_on(store, clock.clone()).await;
    let dgde = actor(&app, "dgde", "demo-unidad-dgde").await;
    let token = app.create_token(&dgde, "sistema de la DGDE").await.unwrap();
    assert!(app.token_actor(&token).await.unwrap().is_some());
    let list = app.tokens(&dgde).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].stored.expires_at.as_deref(), Some("2025-06-08T12:00:00Z"), "90 days after 2025-03-10 12:00");
    assert_eq!(list[0].stored.last_used_at.as_deref(), Some("2025-03-10T12:00:00Z"));
    assert!(list[0].active);
    clock.advance(time::Duration::days(89));
    assert!(app.token_actor(&token).await.unwrap().is_some(), "still valid on day 89");
    assert_eq!(app.tokens(&dgde).await.unwrap()[0].stored.last_used_at.as_deref(), Some("2025-06-07T12:00:00Z"));
    clock.advance(time::Duration::days(2));
    assert!(app.token_actor(&token).await.unwrap().is_none(), "expired after 90 days");
    assert!(!app.tokens(&dgde).await.unwrap()[0].active);
    // Revoking: at once, once.
    let second = app.create_token(&dgde, "otro").await.unwrap();
    let id = app.tokens(&dgde).await.unwrap().into_iter().find(|t| t.stored.label == "otro").unwrap().stored.token_hash;
    let itp = actor(&app, "itp", "demo-unidad-itp").await;
    assert!(matches!(app.revoke_token(&itp, &id).await, Err(AppError::NotFound(_))), "not another user's");
    app.revoke_token(&dgde, &id).await.unwrap();
    assert!(app.token_actor(&second).await.unwrap().is_none());
    assert!(matches!(app.revoke_token(&dgde, &id).await, Err(AppError::NotFound(_))));

    // Passwords.
    let wrong = app.change_password(&dgde, "no-es-esta", "una-clave-nueva-larga", "test").await.unwrap_err();
    assert_eq!(wrong.field().map(|f| f.id()), Some("current_password"));
    let short = app.change_password(&dgde, "demo-unidad-dgde", "corta", "test").await.unwrap_err();
    assert_eq!(short.message(avance_core::lang::Lang::Es), "Contraseña: al menos 12 caracteres.");
    let same = app.change_password(&dgde, "demo-unidad-dgde", "demo-unidad-dgde", "test").await.unwrap_err();
    assert_eq!(same.field().map(|f| f.id()), Some("password"));
    let login = avance_app::Login {
        username: "dgde".into(),
        password: "demo-unidad-dgde".into(),
        client: "t".into(),
        previous_session: None,
    };
    let session = app.login(login).await.unwrap();
    app.change_password(&dgde, "demo-unidad-dgde", "una-clave-nueva-larga", "test").await.unwrap();
    assert_eq!(app.session_actor(&session.secret).await.unwrap(), Actor::public(), "sessions ended");
    actor(&app, "dgde", "una-clave-nueva-larga").await;

    // Scopes.
    let admin = Actor::operator("pruebas");
    let account = |u: &str, role: &str, scope: &str| NewAccount {
        username: u.into(),
        name: u.into(),
        role: role.into(),
        scope: scope.into(),
        password: "una-contrasena-larga".into(),
        email: String::new(),
    };
    // 999 is the demo POI's entity: its planning office is a scope; 998 names nothing.
    let e = app.create_user(&admin, &account("x", "planning", "998")).await.unwrap_err();
    assert_eq!(
        e.message(avance_core::lang::Lang::Es),
        "Ámbito: «998» no es el código del ministerio conductor de ninguna política cargada (por ejemplo, 038) ni el de una entidad con POI o PEI cargado."
    );
    let e = app.create_user(&admin, &account("y", "unit", "TP")).await.unwrap_err();
    assert_eq!(e.field().map(|f| f.id()), Some("scope"));
    app.create_user(&admin, &account("pnte", "unit", "PNTE")).await.unwrap();

    // The audit log in pages of 100, newest first, and whole as CSV.
    for n in 0..130 {
        let d = DeadlineRequest {
            policy: "PNDI".into(),
            year: "2024".into(),
            date: format!("2030-01-{:02}", 1 + n % 28),
            ..Default::default()
        };
        app.set_deadline(&admin, &d).await.unwrap();
    }
    let q = avance_app::AuditQuery { policy: "PNDI".into(), ..Default::default() };
    let first = app.audit_log(&admin, &q).await.unwrap();
    assert_eq!(first.entries.len(), avance_app::AUDIT_PAGE);
    let next = first.next.expect("a second page");
    let second = app.audit_log(&admin, &avance_app::AuditQuery { before: Some(next), ..q.clone() }).await.unwrap();
    assert!(second.entries.iter().all(|e| e.id < next));
    let total = first.entries.len() + second.entries.len() + {
        let mut more = second.next;
        let mut n = 0;
        while let Some(b) = more {
            let page = app.audit_log(&admin, &avance_app::AuditQuery { before: Some(b), ..q.clone() }).await.unwrap();
            n += page.entries.len();
            more = page.next;
        }
        n
    };
    let csv = app.audit_csv(&admin, &q, avance_core::lang::Lang::Es).await.unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "a byte-order mark for spreadsheets");
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    assert_eq!(text.lines().next(), Some("fecha_utc,usuario,accion,accion_id,politica,unidad,objeto,detalle"));
    assert_eq!(text.lines().count(), total + 1, "every entry, not one page");
    assert!(text.lines().nth(1).unwrap().contains(",plazo de reporte,set_deadline,PNDI,"));
}
