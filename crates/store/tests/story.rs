//! One story, told against both databases: load, read back, correct, see the history, publish,
//! correct again, and regenerate the published figures identically.

use std::path::Path;

use avance_core::compute::compute;
use avance_core::lang::Lang;
use avance_core::model::{Policy, Year};
use avance_core::value::{Cell, Unit};
use avance_import::dataset;
use avance_store::{NewSnapshot, PgStore, SqliteStore, Store, content_hash};

/// Tells `$test` against both databases, as two tests: on a fresh SQLite file, and on a fresh
/// PostgreSQL schema of its own (`$schema`); tokio's test attribute arguments may follow.
macro_rules! on_both_databases {
    ($test:ident, $on_sqlite:ident, $on_postgres:ident, $schema:literal $(, $($flavor:tt)*)?) => {
        #[tokio::test$(($($flavor)*))?]
        async fn $on_sqlite() {
            let (_dir, store) = fresh_sqlite().await;
            $test(store).await;
        }

        #[tokio::test$(($($flavor)*))?]
        async fn $on_postgres() {
            on_postgres($schema, $test).await;
        }
    };
}

fn example() -> Policy {
    dataset::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/pndi-2024")).expect("example")
}

fn figures(policy: &Policy, year: u16) -> String {
    let result = compute(policy, Year::new(year).expect("year"));
    serde_json::to_string(&avance_report::json::compute(policy, &result, Lang::Es)).expect("json")
}

fn y(n: u16) -> Year {
    Year::new(n).expect("year")
}

/// The example with ISS.01.01.01.02's 2024 actual reported and its 2023 target withdrawn.
fn corrected(base: &Policy) -> Policy {
    let mut parts = base.clone().into_parts();
    let ind = parts.indicators.iter_mut().find(|i| i.code.as_str() == "ISS.01.01.01.02").expect("indicator");
    ind.actuals.insert(y(2024), Cell::parse("25%", Unit::Porcentaje).expect("value"));
    ind.targets.remove(&y(2023));
    Policy::new(parts).expect("valid")
}

