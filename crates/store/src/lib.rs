//! `avance-store`: policies, their complete history and published snapshots, in a SQLite file (the
//! default) or in PostgreSQL.
//!
//! Nothing is ever updated in place: a load appends a change set with a revision for each key whose
//! content changed, so that the current state, the value "as first reported" and every correction
//! with who, when and why can all be read back. One code path serves both databases (the macro
//! below is instantiated for each); only the schema files differ in column types.
#![forbid(unsafe_code)]

/// Inserts an audit entry inside the transaction `$tx` (used by every operation that logs).
macro_rules! insert_audit {
    ($tx:expr, $a:expr) => {
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, policy, unit, subject, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind($a.at)
        .bind($a.actor)
        .bind($a.action.id())
        .bind($a.policy)
        .bind($a.unit)
        .bind($a.subject)
        .bind($a.detail)
        .execute(&mut *$tx)
        .await?
    };
}

/// Dispatches to the store of either kind. `write` marks an operation that is one transaction:
/// it is run again when the database gave up on it for a transient reason
/// ([`StoreError::is_transient`]), a few times with a growing pause. A transaction that failed
/// was rolled back whole, so running it again is safe.
macro_rules! dispatch {
    ($self:expr, $s:ident => $e:expr) => {
        match $self {
            Store::Sqlite($s) => $e,
            Store::Postgres($s) => $e,
        }
    };
    (write $self:expr, $s:ident => $e:expr) => {{
        let mut attempt = 0u32;
        loop {
            let outcome = match $self {
                Store::Sqlite($s) => $e,
                Store::Postgres($s) => $e,
            };
            match outcome {
                Err(e) if e.is_transient() && attempt < crate::RETRIES => {
                    attempt += 1;
                    tracing::warn!(attempt, error = %e, "transaction retried");
                    tokio::time::sleep(std::time::Duration::from_millis(10 << attempt)).await;
                }
                other => break other,
            }
        }
    }};
}

/// How many times a transaction that failed for a transient reason is run again.
const RETRIES: u32 = 6;

#[macro_use]
pub mod mail;
pub mod app;
mod attempts;
pub mod pei;
pub mod poi;
mod read;
mod rows;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use avance_core::model::{Policy, Year};
use sha2::{Digest, Sha256};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{QueryBuilder, Row};

pub use read::Values;
pub use rows::{Building, State};

/// What went wrong with the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// From the connections that read whole policies from a SQLite file (`read`).
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The stored data cannot be read back as a valid policy (written by another program?).
    #[error("stored data of policy {policy} is not consistent: {detail}")]
    Corrupt { policy: String, detail: String },
    #[error("policy {0} is not in the database")]
    UnknownPolicy(String),
    #[error("backups of PostgreSQL are made with pg_dump (docs/deployment.md)")]
    BackupNotSupported,
    /// A name already taken, or a record that does not exist.
    #[error("{0}")]
    Conflict(Conflict),
    /// The reporting workflow does not allow the step.
    #[error("{}", .0.message(avance_core::lang::Lang::Es))]
    Workflow(avance_core::access::WorkflowError),
}

impl StoreError {
    /// Whether the database refused the transaction for a reason that passes: a PostgreSQL
    /// serialization failure (40001) or deadlock (40P01), SQLite busy or locked (5, 6 and their
    /// extended codes), or the one-waiting-submission index meeting a concurrent submission.
    pub fn is_transient(&self) -> bool {
        let StoreError::Database(sqlx::Error::Database(db)) = self else { return false };
        let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
        let busy = code.parse::<i64>().is_ok_and(|c| matches!(c & 0xff, 5 | 6));
        let one_waiting = code == "23505" || code == "2067" || code == "1555";
        busy || code == "40001" || code == "40P01" || (one_waiting && db.message().contains("submissions"))
    }
}

/// Why a change could not be made: typed, so that the layers above word it in the user's language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    #[error("user name {0} is taken")]
    UsernameTaken(String),
    #[error("no user named {0}")]
    NoSuchUser(String),
    #[error("no submission {0}")]
    NoSuchSubmission(i64),
    #[error("no such API token of this user, or already revoked")]
    NoSuchToken,
    #[error("message {0} is neither sent nor failed: it cannot be sent again now")]
    NotResendable(i64),
    #[error("the password-reset link was used already, or expired")]
    ResetLinkUsed,
    #[error("no POI of {entity} for {year}")]
    NoSuchPoi { entity: String, year: i32 },
    #[error("no activity {0} in this POI")]
    NoSuchActivity(String),
    #[error("no PEI of {0}")]
    NoSuchPei(String),
}

/// What a load changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadOutcome {
    pub policy: String,
    /// The change set written, `None` when the data was already the same.
    pub change: Option<i64>,
    pub metadata: bool,
    pub elements: usize,
    pub indicators: usize,
    pub values: usize,
    /// Keys removed (an element, indicator or value no longer in the dataset).
    pub removed: usize,
}

/// One policy as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySummary {
    pub code: String,
    pub name: String,
    pub policy_type: String,
    pub sector: String,
    pub ministry: String,
    pub first_year: i64,
    pub last_year: i64,
    pub profile: String,
    pub changes: i64,
    pub indicators: i64,
}

