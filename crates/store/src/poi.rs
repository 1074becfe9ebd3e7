//! Institutional operating plans (POI): an entity's plan for a year, kept like a policy. A load or
//! a month's entry appends a change set with a revision for each key whose content changed
//! (metadata, an AEI, an activity, a month's programming or execution); each activity's current
//! months are kept in `poi_current_activities` (one row per activity, twelve values a field),
//! written in the same transaction, so that reading a plan is a scan of one row per activity.

use std::collections::BTreeMap;
use std::str::FromStr;

use avance_core::Decimal;
use avance_core::poi::{Activity, Aggregation, PoiPlan};
use sqlx::{QueryBuilder, Row};

use crate::app::NewAudit;
use crate::read::{Columns, needed};
use crate::{Conflict, PgStore, SqliteStore, Store, StoreError, rows};

/// What a POI load or a month's entry changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoiLoadOutcome {
    pub entity: String,
    pub year: i32,
    /// The change set written, `None` when nothing differed.
    pub change: Option<i64>,
    pub metadata: bool,
    pub aei: usize,
    pub activities: usize,
    /// Month values (programming or execution) written.
    pub months: usize,
    /// Keys removed: an AEI, an activity or a month value no longer there.
    pub removed: usize,
}

/// One POI as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoiSummary {
    pub entity_code: String,
    pub entity_name: String,
    pub sector: String,
    pub year: i32,
    pub profile: String,
    pub activities: i64,
    pub changes: i64,
    /// Its latest change set: its content is the same while this is.
    pub last_change: i64,
}

/// One revision of a month value of an activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthRevision {
    pub change: i64,
    pub at: String,
    pub author: String,
    pub reason: String,
    pub month: u8,
    /// `programmed` or `executed`.
    pub role: String,
    /// The exact value as canonical text; `None` where it was removed.
    pub value: Option<String>,
}

/// A month value to set: `(activity, month, value)`; `None` removes it.
pub type MonthValue = (String, u8, Option<Decimal>);

/// Month values of a plan's activities to set in one change set, and why.
#[derive(Debug, Clone, Copy)]
pub struct MonthsChange<'a> {
    pub entity: &'a str,
    pub year: i32,
    pub role: MonthRole,
    pub values: &'a [MonthValue],
    pub reason: &'a str,
}

/// The words of the audit entry of a month value set: `(activity, month, value as stored)`.
pub type MonthDetail = dyn Fn(&str, u8, Option<&str>) -> String + Sync;

/// What setting month values wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonthsOutcome {
    /// The change set, `None` when every value was already the one recorded.
    pub change: Option<i64>,
    /// `(activity, month)` of each value written.
    pub changed: Vec<(String, u8)>,
}

/// A POI's follow-up of a period to publish: the figures computed from the plan as of `as_of`
/// (its latest change set when they were computed; the store refuses if it moved).
#[derive(Debug, Clone)]
pub struct NewPoiSnapshot<'a> {
    pub entity: &'a str,
    pub year: i32,
    /// The months reported, `(first, last)`.
    pub months: (u8, u8),
    /// The report's date, `AAAA-MM-DD`: which months were due.
    pub report_date: &'a str,
    pub as_of: i64,
    pub profile: &'a str,
    pub inputs: &'a str,
    pub figures: &'a str,
    pub published_by: &'a str,
    pub audit: NewAudit<'a>,
}

/// A published POI follow-up, frozen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoiSnapshot {
    pub id: i64,
    pub entity: String,
    pub year: i32,
    pub months: (u8, u8),
    pub report_date: String,
    pub profile: String,
    pub as_of_change: i64,
    pub content_hash: String,
    /// The plan's canonical document as published (`avance-poi/1`).
    pub inputs: String,
    /// The figures as published (`avance-poi-compute/1`).
    pub figures: String,
    pub published_by: String,
    pub published_at: String,
}

/// Which month value of an activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MonthRole {
    Programmed,
    Executed,
}

