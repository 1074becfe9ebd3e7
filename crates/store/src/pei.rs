//! Institutional strategic plans (PEI): an entity's PEI for its period. Every load or entry of
//! values appends a change set (who, when, why) and the plan as it stood after it, whole, as its
//! canonical document (migration 0009): the latest revision is the plan as it stands. The document
//! is written and read by `avance-import` (`avance-pei/1`); here it is text with its SHA-256.
//!
//! A change is worked out inside the write transaction from the plan as it stands
//! ([`Store::update_pei`]), with the plan's row locked (PostgreSQL) or the database's write lock
//! held (SQLite): two entries at once are applied one after the other, neither lost.

use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::app::NewAudit;
use crate::{PgStore, SqliteStore, Store, StoreError, rows};

/// A revision of a PEI to write: its canonical document and what the list of plans shows of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeiDocument {
    pub entity_name: String,
    pub last_year: i32,
    pub profile: String,
    pub indicators: i64,
    pub document: String,
}

/// What an update writes: the new revision, and the detail of each audit entry (one entry per
/// detail; one entry without detail when there is none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeiUpdate {
    pub revision: PeiDocument,
    pub details: Vec<String>,
}

/// Works out a plan's new revision from its current document (`None`: no such plan yet):
/// `Ok(None)` leaves it as it is, `Err` refuses the change (nothing is written).
pub type PeiUpdater<'a, E> = dyn Fn(Option<&str>) -> Result<Option<PeiUpdate>, E> + Sync + 'a;

/// One PEI as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeiSummary {
    pub entity_code: String,
    pub entity_name: String,
    pub first_year: i32,
    pub last_year: i32,
    pub profile: String,
    pub indicators: i64,
    pub changes: i64,
    /// Its latest change set: its content is the same while this is.
    pub last_change: i64,
    /// When that change set was written (UTC, as the database prints it).
    pub last_at: String,
}

/// A PEI as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPei {
    pub summary: PeiSummary,
    pub document: String,
}

/// One revision of a PEI: who, when, why, and the plan as it stood after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeiRevision {
    pub change: i64,
    pub at: String,
    pub author: String,
    pub reason: String,
    pub document: String,
}

/// A PEI's follow-up of a year to publish: the figures computed from the plan as of `as_of` (its
/// latest change set when they were computed; the store refuses if it moved).
#[derive(Debug, Clone)]
pub struct NewPeiSnapshot<'a> {
    pub entity: &'a str,
    pub first_year: i32,
    pub year: i32,
    pub as_of: i64,
    pub profile: &'a str,
    pub inputs: &'a str,
    pub figures: &'a str,
    pub published_by: &'a str,
    pub audit: NewAudit<'a>,
}

/// A published PEI follow-up, frozen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeiSnapshot {
    pub id: i64,
    pub entity: String,
    pub first_year: i32,
    pub year: i32,
    pub profile: String,
    pub as_of_change: i64,
    pub content_hash: String,
    /// The plan's canonical document as published.
    pub inputs: String,
    /// The figures as published (`avance-pei-compute/1`).
    pub figures: String,
    pub published_by: String,
    pub published_at: String,
}

fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The columns of a [`PeiSummary`] (then, where a read wants it, the document), from the plans and
/// their latest revisions.
const SUMMARY: &str = "SELECT p.entity_code, r.entity_name, p.first_year, p.last_year, r.profile, r.indicators, \
     (SELECT COUNT(*) FROM pei_changes x WHERE x.plan_id = p.id), r.change_id, CAST(c.at AS TEXT)";
const LATEST: &str = "FROM pei_plans p \
     JOIN pei_revisions r ON r.plan_id = p.id AND r.change_id = (SELECT MAX(y.change_id) FROM pei_revisions y WHERE y.plan_id = p.id) \
     JOIN pei_changes c ON c.id = r.change_id";