async fn story(store: Store) {
    let example = example();
    let cells: usize = example.indicators().iter().map(|i| i.targets.len() + i.actuals.len()).sum();

    // Load: everything is new.
    let first = store.load(&example, "ogpp@produce", "carga inicial").await.expect("load");
    assert!(first.change.is_some());
    assert!(first.metadata);
    assert_eq!((first.elements, first.indicators, first.values, first.removed), (4 + 22 + 43, 91, cells, 0));

    // Read back: the same policy, and the same figures as computing the dataset directly.
    let back = store.policy("PNDI").await.expect("read").expect("stored");
    assert_eq!(back, example);
    assert_eq!(figures(&back, 2024), figures(&example, 2024));

    // Loading the same data again changes nothing.
    let again = store.load(&example, "ogpp@produce", "sin cambios").await.expect("load");
    assert_eq!(again.change, None);

    // A correction appends only what changed.
    let fixed = corrected(&example);
    let second = store.load(&fixed, "dgde@produce", "valor 2024 reportado").await.expect("load");
    assert_eq!(
        (second.metadata, second.elements, second.indicators, second.values, second.removed),
        (false, 0, 0, 1, 1)
    );
    assert_eq!(store.policy("PNDI").await.expect("read").expect("stored"), fixed);

    // History: the value as first reported, then the correction, with who and why.
    let history = store.history("ISS.01.01.01.02", None).await.expect("history");
    let actual_2024: Vec<_> = history.iter().filter(|r| r.field == "actual" && r.year == Some(2024)).collect();
    assert_eq!(actual_2024.len(), 2);
    assert_eq!((actual_2024[0].text.as_deref(), actual_2024[0].first), (Some("ND"), true));
    assert_eq!((actual_2024[0].author.as_str(), actual_2024[0].reason.as_str()), ("ogpp@produce", "carga inicial"));
    assert_eq!((actual_2024[1].text.as_deref(), actual_2024[1].first), (Some("25%"), false));
    assert_eq!(
        (actual_2024[1].author.as_str(), actual_2024[1].reason.as_str()),
        ("dgde@produce", "valor 2024 reportado")
    );
    let target_2023: Vec<_> = history.iter().filter(|r| r.field == "target" && r.year == Some(2023)).collect();
    assert_eq!(target_2023.iter().map(|r| r.text.as_deref()).collect::<Vec<_>>(), [Some("20%"), None]);
    assert!(history.iter().any(|r| r.field == "metadata" && r.first));

    // Publishing freezes inputs, profile and figures under a content hash.
    let inputs = dataset::to_json(&fixed);
    let published_figures = figures(&fixed, 2024);
    let snap = store
        .publish(&NewSnapshot {
            policy: "PNDI",
            year: y(2024),
            profile: "ceplan-pn@1",
            inputs: &inputs,
            figures: &published_figures,
            published_by: "ogpp@produce",
            audit: None,
        })
        .await
        .expect("publish");
    assert_eq!(snap.content_hash, content_hash("ceplan-pn@1", &inputs, &published_figures));
    assert_eq!(snap.as_of_change, second.change.expect("change"));

    // Later corrections do not touch what was published; it regenerates identically.
    let third = store.load(&example, "dgde@produce", "se retira el valor 2024").await.expect("load");
    assert!(third.change.is_some());
    let snaps = store.snapshots("PNDI", Some(y(2024))).await.expect("snapshots");
    assert_eq!(snaps.len(), 1);
    let frozen = dataset::parse(Path::new("snapshot"), &snaps[0].inputs).expect("frozen inputs");
    assert_eq!(figures(&frozen, 2024), snaps[0].figures);
    assert_eq!(content_hash(&snaps[0].profile, &snaps[0].inputs, &snaps[0].figures), snaps[0].content_hash);
    assert_ne!(figures(&store.policy("PNDI").await.expect("read").expect("stored"), 2024), snaps[0].figures);

    // The metadata's word on negative values is kept, and changing it is a metadata revision.
    let mut parts = example.clone().into_parts();
    let ind = parts.indicators.iter_mut().find(|i| i.code.as_str() == "ISS.01.01.01.01").expect("indicator");
    ind.negative_values = Some(true);
    ind.actuals.insert(y(2024), Cell::parse_signed("-3", Unit::Numero, true).expect("value"));
    let signed = Policy::new(parts).expect("valid");
    let fourth = store.load(&signed, "dgde@produce", "saldo negativo").await.expect("load");
    assert_eq!((fourth.indicators, fourth.values), (1, 1));
    assert_eq!(store.policy("PNDI").await.expect("read").expect("stored"), signed);

    // A service and its indicators removed, then back: the latest revision of each code is what
    // reads back, a removal included (the one policy and the portfolio reads alike).
    let mut parts = signed.clone().into_parts();
    parts.services.retain(|s| s.code.as_str() != "SS.01.01.01");
    parts.indicators.retain(|i| !i.code.as_str().starts_with("ISS.01.01.01."));
    let fewer = Policy::new(parts).expect("valid");
    let fifth = store.load(&fewer, "dgde@produce", "servicio retirado").await.expect("load");
    assert!(fifth.change.is_some());
    assert_eq!(store.policy("PNDI").await.expect("read").expect("stored"), fewer);
    assert_eq!(store.read_policies(None, avance_store::Values::All).await.expect("read"), std::slice::from_ref(&fewer));
    store.load(&signed, "dgde@produce", "servicio repuesto").await.expect("load");
    assert_eq!(store.policy("PNDI").await.expect("read").expect("stored"), signed);
    assert_eq!(
        store.read_policies(None, avance_store::Values::All).await.expect("read"),
        std::slice::from_ref(&signed)
    );

    // The list of policies.
    let list = store.policies().await.expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(
        (list[0].code.as_str(), list[0].sector.as_str(), list[0].changes, list[0].indicators),
        ("PNDI", "38 PRODUCCION", 6, 91)
    );
    assert_eq!(store.policy("NADA").await.expect("read"), None);
}

#[tokio::test]
async fn story_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SqliteStore::open(&dir.path().join("avance.db")).await.expect("open");
    store.migrate().await.expect("migrate");
    story(Store::Sqlite(store.clone())).await;
    assert_eq!(store.integrity_check().await.expect("check"), "ok");
}

/// What the history says each indicator's current values are: the latest revision of each
/// indicator-year-role that does not remove it, as `current_series` writes them (a line
/// `year role text` each, by year and role).
const SERIES_FROM_HISTORY: &str = "SELECT policy_id, indicator, group_concat(line, char(10)) FROM ( \
       SELECT policy_id, indicator, year || ' ' || role || ' ' || COALESCE(text, '') AS line FROM ( \
         SELECT *, ROW_NUMBER() OVER (PARTITION BY policy_id, indicator, year, role ORDER BY change_id DESC) AS rn \
         FROM value_revisions) \
       WHERE rn = 1 AND deleted = 0 ORDER BY policy_id, indicator, year, role) \
     GROUP BY policy_id, indicator ORDER BY 1, 2";