impl MonthRole {
    pub fn id(self) -> &'static str {
        match self {
            MonthRole::Programmed => "programmed",
            MonthRole::Executed => "executed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct MetaRow {
    entity_name: String,
    sector: String,
    profile: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct AeiRow {
    position: i64,
    name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ActivityRow {
    position: i64,
    name: String,
    unit: String,
    priority: Option<i64>,
    aei: String,
    aggregation: String,
}

/// `(activity, month, "programmed" | "executed")`.
type MonthKey = (String, i64, &'static str);

/// A plan's content as rows. A month without programming has no row (zero); a month without an
/// execution row has no record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct PoiState {
    meta: Option<MetaRow>,
    aei: BTreeMap<String, AeiRow>,
    activities: BTreeMap<String, ActivityRow>,
    months: BTreeMap<MonthKey, String>,
}

#[derive(Debug, Default)]
struct PoiDiff {
    meta: Option<MetaRow>,
    aei: Vec<(String, Option<AeiRow>)>,
    activities: Vec<(String, Option<ActivityRow>)>,
    months: Vec<(MonthKey, Option<String>)>,
}

impl PoiDiff {
    fn is_empty(&self) -> bool {
        self.meta.is_none() && self.aei.is_empty() && self.activities.is_empty() && self.months.is_empty()
    }
}

/// Changes as a [`PoiDiff`] keeps them (its own: `set_poi_months` makes one by hand).
fn owned<K: Clone, V: Clone>(changes: Vec<(&K, Option<&V>)>) -> Vec<(K, Option<V>)> {
    changes.into_iter().map(|(k, v)| (k.clone(), v.cloned())).collect()
}

/// A value as stored: exact, canonical (no trailing zeros).
fn canonical(v: Decimal) -> String {
    v.normalize().to_string()
}

impl PoiState {
    fn of(plan: &PoiPlan) -> PoiState {
        let mut s = PoiState {
            meta: Some(MetaRow {
                entity_name: plan.entity_name.clone(),
                sector: plan.sector.clone(),
                profile: plan.profile.clone(),
            }),
            ..PoiState::default()
        };
        for (i, (code, name)) in plan.aei.iter().enumerate() {
            s.aei.insert(code.clone(), AeiRow { position: i as i64, name: name.clone() });
        }
        for (i, a) in plan.activities.iter().enumerate() {
            s.activities.insert(
                a.code.clone(),
                ActivityRow {
                    position: i as i64,
                    name: a.name.clone(),
                    unit: a.unit.clone(),
                    priority: a.priority.map(i64::from),
                    aei: a.aei.clone(),
                    aggregation: a.aggregation.id().to_string(),
                },
            );
            for m in 0..12 {
                let month = m as i64 + 1;
                if !a.programmed[m].is_zero() {
                    s.months.insert((a.code.clone(), month, "programmed"), canonical(a.programmed[m]));
                }
                if let Some(e) = a.executed[m] {
                    s.months.insert((a.code.clone(), month, "executed"), canonical(e));
                }
            }
        }
        s
    }

    /// An activity's current months as stored: twelve values separated by `;`, programming
    /// (zero where there is no row) and execution (empty where not recorded).
    fn encode_months(&self, activity: &str) -> (String, String) {
        let field = |role: &'static str, absent: &str| {
            (1..=12)
                .map(|m| self.months.get(&(activity.to_string(), m, role)).map_or(absent, String::as_str))
                .collect::<Vec<&str>>()
                .join(";")
        };
        (field("programmed", "0"), field("executed", ""))
    }

    /// Reads an activity's stored months of `role` back into the state.
    fn decode_months(
        &mut self,
        plan_id: i64,
        activity: &str,
        role: &'static str,
        text: &str,
    ) -> Result<(), StoreError> {
        let values: Vec<&str> = text.split(';').collect();
        if values.len() != 12 {
            return Err(StoreError::Corrupt {
                policy: format!("POI plan {plan_id}"),
                detail: format!("activity {activity}: {role} «{text}» is not twelve values"),
            });
        }
        for (m, v) in values.into_iter().enumerate() {
            let zero = role == "programmed" && Decimal::from_str(v).is_ok_and(|d| d.is_zero());
            if !v.is_empty() && !zero {
                self.months.insert((activity.to_string(), m as i64 + 1, role), v.to_string());
            }
        }
        Ok(())
    }

    fn diff(&self, new: &PoiState) -> PoiDiff {
        PoiDiff {
            meta: if self.meta == new.meta { None } else { new.meta.clone() },
            aei: owned(rows::changes(&self.aei, &new.aei)),
            activities: owned(rows::changes(&self.activities, &new.activities)),
            months: owned(rows::changes(&self.months, &new.months)),
        }
    }

    /// The plan these rows hold; `None` when it has no metadata (never loaded).
    fn plan(&self, entity_code: &str, year: i32) -> Result<Option<PoiPlan>, StoreError> {
        let Some(meta) = &self.meta else { return Ok(None) };
        let corrupt = |detail: String| StoreError::Corrupt { policy: format!("POI {entity_code} {year}"), detail };
        let mut aei: Vec<(&String, &AeiRow)> = self.aei.iter().collect();
        aei.sort_by(|(a, x), (b, y)| (x.position, a).cmp(&(y.position, b)));
        let mut activities: Vec<(&String, &ActivityRow)> = self.activities.iter().collect();
        activities.sort_by(|(a, x), (b, y)| (x.position, a).cmp(&(y.position, b)));
        let mut out = Vec::with_capacity(activities.len());
        let index: BTreeMap<&str, usize> = activities.iter().enumerate().map(|(i, (c, _))| (c.as_str(), i)).collect();
        for (code, r) in &activities {
            let aggregation = Aggregation::ALL
                .into_iter()
                .find(|a| a.id() == r.aggregation)
                .ok_or_else(|| corrupt(format!("activity {code}: aggregation «{}»", r.aggregation)))?;
            let priority = r
                .priority
                .map(u32::try_from)
                .transpose()
                .map_err(|_| corrupt(format!("activity {code}: priority {:?}", r.priority)))?;
            out.push(Activity {
                code: (*code).clone(),
                name: r.name.clone(),
                unit: r.unit.clone(),
                priority,
                aei: r.aei.clone(),
                aggregation,
                ..Activity::default()
            });
        }
        for ((activity, month, role), text) in &self.months {
            let Some(&i) = index.get(activity.as_str()) else { continue };
            let m = usize::try_from(*month - 1)
                .ok()
                .filter(|m| *m < 12)
                .ok_or_else(|| corrupt(format!("activity {activity}: month {month}")))?;
            let v = Decimal::from_str(text)
                .map_err(|_| corrupt(format!("activity {activity}, month {month}: «{text}»")))?;
            if *role == "programmed" {
                out[i].programmed[m] = v;
            } else {
                out[i].executed[m] = Some(v);
            }
        }
        Ok(Some(PoiPlan {
            entity_code: entity_code.to_string(),
            entity_name: meta.entity_name.clone(),
            sector: meta.sector.clone(),
            year,
            profile: meta.profile.clone(),
            aei: aei.into_iter().map(|(c, r)| (c.clone(), r.name.clone())).collect(),
            activities: out,
        }))
    }
}

/// A month's value as stored (canonical exact text). Most are whole numbers of a few digits, read
/// without the decimal parser (the same value: `Decimal::from_str("12")` is 12 with scale 0).
fn stored_value(text: &str) -> Option<Decimal> {
    if !text.is_empty() && text.len() <= 9 && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse::<u32>().ok().map(Decimal::from);
    }
    Decimal::from_str(text).ok()
}

/// Fills an activity's twelve months from their stored text (`programmed`, `executed`: twelve
/// values separated by `;`, an execution empty where not recorded).
fn fill_months(a: &mut Activity, programmed: &str, executed: &str) -> Result<(), String> {
    let corrupt = |what: &str, text: &str| format!("activity {}: {what} «{text}»", a.code);
    let (mut p, mut e) = (programmed.split(';'), executed.split(';'));
    for m in 0..12 {
        let (Some(pv), Some(ev)) = (p.next(), e.next()) else {
            return Err(corrupt("months", &format!("{programmed} / {executed}")));
        };
        a.programmed[m] = stored_value(pv).ok_or_else(|| corrupt("programmed", pv))?;
        a.executed[m] =
            if ev.is_empty() { None } else { Some(stored_value(ev).ok_or_else(|| corrupt("executed", ev))?) };
    }
    Ok(())
}

const ALL_META: &str = "SELECT plan_id, entity_name, sector, profile FROM poi_meta_revisions m WHERE change_id = \
     (SELECT MAX(x.change_id) FROM poi_meta_revisions x WHERE x.plan_id = m.plan_id)";
const ALL_AEI: &str = "SELECT plan_id, code, position, name FROM poi_aei_revisions r WHERE deleted = 0 AND change_id = \
     (SELECT MAX(x.change_id) FROM poi_aei_revisions x WHERE x.plan_id = r.plan_id AND x.code = r.code)";
const CURRENT_AEI: &str = "SELECT plan_id, code, position, name FROM poi_aei_revisions r WHERE plan_id = $1 AND deleted = 0 AND change_id = \
     (SELECT MAX(x.change_id) FROM poi_aei_revisions x WHERE x.plan_id = r.plan_id AND x.code = r.code)";
/// An activity as it stands, with its months: from the current table (the latest revision of each).
const CURRENT_COLUMNS: &str =
    "plan_id, activity, position, name, unit, priority, aei, aggregation, programmed, executed";

/// Every plan's rows as they are read, by plan id: its state (no months) and its activities'
/// months as stored. Fed by either driver's rows ([`Columns`]).
#[derive(Default)]
struct Collector {
    plans: std::collections::HashMap<i64, (PoiState, Vec<StoredMonths>)>,
    /// Reading whole plans (a portfolio), not a plan to change: each activity decoded straight
    /// into the plan's, with its position, by plan id.
    built: Option<std::collections::HashMap<i64, Vec<(i64, Activity)>>>,
}

/// An activity's months as stored: (activity, programmed, executed).
type StoredMonths = (String, String, String);

impl Collector {
    /// A row of [`ALL_META`]: plan id, entity name, sector, profile.
    fn meta(&mut self, r: &impl Columns) -> Result<(), StoreError> {
        let meta = MetaRow {
            entity_name: needed(r.text(1)?, "entity_name")?,
            sector: needed(r.text(2)?, "sector")?,
            profile: needed(r.text(3)?, "profile")?,
        };
        self.plans.entry(needed(r.int(0)?, "plan_id")?).or_default().0.meta = Some(meta);
        Ok(())
    }

