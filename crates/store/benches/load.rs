//! Loading values into each database: `cargo bench -p avance-store --bench load`.
//!
//! Synthetic policies of 1,000 indicators with a target and an actual for each of 10 years (20,000
//! values per policy); 5, 20 and 50 policies (100,000, 400,000 and 1,000,000 values). Each size is loaded into a
//! fresh SQLite file and a fresh PostgreSQL schema (`AVANCE_TEST_PG`, or the local server). Prints
//! values per second; results in docs/performance.md.

use std::time::Instant;

use avance_core::model::{Year, YearRange};
use avance_import::synthetic;
use avance_store::{PgStore, SqliteStore, Store};

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(run());
}

async fn run() {
    let years = YearRange { first: Year::new(2021).expect("y"), last: Year::new(2030).expect("y") };
    let pg = std::env::var("AVANCE_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    println!("| policies | values | SQLite (s) | SQLite values/s | PostgreSQL (s) | PostgreSQL values/s |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for policies in [5, 20, 50] {
        let portfolio = synthetic::portfolio(policies, 1_000, years, 42);
        let values: usize =
            portfolio.iter().flat_map(|p| p.indicators()).map(|i| i.targets.len() + i.actuals.len()).sum();

        let dir = tempfile::tempdir().expect("tempdir");
        let sqlite = SqliteStore::open(&dir.path().join("bench.db")).await.expect("sqlite");
        sqlite.migrate().await.expect("migrate");
        let sqlite = Store::Sqlite(sqlite);
        let t = Instant::now();
        for p in &portfolio {
            sqlite.load(p, "bench", "carga").await.expect("load");
        }
        let s_secs = t.elapsed().as_secs_f64();
        sqlite.close().await;

        let schema = format!("avance_bench_{policies}");
        let admin = PgStore::open(&pg, None).await.expect("PostgreSQL");
        admin
            .execute_raw(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"))
            .await
            .expect("schema");
        let store = PgStore::open(&pg, Some(&schema)).await.expect("open");
        store.migrate().await.expect("migrate");
        let postgres = Store::Postgres(store);
        let t = Instant::now();
        for p in &portfolio {
            postgres.load(p, "bench", "carga").await.expect("load");
        }
        let p_secs = t.elapsed().as_secs_f64();
        postgres.close().await;
        admin.execute_raw(&format!("DROP SCHEMA {schema} CASCADE")).await.expect("drop");
        admin.close().await;

        println!(
            "| {policies} | {values} | {s_secs:.2} | {:.0} | {p_secs:.2} | {:.0} |",
            values as f64 / s_secs,
            values as f64 / p_secs
        );
    }
}
