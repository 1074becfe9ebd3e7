//! The use cases of an entity's Plan Operativo Institucional (POI): load it, list and read what is
//! loaded, record an activity's monthly execution (the entity's planning office), and compute its
//! figures for a period as a version of CEPLAN's application prints them.

use avance_core::Decimal;
use avance_core::access::{Action, Event, Resource};
use avance_core::poi::{Period, PoiPlan, PoiProfile, PoiResult, month_deadline};
use avance_core::value::{Cell, Unit, ValueError};
use avance_store::app::NewAudit;
use avance_store::poi::{MonthRevision, MonthRole, PoiLoadOutcome, PoiSummary};

use crate::{Actor, App, AppError, Field, Missing, Problem};

/// A month's execution as a user typed it: empty text removes the record (the month is without
/// follow-up again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionEntry {
    pub entity: String,
    pub year: i32,
    pub activity: String,
    pub month: u8,
    pub value: String,
}

/// A month's execution of several activities, as typed in one form (or one API call): recorded
/// all together or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthEntry {
    pub entity: String,
    pub year: i32,
    pub month: u8,
    /// `(activity, value as typed)`; an empty value removes the record.
    pub values: Vec<(String, String)>,
}

/// The most activities one entry takes.
pub const MAX_ACTIVITIES: usize = 5000;

/// What recording a month's execution did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedMonth {
    /// The change set written; `None` when every value was already the one recorded.
    pub change: Option<i64>,
    /// The activities whose value changed.
    pub changed: Vec<String>,
    /// The month's follow-up was due before today (note iv): recorded late.
    pub late: bool,
    /// The last day to record the month, `AAAA-MM-DD`.
    pub deadline: String,
}

/// A POI's figures for a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoiFigures {
    pub profile: PoiProfile,
    pub period: Period,
    pub result: PoiResult,
}

/// The period of months `first..=last` of a plan reported on `as_of` (`(year, month)`; `None`:
/// every month of the period is due), and the profile `profile` names (the plan's own when
/// `None`), with the figures `year_means` asks for (the year's means rather than the period's).
pub fn poi_figures(
    plan: &PoiPlan,
    months: (u8, u8),
    as_of: Option<(i32, u8)>,
    profile: Option<&str>,
    year_means: bool,
) -> Result<PoiFigures, AppError> {
    let id = profile.unwrap_or(&plan.profile);
    let profile = PoiProfile::find(id)
        .ok_or_else(|| AppError::invalid(Field::Profile, Problem::PoiProfileUnknown(id.to_string())))?;
    if months.0 < 1 || months.1 > 12 || months.0 > months.1 {
        return Err(AppError::invalid(Field::Month, Problem::MonthRange));
    }
    let period = match as_of {
        Some((y, m)) => Period::on(months.0, months.1, plan.year, y, m),
        None => Period { first: months.0, last: months.1, due_through: months.1 },
    };
    let result = avance_core::poi::compute(&plan.activities, period, &profile, year_means);
    Ok(PoiFigures { profile, period, result })
}

/// `(y, m, d)` as `AAAA-MM-DD`.
fn day((y, m, d): (i32, u8, u8)) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

impl App {
    /// Loads an entity's POI: a new change set with what differs from the database (nothing if
    /// nothing does), audited in the same transaction.
    pub async fn load_poi(&self, actor: &Actor, plan: &PoiPlan, reason: &str) -> Result<PoiLoadOutcome, AppError> {
        self.allow(actor, Action::LoadData, &Resource::Site)?;
        let at = self.now();
        let subject = format!("POI {} {}", plan.entity_code, plan.year);
        let entry = NewAudit {
            subject: Some(&subject),
            detail: Some(reason),
            ..NewAudit::new(&at, &actor.name, Event::LoadPoi)
        };
        Ok(self.store.load_poi(plan, &actor.name, reason, Some(&entry)).await?)
    }

    /// Every loaded POI.
    pub async fn poi_plans(&self) -> Result<Vec<PoiSummary>, AppError> {
        Ok(self.store.poi_plans().await?)
    }

    /// An entity's POI of a year, or of its latest year when `year` is `None`.
    pub async fn poi(&self, entity: &str, year: Option<i32>) -> Result<PoiPlan, AppError> {
        let year = match year {
            Some(y) => y,
            None => self
                .store
                .poi_plans()
                .await?
                .into_iter()
                .filter(|p| p.entity_code == entity)
                .map(|p| p.year)
                .max()
                .ok_or(AppError::NotFound(Missing::Poi))?,
        };
        self.store.poi(entity, year).await?.ok_or(AppError::NotFound(Missing::Poi))
    }