/// One revision of an indicator's metadata or of one of its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub policy: String,
    pub change: i64,
    pub at: String,
    pub author: String,
    pub reason: String,
    /// `metadata`, or `target` / `actual` with `year`.
    pub field: String,
    pub year: Option<i64>,
    /// The value as entered (for metadata: name and sentido); `None` when removed.
    pub text: Option<String>,
    /// Whether this is the first revision of its key: the value as first reported.
    pub first: bool,
}

/// A published policy-year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub id: i64,
    pub policy: String,
    pub year: i64,
    pub profile: String,
    pub as_of_change: i64,
    pub content_hash: String,
    /// The canonical dataset as it was published.
    pub inputs: String,
    /// The figures as published (the `avance compute` JSON).
    pub figures: String,
    pub published_by: String,
    pub published_at: String,
}

/// What publishing freezes; the content hash is computed from it.
#[derive(Debug, Clone)]
pub struct NewSnapshot<'a> {
    pub policy: &'a str,
    pub year: Year,
    pub profile: &'a str,
    pub inputs: &'a str,
    pub figures: &'a str,
    pub published_by: &'a str,
    /// Written to the audit log in the publishing transaction.
    pub audit: Option<app::NewAudit<'a>>,
}

/// SHA-256 of the profile, the inputs and the figures: the same content gives the same hash.
pub fn content_hash(profile: &str, inputs: &str, figures: &str) -> String {
    let mut h = Sha256::new();
    for part in [profile, inputs, figures] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Where the database is: `sqlite://FILE`, a plain file path, or `postgres://…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Location {
    /// `$AVANCE_DB`, else `avance.db` in the working directory.
    pub fn default_from_env() -> Location {
        std::env::var("AVANCE_DB")
            .map_or_else(|_| Location::Sqlite(PathBuf::from("avance.db")), |v| Location::parse(&v))
    }

    pub fn parse(url: &str) -> Location {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Location::Postgres(url.to_string())
        } else {
            let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
            Location::Sqlite(PathBuf::from(path))
        }
    }
}

/// A database of either kind.
#[derive(Debug, Clone)]
pub enum Store {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// The file, which bulk reads open connections of their own to (`read`).
    path: PathBuf,
}

#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl SqliteStore {
    /// A write transaction. `BEGIN IMMEDIATE` takes the database's write lock at once, waiting for
    /// it up to the busy timeout: a deferred transaction that read first and then tried to write
    /// would fail at once (SQLITE_BUSY) when another writer got there between.
    async fn write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, StoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Opens (creating it if needed) a SQLite file in WAL mode, with durable commits, foreign keys
    /// and a generous busy timeout so that concurrent writers wait rather than fail.
    pub async fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(60));
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
        Ok(SqliteStore { pool, path: path.to_path_buf() })
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        // Two processes opening a new file at once may both try to apply a migration; the one that
        // waited for the other's lock sees it applied when it tries again.
        let mut attempt = 0;
        loop {
            match sqlx::migrate!("migrations/sqlite").run(&self.pool).await {
                Ok(()) => return Ok(()),
                Err(_) if attempt < 3 => attempt += 1,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// A consistent copy of the whole database, taken while it is in use.
    pub async fn backup(&self, to: &Path) -> Result<(), StoreError> {
        sqlx::query("VACUUM INTO $1").bind(to.to_string_lossy().into_owned()).execute(&self.pool).await?;
        Ok(())
    }

    /// `PRAGMA integrity_check`: `ok`, or what is wrong.
    pub async fn integrity_check(&self) -> Result<String, StoreError> {
        let row = sqlx::query("PRAGMA integrity_check").fetch_one(&self.pool).await?;
        Ok(row.try_get::<String, _>(0)?)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

impl PgStore {
    /// A write transaction (read committed; the policy's row is locked by the operations that
    /// change it, so the writes of one policy happen one after another).
    async fn write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, StoreError> {
        Ok(self.pool.begin().await?)
    }

    /// Connects to PostgreSQL; `schema`, when given, is the only schema used (tests isolate
    /// themselves this way).
    pub async fn open(url: &str, schema: Option<&str>) -> Result<PgStore, StoreError> {
        let mut options = PgConnectOptions::from_str(url)?;
        if let Some(s) = schema {
            options = options.options([("search_path", s)]);
        }
        let pool = PgPoolOptions::new().max_connections(4).connect_with(options).await?;
        Ok(PgStore { pool })
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        sqlx::migrate!("migrations/postgres").run(&self.pool).await?;
        Ok(())
    }

    /// Runs SQL statements as they are (administration and tests: schemas).
    pub async fn execute_raw(&self, sql: &str) -> Result<(), StoreError> {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string())).execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The store's operations, written once for both databases. `$num` is how a bound text becomes an
/// exact decimal in SQL: nothing for SQLite (TEXT), a cast for PostgreSQL (NUMERIC); `$lock` what
/// locks the policy's row in a write (PostgreSQL).
macro_rules! operations {
    ($store:ty, $db:ty, $num:literal, $lock:literal) => {
        impl $store {
            /// Loads a policy: one transaction that appends a change set with the revisions that
            /// differ from the current state, or nothing if there are none.
            pub async fn load(&self, policy: &Policy, author: &str, reason: &str) -> Result<LoadOutcome, StoreError> {
                self.load_audited(policy, author, reason, None).await
            }

            /// [`Self::load`], writing `audit` to the audit log in the same transaction when
            /// something changed.
            pub async fn load_audited(&self, policy: &Policy, author: &str, reason: &str, audit: Option<&app::NewAudit<'_>>) -> Result<LoadOutcome, StoreError> {
                let code = &policy.meta().code;
                let mut tx = self.write().await?;
                sqlx::query("INSERT INTO policies (code) VALUES ($1) ON CONFLICT (code) DO NOTHING")
                    .bind(code)
                    .execute(&mut *tx)
                    .await?;
                let policy_id: i64 = sqlx::query(concat!("SELECT id FROM policies WHERE code = $1", $lock))
                    .bind(code)
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get(0)?;
                let current = read_state!(&mut *tx, policy_id);
                let new = State::of(policy);
                let diff = current.diff(&new);
                let mut outcome = LoadOutcome { policy: code.clone(), ..LoadOutcome::default() };
                if diff.is_empty() {
                    tx.rollback().await?;
                    return Ok(outcome);
                }
                let change: i64 =
                    sqlx::query("INSERT INTO changes (policy_id, author, reason) VALUES ($1, $2, $3) RETURNING id")
                        .bind(policy_id)
                        .bind(author)
                        .bind(reason)
                        .fetch_one(&mut *tx)
                        .await?
                        .try_get(0)?;
                outcome.change = Some(change);
                if let Some(m) = &diff.meta {
                    outcome.metadata = true;
                    sqlx::query(
                        "INSERT INTO meta_revisions (change_id, policy_id, name, policy_type, sector_code, sector_name, \
                         ministry_code, ministry_name, norm, first_year, last_year, profile, synthesis) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                    )
                    .bind(change)
                    .bind(policy_id)
                    .bind(&m.name)
                    .bind(&m.policy_type)
                    .bind(&m.sector_code)
                    .bind(&m.sector_name)
                    .bind(&m.ministry_code)
                    .bind(&m.ministry_name)
                    .bind(&m.norm)
                    .bind(m.first_year)
                    .bind(m.last_year)
                    .bind(&m.profile)
                    .bind(&m.synthesis)
                    .execute(&mut *tx)
                    .await?;
                }
                for chunk in diff.elements.chunks(500) {
                    let mut q = QueryBuilder::new("INSERT INTO element_revisions (change_id, policy_id, code, name, analysis, deleted) ");
                    q.push_values(chunk, |mut b, (code, e)| {
                        b.push_bind(change).push_bind(policy_id).push_bind(code.as_str());
                        match e {
                            Some(e) => b.push_bind(Some(e.name.clone())).push_bind(e.analysis.clone()).push_bind(0i64),
                            None => b.push_bind(None::<String>).push_bind(None::<String>).push_bind(1i64),
                        };
                    });
                    q.build().execute(&mut *tx).await?;
                }
                for chunk in diff.indicators.chunks(400) {
                    let mut q = QueryBuilder::new(
                        "INSERT INTO indicator_revisions (change_id, policy_id, code, name, responsible, indicator_type, unit, \
                         sentido, aggregation, standard, baseline_year, baseline_text, negative_values, deleted) ",
                    );
                    q.push_values(chunk, |mut b, (code, i)| {
                        b.push_bind(change).push_bind(policy_id).push_bind(code.as_str());
                        let deleted = i64::from(i.is_none());
                        let i = i.cloned().unwrap_or_default();
                        b.push_bind(i.name)
                            .push_bind(i.responsible)
                            .push_bind(i.indicator_type)
                            .push_bind(i.unit)
                            .push_bind(i.sentido)
                            .push_bind(i.aggregation)
                            .push_bind(i.standard)
                            .push_bind(i.baseline_year)
                            .push_bind(i.baseline_text)
                            .push_bind(i.negative_values)
                            .push_bind(deleted);
                    });
                    q.build().execute(&mut *tx).await?;
                }
                for chunk in diff.values.chunks(1000) {
                    let (sql, args) = value_rows::<$db>(change, policy_id, chunk, $num)?;
                    sqlx::query_with(sqlx::AssertSqlSafe(sql), args).execute(&mut *tx).await?;
                }
                if !diff.values.is_empty() {
                    // The touched indicators' current values, a row each (migrations 0012, 0013).
                    let touched: std::collections::BTreeSet<&str> = diff.values.iter().map(|(k, _)| k.0.as_str()).collect();
                    write_series!(&mut *tx, policy_id, rows::touched_series(&new, touched.into_iter()));
                }
                outcome.elements = diff.elements.iter().filter(|(_, e)| e.is_some()).count();
                outcome.indicators = diff.indicators.iter().filter(|(_, i)| i.is_some()).count();
                outcome.values = diff.values.iter().filter(|(_, v)| v.is_some()).count();
                outcome.removed = diff.elements.iter().filter(|(_, e)| e.is_none()).count()
                    + diff.indicators.iter().filter(|(_, i)| i.is_none()).count()
                    + diff.values.iter().filter(|(_, v)| v.is_none()).count();
                if let Some(a) = audit {
                    insert_audit!(tx, a);
                }
                tx.commit().await?;
                Ok(outcome)
            }

            /// The policies that were loaded, as `(id, code)` by code: all, or those of `codes`.
            async fn loaded(&self, codes: Option<&[String]>) -> Result<Vec<(i64, String)>, StoreError> {
                let rows = sqlx::query(read::LOADED).fetch_all(&self.pool).await?;
                let codes: Option<std::collections::HashSet<&str>> = codes.map(|c| c.iter().map(String::as_str).collect());
                let mut out = Vec::with_capacity(rows.len());
                for r in rows {
                    let code: String = r.try_get(1)?;
                    if codes.as_ref().is_none_or(|c| c.contains(code.as_str())) {
                        out.push((r.try_get(0)?, code));
                    }
                }
                Ok(out)
            }

            /// Every loaded policy, by code.
            pub async fn policies(&self) -> Result<Vec<PolicySummary>, StoreError> {
                let rows = sqlx::query(
                    "SELECT p.code, m.name, m.policy_type, m.sector_code || ' ' || m.sector_name, \
                     m.ministry_code || ' ' || m.ministry_name, m.first_year, m.last_year, m.profile, \
                     (SELECT COUNT(*) FROM changes c WHERE c.policy_id = p.id), \
                     (SELECT COUNT(*) FROM indicator_revisions r WHERE r.policy_id = p.id AND r.deleted = 0 AND r.change_id = \
                        (SELECT MAX(x.change_id) FROM indicator_revisions x WHERE x.policy_id = p.id AND x.code = r.code)) \
                     FROM policies p JOIN meta_revisions m ON m.policy_id = p.id \
                     WHERE m.change_id = (SELECT MAX(x.change_id) FROM meta_revisions x WHERE x.policy_id = p.id) \
                     ORDER BY p.code",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok(PolicySummary {
                            code: r.try_get(0)?,
                            name: r.try_get(1)?,
                            policy_type: r.try_get(2)?,
                            sector: r.try_get(3)?,
                            ministry: r.try_get(4)?,
                            first_year: rows::int(r, 5)?,
                            last_year: rows::int(r, 6)?,
                            profile: r.try_get(7)?,
                            changes: r.try_get(8)?,
                            indicators: r.try_get(9)?,
                        })
                    })
                    .collect()
            }

            /// The last year of any loaded policy's period (its latest metadata), `None` when
            /// there is no policy: the year a portfolio is computed for by default.
            pub async fn latest_year(&self) -> Result<Option<i64>, StoreError> {
                let row = sqlx::query(
                    "SELECT MAX(m.last_year) FROM meta_revisions m \
                     WHERE m.change_id = (SELECT MAX(x.change_id) FROM meta_revisions x WHERE x.policy_id = m.policy_id)",
                )
                .fetch_one(&self.pool)
                .await?;
                Ok(rows::opt_int(&row, 0)?)
            }

            /// Every revision of an indicator's metadata and values, oldest first, in every policy
            /// that has it (or only in `policy`).
            pub async fn history(&self, indicator: &str, policy: Option<&str>) -> Result<Vec<Revision>, StoreError> {
                // The revisions are found through their primary key, policy by policy (the
                // policy, or every policy, then the indicator): the key leads with the policy, so
                // looking the indicator up alone would scan the whole history (1.8 s at 20
                // million values).
                let rows = sqlx::query(
                    "SELECT p.code, c.id, CAST(c.at AS TEXT), c.author, c.reason, h.field, h.year, h.text, h.deleted, h.rn FROM ( \
                       SELECT policy_id, change_id, 'metadata' AS field, CAST(NULL AS INTEGER) AS year, \
                              name || ' · ' || COALESCE(sentido, '') AS text, deleted, \
                              ROW_NUMBER() OVER (PARTITION BY policy_id ORDER BY change_id) AS rn \
                       FROM indicator_revisions \
                       WHERE policy_id IN (SELECT id FROM policies WHERE $2 = '' OR code = $2) AND code = $1 \
                       UNION ALL \
                       SELECT policy_id, change_id, role, year, text, deleted, \
                              ROW_NUMBER() OVER (PARTITION BY policy_id, year, role ORDER BY change_id) \
                       FROM value_revisions \
                       WHERE policy_id IN (SELECT id FROM policies WHERE $2 = '' OR code = $2) AND indicator = $1 \
                     ) h JOIN changes c ON c.id = h.change_id JOIN policies p ON p.id = h.policy_id \
                     ORDER BY p.code, c.id, CASE h.field WHEN 'metadata' THEN 0 WHEN 'target' THEN 1 ELSE 2 END, h.year",
                )
                .bind(indicator)
                .bind(policy.unwrap_or(""))
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        let deleted = rows::int(r, 8)?;
                        let rn: i64 = r.try_get(9)?;
                        Ok(Revision {
                            policy: r.try_get(0)?,
                            change: r.try_get(1)?,
                            at: r.try_get(2)?,
                            author: r.try_get(3)?,
                            reason: r.try_get(4)?,
                            field: r.try_get(5)?,
                            year: rows::opt_int(r, 6)?,
                            text: if deleted != 0 { None } else { r.try_get(7)? },
                            first: rn == 1,
                        })
                    })
                    .collect()
            }

            /// Freezes a published policy-year.
            pub async fn publish(&self, s: &NewSnapshot<'_>) -> Result<Snapshot, StoreError> {
                let mut tx = self.write().await?;
                let row = sqlx::query("SELECT p.id, MAX(c.id) FROM policies p JOIN changes c ON c.policy_id = p.id WHERE p.code = $1 GROUP BY p.id")
                    .bind(s.policy)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| StoreError::UnknownPolicy(s.policy.to_string()))?;
                let (policy_id, as_of): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
                let hash = content_hash(s.profile, s.inputs, s.figures);
                let id: i64 = sqlx::query(
                    "INSERT INTO snapshots (policy_id, year, profile, as_of_change, content_hash, inputs, figures, published_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .bind(policy_id)
                .bind(i32::from(s.year.get()))
                .bind(s.profile)
                .bind(as_of)
                .bind(&hash)
                .bind(s.inputs)
                .bind(s.figures)
                .bind(s.published_by)
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
                if let Some(a) = &s.audit {
                    insert_audit!(tx, a);
                }
                tx.commit().await?;
                self.snapshots(s.policy, Some(s.year))
                    .await?
                    .into_iter()
                    .find(|x| x.id == id)
                    .ok_or_else(|| StoreError::UnknownPolicy(s.policy.to_string()))
            }

            /// The published snapshots of a policy (of one year, or all), oldest first.
            pub async fn snapshots(&self, policy: &str, year: Option<Year>) -> Result<Vec<Snapshot>, StoreError> {
                let rows = sqlx::query(
                    "SELECT s.id, p.code, s.year, s.profile, s.as_of_change, s.content_hash, s.inputs, s.figures, s.published_by, \
                     CAST(s.published_at AS TEXT) FROM snapshots s JOIN policies p ON p.id = s.policy_id \
                     WHERE p.code = $1 AND ($2 = 0 OR s.year = $2) ORDER BY s.id",
                )
                .bind(policy)
                .bind(year.map_or(0, |y| i32::from(y.get())))
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok(Snapshot {
                            id: r.try_get(0)?,
                            policy: r.try_get(1)?,
                            year: rows::int(r, 2)?,
                            profile: r.try_get(3)?,
                            as_of_change: r.try_get(4)?,
                            content_hash: r.try_get(5)?,
                            inputs: r.try_get(6)?,
                            figures: r.try_get(7)?,
                            published_by: r.try_get(8)?,
                            published_at: r.try_get(9)?,
                        })
                    })
                    .collect()
            }
        }
    };
}

/// Reads the current state of a policy on a connection (the latest revision of every key), to
/// compare a load against.
macro_rules! read_state {
    ($conn:expr, $id:expr) => {{
        let mut state = read_structure!($conn, $id);
        for r in sqlx::query(read::SERIES).bind($id).fetch_all(&mut *$conn).await? {
            let indicator: &str = r.try_get(0)?;
            state
                .series(indicator, r.try_get(1)?)
                .map_err(|detail| StoreError::Corrupt { policy: String::new(), detail })?;
        }
        state
    }};
}

/// Reads a policy's metadata, elements and indicators (the latest revision of each) into a
/// [`State`] without values.
macro_rules! read_structure {
    ($conn:expr, $id:expr) => {{
        let mut state = State::default();
        let meta = sqlx::query(read::META).bind($id).fetch_optional(&mut *$conn).await?;
        if let Some(r) = meta {
            state.meta = Some(rows::MetaRow::from_row(&r)?);
        }
        for r in sqlx::query(read::ELEMENTS).bind($id).fetch_all(&mut *$conn).await? {
            let (code, deleted) = read::revision_key(&r, 3)?;
            State::revision(&mut state.elements, &code, rows::ElementRow::from_row(&r)?, deleted);
        }
        for r in sqlx::query(read::INDICATORS).bind($id).fetch_all(&mut *$conn).await? {
            let (code, deleted) = read::revision_key(&r, 11)?;
            State::revision(&mut state.indicators, &code, rows::IndicatorFields::from_row(&r)?.into_row(), deleted);
        }
        state
    }};
}

/// Writes indicators' rows of `current_series` (`(indicator, Some(series))`), or removes them
/// (`None`: no value left), for policy `$policy_id`.
macro_rules! write_series {
    ($conn:expr, $policy_id:expr, $series:expr) => {{
        let series = $series;
        let (kept, gone): (Vec<_>, Vec<_>) = series.iter().partition(|(_, s)| s.is_some());
        for chunk in kept.chunks(500) {
            let mut q = sqlx::QueryBuilder::new("INSERT INTO current_series (policy_id, indicator, series) ");
            q.push_values(chunk, |mut b, (indicator, s)| {
                b.push_bind($policy_id).push_bind(*indicator).push_bind(s.as_deref().unwrap_or_default());
            });
            q.push(" ON CONFLICT (policy_id, indicator) DO UPDATE SET series = excluded.series");
            q.build().execute($conn).await?;
        }
        for (indicator, _) in gone {
            sqlx::query("DELETE FROM current_series WHERE policy_id = $1 AND indicator = $2")
                .bind($policy_id)
                .bind(*indicator)
                .execute($conn)
                .await?;
        }
    }};
}
pub(crate) use write_series;

operations!(SqliteStore, sqlx::Sqlite, "", "");
operations!(PgStore, sqlx::Postgres, "::numeric", " FOR UPDATE");

/// A multi-row insert of a change set's value revisions (`rows`, at most a few thousand): its SQL
/// and its arguments. Only what comes from the data is bound — the indicator, the text and the
/// exact value —; the change, the policy, the year, the role and the flag are integers and
/// constants of ours, written as literals (loads are bound-argument heavy). Where the database's
/// placeholders are numbered (`$n`, PostgreSQL) an indicator is bound once for its run of rows and
/// its placeholder repeated; SQLite's are not (`?`: a repeated number costs its parser a search of
/// every earlier one), so there it is bound in each row. `num` is how a bound text becomes an
/// exact decimal in SQL (see `operations!`).
fn value_rows<DB: sqlx::Database>(
    change: i64,
    policy_id: i64,
    rows: &[(&rows::ValueKey, Option<&rows::ValueRow>)],
    num: &str,
) -> Result<(String, DB::Arguments), StoreError>
where
    for<'t> &'t str: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    for<'t> Option<&'t str>: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    use sqlx::Arguments;
    let encode = |e| StoreError::Database(sqlx::Error::Encode(e));
    let mut args = DB::Arguments::default();
    let bind = |sql: &mut String, args: &mut DB::Arguments, value: Option<&str>| -> Result<(), StoreError> {
        args.add(value).map_err(encode)?;
        args.format_placeholder(sql).map_err(|e| StoreError::Database(sqlx::Error::Encode(Box::new(e))))
    };
    let mut int = itoa::Buffer::new();
    let head = format!("({change}, {policy_id}, ");
    let mut sql = String::with_capacity(100 + rows.len() * (head.len() + 40));
    sql.push_str(
        "INSERT INTO value_revisions (change_id, policy_id, indicator, year, role, text, exact, deleted) VALUES ",
    );
    // The last indicator bound, and its placeholder if it may be repeated.
    let mut bound: Option<(&str, String)> = None;
    for (k, ((code, year, role), v)) in rows.iter().enumerate() {
        if k > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&head);
        match &bound {
            Some((c, placeholder)) if c == code => sql.push_str(placeholder),
            _ => {
                let at = sql.len();
                bind(&mut sql, &mut args, Some(code.as_str()))?;
                let placeholder = &sql[at..];
                bound = placeholder.starts_with('$').then(|| (code.as_str(), placeholder.to_string()));
            }
        }
        sql.push_str(", ");
        sql.push_str(int.format(*year));
        sql.push_str(if *role == "target" { ", 'target', " } else { ", 'actual', " });
        match v {
            Some(v) => {
                bind(&mut sql, &mut args, Some(v.text.as_str()))?;
                sql.push_str(", ");
                bind(&mut sql, &mut args, v.exact.as_deref())?;
                sql.push_str(num);
                sql.push_str(", 0)");
            }
            None => {
                sql.push_str("NULL, NULL");
                sql.push_str(num);
                sql.push_str(", 1)");
            }
        }
    }
    Ok((sql, args))
}

/// What a read hands each policy to ([`Store::read_policies_with`]).
pub trait EachPolicy<T>: Fn(Policy) -> T + Send + Sync + 'static {}
impl<T, F: Fn(Policy) -> T + Send + Sync + 'static> EachPolicy<T> for F {}

impl SqliteStore {
    /// The loaded policies `wanted` (id, code), read on connections of their own, one per core
    /// (`read`), `each` called in the thread that read the policy.
    async fn read_loaded<T: Send + 'static>(
        &self,
        wanted: Vec<(i64, String)>,
        values: Values,
        each: impl EachPolicy<T>,
    ) -> Result<Vec<T>, StoreError> {
        let path = self.path.clone();
        read::blocking(move || read::sqlite_policies(&path, &wanted, values, each)).await
    }
}

impl PgStore {
    /// The loaded policies `wanted` (id, code), each in one read-only transaction, as many at once
    /// as the pool has connections.
    async fn read_loaded<T: Send + 'static>(
        &self,
        wanted: Vec<(i64, String)>,
        values: Values,
        each: impl EachPolicy<T>,
    ) -> Result<Vec<T>, StoreError> {
        let each = std::sync::Arc::new(each);
        let per_task = wanted.len().div_ceil(PG_READERS).max(1);
        let mut tasks = tokio::task::JoinSet::new();
        for (k, part) in wanted.chunks(per_task).enumerate() {
            let (store, part, each) = (self.clone(), part.to_vec(), each.clone());
            tasks.spawn(async move {
                let mut out = Vec::with_capacity(part.len());
                for (id, code) in part {
                    out.push(each(store.read_policy(id, &code, values).await?));
                }
                Ok::<_, StoreError>((k, out))
            });
        }
        let mut parts = Vec::new();
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(part) => parts.push(part?),
                Err(e) => match e.try_into_panic() {
                    Ok(panic) => std::panic::resume_unwind(panic),
                    Err(e) => return Err(StoreError::Database(sqlx::Error::Io(std::io::Error::other(e)))),
                },
            }
        }
        parts.sort_unstable_by_key(|(k, _)| *k);
        Ok(parts.into_iter().flat_map(|(_, p)| p).collect())
    }

    async fn read_policy(&self, id: i64, code: &str, values: Values) -> Result<Policy, StoreError> {
        use futures_util::TryStreamExt;
        let corrupt = |detail: String| StoreError::Corrupt { policy: code.to_string(), detail };
        let mut tx = self.pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?;
        let meta = sqlx::query(read::META).bind(id).fetch_optional(&mut *tx).await?;
        let meta = rows::MetaRow::from_row(&meta.ok_or_else(|| corrupt("no metadata".to_string()))?)?;
        let mut building = Building::new(meta, code, values.actuals_up_to()).map_err(corrupt)?;
        {
            let mut stream = sqlx::query(read::ELEMENTS).bind(id).fetch(&mut *tx);
            while let Some(r) = stream.try_next().await? {
                let (c, deleted) = read::revision_key(&r, 3)?;
                let row = if deleted { None } else { Some(rows::ElementRow::from_row(&r)?) };
                building.element(&c, row).map_err(corrupt)?;
            }
        }
        {
            let mut stream = sqlx::query(read::INDICATORS).bind(id).fetch(&mut *tx);
            while let Some(r) = stream.try_next().await? {
                let (c, deleted) = read::revision_key(&r, 11)?;
                let fields = if deleted { None } else { Some(rows::IndicatorFields::from_row(&r)?) };
                building.indicator(&c, fields).map_err(corrupt)?;
            }
        }
        {
            let mut stream = sqlx::query(read::SERIES).bind(id).fetch(&mut *tx);
            while let Some(r) = stream.try_next().await? {
                let indicator: &str = r.try_get(0)?;
                let series: &str = r.try_get(1)?;
                building.series(indicator, series, values.actuals_up_to()).map_err(corrupt)?;
            }
        }
        tx.commit().await?;
        building.finish().map_err(corrupt)
    }
}

/// How many policies a PostgreSQL read reads at once (the pool's connections).
const PG_READERS: usize = 4;

impl Store {
    /// Opens the database at `location`, creating a SQLite file if needed, and brings its schema up
    /// to date (migrations are embedded in the binary).
    pub async fn open(location: &Location) -> Result<Store, StoreError> {
        let store = match location {
            Location::Sqlite(path) => Store::Sqlite(SqliteStore::open(path).await?),
            Location::Postgres(url) => Store::Postgres(PgStore::open(url, None).await?),
        };
        store.migrate().await?;
        Ok(store)
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        dispatch!(self, s => s.migrate().await)
    }
    /// A read replica of a PostgreSQL primary: opened as it is (a replica is read-only: nothing
    /// is migrated on it; its schema is the primary's).
    /// A replica that does not answer is given up on after 2 seconds (not the pool's 30): the
    /// caller reads the primary instead.
    pub async fn open_replica(url: &str) -> Result<Store, StoreError> {
        let options = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(2))
            .connect_with(options)
            .await?;
        Ok(Store::Postgres(PgStore { pool }))
    }
    /// Where this server is in the write-ahead log (PostgreSQL): the primary's current position,
    /// or what a replica has replayed; `None` for SQLite.
    pub async fn wal_position(&self) -> Result<Option<String>, StoreError> {
        match self {
            Store::Sqlite(_) => Ok(None),
            Store::Postgres(s) => {
                let row = sqlx::query(
                    "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()::text ELSE pg_current_wal_lsn()::text END",
                )
                .fetch_one(&s.pool)
                .await?;
                Ok(row.try_get(0)?)
            }
        }
    }
    /// How many bytes of write-ahead log `behind` is behind `ahead` (PostgreSQL; computed here).
    pub async fn wal_distance(&self, ahead: &str, behind: &str) -> Result<Option<i64>, StoreError> {
        match self {
            Store::Sqlite(_) => Ok(None),
            Store::Postgres(s) => {
                let row = sqlx::query("SELECT pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn)::bigint")
                    .bind(ahead)
                    .bind(behind)
                    .fetch_one(&s.pool)
                    .await?;
                Ok(Some(row.try_get::<i64, _>(0)?.max(0)))
            }
        }
    }
    /// Seconds since the last transaction a replica replayed was committed on the primary.
    pub async fn replay_delay(&self) -> Result<Option<f64>, StoreError> {
        match self {
            Store::Sqlite(_) => Ok(None),
            Store::Postgres(s) => {
                let row = sqlx::query("SELECT EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8")
                    .fetch_one(&s.pool)
                    .await?;
                Ok(row.try_get(0)?)
            }
        }
    }
    /// The connection pool: connections open, and of them idle.
    pub fn pool_stats(&self) -> (u32, usize) {
        match self {
            Store::Sqlite(s) => (s.pool.size(), s.pool.num_idle()),
            Store::Postgres(s) => (s.pool.size(), s.pool.num_idle()),
        }
    }
    /// The schema's version in the database (the latest migration applied) and the one this
    /// program expects; a round trip to the database, so it also says whether it answers.
    pub async fn schema_version(&self) -> Result<(i64, i64), StoreError> {
        const APPLIED: &str = "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success";
        // No table yet: nothing applied.
        fn absent(e: &sqlx::Error) -> bool {
            matches!(e, sqlx::Error::Database(d) if d.message().contains("_sqlx_migrations"))
        }
        match self {
            Store::Sqlite(s) => {
                let expected = sqlx::migrate!("migrations/sqlite").iter().map(|m| m.version).max().unwrap_or(0);
                match sqlx::query(APPLIED).fetch_one(&s.pool).await {
                    Ok(r) => Ok((rows::int(&r, 0)?, expected)),
                    Err(e) if absent(&e) => Ok((0, expected)),
                    Err(e) => Err(e.into()),
                }
            }
            Store::Postgres(s) => {
                let expected = sqlx::migrate!("migrations/postgres").iter().map(|m| m.version).max().unwrap_or(0);
                match sqlx::query(APPLIED).fetch_one(&s.pool).await {
                    Ok(r) => Ok((rows::int(&r, 0)?, expected)),
                    Err(e) if absent(&e) => Ok((0, expected)),
                    Err(e) => Err(e.into()),
                }
            }
        }
    }
    pub async fn load(&self, policy: &Policy, author: &str, reason: &str) -> Result<LoadOutcome, StoreError> {
        dispatch!(write self, s => s.load(policy, author, reason).await)
    }
    pub async fn load_audited(
        &self,
        policy: &Policy,
        author: &str,
        reason: &str,
        audit: Option<&app::NewAudit<'_>>,
    ) -> Result<LoadOutcome, StoreError> {
        dispatch!(write self, s => s.load_audited(policy, author, reason, audit).await)
    }
    /// The current state of a policy, `None` if it was never loaded.
    pub async fn policy(&self, code: &str) -> Result<Option<Policy>, StoreError> {
        Ok(self.read_policies_with(Some(&[code.to_string()]), Values::All, |p| p).await?.pop())
    }
    pub async fn policies(&self) -> Result<Vec<PolicySummary>, StoreError> {
        dispatch!(self, s => s.policies().await)
    }
    /// The last year of any loaded policy's period; `None` when there is none.
    pub async fn latest_year(&self) -> Result<Option<i64>, StoreError> {
        dispatch!(self, s => s.latest_year().await)
    }
    /// The current state of the policies of `codes` (every loaded policy when `None`), with the
    /// `values` asked for, by code, read in parallel; codes not in the database are left out.
    pub async fn read_policies(&self, codes: Option<&[String]>, values: Values) -> Result<Vec<Policy>, StoreError> {
        self.read_policies_with(codes, values, |p| p).await
    }
    /// [`Store::read_policies`], each policy handed to `each` as soon as it is read (several at
    /// once) and only what `each` returns kept: a portfolio's figures without holding every
    /// policy in memory.
    pub async fn read_policies_with<T: Send + 'static>(
        &self,
        codes: Option<&[String]>,
        values: Values,
        each: impl EachPolicy<T>,
    ) -> Result<Vec<T>, StoreError> {
        // The loaded policies of `codes` found (an empty list answered at once), then read as
        // each database reads them (`read_loaded`).
        let wanted = dispatch!(self, s => s.loaded(codes).await)?;
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        dispatch!(self, s => s.read_loaded(wanted, values, each).await)
    }
    pub async fn history(&self, indicator: &str, policy: Option<&str>) -> Result<Vec<Revision>, StoreError> {
        dispatch!(self, s => s.history(indicator, policy).await)
    }
    pub async fn publish(&self, snapshot: &NewSnapshot<'_>) -> Result<Snapshot, StoreError> {
        dispatch!(write self, s => s.publish(snapshot).await)
    }
    pub async fn snapshots(&self, policy: &str, year: Option<Year>) -> Result<Vec<Snapshot>, StoreError> {
        dispatch!(self, s => s.snapshots(policy, year).await)
    }
    pub async fn backup(&self, to: &Path) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(s) => s.backup(to).await,
            Store::Postgres(_) => Err(StoreError::BackupNotSupported),
        }
    }
    pub async fn close(&self) {
        dispatch!(self, s => s.close().await)
    }
}

/// Every policy's current state, by code.
pub async fn all_policies(store: &Store) -> Result<BTreeMap<String, Policy>, StoreError> {
    Ok(store.read_policies(None, Values::All).await?.into_iter().map(|p| (p.meta().code.clone(), p)).collect())
}
