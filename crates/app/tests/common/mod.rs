//! The databases the application's tests run on: a fresh SQLite file, or a fresh schema of the
//! local PostgreSQL (`AVANCE_TEST_PG`, by default the one `.ci/run` starts).
#![allow(dead_code, clippy::unwrap_used)]

use avance_app::store::{PgStore, SqliteStore, Store};

/// A store in a new SQLite file `name` under `dir`.
pub async fn sqlite(dir: &tempfile::TempDir, name: &str) -> Store {
    Store::Sqlite(SqliteStore::open(&dir.path().join(name)).await.unwrap())
}

/// A store in PostgreSQL's schema `schema`, dropped and made anew.
pub async fn postgres(schema: &str) -> Store {
    let url = std::env::var("AVANCE_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let admin = PgStore::open(&url, None).await.expect("PostgreSQL at 127.0.0.1:5432 (see README)");
    admin.execute_raw(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")).await.unwrap();
    admin.close().await;
    Store::Postgres(PgStore::open(&url, Some(schema)).await.unwrap())
}
