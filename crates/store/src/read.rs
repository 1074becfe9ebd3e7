//! Reading whole policies: the structure (the latest revision of each element and indicator) and
//! the current values (`current_series`, a row per indicator), decoded straight into the core's
//! [`Policy`], several policies at once.
//!
//! SQLite is read through `rusqlite` on connections of its own, one per core: sqlx's SQLite
//! driver hands every row from a worker thread to the async runtime, which costs more than the
//! query itself when a portfolio has millions of values; here each row is stepped and decoded in
//! the thread that reads it, without a copy. PostgreSQL is read through sqlx, one transaction per
//! policy, several policies at once.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use avance_core::model::{Policy, Year};

use crate::StoreError;
use crate::rows::{Building, ElementRow, IndicatorFields, MetaRow, State};

/// Which of a policy's values a read brings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Values {
    /// Every year's targets and actuals.
    All,
    /// What computing this year needs, and nothing more: the targets of every year (an undeclared
    /// sense is inferred from the first and last), the actuals of this year and the years before
    /// (sums of years, shares above 100% up to the year). The figures of the year are the same
    /// as with [`Values::All`].
    For(Year),
}

impl Values {
    /// The last year whose actuals are read.
    pub(crate) fn actuals_up_to(self) -> i64 {
        match self {
            Values::All => i64::MAX,
            Values::For(y) => i64::from(y.get()),
        }
    }
}

/// The latest metadata of a policy.
pub(crate) const META: &str = "SELECT name, policy_type, sector_code, sector_name, ministry_code, ministry_name, norm, \
     first_year, last_year, profile, synthesis FROM meta_revisions WHERE policy_id = $1 ORDER BY change_id DESC LIMIT 1";
/// Every revision of a policy's elements in the primary key's order (by code, then change): the
/// last of each code is its state, or its removal ([`State::revision`]). Stepping through the key
/// costs SQLite less than finding each code's latest revision with a subquery per row (for a
/// million indicators, about 0.4 s of one core instead of 1.0 s).
pub(crate) const ELEMENTS: &str =
    "SELECT code, name, analysis, deleted FROM element_revisions WHERE policy_id = $1 ORDER BY code, change_id";
/// Every revision of a policy's indicators' metadata, the same way.
pub(crate) const INDICATORS: &str = "SELECT code, name, responsible, indicator_type, unit, sentido, aggregation, \
     standard, baseline_year, baseline_text, negative_values, deleted FROM indicator_revisions WHERE policy_id = $1 \
     ORDER BY code, change_id";
/// A policy's current values, a row per indicator (migration 0012).
pub(crate) const SERIES: &str = "SELECT indicator, series FROM current_series WHERE policy_id = $1";
/// The policies that have metadata (were loaded), by code.
pub(crate) const LOADED: &str = "SELECT p.id, p.code FROM policies p \
     WHERE EXISTS (SELECT 1 FROM meta_revisions m WHERE m.policy_id = p.id) ORDER BY p.code";

/// A result row's columns by position, whichever driver read it: the structure queries above are
/// decoded once, by [`MetaRow::from_row`], [`ElementRow::from_row`] and [`IndicatorFields::from_row`].
pub(crate) trait Columns {
    fn text(&self, i: usize) -> Result<Option<String>, StoreError>;
    fn int(&self, i: usize) -> Result<Option<i64>, StoreError>;
    /// A text column borrowed from the row where the driver allows it (what is only read, not
    /// kept, needs no copy).
    fn str(&self, i: usize) -> Result<Option<std::borrow::Cow<'_, str>>, StoreError> {
        Ok(self.text(i)?.map(std::borrow::Cow::Owned))
    }
}

impl Columns for rusqlite::Row<'_> {
    fn text(&self, i: usize) -> Result<Option<String>, StoreError> {
        Ok(self.get(i)?)
    }
    fn str(&self, i: usize) -> Result<Option<std::borrow::Cow<'_, str>>, StoreError> {
        let value = self.get_ref(i)?;
        Ok(value.as_str_or_null().map_err(rusqlite::Error::from)?.map(std::borrow::Cow::Borrowed))
    }
    fn int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        Ok(self.get(i)?)
    }
}