    /// A row of [`ALL_AEI`] or [`CURRENT_AEI`]: plan id, code, position, name.
    fn aei(&mut self, r: &impl Columns) -> Result<(), StoreError> {
        let row = AeiRow { position: needed(r.int(2)?, "position")?, name: needed(r.text(3)?, "name")? };
        self.plans.entry(needed(r.int(0)?, "plan_id")?).or_default().0.aei.insert(needed(r.text(1)?, "code")?, row);
        Ok(())
    }

    /// A row of [`CURRENT_COLUMNS`]: the activity into the state, its months aside.
    fn current(&mut self, r: &impl Columns) -> Result<(), StoreError> {
        if let Some(built) = &mut self.built {
            let plan = needed(r.int(0)?, "plan_id")?;
            let code = needed(r.text(1)?, "activity")?;
            let corrupt = |detail: String| StoreError::Corrupt { policy: format!("POI plan {plan}"), detail };
            let aggregation = needed(r.str(7)?, "aggregation")?;
            let aggregation = Aggregation::ALL
                .into_iter()
                .find(|a| a.id() == aggregation.as_ref())
                .ok_or_else(|| corrupt(format!("activity {code}: aggregation «{aggregation}»")))?;
            let priority = r.int(5)?;
            let priority = priority
                .map(u32::try_from)
                .transpose()
                .map_err(|_| corrupt(format!("activity {code}: priority {priority:?}")))?;
            let mut a = Activity {
                code,
                name: needed(r.text(3)?, "name")?,
                unit: needed(r.text(4)?, "unit")?,
                priority,
                aei: needed(r.text(6)?, "aei")?,
                aggregation,
                ..Activity::default()
            };
            fill_months(&mut a, &needed(r.str(8)?, "programmed")?, &needed(r.str(9)?, "executed")?).map_err(corrupt)?;
            built.entry(plan).or_default().push((needed(r.int(2)?, "position")?, a));
            return Ok(());
        }
        let (s, months) = self.plans.entry(needed(r.int(0)?, "plan_id")?).or_default();
        let code = needed(r.text(1)?, "activity")?;
        s.activities.insert(
            code.clone(),
            ActivityRow {
                position: needed(r.int(2)?, "position")?,
                name: needed(r.text(3)?, "name")?,
                unit: needed(r.text(4)?, "unit")?,
                priority: r.int(5)?,
                aei: needed(r.text(6)?, "aei")?,
                aggregation: needed(r.text(7)?, "aggregation")?,
            },
        );
        months.push((code, needed(r.text(8)?, "programmed")?, needed(r.text(9)?, "executed")?));
        Ok(())
    }

    /// The plans `listed` (id, entity, year), in that order; those never loaded are left out.
    fn finish(mut self, listed: &[(i64, String, i32)]) -> Result<Vec<PoiPlan>, StoreError> {
        let mut plans = Vec::with_capacity(listed.len());
        for (id, entity, year) in listed {
            if let Some(plan) = self.take(*id, entity, *year)? {
                plans.push(plan);
            }
        }
        Ok(plans)
    }

