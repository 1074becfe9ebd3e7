//! The national portfolio read from the database: every policy computed for a year and summed
//! up while it is read, equal to each policy computed alone; the default year; an empty
//! database; on SQLite and on PostgreSQL. The same from a directory of dataset folders.
#![allow(clippy::unwrap_used)]

mod common;

use avance_app::portfolio::{PortfolioFigures, of_policies};
use avance_app::store::Store;
use avance_app::{Actor, App, Settings};
use avance_core::model::{Year, YearRange};
use avance_core::portfolio::PolicyFigures;
use avance_core::progress::ProgressMethod;

fn year(y: u16) -> Year {
    Year::new(y).unwrap()
}

async fn story(store: Store) {
    store.migrate().await.unwrap();
    let app = App::new(store, Settings::default());
    // No policy: nothing to compute, and no year to compute it for.
    assert_eq!(app.portfolio(None, None).await.unwrap(), None);
    assert_eq!(
        app.portfolio(Some(year(2024)), None).await.unwrap(),
        Some(PortfolioFigures { year: year(2024), policies: Vec::new() })
    );

    let mut policies =
        avance_import::synthetic::portfolio(5, 40, YearRange { first: year(2021), last: year(2026) }, 11);
    // One policy reaches further: the default year is the last of any policy's period.
    let mut parts = policies.pop().unwrap().into_parts();
    parts.meta.years.last = year(2027);
    policies.push(avance_core::model::Policy::new(parts).unwrap());
    let operator = Actor::operator("pruebas");
    for p in &policies {
        app.load(&operator, p, "carga").await.unwrap();
    }
    policies.sort_by(|a, b| a.meta().code.cmp(&b.meta().code));

    for (asked, method) in [(Some(year(2024)), None), (None, Some(ProgressMethod::EscapAnticipated))] {
        let read = app.portfolio(asked, method).await.unwrap().unwrap();
        let expected = of_policies(&policies, asked, method).unwrap();
        assert_eq!(read.year, asked.unwrap_or(year(2027)));
        assert_eq!(read, expected);
        // Each line is the policy's own figures, computed alone.
        for (line, p) in read.policies.iter().zip(&policies) {
            let mut result = avance_core::compute::compute(p, read.year);
            if let Some(m) = method {
                result.profile.progress = m;
            }
            assert_eq!(*line, PolicyFigures::of(p, &result));
            let o = line.outlook;
            let assessed = o.achieved + o.on_track + o.needs_acceleration + o.stagnant + o.regressing;
            assert_eq!(assessed + o.not_assessed, p.indicators().len());
        }
    }
    app.close().await;
}

#[tokio::test]
async fn portfolio_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    story(common::sqlite(&dir, "portfolio.db").await).await;
}

#[tokio::test]
async fn portfolio_on_postgres() {
    story(common::postgres("app_portfolio").await).await;
}

/// A portfolio of dataset folders (what `avance generate --out` writes): with a year each policy
/// is summed up as it is read, without one they are read first for the latest year; either way
/// the figures are those of the policies computed in memory, and a policy in two folders is
/// refused with both files named.
#[test]
fn portfolio_of_dataset_folders() {
    use avance_app::portfolio::of_datasets;
    use avance_import::issue::IssueKind;
    let dir = tempfile::tempdir().unwrap();
    let policies = avance_import::synthetic::portfolio(4, 30, YearRange { first: year(2021), last: year(2026) }, 5);
    for (k, p) in policies.iter().enumerate() {
        avance_import::dataset::write(p, &dir.path().join(format!("{k:02}"))).unwrap();
    }
    for (asked, method) in [(Some(year(2023)), None), (None, Some(ProgressMethod::EscapAnticipated))] {
        let read = of_datasets(dir.path(), asked, method).unwrap().unwrap();
        assert_eq!(read, of_policies(&policies, asked, method).unwrap());
        assert_eq!(read.year, asked.unwrap_or(year(2026)));
        assert_eq!(read.policies.len(), 4);
    }
    avance_import::dataset::write(&policies[1], &dir.path().join("99")).unwrap();
    let issues = of_datasets(dir.path(), Some(year(2023)), None).unwrap_err();
    assert_eq!(issues.len(), 1);
    assert!(issues[0].file.ends_with("99/dataset.json"), "{:?}", issues[0]);
    match &issues[0].kind {
        IssueKind::DuplicatePolicy { code, first } => {
            assert_eq!(code, &policies[1].meta().code);
            assert!(first.ends_with("01/dataset.json"), "{first:?}");
        }
        other => panic!("{other:?}"),
    }
}