macro_rules! sqlx_columns {
    ($row:ty) => {
        impl Columns for $row {
            fn text(&self, i: usize) -> Result<Option<String>, StoreError> {
                Ok(sqlx::Row::try_get(self, i)?)
            }
            fn int(&self, i: usize) -> Result<Option<i64>, StoreError> {
                Ok(crate::rows::opt_int(self, i)?)
            }
            fn str(&self, i: usize) -> Result<Option<std::borrow::Cow<'_, str>>, StoreError> {
                Ok(sqlx::Row::try_get::<Option<&str>, _>(self, i)?.map(std::borrow::Cow::Borrowed))
            }
        }
    };
}
sqlx_columns!(sqlx::sqlite::SqliteRow);
sqlx_columns!(sqlx::postgres::PgRow);

/// A column the schema declares `NOT NULL`.
pub(crate) fn needed<T>(value: Option<T>, column: &str) -> Result<T, StoreError> {
    value.ok_or_else(|| StoreError::Corrupt { policy: String::new(), detail: format!("{column} is NULL") })
}

impl MetaRow {
    /// A row of [`META`].
    pub(crate) fn from_row(r: &impl Columns) -> Result<MetaRow, StoreError> {
        Ok(MetaRow {
            name: needed(r.text(0)?, "name")?,
            policy_type: needed(r.text(1)?, "policy_type")?,
            sector_code: needed(r.text(2)?, "sector_code")?,
            sector_name: needed(r.text(3)?, "sector_name")?,
            ministry_code: needed(r.text(4)?, "ministry_code")?,
            ministry_name: needed(r.text(5)?, "ministry_name")?,
            norm: r.text(6)?,
            first_year: needed(r.int(7)?, "first_year")?,
            last_year: needed(r.int(8)?, "last_year")?,
            profile: needed(r.text(9)?, "profile")?,
            synthesis: r.text(10)?,
        })
    }
}

impl State {
    /// A revision from [`ELEMENTS`] or [`INDICATORS`] coming in the key's order: it replaces the
    /// code's earlier one, or removes the code (`deleted`).
    pub(crate) fn revision<R>(map: &mut std::collections::BTreeMap<String, R>, code: &str, row: R, deleted: bool) {
        if deleted {
            map.remove(code);
        } else {
            map.insert(code.to_string(), row);
        }
    }
}

impl ElementRow {
    /// A row of [`ELEMENTS`] (its code is column 0).
    pub(crate) fn from_row(r: &impl Columns) -> Result<ElementRow, StoreError> {
        Ok(ElementRow { name: r.text(1)?.unwrap_or_default(), analysis: r.text(2)? })
    }
}

impl<'a> IndicatorFields<'a> {
    /// A row of [`INDICATORS`] (its code is column 0), borrowed from it where the driver allows.
    pub(crate) fn from_row(r: &'a impl Columns) -> Result<IndicatorFields<'a>, StoreError> {
        Ok(IndicatorFields {
            name: r.str(1)?,
            responsible: r.str(2)?,
            indicator_type: r.str(3)?,
            unit: r.str(4)?,
            sentido: r.str(5)?,
            aggregation: r.str(6)?,
            standard: r.str(7)?,
            baseline_year: r.int(8)?,
            baseline_text: r.str(9)?,
            negative_values: r.int(10)?,
        })
    }
}

/// A revision row of [`ELEMENTS`] or [`INDICATORS`]: its code and whether it removes the code
/// (`deleted`: the column's position).
pub(crate) fn revision_key(r: &impl Columns, deleted: usize) -> Result<(std::borrow::Cow<'_, str>, bool), StoreError> {
    Ok((needed(r.str(0)?, "code")?, r.int(deleted)?.unwrap_or(0) != 0))
}

/// Reads `wanted` (id, code) from the SQLite file at `path`, on as many connections and threads
/// as the machine has cores, each policy in one read transaction, and hands each to `each` in
/// the thread that read it (only what `each` returns is kept). In the order of `wanted`.
pub(crate) fn sqlite_policies<T: Send>(
    path: &Path,
    wanted: &[(i64, String)],
    values: Values,
    each: impl Fn(Policy) -> T + Sync,
) -> Result<Vec<T>, StoreError> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(wanted.len());
    let next = AtomicUsize::new(0);
    in_order(on_threads(threads, |_| {
        let conn = sqlite_connection(path)?;
        let mut out = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some((id, code)) = wanted.get(i) else { break };
            out.push((i, each(sqlite_policy(&conn, *id, code, values)?)));
        }
        Ok(out)
    }))
}