    /// A collector of whole plans (see `built`).
    fn whole_plans() -> Collector {
        Collector { built: Some(std::collections::HashMap::new()), ..Collector::default() }
    }

    /// Plan `id` as collected, `None` when it has no metadata (never loaded).
    fn take(&mut self, id: i64, entity: &str, year: i32) -> Result<Option<PoiPlan>, StoreError> {
        let (s, months) = self.plans.remove(&id).unwrap_or_default();
        let Some(mut plan) = assemble(&s, &months, entity, year)? else { return Ok(None) };
        if let Some(mut built) = self.built.as_mut().and_then(|b| b.remove(&id)) {
            built.sort_by(|(p, a), (q, b)| (p, &a.code).cmp(&(q, &b.code)));
            plan.activities = built.into_iter().map(|(_, a)| a).collect();
        }
        Ok(Some(plan))
    }
}

/// Runs `sql` (no parameters) and hands each row to `take`.
fn each_row(
    tx: &rusqlite::Transaction<'_>,
    sql: &str,
    mut take: impl FnMut(&rusqlite::Row<'_>) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let mut q = tx.prepare(sql)?;
    let mut rows = q.query([])?;
    while let Some(r) = rows.next()? {
        take(r)?;
    }
    Ok(())
}

/// The plans to read (of `year` when not 0), by entity and year.
const LISTED: &str = "SELECT id, entity_code, year FROM poi_plans WHERE $1 = 0 OR year = $1 ORDER BY entity_code, year";

/// Every plan of the SQLite file at `path` (of `year` when not 0), in one read transaction of a
/// connection of its own: the driver that reads many rows fastest (`read`).
fn sqlite_pois(path: &std::path::Path, year: i32) -> Result<Vec<PoiPlan>, StoreError> {
    let conn = crate::read::sqlite_connection(path)?;
    let mut listed = Vec::new();
    let mut q = conn.prepare(LISTED)?;
    let mut rows = q.query([year])?;
    while let Some(r) = rows.next()? {
        listed.push((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, i32>(2)?));
    }
    drop(rows);
    // The plans by id in as many ranges as there are cores, each read and assembled on a
    // connection and thread of its own, each plan within one read transaction.
    let mut ids: Vec<i64> = listed.iter().map(|(id, _, _)| *id).collect();
    ids.sort_unstable();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(ids.len()).max(1);
    let ranges: Vec<(i64, i64)> =
        ids.chunks(ids.len().div_ceil(threads).max(1)).map(|c| (c[0], c[c.len() - 1])).collect();
    let listed = &listed;
    crate::read::in_order(crate::read::on_threads(ranges.len(), |k| {
        let (lo, hi) = ranges[k];
        let conn = crate::read::sqlite_connection(path)?;
        let tx = conn.unchecked_transaction()?;
        let range = format!(" AND plan_id BETWEEN {lo} AND {hi}");
        let mut c = Collector::whole_plans();
        each_row(&tx, &format!("{ALL_META}{range}"), |r| c.meta(r))?;
        each_row(&tx, &format!("{ALL_AEI}{range}"), |r| c.aei(r))?;
        let current =
            format!("SELECT {CURRENT_COLUMNS} FROM poi_current_activities WHERE plan_id BETWEEN {lo} AND {hi}");
        each_row(&tx, &current, |r| c.current(r))?;
        let mut out = Vec::new();
        for (i, (id, entity, year)) in listed.iter().enumerate().filter(|(_, (id, _, _))| (lo..=hi).contains(id)) {
            if let Some(plan) = c.take(*id, entity, *year)? {
                out.push((i, plan));
            }
        }
        Ok(out)
    }))
}

/// The plan of rows `s` with the months `months` (as stored) filled in.
fn assemble(s: &PoiState, months: &[StoredMonths], entity: &str, year: i32) -> Result<Option<PoiPlan>, StoreError> {
    let Some(mut plan) = s.plan(entity, year)? else { return Ok(None) };
    if months.is_empty() {
        return Ok(Some(plan));
    }
    let index: std::collections::HashMap<String, usize> =
        plan.activities.iter().enumerate().map(|(i, a)| (a.code.clone(), i)).collect();
    for (code, programmed, executed) in months {
        let Some(&i) = index.get(code) else { continue };
        fill_months(&mut plan.activities[i], programmed, executed)
            .map_err(|detail| StoreError::Corrupt { policy: format!("POI {entity} {year}"), detail })?;
    }
    Ok(Some(plan))
}

macro_rules! poi_operations {
    ($store:ty, $conn:ty, $db:ty, $lock:literal) => {
        impl $store {
            /// The rows of a plan as they stand, months included (what a write compares with).
            async fn poi_state(c: &mut $conn, plan_id: i64) -> Result<PoiState, StoreError> {
                let (mut s, months) = Self::poi_rows(c, plan_id).await?;
                for (activity, programmed, executed) in &months {
                    s.decode_months(plan_id, activity, "programmed", programmed)?;
                    s.decode_months(plan_id, activity, "executed", executed)?;
                }
                Ok(s)
            }

            /// A plan's metadata, AEI and activities, and each activity's months as stored.
            async fn poi_rows(c: &mut $conn, plan_id: i64) -> Result<(PoiState, Vec<StoredMonths>), StoreError> {
                let mut s = PoiState::default();
                let meta = sqlx::query(
                    "SELECT entity_name, sector, profile FROM poi_meta_revisions WHERE plan_id = $1 ORDER BY change_id DESC LIMIT 1",
                )
                .bind(plan_id)
                .fetch_optional(&mut *c)
                .await?;
                if let Some(r) = meta {
                    s.meta = Some(MetaRow { entity_name: r.try_get(0)?, sector: r.try_get(1)?, profile: r.try_get(2)? });
                }
                let mut col = Collector::default();
                for r in sqlx::query(CURRENT_AEI).bind(plan_id).fetch_all(&mut *c).await? {
                    col.aei(&r)?;
                }
                let q = format!("SELECT {CURRENT_COLUMNS} FROM poi_current_activities WHERE plan_id = $1");
                for r in sqlx::query(sqlx::AssertSqlSafe(q)).bind(plan_id).fetch_all(&mut *c).await? {
                    col.current(&r)?;
                }
                let (rows_state, months) = col.plans.remove(&plan_id).unwrap_or_default();
                s.aei = rows_state.aei;
                s.activities = rows_state.activities;
                Ok((s, months))
            }

            /// A plan as it stands, its months parsed straight into the activities.
            async fn poi_read(c: &mut $conn, plan_id: i64, entity: &str, year: i32) -> Result<Option<PoiPlan>, StoreError> {
                let (s, months) = Self::poi_rows(c, plan_id).await?;
                assemble(&s, &months, entity, year)
            }

            /// The id of an entity's plan for a year, locked for the transaction (PostgreSQL).
            async fn poi_plan_id(c: &mut $conn, entity: &str, year: i32) -> Result<Option<i64>, StoreError> {
                let row = sqlx::query(concat!("SELECT id FROM poi_plans WHERE entity_code = $1 AND year = $2", $lock))
                    .bind(entity)
                    .bind(year)
                    .fetch_optional(&mut *c)
                    .await?;
                row.map(|r| rows::int(&r, 0)).transpose().map_err(StoreError::from)
            }

            /// Appends a change set with `diff` (not empty), which makes the plan's rows `new`, and
            /// keeps the current months of the activities it touches.
            async fn poi_write(c: &mut $conn, plan_id: i64, diff: &PoiDiff, new: &PoiState, author: &str, reason: &str) -> Result<i64, StoreError> {
                let change = rows::int(
                    &sqlx::query("INSERT INTO poi_changes (plan_id, author, reason) VALUES ($1, $2, $3) RETURNING id")
                        .bind(plan_id)
                        .bind(author)
                        .bind(reason)
                        .fetch_one(&mut *c)
                        .await?,
                    0,
                )?;
                if let Some(m) = &diff.meta {
                    sqlx::query("INSERT INTO poi_meta_revisions (change_id, plan_id, entity_name, sector, profile) VALUES ($1, $2, $3, $4, $5)")
                        .bind(change)
                        .bind(plan_id)
                        .bind(&m.entity_name)
                        .bind(&m.sector)
                        .bind(&m.profile)
                        .execute(&mut *c)
                        .await?;
                }
                for chunk in diff.aei.chunks(400) {
                    let mut q = QueryBuilder::new("INSERT INTO poi_aei_revisions (change_id, plan_id, code, position, name, deleted) ");
                    q.push_values(chunk, |mut b, (code, r)| {
                        b.push_bind(change).push_bind(plan_id).push_bind(code.as_str());
                        match r {
                            Some(r) => b.push_bind(r.position).push_bind(r.name.as_str()).push_bind(0i64),
                            None => b.push_bind(0i64).push_bind("").push_bind(1i64),
                        };
                    });
                    q.build().execute(&mut *c).await?;
                }
                for chunk in diff.activities.chunks(300) {
                    let mut q = QueryBuilder::new(
                        "INSERT INTO poi_activity_revisions (change_id, plan_id, code, position, name, unit, priority, aei, aggregation, deleted) ",
                    );
                    q.push_values(chunk, |mut b, (code, r)| {
                        b.push_bind(change).push_bind(plan_id).push_bind(code.as_str());
                        match r {
                            Some(r) => b
                                .push_bind(r.position)
                                .push_bind(r.name.as_str())
                                .push_bind(r.unit.as_str())
                                .push_bind(r.priority)
                                .push_bind(r.aei.as_str())
                                .push_bind(r.aggregation.as_str())
                                .push_bind(0i64),
                            None => b
                                .push_bind(0i64)
                                .push_bind("")
                                .push_bind("")
                                .push_bind(None::<i64>)
                                .push_bind("")
                                .push_bind(Aggregation::AcumuladoAnual.id())
                                .push_bind(1i64),
                        };
                    });
                    q.build().execute(&mut *c).await?;
                }
                for chunk in diff.months.chunks(500) {
                    let mut q = QueryBuilder::new("INSERT INTO poi_month_revisions (change_id, plan_id, activity, month, role, value, deleted) ");
                    q.push_values(chunk, |mut b, ((activity, month, role), v)| {
                        b.push_bind(change).push_bind(plan_id).push_bind(activity.as_str()).push_bind(*month).push_bind(*role);
                        b.push_bind(v.as_deref()).push_bind(i64::from(v.is_none()));
                    });
                    q.build().execute(&mut *c).await?;
                }
                // The current months of every activity the change touched, from the new state.
                let touched: std::collections::BTreeSet<&String> =
                    diff.months.iter().map(|((a, _, _), _)| a).chain(diff.activities.iter().map(|(a, _)| a)).collect();
                let (kept, gone): (Vec<&String>, Vec<&String>) = touched.into_iter().partition(|a| new.activities.contains_key(*a));
                for chunk in kept.chunks(300) {
                    let mut q = QueryBuilder::new(
                        "INSERT INTO poi_current_activities (plan_id, activity, change_id, position, name, unit, priority, aei, aggregation, programmed, executed) ",
                    );
                    q.push_values(chunk, |mut b, activity| {
                        let (programmed, executed) = new.encode_months(activity);
                        let r = &new.activities[*activity];
                        b.push_bind(plan_id)
                            .push_bind(activity.as_str())
                            .push_bind(change)
                            .push_bind(r.position)
                            .push_bind(r.name.clone())
                            .push_bind(r.unit.clone())
                            .push_bind(r.priority)
                            .push_bind(r.aei.clone())
                            .push_bind(r.aggregation.clone())
                            .push_bind(programmed)
                            .push_bind(executed);
                    });
                    q.push(
                        " ON CONFLICT (plan_id, activity) DO UPDATE SET change_id = excluded.change_id, position = excluded.position, \
                         name = excluded.name, unit = excluded.unit, priority = excluded.priority, aei = excluded.aei, \
                         aggregation = excluded.aggregation, programmed = excluded.programmed, executed = excluded.executed",
                    );
                    q.build().execute(&mut *c).await?;
                }
                for activity in gone {
                    sqlx::query("DELETE FROM poi_current_activities WHERE plan_id = $1 AND activity = $2")
                        .bind(plan_id)
                        .bind(activity.as_str())
                        .execute(&mut *c)
                        .await?;
                }
                Ok(change)
            }

            /// Loads an entity's POI for its year: one transaction that appends what differs from
            /// the database (nothing if nothing does), with `audit` when something changed.
            pub async fn load_poi(&self, plan: &PoiPlan, author: &str, reason: &str, audit: Option<&NewAudit<'_>>) -> Result<PoiLoadOutcome, StoreError> {
                let mut tx = self.write().await?;
                sqlx::query("INSERT INTO poi_plans (entity_code, year) VALUES ($1, $2) ON CONFLICT (entity_code, year) DO NOTHING")
                    .bind(&plan.entity_code)
                    .bind(plan.year)
                    .execute(&mut *tx)
                    .await?;
                let Some(plan_id) = Self::poi_plan_id(&mut *tx, &plan.entity_code, plan.year).await? else {
                    return Err(StoreError::Conflict(Conflict::NoSuchPoi { entity: plan.entity_code.clone(), year: plan.year }));
                };
                let new = PoiState::of(plan);
                let diff = Self::poi_state(&mut *tx, plan_id).await?.diff(&new);
                let mut out = PoiLoadOutcome { entity: plan.entity_code.clone(), year: plan.year, ..PoiLoadOutcome::default() };
                if diff.is_empty() {
                    tx.rollback().await?;
                    return Ok(out);
                }
                out.change = Some(Self::poi_write(&mut *tx, plan_id, &diff, &new, author, reason).await?);
                out.metadata = diff.meta.is_some();
                out.aei = diff.aei.iter().filter(|(_, r)| r.is_some()).count();
                out.activities = diff.activities.iter().filter(|(_, r)| r.is_some()).count();
                out.months = diff.months.iter().filter(|(_, r)| r.is_some()).count();
                out.removed = diff.aei.iter().filter(|(_, r)| r.is_none()).count()
                    + diff.activities.iter().filter(|(_, r)| r.is_none()).count()
                    + diff.months.iter().filter(|(_, r)| r.is_none()).count();
                if let Some(a) = audit {
                    insert_audit!(tx, a);
                }
                tx.commit().await?;
                Ok(out)
            }

            /// Sets (or with `None` removes) month values of a plan's activities in one
            /// transaction: those that differ from what is recorded are written as one change set,
            /// each with its audit entry (`audit` with the detail `detail` words for it). An
            /// activity that is not in the plan refuses the whole.
            pub async fn set_poi_months(&self, change: &MonthsChange<'_>, audit: &NewAudit<'_>, detail: &MonthDetail) -> Result<MonthsOutcome, StoreError> {
                let MonthsChange { entity, year, role, values, reason } = *change;
                let mut tx = self.write().await?;
                let Some(plan_id) = Self::poi_plan_id(&mut *tx, entity, year).await? else {
                    return Err(StoreError::Conflict(Conflict::NoSuchPoi { entity: entity.to_string(), year }));
                };
                let state = Self::poi_state(&mut *tx, plan_id).await?;
                let mut new = state.clone();
                let mut diff = PoiDiff::default();
                for (activity, month, value) in values {
                    if !state.activities.contains_key(activity) {
                        return Err(StoreError::Conflict(Conflict::NoSuchActivity(activity.clone())));
                    }
                    // A programming of zero is no row, as a load writes it.
                    let value = value.filter(|v| role == MonthRole::Executed || !v.is_zero()).map(canonical);
                    let key = (activity.clone(), i64::from(*month), role.id());
                    if state.months.get(&key) != value.as_ref() && !diff.months.iter().any(|(k, _)| *k == key) {
                        match &value {
                            Some(v) => new.months.insert(key.clone(), v.clone()),
                            None => new.months.remove(&key),
                        };
                        diff.months.push((key, value));
                    }
                }
                let mut out = MonthsOutcome::default();
                if diff.is_empty() {
                    tx.rollback().await?;
                    return Ok(out);
                }
                out.change = Some(Self::poi_write(&mut *tx, plan_id, &diff, &new, audit.actor, reason).await?);
                for ((activity, month, _), value) in &diff.months {
                    let month = u8::try_from(*month).unwrap_or_default();
                    let text = detail(activity, month, value.as_deref());
                    let entry = NewAudit { detail: Some(&text), ..*audit };
                    insert_audit!(tx, entry);
                    out.changed.push((activity.clone(), month));
                }
                tx.commit().await?;
                Ok(out)
            }

            /// An entity's POI for a year as it stands, `None` if it was never loaded.
            pub async fn poi(&self, entity: &str, year: i32) -> Result<Option<PoiPlan>, StoreError> {
                let mut c = self.pool.acquire().await?;
                let Some(plan_id) = Self::poi_plan_id_read(&mut c, entity, year).await? else { return Ok(None) };
                Self::poi_read(&mut c, plan_id, entity, year).await
            }

            async fn poi_plan_id_read(c: &mut $conn, entity: &str, year: i32) -> Result<Option<i64>, StoreError> {
                let row = sqlx::query("SELECT id FROM poi_plans WHERE entity_code = $1 AND year = $2")
                    .bind(entity)
                    .bind(year)
                    .fetch_optional(&mut *c)
                    .await?;
                row.map(|r| rows::int(&r, 0)).transpose().map_err(StoreError::from)
            }

            /// The years of an entity's loaded POIs (its code compared without regard to case),
            /// oldest first, with the entity's code as loaded.
            pub async fn poi_years(&self, entity: &str) -> Result<Vec<(String, i32)>, StoreError> {
                let rows = sqlx::query("SELECT entity_code, year FROM poi_plans WHERE LOWER(entity_code) = LOWER($1) ORDER BY year")
                    .bind(entity)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(|r| Ok((r.try_get(0)?, i32::try_from(rows::int(r, 1)?).unwrap_or_default()))).collect()
            }

            /// Every loaded POI, by entity and year.
            pub async fn poi_plans(&self) -> Result<Vec<PoiSummary>, StoreError> {
                let rows = sqlx::query(
                    "SELECT p.entity_code, m.entity_name, m.sector, p.year, m.profile, \
                     (SELECT COUNT(*) FROM poi_current_activities a WHERE a.plan_id = p.id), \
                     (SELECT COUNT(*) FROM poi_changes c WHERE c.plan_id = p.id), \
                     (SELECT MAX(c.id) FROM poi_changes c WHERE c.plan_id = p.id) \
                     FROM poi_plans p JOIN poi_meta_revisions m ON m.plan_id = p.id \
                     WHERE m.change_id = (SELECT MAX(x.change_id) FROM poi_meta_revisions x WHERE x.plan_id = p.id) \
                     ORDER BY p.entity_code, p.year",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok(PoiSummary {
                            entity_code: r.try_get(0)?,
                            entity_name: r.try_get(1)?,
                            sector: r.try_get(2)?,
                            year: i32::try_from(rows::int(r, 3)?).unwrap_or_default(),
                            profile: r.try_get(4)?,
                            activities: rows::int(r, 5)?,
                            changes: rows::int(r, 6)?,
                            last_change: rows::int(r, 7)?,
                        })
                    })
                    .collect()
            }

            /// The latest change set of an entity's POI of a year (`None`: never loaded). Read it
            /// before the plan: a publication refuses if the plan moved past it.
            pub async fn poi_last_change(&self, entity: &str, year: i32) -> Result<Option<i64>, StoreError> {
                let row = sqlx::query(
                    "SELECT MAX(c.id) FROM poi_changes c JOIN poi_plans p ON p.id = c.plan_id WHERE p.entity_code = $1 AND p.year = $2",
                )
                .bind(entity)
                .bind(year)
                .fetch_one(&self.pool)
                .await?;
                Ok(rows::opt_int(&row, 0)?)
            }

            /// Freezes a POI's follow-up of a period; `None` when the plan changed since `as_of`
            /// (the figures would not be those of the plan as it stands: compute them again).
            pub async fn publish_poi(&self, s: &NewPoiSnapshot<'_>) -> Result<Option<PoiSnapshot>, StoreError> {
                let mut tx = self.write().await?;
                let row = sqlx::query(concat!("SELECT id FROM poi_plans WHERE entity_code = $1 AND year = $2", $lock))
                    .bind(s.entity)
                    .bind(s.year)
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some(plan_id) = row.map(|r| rows::int(&r, 0)).transpose()? else {
                    return Err(StoreError::Conflict(Conflict::NoSuchPoi { entity: s.entity.to_string(), year: s.year }));
                };
                let latest = sqlx::query("SELECT MAX(id) FROM poi_changes WHERE plan_id = $1").bind(plan_id).fetch_one(&mut *tx).await?;
                if rows::opt_int(&latest, 0)? != Some(s.as_of) {
                    tx.rollback().await?;
                    return Ok(None);
                }
                let hash = crate::content_hash(s.profile, s.inputs, s.figures);
                let id = rows::int(
                    &sqlx::query(
                        "INSERT INTO poi_snapshots (plan_id, first_month, last_month, report_date, profile, as_of_change, content_hash, \
                         inputs, figures, published_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                    )
                    .bind(plan_id)
                    .bind(i32::from(s.months.0))
                    .bind(i32::from(s.months.1))
                    .bind(s.report_date)
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
                Ok(self.poi_snapshots(s.entity, s.year).await?.into_iter().find(|x| x.id == id))
            }

            /// The published follow-ups of an entity's POI of a year, oldest first.
            pub async fn poi_snapshots(&self, entity: &str, year: i32) -> Result<Vec<PoiSnapshot>, StoreError> {
                let rows = sqlx::query(
                    "SELECT s.id, p.entity_code, p.year, s.first_month, s.last_month, s.report_date, s.profile, s.as_of_change, \
                     s.content_hash, s.inputs, s.figures, s.published_by, CAST(s.published_at AS TEXT) \
                     FROM poi_snapshots s JOIN poi_plans p ON p.id = s.plan_id WHERE p.entity_code = $1 AND p.year = $2 ORDER BY s.id",
                )
                .bind(entity)
                .bind(year)
                .fetch_all(&self.pool)
                .await?;
                let month = |r: &_, i| rows::int(r, i).map(|m| u8::try_from(m).unwrap_or_default());
                rows.iter()
                    .map(|r| {
                        Ok(PoiSnapshot {
                            id: rows::int(r, 0)?,
                            entity: r.try_get(1)?,
                            year: i32::try_from(rows::int(r, 2)?).unwrap_or_default(),
                            months: (month(r, 3)?, month(r, 4)?),
                            report_date: r.try_get(5)?,
                            profile: r.try_get(6)?,
                            as_of_change: rows::int(r, 7)?,
                            content_hash: r.try_get(8)?,
                            inputs: r.try_get(9)?,
                            figures: r.try_get(10)?,
                            published_by: r.try_get(11)?,
                            published_at: r.try_get(12)?,
                        })
                    })
                    .collect()
            }

            /// Every revision of an activity's month values, oldest first.
            pub async fn poi_history(&self, entity: &str, year: i32, activity: &str) -> Result<Vec<MonthRevision>, StoreError> {
                let rows = sqlx::query(
                    "SELECT c.id, CAST(c.at AS TEXT), c.author, c.reason, r.month, r.role, r.value, r.deleted \
                     FROM poi_month_revisions r JOIN poi_changes c ON c.id = r.change_id JOIN poi_plans p ON p.id = r.plan_id \
                     WHERE p.entity_code = $1 AND p.year = $2 AND r.activity = $3 ORDER BY c.id, r.month, r.role",
                )
                .bind(entity)
                .bind(year)
                .bind(activity)
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        let deleted = rows::int(r, 7)? != 0;
                        Ok(MonthRevision {
                            change: rows::int(r, 0)?,
                            at: r.try_get(1)?,
                            author: r.try_get(2)?,
                            reason: r.try_get(3)?,
                            month: u8::try_from(rows::int(r, 4)?).unwrap_or_default(),
                            role: r.try_get(5)?,
                            value: if deleted { None } else { r.try_get(6)? },
                        })
                    })
                    .collect()
            }
        }
    };
}

poi_operations!(SqliteStore, sqlx::SqliteConnection, sqlx::Sqlite, "");
poi_operations!(PgStore, sqlx::PgConnection, sqlx::Postgres, " FOR UPDATE");

impl SqliteStore {
    /// Every plan as it stands (of `year` only, when given), by entity and year, read in four
    /// scans whatever their number.
    pub async fn pois(&self, year: Option<i32>) -> Result<Vec<PoiPlan>, StoreError> {
        let path = self.path.clone();
        crate::read::blocking(move || sqlite_pois(&path, year.unwrap_or(0))).await
    }
}

impl PgStore {
    /// Every plan as it stands (of `year` only, when given), by entity and year, read in four
    /// scans whatever their number, in one read transaction.
    pub async fn pois(&self, year: Option<i32>) -> Result<Vec<PoiPlan>, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY").execute(&mut *tx).await?;
        let mut listed = Vec::new();
        for r in sqlx::query(LISTED).bind(year.unwrap_or(0)).fetch_all(&mut *tx).await? {
            listed.push((rows::int(&r, 0)?, r.try_get(1)?, i32::try_from(rows::int(&r, 2)?).unwrap_or_default()));
        }
        let mut c = Collector::whole_plans();
        for r in sqlx::query(ALL_META).fetch_all(&mut *tx).await? {
            c.meta(&r)?;
        }
        for r in sqlx::query(ALL_AEI).fetch_all(&mut *tx).await? {
            c.aei(&r)?;
        }
        let q = format!("SELECT {CURRENT_COLUMNS} FROM poi_current_activities");
        let mut current = sqlx::query(sqlx::AssertSqlSafe(q)).fetch(&mut *tx);
        while let Some(r) = futures_util::TryStreamExt::try_next(&mut current).await? {
            c.current(&r)?;
        }
        drop(current);
        tx.commit().await?;
        c.finish(&listed)
    }
}

