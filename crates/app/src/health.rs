//! Whether this server is alive and ready for traffic (`/salud`, `/listo`): the database answers,
//! its schema is the one this program expects, the policies were read once.

use crate::App;

/// What `/listo` checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readiness {
    /// `Err` with the database's own words when it does not answer.
    pub database: Result<(), String>,
    /// The schema's version in the database and the one expected (when the database answered).
    pub schema: Option<(i64, i64)>,
    /// The policies were read and computed once (the first visitor does not wait for it).
    pub cache_warm: bool,
    /// The server is stopping: it finishes the requests it has and takes no new work.
    pub stopping: bool,
}

impl Readiness {
    pub fn ready(&self) -> bool {
        self.database.is_ok() && self.schema.is_some_and(|(a, e)| a == e) && self.cache_warm && !self.stopping
    }
}

/// What the server's metrics read of the application.
#[derive(Debug, Clone, Copy, Default)]
pub struct Gauges {
    pub cache: crate::cache::CacheStats,
    /// Connections of the database pool: open, and of them idle.
    pub pool_size: u32,
    pub pool_idle: usize,
    /// Messages of the outbox by status (`None` when the database did not answer).
    pub outbox: Option<avance_store::mail::OutboxCounts>,
}

impl App {
    /// The cache's, the pool's and the outbox's figures (the server's own instrumentation: no
    /// actor, nothing personal).
    pub async fn gauges(&self) -> Gauges {
        let (pool_size, pool_idle) = self.store.pool_stats();
        Gauges { cache: self.cache.stats(), pool_size, pool_idle, outbox: self.store.outbox_counts().await.ok() }
    }

    /// Checks the database and the cache (`stopping` is the face's: it knows when it drains).
    pub async fn readiness(&self, stopping: bool) -> Readiness {
        let (database, schema) = match self.store.schema_version().await {
            Ok(v) => (Ok(()), Some(v)),
            Err(e) => {
                tracing::warn!(error = %e, "readiness: the database does not answer");
                (Err(e.to_string()), None)
            }
        };
        Readiness { database, schema, cache_warm: self.cache.is_warm(), stopping }
    }
}