    /// Every revision of an activity's months, oldest first.
    pub async fn poi_history(&self, entity: &str, year: i32, activity: &str) -> Result<Vec<MonthRevision>, AppError> {
        Ok(self.store.poi_history(entity, year, activity).await?)
    }

    /// Today in Lima as `(year, month)`: what a POI report generated now counts as due.
    pub fn poi_today(&self) -> (i32, u8) {
        let today = crate::tracking::lima_today(self.clock.now());
        (today.year(), u8::from(today.month()))
    }

    /// Records (or, with an empty value, removes) an activity's execution of a month: the
    /// entity's planning office, from the month's first day on. A month whose follow-up was due
    /// (the last day of the following month, note iv) is still recorded, marked late in the
    /// answer and the audit log: a report generated before keeps its S.I. in the history.
    pub async fn record_execution(&self, actor: &Actor, e: &ExecutionEntry) -> Result<RecordedMonth, AppError> {
        let entry = MonthEntry {
            entity: e.entity.clone(),
            year: e.year,
            month: e.month,
            values: vec![(e.activity.clone(), e.value.clone())],
        };
        self.record_month(actor, &entry).await.map_err(|err| match err {
            AppError::Items(mut items) if items.len() == 1 => items.remove(0).1,
            other => other,
        })
    }

    /// [`App::record_execution`] for several activities of one month at once, in one
    /// transaction: each refused value is named by its position in [`AppError::Items`], and then
    /// nothing is recorded.
    pub async fn record_month(&self, actor: &Actor, e: &MonthEntry) -> Result<RecordedMonth, AppError> {
        self.allow(actor, Action::RecordExecution, &Resource::Entity { code: &e.entity })?;
        if !(1..=12).contains(&e.month) {
            return Err(AppError::invalid(Field::Month, Problem::MonthRange));
        }
        if e.values.is_empty() || e.values.len() > MAX_ACTIVITIES {
            return Err(AppError::invalid(Field::Items, Problem::ActivityCount(MAX_ACTIVITIES)));
        }
        let plan = self.store.poi(&e.entity, e.year).await?.ok_or(AppError::NotFound(Missing::Poi))?;
        let today = crate::tracking::lima_today(self.clock.now());
        let now = (today.year(), u8::from(today.month()), today.day());
        if (now.0, now.1) < (e.year, e.month) {
            return Err(AppError::invalid(Field::Month, Problem::MonthNotStarted(day((e.year, e.month, 1)))));
        }
        let mut values = Vec::with_capacity(e.values.len());
        let mut refused = Vec::new();
        for (i, (activity, text)) in e.values.iter().enumerate() {
            if !plan.activities.iter().any(|a| a.code == *activity) {
                refused.push((i, AppError::NotFound(Missing::Activity)));
            } else if e.values[..i].iter().any(|(a, _)| a == activity) {
                refused.push((i, AppError::invalid(Field::Items, Problem::RepeatedActivity)));
            } else {
                match execution(text) {
                    Ok(v) => values.push((activity.clone(), e.month, v)),
                    Err(err) => refused.push((i, err)),
                }
            }
        }
        if !refused.is_empty() {
            return Err(AppError::Items(refused));
        }
        let due = month_deadline(e.year, e.month);
        let late = now > due;
        let at = self.now();
        let subject = format!("POI {} {}", e.entity, e.year);
        let audit = NewAudit { subject: Some(&subject), ..NewAudit::new(&at, &actor.name, Event::RecordExecution) };
        let year = e.year;
        let detail = move |activity: &str, month: u8, value: Option<&str>| {
            format!(
                "{activity} {month:02}/{year}: {}{}",
                value.unwrap_or("—"),
                if late { " (fuera de plazo)" } else { "" }
            )
        };
        let out = self
            .store
            .set_poi_months(&e.entity, e.year, MonthRole::Executed, &values, "registro de ejecución", &audit, &detail)
            .await?;
        Ok(RecordedMonth {
            change: out.change,
            changed: out.changed.into_iter().map(|(a, _)| a).collect(),
            late,
            deadline: day(due),
        })
    }
}

/// A month's execution as typed: a quantity of zero or more, or nothing (the record removed).
fn execution(text: &str) -> Result<Option<Decimal>, AppError> {
    match text.trim() {
        "" => Ok(None),
        text => match Cell::parse_signed(text, Unit::Cantidad, false) {
            Ok(Cell::Value(v)) => Ok(Some(v.exact())),
            Ok(Cell::Nd { .. }) => Err(AppError::invalid(Field::Value, Problem::ExecutionNd)),
            Err(ValueError::Negative { .. }) => Err(AppError::invalid(Field::Value, Problem::ExecutionNegative)),
            Err(err) => Err(AppError::invalid(Field::Value, Problem::Value(err, Unit::Cantidad))),
        },
    }
}
