//! An entity's POI in the database: loaded, read back whole, its execution recorded month by month
//! by the entity's planning office (and by nobody else), with the deadline of note iv, every
//! refusal worded, the history and the audit log kept; on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use avance_app::poi::{ExecutionEntry, MonthEntry, poi_figures};
use avance_app::store::Store;
use avance_app::{Actor, App, AppError, AuditQuery, FixedClock, Missing, NewAccount, Settings};
use avance_core::Decimal;
use avance_core::lang::Lang;
use avance_core::poi::Figure;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/poi-sintetico-2022/poi.json");

fn example() -> avance_core::poi::PoiPlan {
    avance_import::poi::read(std::path::Path::new(EXAMPLE)).unwrap()
}

async fn login(app: &App, username: &str) -> Actor {
    let login = avance_app::Login {
        username: username.into(),
        password: "una-contrasena-larga".into(),
        client: "test".into(),
        previous_session: None,
    };
    Actor::user(app.login(login).await.unwrap().user)
}

fn entry(activity: &str, month: u8, value: &str) -> ExecutionEntry {
    ExecutionEntry { entity: "999".into(), year: 2022, activity: activity.into(), month, value: value.into() }
}

fn refusal(r: Result<avance_app::poi::RecordedMonth, AppError>) -> String {
    r.unwrap_err().message(Lang::Es)
}