async fn kept_series(pool: &sqlx::SqlitePool) -> Vec<(i64, String, String)> {
    sqlx::query_as("SELECT policy_id, indicator, series FROM current_series ORDER BY 1, 2")
        .fetch_all(pool)
        .await
        .expect("series")
}

/// The current values kept with every write (`current_series`, a row per indicator) are what the
/// whole history says: after loads that add, change and remove values, and a value written by
/// the application beside them.
#[tokio::test]
async fn current_values_are_what_the_history_says() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("avance.db");
    let store = SqliteStore::open(&path).await.expect("open");
    store.migrate().await.expect("migrate");
    let example = example();
    let store = Store::Sqlite(store);
    for (policy, reason) in [(&example, "carga"), (&corrected(&example), "corrección"), (&example, "vuelta")] {
        store.load(policy, "ogpp@produce", reason).await.expect("load");
    }
    // A single value written by the application (a target changed), beside the loads.
    let indicator = example.indicators()[3].code.to_string();
    let at = avance_store::app::now();
    let change = avance_store::app::TargetChange {
        policy: "PNDI",
        indicator: &indicator,
        year: 2024,
        text: "77.5",
        exact: Some("77.5"),
        reason: "meta ajustada",
        by: "dgde",
        at: &at,
    };
    let audit = avance_store::app::NewAudit::new(&at, "dgde", avance_core::access::Event::ChangeTarget);
    store.change_target(&change, &audit).await.expect("target");
    let read = store.read_policies(None, avance_store::Values::All).await.expect("read");
    let changed = read[0].indicators().iter().find(|i| i.code.to_string() == indicator).expect("indicator");
    assert_eq!(changed.targets.get(&y(2024)).map(|c| c.text()), Some("77.5"), "read through current_series");
    store.close().await;
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.expect("connect");
    let kept = kept_series(&pool).await;
    assert_eq!(kept.len(), example.indicators().len());
    let cells: usize = example.indicators().iter().map(|i| i.targets.len() + i.actuals.len()).sum();
    let added = usize::from(!example.indicators()[3].targets.contains_key(&y(2024)));
    assert_eq!(kept.iter().map(|(_, _, s)| s.lines().count()).sum::<usize>(), cells + added);
    let derived: Vec<(i64, String, String)> =
        sqlx::query_as(SERIES_FROM_HISTORY).fetch_all(&pool).await.expect("history");
    assert_eq!(derived, kept);
    let later: i64 = sqlx::query_scalar("SELECT count(*) FROM value_revisions WHERE change_id > 1")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert!(later >= 3, "the values changed later come from later changes ({later})");
}

/// A database of the schema before migration 0013 (the first twelve migrations, values loaded)
/// is brought up to date with its history and its current values unchanged: `value_revisions`
/// rebuilt without rowid with the same rows, `current_values` gone, the policy read the same.
#[tokio::test]
async fn migration_0013_keeps_every_revision() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("avance.db");
    let old = dir.path().join("migrations");
    std::fs::create_dir(&old).expect("dir");
    let all = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    let mut files: Vec<_> = std::fs::read_dir(&all).expect("migrations").map(|e| e.expect("entry").path()).collect();
    files.sort();
    for f in files.iter().filter(|f| f.file_name().and_then(|n| n.to_str()).is_some_and(|n| n < "0013")) {
        std::fs::copy(f, old.join(f.file_name().expect("name"))).expect("copy");
    }
    let store = SqliteStore::open(&path).await.expect("open");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.expect("connect");
    sqlx::migrate::Migrator::new(old.as_path()).await.expect("migrator").run(&pool).await.expect("up to 0012");
    let example = example();
    let store = Store::Sqlite(store);
    for (policy, reason) in [(&example, "carga"), (&corrected(&example), "corrección")] {
        store.load(policy, "ogpp@produce", reason).await.expect("load");
    }
    let revisions = || async {
        sqlx::query_as::<_, (i64, i64, String, i64, String, Option<String>, Option<String>, i64)>(
            "SELECT change_id, policy_id, indicator, year, role, text, exact, deleted FROM value_revisions ORDER BY 2, 3, 4, 5, 1",
        )
        .fetch_all(&pool)
        .await
        .expect("revisions")
    };
    let before = revisions().await;
    let series = kept_series(&pool).await;
    let policy = store.policy("PNDI").await.expect("read");
    assert!(before.len() > 100, "{} revisions", before.len());
    store.migrate().await.expect("0013");
    assert_eq!(revisions().await, before);
    assert_eq!(kept_series(&pool).await, series);
    assert_eq!(store.policy("PNDI").await.expect("read"), policy);
    let schema: String = sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE name = 'value_revisions'")
        .fetch_one(&pool)
        .await
        .expect("schema");
    assert!(schema.ends_with("WITHOUT ROWID"), "{schema}");
    let gone: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sqlite_master WHERE name IN ('current_values', 'value_revisions_before_0013')",
    )
    .fetch_one(&pool)
    .await
    .expect("tables");
    assert_eq!(gone, 0);
    // A load after the migration appends to the rebuilt history.
    store.load(&example, "ogpp@produce", "vuelta").await.expect("load");
    assert!(revisions().await.len() > before.len());
    assert_eq!(store.policy("PNDI").await.expect("read").as_ref(), Some(&example));
}

