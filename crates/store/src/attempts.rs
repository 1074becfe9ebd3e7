//! The counts of the login limiter (failed logins by account name and by client address, reset
//! requests by address), kept in the database so that every server counts the same attempts.

use sqlx::Row;

use crate::{PgStore, SqliteStore, Store, StoreError, rows};

macro_rules! attempt_operations {
    ($store:ty) => {
        impl $store {
            /// Records one attempt under each key at `at`, and forgets those before `prune_before`.
            pub async fn record_attempts(&self, keys: &[&str], at: &str, prune_before: &str) -> Result<(), StoreError> {
                let mut tx = self.write().await?;
                sqlx::query("DELETE FROM limited_attempts WHERE at < $1").bind(prune_before).execute(&mut *tx).await?;
                for k in keys {
                    sqlx::query("INSERT INTO limited_attempts (key, at) VALUES ($1, $2)")
                        .bind(*k)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            /// How many attempts under `key` since `since`, and the `nth` newest of them (1 the
            /// newest) when there are that many.
            pub async fn attempts(
                &self,
                key: &str,
                since: &str,
                nth: i64,
            ) -> Result<(i64, Option<String>), StoreError> {
                let count = sqlx::query("SELECT COUNT(*) FROM limited_attempts WHERE key = $1 AND at >= $2")
                    .bind(key)
                    .bind(since)
                    .fetch_one(&self.pool)
                    .await?;
                let count = rows::int(&count, 0)?;
                if count < nth || nth < 1 {
                    return Ok((count, None));
                }
                let row = sqlx::query(
                    "SELECT at FROM limited_attempts WHERE key = $1 AND at >= $2 ORDER BY at DESC LIMIT 1 OFFSET $3",
                )
                .bind(key)
                .bind(since)
                .bind(nth - 1)
                .fetch_optional(&self.pool)
                .await?;
                Ok((count, row.map(|r| r.try_get(0)).transpose()?))
            }

            /// Forgets the attempts under `key` (a successful login).
            pub async fn clear_attempts(&self, key: &str) -> Result<(), StoreError> {
                let mut tx = self.write().await?;
                sqlx::query("DELETE FROM limited_attempts WHERE key = $1").bind(key).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

attempt_operations!(SqliteStore);
attempt_operations!(PgStore);

impl Store {
    pub async fn record_attempts(&self, keys: &[&str], at: &str, prune_before: &str) -> Result<(), StoreError> {
        dispatch!(write self, s => s.record_attempts(keys, at, prune_before).await)
    }
    pub async fn attempts(&self, key: &str, since: &str, nth: i64) -> Result<(i64, Option<String>), StoreError> {
        dispatch!(self, s => s.attempts(key, since, nth).await)
    }
    pub async fn clear_attempts(&self, key: &str) -> Result<(), StoreError> {
        dispatch!(write self, s => s.clear_attempts(key).await)
    }
}