async fn story(store: Store) {
    store.migrate().await.unwrap();
    // 15 July 2022 in Lima: June is due by July 31, May was due by June 30.
    let clock = Arc::new(FixedClock::new(time::macros::datetime!(2022-07-15 17:00 UTC)));
    let app = App::with_clock(store, Settings::default(), clock.clone());
    let operator = Actor::operator("pruebas");
    let plan = example();

    // Loaded once; loading it again writes nothing; it reads back as it was.
    let first = app.load_poi(&operator, &plan, "carga inicial").await.unwrap();
    assert!(first.change.is_some() && first.metadata);
    assert_eq!((first.aei, first.activities, first.removed), (3, 6, 0));
    let again = app.load_poi(&operator, &plan, "otra vez").await.unwrap();
    assert_eq!(again.change, None);
    assert_eq!(app.poi("999", Some(2022)).await.unwrap(), plan);
    assert_eq!(app.poi("999", None).await.unwrap(), plan);
    assert!(matches!(app.poi("999", Some(2021)).await, Err(AppError::NotFound(Missing::Poi))));
    let listed = app.poi_plans().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].entity_code.as_str(), listed[0].year, listed[0].activities), ("999", 2022, 6));

    // The entity's planning office: its scope is the entity's code, accepted because the POI is
    // loaded; another entity's office and the administrator may not record.
    for (u, scope) in [("opp999", "999"), ("opp123", "123")] {
        let account = NewAccount {
            username: u.into(),
            name: format!("Oficina de planeamiento {scope}"),
            role: "planning".into(),
            scope: scope.into(),
            password: "una-contrasena-larga".into(),
            email: String::new(),
        };
        let made = app.create_user(&operator, &account).await;
        if scope == "999" {
            made.unwrap();
        } else {
            assert_eq!(
                made.unwrap_err().message(Lang::Es),
                "Ámbito: «123» no es el código del ministerio conductor de ninguna política cargada (por ejemplo, 038) ni el de una entidad con POI o PEI cargado."
            );
        }
    }
    let office = login(&app, "opp999").await;
    assert!(matches!(app.record_execution(&operator, &entry("AOI00002", 6, "1")).await, Err(AppError::Forbidden)));
    assert!(matches!(
        app.record_execution(&Actor::public(), &entry("AOI00002", 6, "1")).await,
        Err(AppError::Unauthenticated)
    ));

    // Every refusal says what is wrong, and writes nothing.
    assert_eq!(
        refusal(app.record_execution(&office, &entry("AOI00002", 8, "1")).await),
        "Mes: su ejecución se registra desde que empieza, el 2022-08-01."
    );
    assert_eq!(
        refusal(app.record_execution(&office, &entry("AOI00002", 13, "1")).await),
        "Mes: de 1 (enero) a 12 (diciembre); un periodo va de su primer mes a su último, como 1-6."
    );
    assert_eq!(
        refusal(app.record_execution(&office, &entry("AOI00002", 6, "-1")).await),
        "Ejecución: la cantidad ejecutada no puede ser negativa."
    );
    assert_eq!(
        refusal(app.record_execution(&office, &entry("AOI00002", 6, "ND")).await),
        "Ejecución: escriba la cantidad ejecutada en el mes (0 si no se ejecutó nada), o déjela vacía para retirar el registro."
    );
    assert!(refusal(app.record_execution(&office, &entry("AOI00002", 6, "12,5")).await).contains("12,5"));
    assert_eq!(refusal(app.record_execution(&office, &entry("AOI09999", 6, "1")).await), "la actividad no es del POI");
    let other = ExecutionEntry { year: 2021, ..entry("AOI00002", 6, "1") };
    assert!(matches!(app.record_execution(&office, &other).await, Err(AppError::NotFound(Missing::Poi))));
    assert_eq!(app.poi("999", Some(2022)).await.unwrap(), plan);

    // July, on time (due by August 31); the same value again writes nothing.
    let july = app.record_execution(&office, &entry("AOI00002", 7, "1")).await.unwrap();
    assert!(july.change.is_some());
    assert!(!july.late);
    assert_eq!(july.deadline, "2022-08-31");
    assert_eq!(app.record_execution(&office, &entry("AOI00002", 7, "1.0")).await.unwrap().change, None);
    // A correction of May, whose follow-up was due by June 30: recorded, and marked late.
    let may = app.record_execution(&office, &entry("AOI00002", 5, "1")).await.unwrap();
    assert!(may.late);
    assert_eq!(may.deadline, "2022-06-30");
    let now = app.poi("999", Some(2022)).await.unwrap();
    let ao2 = now.activities.iter().find(|a| a.code == "AOI00002").unwrap();
    assert_eq!(ao2.executed[4], Some(Decimal::ONE));
    assert_eq!(ao2.executed[6], Some(Decimal::ONE));

    // The figures follow: the first semester of AOI00002 was 3 of 6 (50 %), now 4 of 6.
    let before = poi_figures(&plan, (1, 6), None, None, false).unwrap();
    let after = poi_figures(&now, (1, 6), None, None, false).unwrap();
    let ao = |f: &avance_app::poi::PoiFigures| f.result.activities.iter().find(|(c, _)| c == "AOI00002").unwrap().1;
    assert_eq!(ao(&before), Figure::Value(Decimal::from(50)));
    assert_eq!(ao(&after).label(&after.profile), "66.67");

    // Removing a record makes the month S.I. again once due (a report of August 1 counts June).
    app.record_execution(&office, &entry("AOI00002", 6, "")).await.unwrap();
    let removed = app.poi("999", Some(2022)).await.unwrap();
    let f = poi_figures(&removed, (1, 6), Some((2022, 8)), None, false).unwrap();
    assert_eq!(ao(&f), Figure::SeguimientoIncompleto);

    // A whole month at once, as the form sends it: one refused value refuses all, named by its
    // place; then both are recorded in one change set.
    let month = |values: &[(&str, &str)]| MonthEntry {
        entity: "999".into(),
        year: 2022,
        month: 7,
        values: values.iter().map(|(a, v)| (a.to_string(), v.to_string())).collect(),
    };
    let Err(AppError::Items(items)) =
        app.record_month(&office, &month(&[("AOI00001", "0"), ("AOI00003", "2,5"), ("AOI00003", "1")])).await
    else {
        panic!("refused")
    };
    let places: Vec<(usize, String)> = items.iter().map(|(i, e)| (*i, e.message(Lang::Es))).collect();
    assert_eq!(places[0].0, 1);
    assert!(places[0].1.contains("2,5"), "{places:?}");
    assert_eq!(places[1], (2, "la misma actividad aparece más de una vez".to_string()));
    let both =
        app.record_month(&office, &month(&[("AOI00001", "0"), ("AOI00003", "3"), ("AOI00002", "1")])).await.unwrap();
    assert_eq!(both.changed, ["AOI00001", "AOI00003"]);
    assert!(both.change.is_some() && !both.late);

    // The history keeps every revision with who and why; the audit log every entry.
    let history = app.poi_history("999", 2022, "AOI00002").await.unwrap();
    let executed: Vec<(u8, Option<&str>, &str)> = history
        .iter()
        .filter(|r| r.role == "executed" && r.month >= 5)
        .map(|r| (r.month, r.value.as_deref(), r.author.as_str()))
        .collect();
    assert_eq!(
        executed,
        [
            (5, Some("0"), "pruebas"),
            (6, Some("0"), "pruebas"),
            (7, Some("1"), "opp999"),
            (5, Some("1"), "opp999"),
            (6, None, "opp999")
        ]
    );
    let audit = app.audit_log(&operator, &AuditQuery::default()).await.unwrap();
    let details: Vec<&str> = audit
        .entries
        .iter()
        .filter(|e| e.action == avance_core::access::Event::RecordExecution)
        .filter_map(|e| e.detail.as_deref())
        .collect();
    assert_eq!(
        details,
        [
            "AOI00003 07/2022: 3",
            "AOI00001 07/2022: 0",
            "AOI00002 06/2022: —",
            "AOI00002 05/2022: 1 (fuera de plazo)",
            "AOI00002 07/2022: 1"
        ]
    );

    // A later load that leaves out an activity removes it; its months go with it.
    let mut smaller = removed.clone();
    smaller.activities.retain(|a| a.code != "AOI00006");
    let out = app.load_poi(&operator, &smaller, "sin la AO 6").await.unwrap();
    assert_eq!(out.activities, 0);
    assert!(out.removed >= 1);
    assert_eq!(app.poi("999", Some(2022)).await.unwrap(), smaller);
    assert_eq!(refusal(app.record_execution(&office, &entry("AOI00006", 6, "1")).await), "la actividad no es del POI");

    // Published by the entity's office as a report generated today prints it (15 July: January to
    // June, due through May), frozen against later changes of the plan.
    let published = app.publish_poi(&office, "999", None, None).await.unwrap();
    assert_eq!(
        (published.months, published.report_date.as_str(), published.published_by.as_str()),
        ((1, 6), "2022-07-15", "opp999")
    );
    assert_eq!((published.profile.as_str(), published.content_hash.len()), ("ceplan-poi@2022", 64));
    let (frozen, figures, same) = avance_app::poi::regenerate(&published).unwrap();
    assert!(same);
    assert_eq!(frozen, smaller, "the plan as it was published");
    assert_eq!(figures.period.due_through, 5);
    let put_back = app.load_poi(&operator, &removed, "la AO 6 vuelve").await.unwrap();
    let snapshots = app.poi_snapshots("999", Some(2022)).await.unwrap();
    assert_eq!(snapshots, std::slice::from_ref(&published));
    assert!(avance_app::poi::regenerate(&snapshots[0]).unwrap().2, "still the figures published");
    let mut tampered = snapshots[0].clone();
    tampered.figures = tampered.figures.replace("\"77.78\"", "\"77.79\"");
    assert_ne!(tampered.figures, snapshots[0].figures);
    assert!(!avance_app::poi::regenerate(&tampered).unwrap().2);
    // The public may not publish; the administrator may, as of the plan's latest change set.
    assert!(matches!(
        app.publish_poi(&Actor::public(), "999", None, None).await,
        Err(AppError::Unauthenticated | AppError::Forbidden)
    ));
    let by_admin = app.publish_poi(&operator, "999", Some(2022), Some((1, 7))).await.unwrap();
    assert_eq!((by_admin.months, Some(by_admin.as_of_change)), ((1, 7), put_back.change));
    assert_eq!(
        app.publish_poi(&office, "999", None, Some((7, 3))).await.unwrap_err().message(Lang::Es),
        "Mes: de 1 (enero) a 12 (diciembre); un periodo va de su primer mes a su último, como 1-6."
    );
    assert!(matches!(app.publish_poi(&office, "999", Some(2021), None).await, Err(AppError::NotFound(Missing::Poi))));
    assert_eq!(app.poi_snapshots("999", Some(2022)).await.unwrap().len(), 2);
    let audit = app.audit_log(&operator, &AuditQuery::default()).await.unwrap();
    let subjects: Vec<&str> = audit
        .entries
        .iter()
        .filter(|e| e.action == avance_core::access::Event::Publish)
        .filter_map(|e| e.subject.as_deref())
        .collect();
    assert_eq!(subjects.len(), 2);
    assert!(subjects.contains(&"POI 999 2022 1-6") && subjects.contains(&"POI 999 2022 1-7"), "{subjects:?}");

    // Every plan read at once (the portfolio's path: a few scans, the activities decoded straight
    // into the plans) is each plan as read alone, in the listing's order.
    let mut other = avance_import::synthetic::poi(1, 45, 2023, 7);
    other.activities.reverse();
    app.load_poi(&operator, &other, "otra entidad").await.unwrap();
    let alone = [app.poi("999", Some(2022)).await.unwrap(), app.poi(&other.entity_code, Some(2023)).await.unwrap()];
    assert_eq!(alone[1], other, "activities in the plan's own order");
    assert_eq!(app.all_pois(None).await.unwrap(), alone);
    assert_eq!(app.all_pois(Some(2023)).await.unwrap(), [other]);
    app.close().await;
}

#[tokio::test]
async fn poi_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    story(common::sqlite(&dir, "poi.db").await).await;
}

#[tokio::test]
async fn poi_on_postgres() {
    story(common::postgres("app_poi").await).await;
}