/// Every target of one indicator changed at once, each by a writer of its own: each change reads
/// the indicator's row of current values, sets its line and writes the row back, so a writer
/// that did not wait for the one before would lose its line. All of them are there afterwards,
/// and the history has one revision per change.
async fn one_indicator_written_at_once(store: Store) {
    let example = example();
    store.load(&example, "ogpp@produce", "carga").await.expect("load");
    let indicator = example.indicators()[3].code.to_string();
    let years: Vec<u16> = example.meta().years.iter().map(|y| y.get()).collect();
    let mut writers = tokio::task::JoinSet::new();
    for &year in &years {
        let (store, indicator) = (store.clone(), indicator.clone());
        writers.spawn(async move {
            let (text, at) = (format!("{year}.5"), avance_store::app::now());
            let change = avance_store::app::TargetChange {
                policy: "PNDI",
                indicator: &indicator,
                year: i64::from(year),
                text: &text,
                exact: Some(&text),
                reason: "meta ajustada",
                by: "dgde",
                at: &at,
            };
            let audit = avance_store::app::NewAudit::new(&at, "dgde", avance_core::access::Event::ChangeTarget);
            store.change_target(&change, &audit).await
        });
    }
    while let Some(done) = writers.join_next().await {
        done.expect("writer").expect("target changed");
    }
    let read = store.policy("PNDI").await.expect("read").expect("policy");
    let changed = read.indicators().iter().find(|i| i.code.to_string() == indicator).expect("indicator");
    let targets: Vec<(u16, String)> = changed.targets.iter().map(|(y, c)| (y.get(), c.text().to_string())).collect();
    assert_eq!(targets, years.iter().map(|y| (*y, format!("{y}.5"))).collect::<Vec<_>>());
    assert_eq!(changed.actuals, example.indicators()[3].actuals, "the actuals untouched");
    let history = store.history(&indicator, Some("PNDI")).await.expect("history");
    let changes: std::collections::BTreeSet<i64> = history
        .iter()
        .filter(|r| r.field == "target" && r.text.as_deref().is_some_and(|t| t.ends_with(".5")))
        .map(|r| r.change)
        .collect();
    assert_eq!(changes.len(), years.len(), "one change per writer");
}

on_both_databases!(
    one_indicator_written_at_once,
    one_indicator_written_at_once_on_sqlite,
    one_indicator_written_at_once_on_postgres,
    "at_once",
    flavor = "multi_thread",
    worker_threads = 4
);

/// An indicator's history in one policy, or in every policy that has an indicator of that code:
/// two policies with the same codes, each its own revisions.
async fn history_of_one_policy_or_all(store: Store) {
    let example = example();
    let mut other = corrected(&example).into_parts();
    other.meta.code = "PNDX".to_string();
    let other = Policy::new(other).expect("policy");
    store.load(&example, "ogpp@produce", "carga").await.expect("load");
    store.load(&other, "ogpp@otro", "otra").await.expect("load");
    store.load(&corrected(&example), "dgde@produce", "corrección").await.expect("load");
    let all = store.history("ISS.01.01.01.02", None).await.expect("history");
    let one = store.history("ISS.01.01.01.02", Some("PNDI")).await.expect("history");
    let of = |code: &str| all.iter().filter(|r| r.policy == code).cloned().collect::<Vec<_>>();
    assert!(!one.is_empty() && one.iter().all(|r| r.policy == "PNDI"));
    assert_eq!(one, of("PNDI"));
    assert_eq!(store.history("ISS.01.01.01.02", Some("PNDX")).await.expect("history"), of("PNDX"));
    assert!(of("PNDX").iter().all(|r| r.author == "ogpp@otro"), "{all:?}");
    assert_eq!(all.len(), one.len() + of("PNDX").len());
    assert!(one.iter().any(|r| r.author == "dgde@produce" && !r.first), "the correction, after the first report");
    assert_eq!(store.history("ISS.01.01.01.02", Some("NADA")).await.expect("history"), []);
    assert_eq!(store.history("ISS.99.99.99.99", None).await.expect("history"), []);
}