/// Runs `work(k)` for k in 0..n, each on a thread of its own, and gathers what they read; a panic
/// in one is resumed here.
pub(crate) fn on_threads<T: Send>(
    n: usize,
    work: impl Fn(usize) -> Result<Vec<T>, StoreError> + Sync,
) -> Result<Vec<T>, StoreError> {
    std::thread::scope(|scope| {
        let work = &work;
        let handles: Vec<_> = (0..n).map(|k| scope.spawn(move || work(k))).collect();
        let mut all = Vec::new();
        for h in handles {
            all.extend(h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))?);
        }
        Ok(all)
    })
}

/// What [`on_threads`] read, back in the order of the indices it was read with.
pub(crate) fn in_order<T>(read: Result<Vec<(usize, T)>, StoreError>) -> Result<Vec<T>, StoreError> {
    let mut all = read?;
    all.sort_unstable_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, x)| x).collect())
}

/// A connection that only reads, waiting for a writer's lock as the store's pool does.
pub(crate) fn sqlite_connection(path: &Path) -> Result<rusqlite::Connection, StoreError> {
    use rusqlite::OpenFlags;
    let conn = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(60))?;
    conn.pragma_update(None, "query_only", true)?;
    Ok(conn)
}

/// One policy, in one read transaction (its structure and values from the same state).
fn sqlite_policy(conn: &rusqlite::Connection, id: i64, code: &str, values: Values) -> Result<Policy, StoreError> {
    let corrupt = |detail: String| StoreError::Corrupt { policy: code.to_string(), detail };
    let tx = conn.unchecked_transaction()?;
    let mut meta = tx.prepare(META)?;
    let mut rows = meta.query([id])?;
    let meta_row = match rows.next()? {
        Some(r) => MetaRow::from_row(r)?,
        None => return Err(corrupt("no metadata".to_string())),
    };
    drop(rows);
    let mut building = Building::new(meta_row, code, values.actuals_up_to()).map_err(corrupt)?;
    let mut elements = tx.prepare(ELEMENTS)?;
    let mut rows = elements.query([id])?;
    while let Some(r) = rows.next()? {
        let (c, deleted) = revision_key(r, 3)?;
        let row = if deleted { None } else { Some(ElementRow::from_row(r)?) };
        building.element(&c, row).map_err(corrupt)?;
    }
    drop(rows);
    let mut indicators = tx.prepare(INDICATORS)?;
    let mut rows = indicators.query([id])?;
    while let Some(r) = rows.next()? {
        let (c, deleted) = revision_key(r, 11)?;
        let fields = if deleted { None } else { Some(IndicatorFields::from_row(r)?) };
        building.indicator(&c, fields).map_err(corrupt)?;
    }
    drop(rows);
    let mut current = tx.prepare(SERIES)?;
    let mut rows = current.query([id])?;
    while let Some(r) = rows.next()? {
        // Borrowed from SQLite's own buffers: nothing is copied but each value's text, once.
        let bad = |e: rusqlite::types::FromSqlError| corrupt(format!("current_series: {e}"));
        let indicator = r.get_ref(0)?.as_str().map_err(bad)?;
        let series = r.get_ref(1)?.as_str().map_err(bad)?;
        building.series(indicator, series, values.actuals_up_to()).map_err(corrupt)?;
    }
    drop(rows);
    drop((meta, elements, indicators, current));
    tx.commit()?;
    building.finish().map_err(corrupt)
}

/// Runs a blocking read (rusqlite) on a thread of tokio's blocking pool; a panic there is
/// resumed here.
pub(crate) async fn blocking<T: Send + 'static>(
    read: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(read).await.unwrap_or_else(|e| match e.try_into_panic() {
        Ok(panic) => std::panic::resume_unwind(panic),
        Err(e) => Err(StoreError::Database(sqlx::Error::Io(std::io::Error::other(e)))),
    })
}
