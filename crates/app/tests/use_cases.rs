//! The use cases of the application layer, without any face: the role × action × resource matrix,
//! and the story report → review → publish → figures on SQLite and on PostgreSQL, with a clock
//! the test controls.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use avance_app::store::{PgStore, SqliteStore, Store};
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
    for (u, role, scope) in [("otra", "planning", "010"), ("admin2", "admin", "")] {
        let account = NewAccount {
            username: u.into(),
            name: u.into(),
            role: role.into(),
            scope: scope.into(),
            password: "una-contrasena-larga".into(),
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
    let deadline = DeadlineRequest { policy: "PNDI".into(), year: "2024".into(), date: "2099-12-31".into() };
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
    let store = Store::Sqlite(SqliteStore::open(&dir.path().join("s.db")).await.unwrap());
    let c = clock();
    story(app_on(store, c.clone()).await, c).await;
}

#[tokio::test]
async fn story_on_postgres() {
    let url = std::env::var("AVANCE_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let schema = "app_story";
    let admin = PgStore::open(&url, None).await.expect("PostgreSQL at 127.0.0.1:5432 (see README)");
    admin.execute_raw(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")).await.unwrap();
    admin.close().await;
    let store = Store::Postgres(PgStore::open(&url, Some(schema)).await.unwrap());
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
    let moved = DeadlineRequest { policy: "PNDI".into(), year: "2024".into(), date: "2030-06-30".into() };
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
        view.deadlines.iter().any(|d| d.year == 2024 && d.deadline.starts_with("2030-06-30")),
        "{:?}",
        view.deadlines
    );
}