impl Store {
    pub async fn load_poi(
        &self,
        plan: &PoiPlan,
        author: &str,
        reason: &str,
        audit: Option<&NewAudit<'_>>,
    ) -> Result<PoiLoadOutcome, StoreError> {
        dispatch!(write self, s => s.load_poi(plan, author, reason, audit).await)
    }

    pub async fn set_poi_months(
        &self,
        change: &MonthsChange<'_>,
        audit: &NewAudit<'_>,
        detail: &MonthDetail,
    ) -> Result<MonthsOutcome, StoreError> {
        dispatch!(write self, s => s.set_poi_months(change, audit, detail).await)
    }

    pub async fn poi(&self, entity: &str, year: i32) -> Result<Option<PoiPlan>, StoreError> {
        dispatch!(self, s => s.poi(entity, year).await)
    }

    pub async fn poi_plans(&self) -> Result<Vec<PoiSummary>, StoreError> {
        dispatch!(self, s => s.poi_plans().await)
    }

    pub async fn pois(&self, year: Option<i32>) -> Result<Vec<PoiPlan>, StoreError> {
        dispatch!(self, s => s.pois(year).await)
    }

    pub async fn poi_years(&self, entity: &str) -> Result<Vec<(String, i32)>, StoreError> {
        dispatch!(self, s => s.poi_years(entity).await)
    }

