//! An entity's PEI in the database: loaded (a revision only when it differs), read back whole, its
//! valores obtenidos of a year recorded by the entity's planning office (and by nobody else), all
//! or nothing, every refusal worded, two offices writing at once without a lost value, the history
//! and the audit log kept; on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use avance_app::pei::{PeiEntry, pei_figures};
use avance_app::store::Store;
use avance_app::{Actor, App, AppError, AuditQuery, FixedClock, Missing, NewAccount, Settings};
use avance_core::lang::Lang;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/pei-igp-2020-2026/pei.json");

fn example() -> avance_core::pei::PeiPlan {
    avance_import::pei::read(std::path::Path::new(EXAMPLE)).unwrap()
}

fn entry(year: u16, values: &[(&str, &str)]) -> PeiEntry {
    PeiEntry {
        entity: "IGP".into(),
        first_year: None,
        year,
        values: values.iter().map(|(c, v)| (c.to_string(), v.to_string())).collect(),
    }
}

async fn story(store: Store) {
    store.migrate().await.unwrap();
    // 15 March 2023 in Lima: the 2023 values may be recorded, 2024's not yet.
    let clock = Arc::new(FixedClock::new(time::macros::datetime!(2023-03-15 17:00 UTC)));
    let app = Arc::new(App::with_clock(store, Settings::default(), clock));
    let operator = Actor::operator("pruebas");
    let plan = example();

    let first = app.load_pei(&operator, &plan, "carga inicial").await.unwrap();
    assert!(first.is_some());
    assert_eq!(app.load_pei(&operator, &plan, "otra vez").await.unwrap(), None, "nothing differs");
    let (summary, stored) = app.pei("igp", None).await.unwrap();
    assert_eq!(stored, plan);
    assert_eq!((summary.entity_code.as_str(), summary.first_year, summary.last_year), ("IGP", 2020, 2026));
    assert_eq!((summary.indicators, summary.changes), (25, 1));
    assert!(matches!(app.pei("IGP", Some(2017)).await, Err(AppError::NotFound(Missing::Pei))));
    let figures = pei_figures(&stored, Some(2022), None).unwrap();
    assert_eq!(figures.rows.len(), 75);

    // The planning office of the entity (its scope accepted because the PEI is loaded).
    let account = NewAccount {
        username: "oppigp".into(),
        name: "Oficina de planeamiento del IGP".into(),
        role: "planning".into(),
        scope: "IGP".into(),
        password: "una-contrasena-larga".into(),
        email: String::new(),
    };
    app.create_user(&operator, &account).await.unwrap();
    let login = avance_app::Login {
        username: "oppigp".into(),
        password: "una-contrasena-larga".into(),
        client: "test".into(),
        previous_session: None,
    };
    let office = Actor::user(app.login(login).await.unwrap().user);

    // Refusals, each worded; nothing recorded by any of them.
    let refuse = |r: Result<avance_app::pei::RecordedPei, AppError>| r.unwrap_err().message(Lang::Es);
    assert_eq!(
        refuse(app.record_pei_values(&operator, &entry(2022, &[("IND.01.OEI.01", "40")])).await),
        "su rol no permite esta acción"
    );
    assert_eq!(
        refuse(app.record_pei_values(&office, &entry(2024, &[("IND.01.OEI.01", "40")])).await),
        "Año: los valores obtenidos de 2024 se registran desde que empieza el año."
    );
    assert_eq!(
        refuse(app.record_pei_values(&office, &entry(2019, &[("IND.01.OEI.01", "40")])).await),
        "Año: 2019 está fuera del periodo del PEI, 2020–2026."
    );
    let items = app
        .record_pei_values(
            &office,
            &entry(
                2023,
                &[("IND.01.OEI.01", "45"), ("IND.99.OEI.01", "1"), ("IND.02.OEI.02", "12,5%"), ("IND.01.OEI.01", "46")],
            ),
        )
        .await
        .unwrap_err();
    let AppError::Items(items) = items else { panic!("items") };
    let worded: Vec<(usize, String)> = items.iter().map(|(i, e)| (*i, e.message(Lang::Es))).collect();
    assert_eq!(worded.len(), 3, "{worded:?}");
    assert_eq!(worded[0], (1, "el indicador no es del PEI".to_string()));
    assert_eq!(worded[1].0, 2);
    assert_eq!(worded[2], (3, "Indicador: va una sola vez en el registro.".to_string()));
    assert_eq!(app.pei("IGP", None).await.unwrap().0.changes, 1, "nothing was recorded");

    // Published by the entity's office (not by another entity's), frozen against later changes.
    let published = app.publish_pei(&office, "IGP", None, Some(2022)).await.unwrap();
    assert_eq!((published.year, published.as_of_change, published.published_by.as_str()), (2022, 1, "oppigp"));
    assert_eq!(published.content_hash.len(), 64);

    // Two entries at once, of different indicators: both land, one change set each.
    let (one, two) = (entry(2023, &[("IND.01.OEI.01", "45.00")]), entry(2023, &[("IND.01.OEI.02", "12.00")]));
    let (a, b) = tokio::join!(app.record_pei_values(&office, &one), app.record_pei_values(&office, &two));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(a.change.is_some() && b.change.is_some() && a.change != b.change);
    assert_eq!(a.changed, ["IND.01.OEI.01"]);
    let (_, now) = app.pei("IGP", None).await.unwrap();
    let value = |code: &str, y: u16| {
        let ind = now.indicators.iter().find(|i| i.code.as_str() == code).unwrap();
        ind.actuals.get(&avance_core::model::Year::new(y).unwrap()).map(|c| c.text().to_string())
    };
    assert_eq!(value("IND.01.OEI.01", 2023).as_deref(), Some("45.00"));
    assert_eq!(value("IND.01.OEI.02", 2023).as_deref(), Some("12.00"));
    // The same value again changes nothing; an empty value removes it.
    let same = app.record_pei_values(&office, &entry(2023, &[("IND.01.OEI.01", "45.00")])).await.unwrap();
    assert_eq!(same.change, None);
    app.record_pei_values(&office, &entry(2023, &[("IND.01.OEI.02", "")])).await.unwrap();
    let (summary, now) = app.pei("IGP", None).await.unwrap();
    assert_eq!(summary.changes, 4);
    let ind = now.indicators.iter().find(|i| i.code.as_str() == "IND.01.OEI.02").unwrap();
    assert_eq!(ind.actuals.get(&avance_core::model::Year::new(2023).unwrap()), None);
    let figures = pei_figures(&now, Some(2023), None).unwrap();
    let row = figures.rows.iter().find(|r| r.year.get() == 2023 && r.indicator == 0).unwrap();
    assert_eq!(row.figure.printed(&figures.profile), "100.00", "45 of 41 expected, truncated at 100");

    // The history of a value and the audit log.
    let history = app.pei_history("IGP", None, "IND.01.OEI.02").await.unwrap();
    let last: Vec<(u16, &str, Option<&str>, &str)> =
        history.iter().rev().take(2).map(|c| (c.year, c.role, c.value.as_deref(), c.author.as_str())).collect();
    assert_eq!(last, [(2023, "actual", None, "oppigp"), (2023, "actual", Some("12.00"), "oppigp")]);
    let audit = app.audit_log(&operator, &AuditQuery::default()).await.unwrap();
    let mut details: Vec<&str> = audit
        .entries
        .iter()
        .filter(|e| e.action == avance_core::access::Event::RecordPeiValue)
        .filter_map(|e| e.detail.as_deref())
        .collect();
    details.sort_unstable();
    assert_eq!(details, ["IND.01.OEI.01 2023: 45.00", "IND.01.OEI.02 2023: 12.00", "IND.01.OEI.02 2023: —"]);
    assert!(audit.entries.iter().any(|e| e.action == avance_core::access::Event::LoadPei));
    assert!(
        audit.entries.iter().any(|e| e.action == avance_core::access::Event::Publish
            && e.subject.as_deref() == Some("PEI IGP 2020-2026 2022"))
    );

    // The snapshot regenerates to the very figures published, although the plan changed since.
    let snapshots = app.pei_snapshots("IGP", None, Some(2022)).await.unwrap();
    assert_eq!(snapshots, std::slice::from_ref(&published));
    let (frozen, figures, same) = avance_app::pei::regenerate(&snapshots[0]).unwrap();
    assert!(same);
    assert_eq!(frozen, plan, "the plan as it was published");
    assert_eq!(figures.cut.get(), 2022);
    assert!(app.pei_snapshots("IGP", None, Some(2021)).await.unwrap().is_empty());
    let mut tampered = snapshots[0].clone();
    tampered.figures = tampered.figures.replace("94.74", "99.99");
    assert!(!avance_app::pei::regenerate(&tampered).unwrap().2);
    // The public may not publish; the administrator may.
    assert!(matches!(
        app.publish_pei(&Actor::public(), "IGP", None, Some(2023)).await,
        Err(AppError::Unauthenticated | AppError::Forbidden)
    ));
    let by_admin = app.publish_pei(&operator, "IGP", None, Some(2023)).await.unwrap();
    assert_eq!(by_admin.as_of_change, 4, "as of the plan's latest change set");
}

#[tokio::test]
async fn pei_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    story(common::sqlite(&dir, "pei.db").await).await;
}

#[tokio::test]
async fn pei_on_postgres() {
    story(common::postgres("app_pei").await).await;
}