on_both_databases!(
    history_of_one_policy_or_all,
    history_of_one_policy_or_all_on_sqlite,
    history_of_one_policy_or_all_on_postgres,
    "history"
);

/// A store on a fresh SQLite file, migrated (the file lives as long as the directory).
async fn fresh_sqlite() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SqliteStore::open(&dir.path().join("avance.db")).await.expect("open");
    store.migrate().await.expect("migrate");
    (dir, Store::Sqlite(store))
}

/// Runs `test` on a fresh PostgreSQL schema of its own (`name`), then drops the schema.
async fn on_postgres<F: std::future::Future<Output = ()>>(name: &str, test: impl FnOnce(Store) -> F) {
    let (store, schema) = pg_schema(name).await;
    test(Store::Postgres(store.clone())).await;
    store.execute_raw(&format!("DROP SCHEMA {schema} CASCADE")).await.expect("drop");
}

/// The PostgreSQL of this machine (CI starts it): `AVANCE_TEST_PG`, or the local trust-auth server.
pub fn pg_url() -> String {
    std::env::var("AVANCE_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A fresh schema of its own for one test.
async fn pg_schema(name: &str) -> (PgStore, String) {
    let schema = format!("avance_test_{name}_{}", std::process::id());
    let admin = PgStore::open(&pg_url(), None).await.expect("PostgreSQL must be running (see .ci/run)");
    admin
        .execute_raw(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"))
        .await
        .expect("schema");
    admin.close().await;
    let store = PgStore::open(&pg_url(), Some(&schema)).await.expect("open");
    store.migrate().await.expect("migrate");
    (store, schema)
}

#[tokio::test]
async fn story_on_postgres() {
    let (store, schema) = pg_schema("story").await;
    story(Store::Postgres(store.clone())).await;
    store.execute_raw(&format!("DROP SCHEMA {schema} CASCADE")).await.expect("drop");
}

/// Reading many policies at once (`read_policies`, policies read in parallel): each exactly as
/// loaded, in code order, only the codes asked for; reading only what a year needs leaves out the
/// later actuals and gives that year's figures unchanged.
async fn portfolio_reads(store: Store) {
    use avance_core::model::YearRange;
    use avance_store::Values;
    let years = YearRange { first: y(2021), last: y(2030) };
    let mut loaded = avance_import::synthetic::portfolio(5, 120, years, 11);
    let example = example();
    store.load(&example, "ogpp", "carga").await.expect("load");
    store.load(&corrected(&example), "dgde", "corrección").await.expect("load");
    loaded.push(corrected(&example));
    for p in &loaded[..5] {
        store.load(p, "generador", "cartera").await.expect("load");
    }
    loaded.sort_by(|a, b| a.meta().code.cmp(&b.meta().code));

    let all = store.read_policies(None, Values::All).await.expect("read");
    assert_eq!(all.len(), 6);
    assert!(all == loaded, "every policy as loaded, in code order");

    let asked = ["SYN003".to_string(), "NADA".to_string(), "PNDI".to_string()];
    let some = store.read_policies(Some(&asked), Values::All).await.expect("read");
    assert_eq!(some.iter().map(|p| p.meta().code.as_str()).collect::<Vec<_>>(), ["PNDI", "SYN003"]);

    for year in [2022, 2024, 2030] {
        let trimmed = store.read_policies(None, Values::For(y(year))).await.expect("read");
        for (t, full) in trimmed.iter().zip(&loaded) {
            assert_eq!(figures(t, year), figures(full, year), "{} {year}", full.meta().code);
            for (ti, fi) in t.indicators().iter().zip(full.indicators()) {
                assert_eq!(ti.targets, fi.targets, "every target is read");
                let up_to: Vec<_> = fi.actuals.iter().filter(|(y, _)| y.get() <= year).collect();
                assert_eq!(ti.actuals.iter().collect::<Vec<_>>(), up_to, "{} {year}", fi.code);
            }
        }
    }
    let later = store.read_policies(None, Values::For(y(2022))).await.expect("read");
    assert!(later.iter().flat_map(|p| p.indicators()).all(|i| i.actuals.keys().all(|y| y.get() <= 2022)));
    assert!(loaded.iter().flat_map(|p| p.indicators()).any(|i| i.actuals.keys().any(|y| y.get() > 2022)));
    assert!(store.read_policies(Some(&[]), Values::All).await.expect("read").is_empty());
}

on_both_databases!(portfolio_reads, portfolio_reads_on_sqlite, portfolio_reads_on_postgres, "portfolio");