    pub async fn publish_poi(&self, s: &NewPoiSnapshot<'_>) -> Result<Option<PoiSnapshot>, StoreError> {
        dispatch!(write self, x => x.publish_poi(s).await)
    }

    pub async fn poi_last_change(&self, entity: &str, year: i32) -> Result<Option<i64>, StoreError> {
        dispatch!(self, x => x.poi_last_change(entity, year).await)
    }

    pub async fn poi_snapshots(&self, entity: &str, year: i32) -> Result<Vec<PoiSnapshot>, StoreError> {
        dispatch!(self, x => x.poi_snapshots(entity, year).await)
    }

    pub async fn poi_history(&self, entity: &str, year: i32, activity: &str) -> Result<Vec<MonthRevision>, StoreError> {
        dispatch!(self, s => s.poi_history(entity, year, activity).await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick path for whole numbers gives the decimal parser's very value (digits and scale).
    #[test]
    fn stored_values_read_as_the_decimal_parser_reads_them() {
        for text in ["0", "00", "7", "012", "999999999", "1000000000", "2.5", "0.10", "-3", "", "1e3", "١٢"] {
            let (quick, full) = (stored_value(text), Decimal::from_str(text).ok());
            assert_eq!(quick, full, "{text}");
            assert_eq!(quick.map(|d| (d.to_string(), d.scale())), full.map(|d| (d.to_string(), d.scale())), "{text}");
        }
    }
}