fn summary<R: Row>(r: &R) -> Result<PeiSummary, sqlx::Error>
where
    usize: sqlx::ColumnIndex<R>,
    String: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> i32: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    Ok(PeiSummary {
        entity_code: r.try_get(0)?,
        entity_name: r.try_get(1)?,
        first_year: i32::try_from(rows::int(r, 2)?).unwrap_or_default(),
        last_year: i32::try_from(rows::int(r, 3)?).unwrap_or_default(),
        profile: r.try_get(4)?,
        indicators: rows::int(r, 5)?,
        changes: rows::int(r, 6)?,
        last_change: rows::int(r, 7)?,
        last_at: r.try_get(8)?,
    })
}

macro_rules! pei_operations {
    ($store:ty, $conn:ty, $lock:literal) => {
        impl $store {
            /// Applies `update` to an entity's PEI of the period starting `first_year` as it stands,
            /// in one transaction: a new revision when the document differs (its change set id),
            /// `Ok(None)` when nothing changed, the updater's refusal as `Err` (nothing written).
            pub async fn update_pei<E>(
                &self,
                entity: &str,
                first_year: i32,
                author: &str,
                reason: &str,
                audit: &NewAudit<'_>,
                update: &PeiUpdater<'_, E>,
            ) -> Result<Result<Option<i64>, E>, StoreError> {
                let mut tx = self.write().await?;
                let row = sqlx::query(concat!("SELECT id FROM pei_plans WHERE entity_code = $1 AND first_year = $2", $lock))
                    .bind(entity)
                    .bind(first_year)
                    .fetch_optional(&mut *tx)
                    .await?;
                let plan_id = row.map(|r| rows::int(&r, 0)).transpose()?;
                let current = match plan_id {
                    None => None,
                    Some(id) => sqlx::query("SELECT document, sha256 FROM pei_revisions WHERE plan_id = $1 ORDER BY change_id DESC LIMIT 1")
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await?
                        .map(|r| Ok::<_, sqlx::Error>((r.try_get::<String, _>(0)?, r.try_get::<String, _>(1)?)))
                        .transpose()?,
                };
                let next = match update(current.as_ref().map(|(d, _)| d.as_str())) {
                    Err(e) => {
                        tx.rollback().await?;
                        return Ok(Err(e));
                    }
                    Ok(None) => None,
                    Ok(Some(u)) => Some(u).filter(|u| current.as_ref().is_none_or(|(_, h)| *h != sha256(&u.revision.document))),
                };
                let Some(next) = next else {
                    tx.rollback().await?;
                    return Ok(Ok(None));
                };
                let rev = &next.revision;
                let plan_id = match plan_id {
                    Some(id) => {
                        sqlx::query("UPDATE pei_plans SET last_year = $1 WHERE id = $2 AND last_year <> $1")
                            .bind(rev.last_year)
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                        id
                    }
                    None => rows::int(
                        &sqlx::query("INSERT INTO pei_plans (entity_code, first_year, last_year) VALUES ($1, $2, $3) RETURNING id")
                            .bind(entity)
                            .bind(first_year)
                            .bind(rev.last_year)
                            .fetch_one(&mut *tx)
                            .await?,
                        0,
                    )?,
                };
                let change = rows::int(
                    &sqlx::query("INSERT INTO pei_changes (plan_id, author, reason) VALUES ($1, $2, $3) RETURNING id")
                        .bind(plan_id)
                        .bind(author)
                        .bind(reason)
                        .fetch_one(&mut *tx)
                        .await?,
                    0,
                )?;
                sqlx::query(
                    "INSERT INTO pei_revisions (change_id, plan_id, entity_name, profile, indicators, sha256, document) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(change)
                .bind(plan_id)
                .bind(&rev.entity_name)
                .bind(&rev.profile)
                .bind(rev.indicators)
                .bind(sha256(&rev.document))
                .bind(&rev.document)
                .execute(&mut *tx)
                .await?;
                if next.details.is_empty() {
                    insert_audit!(tx, audit);
                }
                for d in &next.details {
                    let entry = NewAudit { detail: Some(d), ..*audit };
                    insert_audit!(tx, entry);
                }
                tx.commit().await?;
                Ok(Ok(Some(change)))
            }

            /// Every loaded PEI, by entity and period.
            pub async fn pei_plans(&self) -> Result<Vec<PeiSummary>, StoreError> {
                let q = format!("{SUMMARY} {LATEST} ORDER BY p.entity_code, p.first_year");
                let rows = sqlx::query(sqlx::AssertSqlSafe(q)).fetch_all(&self.pool).await?;
                rows.iter().map(|r| summary(r).map_err(StoreError::from)).collect()
            }

            /// An entity's PEI as it stands (its code compared without regard to case): the one
            /// whose period starts `first_year`, or its latest one.
            pub async fn pei(&self, entity: &str, first_year: Option<i32>) -> Result<Option<StoredPei>, StoreError> {
                let q = format!(
                    "{SUMMARY}, r.document {LATEST} WHERE LOWER(p.entity_code) = LOWER($1) AND ($2 = 0 OR p.first_year = $2) ORDER BY p.first_year DESC LIMIT 1"
                );
                let row = sqlx::query(sqlx::AssertSqlSafe(q)).bind(entity).bind(first_year.unwrap_or(0)).fetch_optional(&self.pool).await?;
                row.map(|r| Ok(StoredPei { summary: summary(&r)?, document: r.try_get(9)? })).transpose()
            }

            /// Freezes a PEI's follow-up of a year; `None` when the plan changed since `as_of` (the
            /// figures would not be those of the plan as it stands: compute them again).
            pub async fn publish_pei(&self, s: &NewPeiSnapshot<'_>) -> Result<Option<PeiSnapshot>, StoreError> {
                let mut tx = self.write().await?;
                let row = sqlx::query(concat!("SELECT id FROM pei_plans WHERE entity_code = $1 AND first_year = $2", $lock))
                    .bind(s.entity)
                    .bind(s.first_year)
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some(plan_id) = row.map(|r| rows::int(&r, 0)).transpose()? else {
                    return Err(StoreError::Conflict(crate::Conflict::NoSuchPei(s.entity.to_string())));
                };
                let latest = sqlx::query("SELECT MAX(change_id) FROM pei_revisions WHERE plan_id = $1").bind(plan_id).fetch_one(&mut *tx).await?;
                if rows::opt_int(&latest, 0)? != Some(s.as_of) {
                    tx.rollback().await?;
                    return Ok(None);
                }
                let hash = crate::content_hash(s.profile, s.inputs, s.figures);
                let id = rows::int(
                    &sqlx::query(
                        "INSERT INTO pei_snapshots (plan_id, year, profile, as_of_change, content_hash, inputs, figures, published_by) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    )
                    .bind(plan_id)
                    .bind(s.year)
                    .bind(s.profile)
                    .bind(s.as_of)
                    .bind(&hash)
                    .bind(s.inputs)
                    .bind(s.figures)
                    .bind(s.published_by)
                    .fetch_one(&mut *tx)
                    .await?,
                    0,
                )?;
                insert_audit!(tx, s.audit);
                tx.commit().await?;
                Ok(self.pei_snapshots(s.entity, s.first_year, Some(s.year)).await?.into_iter().find(|x| x.id == id))
            }

            /// The published follow-ups of an entity's PEI (of one year, or all), oldest first.
            pub async fn pei_snapshots(&self, entity: &str, first_year: i32, year: Option<i32>) -> Result<Vec<PeiSnapshot>, StoreError> {
                let rows = sqlx::query(
                    "SELECT s.id, p.entity_code, p.first_year, s.year, s.profile, s.as_of_change, s.content_hash, s.inputs, s.figures, \
                     s.published_by, CAST(s.published_at AS TEXT) FROM pei_snapshots s JOIN pei_plans p ON p.id = s.plan_id \
                     WHERE p.entity_code = $1 AND p.first_year = $2 AND ($3 = 0 OR s.year = $3) ORDER BY s.id",
                )
                .bind(entity)
                .bind(first_year)
                .bind(year.unwrap_or(0))
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok(PeiSnapshot {
                            id: rows::int(r, 0)?,
                            entity: r.try_get(1)?,
                            first_year: i32::try_from(rows::int(r, 2)?).unwrap_or_default(),
                            year: i32::try_from(rows::int(r, 3)?).unwrap_or_default(),
                            profile: r.try_get(4)?,
                            as_of_change: rows::int(r, 5)?,
                            content_hash: r.try_get(6)?,
                            inputs: r.try_get(7)?,
                            figures: r.try_get(8)?,
                            published_by: r.try_get(9)?,
                            published_at: r.try_get(10)?,
                        })
                    })
                    .collect()
            }

            /// Every loaded PEI as it stands, by entity and period.
            pub async fn pei_documents(&self) -> Result<Vec<StoredPei>, StoreError> {
                let q = format!("{SUMMARY}, r.document {LATEST} ORDER BY p.entity_code, p.first_year");
                let rows = sqlx::query(sqlx::AssertSqlSafe(q)).fetch_all(&self.pool).await?;
                rows.iter().map(|r| Ok(StoredPei { summary: summary(r)?, document: r.try_get(9)? })).collect()
            }

            /// Every revision of an entity's PEI, oldest first.
            pub async fn pei_revisions(&self, entity: &str, first_year: i32) -> Result<Vec<PeiRevision>, StoreError> {
                let rows = sqlx::query(
                    "SELECT c.id, CAST(c.at AS TEXT), c.author, c.reason, r.document \
                     FROM pei_revisions r JOIN pei_changes c ON c.id = r.change_id JOIN pei_plans p ON p.id = r.plan_id \
                     WHERE p.entity_code = $1 AND p.first_year = $2 ORDER BY c.id",
                )
                .bind(entity)
                .bind(first_year)
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok(PeiRevision {
                            change: rows::int(r, 0)?,
                            at: r.try_get(1)?,
                            author: r.try_get(2)?,
                            reason: r.try_get(3)?,
                            document: r.try_get(4)?,
                        })
                    })
                    .collect()
            }
        }
    };
}

pei_operations!(SqliteStore, sqlx::SqliteConnection, "");
pei_operations!(PgStore, sqlx::PgConnection, " FOR UPDATE");

impl Store {
    /// [`SqliteStore::update_pei`] on either database, run again if the database gave up for a
    /// transient reason (the updater is called again on the plan as it then stands).
    pub async fn update_pei<E>(
        &self,
        entity: &str,
        first_year: i32,
        author: &str,
        reason: &str,
        audit: &NewAudit<'_>,
        update: &PeiUpdater<'_, E>,
    ) -> Result<Result<Option<i64>, E>, StoreError> {
        dispatch!(write self, s => s.update_pei(entity, first_year, author, reason, audit, update).await)
    }

    pub async fn pei_plans(&self) -> Result<Vec<PeiSummary>, StoreError> {
        dispatch!(self, s => s.pei_plans().await)
    }

    pub async fn pei(&self, entity: &str, first_year: Option<i32>) -> Result<Option<StoredPei>, StoreError> {
        dispatch!(self, s => s.pei(entity, first_year).await)
    }

    pub async fn publish_pei(&self, s: &NewPeiSnapshot<'_>) -> Result<Option<PeiSnapshot>, StoreError> {
        dispatch!(write self, st => st.publish_pei(s).await)
    }

    pub async fn pei_snapshots(
        &self,
        entity: &str,
        first_year: i32,
        year: Option<i32>,
    ) -> Result<Vec<PeiSnapshot>, StoreError> {
        dispatch!(self, st => st.pei_snapshots(entity, first_year, year).await)
    }

    pub async fn pei_documents(&self) -> Result<Vec<StoredPei>, StoreError> {
        dispatch!(self, s => s.pei_documents().await)
    }

    pub async fn pei_revisions(&self, entity: &str, first_year: i32) -> Result<Vec<PeiRevision>, StoreError> {
        dispatch!(self, s => s.pei_revisions(entity, first_year).await)
    }
}
